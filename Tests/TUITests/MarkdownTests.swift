import XCTest
@testable import TUI

/// Replies drawn as Markdown: what the reader sees (views as strings), which role each part
/// gets, and that a streamed reply's cached layout equals the one laid out from scratch.
final class MarkdownTests: XCTestCase {
    private func render(_ reply: String, columns: Int = 40, rows: Int = 24) -> ScreenBuffer {
        var state = Fixtures.chat(rows: rows, columns: columns)
        state.entries = [TranscriptEntry(kind: .assistant, text: reply)]
        return AppView.render(state)
    }

    private func body(_ screen: ScreenBuffer, lines: Int) -> [String] {
        (2..<(2 + lines)).map { screen.rowText($0) }
    }

    private func role(of text: String, in screen: ScreenBuffer, file: StaticString = #filePath, line: UInt = #line) -> StyleRole? {
        for row in 0..<screen.height {
            let rowText = screen.rowText(row)
            guard let range = rowText.range(of: text) else { continue }
            let column = DisplayWidth.of(rowText[..<range.lowerBound])
            return screen[row, column].role
        }
        XCTFail("\(text) is not on screen", file: file, line: line)
        return nil
    }

    func testHeadingsEmphasisCodeListsQuotesAndRules() {
        let reply = """
            # Plan
            Use **bold**, *italic*, `let x = 1` and snake_case_names.
            - first item that is long enough to wrap here
            - second
            2. numbered
            > quoted text
            ---
            """
        let screen = render(reply)
        XCTAssertEqual(body(screen, lines: 10), [
            "  Plan",
            "  Use bold, italic, let x = 1 and",
            "  snake_case_names.",
            "  • first item that is long enough to",
            "    wrap here",
            "  • second",
            "  2. numbered",
            "  │ quoted text",
            "  ──────────────────────────────────────",
            "",
        ])
        XCTAssertEqual(role(of: "Plan", in: screen), .mdHeading)
        XCTAssertEqual(role(of: "bold", in: screen), .mdStrong)
        XCTAssertEqual(role(of: "italic", in: screen), .mdEmphasis)
        XCTAssertEqual(role(of: "let x = 1", in: screen), .mdCode)
        XCTAssertEqual(role(of: "snake_case_names", in: screen), .assistantText, "underscores inside words are not emphasis")
        XCTAssertEqual(role(of: "•", in: screen), .mdMarker)
        XCTAssertEqual(role(of: "│", in: screen), .mdMarker)
        XCTAssertEqual(role(of: "quoted", in: screen), .mdQuote)
        XCTAssertEqual(role(of: "───", in: screen), .mdMarker)
    }

    func testCodeBlocksAreNotWrappedButClippedWithAMarker() {
        let reply = """
            Here:
            ```swift
            let greeting = "a line of code far too long for the pane"
              indented()
            ```
            after **the** block
            """
        let screen = render(reply, columns: 30)
        XCTAssertEqual(body(screen, lines: 6), [
            "  Here:",
            "  ```swift",
            "  let greeting = \"a line of c→",
            "    indented()",
            "  ```",
            "  after the block",
        ])
        XCTAssertEqual(role(of: "let greeting", in: screen), .mdCodeBlock)
        XCTAssertEqual(role(of: "→", in: screen), .mdMarker)
        XCTAssertEqual(role(of: "```swift", in: screen), .mdMarker)
        XCTAssertEqual(screen[5, 29].role, .mdCodeBlock, "the code block's background runs to the edge")
        XCTAssertEqual(role(of: "the", in: screen), .mdStrong, "the fence closed: Markdown again")
    }

    func testUnclosedMarkupShowsAsTypedAndRawTextIsKept() {
        let reply = "2 * 3 = 6, **not closed and `open code"
        let screen = render(reply, columns: 60)
        XCTAssertEqual(screen.rowText(2), "  2 * 3 = 6, **not closed and `open code")
        XCTAssertEqual(role(of: "not closed", in: screen), .assistantText)
    }

    func testEvictedReplyIsGreyedWhole() {
        var state = Fixtures.chat(rows: 10, columns: 40)
        state.entries = [TranscriptEntry(kind: .assistant, text: "# Title\n**bold**", evicted: true)]
        let screen = AppView.render(state)
        XCTAssertEqual(screen.rowText(2), "  Title")
        XCTAssertEqual(role(of: "Title", in: screen), .evicted)
        XCTAssertEqual(role(of: "bold", in: screen), .evicted)
    }

    /// Streamed a few characters at a time, through every construct, the cached layout equals
    /// the layout of the whole text at every step, and finished lines are not laid out again.
    func testStreamedMarkdownEqualsTheWholeLayout() {
        let reply = """
            ## Steps
            1. open **the** file
            2. run `make`, then *check*

            ```
            code line one that is wider than thirty columns
            ```
            > a quote with __strong__ words
            done.
            """
        var state = Fixtures.chat(rows: 30, columns: 30)
        state.entries = [TranscriptEntry(kind: .user, text: "go")]
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        var sent = ""
        var index = reply.startIndex
        var step = 0
        while index < reply.endIndex {
            let next = reply.index(index, offsetBy: 1 + step % 4, limitedBy: reply.endIndex) ?? reply.endIndex
            let piece = String(reply[index..<next])
            sent += piece
            _ = state.update(.driver(.replyToken(piece)))
            XCTAssertEqual(state.conversationLines(), ConversationView.lines(for: state.entries, width: 30, streaming: true),
                           "after \(sent.debugDescription)")
            index = next
            step += 1
        }
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: step, tokensPerSecond: 1))))
        XCTAssertEqual(state.conversationLines(), ConversationView.lines(for: state.entries, width: 30, streaming: false))
        XCTAssertEqual(state.entries.last?.text, reply, "the stored text is the raw Markdown")
    }

    func testThemesStyleTheMarkdownRoles() throws {
        for name in ["dark", "light", "gruvbox", "high-contrast"] {
            let theme = try Theme(toml: BuiltinThemes.all[name]!, fallbackName: name)
            XCTAssertTrue(theme.resolved(.mdHeading).bold, name)
            XCTAssertNotEqual(theme.resolved(.mdCodeBlock), theme.resolved(.assistantText), name)
        }
        // A theme from before the Markdown roles: headings still bold, code in the reply's colour.
        let old = try Theme(toml: "[styles]\nassistant_text = { fg = \"#d0d0d0\" }", fallbackName: "old")
        XCTAssertTrue(old.resolved(.mdHeading).bold)
        XCTAssertTrue(old.resolved(.mdEmphasis).italic)
        XCTAssertEqual(old.resolved(.mdCode).foreground, old.resolved(.assistantText).foreground)
    }

    /// A line of thousands of unmatched markers lays out in bounded time per character (the
    /// closing search stops at `spanLimit`), and shows as typed.
    func testUnmatchedMarkersStayCheap() {
        let hostile = String(repeating: "*a `b _c ", count: 3000)
        let lines = MarkdownLayout.lines(of: hostile, width: 80)
        XCTAssertEqual(lines.map(\.plainText).joined(separator: " ").filter { $0 == "*" }.count, 3000)
    }
}
