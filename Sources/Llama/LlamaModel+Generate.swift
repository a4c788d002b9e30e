import Tokenizer

/// Why generation stopped.
public enum StopReason: String, Sendable {
    /// The model produced an end-of-sequence token.
    case endOfSequence
    /// The requested number of tokens was generated.
    case tokenLimit
    /// The KV cache is full.
    case contextFull
    /// The caller's callback asked to stop.
    case cancelled
}

extension LlamaModel {
    /// Evaluates `prompt` after what the cache already holds, then samples up to
    /// `maxTokens` tokens (negative: until end of sequence or a full context). Each new token
    /// is passed to `onToken`, which returns false to stop. The end-of-sequence token is not
    /// passed on.
    @discardableResult
    public func generate(prompt: [Token], maxTokens: Int, sampler: inout Sampler, onToken: (Token) -> Bool) throws -> StopReason {
        for token in prompt { sampler.accept(token) }
        var logits = try evaluate(prompt, logits: .last)
        var produced = 0
        while maxTokens < 0 || produced < maxTokens {
            let token = sampler.sample(logits)
            sampler.accept(token)
            if tokenizer.isEndOfGeneration(token) { return .endOfSequence }
            produced += 1
            guard onToken(token) else { return .cancelled }
            if maxTokens >= 0 && produced >= maxTokens { break }
            guard position < contextLength else { return .contextFull }
            logits = try evaluate([token], logits: .last)
        }
        return .tokenLimit
    }
}
