/// The one place that decides how untrusted text (model output, names and keys read from a
/// file, values from a transcript or a config, paths typed by the user) is written to a
/// terminal.
///
/// A model or a file can hold any bytes, including escape sequences that move the cursor,
/// retitle the window or write to the clipboard (OSC 52), C1 controls that some terminals obey
/// as CSI/OSC introducers, and bidirectional overrides that make text read differently from
/// what it is. None of them may reach the terminal as they are. There are two ways to show
/// them, for two kinds of output:
/// - ``shown(_:newlines:tabWidth:)`` for prose (replies, titles, prompts): every unsafe
///   character becomes a visible symbol (`␛`, `␇`, `␡`, `�`), so the reader sees that it was
///   there and the layout stays as the text meant it.
/// - ``quoted(_:escapingBackslashes:)`` for data inside a message (file names, keys, token
///   pieces, error lines): Swift-style escapes (`\n`, `\u{1b}`), so the message stays one line
///   and the exact characters can be read back.
public enum SafeText {
    /// The visible stand-in for ESC, so `\e[31m` shows as `␛[31m`.
    public static let escapePicture: Character = "\u{241B}"

    /// True for a character that must never be written to a terminal as it is: C0 controls
    /// other than newline and tab, DEL, C1 controls, and bidirectional overrides and isolates.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// True when ``shown(_:newlines:tabWidth:)`` with these options would change `scalar`.
    public static func needsReplacement(_ scalar: Unicode.Scalar, newlines: Bool = true, tabs: Bool = true) -> Bool {
        switch scalar {
        case "\n": return !newlines
        case "\t": return !tabs
        default: return isUnsafe(scalar)
        }
    }

    /// `text` with every unsafe character replaced by a visible symbol: ESC by `␛`, other C0
    /// controls by their Control Pictures symbol (U+2400 + code), DEL by `␡`, C1 controls and
    /// bidi overrides by U+FFFD.
    /// - Parameters:
    ///   - newlines: keep newlines (`\r\n` becomes `\n`); when false they show as `␤`, for
    ///     one-line widgets.
    ///   - tabWidth: when given, a tab becomes that many spaces (a screen whose cells are
    ///     counted cannot let the terminal move the cursor to the next tab stop); when nil
    ///     tabs pass through.
    public static func shown(_ text: String, newlines: Bool = true, tabWidth: Int? = nil) -> String {
        // Fast path: most text is printable.
        if !text.unicodeScalars.contains(where: { needsReplacement($0, newlines: newlines, tabs: tabWidth == nil) }) {
            return text
        }
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar.value {
            case 0x0A:
                if newlines {
                    // "\r\n" is one line break: take back the ␍ the CR was shown as.
                    if previous == "\r", out.last == "\u{240D}" { out.removeLast() }
                    out.append("\n")
                } else {
                    out.append("\u{2424}")
                }
            case 0x09:
                if let tabWidth {
                    out.append(contentsOf: String(repeating: " ", count: max(0, tabWidth)).unicodeScalars)
                } else {
                    out.append(scalar)
                }
            case 0x1B: out.append(escapePicture.unicodeScalars.first!)
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case _ where isUnsafe(scalar): out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// `text` on one line with control characters, line and paragraph separators and invisible
    /// format characters (bidi overrides, zero-width marks) written as escapes (`\n`, `\t`,
    /// `\u{1b}`), so that a name or value taken from input cannot break a message in two,
    /// disguise it, or drive the terminal. With `escapingBackslashes` a backslash is doubled
    /// too, so the output reads back unambiguously (token pieces, where the exact characters
    /// matter).
    public static func quoted(_ text: String, escapingBackslashes: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\" where escapingBackslashes: out += "\\\\"
            case _ where isHidden(scalar):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        if isUnsafe(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
