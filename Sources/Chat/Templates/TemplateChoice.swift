import Tokenizer

/// Picks the chat layout for a session: a built-in format by name, or the model's own Jinja
/// template (or one from `--chat-template-file`) executed and learned by rendering.
///
/// A template that fails to parse, raises, or cannot be split into a pinned system turn and
/// uniform exchanges never stops the chat: the built-in format that llama.cpp's substring
/// detection would pick takes its place, with a one-line warning naming the problem.
public enum TemplateChoice {
    /// The outcome: the layout to use and what to tell the user about it.
    public struct Resolved {
        /// What was asked for (`.model` even when a fallback is used, so a resumed chat tries again).
        public var name: TemplateName
        public var template: any ChatTemplate
        public var warnings: [String]
        /// The built-in format used instead of the model's template, if any.
        public var fallback: TemplateName?
        /// What the header shows: the format's family, and whether the model's Jinja runs.
        public var label: String
    }

    /// Resolves `name`. For `.model`, `source` is the Jinja text and `origin` names it in
    /// messages ("the model's template", a file name).
    public static func resolve(_ name: TemplateName, source: String?, origin: String, tokenizer: Tokenizer) -> Resolved {
        if let builtin = name.builtin { return Resolved(name: name, template: builtin, warnings: [], fallback: nil, label: name.rawValue) }
        let detected = TemplateDetection.detect(source)
        func fallback(_ problem: String) -> Resolved {
            let chosen = detected.name
            return Resolved(name: name, template: chosen.builtin ?? Llama2Template(),
                            warnings: ["\(problem); using the built-in \(chosen.rawValue) format (choose another with --template)"],
                            fallback: chosen, label: chosen.rawValue)
        }
        guard let source, !source.isEmpty else { return fallback("the model has no chat template") }
        do {
            let renderer = try JinjaConversationRenderer(source: source, name: origin, tokenizer: tokenizer)
            let splitter = SpecialSplit(tokenizer: tokenizer)
            let template = try DerivedChatTemplate(renderer: renderer, addBOS: tokenizer.addBOS, split: splitter.parts)
            return Resolved(name: name, template: template, warnings: [], fallback: nil, label: "\(detected.name.rawValue) (jinja)")
        } catch {
            return fallback("\(error)")
        }
    }
}

/// Template text as parts: the vocabulary's control tokens become `.special` (BOS and EOS as
/// `.bos`/`.eos`), longest match first, the rest stays text. Only template text goes through
/// here, never a message.
struct SpecialSplit {
    /// Control-token pieces by first byte, longest first.
    private let pieces: [UInt8: [(bytes: [UInt8], token: Token)]]
    private let tokenizer: Tokenizer

    init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        var table: [UInt8: [(bytes: [UInt8], token: Token)]] = [:]
        for id in 0..<tokenizer.vocabularySize {
            let token = Token(id)
            guard tokenizer.isControl(token) else { continue }
            let bytes = Array(tokenizer.piece(token).utf8)
            guard let first = bytes.first else { continue }
            table[first, default: []].append((bytes, token))
        }
        for key in table.keys { table[key]!.sort { $0.bytes.count > $1.bytes.count } }
        pieces = table
    }

    func parts(of text: String) -> [TemplatePart] {
        let bytes = Array(text.utf8)
        var parts: [TemplatePart] = []
        var pending: [UInt8] = []
        var i = 0
        func flush() {
            if !pending.isEmpty { parts.append(.text(String(decoding: pending, as: UTF8.self))); pending = [] }
        }
        outer: while i < bytes.count {
            if let candidates = pieces[bytes[i]] {
                for candidate in candidates where i + candidate.bytes.count <= bytes.count
                    && bytes[i..<(i + candidate.bytes.count)].elementsEqual(candidate.bytes) {
                    flush()
                    let token = candidate.token
                    parts.append(token == tokenizer.bos ? .bos : token == tokenizer.eos ? .eos : .special(tokenizer.piece(token)))
                    i += candidate.bytes.count
                    continue outer
                }
            }
            pending.append(bytes[i])
            i += 1
        }
        flush()
        return parts
    }
}
