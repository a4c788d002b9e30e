/// Terminal column widths computed from Unicode properties, not `wcwidth`: glibc's tables
/// lag behind emoji and get ZWJ sequences and variation selectors wrong.
public enum DisplayWidth {
    /// `text` if it fits in `width` columns, else its first `width - 1` columns (room for a
    /// marker such as "…" or "→") and true.
    public static func clip(_ text: String, to width: Int) -> (text: String, cut: Bool) {
        guard of(text) > width else { return (text, false) }
        var kept = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            kept.append(character)
            used += w
        }
        return (kept, true)
    }

    /// Columns one grapheme cluster occupies: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.isASCII, scalars.count == 1 { return first.value >= 0x20 && first.value != 0x7F ? 1 : 0 }
        if scalars.count > 1 {
            // VS16 asks for emoji presentation; VS15 for text presentation.
            if scalars.contains("\u{FE0F}") { return 2 }
            if scalars.contains("\u{FE0E}") { return 1 }
            // Flags (two regional indicators) and ZWJ or skin-tone emoji sequences.
            if isRegionalIndicator(first) { return 2 }
            if first.properties.isEmoji, scalars.contains(where: { $0 == "\u{200D}" || $0.properties.isEmojiModifier }) {
                return 2
            }
        }
        return width(of: first)
    }

    /// Width of a lone scalar (the base of a cluster; marks that follow it add nothing).
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0x1160...0x11FF).contains(v) { return 0 }  // ZWSP, Hangul jungseong/jongseong
        if isRegionalIndicator(scalar) { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return isEastAsianWide(v) ? 2 : 1
    }

    /// Columns a whole string occupies.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    static func isRegionalIndicator(_ s: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(s.value) }

    /// East_Asian_Width W and F ranges (Unicode 15), which Swift does not expose.
    static func isEastAsianWide(_ v: UInt32) -> Bool {
        for range in wideRanges where range.contains(v) { return true }
        return false
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F2FF, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
        0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
