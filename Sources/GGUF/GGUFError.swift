/// Why a GGUF file could not be read or written. `description` is one line naming the file.
public struct GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the error is about.
    public var path: String
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason` on one line: names and keys taken from a file may hold newlines or
    /// other control characters, which are shown escaped.
    public var description: String { "\(Self.oneLine(path)): \(Self.oneLine(reason))" }

    /// `text` with control characters, line and paragraph separators and invisible format
    /// characters (bidi overrides, zero-width marks) escaped (`\n`, `\u{1b}` …), so that names
    /// and keys taken from a file cannot break a message in two, disguise it, or drive the
    /// terminal it is shown on. With `escapingBackslashes` a backslash is doubled too, so the
    /// output reads back unambiguously (token pieces, where the exact characters matter).
    /// The one escaping function of the project; `TerminalSanitizer.escaped` is this.
    public static func oneLine(_ text: String, escapingBackslashes: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\" where escapingBackslashes: out += "\\\\"
            case _ where [.control, .format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A name or key taken from a file, quoted and shortened for an error message.
    static func quote(_ name: String, limit: Int = 100) -> String {
        name.utf8.count <= limit ? "'\(name)'" : "'\(name.prefix(limit / 2))…' (\(name.utf8.count) bytes)"
    }
}
