import Foundation
import Tokenizer

/// One entry of a chat's transcript: a message, or a change of the system message.
public struct TranscriptMessage: Sendable, Equatable, Codable {
    /// Whether an entry is a message or an event.
    public enum Kind: String, Sendable, Codable {
        case message
        /// The system message changed (`/system`, `/preset`); takes effect from the next reply.
        case systemChange = "system-change"
    }

    /// Outcome of checking a reply against the system message's rules.
    public struct CheckOutcome: Sendable, Equatable, Codable {
        public var rules: [ConstraintRule]
        /// One entry per attempt: nil if it kept every rule, else why not.
        public var violations: [String?]
        public var passed: Bool { violations.last.map { $0 == nil } ?? true }
    }

    public var role: ChatRole
    public var content: String
    public var kind: Kind = .message
    public var createdAt: Date
    public var finishedAt: Date?
    /// Which system message was in force (1 = the first).
    public var systemVersion: Int
    /// System entries: the presets it was built from and its terse form and rules.
    public var system: SystemPrompt?
    /// Assistant entries: the reply's token ids exactly as generated, so that a resumed chat
    /// renders (and caches) the same tokens.
    public var tokens: [Token]?
    /// Tokens of the content (for user messages, as plain text).
    public var tokenCount: Int = 0
    /// No longer in the model's context.
    public var evicted: Bool = false
    /// A reply stopped by the user before it ended.
    public var interrupted: Bool = false
    /// A user message that was never sent to the model (too long for the context).
    public var excluded: Bool = false
    /// Taken back with /undo or /retry: kept for the record, never shown to the model again.
    /// Optional so transcripts written before it existed still load.
    public var withdrawn: Bool?
    /// Assistant entries: the seed of the accepted attempt.
    public var seed: UInt64?
    public var check: CheckOutcome?
    public var stats: TurnStats?

    /// True when /undo or /retry took this entry back.
    public var isWithdrawn: Bool { withdrawn ?? false }

    public init(role: ChatRole, content: String, createdAt: Date = TranscriptDates.now(), systemVersion: Int) {
        self.role = role
        self.content = content
        self.createdAt = createdAt
        self.systemVersion = systemVersion
    }
}
