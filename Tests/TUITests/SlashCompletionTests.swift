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
}
