import Chat
import Llama
import Tokenizer

/// Puts a `LlamaModel` behind the session manager's engine protocol.
public final class LlamaChatEngine: ChatEngine {
    public let model: LlamaModel
    public let modelInfo: ModelInfo
    private var sampler = Sampler(settings: SamplerSettings())
    /// Logits of the last evaluated token; the model owns the memory, valid until the next
    /// evaluation, which is exactly how long the session needs them.
    private var logits: UnsafeBufferPointer<Float>?

    public init(model: LlamaModel) {
        self.model = model
        self.modelInfo = ModelInfo(gguf: model.file)
    }

    public var tokenizer: Tokenizer { model.tokenizer }
    public var chatTemplate: String? { model.file.string("tokenizer.chat_template") }
    public var contextLength: Int { model.contextLength }
    public var cachedCount: Int { model.position }

    public func truncate(to count: Int) {
        model.truncate(to: count)
        logits = nil
    }

    public func evaluate(_ tokens: [Token]) throws {
        guard !tokens.isEmpty else { return }
        logits = try model.evaluate(tokens, logits: .last)
    }

    public func beginReply(settings: SamplingParameters, seed: UInt64, history: [Token]) {
        sampler = Sampler(settings: SamplerSettings(settings, seed: seed))
        for token in history { sampler.accept(token) }
    }

    public func sample() -> Token {
        guard let logits, !logits.isEmpty else {
            // The session always evaluates before sampling; ending the reply is the safe answer.
            return model.tokenizer.eos
        }
        let token = sampler.sample(logits)
        sampler.accept(token)
        return token
    }
}

extension SamplerSettings {
    /// The engine's settings for the session's, with a per-reply seed.
    public init(_ p: SamplingParameters, seed: UInt64) {
        self.init()
        temperature = p.temperature
        topK = p.topK
        topP = p.topP
        minP = p.minP
        repeatPenalty = p.repeatPenalty
        repeatLastN = p.repeatLastN
        self.seed = seed
    }
}

extension SamplingParameters {
    /// The session's settings from the engine's (the seed becomes the chat's base seed).
    public init(_ s: SamplerSettings) {
        self.init()
        temperature = s.temperature
        topK = s.topK
        topP = s.topP
        minP = s.minP
        repeatPenalty = s.repeatPenalty
        repeatLastN = s.repeatLastN
        seed = s.seed
    }
}
