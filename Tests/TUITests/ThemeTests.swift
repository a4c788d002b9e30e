import Foundation
import XCTest
@testable import TUI

final class ThemeTests: XCTestCase {
    /// The package's `themes/` directory, found from this source file.
    private var packageThemes: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
    }

    func testBuiltinsMatchTheShippedFiles() throws {
        XCTAssertEqual(Set(BuiltinThemes.all.keys), ["dark", "light", "high-contrast", "gruvbox"])
        for (name, text) in BuiltinThemes.all {
            let file = try String(contentsOf: packageThemes.appendingPathComponent(name + ".toml"), encoding: .utf8)
            XCTAssertEqual(text + "\n", file, "\(name): regenerate BuiltinThemes.swift from themes/\(name).toml")
        }
    }

    func testEveryBuiltinParsesAndStylesEveryRole() throws {
        for (name, text) in BuiltinThemes.all {
            let theme = try Theme(toml: text, fallbackName: name)
            XCTAssertEqual(theme.name, name)
            for role in StyleRole.allCases where role != .selection {
                XCTAssertNotNil(theme.resolved(role).foreground, "\(name).\(role.rawValue) has no colour")
            }
        }
    }

    func testMinimalUserThemeInherits() throws {
        let theme = try Theme(toml: """
        # a user theme
        [styles]
        normal = { fg = "bright-white", bg = 234 }
        status = { fg = "black", bg = "#ffaf00" }
        bar_live.fg = "blue"
        """, fallbackName: "mine")
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme.resolved(.userText).foreground, .indexed(15))
        XCTAssertEqual(theme.resolved(.userText).background, .indexed(234))
        XCTAssertEqual(theme.resolved(.barLive), TextStyle(foreground: .indexed(4), background: .rgb(255, 175, 0)))
        XCTAssertEqual(theme.resolved(.warning).background, .rgb(255, 175, 0))
    }

    func testBadThemesSayWhatIsWrong() {
        XCTAssertThrowsError(try Theme(toml: "[styles]\nnormal = { fg = \"#12\" }", fallbackName: "x")) {
            XCTAssertEqual("\($0)", "x: normal.fg: not a colour")
        }
        XCTAssertThrowsError(try Theme(toml: "[styles]\nbogus = {}", fallbackName: "x")) {
            XCTAssertTrue("\($0)".hasPrefix("x: unknown style 'bogus'"))
        }
        XCTAssertThrowsError(try Theme(toml: "name = \"unterminated", fallbackName: "x")) {
            XCTAssertTrue("\($0)".hasPrefix("x: ") && "\($0)".hasSuffix("at line 1"), "\($0)")
        }
        XCTAssertThrowsError(try Theme(toml: "styles = 3", fallbackName: "x")) {
            XCTAssertEqual("\($0)", "x: 'styles' must be a table")
        }
    }

    /// Nesting a million deep, as arrays, inline tables or dotted keys, is an error or a
    /// value the theme ignores: never a stack overflow.
    func testDeeplyNestedThemesAreRefusedNotOverflowed() {
        let depth = 1_000_000
        for text in ["a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                     "[styles]\nnormal = " + String(repeating: "{ fg = ", count: depth) + "1" + String(repeating: "}", count: depth)] {
            XCTAssertThrowsError(try Theme(toml: text, fallbackName: "deep")) { error in
                XCTAssertTrue("\(error)".contains("nested"), "\(error)")
            }
        }
        let dotted = "[styles]\n" + Array(repeating: "x", count: 100_000).joined(separator: ".") + " = 1"
        XCTAssertThrowsError(try Theme(toml: dotted, fallbackName: "deep"))
    }

    func testColorDowngrades() {
        XCTAssertEqual(ThemeColor.rgb(0xFF, 0x87, 0x00).index(for: .palette256), 208)
        XCTAssertEqual(ThemeColor.rgb(0x30, 0x30, 0x30).index(for: .palette256), 236, "greys use the grey ramp")
        XCTAssertEqual(ThemeColor.rgb(0xFF, 0x5F, 0x5F).index(for: .palette8), 1)
        XCTAssertEqual(ThemeColor.rgb(0x5F, 0xAF, 0xFF).index(for: .palette16), 12)
        XCTAssertEqual(ThemeColor.indexed(12).index(for: .palette8), 4)
        XCTAssertEqual(ThemeColor.indexed(208).index(for: .palette8), 3)
        XCTAssertEqual(ThemeColor.terminalDefault.index(for: .palette256), -1)
        XCTAssertEqual(ThemeColor.rgb(1, 2, 3).index(for: .monochrome), -1)
    }

    func testNoColorWins() {
        XCTAssertEqual(ColorMode.detect(colors: 256, hasColors: true, environment: ["NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(ColorMode.detect(colors: 256, hasColors: true, environment: ["NO_COLOR": ""]), .palette256)
        XCTAssertEqual(ColorMode.detect(colors: 8, hasColors: true, environment: [:]), .palette8)
        XCTAssertEqual(ColorMode.detect(colors: 0, hasColors: false, environment: [:]), .monochrome)
    }

    func testCatalogSearchOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-themes-\(getpid())-\(UUID().uuidString)")
        let envDir = root.appendingPathComponent("env")
        let userDir = root.appendingPathComponent("config/ghostchat/themes")
        try FileManager.default.createDirectory(at: envDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: userDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "name = \"env-dark\"".write(to: envDir.appendingPathComponent("dark.toml"), atomically: true, encoding: .utf8)
        try "name = \"mine\"".write(to: userDir.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)

        let catalog = ThemeCatalog.standard(
            environment: ["GHOSTCHAT_THEMES_DIR": envDir.path, "XDG_CONFIG_HOME": root.appendingPathComponent("config").path],
            executablePath: "/nonexistent/bin/ghostchat")
        XCTAssertEqual(try catalog.load("dark").name, "env-dark", "GHOSTCHAT_THEMES_DIR first")
        XCTAssertEqual(try catalog.load("mine").name, "mine", "then the user directory")
        XCTAssertEqual(try catalog.load("gruvbox").name, "gruvbox", "built-ins last")
        XCTAssertEqual(catalog.names(), ["dark", "gruvbox", "high-contrast", "light", "mine"])
        XCTAssertThrowsError(try catalog.load("../etc/passwd"))
        XCTAssertThrowsError(try catalog.load("nope")) { XCTAssertTrue("\($0)".contains("available: dark, gruvbox")) }
    }

    func testShippedDirectoryFoundFromTheExecutable() {
        let fakeExecutable = packageThemes.deletingLastPathComponent().appendingPathComponent(".build/release/ghostchat").path
        XCTAssertEqual(ThemeCatalog.shippedThemesDirectory(executablePath: fakeExecutable)?.standardizedFileURL.path,
                       packageThemes.standardizedFileURL.path)
    }
}
