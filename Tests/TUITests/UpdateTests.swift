import XCTest
@testable import TUI

final class UpdateTests: XCTestCase {
    func testEnterSendsAndRecordsHistory() {
        var state = Fixtures.chat()
        Fixtures.type("Bonjour", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.send("Bonjour")])
        XCTAssertEqual(state.entries.last, TranscriptEntry(kind: .user, text: "Bonjour"))
        XCTAssertTrue(state.editor.isEmpty)
        Fixtures.press([.up], &state)
        XCTAssertEqual(state.editor.text, "Bonjour")
        Fixtures.press([.down], &state)
        XCTAssertEqual(state.editor.text, "")
    }

    func testBlankInputIsNotSent() {
        var state = Fixtures.chat()
        Fixtures.press([.newline], &state)
        Fixtures.type("  ", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [])
    }

    func testAltEnterAndCtrlJInsertNewlines() {
        var state = Fixtures.chat()
        var decoder = KeyDecoder()
        let keys = "a\u{1B}\rb\nc".unicodeScalars.flatMap { decoder.feed(.scalar($0)) }
        Fixtures.press(keys, &state)
        XCTAssertEqual(state.editor.text, "a\nb\nc")
    }

    func testCtrlCInterruptsAndKeepsPartialText() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyToken("Partial")))
        XCTAssertEqual(Fixtures.press([.control("c")], &state), [.cancel])
        XCTAssertEqual(state.phase, .stopping)
        XCTAssertTrue(state.entries.last!.interrupted, "marked at once, before the driver answers")
        // A token already in flight is in the stored reply, so the screen shows it too.
        _ = state.update(.driver(.replyToken(" late")))
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 2, tokensPerSecond: 10))))
        XCTAssertEqual(state.entries.last?.text, "Partial late")
        XCTAssertEqual(state.phase, .idle)
        XCTAssertEqual(state.lastStats?.interrupted, true)
        // And the chat goes on.
        Fixtures.type("next", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.send("next")])
    }

    func testEscapeInterruptsToo() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        XCTAssertEqual(Fixtures.press([.escape], &state), [.cancel])
    }

    func testCannotSendWhileReplying() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        Fixtures.type("x", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [])
        XCTAssertEqual(state.flash, "still replying: Esc stops it")
        XCTAssertEqual(state.editor.text, "x", "the text is kept")
    }

    func testCtrlCClearsTypedTextBeforeAskingToQuit() {
        var state = Fixtures.chat()
        Fixtures.type("draft", &state)
        Fixtures.press([.control("c")], &state)
        XCTAssertTrue(state.editor.isEmpty)
        XCTAssertNil(state.overlay)
    }

    func testCtrlDQuitsOnEmptyPromptAndDeletesOtherwise() {
        var state = Fixtures.chat()
        Fixtures.type("ab", &state)
        Fixtures.press([.left, .control("d")], &state)
        XCTAssertEqual(state.editor.text, "a")
        Fixtures.press([.control("u")], &state)
        XCTAssertEqual(Fixtures.press([.control("d")], &state), [.quit])
        XCTAssertTrue(state.shouldQuit)
    }

    func testCtrlDWhileGeneratingCancelsThenQuits() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        XCTAssertEqual(Fixtures.press([.control("d")], &state), [.cancel, .quit])
    }

    /// F3 and Alt-C run /copy; the driver's copy event becomes the clipboard effect; F4 turns
    /// the mouse wheel on and off (off at the start, so the terminal can select text).
    func testCopyKeysAndTheMouseToggle() {
        var state = Fixtures.chat()
        XCTAssertEqual(Fixtures.press([.function(3)], &state), [.command(name: "copy", argument: "")])
        XCTAssertEqual(Fixtures.press([.alt("c")], &state), [.command(name: "copy", argument: "")])
        Fixtures.type("/copy 2", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "copy", argument: "2")])
        XCTAssertEqual(state.update(.driver(.copy("Hello! **How**"))), [.copyToClipboard("Hello! **How**")])
        XCTAssertFalse(state.mouseWheel)
        XCTAssertEqual(Fixtures.press([.function(4)], &state), [.setMouse(true)])
        XCTAssertEqual(state.flash, "mouse: the wheel scrolls the chat (F4: select text instead)")
        XCTAssertEqual(Fixtures.press([.function(4)], &state), [.setMouse(false)])
        XCTAssertEqual(Clipboard.osc52("hé\u{1B}"), "\u{1B}]52;c;aMOpGw==\u{07}")
    }

    /// /edit puts the last message in the input line; Enter sends it as an edit (the driver
    /// replaces the exchange: took back, then the message as resent); Esc cancels.
    func testEditingTheLastMessage() {
        var state = Fixtures.chat(rows: 12, columns: 80)
        Fixtures.type("/edit", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "edit", argument: "")])
        _ = state.update(.driver(.editLast("Hi there")))
        XCTAssertEqual(state.editor.text, "Hi there")
        XCTAssertTrue(StatusBarView.line(for: state, width: 80).plainText.contains("editing your last message: Enter replaces it"))
        Fixtures.press([.control("e")], &state)
        XCTAssertTrue(StatusBarView.line(for: state, width: 80).plainText.contains("✎ editing your last message (Esc cancels)"))
        Fixtures.type(", friend", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "edit", argument: "Hi there, friend")])
        XCTAssertFalse(state.editingLast)
        XCTAssertEqual(state.entries.count, 2, "the driver's events replace the exchange, not the key")
        _ = state.update(.driver(.tookBack))
        _ = state.update(.driver(.resent("Hi there, friend")))
        XCTAssertEqual(state.entries.map(\.text), ["Hi there, friend"])

        _ = state.update(.driver(.editLast("Hi there, friend")))
        XCTAssertEqual(Fixtures.press([.escape], &state), [])
        XCTAssertEqual(state.editor.text, "")
        XCTAssertFalse(state.editingLast)
        XCTAssertEqual(state.flash, "edit cancelled")
    }

    /// With `up-edits-last`, Up on an empty prompt asks to edit your last message (and the
    /// prompt says so); with text in the line, or with the mode off, Up is history; Ctrl-P
    /// is history either way.
    func testUpOnAnEmptyPromptEditsInThatMode() {
        var state = Fixtures.chat(rows: 12, columns: 80)
        Fixtures.type("earlier", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.send("earlier")])
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 1, tokensPerSecond: 1))))
        Fixtures.press([.up], &state)
        XCTAssertEqual(state.editor.text, "earlier", "off by default: Up recalls history")
        Fixtures.press([.down], &state)
        XCTAssertEqual(state.editor.text, "")

        state.upEditsLast = true
        XCTAssertTrue(AppView.render(state).text.contains("↑ edits your last message · Ctrl-P history"))
        XCTAssertEqual(Fixtures.press([.up], &state), [.command(name: "edit", argument: "")])
        _ = state.update(.driver(.editLast("earlier")))
        XCTAssertTrue(state.editingLast)
        XCTAssertFalse(AppView.render(state).text.contains("↑ edits"))
        Fixtures.press([.escape], &state)
        Fixtures.press([.control("p")], &state)
        XCTAssertEqual(state.editor.text, "earlier", "Ctrl-P is history")
        XCTAssertEqual(Fixtures.press([.up], &state), [], "Up with text in the line is not an edit")
    }

    /// Ctrl-R searches sent inputs newest first: typing narrows, Ctrl-R goes further back,
    /// Enter keeps the entry in the input line, Esc restores what was typed before.
    func testCtrlRSearchesHistory() {
        var state = Fixtures.chat(rows: 12, columns: 100)
        _ = state.update(.driver(.transcript([TranscriptEntry(kind: .user, text: "tell me about Paris"),
                                               TranscriptEntry(kind: .assistant, text: "…"),
                                               TranscriptEntry(kind: .user, text: "and Rome?")])))
        for text in ["what about pasta", "thanks"] {
            Fixtures.type(text, &state)
            Fixtures.press([.enter], &state)
            _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 1, tokensPerSecond: 1))))
        }
        Fixtures.type("draft", &state)
        Fixtures.press([.control("r")], &state)
        XCTAssertEqual(state.editor.text, "thanks")
        Fixtures.type("pa", &state)
        XCTAssertEqual(state.editor.text, "what about pasta")
        XCTAssertTrue(StatusBarView.line(for: state, width: 100).plainText.hasPrefix(" search history: pa · Ctrl-R older"))
        Fixtures.press([.control("r")], &state)
        XCTAssertEqual(state.editor.text, "tell me about Paris", "a loaded chat's messages are history too")
        Fixtures.press([.control("r")], &state)
        XCTAssertEqual(state.editor.text, "tell me about Paris", "nothing older: the match stays")
        Fixtures.type("zz", &state)
        XCTAssertTrue(StatusBarView.line(for: state, width: 100).plainText.contains("(no match)"))
        Fixtures.press([.backspace, .backspace, .escape], &state)
        XCTAssertNil(state.historySearch)
        XCTAssertEqual(state.editor.text, "draft")
        Fixtures.press([.control("r")], &state)
        Fixtures.type("rome", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [], "Enter keeps the entry, it does not send it")
        XCTAssertEqual(state.editor.text, "and Rome?")
        XCTAssertNil(state.historySearch)
    }

    func testSlashCommands() {
        var state = Fixtures.chat()
        Fixtures.type("/system Speak in French", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "system", argument: "Speak in French")])
        Fixtures.type("/theme gruvbox", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.setTheme("gruvbox")])
        Fixtures.type("/theme", &state)
        Fixtures.press([.enter], &state)
        XCTAssertEqual(state.entries.last?.text, "themes: dark (current), gruvbox, light")
        Fixtures.type("/nope", &state)
        Fixtures.press([.enter], &state)
        XCTAssertEqual(state.entries.last?.kind, .error)
        Fixtures.type("//etc/hosts is a file", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.send("/etc/hosts is a file")])
        Fixtures.type("/quit", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.quit])
    }

    func testRetryWaitsForTheReplyToEnd() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        Fixtures.type("/retry", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [])
        XCTAssertNotNil(state.flash)
    }

    func testRetryReplacesTheLastReply() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: true)))
        _ = state.update(.driver(.replyToken("Again")))
        XCTAssertEqual(state.entries.map(\.text), ["Hi there", "Again"])
    }

    /// /retry after another command's output: the old reply goes, the notice stays, and one
    /// Assistant block follows the user's message (issue 13, item 2).
    func testNoticesDuringAReplyGoAboveItAndTheReplyKeepsStreaming() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        // What the session sends when this turn evicts old exchanges: after the reply began.
        _ = state.update(.driver(.evicted(count: 2)))
        _ = state.update(.driver(.notice("evicted the 1 oldest exchange to make room (1 in all); the system message stays pinned")))
        _ = state.update(.driver(.replyToken("Still")))
        _ = state.update(.driver(.error("warning: something")))
        _ = state.update(.driver(.replyToken(" here")))
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 2, tokensPerSecond: 10))))
        // The eviction (before any text) reads above the reply, the warning (after) below it.
        XCTAssertEqual(state.entries.map(\.kind), [.user, .assistant, .notice, .assistant, .error])
        XCTAssertEqual(state.entries[3].text, "Still here")
        XCTAssertEqual(state.entries.prefix(2).map(\.evicted), [true, true])
        XCTAssertNil(state.replyEntry)
        // Afterwards notices go below again.
        _ = state.update(.driver(.notice("later")))
        XCTAssertEqual(state.entries.last?.text, "later")
    }

    func testCtrlCAfterANoticeMarksTheReplyNotTheNotice() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyToken("Part")))
        _ = state.update(.driver(.notice("the context is nearly full")))
        Fixtures.press([.control("c")], &state)
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 1, tokensPerSecond: 10, interrupted: true))))
        XCTAssertEqual(state.entries.map(\.interrupted), [false, false, true, false])
        XCTAssertEqual(state.entries[2].text, "Part")
    }

    /// A message that could not be sent leaves no empty, "interrupted" reply behind.
    func testAFailedReplyLeavesNoEmptyBlock() {
        var state = Fixtures.chat()
        Fixtures.type("a very long message", &state)
        Fixtures.press([.enter], &state)
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 0, tokensPerSecond: 0, failed: true))))
        _ = state.update(.driver(.error("the message is too long")))
        XCTAssertEqual(state.entries.map(\.kind), [.user, .assistant, .user, .error])
        XCTAssertFalse(state.entries.contains { $0.interrupted })
        XCTAssertEqual(state.phase, .idle)
    }

    /// /undo takes back the last user message and its reply; notices stay where they were.
    func testTookBackRemovesTheLastExchangeOnly() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.notice("context: 40/512 tokens")))
        state.entries.append(TranscriptEntry(kind: .user, text: "second"))
        _ = state.update(.driver(.notice("evicted one")))
        state.entries.append(TranscriptEntry(kind: .assistant, text: "reply"))
        _ = state.update(.driver(.tookBack))
        XCTAssertEqual(state.entries.map(\.text), ["Hi there", "Hello! How can I help you today?", "context: 40/512 tokens", "evicted one"])
        // A message with no reply: only it goes.
        state.entries.append(TranscriptEntry(kind: .user, text: "too long"))
        state.entries.append(TranscriptEntry(kind: .error, text: "the message is too long"))
        _ = state.update(.driver(.tookBack))
        XCTAssertEqual(state.entries.map(\.text), ["Hi there", "Hello! How can I help you today?", "context: 40/512 tokens", "evicted one", "the message is too long"])
    }

    /// A key typed over the help closes it and is not lost; Esc only closes it.
    func testTypingOverHelpClosesItAndKeepsTheKey() {
        var state = Fixtures.chat()
        Fixtures.press([.function(1)], &state)
        Fixtures.type("h", &state)
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.editor.text, "h")
        Fixtures.press([.function(1), .escape], &state)
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.editor.text, "h")
    }

    func testRetryAfterANoticeReplacesTheReplyNotTheNotice() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.notice("context: 40/512 tokens")))
        _ = state.update(.driver(.replyStarted(replacingLast: true)))
        _ = state.update(.driver(.replyToken("Again")))
        XCTAssertEqual(state.entries.map(\.text), ["Hi there", "context: 40/512 tokens", "Again"])
        XCTAssertEqual(state.entries.map(\.kind), [.user, .notice, .assistant])
    }

    func testTabCompletionCyclesCandidates() {
        var state = Fixtures.chat(rows: 10, columns: 60)
        Fixtures.type("/s", &state)
        Fixtures.press([.tab], &state)
        XCTAssertEqual(state.completions, ["system", "stats", "set", "save", "sessions"])
        XCTAssertEqual(AppView.render(state).rowText(8), " Tab: system  stats  set  save  sessions")
        Fixtures.press([.tab], &state)
        XCTAssertEqual(state.editor.text, "/system ")
        XCTAssertEqual(AppView.render(state).rowText(8), " Tab: [system]  stats  set  save  sessions")
        Fixtures.press([.tab], &state)
        XCTAssertEqual(state.editor.text, "/stats ")
        Fixtures.type("x", &state)
        XCTAssertTrue(state.completions.isEmpty)

        Fixtures.press([.control("u")], &state)
        Fixtures.type("/theme g", &state)
        Fixtures.press([.tab], &state)
        XCTAssertEqual(state.editor.text, "/theme gruvbox")
    }

    func testPasteKeepsNewlinesAndDropsControls() {
        var state = Fixtures.chat()
        Fixtures.press([.paste("one\ntwo\u{1B}[31m\tthree")], &state)
        XCTAssertEqual(state.editor.text, "one\ntwo[31m three")
        XCTAssertEqual(Fixtures.press([.enter], &state), [.send("one\ntwo[31m three")], "a paste never sends by itself")
    }

    func testTranscriptReplacementAndNotices() {
        var state = Fixtures.chat()
        _ = state.update(.driver(.transcript([])))
        XCTAssertTrue(state.entries.isEmpty)
        _ = state.update(.driver(.notice("saved")))
        XCTAssertEqual(state.entries, [TranscriptEntry(kind: .notice, text: "saved")])
    }
}
