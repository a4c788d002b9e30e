/// Settings a new chat starts with.
public struct SessionOptions: Sendable {
    public var template: TemplateName
    /// Jinja source from `--chat-template-file`; nil: the model's own (for `.model`).
    public var templateSource: String?
    public var system: SystemPrompt
    public var sampling: SamplingParameters
    /// Longest reply in tokens; negative: until the model stops or the context is full.
    public var maxReplyTokens: Int
    public var reinforceSystem: Bool
    public var checkReplies: Bool
    public var checkRetries: Int

    public init(template: TemplateName = .model, templateSource: String? = nil, system: SystemPrompt = SystemPrompt(), sampling: SamplingParameters = SamplingParameters(),
                maxReplyTokens: Int = -1, reinforceSystem: Bool = false, checkReplies: Bool = false, checkRetries: Int = 2) {
        self.template = template
        self.templateSource = templateSource
        self.system = system
        self.sampling = sampling
        self.maxReplyTokens = maxReplyTokens
        self.reinforceSystem = reinforceSystem
        self.checkReplies = checkReplies
        self.checkRetries = checkRetries
    }
}
