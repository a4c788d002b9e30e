import Foundation

/// Everything about a chat besides its messages: what it needs to continue exactly.
public struct SessionMetadata: Sendable, Equatable, Codable {
    public var format = "ghostchat-transcript"
    public var version = 1
    /// Stable id (a UUID), the key in the database and for `--resume`.
    public var id: String
    public var createdAt: Date
    public var updatedAt: Date
    public var model: ModelInfo?
    public var template: TemplateName
    /// Jinja source given with `--chat-template-file`, kept so a resumed chat renders alike;
    /// nil: the model's own template (read from the model file again).
    public var templateSource: String?
    public var sampling: SamplingParameters
    public var contextLength: Int
    /// Longest reply in tokens; negative means until the model stops or the context is full.
    public var maxReplyTokens: Int
    public var reinforceSystem: Bool
    public var checkReplies: Bool
    /// How many times a reply breaking a rule is regenerated.
    public var checkRetries: Int
    /// The title the user gave the chat (`/sessions rename`); nil: listings show the start of
    /// the first message.
    public var title: String?

    public init(id: String = UUID().uuidString.lowercased(), createdAt: Date = TranscriptDates.now(), model: ModelInfo?, template: TemplateName,
                sampling: SamplingParameters, contextLength: Int, maxReplyTokens: Int,
                reinforceSystem: Bool = false, checkReplies: Bool = false, checkRetries: Int = 2) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.model = model
        self.template = template
        self.sampling = sampling
        self.contextLength = contextLength
        self.maxReplyTokens = maxReplyTokens
        self.reinforceSystem = reinforceSystem
        self.checkReplies = checkReplies
        self.checkRetries = checkRetries
    }
}
