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

    /// Keys arrive one scalar at a time: the ZWJ, the skin tone, the second flag letter and
    /// the accent join the cluster before them, so the cursor, Backspace, Ctrl-U and the
    /// layout see one character each.
    func testClustersTypedScalarByScalarJoin() {
        for (cluster, width) in [("👨‍👩‍👧‍👦", 2), ("👍🏽", 2), ("🇯🇵", 2), ("e\u{301}", 1)] {
            var state = Fixtures.chat(rows: 10, columns: 60)
            var decoder = KeyDecoder()
            let keys = (cluster + "X").unicodeScalars.flatMap { decoder.feed(.scalar($0)) }
            Fixtures.press(keys, &state)
            XCTAssertEqual(state.editor.text, cluster + "X", cluster)
            XCTAssertEqual(state.editor.characters.count, 2, cluster)
            XCTAssertEqual(InputView.layout(state.editor, width: 40).cursor.column, width + 1, cluster)
            Fixtures.press([.backspace, .backspace], &state)
            XCTAssertEqual(state.editor.text, "", "\(cluster): Backspace takes the whole cluster")
            Fixtures.type("ab", &state)
            Fixtures.press(keys, &state)
            Fixtures.press([.control("u")], &state)
            XCTAssertTrue(state.editor.isEmpty, cluster)
        }
        // Inserted in the middle: the cluster joins, the text after stays as it was.
        var e = LineEditor(text: "ab")
        e.moveLeft()
        for scalar in "👍🏽".unicodeScalars { e.insert(String(scalar)) }
        XCTAssertEqual(e.text, "a👍🏽b")
        XCTAssertEqual(e.cursor, 2)
        var sent = Fixtures.chat()
        var decoder = KeyDecoder()
        Fixtures.press("Family 👨‍👩‍👧‍👦 and thumbs 👍🏽".unicodeScalars.flatMap { decoder.feed(.scalar($0)) }, &sent)
        XCTAssertEqual(Fixtures.press([.enter], &sent), [.send("Family 👨‍👩‍👧‍👦 and thumbs 👍🏽")])
        XCTAssertTrue(AppView.render(sent).text.contains("Family 👨‍👩‍👧‍👦 and thumbs 👍🏽"), AppView.render(sent).text)
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
