/// One item in the conversation pane.
public struct TranscriptEntry: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case user, assistant
        /// The system prompt was set or changed.
        case systemPrompt
        case notice, error
    }

    public var kind: Kind
    public var text: String
    /// Out of the model's context now (still stored; drawn greyed).
    public var evicted: Bool
    /// The user stopped this reply; the text is what was written until then.
    public var interrupted: Bool

    public init(kind: Kind, text: String, evicted: Bool = false, interrupted: Bool = false) {
        self.kind = kind
        self.text = text
        self.evicted = evicted
        self.interrupted = interrupted
    }
}
