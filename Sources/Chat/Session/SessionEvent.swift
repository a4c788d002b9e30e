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
}
