import Tokenizer

/// What the session manager needs from an inference engine: a KV cache it can append to and
/// cut back, and a sampler over the last logits.
///
/// The real engine is `LlamaModel` (adapter in the ChatLlama module); tests use a scripted
/// double. The session keeps its own copy of the cached token ids, so the engine only has to
/// be honest about `cachedCount`.
public protocol ChatEngine: AnyObject {
    var tokenizer: Tokenizer { get }
    /// Positions the KV cache holds.
    var contextLength: Int { get }
    /// Tokens in the KV cache now.
    var cachedCount: Int { get }
    /// Describes the model for transcripts.
    var modelInfo: ModelInfo { get }

    /// Forgets cached positions at or after `count`; may forget more (a sliding-window cache
    /// that no longer holds the window position `count` needs starts again), and `cachedCount`
    /// then says how many are kept.
    func truncate(to count: Int)
    /// Appends `tokens` to the cache; afterwards `sample()` draws from the last one's logits.
    func evaluate(_ tokens: [Token]) throws
    /// Starts a reply: a fresh sampler with `settings` and `seed`, which has seen `history`
    /// (the context, for the repetition penalty).
    func beginReply(settings: SamplingParameters, seed: UInt64, history: [Token])
    /// Draws the next token from the logits of the last evaluated token.
    func sample() -> Token
    /// The model's own Jinja chat template (`tokenizer.chat_template`), if it has one.
    var chatTemplate: String? { get }
}

extension ChatEngine {
    public var chatTemplate: String? { nil }
}
