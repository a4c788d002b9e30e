import Chat
import Foundation
import XCTest

/// The chat store failing under a real `ghostchat chat --plain`: a corrupt or damaged
/// database, a read-only or full disk (a real tmpfs), a file-size limit reached mid-chat.
/// Each time: one clear line, the chat goes on in memory, the user is told how to keep it,
/// and nothing they wrote is lost.
final class StorageFailureTests: XCTestCase {
    static let model = "tiny-llama-q4_0.gguf"

    func chatArguments() throws -> [String] {
        ["chat", "--plain", "-m", try Fixtures.path(Self.model), "-t", "1", "-c", "2048", "-n", "8", "--seed", "5"]
    }

    /// Stderr lines saying the chat is in memory only; they must also say how to keep it.
    func memoryOnlyWarnings(_ stderr: String, file: StaticString = #filePath, line: UInt = #line) -> [Substring] {
        let lines = stderr.split(separator: "\n").filter { $0.contains("memory only") }
        for warning in lines { XCTAssertTrue(warning.contains("/save FILE.json"), "says how to keep the chat: \(warning)", file: file, line: line) }
        return lines
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue & 0o777
    }

    // MARK: Damaged databases

    func testCorruptDatabaseFileIsLeftAloneAndTheChatGoesOnInMemory() throws {
        let home = try temporaryDirectory(self)
        let data = home.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("sessions.sqlite")
        let garbage = Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        try garbage.write(to: database)
        let saved = home.appendingPathComponent("kept.json")

        let result = try GhostchatProcess.run(try chatArguments(), input: "Hello\nStill here?\n/save \(saved.path)\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 2, "both replies")
        let warnings = memoryOnlyWarnings(result.stderr)
        XCTAssertEqual(warnings.count, 1, result.stderr)
        XCTAssertTrue(warnings.first?.contains(database.path) ?? false, "names the file: \(result.stderr)")
        XCTAssertEqual(try Data(contentsOf: database), garbage, "the damaged file is not overwritten")
        XCTAssertEqual(try Transcript.decode(json: Data(contentsOf: saved)).messages.filter { $0.role == .user }.map(\.content),
                       ["Hello", "Still here?"])

        let sessions = try GhostchatProcess.run(["sessions"], home: home)
        XCTAssertEqual(sessions.status, 1)
        XCTAssertEqual(sessions.stderr.split(separator: "\n").count, 1, sessions.stderr)
        XCTAssertTrue(sessions.stderr.contains(database.path), sessions.stderr)
    }

    func testDamagedPagesInsideTheDatabaseStopStorageWithOneWarning() throws {
        let home = try temporaryDirectory(self)
        let first = try GhostchatProcess.run(try chatArguments(), input: "one\ntwo\nthree\n", home: home)
        XCTAssertEqual(first.status, 0, first.stderr)
        let database = home.appendingPathComponent("data/sessions.sqlite")
        do {
            // Opening and closing the last connection folds the WAL into the database file.
            let store = try SessionStore(directory: database.deletingLastPathComponent())
            XCTAssertEqual(try store.integrityCheck(), ["ok"])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: database.path + "-wal"), "checkpointed")
        // Keep page 1 (header and schema), overwrite every page after it.
        var bytes = [UInt8](try Data(contentsOf: database))
        XCTAssertGreaterThan(bytes.count, 4096 * 2)
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try Data(bytes).write(to: database)

        let saved = home.appendingPathComponent("kept.json")
        let result = try GhostchatProcess.run(try chatArguments(), input: "four\nfive\n/save \(saved.path)\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 2)
        XCTAssertEqual(memoryOnlyWarnings(result.stderr).count, 1, result.stderr)
        XCTAssertEqual(try Transcript.decode(json: Data(contentsOf: saved)).messages.filter { $0.role == .user }.map(\.content), ["four", "five"])
    }

    // MARK: Disks that cannot take the chat

    func testReadOnlyDataDirectory() throws {
        let home = try temporaryDirectory(self)
        let disk = try TinyDisk(self, kilobytes: 256, readOnly: true)
        let data = disk.mountPoint.appendingPathComponent("ghostchat")
        let saved = home.appendingPathComponent("kept.md")
        let result = try GhostchatProcess.run(try chatArguments(), input: "Hello\n/save \(saved.path)\n", home: home,
                                              environment: ["GHOSTCHAT_DATA_DIR": data.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 1)
        let warnings = memoryOnlyWarnings(result.stderr)
        XCTAssertEqual(warnings.count, 1, result.stderr)
        XCTAssertTrue(warnings.first.map { $0.lowercased().contains("read only") || $0.lowercased().contains("read-only") } ?? false,
                      "the reason is given: \(result.stderr)")
        XCTAssertTrue(try String(contentsOf: saved, encoding: .utf8).contains("Hello"))
    }

    func testFullDiskFromTheStart() throws {
        let home = try temporaryDirectory(self)
        let disk = try TinyDisk(self, kilobytes: 256)
        let data = disk.mountPoint.appendingPathComponent("ghostchat")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        XCTAssertGreaterThan(disk.fill(), 0)
        let saved = home.appendingPathComponent("kept.json")
        let result = try GhostchatProcess.run(try chatArguments(), input: "Hello\nAgain\n/save \(saved.path)\n", home: home,
                                              environment: ["GHOSTCHAT_DATA_DIR": data.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 2)
        let warnings = memoryOnlyWarnings(result.stderr)
        XCTAssertEqual(warnings.count, 1, result.stderr)
        XCTAssertTrue(warnings.first.map { $0.contains("full") || $0.contains("space") } ?? false, "the reason is given: \(result.stderr)")
        XCTAssertEqual(try Transcript.decode(json: Data(contentsOf: saved)).messages.filter { $0.role == .user }.count, 2)
    }

    /// The store works when the chat starts, then the disk fills up (tmpfs) or the process
    /// reaches its file-size limit: storage stops with one warning, replies go on, an export
    /// onto the full disk fails without harming the previous one, and one elsewhere holds
    /// every message.
    func runUntilStorageFails(home: URL, data: URL, fullDisk: TinyDisk?, shell: String?) throws {
        let chat = try LiveProcess(try chatArguments(), home: home, environment: ["GHOSTCHAT_DATA_DIR": data.path], shell: shell)
        var sent: [String] = []
        func say(_ text: String) throws {
            sent.append(text)
            chat.send(text + "\n")
            try chat.waitForLines(sent.count)
        }
        func command(_ line: String, expect: String) throws {
            chat.send(line + "\n")
            try chat.waitUntil("'\(line)' answers '\(expect)'") { chat.stderr.contains(expect) }
        }
        try say("before the disk fills: one")
        try say("before the disk fills: two")
        let early = (fullDisk?.mountPoint ?? data).appendingPathComponent("early.json")
        try command("/save \(early.path)", expect: "saved \(early.path)")
        fullDisk?.fill()

        var turn = 0
        while memoryOnlyWarnings(chat.stderr).isEmpty, turn < 80 {
            try say("after the disk filled: turn \(turn) with some words to store")
            turn += 1
        }
        XCTAssertEqual(memoryOnlyWarnings(chat.stderr).count, 1, "storage failed once, said so once: \(chat.stderr)")
        try say("one more after the warning")
        try say("and another")
        if fullDisk != nil {
            try command("/save! \(early.path)", expect: "cannot write \(early.path)")
        }
        let kept = home.appendingPathComponent("kept.json")
        try command("/save \(kept.path)", expect: "saved \(kept.path)")
        XCTAssertEqual(chat.finish(), 0, chat.stderr)
        XCTAssertEqual(memoryOnlyWarnings(chat.stderr).count, 1, chat.stderr)
        print("storage failed after \(turn) turns on the full disk: \(memoryOnlyWarnings(chat.stderr).first ?? "")")

        let all = try Transcript.decode(json: Data(contentsOf: kept))
        XCTAssertEqual(all.messages.filter { $0.role == .user }.map(\.content), sent, "nothing the user wrote is lost")
        XCTAssertEqual(all.messages.filter { $0.role == .assistant }.count, sent.count)
        let earlier = try Transcript.decode(json: Data(contentsOf: early))
        XCTAssertEqual(earlier.messages.filter { $0.role == .user }.map(\.content), Array(sent.prefix(2)), "the earlier export is intact")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: early.deletingLastPathComponent().path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "a failed export leaves no temporary behind")

        fullDisk?.free()
        let store = try SessionStore(directory: data)
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        let stored = try store.load(id: all.metadata.id).messages.filter { $0.role == .user }.map(\.content)
        XCTAssertGreaterThanOrEqual(stored.count, 2)
        XCTAssertEqual(stored, Array(sent.prefix(stored.count)), "what was stored before the failure is intact")
    }

    func testDiskFillingUpMidChat() throws {
        let home = try temporaryDirectory(self)
        let disk = try TinyDisk(self, kilobytes: 1024)
        try runUntilStorageFails(home: home, data: disk.mountPoint.appendingPathComponent("ghostchat"), fullDisk: disk, shell: nil)
    }

    func testFileSizeLimitReachedMidChat() throws {
        // RLIMIT_FSIZE on the child only: writes past 512 KiB fail with EFBIG (SIGXFSZ ignored).
        // Needs no root, so this runs everywhere.
        let home = try temporaryDirectory(self)
        try runUntilStorageFails(home: home, data: home.appendingPathComponent("data"), fullDisk: nil, shell: "trap '' XFSZ; ulimit -f 1024;")
    }

    // MARK: Permissions

    func testDataDirectoryAndFilesArePrivateEvenWithAnOpenUmask() throws {
        let home = try temporaryDirectory(self)
        let data = home.appendingPathComponent("nested/ghostchat")
        let saved = home.appendingPathComponent("export.md")
        let chat = try LiveProcess(try chatArguments(), home: home, environment: ["GHOSTCHAT_DATA_DIR": data.path], shell: "umask 000;")
        chat.send("Hello\n")
        try chat.waitForLines(1)
        chat.send("/save \(saved.path)\n")
        try chat.waitUntil("saved") { chat.stderr.contains("saved \(saved.path)") }
        // While the chat runs its WAL and shared-memory files exist too.
        let database = data.appendingPathComponent("sessions.sqlite").path
        XCTAssertEqual(try mode(data.path), 0o700)
        for path in [database, database + "-wal", database + "-shm", saved.path] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
            XCTAssertEqual(try mode(path), 0o600, path)
        }
        XCTAssertEqual(chat.finish(), 0, chat.stderr)
    }
}
