/// What one reply cost, for tests, `/context` and `--log-context`.
public struct TurnStats: Sendable, Equatable, Codable {
    /// Prompt tokens computed fresh for this reply (not counting generated tokens).
    public var evaluated: Int = 0
    /// Prompt tokens reused from the KV cache.
    public var cacheHit: Int = 0
    /// Tokens in the context when generation started.
    public var contextTokens: Int = 0
    /// Tokens generated (of the accepted attempt).
    public var generated: Int = 0
    /// Exchanges evicted to make room for this reply.
    public var evictedExchanges: Int = 0
    /// Generation attempts (more than one when a constraint check asked for a retry).
    public var attempts: Int = 1
    /// Why generation stopped: "eos", "limit", "context-full", "interrupted".
    public var stop: String = ""

    public init() {}
}
