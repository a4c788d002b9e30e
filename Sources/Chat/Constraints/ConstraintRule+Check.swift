extension ConstraintRule {
    /// Whether `reply` keeps the rule; nil if it does, else a short reason.
    public func violation(in reply: String) -> String? {
        switch self {
        case .emojiOnly:
            let offending = reply.unicodeScalars.filter { scalar in
                !(scalar.properties.isEmojiPresentation || scalar.properties.isEmoji && scalar.value > 0xFF
                  || scalar.properties.isWhitespace || scalar.properties.generalCategory.isPunctuationOrJoiner)
            }
            if reply.allSatisfy(\.isWhitespace) { return "empty reply" }
            return offending.isEmpty ? nil : "\(offending.count) non-emoji characters"
        case .script(let script):
            let letters = reply.unicodeScalars.filter { $0.properties.isAlphabetic }
            let foreign = letters.filter { !Self.belongs($0, to: script) }
            if letters.isEmpty { return "no letters" }
            return foreign.isEmpty ? nil : "\(foreign.count) letters outside the \(script.rawValue) script"
        case .maxWords(let n):
            let words = reply.split(whereSeparator: { $0.isWhitespace }).count
            return words <= n ? nil : "\(words) words (at most \(n))"
        case .haiku:
            let lines = reply.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
            return lines.count == 3 ? nil : "\(lines.count) lines (a haiku has 3)"
        }
    }

    static func belongs(_ scalar: Unicode.Scalar, to script: Script) -> Bool {
        let v = scalar.value
        switch script {
        case .latin: return v < 0x250 || (0x1E00...0x1EFF).contains(v)
        case .cyrillic: return (0x400...0x52F).contains(v)
        case .greek: return (0x370...0x3FF).contains(v) || (0x1F00...0x1FFF).contains(v)
        case .japanese: return (0x3040...0x30FF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xFF66...0xFF9F).contains(v)
        case .han: return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
        case .arabic: return (0x600...0x6FF).contains(v) || (0x750...0x77F).contains(v)
        }
    }
}

extension Unicode.GeneralCategory {
    var isPunctuationOrJoiner: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation, .format, .nonspacingMark, .enclosingMark:
            return true
        default: return false
        }
    }
}
