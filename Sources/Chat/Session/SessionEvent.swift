/// Things a front end should show that are not reply text.
public enum SessionEvent: Sendable, Equatable {
    /// Something went wrong but the chat goes on (storage lost, a template token missing …).
    case warning(String)
    /// Exchanges were evicted to make room for the next reply.
    case evicted(exchanges: Int, totalEvicted: Int)
    /// The next turn is expected to evict the oldest exchange.
    case evictionAhead
    /// A reply broke a rule and is being generated again.
    case regenerating(attempt: Int, reason: String)
    /// The system message changed; it applies from the next reply.
    case systemChanged(version: Int)
    /// The prompt of a reply is in the context: `pinned` system-turn tokens of `tokens` in all.
    case promptPlaced(pinned: Int, tokens: Int)
    /// A reply stopped because the context of `contextLength` positions was full.
    case contextFull(contextLength: Int)
}

extension SessionEvent {
    /// The line both front ends show for this event, or nil for events they render their own
    /// way (a system change is a marker in the full screen, a prompt placement a bar).
    public var notice: String? {
        switch self {
        case .warning(let text): return "warning: \(text)"
        case .evicted(let exchanges, let total):
            return "evicted the \(exchanges) oldest exchange\(exchanges == 1 ? "" : "s") to make room (\(total) in all); the system message stays pinned"
        case .evictionAhead: return "the context is nearly full: the next turn will evict the oldest exchange"
        case .regenerating(let attempt, let reason): return "the reply broke a rule (\(reason)); regenerating (retry \(attempt))"
        case .contextFull(let length):
            return "the reply stopped: the \(length)-token context is full (the next message evicts the oldest exchanges)"
        case .systemChanged, .promptPlaced: return nil
        }
    }
}
