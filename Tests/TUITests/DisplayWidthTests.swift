import XCTest
@testable import TUI

final class DisplayWidthTests: XCTestCase {
    func testASCIIAndLatin() {
        XCTAssertEqual(DisplayWidth.of("hello"), 5)
        XCTAssertEqual(DisplayWidth.of("café"), 4)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1, "combining acute joins its base")
    }

    func testCJKIsWide() {
        XCTAssertEqual(DisplayWidth.of("漢字"), 4)
        XCTAssertEqual(DisplayWidth.of("ｱ"), 1, "half-width katakana")
        XCTAssertEqual(DisplayWidth.of("Ａ"), 2, "full-width Latin")
        XCTAssertEqual(DisplayWidth.of("한국어"), 6)
    }

    func testEmoji() {
        XCTAssertEqual(DisplayWidth.of(Character("👋")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("👋🏽")), 2, "skin tone modifier")
        XCTAssertEqual(DisplayWidth.of(Character("👨‍👩‍👧‍👦")), 2, "ZWJ family")
        XCTAssertEqual(DisplayWidth.of(Character("🇫🇷")), 2, "flag")
        XCTAssertEqual(DisplayWidth.of(Character("1\u{FE0F}\u{20E3}")), 2, "keycap")
        XCTAssertEqual(DisplayWidth.of(Character("❤\u{FE0F}")), 2, "VS16 asks for emoji presentation")
        XCTAssertEqual(DisplayWidth.of(Character("❤")), 1, "text-default symbol without VS16")
        XCTAssertEqual(DisplayWidth.of(Character("☺\u{FE0E}")), 1, "VS15")
    }

    func testZeroWidth() {
        XCTAssertEqual(DisplayWidth.of(Character("\u{200B}")), 0)
        XCTAssertEqual(DisplayWidth.of(Character("\u{1B}")), 0)
    }
}
