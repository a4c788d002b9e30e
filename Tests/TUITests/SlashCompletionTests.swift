import Foundation
import ChatTUI
import XCTest
@testable import TUI

final class SlashCompletionTests: XCTestCase {
    let names = (CommandSpec.session + CommandSpec.screen).map(\.name)

    func testUniqueCommandCompletesWithSpace() {
        XCTAssertEqual(SlashCompletion.complete("/the", commands: names, arguments: { _ in [] })?.completedLine, "/theme ")
    }

    func testAmbiguousCompletesCommonPrefix() {
        let result = SlashCompletion.complete("/s", commands: names, arguments: { _ in [] })
        XCTAssertEqual(result?.candidates, ["system", "stats", "set", "save", "sessions"])
        XCTAssertEqual(result?.completedLine, "/s")
        XCTAssertEqual(SlashCompletion.complete("/se", commands: names, arguments: { _ in [] })?.completedLine, "/se")
        XCTAssertEqual(SlashCompletion.complete("/sy", commands: names, arguments: { _ in [] })?.completedLine, "/system ")
    }

    func testArgumentsComplete() {
        let result = SlashCompletion.complete("/theme g", commands: names, arguments: { $0 == "theme" ? ["dark", "gruvbox"] : [] })
        XCTAssertEqual(result?.completedLine, "/theme gruvbox")
    }

    func testNotACommand() {
        XCTAssertNil(SlashCompletion.complete("hello", commands: names, arguments: { _ in [] }))
        XCTAssertNil(SlashCompletion.complete("/zzz", commands: names, arguments: { _ in [] }))
    }

    func testParse() {
        XCTAssertEqual(CommandSpec.parse("/system  Speak in French ")?.name, "system")
        XCTAssertEqual(CommandSpec.parse("/system  Speak in French ")?.argument, "Speak in French")
        XCTAssertNil(CommandSpec.parse("//not a command"))
        XCTAssertNil(CommandSpec.parse("/"))
    }

    func testComposedPresetsCompleteTheirLastPart() {
        let presets = ["emoji", "french", "fr-canada", "napoleon"]
        let result = SlashCompletion.complete("/preset emoji+na", commands: ["preset"], arguments: { _ in presets })
        XCTAssertEqual(result?.completedLine, "/preset emoji+napoleon")
        let both = SlashCompletion.complete("/preset emoji+fr", commands: ["preset"], arguments: { _ in presets })
        XCTAssertEqual(both?.candidates, ["fr-canada", "french"])
        XCTAssertEqual(both?.completedLine, "/preset emoji+fr")
        XCTAssertEqual(both?.head, "/preset emoji+")
        // Cycling with Tab keeps the parts before the last "+".
        var state = Fixtures.chat()
        state.commandArguments["preset"] = presets
        Fixtures.type("/preset emoji+fr", &state)
        Fixtures.press([.tab, .tab], &state)
        XCTAssertEqual(state.editor.text, "/preset emoji+fr-canada")
    }

    func testSaveAndLoadCompleteFilePaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-paths-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("chats"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("chat-one.json").path, contents: Data())
        FileManager.default.createFile(atPath: dir.appendingPathComponent(".hidden").path, contents: Data())
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.path + "/"
        let result = SlashCompletion.complete("/load \(base)ch", commands: ["load"], arguments: { _ in ["5ef906b6"] })
        XCTAssertEqual(result?.candidates, [base + "chat-one.json", base + "chats/"])
        XCTAssertEqual(result?.completedLine, "/load \(base)chat")
        XCTAssertEqual(SlashCompletion.complete("/save \(base)chats", commands: ["save"], arguments: { _ in [] })?.completedLine, "/save \(base)chats/")
        XCTAssertEqual(SlashCompletion.complete("/load 5e", commands: ["load"], arguments: { _ in ["5ef906b6"] })?.completedLine, "/load 5ef906b6",
                       "an id is not a path")
        XCTAssertNil(SlashCompletion.complete("/load \(base)zz", commands: ["load"], arguments: { _ in [] }))
    }
}
