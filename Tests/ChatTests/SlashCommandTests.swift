import Chat
import XCTest

final class SlashCommandTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try SlashCommand(parsing: "/system  Speak in French. "), .system("Speak in French."))
        XCTAssertEqual(try SlashCommand(parsing: "/preset emoji+french"), .preset("emoji+french"))
        XCTAssertEqual(try SlashCommand(parsing: "/reinforce on"), .reinforce(true))
        XCTAssertEqual(try SlashCommand(parsing: "/check off"), .check(false, retries: nil))
        XCTAssertEqual(try SlashCommand(parsing: "/check on 3"), .check(true, retries: 3))
        XCTAssertEqual(try SlashCommand(parsing: "/save"), .save(nil))
        XCTAssertEqual(try SlashCommand(parsing: "/save! x.json"), .save("x.json", force: true))
        XCTAssertEqual(try SlashCommand(parsing: "/save out dir/chat.md"), .save("out dir/chat.md"))
        XCTAssertEqual(try SlashCommand(parsing: "/load a.json"), .load("a.json"))
        XCTAssertEqual(try SlashCommand(parsing: "/QUIT"), .quit)
        // Bare forms show the current value.
        XCTAssertEqual(try SlashCommand(parsing: "/system"), .system(""))
        XCTAssertEqual(try SlashCommand(parsing: "/preset"), .preset(""))
        XCTAssertEqual(try SlashCommand(parsing: "/set"), .showSettings)
        for bad in ["/reinforce maybe", "/check on -1", "/context now", "/load", "/nope", "/"] {
            XCTAssertThrowsError(try SlashCommand(parsing: bad), bad) { XCTAssertTrue($0 is ChatError, bad) }
        }
    }
}
