import TOMLKit

/// The one way ghostchat parses TOML (config.toml, presets.toml, themes): TOMLKit (toml++),
/// behind a check for the inputs that make toml++ abort instead of reporting an error.
///
/// toml++ asserts, and so kills the process, when a table header starts with a character that
/// is neither a bare-key character nor a quote: `[été]`, `[\u{1F}x]`. Such a header is an
/// error in TOML anyway, so it is refused here, with its line, before toml++ sees it.
/// (Found by the `config` fuzzer, tools/fuzz/README.md.)
public enum TOMLDocument {
    /// Why a document could not be parsed: one line, with the line number where known.
    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "\(message) at line \(line)" }
    }

    /// Parses `text` into its root table.
    public static func parse(_ text: String) throws -> TOMLTable {
        if let problem = unsafeTableHeader(in: text) { throw problem }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ParseError(line: error.source.begin.line, message: error.description)
        } catch {
            throw ParseError(line: 0, message: "\(error)")
        }
    }

    /// The first table header (`[name]` or `[[name]]` at the start of a line, outside strings
    /// and values) whose name starts with something other than a bare-key character or a quote.
    static func unsafeTableHeader(in text: String) -> ParseError? {
        let bytes = Array(text.utf8)
        var i = 0, line = 1
        var depth = 0  // open arrays and inline tables in a value
        var atLineStart = true
        func isBareKey(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): return true
            default: return false
            }
        }
        func starts(_ token: String, at index: Int) -> Bool {
            let t = Array(token.utf8)
            return index + t.count <= bytes.count && Array(bytes[index..<(index + t.count)]) == t
        }
        while i < bytes.count {
            let byte = bytes[i]
            if atLineStart && depth == 0 {
                var j = i
                while j < bytes.count && (bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t")) { j += 1 }
                if j < bytes.count && bytes[j] == UInt8(ascii: "[") {
                    j += 1
                    if j < bytes.count && bytes[j] == UInt8(ascii: "[") { j += 1 }
                    while j < bytes.count && (bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t")) { j += 1 }
                    if j < bytes.count, !isBareKey(bytes[j]), bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "'") {
                        return ParseError(line: line, message: "a table name must start with a letter, digit, '_', '-' or a quote")
                    }
                    // The rest of the header line holds no value: skip to its end.
                    while j < bytes.count && bytes[j] != UInt8(ascii: "\n") {
                        if bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") {
                            let quote = bytes[j]
                            j += 1
                            while j < bytes.count && bytes[j] != quote && bytes[j] != UInt8(ascii: "\n") {
                                if quote == UInt8(ascii: "\"") && bytes[j] == UInt8(ascii: "\\") { j += 1 }
                                j += 1
                            }
                        }
                        j += 1
                    }
                    i = j
                    continue
                }
            }
            atLineStart = false
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                atLineStart = true
                i += 1
            case UInt8(ascii: "#"):
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let triple = starts(byte == UInt8(ascii: "\"") ? "\"\"\"" : "'''", at: i)
                let close = triple ? (byte == UInt8(ascii: "\"") ? "\"\"\"" : "'''") : String(UnicodeScalar(byte))
                i += triple ? 3 : 1
                while i < bytes.count && !starts(close, at: i) {
                    if bytes[i] == UInt8(ascii: "\n") {
                        line += 1
                        if !triple { break }  // an unterminated string: toml++ reports it
                    }
                    if byte == UInt8(ascii: "\"") && bytes[i] == UInt8(ascii: "\\") {
                        i += 1
                        if i < bytes.count && bytes[i] == UInt8(ascii: "\n") { line += 1 }
                    }
                    i += 1
                }
                if i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += close.utf8.count }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                i += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                i += 1
            default:
                i += 1
            }
        }
        return nil
    }
}
