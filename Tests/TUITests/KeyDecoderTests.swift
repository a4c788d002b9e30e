import XCTest
@testable import TUI

final class KeyDecoderTests: XCTestCase {
    private func decode(_ text: String, idle: Bool = true) -> [KeyEvent] {
        var decoder = KeyDecoder()
        var events = text.unicodeScalars.flatMap { decoder.feed(.scalar($0)) }
        if idle { events += decoder.idle() }
        return events
    }

    func testPlainCharactersAndControls() {
        XCTAssertEqual(decode("hé"), [.character("h"), .character("é")])
        XCTAssertEqual(decode("\r"), [.enter])
        XCTAssertEqual(decode("\n"), [.newline], "Ctrl-J inserts a newline")
        XCTAssertEqual(decode("\u{01}\u{05}\u{0B}\u{15}\u{17}"), [.control("a"), .control("e"), .control("k"), .control("u"), .control("w")])
        XCTAssertEqual(decode("\u{7F}\u{09}\u{03}\u{04}"), [.backspace, .tab, .control("c"), .control("d")])
    }

    func testAltKeys() {
        XCTAssertEqual(decode("\u{1B}b\u{1B}f"), [.alt("b"), .alt("f")])
        XCTAssertEqual(decode("\u{1B}\r"), [.newline], "Alt-Enter")
    }

    func testLoneEscapeNeedsIdle() {
        var decoder = KeyDecoder()
        XCTAssertEqual(decoder.feed(.scalar("\u{1B}")), [])
        XCTAssertTrue(decoder.isPending)
        XCTAssertEqual(decoder.idle(), [.escape])
        XCTAssertFalse(decoder.isPending)
    }

    func testCSISequencesTerminfoMissed() {
        XCTAssertEqual(decode("\u{1B}[A\u{1B}[6~\u{1B}OP\u{1B}[1;3D"), [.up, .pageDown, .function(1), .alt("b")])
    }

    func testBracketedPaste() {
        let events = decode("x\u{1B}[200~line 1\r\nline \u{1B}2\u{1B}[201~y")
        XCTAssertEqual(events, [.character("x"), .paste("line 1\nline \u{1B}2"), .character("y")])
    }

    func testPasteSurvivesIdleAndTerminfoKeys() {
        var decoder = KeyDecoder()
        var events: [KeyEvent] = []
        for s in "\u{1B}[200~ab".unicodeScalars { events += decoder.feed(.scalar(s)) }
        events += decoder.idle()
        events += decoder.feed(.key(.enter))
        for s in "c\u{1B}[201~".unicodeScalars { events += decoder.feed(.scalar(s)) }
        XCTAssertEqual(events, [.paste("ab\nc")])
    }

    func testTerminfoKeysAndWheel() {
        var decoder = KeyDecoder()
        XCTAssertEqual(decoder.feed(.key(.function(1))), [.function(1)])
        XCTAssertEqual(decoder.feed(.wheelUp), [.wheelUp])
        XCTAssertEqual(decoder.feed(.key(.pageUp)), [.pageUp])
    }
}
