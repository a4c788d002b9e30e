/// Makes untrusted text (model output, pasted text, file names) safe to draw: nothing in it
/// can reach the terminal as a control sequence. Controls are shown, not dropped, so a user
/// can see that the model emitted them.
public enum TerminalSafeText {
    /// The visible stand-in for ESC, so `\e[31m` shows as `␛[31m`.
    public static let escapePicture: Character = "\u{241B}"

    /// Returns `text` with every C0/C1 control, DEL and bidi override replaced by a visible
    /// symbol. Newlines survive (the caller wraps on them); `\r\n` becomes `\n`; tabs become
    /// `tabWidth` spaces because a raw tab would move the terminal cursor behind our back.
    public static func sanitize(_ text: String, keepNewlines: Bool = true, tabWidth: Int = 4) -> String {
        // Fast path: most tokens are plain printable text.
        if !text.unicodeScalars.contains(where: needsReplacement) { return text }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar.value {
            case 0x0A:
                if previousWasCR, keepNewlines {
                    // "\r\n": the CR was held back as ␍; take it back out.
                    if out.last == "\u{240D}" { out.removeLast() }
                }
                if keepNewlines { out.append("\n") } else { out.append("\u{2424}") }
            case 0x09:
                out.append(contentsOf: String(repeating: " ", count: max(0, tabWidth)).unicodeScalars)
            case 0x1B:
                out.append(escapePicture.unicodeScalars.first!)
            case 0x00...0x1F:
                // U+2400 block: ␀ ␁ … ␟ in code order.
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// True when `scalar` would be rewritten by `sanitize`.
    public static func needsReplacement(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
