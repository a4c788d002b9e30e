/// A chat format: how the system turn and each exchange are laid out for the model.
///
/// A conversation renders as `systemParts` followed by one rendering per exchange, each being
/// `userParts` + the reply's tokens + `replyEndParts`. Splitting it this way is what lets the
/// context policy pin the system turn and evict whole exchanges while the rendering stays a
/// valid conversation in the format.
public protocol ChatTemplate: Sendable {
    /// The name used by `--template`.
    var name: TemplateName { get }

    /// The pinned system turn, including BOS when the format starts with one.
    func systemParts(system: String) -> [TemplatePart]

    /// The user's turn and the assistant header that the reply follows.
    ///
    /// `followsSystem` is true for the first exchange after the system turn (formats such as
    /// Llama 2 put the first user message inside the same `[INST]` block as the system text).
    func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart]

    /// What closes an assistant reply so the next exchange can follow.
    var replyEndParts: [TemplatePart] { get }

    /// Special tokens (besides EOS) at which generation stops.
    var stopPieces: [String] { get }

    /// Plain text at which a reply ends, for formats whose role markers are ordinary text
    /// (a model that writes the next "User:" itself has finished its turn). The text is
    /// not shown or stored.
    var stopTexts: [String] { get }
}

extension ChatTemplate {
    public var stopPieces: [String] { [] }
    public var stopTexts: [String] { [] }
}
