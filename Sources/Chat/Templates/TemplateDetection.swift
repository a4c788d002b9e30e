/// Picks a format from a GGUF `tokenizer.chat_template` the way llama.cpp does: by
/// characteristic substrings, since the Jinja source itself is not run.
public enum TemplateDetection {
    /// The outcome of a detection: a template, and a warning when it fell back.
    public struct Result: Sendable {
        public var name: TemplateName
        public var warning: String?
    }

    /// Detects the format of `jinja`; nil or unrecognized falls back with a warning to the
    /// format the model's family was tuned with (Falcon-Instruct for `falcon`, ChatML for
    /// `mpt`, whose chat models predate templates in model files), else llama2.
    public static func detect(_ jinja: String?, architecture: String? = nil) -> Result {
        guard let jinja, !jinja.isEmpty else {
            let family = familyFormat(architecture)
            let why = family == nil ? "" : " for a \(architecture!) model"
            let name = family ?? .llama2
            return Result(name: name, warning: "the model has no chat template; using \(name.rawValue)\(why) (choose another with --template)")
        }
        if let name = name(for: jinja) { return Result(name: name, warning: nil) }
        return Result(name: .llama2, warning: "unrecognized chat template in the model; using llama2 (choose another with --template)")
    }

    /// The chat format of a family whose files usually carry no template.
    static func familyFormat(_ architecture: String?) -> TemplateName? {
        switch architecture {
        case "falcon": .falcon
        case "mpt": .chatml
        default: nil
        }
    }

    /// The format the substrings identify, or nil. Order matters: more specific markers first.
    static func name(for t: String) -> TemplateName? {
        if t.contains("<|im_start|>") { return .chatml }
        if t.contains("<|start_header_id|>") && t.contains("<|eot_id|>") { return .llama3 }
        if t.contains("<|assistant|>") && t.contains("<|user|>") && t.contains("</s>") { return .zephyr }
        if t.contains("[INST]") {
            // Llama 2 has a system slot written as <<SYS>>; Mistral's instruct format has none.
            return t.contains("<<SYS>>") ? .llama2 : .mistral
        }
        if t.contains("USER: ") && t.contains("ASSISTANT:") { return .vicuna }
        return nil
    }
}
