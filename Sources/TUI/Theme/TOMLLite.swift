/// A small TOML reader for theme files: tables (`[a.b]`), `key = value` with strings,
/// integers, floats, booleans, single-line arrays and inline tables, and comments. Themes
/// need nothing more, and this keeps a C++ TOML library out of the build.
public enum TOMLLite {
    public indirect enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])
        case table([String: Value])

        public var table: [String: Value]? { if case .table(let t) = self { return t } else { return nil } }
        public var string: String? { if case .string(let s) = self { return s } else { return nil } }
        public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
        public var integer: Int? { if case .integer(let i) = self { return i } else { return nil } }
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses a whole document into its root table.
    public static func parse(_ text: String) throws -> [String: Value] {
        var root: [String: Value] = [:]
        var currentPath: [String] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var scanner = Scanner(text: Substring(rawLine), line: number + 1)
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                scanner.advance()
                currentPath = try scanner.keyPath(until: "]")
                try scanner.expect("]")
                try scanner.expectEnd()
                try insert(.table([:]), at: currentPath, into: &root, line: number + 1, mergeTables: true)
                continue
            }
            let keyPath = try scanner.keyPath(until: "=")
            try scanner.expect("=")
            scanner.skipSpaces()
            let value = try scanner.value()
            try scanner.expectEnd()
            try insert(value, at: currentPath + keyPath, into: &root, line: number + 1, mergeTables: false)
        }
        return root
    }

    private static func insert(_ value: Value, at path: [String], into table: inout [String: Value], line: Int, mergeTables: Bool) throws {
        guard let head = path.first else { return }
        if path.count == 1 {
            if let existing = table[head] {
                if mergeTables, existing.table != nil { return }
                throw ParseError(line: line, message: "duplicate key '\(head)'")
            }
            table[head] = value
            return
        }
        var child = table[head]?.table ?? [:]
        if let existing = table[head], existing.table == nil {
            throw ParseError(line: line, message: "'\(head)' is not a table")
        }
        try insert(value, at: Array(path.dropFirst()), into: &child, line: line, mergeTables: mergeTables)
        table[head] = .table(child)
    }

    private struct Scanner {
        var text: Substring
        let line: Int

        var peek: Character? { text.first }
        var atEndOrComment: Bool { text.isEmpty || text.first == "#" }
        mutating func advance() { text = text.dropFirst() }
        mutating func skipSpaces() { text = text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }) }

        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func expect(_ c: Character) throws {
            skipSpaces()
            guard peek == c else { throw fail("expected '\(c)'") }
            advance()
        }

        mutating func expectEnd() throws {
            skipSpaces()
            guard atEndOrComment else { throw fail("unexpected '\(text.prefix(10))'") }
        }

        mutating func keyPath(until terminator: Character) throws -> [String] {
            var keys: [String] = []
            while true {
                skipSpaces()
                if peek == "\"" || peek == "'" {
                    keys.append(try quotedString())
                } else {
                    let bare = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                    guard !bare.isEmpty else { throw fail("expected a key") }
                    keys.append(String(bare))
                    text = text.dropFirst(bare.count)
                }
                skipSpaces()
                if peek == "." { advance(); continue }
                guard peek == terminator else { throw fail("expected '\(terminator)'") }
                return keys
            }
        }

        mutating func value() throws -> Value {
            skipSpaces()
            guard let c = peek else { throw fail("missing value") }
            switch c {
            case "\"", "'": return .string(try quotedString())
            case "{": return try inlineTable()
            case "[": return try array()
            default:
                let token = text.prefix { !",}] \t#\r".contains($0) }
                text = text.dropFirst(token.count)
                let word = token.replacingUnderscores()
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let i = Int(word) { return .integer(i) }
                if word.hasPrefix("0x"), let i = Int(word.dropFirst(2), radix: 16) { return .integer(i) }
                if let d = Double(word) { return .float(d) }
                throw fail("cannot read value '\(token)'")
            }
        }

        mutating func quotedString() throws -> String {
            guard let quote = peek else { throw fail("expected a string") }
            advance()
            var result = ""
            while let c = peek {
                advance()
                if c == quote { return result }
                if c == "\\", quote == "\"" {
                    guard let e = peek else { break }
                    advance()
                    switch e {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "u", "U":
                        let digits = text.prefix(e == "u" ? 4 : 8)
                        guard let v = UInt32(digits, radix: 16), let s = Unicode.Scalar(v) else { throw fail("bad \\u escape") }
                        result.unicodeScalars.append(s)
                        text = text.dropFirst(digits.count)
                    default: throw fail("unknown escape \\\(e)")
                    }
                } else {
                    result.append(c)
                }
            }
            throw fail("unterminated string")
        }

        mutating func inlineTable() throws -> Value {
            advance()
            var table: [String: Value] = [:]
            skipSpaces()
            if peek == "}" { advance(); return .table(table) }
            while true {
                let path = try keyPath(until: "=")
                try expect("=")
                let v = try value()
                try TOMLLite.insert(v, at: path, into: &table, line: line, mergeTables: false)
                skipSpaces()
                if peek == "," { advance(); continue }
                try expect("}")
                return .table(table)
            }
        }

        mutating func array() throws -> Value {
            advance()
            var items: [Value] = []
            while true {
                skipSpaces()
                if peek == "]" { advance(); return .array(items) }
                items.append(try value())
                skipSpaces()
                if peek == "," { advance(); continue }
                try expect("]")
                return .array(items)
            }
        }
    }
}

private extension Substring {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
