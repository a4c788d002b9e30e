/// Sampling parameters, with llama.cpp's meanings and defaults.
public struct SamplerSettings: Sendable, Equatable, Codable {
    /// Temperature; 0 or less means greedy (argmax).
    public var temperature: Float = 0.8
    /// Keep only the k most likely tokens; 0 disables.
    public var topK: Int = 40
    /// Keep the smallest set of tokens whose probability adds up to p; 1 disables.
    public var topP: Float = 0.95
    /// Drop tokens less likely than minP × the most likely one's probability; 0 disables.
    public var minP: Float = 0.05
    /// Divide positive (multiply negative) logits of recently seen tokens; 1 disables.
    public var repeatPenalty: Float = 1.0
    /// How many recent tokens the repetition penalty looks at.
    public var repeatLastN: Int = 64
    /// Random seed; the same seed gives the same output.
    public var seed: UInt64 = 0

    public init() {}

    /// Checks ranges; returns a one-line problem description or nil.
    public func problem() -> String? {
        if !temperature.isFinite { return "temperature must be a finite number" }
        if topK < 0 { return "top-k must be 0 (off) or positive" }
        if !(0...1).contains(topP) { return "top-p must be between 0 and 1" }
        if !(0...1).contains(minP) { return "min-p must be between 0 and 1" }
        if !(repeatPenalty > 0) || !repeatPenalty.isFinite { return "repeat penalty must be positive" }
        if repeatLastN < 0 { return "repeat-last-n must be 0 or positive" }
        return nil
    }
}
