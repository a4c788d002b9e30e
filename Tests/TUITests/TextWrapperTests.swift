import XCTest
@testable import TUI

final class TextWrapperTests: XCTestCase {
    func testWrapsAtWordBoundaries() {
        XCTAssertEqual(TextWrapper.wrap("the quick brown fox jumps", width: 10), ["the quick", "brown fox", "jumps"])
    }

    func testExactFitAndSpacesAtBreakDropped() {
        XCTAssertEqual(TextWrapper.wrap("abcde fghij", width: 5), ["abcde", "fghij"])
        XCTAssertEqual(TextWrapper.wrap("ab    cd", width: 4), ["ab", "cd"])
    }

    func testLongWordsAreSplit() {
        XCTAssertEqual(TextWrapper.wrap("a supercalifragilistic b", width: 8), ["a superc", "alifragi", "listic b"])
    }

    func testNewlinesAndIndentationKept() {
        XCTAssertEqual(TextWrapper.wrap("one\n\n    code()\nend", width: 20), ["one", "", "    code()", "end"])
    }

    func testWideCharactersCountTwo() {
        XCTAssertEqual(TextWrapper.wrap("漢字漢字漢字", width: 5), ["漢字", "漢字", "漢字"])
        XCTAssertEqual(TextWrapper.wrap("hi 👋🏽 there", width: 5), ["hi 👋🏽", "there"])
    }

    func testCombiningMarksStayOnTheirBase() {
        XCTAssertEqual(TextWrapper.wrap("e\u{301}e\u{301}e\u{301}", width: 2), ["e\u{301}e\u{301}", "e\u{301}"])
    }

    func testDegenerateWidths() {
        XCTAssertEqual(TextWrapper.wrap("abc", width: 0), ["a", "b", "c"])
        XCTAssertEqual(TextWrapper.wrap("漢", width: 1), ["漢"], "a glyph wider than the line still gets a line")
        XCTAssertEqual(TextWrapper.wrap("", width: 5), [""])
    }
}
