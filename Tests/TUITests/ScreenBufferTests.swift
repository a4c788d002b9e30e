import SafeText
@testable import TUI
import XCTest

final class ScreenBufferTests: XCTestCase {
    func testWideCharacterTakesTwoCells() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        let end = buffer.put("a漢b", row: 0, column: 0, role: .normal)
        XCTAssertEqual(end, 4)
        XCTAssertEqual(buffer.text, "a漢b")
        XCTAssertTrue(buffer[0, 2].isContinuation)
    }

    func testWideCharacterAtEdgeLeavesBlank() {
        var buffer = ScreenBuffer(width: 3, height: 1)
        buffer.put("ab漢", row: 0, column: 0, role: .normal)
        XCTAssertEqual(buffer.rowText(0, trimmingTrailingSpaces: false), "ab ")
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put("漢字", row: 0, column: 0, role: .normal)
        buffer.put("x", row: 0, column: 1, role: .normal)
        XCTAssertEqual(buffer.rowText(0, trimmingTrailingSpaces: false), " x字")
    }

    func testLoneCombiningMarkGetsADottedCircle() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put("\u{301}a", row: 0, column: 0, role: .normal)
        XCTAssertEqual(buffer.text, "◌\u{301}a")
    }

    func testClippingAndOutOfRangeWrites() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        buffer.put("hello world", row: 0, column: 2, role: .normal, limit: 2)
        buffer.put("x", row: 5, column: 0, role: .normal)
        buffer.put("y", row: 1, column: -3, role: .normal)
        XCTAssertEqual(buffer.text, "  he\n")
    }

    func testBufferNeverHoldsControls() {
        var buffer = ScreenBuffer(width: 20, height: 1)
        buffer.put("\u{1B}[2J\u{1B}c\t\n", row: 0, column: 0, role: .normal)
        XCTAssertEqual(buffer.text, "␛[2J␛c    ␤")
        for cell in buffer.cells {
            XCTAssertFalse(cell.text.unicodeScalars.contains(where: { SafeText.needsReplacement($0, newlines: false, tabs: false) }))
        }
    }
}
