import Chat
import Tokenizer
import XCTest

final class StorageTests: XCTestCase {
    func makeSession(store: SessionStore?, seed: UInt64 = 7) throws -> ChatSession {
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256)
        var sampling = SamplingParameters()
        sampling.seed = seed
        return ChatSession(engine: engine, options: SessionOptions(template: .llama2, system: SystemPrompt(text: "Respond concisely."),
                                                                   sampling: sampling, maxReplyTokens: 16), store: store)
    }

    func testEveryTurnIsStoredAndReloadsExactly() throws {
        let dir = try temporaryDirectory(self).appendingPathComponent("data")
        let store = try SessionStore(directory: dir)
        let session = try makeSession(store: store)
        try session.reply(to: "first")
        try session.reply(to: "second")
        // A second connection sees the committed turns at once.
        let reader = try SessionStore(directory: dir)
        let loaded = try reader.load(id: session.id)
        XCTAssertEqual(loaded, session.transcript)
        let list = try reader.list()
        XCTAssertEqual(list.map(\.id), [session.id])
        XCTAssertEqual(list[0].messageCount, 4)
        XCTAssertEqual(list[0].title, "first")
        XCTAssertEqual(try reader.resolve("last"), session.id)
        XCTAssertEqual(try reader.resolve(String(session.id.prefix(8))), session.id)
        XCTAssertThrowsError(try reader.resolve("zzzz"))

        let perms = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue }
        XCTAssertEqual(try perms(dir.path), 0o700)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store.url.path + suffix) {
            XCTAssertEqual(try perms(store.url.path + suffix), 0o600, suffix)
        }
    }

    func testResumeContinuesWithTheSameNextReply() throws {
        let dir = try temporaryDirectory(self)
        let store = try SessionStore(directory: dir)
        let original = try makeSession(store: store)
        try original.reply(to: "one")
        try original.reply(to: "two")
        let resumed = try ChatSession(engine: ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256),
                                      transcript: try store.load(id: original.id), store: nil)
        let a = try original.reply(to: "three")
        let b = try resumed.reply(to: "three")
        XCTAssertEqual(a.text, b.text)
        XCTAssertEqual(original.transcript.messages.last?.tokens, resumed.transcript.messages.last?.tokens)
    }

    func testJSONExportRoundTripAndShape() throws {
        let dir = try temporaryDirectory(self)
        let session = try makeSession(store: nil)
        try session.reply(to: "one")
        try session.setSystem(SystemPrompt(text: "Act as Napoleon."))
        try session.reply(to: "two")
        let path = dir.appendingPathComponent("chat.json").path
        try session.save(to: path)
        let perms = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        XCTAssertEqual(perms, 0o600)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let messages = object["messages"] as! [[String: Any]]
        XCTAssertEqual(messages.map { $0["role"] as! String }, ["system", "user", "assistant", "system", "user", "assistant"])
        XCTAssertEqual(messages[1]["content"] as? String, "one")
        XCTAssertEqual(object["id"] as? String, session.id)
        XCTAssertNotNil(object["sampling"])
        XCTAssertNotNil(object["template"])

        let loaded = try Transcript.decode(json: Data(contentsOf: URL(fileURLWithPath: path)))
        let continued = try ChatSession(engine: ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: 256),
                                        transcript: loaded, store: nil)
        XCTAssertEqual(try continued.reply(to: "three").text, try session.reply(to: "three").text)

        let md = dir.appendingPathComponent("chat.md").path
        try session.save(to: md)
        XCTAssertTrue(try String(contentsOfFile: md, encoding: .utf8).contains("## System message changed"))
        XCTAssertThrowsError(try session.save(to: dir.appendingPathComponent("chat.txt").path))
        XCTAssertThrowsError(try session.save(to: "/nonexistent-dir/x.json")) { XCTAssertTrue("\($0)".contains("cannot write")) }
        XCTAssertThrowsError(try Transcript.decode(json: Data("{\"messages\": 3}".utf8)))
    }

    func testUnwritableDataDirectoryFailsCleanly() throws {
        let dir = try temporaryDirectory(self)
        let blocker = dir.appendingPathComponent("file")
        try Data().write(to: blocker)
        XCTAssertThrowsError(try SessionStore(directory: blocker.appendingPathComponent("sub"))) { error in
            XCTAssertTrue(error is ChatError)
        }
    }

    /// Several processes opening a brand-new store at once (two chats started together, or
    /// `ghostchat sessions` beside a first chat): every one of them gets a working store.
    func testConcurrentFirstOpensAllSucceed() throws {
        for round in 0..<20 {
            let dir = try temporaryDirectory(self).appendingPathComponent("data-\(round)")
            let group = DispatchGroup()
            let lock = NSLock()
            var failures: [String] = []
            for _ in 0..<4 {
                DispatchQueue.global().async(group: group) {
                    do {
                        let store = try SessionStore(directory: dir)
                        _ = try store.list()
                    } catch {
                        lock.withLock { failures.append("\(error)") }
                    }
                }
            }
            group.wait()
            XCTAssertEqual(failures, [], "round \(round)")
        }
    }

    func testDataDirectoryFollowsEnvironment() {
        XCTAssertEqual(ChatPaths.dataDirectory(environment: ["GHOSTCHAT_DATA_DIR": "/x/y"]).path, "/x/y")
        XCTAssertEqual(ChatPaths.dataDirectory(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]).path, "/d/ghostchat")
        XCTAssertEqual(ChatPaths.dataDirectory(environment: ["HOME": "/h"]).path, "/h/.local/share/ghostchat")
        XCTAssertEqual(ChatPaths.userPresetsFile(environment: ["XDG_CONFIG_HOME": "/c"]).path, "/c/ghostchat/presets.toml")
    }
}
