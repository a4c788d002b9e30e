/// One stretch of a rendered conversation: text the template wrote, or text that came from a
/// message (which must never be read as special tokens).
public struct RenderedRun: Sendable, Equatable {
    public var text: String
    /// True when the text came from a message's content.
    public var isMessage: Bool

    public init(_ text: String, isMessage: Bool) {
        self.text = text
        self.isMessage = isMessage
    }
}

/// A message handed to a conversation renderer.
public struct RenderMessage: Sendable, Equatable {
    public var role: ChatRole
    public var content: String

    public init(_ role: ChatRole, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Renders whole conversations the way a model's own chat template does (the Jinja
/// interpreter in production, plain closures in tests).
public protocol ConversationRenderer {
    /// Names the template in messages ("the model's template", a file name …).
    var templateName: String { get }
    /// The rendering of `messages`, ending with the assistant header when
    /// `addGenerationPrompt` is true.
    func render(_ messages: [RenderMessage], addGenerationPrompt: Bool) throws -> [RenderedRun]
}

extension Array where Element == RenderedRun {
    /// The runs' text joined.
    public var text: String { map(\.text).joined() }
}
