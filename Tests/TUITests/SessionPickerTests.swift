import Foundation
import XCTest
@testable import TUI

/// The sessions picker: opened by F5 or /sessions, drawn as a box of stored chats, keys to
/// open, rename and delete, each turned into one session command.
final class SessionPickerTests: XCTestCase {
    static let rows = [
        SessionRow(id: "aaaa1111", title: "Hello", model: "tiny-llama-q4_0.gguf", updatedAt: Date(timeIntervalSince1970: 1_796_680_800),
                   messages: 4, isCurrent: true),
        SessionRow(id: "bbbb2222", title: "Plans for a trip to Lisbon in the spring, with a long title", model: "SmolLM2-135M-Instruct.Q4_1.gguf",
                   updatedAt: Date(timeIntervalSince1970: 1_796_594_400), messages: 12),
        SessionRow(id: "cccc3333", title: "Napoleon\u{1B}[2J 👨‍👩‍👧‍👦", model: "m.gguf", updatedAt: Date(timeIntervalSince1970: 1_796_500_000), messages: 2),
    ]

    private func opened(rows: Int = 14, columns: Int = 80) -> AppState {
        var state = Fixtures.chat(rows: rows, columns: columns)
        XCTAssertEqual(Fixtures.press([.function(5)], &state), [.command(name: "sessions", argument: "")])
        _ = state.update(.driver(.sessions(Self.rows)))
        return state
    }

    private func render(_ state: AppState) -> ScreenBuffer {
        guard case .sessions(let picker) = state.overlay else { XCTFail("the picker is not open"); return ScreenBuffer(width: 0, height: 0) }
        var buffer = AppView.render(state)
        buffer.cursor = SessionsOverlay.draw(picker, into: &buffer, timeZone: TimeZone(identifier: "UTC")!)
        return buffer
    }

    func testPickerGolden() {
        let state = opened()
        let screen = render(state)
        let box = (3...9).map { screen.rowText($0) }.joined(separator: "\n")
        XCTAssertEqual(box, """
        ┌─ chats · 3 stored ───────────────────────────────────────────────────────────┐
        │   title                           model               updated           msgs │
        │ ● Hello                           tiny-llama-q4_0.g…  2026-12-07 22:00     4 │
        │   Plans for a trip to Lisbon in…  SmolLM2-135M-Inst…  2026-12-06 22:00    12 │
        │   Napoleon␛[2J 👨‍👩‍👧‍👦                 m.gguf              2026-12-05 19:46     2 │
        │ Enter open · r rename · d delete · Esc close                                 │
        └──────────────────────────────────────────────────────────────────────────────┘
        """)
        XCTAssertEqual(screen[6, 5].role, .selection, "the newest chat that is not open here is selected")
        XCTAssertEqual(screen[5, 5].role, .overlay)
        XCTAssertNil(screen.cursor)
    }

    func testNarrowPickerDropsColumnsAndScrolls() {
        var state = opened(rows: 8, columns: 40)
        Fixtures.press([.down], &state)
        let screen = render(state)
        XCTAssertEqual(screen.text.split(separator: "\n").map { String($0) }.filter { $0.contains("│") }, [
            "│   title                         msgs │",
            "│   Plans for a trip to Lisbon …    12↑│",
            "│   Napoleon␛[2J 👨‍👩‍👧‍👦                  2 │",
            "│ Enter open · r rename · d delete · E │",
        ], screen.text)
        XCTAssertEqual(screen[4, 4].role, .selection, "the selected row scrolled into view")
        XCTAssertEqual(screen[3, 4].role, .overlay)
    }

    func testEnterOpensAnotherChatAndClosesThePicker() {
        var state = opened()
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "load", argument: "bbbb2222")])
        XCTAssertNil(state.overlay)
        // The chat open here: nothing to load.
        state = opened()
        XCTAssertEqual(Fixtures.press([.up, .enter], &state), [])
        XCTAssertNil(state.overlay)
    }

    func testRenameTypesANewTitle() {
        var state = opened()
        Fixtures.press([.character("r"), .control("u")], &state)
        Fixtures.type("Lisbon", &state)
        var screen = render(state)
        XCTAssertTrue(screen.text.contains("│ new title: Lisbon"), screen.text)
        XCTAssertEqual(screen.cursor?.column, 19)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "sessions", argument: "rename bbbb2222 Lisbon")])
        // The driver answers with the new list: the selection stays on the same chat.
        var renamed = Self.rows
        renamed[1].title = "Lisbon"
        renamed.swapAt(0, 1)
        _ = state.update(.driver(.sessions(renamed)))
        guard case .sessions(let picker) = state.overlay else { return XCTFail("the picker closed") }
        XCTAssertEqual(picker.selectedRow?.id, "bbbb2222")
        screen = render(state)
        XCTAssertTrue(screen.text.contains("Enter open"), "back to browsing")
        // Esc leaves the title as it was.
        Fixtures.press([.character("r")], &state)
        Fixtures.type("x", &state)
        XCTAssertEqual(Fixtures.press([.escape], &state), [])
        guard case .sessions(let after) = state.overlay, after.mode == .browsing else { return XCTFail("still renaming") }
    }

    func testDeleteAsksFirstAndNeverTheOpenChat() {
        var state = opened()
        Fixtures.press([.character("d")], &state)
        XCTAssertTrue(render(state).text.contains("delete “Plans for a trip to Lisbon"), render(state).text)
        XCTAssertEqual(Fixtures.press([.character("n")], &state), [], "anything but y keeps it")
        XCTAssertEqual(Fixtures.press([.character("d"), .character("y")], &state), [.command(name: "sessions", argument: "delete bbbb2222")])
        _ = state.update(.driver(.sessions([Self.rows[0], Self.rows[2]])))
        guard case .sessions(let picker) = state.overlay else { return XCTFail("the picker closed") }
        XCTAssertEqual(picker.selectedRow?.id, "cccc3333", "the selection moves to the next chat")
        Fixtures.press([.home, .character("d")], &state)
        XCTAssertTrue(state.flash?.contains("open here") ?? false)
        guard case .sessions(let still) = state.overlay, still.mode == .browsing else { return XCTFail("asked to delete the open chat") }
    }

    func testEscapeClosesAndAnEmptyListSaysSo() {
        var state = opened()
        Fixtures.press([.escape], &state)
        XCTAssertNil(state.overlay)
        Fixtures.type("/sessions", &state)
        XCTAssertEqual(Fixtures.press([.enter], &state), [.command(name: "sessions", argument: "")])
        _ = state.update(.driver(.sessions([])))
        XCTAssertTrue(render(state).text.contains("no stored chats yet"))
        XCTAssertEqual(Fixtures.press([.enter, .character("x")], &state), [])
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.editor.text, "x", "keys after closing go to the input line")
    }
}
