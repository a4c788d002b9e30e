import SafeText

/// The editing keys every text field shares (the input line, the picker's title field).
extension LineEditor {
    /// Applies an emacs-style editing key; false when `key` is not one. `singleLine` fields
    /// take pasted newlines as spaces. Pasted controls are dropped, tabs become spaces.
    public mutating func apply(_ key: KeyEvent, singleLine: Bool = false) -> Bool {
        switch key {
        case .left, .control("b"): moveLeft()
        case .right, .control("f"): moveRight()
        case .control("a"): moveToLineStart()
        case .control("e"): moveToLineEnd()
        case .control("k"): killToLineEnd()
        case .control("u"): killToLineStart()
        case .control("w"): killWordBackward()
        case .control("y"): yank()
        case .alt("b"): moveWordLeft()
        case .alt("f"): moveWordRight()
        case .backspace: backspace()
        case .delete: deleteForward()
        case .character(let c): insert(String(c))
        case .paste(let text):
            let clean = Self.cleanPaste(text)
            insert(singleLine ? clean.replacingOccurrences(of: "\n", with: " ") : clean)
        default: return false
        }
        return true
    }

    /// Pasted text keeps its newlines; other controls would corrupt the line.
    static func cleanPaste(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            if scalar == "\n" { return scalar }
            if scalar == "\t" { return " " }
            return SafeText.isUnsafe(scalar) ? nil : scalar
        }))
    }
}
