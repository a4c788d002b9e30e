import GGUF

/// Makes model output safe to print on a terminal.
///
/// A model can emit any bytes, including escape sequences that move the cursor, retitle the
/// window or write to the clipboard (OSC 52). Nothing it produces may reach the terminal as a
/// control character: ESC becomes "␛", other C0 controls their Control Pictures symbol
/// (U+2400 + code), DEL "␡", and C1 controls (U+0080–U+009F, which some terminals obey as
/// CSI/OSC introducers) U+FFFD. Newline and tab pass through, since they are how text is laid out.
public enum TerminalSanitizer {
    /// Returns `text` with every control character replaced by a visible stand-in.
    public static func sanitize(_ text: String) -> String {
        var needsWork = false
        for scalar in text.unicodeScalars where isUnsafe(scalar) { needsWork = true; break }
        guard needsWork else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            output.append(isUnsafe(scalar) ? replacement(for: scalar) : scalar)
        }
        return String(output)
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        // Bidirectional overrides can make printed text read differently from what it is.
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func replacement(for scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x1B: return "\u{241B}"
        case 0x00...0x1F: return Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: return "\u{2421}"
        default: return "\u{FFFD}"
        }
    }

    /// `text` as data: every control character, line or paragraph separator and invisible
    /// format character written as a Swift-style escape (`\n`, `\t`, `\u{1b}`), backslashes
    /// doubled. For output where the exact characters matter (token pieces), not prose.
    public static func escaped(_ text: String) -> String {
        GGUFError.oneLine(text, escapingBackslashes: true)
    }
}
