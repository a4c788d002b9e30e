import Tokenizer

/// Turns template parts into token ids with one tokenizer.
///
/// Text is tokenized as plain text (no special-token parsing), special tokens are looked up
/// as ids. A special token the vocabulary lacks (ChatML markers in a Llama 2 vocabulary, say)
/// falls back to its text and is reported once in `warnings`.
public struct TemplateRenderer {
    public let tokenizer: Tokenizer
    public let template: any ChatTemplate
    /// Problems met while rendering, such as special tokens missing from the vocabulary.
    public private(set) var warnings: [String] = []

    public init(tokenizer: Tokenizer, template: any ChatTemplate) {
        self.tokenizer = tokenizer
        self.template = template
        for piece in template.stopPieces + Self.specials(in: template) where tokenizer.token(forPiece: piece) == nil {
            let message = "template \(template.name.rawValue): the vocabulary has no \(piece) token; it is written as text"
            if !warnings.contains(message) { warnings.append(message) }
        }
    }

    /// The token ids that end a reply: the vocabulary's end-of-generation tokens and the
    /// template's stop tokens the vocabulary has.
    public var stopTokens: Set<Token> {
        // Every token the vocabulary marks as ending a turn (llama.cpp's EOG set), EOS included.
        var stops = tokenizer.endOfGenerationTokens
        stops.insert(tokenizer.eos)
        for piece in template.stopPieces { if let id = tokenizer.token(forPiece: piece) { stops.insert(id) } }
        return stops
    }

    /// Renders `parts`. When `anchor` is given (the text right before these parts, with no
    /// special token between), the first text is tokenized as its continuation, so a segment
    /// boundary inside one block of text tokenizes as the whole block would.
    public func tokens(for parts: [TemplatePart], continuing anchor: String? = nil) -> [Token] {
        var output: [Token] = []
        var text = ""
        var pendingAnchor = anchor
        func flush() {
            guard !text.isEmpty else { pendingAnchor = nil; return }
            output += encodeText(text, anchor: pendingAnchor)
            text = ""
            pendingAnchor = nil
        }
        for part in parts {
            switch part {
            case .text(let t): text += t
            case .bos: flush(); output.append(tokenizer.bos)
            case .eos: flush(); output.append(tokenizer.eos)
            case .special(let piece):
                if let id = tokenizer.token(forPiece: piece) {
                    flush()
                    output.append(id)
                } else {
                    text += piece
                }
            }
        }
        flush()
        return output
    }

    /// The trailing run of text of `parts` (what a following segment continues), or nil if
    /// they end with a token id.
    public func trailingText(of parts: [TemplatePart]) -> String? {
        var tail = ""
        for part in parts.reversed() {
            switch part {
            case .text(let t): tail = t + tail
            case .special(let piece) where tokenizer.token(forPiece: piece) == nil: tail = piece + tail
            default: return tail.isEmpty ? nil : tail
            }
        }
        return tail.isEmpty ? nil : tail
    }

    private func encodeText(_ text: String, anchor: String?) -> [Token] {
        if let anchor, !anchor.isEmpty {
            let head = tokenizer.encode(anchor, addBOS: false, addEOS: false)
            let whole = tokenizer.encode(anchor + text, addBOS: false, addEOS: false)
            // Only valid if the anchor's tokens are untouched by what follows; otherwise the
            // boundary would move into text that is already in the cache.
            if whole.count >= head.count, Array(whole[..<head.count]) == head {
                return Array(whole[head.count...])
            }
        }
        return tokenizer.encode(text, addBOS: false, addEOS: false)
    }

    private static func specials(in template: any ChatTemplate) -> [String] {
        let sample = template.systemParts(system: "s") + template.userParts("u", followsSystem: false, hasSystem: true) + template.replyEndParts
        var seen: [String] = []
        for case .special(let piece) in sample where !seen.contains(piece) { seen.append(piece) }
        return seen
    }
}
