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
    public static func resolve(_ name: TemplateName, source: String?, origin: String, tokenizer: Tokenizer,
                               architecture: String? = nil) -> Resolved {
        if let builtin = name.builtin { return Resolved(name: name, template: builtin, warnings: [], fallback: nil, label: name.rawValue) }
        let detected = TemplateDetection.detect(source, architecture: architecture)
        func fallback(_ problem: String) -> Resolved {
            let chosen = detected.name
            return Resolved(name: name, template: chosen.builtin ?? Llama2Template(),
                            warnings: ["\(problem); using the built-in \(chosen.rawValue) format (choose another with --template)"],
                            fallback: chosen, label: chosen.rawValue)
        }
        guard let source, !source.isEmpty else {
            let family = TemplateDetection.familyFormat(architecture) != nil ? " (a \(architecture!) model)" : ""
            return fallback("the model has no chat template\(family)")
        }
        do {
            let renderer = try JinjaConversationRenderer(source: source, name: origin, tokenizer: tokenizer)
            let template = try DerivedChatTemplate(renderer: renderer, addBOS: tokenizer.addBOS) {
                templateParts(of: $0, tokenizer: tokenizer)
            }
            return Resolved(name: name, template: template, warnings: [], fallback: nil, label: "\(detected.name.rawValue) (jinja)")
        } catch {
            return fallback("\(error)")
        }
    }
}

/// Template text as parts, split exactly as llama.cpp tokenizes a rendered prompt with
/// `parse_special`: the vocabulary's special tokens become `.special` (BOS and EOS as
/// `.bos`/`.eos`), the rest stays text. Only template text goes through here, never a message.
func templateParts(of text: String, tokenizer: Tokenizer) -> [TemplatePart] {
    tokenizer.splitSpecial(text).map { fragment in
        switch fragment {
        case .text(let text): return .text(text)
        case .token(let token):
            return token == tokenizer.bos ? .bos : token == tokenizer.eos ? .eos : .special(tokenizer.piece(token))
        }
    }
}
