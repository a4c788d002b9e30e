import Chat
import Foundation
import SafeText
import TestSupport
import XCTest

/// `kill -9` of real `ghostchat chat --plain` processes at awkward moments: mid-reply,
/// mid-`/save`, mid-session-switch. Afterwards every finished turn is in the database, the
/// database passes SQLite's integrity check, and no export is ever half-written.
final class CrashSafetyTests: XCTestCase {
    static let model = "tiny-llama-q4_0.gguf"

    func chatArguments(context: Int = 2048, reply: Int = 8) throws -> [String] {
        ["chat", "--plain", "-m", try Fixtures.path(Self.model), "-t", "1", "-c", "\(context)", "-n", "\(reply)", "--seed", "5"]
    }

    func openStore(_ home: URL, file: StaticString = #filePath, line: UInt = #line) throws -> SessionStore {
        let store = try SessionStore(directory: home.appendingPathComponent("data"))
        XCTAssertEqual(try store.integrityCheck(), ["ok"], "the database is sound", file: file, line: line)
        return store
    }

    func testKillDuringAStreamedReplyKeepsEveryFinishedTurn() throws {
        let home = try temporaryDirectory(self)
        let chat = try LiveProcess(try chatArguments(), home: home)
        chat.send("first message\n")
        try chat.waitForLines(1)
        chat.send("second message\n")
        try chat.waitForLines(2)
        chat.send("/set n -1\ntell me a long story\n")
        let before = chat.stdoutData.count
        try chat.waitUntil("the long reply streams") { chat.stdoutData.count > before + 16 }
        chat.kill9()
        XCTAssertEqual(chat.process.terminationReason, .uncaughtSignal)
        let finished = chat.stdoutLines
        XCTAssertEqual(finished.count, 2, "killed while the third reply was streaming: \(chat.stdout.suffix(200))")

        let store = try openStore(home)
        let transcript = try store.load(id: try store.resolve("last"))
        let users = transcript.messages.filter { $0.role == .user }.map(\.content)
        let replies = transcript.messages.filter { $0.role == .assistant }.map(\.content)
        XCTAssertEqual(users, ["first message", "second message", "tell me a long story"],
                       "user messages are stored before their reply starts")
        XCTAssertEqual(replies.map { SafeText.shown($0) }, finished, "both finished replies are stored, exactly as printed")

        // The chat carries on from the database after the crash.
        let sessions = try GhostchatProcess.run(["sessions"], home: home)
        XCTAssertEqual(sessions.status, 0, sessions.stderr)
        XCTAssertEqual(sessions.stdoutLines.count, 1)
        let resumed = try GhostchatProcess.run(["chat", "--plain", "-t", "1", "--resume", "last"], input: "and now?\n", home: home)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.stdoutLines.count, 1)
        XCTAssertEqual(try openStore(home).load(id: transcript.metadata.id).messages.filter { $0.role == .assistant }.count, 3)
    }

    /// A large stored chat, so that each export takes long enough to be killed in the middle.
    func makeLargeChat(home: URL, exchanges: Int) throws -> Transcript {
        let first = try GhostchatProcess.run(try chatArguments(context: 256, reply: 4), input: "hello\n", home: home)
        XCTAssertEqual(first.status, 0, first.stderr)
        let store = try openStore(home)
        var transcript = try store.load(id: try store.resolve("last"))
        let paragraph = String(repeating: "All work and no play makes a long transcript. ", count: 20)
        for i in 0..<exchanges {
            transcript.messages.append(TranscriptMessage(role: .user, content: "question \(i): \(paragraph)", systemVersion: 1))
            var reply = TranscriptMessage(role: .assistant, content: "answer \(i): \(paragraph)", systemVersion: 1)
            reply.tokens = Array(repeating: 29871, count: 200)
            transcript.messages.append(reply)
        }
        try store.save(transcript: transcript, title: "large")
        return transcript
    }

    func testKillDuringSaveNeverLeavesAHalfWrittenExport() throws {
        let home = try temporaryDirectory(self)
        let transcript = try makeLargeChat(home: home, exchanges: 1000)
        let exports = home.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        let json = exports.appendingPathComponent("chat.json"), markdown = exports.appendingPathComponent("chat.md")
        let script = String(repeating: "/save! \(json.path)\n/save! \(markdown.path)\n", count: 10)
        let arguments = ["chat", "--plain", "-t", "1", "--resume", transcript.metadata.id]

        // One run to the end gives the reference files and how long the saves take.
        let reference = try LiveProcess(arguments, home: home)
        try reference.waitUntil("the chat is resumed") { reference.stderr.contains("continuing chat") }
        let started = Date()
        reference.send(script)
        XCTAssertEqual(reference.finish(), 0, reference.stderr)
        let span = Date().timeIntervalSince(started)
        let expectedJSON = try Data(contentsOf: json), expectedMarkdown = try Data(contentsOf: markdown)
        XCTAssertEqual(try Transcript.decode(json: expectedJSON).messages.count, transcript.messages.count)

        var random = SeededRandom(seed: 11)
        var interruptedWrites = 0, present = 0
        let iterations = 20
        for iteration in 0..<iterations {
            if iteration % 3 == 0 { try? FileManager.default.removeItem(at: json); try? FileManager.default.removeItem(at: markdown) }
            let chat = try LiveProcess(arguments, home: home)
            try chat.waitUntil("the chat is resumed") { chat.stderr.contains("continuing chat") }
            chat.send(script)
            if iteration % 2 == 0 {
                // Kill moments spread over the whole run of saves (not a timing assertion:
                // any moment must leave either no file or a complete one).
                usleep(UInt32(Double(random.next() % 1000) / 1000 * span * 1_000_000))
            } else {
                // Kill the moment a temporary file shows up: in the middle of writing it.
                try chat.waitUntil("a save starts writing", pause: 0) {
                    ((try? FileManager.default.contentsOfDirectory(atPath: exports.path)) ?? []).contains { $0.hasSuffix(".tmp") }
                }
            }
            chat.kill9()
            for (url, expected) in [(json, expectedJSON), (markdown, expectedMarkdown)] {
                guard let data = FileManager.default.contents(atPath: url.path) else { continue }
                present += 1
                XCTAssertEqual(data, expected, "iteration \(iteration): \(url.lastPathComponent) is complete (\(data.count) of \(expected.count) bytes)")
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: exports.path).filter { $0.hasSuffix(".tmp") }
            if !leftovers.isEmpty { interruptedWrites += 1 }
            XCTAssertTrue(leftovers.allSatisfy { $0.hasPrefix(".") }, "unfinished writes are hidden temporaries: \(leftovers)")
        }
        print("kill during /save of \(transcript.messages.count) messages (\(expectedJSON.count) bytes of JSON, \(expectedMarkdown.count) of Markdown): "
              + "\(iterations) kills, \(interruptedWrites) landed mid-write (temporary left behind), \(present) complete files found, none partial")

        // The next save clears temporaries abandoned by killed writers.
        let last = try GhostchatProcess.run(arguments, input: "/save! \(json.path)\n/save! \(markdown.path)\n", home: home)
        XCTAssertEqual(last.status, 0, last.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: exports.path).sorted(), ["chat.json", "chat.md"])
        for url in [json, markdown] {
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue, 0o600)
        }
        XCTAssertEqual(try openStore(home).load(id: transcript.metadata.id).messages.count, transcript.messages.count)
    }

    func testKillDuringSessionSwitchesLeavesOnlyWholeChats() throws {
        let home = try temporaryDirectory(self)
        let large = try makeLargeChat(home: home, exchanges: 300)
        let exported = home.appendingPathComponent("large.json")
        try large.jsonData().write(to: exported)

        // Switch chats over and over: /clear starts a new one, /load stores a copy of the export.
        var script = ""
        for i in 0..<12 { script += "message \(i)\n" + (i % 3 == 1 ? "/load \(exported.path)\n" : "/clear\n") }

        var random = SeededRandom(seed: 5)
        var printed: [String] = []
        let iterations = 12
        for iteration in 0..<iterations {
            let chat = try LiveProcess(try chatArguments(context: 256, reply: 4), home: home)
            chat.send(script)
            try chat.waitForLines(1 + Int(random.next() % 6))
            usleep(UInt32(random.next() % 300_000))
            chat.kill9()
            printed += chat.stdoutLines
            XCTAssertEqual(chat.process.terminationReason, .uncaughtSignal, "iteration \(iteration): killed, not finished")
        }

        let store = try openStore(home)
        var storedReplies = Set<String>()
        for summary in try store.list() {
            let transcript = try store.load(id: summary.id)
            XCTAssertEqual(transcript.messages.first?.role, .system, "every stored chat starts with its system entry")
            if transcript.messages.count > 3, transcript.messages[1].content == large.messages[1].content {
                XCTAssertGreaterThanOrEqual(transcript.messages.count, large.messages.count, "a loaded copy is stored whole")
            }
            for message in transcript.messages where message.role == .assistant {
                // stdout shows replies sanitized, one line each unless the model wrote a newline.
                for line in SafeText.shown(message.content).split(separator: "\n", omittingEmptySubsequences: false) {
                    storedReplies.insert(String(line))
                }
            }
        }
        let missing = printed.filter { !storedReplies.contains($0) }
        XCTAssertEqual(missing, [], "every reply printed in full is stored")
        XCTAssertGreaterThan(printed.count, iterations)
        let sessions = try GhostchatProcess.run(["sessions"], home: home)
        XCTAssertEqual(sessions.status, 0, sessions.stderr)
    }
}
