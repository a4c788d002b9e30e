import Chat
import XCTest

/// `config.toml`: what it sets, and how a mistake in it is reported.
final class ConfigTests: XCTestCase {
    func testAllKeys() throws {
        let config = try UserConfig(toml: """
            model = "~/models/chat.gguf"
            theme = "gruvbox"
            system = "Be brief."
            system-preset = "emoji+french"
            template = "chatml"
            ctx-size = 2048
            threads = 3
            """, source: "config.toml", home: "/home/ada")
        XCTAssertEqual(config.model, "/home/ada/models/chat.gguf")
        XCTAssertEqual(config.theme, "gruvbox")
        XCTAssertEqual(config.system, "Be brief.")
        XCTAssertEqual(config.systemPreset, "emoji+french")
        XCTAssertEqual(config.template, "chatml")
        XCTAssertEqual(config.contextLength, 2048)
        XCTAssertEqual(config.threads, 3)
        XCTAssertEqual(config.unknownKeys, [])
    }

    func testEmptyAndUnknownKeys() throws {
        XCTAssertEqual(try UserConfig(toml: "", source: "c"), UserConfig())
        XCTAssertEqual(try UserConfig(toml: "colour = 1\nmodel = \"/m.gguf\"\nzeta = true", source: "c").unknownKeys, ["colour", "zeta"])
    }

    func testMistakesNameTheFile() {
        for (toml, fragment) in [("model = 3", "'model' must be a string"),
                                 ("threads = 0", "'threads' must be a positive integer"),
                                 ("ctx-size = \"big\"", "'ctx-size' must be a positive integer"),
                                 ("model = \"unterminated", "line 1")] {
            XCTAssertThrowsError(try UserConfig(toml: toml, source: "/cfg/config.toml"), toml) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("/cfg/config.toml: "), message)
                XCTAssertTrue(message.contains(fragment), message)
                XCTAssertFalse(message.contains("\n"), "one line: \(message)")
            }
        }
    }

    func testMissingFileIsEmptyConfig() throws {
        let home = try temporaryDirectory(self)
        XCTAssertEqual(try UserConfig.load(environment: ["GHOSTCHAT_CONFIG_DIR": home.path]), UserConfig())
    }
}
