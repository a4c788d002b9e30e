/// A constraint a reply can be checked against mechanically.
public enum ConstraintRule: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Only emoji (and whitespace/punctuation between them).
    case emojiOnly
    /// Letters only from one script (Latin, Cyrillic …); other characters are free.
    case script(Script)
    /// At most this many words.
    case maxWords(Int)
    /// Three non-empty lines.
    case haiku

    /// Writing systems a language constraint can be checked by.
    public enum Script: String, Sendable, Codable, CaseIterable {
        case latin, cyrillic, greek, japanese, han, arabic
    }

    /// Parses "emoji", "haiku", "max-words:N", "script:NAME".
    public init?(argument: String) {
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("emoji", 1): self = .emojiOnly
        case ("haiku", 1): self = .haiku
        case ("max-words", 2):
            guard let n = Int(parts[1]), n > 0 else { return nil }
            self = .maxWords(n)
        case ("script", 2):
            guard let script = Script(rawValue: parts[1]) else { return nil }
            self = .script(script)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .emojiOnly: "emoji"
        case .script(let s): "script:\(s.rawValue)"
        case .maxWords(let n): "max-words:\(n)"
        case .haiku: "haiku"
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rule = ConstraintRule(argument: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown rule \(text)"))
        }
        self = rule
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
