import XCTest
@testable import TUI

final class SlashCompletionTests: XCTestCase {
    let names = SlashCommand.all.map(\.name)

    func testUniqueCommandCompletesWithSpace() {
        XCTAssertEqual(SlashCompletion.complete("/the", commands: names, arguments: { _ in [] })?.completedLine, "/theme ")
    }

    func testAmbiguousCompletesCommonPrefix() {
        let result = SlashCompletion.complete("/s", commands: names, arguments: { _ in [] })
        XCTAssertEqual(result?.candidates, ["system", "save", "sessions", "set"])
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
        XCTAssertEqual(SlashCommand.parse("/system  Speak in French ")?.name, "system")
        XCTAssertEqual(SlashCommand.parse("/system  Speak in French ")?.argument, "Speak in French")
        XCTAssertNil(SlashCommand.parse("//not a command"))
        XCTAssertNil(SlashCommand.parse("/"))
    }
}
