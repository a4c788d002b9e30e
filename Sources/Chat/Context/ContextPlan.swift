import Tokenizer

/// What the model will see for one reply: the token ids, and which part is which.
public struct ContextPlan: Sendable, Equatable {
    /// One exchange as placed in the context.
    public struct Segment: Sendable, Equatable {
        /// Index of the exchange in the conversation (0 = first ever).
        public var exchange: Int
        /// Where its tokens sit in `tokens`.
        public var range: Range<Int>
    }

    /// Every token, in order: pinned system turn, live exchanges, the new user turn.
    public var tokens: [Token]
    /// Length of the pinned system turn at the front.
    public var pinnedCount: Int
    /// The live exchanges, oldest first.
    public var segments: [Segment]
    /// Where the new user turn (and assistant header) sits.
    public var openRange: Range<Int>
    /// Exchanges this plan evicted (in addition to those evicted before), oldest first.
    public var newlyEvicted: [Int]
}
