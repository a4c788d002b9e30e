/// A snapshot of what the model sees, for `/context` and the TUI.
public struct ContextReport: Sendable, Equatable {
    public var contextLength: Int
    /// Tokens of the pinned system turn.
    public var pinnedTokens: Int
    /// Exchanges in the context and their token count.
    public var liveExchanges: Int
    public var liveTokens: Int
    /// Exchanges no longer in the context.
    public var evictedExchanges: Int
    /// Tokens in the KV cache now.
    public var cachedTokens: Int
    /// Positions not used by the system turn and live exchanges.
    public var freeTokens: Int
    /// Positions kept for each reply.
    public var reserve: Int
    /// Whether the next turn is expected to evict.
    public var evictionAhead: Bool

    /// A few lines for a terminal.
    public var summary: String {
        """
        context: \(contextLength) tokens; kept for the reply: \(reserve)
          pinned system turn: \(pinnedTokens) tokens
          live exchanges: \(liveExchanges) (\(liveTokens) tokens)
          evicted exchanges: \(evictedExchanges)
          in the KV cache: \(cachedTokens) tokens; free: \(freeTokens)\(evictionAhead ? "\n  the next turn will evict the oldest exchange" : "")
        """
    }
}
