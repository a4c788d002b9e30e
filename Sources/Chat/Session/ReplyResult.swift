/// The outcome of one reply.
public struct ReplyResult: Sendable, Equatable {
    /// The reply as decoded (not sanitized: front ends sanitize when they print).
    public var text: String
    public var stats: TurnStats
    public var interrupted: Bool
    public var check: TranscriptMessage.CheckOutcome?
}
