import XCTest
@testable import TUI

final class LineEditorTests: XCTestCase {
    func testInsertAndMove() {
        var e = LineEditor(text: "hello world")
        e.moveToLineStart()
        e.insert(">> ")
        XCTAssertEqual(e.text, ">> hello world")
        e.moveToLineEnd()
        e.backspace()
        XCTAssertEqual(e.text, ">> hello worl")
    }

    func testEmacsKills() {
        var e = LineEditor(text: "one two three")
        e.killWordBackward()
        XCTAssertEqual(e.text, "one two ")
        e.moveWordLeft()
        XCTAssertEqual(e.cursor, 4)
        e.killToLineEnd()
        XCTAssertEqual(e.text, "one ")
        e.yank()
        XCTAssertEqual(e.text, "one two ")
        e.killToLineStart()
        XCTAssertEqual(e.text, "")
    }

    func testWordMotion() {
        var e = LineEditor(text: "alpha, beta gamma")
        e.moveToLineStart()
        e.moveWordRight()
        XCTAssertEqual(e.cursor, 5)
        e.moveWordRight()
        XCTAssertEqual(e.cursor, 11)
        e.moveWordLeft()
        XCTAssertEqual(e.cursor, 7)
    }

    func testMultiLineEditing() {
        var e = LineEditor(text: "first line\nsecond")
        XCTAssertTrue(e.moveUp())
        XCTAssertEqual(e.cursor, 6)
        XCTAssertFalse(e.moveUp())
        e.moveToLineEnd()
        XCTAssertEqual(e.cursor, 10)
        XCTAssertTrue(e.moveDown())
        XCTAssertEqual(e.cursor, 17)
        e.moveToLineStart()
        XCTAssertEqual(e.cursor, 11)
        e.killToLineStart()  // at a line start: nothing before it on this line
        XCTAssertEqual(e.text, "first line\nsecond")
    }

    func testGraphemeClustersEditAsOne() {
        var e = LineEditor(text: "a👨‍👩‍👧‍👦e\u{301}")
        e.backspace()
        XCTAssertEqual(e.text, "a👨‍👩‍👧‍👦")
        e.backspace()
        XCTAssertEqual(e.text, "a")
    }

    func testHistoryKeepsTheDraft() {
        var h = InputHistory()
        h.record("first")
        h.record("second")
        h.record("second")
        XCTAssertEqual(h.entries, ["first", "second"])
        XCTAssertEqual(h.previous(current: "draft"), "second")
        XCTAssertEqual(h.previous(current: "second"), "first")
        XCTAssertNil(h.previous(current: "first"))
        XCTAssertEqual(h.next(), "second")
        XCTAssertEqual(h.next(), "draft")
        XCTAssertNil(h.next())
    }
}
