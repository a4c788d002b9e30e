import Chat
import Foundation
import TestSupport
import Tokenizer
import XCTest

/// Model checking of the session manager and its store. Each sequence is a random chat on
/// a scripted engine with a small context: messages (some too long to fit), interrupts
/// mid-reply, evictions, `/undo`, `/retry`, `/edit`, `/system`, `/set n`, `/clear`, and a
/// `kill -9` at a random point, mid-reply included.
///
/// The kill is the database files copied at that instant: the session runs on this thread
/// and SQLite writes synchronously, so at a kill point no write is under way, and the copy is
/// exactly what a killed process leaves on disk. The copy is then opened as a store, and every
/// chat in it must show exactly the turns finished before the kill, as an independent model
/// of the commands predicts them (and, message by message, what the session held in memory).
/// The chat that was open must then carry on from the copy.
final class SessionPropertyTests: XCTestCase {
    /// Sequences per run; `GHOSTCHAT_PROPERTY_SEQUENCES` raises it for a long campaign.
    static let sequenceCount = ProcessInfo.processInfo.environment["GHOSTCHAT_PROPERTY_SEQUENCES"].flatMap(Int.init) ?? 300

    func testAnySequenceThenAKillLeavesExactlyTheFinishedTurns() throws {
        let tokenizer = try Fixtures.llamaTokenizer()
        var outcomes: [String: Int] = [:]
        for seed in 0..<Self.sequenceCount {
            let outcome = try PropertyRun(seed: UInt64(seed), tokenizer: tokenizer, testCase: self).run()
            outcomes[outcome, default: 0] += 1
            if testRun?.failureCount ?? 0 > 0 { return XCTFail("sequence \(seed) failed (replay it with this seed)") }
        }
        // The generator must reach every interesting kind of kill, or the property is vacuous.
        XCTAssertGreaterThan(outcomes["killed mid-reply", default: 0], Self.sequenceCount / 10, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["killed between commands", default: 0], Self.sequenceCount / 10, "\(outcomes)")
        print("SessionPropertyTests: \(Self.sequenceCount) sequences: \(outcomes.sorted { $0.key < $1.key })")
    }
}

/// One random sequence and its oracle.
private final class PropertyRun {
    /// What a chat shows, as the oracle predicts it: user messages (`excluded` when too
    /// long to send), replies, and system-message changes.
    struct Line: Equatable, CustomStringConvertible {
        enum Role: String { case user, assistant, system }
        var role: Role
        var text: String
        var excluded = false
        var description: String { "\(role.rawValue)\(excluded ? " (not sent)" : ""): \(String(text.prefix(30)).debugDescription)" }
    }

    /// Raised inside the sequence when the kill happens, to unwind to `run`.
    struct Killed: Error { let midReply: Bool }

    let seed: UInt64
    let tokenizer: Tokenizer
    let testCase: XCTestCase
    var random: SeededRandom
    let directory: URL
    let presets = PresetLibrary.standard(userFile: nil)
    /// The oracle: every chat of the run by id, in the order they were opened.
    var expected: [(id: String, lines: [Line])] = []
    var session: ChatSession!
    var engine: ScriptedEngine!
    /// The chance that any one kill point is the kill.
    let killChance: Double
    var snapshot: URL?
    var log: [String] = []

    init(seed: UInt64, tokenizer: Tokenizer, testCase: XCTestCase) throws {
        self.seed = seed
        self.tokenizer = tokenizer
        self.testCase = testCase
        random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-property-\(seed)-\(UUID().uuidString.prefix(8))")
        killChance = [0.01, 0.03, 0.08][Int(random.next() % 3)]
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func run() throws -> String {
        let store = try SessionStore(directory: directory.appendingPathComponent("data"))
        let context = [96, 160, 384][Int(random.next() % 3)]
        engine = ScriptedEngine(tokenizer: tokenizer, contextLength: context, replyLength: random.next() % 4 == 0 ? nil : Int(2 + random.next() % 10))
        var sampling = SamplingParameters()
        sampling.seed = seed
        let options = SessionOptions(template: [.llama2, .chatml][Int(random.next() % 2)], system: SystemPrompt(text: "Speak in French."),
                                     sampling: sampling, maxReplyTokens: Int(3 + random.next() % 10))
        session = ChatSession(engine: engine, options: options, store: store)
        expected = [(session.id, [])]

        var outcome = "ran to the end, then killed"
        do {
            for _ in 0..<(10 + Int(random.next() % 30)) {
                try killPoint(midReply: false)
                try step()
            }
            kill()
        } catch let killed as Killed {
            outcome = killed.midReply ? "killed mid-reply" : "killed between commands"
        }
        try verify()
        return outcome
    }

    // MARK: actions

    func step() throws {
        let roll = random.next() % 100
        switch roll {
        case 0..<45: try send(pickMessage())
        case 45..<55: try command(.undo) { [self] in try oracleUndo() }
        case 55..<65:
            guard case .retry? = try command(.retry, oracle: {}) else { return XCTFail("/retry", file: #filePath) }
            // As the front ends do: the session withdraws the last exchange and sends its text again.
            guard hasFinishedExchange else {
                XCTAssertThrowsError(try session.retry(), "nothing to retry yet")
                return
            }
            guard let text = try oracleUndo() else { return XCTFail("retry without a message", file: #filePath) }
            log.append("  (retry streams \(text.prefix(20)))")
            try stream(text) { try self.session.retry(onText: $0) }
        case 65..<75:
            let text = pickMessage()
            let hasMessage = currentLines.contains { $0.role == .user }
            guard case .resend(let resent, _)? = try command(.edit(text), expectError: !hasMessage, oracle: {}) else { return }
            XCTAssertEqual(resent, text)
            _ = try oracleUndo()
            try send(resent)
        case 75..<82:
            let text = ["Speak in French.", "Always answer with emojis.", "Act as Napoleon.", "Answer in one sentence."][Int(random.next() % 4)]
            try command(.system(text)) { [self] in appendLine(.init(role: .system, text: text)) }
        case 82..<90:
            let n = [1, 2, 5, 9, -1][Int(random.next() % 5)]
            try command(.set(name: "n", value: "\(n)")) {}
        case 90..<94:
            guard case .replaced(let chat, _)? = try command(.clear, oracle: {}) else { return XCTFail("clear", file: #filePath) }
            session = chat
            expected.append((chat.id, []))
        default:
            try command(.context) {}
        }
    }

    /// Sends `text` and streams the reply, with a kill point and a chance of Ctrl-C at each
    /// piece of text.
    func send(_ text: String) throws {
        try stream(text) { try self.session.reply(to: text, onText: $0) }
    }

    func stream(_ text: String, _ reply: (@escaping (String) -> Void) throws -> ReplyResult) throws {
        appendLine(.init(role: .user, text: text))
        var streamed = ""
        var killed: Killed?
        let interruptChance = random.next() % 5 == 0 ? 0.3 : 0.0
        do {
            let result = try reply { [self] piece in
                guard killed == nil else { return }
                streamed += piece
                do { try killPoint(midReply: true) } catch let error as Killed {
                    killed = error
                    session.cancellation.cancel()  // unwind; nothing after this counts
                    return
                } catch {}
                if Double(random.uniform()) < interruptChance { session.cancellation.cancel() }
            }
            if let killed { throw killed }
            XCTAssertEqual(result.text, streamed, "the reply kept is the text streamed")
            appendLine(.init(role: .assistant, text: streamed))
            log.append("send \(text.prefix(20)) → \(streamed.prefix(20))\(result.interrupted ? " (interrupted)" : "")")
        } catch let error as Killed {
            throw error
        } catch let error as ChatError {
            if let killed { throw killed }
            // Too long for the context: the message stays on record, marked as not sent.
            guard error.description.contains("context") || error.description.contains("fit") else { throw error }
            markLastUserExcluded()
            log.append("send \(text.prefix(20)) → refused: \(error)")
        }
    }

    /// Runs a command through `perform`, as both front ends do; `oracle` applies its effect
    /// to the model when it succeeds. Returns the outcome (nil when it was refused).
    @discardableResult
    func command(_ command: SlashCommand, expectError: Bool = false, oracle: () throws -> Void) throws -> CommandOutcome? {
        do {
            let outcome = try session.perform(command, presets: presets)
            XCTAssertFalse(expectError, "\(command) should have been refused")
            try oracle()
            log.append("\(command)")
            return outcome
        } catch let error as ChatError {
            log.append("\(command) → refused: \(error)")
            if case .undo = command, !currentLines.contains(where: { $0.role == .user }) { return nil }
            if case .system = command, error.description.contains("does not fit") { return nil }
            XCTAssertTrue(expectError, "\(command) refused: \(error)")
            return nil
        }
    }

    func command(_ command: SlashCommand, _ oracle: @escaping () throws -> Void) throws {
        try self.command(command, expectError: false, oracle: { try oracle() })
    }

    // MARK: the oracle

    var currentLines: [Line] { expected[expected.count - 1].lines }

    var hasFinishedExchange: Bool {
        var pendingUser = false
        for line in currentLines {
            switch line.role {
            case .user: pendingUser = !line.excluded
            case .assistant: if pendingUser { return true }; pendingUser = false
            case .system: break
            }
        }
        return false
    }

    func appendLine(_ line: Line) { expected[expected.count - 1].lines.append(line) }

    func markLastUserExcluded() {
        guard let last = currentLines.lastIndex(where: { $0.role == .user }) else { return }
        expected[expected.count - 1].lines[last].excluded = true
    }

    /// `/undo`: the latest user message (sent or not) and its reply, if it got one, leave the chat.
    @discardableResult
    func oracleUndo() throws -> String? {
        var lines = currentLines
        guard let user = lines.lastIndex(where: { $0.role == .user }) else { return nil }
        let text = lines[user].text
        if let reply = lines[(user + 1)...].firstIndex(where: { $0.role == .assistant }) { lines.remove(at: reply) }
        lines.remove(at: user)
        expected[expected.count - 1].lines = lines
        return text
    }

    func pickMessage() -> String {
        switch random.next() % 10 {
        case 0: return String(repeating: "a very long message that cannot fit ", count: 12)
        case 1: return "Unicode 👨‍👩‍👧‍👦 é 漢字 \u{1B}[2J"
        case 2: return "  spaced  \n  lines  "
        default: return ["hello", "what is the capital of France?", "tell me more", "why?", "and then?", "thanks"][Int(random.next() % 6)]
        }
    }

    // MARK: the kill

    func killPoint(midReply: Bool) throws {
        guard snapshot == nil, Double(random.uniform()) < killChance else { return }
        kill()
        throw Killed(midReply: midReply)
    }

    /// Copies the data directory as it is on disk right now: what a `kill -9` leaves.
    func kill() {
        guard snapshot == nil else { return }
        let copy = directory.appendingPathComponent("after-kill")
        do {
            try FileManager.default.copyItem(at: directory.appendingPathComponent("data"), to: copy)
        } catch {
            XCTFail("copying the store: \(error)")
        }
        snapshot = copy
        // The in-memory chat at the kill: the reply being streamed was never finished.
        memoryAtKill = session.transcript.messages
        idAtKill = session.id
    }

    var memoryAtKill: [TranscriptMessage] = []
    var idAtKill = ""

    // MARK: checking

    func shown(_ transcript: Transcript) -> [Line] {
        transcript.messages.compactMap { message -> Line? in
            guard !message.isWithdrawn else { return nil }
            switch (message.role, message.kind) {
            case (.system, .systemChange): return Line(role: .system, text: message.content)
            case (.system, _): return nil
            case (.user, _): return Line(role: .user, text: message.content, excluded: message.excluded)
            case (.assistant, _): return Line(role: .assistant, text: message.content)
            }
        }
    }

    func verify() throws {
        guard let snapshot else { return XCTFail("no kill happened") }
        let store = try SessionStore(directory: snapshot)
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        let context = "seed \(seed):\n" + log.suffix(12).joined(separator: "\n")
        for chat in expected {
            let sentSomething = chat.lines.contains { $0.role == .user }
            guard let transcript = try? store.load(id: chat.id) else {
                XCTAssertFalse(sentSomething, "chat \(chat.id.prefix(8)) with messages is missing from the store. \(context)")
                continue
            }
            XCTAssertEqual(shown(transcript), chat.lines, "chat \(chat.id.prefix(8)) after the kill. \(context)")
            if chat.id == idAtKill {
                // Message by message, what the session held, less nothing: every change was written.
                func essentials(_ messages: [TranscriptMessage]) -> [String] {
                    messages.map { "\($0.role) \($0.kind) \($0.content.debugDescription) ev=\($0.evicted) int=\($0.interrupted) ex=\($0.excluded) wd=\($0.isWithdrawn) n=\($0.tokenCount)" }
                }
                XCTAssertEqual(essentials(transcript.messages), essentials(memoryAtKill), "the store equals memory at the kill. \(context)")
            }
        }
        // The open chat carries on after the restart.
        guard let transcript = try? store.load(id: idAtKill) else { return }
        let resumed = try ChatSession(engine: ScriptedEngine(tokenizer: tokenizer, contextLength: engine.contextLength), transcript: transcript, store: store)
        do {
            try resumed.reply(to: "hello again")
            XCTAssertEqual(shown(try store.load(id: idAtKill)).suffix(2).map(\.role), [.user, .assistant], context)
        } catch let error as ChatError where error.description.contains("fit") {
            // A context too small for the pinned system message and this message: refused cleanly.
        }
    }
}
