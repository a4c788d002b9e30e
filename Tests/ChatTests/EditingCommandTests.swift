import Chat
import Tokenizer
import XCTest

/// /undo, /retry, /clear, /template and /set on a scripted engine.
final class EditingCommandTests: XCTestCase {
    func makeSession(context: Int = 512) throws -> (ChatSession, ScriptedEngine) {
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: context)
        var sampling = SamplingParameters()
        sampling.seed = 9
        let options = SessionOptions(template: .llama2, system: SystemPrompt(text: "Speak in French."), sampling: sampling, maxReplyTokens: 8)
        return (ChatSession(engine: engine, options: options, store: nil), engine)
    }

    func testUndoWithdrawsTheLastExchangeButKeepsItOnRecord() throws {
        let (session, engine) = try makeSession()
        try session.reply(to: "first")
        let afterFirst = session.cachedTokens
        try session.reply(to: "second")
        XCTAssertEqual(try session.undo(), "second")
        XCTAssertEqual(session.exchanges().map(\.exchange.user), ["first"])
        XCTAssertEqual(session.transcript.messages.filter(\.isWithdrawn).map(\.content).first, "second")
        XCTAssertTrue(session.transcript.markdown().contains("(withdrawn)"))
        // The next reply sees the chat without the withdrawn exchange.
        try session.reply(to: "third")
        XCTAssertEqual(Array(engine.cache.prefix(afterFirst.count)), afterFirst)
        let seen = engine.tokenizer.decode(engine.cache)
        XCTAssertFalse(seen.contains("second"), seen)
        XCTAssertTrue(seen.contains("third"))
    }

    /// A message too long for the context got no reply; /undo takes back that message, not
    /// the exchange before it.
    func testUndoAfterAMessageTooLongTakesBackOnlyThatMessage() throws {
        let (session, _) = try makeSession(context: 64)
        try session.reply(to: "first")
        XCTAssertThrowsError(try session.reply(to: String(repeating: "very long words ", count: 40)))
        XCTAssertEqual(try session.undo(), String(repeating: "very long words ", count: 40))
        XCTAssertEqual(session.exchanges().map(\.exchange.user), ["first"])
        XCTAssertEqual(session.transcript.messages.filter(\.isWithdrawn).count, 1)
        XCTAssertEqual(try session.undo(), "first")
        XCTAssertThrowsError(try session.undo())
    }

    /// /load takes a stored chat's id (or a prefix) as well as an exported file; /sessions
    /// lists the ids; /set alone shows the settings. Through `perform`, as both front ends run them.
    func testLoadBySessionIdAndPathThroughPerform() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-load-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SessionStore(directory: dir)
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 512)
        let options = SessionOptions(template: .llama2, system: SystemPrompt(text: "Speak in French."), maxReplyTokens: 8)
        var first: ChatSession? = ChatSession(engine: engine, options: options, store: store)
        try first?.reply(to: "remember this chat")
        let firstID = try XCTUnwrap(first?.id)
        let presets = PresetLibrary.standard(userFile: nil)
        let file = dir.appendingPathComponent("x.json").path
        guard case .notice(let saved)? = try first?.perform(.save(file), presets: presets) else { return XCTFail("save") }
        XCTAssertEqual(saved, "saved \(file)")
        first = nil  // closed: another session may continue it
        let other = ChatSession(engine: engine, options: options, store: store)
        guard case .sessions(let list, let current, nil) = try other.perform(.sessions(.list), presets: presets) else { return XCTFail("sessions") }
        XCTAssertTrue(list.contains { $0.id == firstID }, "\(list)")
        XCTAssertEqual(current, other.id)
        guard case .replaced(let byId, _) = try other.perform(.load(String(firstID.prefix(6))), presets: presets) else { return XCTFail("load id") }
        XCTAssertEqual(byId.id, firstID)
        XCTAssertEqual(byId.transcript.messages.first { $0.role == .user }?.content, "remember this chat")
        guard case .replaced(let byPath, _) = try other.perform(.load(file), presets: presets) else { return XCTFail("load path") }
        XCTAssertNotEqual(byPath.id, firstID, "an exported file continues as a new chat")
        XCTAssertThrowsError(try other.perform(.load("zzzzzz"), presets: presets))
        guard case .notice(let settings) = try other.perform(.showSettings, presets: presets) else { return XCTFail("set") }
        XCTAssertTrue(settings.contains("temp 0.8") && settings.contains("context 512 tokens"), settings)
    }

    func testUndoWithNothingToUndoIsAnError() throws {
        let (session, _) = try makeSession()
        XCTAssertThrowsError(try session.undo())
        XCTAssertThrowsError(try session.retry())
    }

    func testRetryRegeneratesWithAFreshSeed() throws {
        let (session, _) = try makeSession()
        let first = try session.reply(to: "tell me something")
        let again = try session.retry()
        XCTAssertNotEqual(first.text, again.text, "a retry draws a different reply")
        XCTAssertEqual(session.exchanges().count, 1)
        XCTAssertEqual(session.exchanges().last?.exchange.user, "tell me something")
        let replies = session.transcript.messages.filter { $0.role == .assistant }
        XCTAssertEqual(replies.map(\.isWithdrawn), [true, false])
    }

    func testClearStartsAFreshChatWithTheSameSystemAndSettings() throws {
        let (session, _) = try makeSession()
        try session.set("temp", to: "0.3")
        try session.reply(to: "hello")
        let fresh = session.fresh()
        XCTAssertNotEqual(fresh.id, session.id)
        XCTAssertEqual(fresh.system.text, "Speak in French.")
        XCTAssertEqual(fresh.metadata.sampling.temperature, 0.3)
        XCTAssertTrue(fresh.exchanges().isEmpty)
        try fresh.reply(to: "again")
        XCTAssertGreaterThanOrEqual(fresh.lastStats!.cacheHit, fresh.planner.pinnedTokens(system: "Speak in French.").count,
                                    "the new chat reuses the cached system turn")
    }

    func testTemplateSwitchRerendersTheContext() throws {
        let (session, engine) = try makeSession()
        try session.reply(to: "hello")
        session.setTemplate(.vicuna)
        try session.reply(to: "and now?")
        let seen = engine.tokenizer.decode(engine.cache)
        XCTAssertTrue(seen.contains("USER:"), seen)
        XCTAssertFalse(seen.contains("[INST]"), seen)
        XCTAssertEqual(session.metadata.template, .vicuna)
    }

    func testSetValidatesNamesAndRanges() throws {
        let (session, _) = try makeSession()
        try session.set("top-k", to: "5")
        try session.set("n", to: "3")
        XCTAssertEqual(session.metadata.sampling.topK, 5)
        XCTAssertEqual(session.metadata.maxReplyTokens, 3)
        XCTAssertThrowsError(try session.set("top-p", to: "2"))
        XCTAssertThrowsError(try session.set("temp", to: "hot"))
        XCTAssertThrowsError(try session.set("volume", to: "11"))
        XCTAssertThrowsError(try session.set("n", to: "0"), "as -n 0 on the command line")
        XCTAssertThrowsError(try session.set("n", to: "-2"))
        XCTAssertEqual(session.metadata.sampling.topP, 0.95, "a refused value changes nothing")
        XCTAssertEqual(try session.reply(to: "short").stats.generated, 3)
    }

    /// /copy gives a reply's stored text (1 the last, 2 the one before; withdrawn ones do not
    /// count) and writes it to copied.txt in the data directory, readable only by you.
    func testCopyGivesTheStoredReplyAndSavesIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-copy-\(UUID().uuidString.prefix(8))")
        setenv("GHOSTCHAT_DATA_DIR", dir.path, 1)
        defer {
            unsetenv("GHOSTCHAT_DATA_DIR")
            try? FileManager.default.removeItem(at: dir)
        }
        let (session, _) = try makeSession()
        let presets = PresetLibrary.standard(userFile: nil)
        XCTAssertThrowsError(try session.perform(.copy(nil), presets: presets)) { XCTAssertEqual("\($0)", "no reply to copy yet") }
        let first = try session.reply(to: "first").text
        let second = try session.reply(to: "second").text
        try session.reply(to: "third")
        _ = try session.undo()
        guard case .copy(let last, let path) = try session.perform(.copy(nil), presets: presets) else { return XCTFail("copy") }
        XCTAssertEqual(last, second, "the withdrawn third reply does not count")
        XCTAssertEqual(path, dir.appendingPathComponent("copied.txt").path)
        XCTAssertEqual(try String(contentsOfFile: path!, encoding: .utf8), second)
        let mode = try FileManager.default.attributesOfItem(atPath: path!)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        guard case .copy(let earlier, _) = try session.perform(.copy(2), presets: presets) else { return XCTFail("copy 2") }
        XCTAssertEqual(earlier, first)
        XCTAssertThrowsError(try session.perform(.copy(3), presets: presets)) { XCTAssertEqual("\($0)", "there are 2 replies in this chat") }
        XCTAssertEqual(try SlashCommand(parsing: "/copy"), .copy(nil))
        XCTAssertEqual(try SlashCommand(parsing: "/copy 2"), .copy(2))
        XCTAssertThrowsError(try SlashCommand(parsing: "/copy 0"))
        XCTAssertThrowsError(try SlashCommand(parsing: "/copy last"))
        XCTAssertTrue(ChatSession.copiedNotice(second, savedTo: path, toTerminal: true).hasSuffix("also in \(path!)"))
    }

    /// /info shows the model card with this chat's context and template; the way out names
    /// the command that continues a stored chat that has a message.
    func testInfoAndTheResumeHint() throws {
        let (session, engine) = try makeSession()
        let presets = PresetLibrary.standard(userFile: nil)
        XCTAssertEqual(try SlashCommand(parsing: "/info"), .info)
        guard case .notice(let card) = try session.perform(.info, presets: presets) else { return XCTFail("info") }
        XCTAssertTrue(card.hasPrefix("model: \(engine.modelInfo.fileName)"), card)
        XCTAssertTrue(card.contains("context: 512 tokens · template: llama2"), card)
        XCTAssertNil(session.resumeHint, "a chat that is not stored cannot be resumed")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-hint-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let stored = ChatSession(engine: engine, options: SessionOptions(template: .llama2, system: SystemPrompt(text: "Hi."), maxReplyTokens: 4),
                                 store: try SessionStore(directory: dir))
        XCTAssertNil(stored.resumeHint, "nothing said yet: nothing to continue")
        try stored.reply(to: "hello")
        XCTAssertEqual(stored.resumeHint, "continue this chat with: ghostchat chat --resume \(stored.id.prefix(8))")
        XCTAssertEqual(try stored.store?.resolve(String(stored.id.prefix(8))), stored.id)
    }

    /// /edit alone offers your last message; /edit TEXT takes that exchange back (on record as
    /// withdrawn) and the front end sends TEXT in its place.
    func testEditOffersTheLastMessageAndReplacesIt() throws {
        let (session, engine) = try makeSession()
        let presets = PresetLibrary.standard(userFile: nil)
        XCTAssertThrowsError(try session.perform(.edit(""), presets: presets)) { XCTAssertEqual("\($0)", "no message of yours to edit yet") }
        try session.reply(to: "first")
        try session.reply(to: "secnod")
        XCTAssertEqual(try SlashCommand(parsing: "/edit"), .edit(""))
        XCTAssertEqual(try SlashCommand(parsing: "/edit second, spelled right"), .edit("second, spelled right"))
        guard case .editLast(let offered) = try session.perform(.edit(""), presets: presets) else { return XCTFail("edit") }
        XCTAssertEqual(offered, "secnod")
        XCTAssertEqual(session.exchanges().count, 2, "offering the message changes nothing")
        guard case .resend(let text, let replaced) = try session.perform(.edit("second"), presets: presets) else { return XCTFail("resend") }
        XCTAssertEqual([text, replaced], ["second", "secnod"])
        try session.reply(to: text)
        XCTAssertEqual(session.exchanges().map(\.exchange.user), ["first", "second"])
        XCTAssertEqual(session.transcript.messages.filter(\.isWithdrawn).first?.content, "secnod", "the old message stays on record")
        XCTAssertFalse(engine.tokenizer.decode(engine.cache).contains("secnod"), "the model no longer sees it")
    }

    func testNewCommandsParse() throws {
        XCTAssertEqual(try SlashCommand(parsing: "/retry"), .retry)
        XCTAssertEqual(try SlashCommand(parsing: "/undo"), .undo)
        XCTAssertEqual(try SlashCommand(parsing: "/clear"), .clear)
        XCTAssertEqual(try SlashCommand(parsing: "/sessions"), .sessions(.list))
        XCTAssertEqual(try SlashCommand(parsing: "/sessions rename 5ef9 My  trip plans "), .sessions(.rename("5ef9", title: "My  trip plans")))
        XCTAssertEqual(try SlashCommand(parsing: "/sessions delete last"), .sessions(.delete("last")))
        XCTAssertThrowsError(try SlashCommand(parsing: "/sessions rename 5ef9"))
        XCTAssertThrowsError(try SlashCommand(parsing: "/sessions delete a b"))
        XCTAssertThrowsError(try SlashCommand(parsing: "/sessions open"))
        XCTAssertEqual(try SlashCommand(parsing: "/check on 10"), .check(true, retries: 10))
        XCTAssertThrowsError(try SlashCommand(parsing: "/check on 1000000000"), "each retry is a whole reply: capped")
        XCTAssertEqual(try SlashCommand(parsing: "/template chatml"), .template("chatml"))
        XCTAssertEqual(try SlashCommand(parsing: "/set temp 0.5"), .set(name: "temp", value: "0.5"))
        XCTAssertThrowsError(try SlashCommand(parsing: "/set temp"))
        XCTAssertThrowsError(try SlashCommand(parsing: "/undo now"))
    }

    /// /sessions rename gives a chat a title that listings, a resumed chat and a later save
    /// keep; /sessions delete removes another chat with its messages, never the open one.
    func testSessionsRenameAndDelete() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-rename-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SessionStore(directory: dir)
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 512)
        let options = SessionOptions(template: .llama2, system: SystemPrompt(text: ""), maxReplyTokens: 4)
        let presets = PresetLibrary.standard(userFile: nil)
        var olderSession: ChatSession? = ChatSession(engine: engine, options: options, store: store)
        try olderSession?.reply(to: "plans for the trip")
        let olderID = try XCTUnwrap(olderSession?.id)
        let open = ChatSession(engine: engine, options: options, store: store)
        try open.reply(to: "hello")

        // Another chat, by id prefix: the title is one clean line.
        guard case .sessions(let list, _, let notice?) = try open.perform(.sessions(.rename(String(olderID.prefix(6)), title: "Trip\u{1b}[2J\nto Rome")), presets: presets)
        else { return XCTFail("rename") }
        XCTAssertEqual(list.first { $0.id == olderID }?.title, "Trip[2J to Rome")
        XCTAssertTrue(notice.contains("Trip[2J to Rome"), notice)
        XCTAssertEqual(try store.load(id: olderID).metadata.title, "Trip[2J to Rome", "the title is in the chat's metadata")
        // The open chat: its next save keeps the title.
        _ = try open.perform(.sessions(.rename(open.id, title: "Greetings")), presets: presets)
        try open.reply(to: "again")
        XCTAssertEqual(try store.list().first { $0.id == open.id }?.title, "Greetings")
        let resumed = try ChatSession(engine: engine, transcript: try store.load(id: open.id), store: nil, newID: false)
        XCTAssertEqual(resumed.title, "Greetings")

        XCTAssertThrowsError(try open.perform(.sessions(.delete(open.id)), presets: presets)) { error in
            XCTAssertTrue("\(error)".contains("open here"), "\(error)")
        }
        XCTAssertThrowsError(try open.perform(.sessions(.delete(olderID)), presets: presets), "still open in its own session")
        olderSession = nil
        guard case .sessions(let after, _, let deleted?) = try open.perform(.sessions(.delete(olderID)), presets: presets) else { return XCTFail("delete") }
        XCTAssertEqual(after.map(\.id), [open.id])
        XCTAssertTrue(deleted.contains(String(olderID.prefix(8))), deleted)
        XCTAssertThrowsError(try store.load(id: olderID))
        XCTAssertThrowsError(try open.perform(.sessions(.delete(olderID)), presets: presets))
        XCTAssertThrowsError(try open.perform(.sessions(.rename("zzzz", title: "x")), presets: presets))
        XCTAssertThrowsError(try open.perform(.sessions(.rename(open.id, title: " \n ")), presets: presets))
    }

    /// /save never replaces a named file unasked (/save! does) nor a symbolic link; a bare
    /// /save rewrites the chat's own export; "~" is $HOME.
    func testSaveAsksBeforeReplacingAndNeverFollowsALink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-save-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256)
        let session = ChatSession(engine: engine, options: SessionOptions(template: .llama2, system: SystemPrompt(text: ""), maxReplyTokens: 4), store: nil)
        try session.reply(to: "keep me")
        let presets = PresetLibrary.standard(userFile: nil)
        let file = dir.appendingPathComponent("mine.json").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try session.perform(.save(file), presets: presets)) { error in
            XCTAssertTrue("\(error)".contains("exists: /save! \(file) replaces it"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "precious")
        _ = try session.perform(.save(file, force: true), presets: presets)
        XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains("keep me"))

        let target = dir.appendingPathComponent("target.json").path, link = dir.appendingPathComponent("link.json").path
        try Data("other".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        for force in [false, true] {
            XCTAssertThrowsError(try session.perform(.save(link, force: force), presets: presets)) { error in
                XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
            }
        }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "other")

        XCTAssertEqual(ChatPaths.expandingTilde("~/x.json", environment: ["HOME": "/tmp/elsewhere"]), "/tmp/elsewhere/x.json")
        XCTAssertEqual(ChatPaths.expandingTilde("~user/x", environment: ["HOME": "/tmp/h"]), "~user/x")
    }
}
