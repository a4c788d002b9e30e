import SafeText
import XCTest

final class SafeTextTests: XCTestCase {
    // MARK: shown — prose with visible stand-ins

    func testEscapeSequencesBecomeVisible() {
        XCTAssertEqual(SafeText.shown("a\u{1B}[31mred"), "a␛[31mred")
        XCTAssertEqual(SafeText.shown("\u{1B}]52;c;aGk=\u{07}"), "␛]52;c;aGk=␇", "OSC 52 clipboard write")
        XCTAssertEqual(SafeText.shown("\u{9B}2J"), "\u{FFFD}2J", "C1 CSI")
        XCTAssertEqual(SafeText.shown("x\u{7F}\u{0}"), "x␡␀")
    }

    func testBidiOverridesAreReplaced() {
        XCTAssertEqual(SafeText.shown("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c")
    }

    func testNewlinesAndTabs() {
        XCTAssertEqual(SafeText.shown("a\r\nb\rc\td"), "a\nb␍c\td", "tabs pass through unless a width is given")
        XCTAssertEqual(SafeText.shown("a\r\nb\rc\td", tabWidth: 4), "a\nb␍c    d")
        XCTAssertEqual(SafeText.shown("a\nb\r\n", newlines: false), "a␤b␍␤")
    }

    func testPrintableTextIsUnchanged() {
        let text = "Bonjour 👋🏽 漢字 e\u{301} 👨‍👩‍👧‍👦 🇯🇵"
        XCTAssertEqual(SafeText.shown(text), text)
        XCTAssertEqual(SafeText.quoted("Bonjour 👋🏽 漢字 e\u{301} 🇯🇵"), "Bonjour 👋🏽 漢字 e\u{301} 🇯🇵")
        XCTAssertEqual(SafeText.quoted("👨\u{200D}👩"), "👨\\u{200d}👩", "quoted shows even a joiner: names are compared by their characters")
    }

    func testShownNeverLeavesAnUnsafeCharacter() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let scalars = (0..<40).compactMap { _ in Unicode.Scalar(UInt32.random(in: 0...0x2100, using: &generator)) }
            let text = String(String.UnicodeScalarView(scalars))
            for newlines in [true, false] {
                for tabWidth in [nil, 4] as [Int?] {
                    let shown = SafeText.shown(text, newlines: newlines, tabWidth: tabWidth)
                    XCTAssertFalse(shown.unicodeScalars.contains {
                        SafeText.needsReplacement($0, newlines: newlines, tabs: tabWidth == nil)
                    })
                }
            }
        }
    }

    // MARK: quoted — data inside a one-line message

    func testQuotedIsOneLineAndReadsBack() {
        XCTAssertEqual(SafeText.quoted("a\nb\r\tc"), "a\\nb\\r\\tc")
        XCTAssertEqual(SafeText.quoted("\u{1B}[2J"), "\\u{1b}[2J")
        XCTAssertEqual(SafeText.quoted("\u{9B}\u{85}\u{2028}\u{2029}"), "\\u{9b}\\u{85}\\u{2028}\\u{2029}")
        XCTAssertEqual(SafeText.quoted("evil\u{202E}txt.gguf"), "evil\\u{202e}txt.gguf", "a bidi override cannot disguise a name")
        XCTAssertEqual(SafeText.quoted("zero\u{200B}width"), "zero\\u{200b}width")
        XCTAssertEqual(SafeText.quoted("C:\\path\n"), "C:\\path\\n")
        XCTAssertEqual(SafeText.quoted("C:\\path\n", escapingBackslashes: true), "C:\\\\path\\n")
    }

    func testQuotedNeverLeavesAControlOrFormatCharacter() {
        for value in UInt32(0)...0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let quoted = SafeText.quoted(String(scalar))
            for out in quoted.unicodeScalars {
                XCTAssertFalse(SafeText.isUnsafe(out), "U+\(String(value, radix: 16))")
                XCTAssertFalse([.control, .format, .lineSeparator, .paragraphSeparator].contains(out.properties.generalCategory))
            }
        }
    }
}
