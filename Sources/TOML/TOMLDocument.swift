import SafeText
import TOMLKit

/// The one way ghostchat parses TOML (config.toml, presets.toml, themes): TOMLKit (toml++),
/// behind a check for the inputs that make toml++ abort instead of reporting an error.
///
/// toml++ asserts, and so kills the process, on malformed input its parser did not expect:
/// a table header starting with a character that is neither a bare-key character nor a quote
/// (`[été]`), a `}` or an unusual space where an array expects a value (`a = [}]`,
/// `a = [\u{A0}]`), a date whose time does not start with a digit (`1979-05-27Tp7:32:00Z`).
/// All are errors in TOML anyway, so a lexical pass refuses them first, with their line:
/// table headers, and every bare value (not a string, array or inline table) checked against
/// TOML's grammar for booleans, numbers and dates, so toml++ only ever sees well-formed tokens.
/// (Found by the `config` and `theme` fuzzers, tools/fuzz/README.md.)
public enum TOMLDocument {
    /// Why a document could not be parsed: one line, with the line number where known.
    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public var line: Int
        public var message: String
        /// `message at line N`, with any control character the message quotes escaped.
        public var description: String { "\(SafeText.quoted(message)) at line \(line)" }
    }

    /// Parses `text` into its root table.
    public static func parse(_ text: String) throws -> TOMLTable {
        if let problem = abortingInput(in: text) { throw problem }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ParseError(line: error.source.begin.line, message: error.description)
        } catch {
            throw ParseError(line: 0, message: "\(error)")
        }
    }

    /// The first place where toml++ would abort: a table header (`[name]` or `[[name]]` at the
    /// start of a line, outside strings and values) whose name starts with something other than
    /// a bare-key character or a quote, or a character that ends a value where an array
    /// expects its next one.
    static func abortingInput(in text: String) -> ParseError? {
        let s = Array(text.unicodeScalars)
        var i = s.first == "\u{FEFF}" ? 1 : 0, line = 1  // toml++ skips a byte-order mark
        var open: [Unicode.Scalar] = []  // the arrays and inline tables open in a value
        var expectingArrayValue = false  // just after an array's '[' or ','
        var expectingValue = false  // just after a key's '='
        var atLineStart = true
        func starts(_ token: String, at index: Int) -> Bool {
            let t = Array(token.unicodeScalars)
            return index + t.count <= s.count && Array(s[index..<(index + t.count)]) == t
        }
        func skipBlanks(_ j: inout Int) { while j < s.count && (s[j] == " " || s[j] == "\t") { j += 1 } }
        while i < s.count {
            let c = s[i]
            if atLineStart && open.isEmpty {
                var j = i
                skipBlanks(&j)
                if j < s.count && s[j] == "[" {
                    j += 1
                    if j < s.count && s[j] == "[" { j += 1 }
                    skipBlanks(&j)
                    if j < s.count, !isBareKeyCharacter(s[j]), s[j] != "\"", s[j] != "'" {
                        return ParseError(line: line, message: "a table name must start with a letter, digit, '_', '-' or a quote")
                    }
                    // The rest of the header line holds no value: skip to its end (quoted
                    // names and a comment may follow; none of it continues on the next line).
                    var inComment = false
                    while j < s.count && s[j] != "\n" {
                        if !inComment && s[j] == "#" {
                            inComment = true
                        } else if !inComment && (s[j] == "\"" || s[j] == "'") {
                            let quote = s[j]
                            j += 1
                            while j < s.count && s[j] != quote && s[j] != "\n" {
                                if quote == "\"" && s[j] == "\\" && j + 1 < s.count && s[j + 1] != "\n" { j += 1 }
                                j += 1
                            }
                            if j >= s.count || s[j] == "\n" { break }
                        }
                        j += 1
                    }
                    i = j
                    continue
                }
            }
            atLineStart = false
            if expectingValue || expectingArrayValue, c != " ", c != "\t", !(expectingArrayValue && (c == "\n" || c == "\r" || c == "#")),
               c != "\"", c != "'", c != "[", c != "{", !endsAValue(c) {
                // A bare value: it must be a boolean, a number or a date, whole.
                var j = i
                while j < s.count && !endsAValue(s[j]) { j += 1 }
                // A date and its time may be separated by one space.
                if j + 1 < s.count, s[j] == " ", s[j + 1].properties.numericType != nil, isDate(Array(s[i..<j])) {
                    j += 1
                    while j < s.count && !endsAValue(s[j]) { j += 1 }
                }
                let token = Array(s[i..<j])
                guard isBareValue(token) else {
                    var shown = String(String.UnicodeScalarView(token.prefix(40)))
                    if token.count > 40 { shown += "…" }
                    return ParseError(line: line, message: "'\(shown)' is not a TOML value (a string needs quotes)")
                }
                expectingValue = false
                expectingArrayValue = false
                i = j
                continue
            }
            if expectingValue, c != " ", c != "\t" { expectingValue = false }
            if expectingArrayValue {
                switch c {
                case " ", "\t", "\n", "#": break
                case "\r" where i + 1 < s.count && s[i + 1] == "\n": break
                case "]", ",": expectingArrayValue = false
                case _ where endsAValue(c):
                    let shown = c.isASCII && c.value >= 0x20 ? "'\(c)'" : "U+" + String(c.value, radix: 16, uppercase: true)
                    return ParseError(line: line, message: "expected a value or ']' in an array, saw \(shown)")
                default: expectingArrayValue = false
                }
            }
            switch c {
            case "\n":
                line += 1
                atLineStart = true
                i += 1
            case "#":
                while i < s.count && s[i] != "\n" { i += 1 }
            case "\"", "'":
                let triple = starts(String(repeating: String(c), count: 3), at: i)
                let close = String(repeating: String(c), count: triple ? 3 : 1)
                i += triple ? 3 : 1
                while i < s.count && !starts(close, at: i) {
                    if s[i] == "\n" {
                        if !triple { break }  // an unterminated string: toml++ reports it
                        line += 1
                    }
                    if c == "\"" && s[i] == "\\" && i + 1 < s.count && (triple || s[i + 1] != "\n") {
                        i += 1
                        if s[i] == "\n" { line += 1 }
                    }
                    i += 1
                }
                if i < s.count && s[i] != "\n" { i += close.unicodeScalars.count }
            case "[", "{":
                open.append(c)
                expectingArrayValue = c == "["
                i += 1
            case "]", "}":
                if !open.isEmpty { open.removeLast() }
                i += 1
            case ",":
                expectingArrayValue = open.last == "["
                i += 1
            case "=":
                expectingValue = true
                i += 1
            default:
                i += 1
            }
        }
        return nil
    }

    /// Whether `token` is a whole TOML boolean, integer, float, date-time, date or time.
    static func isBareValue(_ token: [Unicode.Scalar]) -> Bool {
        let text = String(String.UnicodeScalarView(token))
        return text.wholeMatch(of: bareValue) != nil
    }

    private static func isDate(_ token: [Unicode.Scalar]) -> Bool {
        String(String.UnicodeScalarView(token)).wholeMatch(of: datePattern) != nil
    }

    nonisolated(unsafe) private static let datePattern = try! Regex("[0-9]{4}-[0-9]{2}-[0-9]{2}", as: Substring.self)

    /// TOML 1.0's bare values (booleans, integers, floats, dates and times), as one pattern.
    nonisolated(unsafe) private static let bareValue: Regex<Substring> = {
        let decimal = "(?:0|[1-9](?:_?[0-9])*)"
        let digits = "[0-9](?:_?[0-9])*"
        let integer = "[+-]?\(decimal)|0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*"
        let float = "[+-]?\(decimal)(?:\\.\(digits)(?:[eE][+-]?\(digits))?|[eE][+-]?\(digits))|[+-]?(?:inf|nan)"
        let time = "[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?"
        let dateTime = "[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ]\(time)(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?"
        let pattern = "true|false|\(integer)|\(float)|\(dateTime)|\(time)"
        return try! Regex(pattern, as: Substring.self)
    }()

    private static func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// What toml++ takes for the end of a value: any Unicode whitespace (its list), `]`, `}`,
    /// `,` or `#`. Where its array parser expects a value it skips only blanks, line breaks
    /// and comments; any other of these there trips its assertion.
    private static func endsAValue(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A...0x0D, 0x20, 0x23, 0x2C, 0x5D, 0x7D, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200B,
             0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF: return true
        default: return false
        }
    }
}
