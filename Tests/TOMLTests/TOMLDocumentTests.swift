import TOML
import XCTest

final class TOMLDocumentTests: XCTestCase {
    /// Each of these made toml++ abort the process (an assertion in its key parser); the
    /// `config` fuzzer found the first. Now each is one error naming its line.
    func testHeadersThatAbortedTomlPlusPlusAreErrors() {
        for header in ["[\n", "[été]", "[\u{FFFD}\u{FFFD}\u{1F}hat]", "[\u{1F}]", "  [ é ]", "[[é]]", "[[ \u{7F}x]]", "[😀]"] {
            let text = "\u{FEFF}# presets\n[ok] # \"quoted\n\ntext = \"fine\"\n\(header)\ntext = \"x\"\n"
            XCTAssertThrowsError(try TOMLDocument.parse(text), header) { error in
                XCTAssertEqual((error as? TOMLDocument.ParseError)?.line, 5, "\(header): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("a table name must start with"), "\(error)")
            }
        }
    }

    /// A `}` where an array expects a value made toml++ abort too (the `theme` fuzzer found it).
    func testACloseBraceWhereAnArrayExpectsAValueIsAnError() throws {
        for value in ["[}]", "[1, }]", "[1,}]", "[\n}]", "[ # note\n } ]", "[ [ } ] ]", "{ fg = [}] }"] {
            XCTAssertThrowsError(try TOMLDocument.parse("ok = 1\na = \(value)\n"), value) { error in
                XCTAssertEqual((error as? TOMLDocument.ParseError)?.message, "expected a value or ']' in an array, saw '}'", value)
            }
        }
        // Where a '}' is legitimate, nothing changes.
        let table = try TOMLDocument.parse("a = [ { b = 1 }, {c = [2]} ]\nd = { e = [ ] }\ns = \"[}\"\n")
        XCTAssertEqual(table["a"]?.array?.count, 2)
        XCTAssertEqual(table["s"]?.string, "[}")
    }

    /// Bare values are checked against TOML's grammar first: a malformed date made toml++
    /// abort (`theme` fuzzer), and an unquoted string gets a message that says what to do.
    func testBareValuesFollowTheGrammar() throws {
        let good = """
            a = 1_000
            b = -0x1F
            c = 0x1F
            d = 1e3
            e = -inf
            f = 1979-05-27T07:32:00Z
            g = 1979-05-27 07:32:00.5+01:00
            h = 07:32:00
            i = true
            j = [1, 2.5, false, 1979-05-27]
            k = { l = 3, m = nan }
            """
        XCTAssertThrowsError(try TOMLDocument.parse(good), "-0x1F is not TOML")
        let table = try TOMLDocument.parse(good.replacingOccurrences(of: "b = -0x1F\n", with: ""))
        XCTAssertEqual(table["a"]?.int, 1000)
        XCTAssertEqual(table["j"]?.array?.count, 4)
        for (value, shown) in [("dark", "'dark' is not a TOML value (a string needs quotes)"),
                               ("1979-05-27Tp7:32:00Z", "'1979-05-27Tp7:32:00Z' is not a TOML value (a string needs quotes)"),
                               ("\u{1}", "'\\u{1}' is not a TOML value (a string needs quotes)"),
                               ("[1, two]", "'two' is not a TOML value (a string needs quotes)")] {
            XCTAssertThrowsError(try TOMLDocument.parse("ok = 1\nname = \(value)\n"), value) { error in
                XCTAssertEqual("\(error)", shown + " at line 2")
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
            for form in ["[\(scalar)x]", "[[\(scalar)x]]", "[a.\(scalar)]", "[\"a\".\(scalar)]", "x = { \(scalar) = 1 }", "\(scalar) = 1",
                         "a = [\(scalar)]", "a = [1, \(scalar)]", "a = { b = [\(scalar)] }", "a = [[\(scalar)], \(scalar)]",
                         "a = \(scalar)1", "a = 1\(scalar)", "a = 1979-05-27T\(scalar)7:32:00Z", "a = 07:3\(scalar)", "a = 0x\(scalar)"] {
                _ = try? TOMLDocument.parse("top = 1\n\(form)\nk = 2\n")
            }
        }
    }
}
