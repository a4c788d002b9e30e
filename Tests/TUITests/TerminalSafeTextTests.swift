import XCTest
@testable import TUI

final class TerminalSafeTextTests: XCTestCase {
    func testEscapeSequencesBecomeVisible() {
        XCTAssertEqual(TerminalSafeText.sanitize("a\u{1B}[31mred"), "a␛[31mred")
        XCTAssertEqual(TerminalSafeText.sanitize("\u{1B}]0;title\u{07}"), "␛]0;title␇")
        XCTAssertEqual(TerminalSafeText.sanitize("\u{9B}2J"), "\u{FFFD}2J", "C1 CSI")
        XCTAssertEqual(TerminalSafeText.sanitize("x\u{7F}"), "x␡")
    }

    func testBidiOverridesAreReplaced() {
        XCTAssertEqual(TerminalSafeText.sanitize("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c")
    }

    func testNewlinesAndTabs() {
        XCTAssertEqual(TerminalSafeText.sanitize("a\r\nb\rc\td"), "a\nb␍c    d")
        XCTAssertEqual(TerminalSafeText.sanitize("a\nb", keepNewlines: false), "a␤b")
    }

    func testPlainTextUnchanged() {
        let text = "Bonjour 👋🏽 漢字 e\u{301}"
        XCTAssertEqual(TerminalSafeText.sanitize(text), text)
    }

    func testBufferNeverHoldsControls() {
        var buffer = ScreenBuffer(width: 20, height: 1)
        buffer.put("\u{1B}[2J\u{1B}c", row: 0, column: 0, role: .normal)
        XCTAssertEqual(buffer.text, "␛[2J␛c")
        for cell in buffer.cells {
            XCTAssertFalse(cell.text.unicodeScalars.contains(where: TerminalSafeText.needsReplacement))
        }
    }
}
