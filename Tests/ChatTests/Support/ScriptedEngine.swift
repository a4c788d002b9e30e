import Chat
import Tokenizer

/// A test double for the engine: no model, no I/O. It keeps a list as its "KV cache",
/// records every evaluation, and "samples" a token that depends only on the seed and the
/// cached tokens, so equal contexts give equal replies, as with a real model.
final class ScriptedEngine: ChatEngine {
    let tokenizer: Tokenizer
    let contextLength: Int
    let modelInfo = ModelInfo(fileName: "scripted.gguf", path: "/nonexistent/scripted.gguf", fileSize: 1, headerHash: "0000000000000000")
    private(set) var cache: [Token] = []
    /// Every `evaluate` call's tokens, in order.
    private(set) var evaluations: [[Token]] = []
    /// Tokens a reply is drawn from.
    var vocabulary: [Token]
    /// Replies end (EOS) after this many tokens; nil = never by themselves.
    var replyLength: Int?
    private var seed: UInt64 = 0
    private var produced = 0

    init(tokenizer: Tokenizer, contextLength: Int, words: String = "the cat sat on a warm mat and looked at the moon", replyLength: Int? = 6) {
        self.tokenizer = tokenizer
        self.contextLength = contextLength
        self.vocabulary = tokenizer.encode(words, addBOS: false, addEOS: false)
        self.replyLength = replyLength
    }

    var cachedCount: Int { cache.count }

    /// Like a sliding-window cache: cutting back more than this many positions forgets
    /// everything; nil = any cut keeps what it can.
    var rewindLimit: Int?

    func truncate(to count: Int) {
        guard count < cache.count else { return }
        if let rewindLimit, cache.count - count > rewindLimit {
            cache = []
        } else {
            cache.removeSubrange(count...)
        }
    }

    func evaluate(_ tokens: [Token]) throws {
        guard cache.count + tokens.count <= contextLength else {
            throw ChatError("scripted engine: context overflow \(cache.count) + \(tokens.count) > \(contextLength)")
        }
        cache += tokens
        evaluations.append(tokens)
    }

    func beginReply(settings: SamplingParameters, seed: UInt64, history: [Token]) {
        self.seed = seed
        produced = 0
    }

    /// When set, every reply is these tokens (then EOS), whatever the context.
    var scriptedReply: [Token]?

    func sample() -> Token {
        defer { produced += 1 }
        if let scriptedReply { return produced < scriptedReply.count ? scriptedReply[produced] : tokenizer.eos }
        if let replyLength, produced >= replyLength { return tokenizer.eos }
        var h = seed ^ 0xCBF2_9CE4_8422_2325
        for token in cache { h = (h ^ UInt64(UInt32(bitPattern: token))) &* 0x100_0000_01B3 }
        return vocabulary[Int(h % UInt64(vocabulary.count))]
    }

    func resetLog() { evaluations.removeAll() }
}
