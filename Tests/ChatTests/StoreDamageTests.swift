import Chat
import Foundation
import GRDB
import Tokenizer
import XCTest

/// Values no ghostchat writes, put in by hand or by a crafted export: the store reports and
/// skips what it cannot read (never traps), and `--load` refuses them before storing.
final class StoreDamageTests: XCTestCase {
    private func storedChat(_ store: SessionStore, _ text: String) throws -> ChatSession {
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256)
        let session = ChatSession(engine: engine, options: SessionOptions(template: .llama2, system: SystemPrompt(text: ""), maxReplyTokens: 4),
                                  store: store)
        try session.reply(to: text)
        return session
    }

    func testHandEditedRowsAreReportedAndSkipped() throws {
        let dir = try temporaryDirectory(self)
        let store = try SessionStore(directory: dir)
        let good = try storedChat(store, "good")
        let badDate = try storedChat(store, "bad date")
        let blobTitle = try storedChat(store, "blob title")
        let badFuture = try storedChat(store, "year 10000")
        let badJSON = try storedChat(store, "bad json")
        // Another program edits the database.
        let raw = try DatabaseQueue(path: store.url.path)
        try raw.write { db in
            try db.execute(sql: "UPDATE session SET createdAt = 'not a date' WHERE id = ?", arguments: [badDate.id])
            try db.execute(sql: "UPDATE session SET title = x'00ff' WHERE id = ?", arguments: [blobTitle.id])
            try db.execute(sql: "UPDATE session SET updatedAt = '10000-01-01 00:00:00.000' WHERE id = ?", arguments: [badFuture.id])
            try db.execute(sql: "UPDATE session SET metadata = x'7b' WHERE id = ?", arguments: [badJSON.id])
            try db.execute(sql: "UPDATE message SET json = '{\"role\": 5}' WHERE sessionId = ? AND seq = 1", arguments: [good.id])
        }
        try raw.close()

        let (chats, damaged) = try store.listing()
        XCTAssertEqual(Set(chats.map(\.id)), [good.id, badJSON.id], "rows whose listed columns read are listed")
        XCTAssertEqual(damaged.count, 3, damaged.joined(separator: "\n"))
        XCTAssertTrue(damaged.contains { $0.contains(badDate.id) && $0.contains("createdAt") && $0.contains("not a date") }, "\(damaged)")
        XCTAssertTrue(damaged.contains { $0.contains(blobTitle.id) && $0.contains("title") && $0.contains("BLOB") }, "\(damaged)")
        XCTAssertTrue(damaged.contains { $0.contains(badFuture.id) && $0.contains("updatedAt") }, "\(damaged)")
        XCTAssertEqual(try store.resolve("last"), chats[0].id)
        // Loading a damaged chat is an error naming it, not a trap.
        for id in [badJSON.id, good.id] {
            XCTAssertThrowsError(try store.load(id: id)) { error in
                XCTAssertTrue("\(error)".contains("stored chat \(id.prefix(8)) is damaged"), "\(error)")
            }
        }
    }

    func testImportsWithOutOfRangeValuesAreRefused() throws {
        let dir = try temporaryDirectory(self)
        let store = try SessionStore(directory: dir)
        let session = try storedChat(store, "to export")
        let json = String(decoding: try session.transcript.jsonData(), as: UTF8.self)
        XCTAssertNoThrow(try Transcript.decode(json: Data(json.utf8)))
        func edited(_ pattern: String, _ replacement: String) -> Data {
            let range = json.range(of: pattern, options: .regularExpression)!
            return Data(json.replacingCharacters(in: range, with: replacement).utf8)
        }
        let cases: [(Data, String)] = [
            (edited("\"createdAt\" : \"[^\"]*\"", "\"createdAt\" : \"10000-01-01T00:00:00Z\""), "bad date 10000-01-01"),
            (edited("\"createdAt\" : \"[^\"]*\"", "\"createdAt\" : \"0001-01-01T00:00:00Z\""), "out of range"),
            (edited("\"id\" : \"[^\"]*\"", "\"id\" : \"../../etc\\u001b[2J\""), "bad id"),
            (edited("\"topP\" : [0-9.e-]+", "\"topP\" : 7"), "top-p"),
            (edited("\"contextLength\" : [0-9]+", "\"contextLength\" : 0"), "contextLength"),
            (edited("\"maxReplyTokens\" : [-0-9]+", "\"maxReplyTokens\" : -5"), "maxReplyTokens"),
            (edited("\"checkRetries\" : [0-9]+", "\"checkRetries\" : 1000000000"), "checkRetries"),
            (edited("\"tokenCount\" : [0-9]+", "\"tokenCount\" : -1"), "tokenCount"),
        ]
        let deep = Data(("{\"messages\": " + String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000) + "}").utf8)
        XCTAssertThrowsError(try Transcript.decode(json: deep), "nesting a million deep is an error, not a stack overflow")
        for (data, expected) in cases {
            XCTAssertThrowsError(try Transcript.decode(json: data)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertFalse("\(error)".contains("\u{1B}"), "the error is escaped: \(error)")
            }
        }
    }

    /// A stored chat is continued by one process at a time: a second resume names the holder
    /// (here this process) and how to continue a copy; a copy, or a resume after the first
    /// is closed, goes ahead.
    func testAChatIsOpenInOneProcessAtATime() throws {
        let dir = try temporaryDirectory(self)
        let store = try SessionStore(directory: dir)
        var first: ChatSession? = try storedChat(store, "mine")
        let id = try XCTUnwrap(first?.id)
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256)
        XCTAssertThrowsError(try ChatSession(engine: engine, transcript: try store.load(id: id), store: store)) { error in
            XCTAssertTrue("\(error)".contains("chat \(id.prefix(8)) is open in another ghostchat (process \(getpid()))"), "\(error)")
            XCTAssertTrue("\(error)".contains("--resume \(id.prefix(8)) --copy"), "\(error)")
        }
        let copy = try ChatSession(engine: engine, transcript: try store.load(id: id), store: store, newID: true)
        XCTAssertNotEqual(copy.id, id)
        let presets = PresetLibrary.standard(userFile: nil)
        guard case .notice(let same)? = try first?.perform(.load(id), presets: presets) else { return XCTFail("load of itself") }
        XCTAssertTrue(same.contains("open here"), same)
        XCTAssertThrowsError(try copy.perform(.sessions(.delete(id)), presets: presets), "open elsewhere: not deleted") { error in
            XCTAssertTrue("\(error)".contains("open in another ghostchat"), "\(error)")
        }
        first = nil
        let resumed = try ChatSession(engine: engine, transcript: try store.load(id: id), store: store)
        try resumed.reply(to: "and more")
        XCTAssertEqual(try store.load(id: id).messages.filter { $0.role == .user }.map(\.content), ["mine", "and more"])
    }

    /// A date with a fraction hundreds of digits long made ICU's date parser die with SIGFPE
    /// (found by the `transcript` fuzzer); only well-formed dates reach it now.
    func testAMalformedDateIsRefusedBeforeTheDateParser() throws {
        let good = String(decoding: try Data(contentsOf: Self.seedTranscript), as: UTF8.self)
        for bad in ["2026-12-07T23:56:11." + String(repeating: "3", count: 300) + "Z", "2026-12-07T23:56:11.1234567890Z",
                    "2026-12-07 23:56:11Z", "2026-12-07T23:56:11", "+2026-12-07T23:56:11Z", "2026-12-07T23:56:11Z\\u0000"] {
            let json = good.replacingOccurrences(of: "\"createdAt\" : \"2026-12-07T23:56:11.833Z\"", with: "\"createdAt\" : \"\(bad)\"")
            XCTAssertNotEqual(json, good)
            XCTAssertThrowsError(try Transcript.decode(json: Data(json.utf8)), bad) { error in
                XCTAssertTrue("\(error)".contains("bad date"), "\(error)")
            }
        }
        XCTAssertNoThrow(try Transcript.decode(json: Data(good.utf8)))
    }

    static let seedTranscript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/fuzz/corpus/transcript/three-turns.json")
}
