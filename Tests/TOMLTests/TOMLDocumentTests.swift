import TOML
import XCTest

final class TOMLDocumentTests: XCTestCase {
    /// Each of these made toml++ abort the process (an assertion in its key parser); the
    /// `config` fuzzer found the first. Now each is one error naming its line.
    func testHeadersThatAbortedTomlPlusPlusAreErrors() {
        for header in ["[été]", "[\u{FFFD}\u{FFFD}\u{1F}hat]", "[\u{1F}]", "  [ é ]", "[[é]]", "[[ \u{7F}x]]", "[😀]"] {
            let text = "# presets\n[ok]\ntext = \"fine\"\n\n\(header)\ntext = \"x\"\n"
            XCTAssertThrowsError(try TOMLDocument.parse(text), header) { error in
                XCTAssertEqual((error as? TOMLDocument.ParseError)?.line, 5, "\(header): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("a table name must start with"), "\(error)")
            }
        }
    }

    /// Brackets inside strings, arrays and inline tables are not headers.
    func testBracketsOutsideHeadersAreLeftToTheParser() throws {
        let text = #"""
        name = "[été]"
        list = [
          [1, 2],
          ["é"],
        ]
        inline = { a = [3] }
        poem = """
        [été] on a line of its own
        """
        raw = '''
        [été]
        '''
        [  "quoted é" ]
        text = 'x'
        ['literal é'.sub]
        text = "y"
        [[array-of-tables]]
        x = 1
        """#
        let table = try TOMLDocument.parse(text)
        XCTAssertEqual(table["name"]?.string, "[été]")
        XCTAssertEqual(table["poem"]?.string, "[été] on a line of its own\n")
        XCTAssertEqual(table["quoted é"]?.table?["text"]?.string, "x")
    }

    func testSyntaxErrorsCarryTheirLine() {
        XCTAssertThrowsError(try TOMLDocument.parse("a = 1\nb = \n")) { error in
            XCTAssertEqual((error as? TOMLDocument.ParseError)?.line, 2, "\(error)")
        }
    }

    /// Every character after a header's bracket, at any nesting of the document: an error or a
    /// table, never an abort (an abort ends this test process).
    func testAnyCharacterAfterABracketIsAnErrorOrATable() {
        let samples: [Unicode.Scalar] = (0...0x2FF).compactMap(Unicode.Scalar.init) + ["\u{FFFD}", "\u{200B}", "\u{202E}", "😀", "漢"]
        for scalar in samples {
            for form in ["[\(scalar)x]", "[[\(scalar)x]]", "[a.\(scalar)]", "[\"a\".\(scalar)]", "x = { \(scalar) = 1 }", "\(scalar) = 1"] {
                _ = try? TOMLDocument.parse("top = 1\n\(form)\nk = 2\n")
            }
        }
    }
}
