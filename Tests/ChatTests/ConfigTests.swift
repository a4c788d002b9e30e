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

    /// `[été]` made toml++ abort the process (found by the `config` fuzzer); in config.toml
    /// it is now a one-line error, in presets.toml a warning, and the other presets still load.
    func testATableNameStartingWithAnAccentIsAnErrorNotAnAbort() {
        XCTAssertThrowsError(try UserConfig(toml: "theme = \"dark\"\n[été]\nx = 1\n", source: "config.toml")) { error in
            XCTAssertEqual("\(error)", "config.toml: a table name must start with a letter, digit, '_', '-' or a quote at line 2")
        }
        var library = PresetLibrary()
        library.add(toml: "[été]\ntext = \"Summer.\"\n", source: "presets.toml")
        XCTAssertEqual(library.warnings, ["presets.toml: a table name must start with a letter, digit, '_', '-' or a quote at line 1; its presets are ignored"])
        library.add(toml: "[\"été\"]\ntext = \"Summer.\"\n", source: "presets.toml")
        XCTAssertEqual(library.names, ["été"], "a quoted name is fine")
    }

    func testMissingFileIsEmptyConfig() throws {
        let home = try temporaryDirectory(self)
        XCTAssertEqual(try UserConfig.load(environment: ["GHOSTCHAT_CONFIG_DIR": home.path]), UserConfig())
    }

    /// /theme is remembered by rewriting one line of config.toml: comments, other keys and
    /// tables stay as written; a missing key goes before the first table; quotes are escaped.
    func testSettingAKeyKeepsTheRestOfTheFile() throws {
        let document = "# my settings\nthreads = 4\ntheme = \"dark\"   # the old one\n\n[extra]\ntheme = \"not top level\"\n"
        XCTAssertEqual(UserConfig.setting("theme", to: "gruvbox", in: document),
                       "# my settings\nthreads = 4\ntheme = \"gruvbox\"\n\n[extra]\ntheme = \"not top level\"\n")
        XCTAssertEqual(UserConfig.setting("theme", to: "light", in: "threads = 2\n[extra]\nx = 1"), "threads = 2\ntheme = \"light\"\n[extra]\nx = 1\n")
        XCTAssertEqual(UserConfig.setting("theme", to: "a\"b\\c", in: ""), "theme = \"a\\\"b\\\\c\"\n")
        XCTAssertEqual(UserConfig.setting("theme", to: "x", in: "themes = 1\n"), "themes = 1\ntheme = \"x\"\n", "a longer key is another key")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-config-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let environment = ["GHOSTCHAT_CONFIG_DIR": dir.path]
        try UserConfig.set("theme", to: "a\"b", environment: environment)
        XCTAssertEqual(try UserConfig.load(environment: environment).theme, "a\"b")
        try Data("threads = [1,\n".utf8).write(to: dir.appendingPathComponent("config.toml"))
        XCTAssertThrowsError(try UserConfig.set("theme", to: "dark", environment: environment), "a file it cannot parse is left alone")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("config.toml"), encoding: .utf8), "threads = [1,\n")
    }
}
