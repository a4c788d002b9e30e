import Foundation
import XCTest

/// Which model `ghostchat` opens when none is named: config.toml, then the demo model.
final class ModelChoiceTests: XCTestCase {
    /// No -m and no GHOSTCHAT_MODEL: a fresh clone chats with the demo model in `models/`.
    func testDemoModelWhenNothingIsNamed() throws {
        let home = try temporaryDirectory(self)
        let result = try GhostchatProcess.run(["chat", "--plain", "--no-store", "-n", "24", "--seed", "1", "--system-preset", "emoji"],
                                              input: "What is your favourite food?\n", home: home,
                                              environment: ["GHOSTCHAT_MODEL": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        let notices = result.stderr.split(separator: "\n").filter { $0.contains("built-in demo model") }
        XCTAssertEqual(notices.count, 1, "one demo notice: \(result.stderr)")
        XCTAssertTrue(notices[0].contains("-m FILE") && notices[0].contains("GHOSTCHAT_MODEL") && notices[0].contains("config.toml"))
        XCTAssertEqual(result.stdoutLines.count, 1, "one reply: \(result.stdout)")
    }

    func testConfigFileNamesTheModel() throws {
        let home = try temporaryDirectory(self)
        let configDir = home.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: configDir, withIntermediateDirectories: true)
        try "model = \"\(try Fixtures.path("tiny-llama-q4_0.gguf"))\"\nctx-size = 128\n"
            .write(to: configDir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let result = try GhostchatProcess.run(["chat", "--plain", "--no-store", "-n", "4", "--seed", "1", "-t", "1"],
                                              input: "hello\n/context\n", home: home, environment: ["GHOSTCHAT_MODEL": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("demo model"), result.stderr)
        XCTAssertTrue(result.stderr.contains("context: 128 tokens"), "ctx-size from the config: \(result.stderr)")
        // A flag still wins over the file.
        let flagged = try GhostchatProcess.run(["info", "-m", try Fixtures.path("tiny-llama-q8_0.gguf")], home: home)
        XCTAssertTrue(flagged.stdout.contains("tiny-llama-q8_0.gguf"), flagged.stdout)
        let configured = try GhostchatProcess.run(["info"], home: home, environment: ["GHOSTCHAT_MODEL": ""])
        XCTAssertTrue(configured.stdout.contains("tiny-llama-q4_0.gguf"), configured.stdout)
    }

    func testBrokenConfigIsOneLineError() throws {
        let home = try temporaryDirectory(self)
        let configDir = home.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: configDir, withIntermediateDirectories: true)
        try "threads = \"many\"\n".write(to: configDir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let result = try GhostchatProcess.run(["chat", "--plain", "--no-store"], input: "hello\n", home: home,
                                              environment: ["GHOSTCHAT_MODEL": ""])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("config.toml: 'threads' must be a positive integer"), result.stderr)
        XCTAssertTrue(result.stdout.isEmpty)
    }
}
