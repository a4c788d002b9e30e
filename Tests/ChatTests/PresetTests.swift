import Chat
import XCTest

final class PresetTests: XCTestCase {
    func library() throws -> PresetLibrary {
        let builtin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Chat/Resources/presets.toml")
        var library = PresetLibrary()
        library.add(toml: try String(contentsOf: builtin, encoding: .utf8), source: "built-in")
        XCTAssertEqual(library.warnings, [])
        return library
    }

    func testBuiltInPresetsFromThePaper() throws {
        let lib = try library()
        for name in ["llama2-chat", "vicuna", "mpt", "tennis", "french", "napoleon", "emoji", "haiku", "concise"] {
            XCTAssertNotNil(lib.presets[name], name)
        }
        XCTAssertEqual(lib.presets["napoleon"]?.terse, "Figure: Napoleon.")
        XCTAssertTrue(lib.presets["vicuna"]!.text.hasPrefix("A chat between a curious user and an artificial intelligence assistant."))
    }

    func testComposition() throws {
        let lib = try library()
        let prompt = SystemPrompt(custom: nil, presets: try lib.resolve("emoji+french"))
        XCTAssertEqual(prompt.text, "Always answer with emojis. Always speak in French.")
        XCTAssertEqual(prompt.terse, "Emojis only. Language: French.")
        XCTAssertEqual(prompt.rules, [.emojiOnly, .script(.latin)])
        let based = SystemPrompt(custom: nil, presets: try lib.resolve("napoleon+llama2-chat"))
        XCTAssertTrue(based.text.hasPrefix("You are a helpful"))
        XCTAssertTrue(based.text.hasSuffix("Act as Napoleon."))
        XCTAssertEqual(based.terse, "Figure: Napoleon.")
        XCTAssertThrowsError(try lib.resolve("emoji+klingon")) { XCTAssertTrue("\($0)".contains("klingon")) }
        XCTAssertThrowsError(try lib.resolve("emoji++french"))
    }

    /// Ten thousand presets: an unknown name lists twenty of them, not a 69 KB line.
    func testUnknownPresetErrorStaysShort() throws {
        var lib = try library()
        lib.add(toml: (0..<10_000).map { "[p\($0)]\ntext = \"t\"" }.joined(separator: "\n"), source: "many.toml")
        XCTAssertThrowsError(try lib.resolve("nope")) { error in
            XCTAssertLessThan("\(error)".count, 400, "\(error)")
            XCTAssertTrue("\(error)".contains("more)"), "\(error)")
        }
    }

    func testUserPresetsOverrideAndBadFilesOnlyWarn() throws {
        var lib = try library()
        lib.add(toml: "[pirate]\ntext = \"Talk like a pirate.\"\nterse = \"Pirate.\"\n[emoji]\ntext = \"Only emoji!\"\ncheck = \"emoji\"", source: "user")
        XCTAssertEqual(lib.presets["pirate"]?.terse, "Pirate.")
        XCTAssertEqual(lib.presets["emoji"]?.text, "Only emoji!")
        lib.add(toml: "[broken\ntext = ", source: "bad.toml")
        XCTAssertTrue(lib.warnings.contains { $0.hasPrefix("bad.toml") })
        lib.add(toml: "[x]\nterse = \"no text\"\n[y]\ntext = \"t\"\ncheck = \"telepathy\"", source: "odd.toml")
        XCTAssertEqual(lib.warnings.filter { $0.hasPrefix("odd.toml") }.count, 2)
    }

    func testStandardLibraryReadsUserFileFromConfigDir() throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("presets.toml")
        try "[mine]\ntext = \"Mine.\"\n".write(to: file, atomically: true, encoding: .utf8)
        let lib = PresetLibrary.standard(userFile: file)
        XCTAssertEqual(lib.presets["mine"]?.text, "Mine.")
    }

    func testConstraintRules() {
        XCTAssertNil(ConstraintRule.emojiOnly.violation(in: "😀 🎾 👍"))
        XCTAssertNotNil(ConstraintRule.emojiOnly.violation(in: "yes 😀"))
        XCTAssertNil(ConstraintRule.script(.cyrillic).violation(in: "Привет, мир!"))
        XCTAssertNotNil(ConstraintRule.script(.cyrillic).violation(in: "Привет world"))
        XCTAssertNil(ConstraintRule.maxWords(3).violation(in: "one two three"))
        XCTAssertNotNil(ConstraintRule.maxWords(3).violation(in: "one two three four"))
        XCTAssertNil(ConstraintRule.haiku.violation(in: "a\nb\nc\n"))
        XCTAssertEqual(ConstraintRule(argument: "max-words:7"), .maxWords(7))
        XCTAssertNil(ConstraintRule(argument: "script:klingon"))
    }
}
