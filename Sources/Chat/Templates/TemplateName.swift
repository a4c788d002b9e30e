/// The chat formats ghostchat knows: the model's own Jinja template, or a built-in one.
public enum TemplateName: String, CaseIterable, Codable, Sendable {
    /// The model's own `tokenizer.chat_template` (or a `--chat-template-file`), executed.
    case model
    case llama2
    case vicuna
    case chatml
    case llama3
    case mistral = "mistral-instruct"
    case zephyr
    case falcon = "falcon-instruct"
    case completion

    /// Accepts the canonical names and a few common spellings ("mistral", "mpt", "plain").
    public init?(argument: String) {
        let key = argument.lowercased()
        if let name = TemplateName(rawValue: key) { self = name; return }
        switch key {
        case "llama-2", "llama2-chat": self = .llama2
        case "mistral", "mistral-v1": self = .mistral
        case "mpt", "mpt-chat", "im_start": self = .chatml
        case "llama-3", "llama3-instruct": self = .llama3
        case "plain", "none", "raw": self = .completion
        case "jinja", "auto", "file": self = .model
        case "vicuna-1.1": self = .vicuna
        case "falcon": self = .falcon
        default: return nil
        }
    }

    /// The built-in implementation; nil for `.model`, whose layout is learned from the
    /// model's template (see `TemplateChoice`).
    public var builtin: (any ChatTemplate)? {
        switch self {
        case .model: nil
        case .llama2: Llama2Template()
        case .vicuna: VicunaTemplate()
        case .chatml: ChatMLTemplate()
        case .llama3: Llama3Template()
        case .mistral: MistralTemplate()
        case .zephyr: ZephyrTemplate()
        case .falcon: FalconInstructTemplate()
        case .completion: CompletionTemplate()
        }
    }
}
