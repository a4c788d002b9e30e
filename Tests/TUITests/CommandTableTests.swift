import Chat
import ChatTUI
import XCTest
@testable import TUI

/// One command table: the full screen and plain mode accept every command of the session
/// layer's table, and both helps list exactly it.
final class CommandTableTests: XCTestCase {
    /// An argument each command accepts.
    private func sample(_ spec: SlashCommand.Spec) -> String {
        switch spec.name {
        case "reinforce": return "on"
        case "check": return "on 2"
        case "set": return "temp 0.5"
        case "load": return "chat.json"
        case "system", "preset", "template", "save": return "x"
        default: return ""
        }
    }

    func testBothFrontEndsAcceptEveryCommand() throws {
        for spec in SlashCommand.specs {
            for name in [spec.name] + spec.aliases {
                let line = "/\(name)" + (sample(spec).isEmpty ? "" : " \(sample(spec))")
                // Plain mode parses with the session layer's parser.
                XCTAssertNoThrow(try SlashCommand(parsing: line), line)
                // The full screen passes it on, or answers it itself (help, quit).
                var state = Fixtures.chat()
                Fixtures.type(line, &state)
                let effects = Fixtures.press([.enter], &state)
                XCTAssertFalse(state.entries.contains { $0.kind == .error }, "\(line): \(state.entries)")
                switch spec.name {
                case "help": XCTAssertEqual(state.overlay, .help(scroll: 0), line)
                case "quit": XCTAssertTrue(effects.contains(.quit), line)
                // A bang alias (/save!) is passed on as typed: the "!" is its meaning.
                default:
                    let expected = name.hasSuffix("!") ? name : spec.name
                    XCTAssertTrue(effects.contains(.command(name: expected, argument: sample(spec))), "\(line): \(effects)")
                }
            }
        }
    }

    func testHelpListsExactlyTheTable() {
        let plain = SlashCommand.helpText.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(plain, SlashCommand.specs.map { "/" + $0.name } + ["//text"])
        let overlay = HelpOverlay.lines(commands: CommandSpec.session + CommandSpec.screen)
            .map { $0.spans.map(\.text).joined() }
            .drop { $0 != "Commands" }.dropFirst()
            .filter { $0.hasPrefix("/") }  // descriptions too long for the row sit on the next line
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(overlay, SlashCommand.specs.map { "/" + $0.name } + ["/theme"])
    }

    func testUnknownCommandsAreRefusedByBoth() {
        XCTAssertThrowsError(try SlashCommand(parsing: "/frobnicate"))
        var state = Fixtures.chat()
        Fixtures.type("/frobnicate", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [])
        XCTAssertEqual(state.entries.last?.kind, .error)
    }
}
