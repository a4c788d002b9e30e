import Foundation
import Tokenizer

/// Picks the next token from logits, applying llama.cpp's chain in its order:
/// repetition penalty → top-k → top-p → min-p → temperature → random draw
/// (or argmax after the penalty when the temperature is 0).
public struct Sampler: Sendable {
    public var settings: SamplerSettings
    private var rng: SplitMix64
    /// Recent tokens for the repetition penalty (oldest first).
    private var recent: [Token] = []
    private var candidates: [(token: Token, logit: Float)] = []

    public init(settings: SamplerSettings) {
        self.settings = settings
        self.rng = SplitMix64(seed: settings.seed)
    }

    /// Remembers `token` as generated or seen (for the repetition penalty).
    public mutating func accept(_ token: Token) {
        guard settings.repeatLastN > 0 else { return }
        recent.append(token)
        if recent.count > settings.repeatLastN { recent.removeFirst(recent.count - settings.repeatLastN) }
    }

    /// Chooses a token from `logits` (one per vocabulary entry).
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Token {
        let s = settings
        candidates.removeAll(keepingCapacity: true)
        candidates.reserveCapacity(logits.count)
        for (i, logit) in logits.enumerated() { candidates.append((Token(i), logit)) }

        if s.repeatPenalty != 1, !recent.isEmpty {
            for token in Set(recent) where Int(token) < candidates.count {
                let logit = candidates[Int(token)].logit
                candidates[Int(token)].logit = logit > 0 ? logit / s.repeatPenalty : logit * s.repeatPenalty
            }
        }

        if s.temperature <= 0 {
            var best = 0
            for i in 1..<candidates.count where candidates[i].logit > candidates[best].logit { best = i }
            return candidates[best].token
        }

        candidates.sort { $0.logit > $1.logit }
        if s.topK > 0, s.topK < candidates.count { candidates.removeSubrange(s.topK...) }

        if s.topP < 1 {
            let probabilities = Self.softmax(candidates.map(\.logit))
            var cumulative: Float = 0
            var keep = candidates.count
            for (i, p) in probabilities.enumerated() {
                cumulative += p
                if cumulative >= s.topP { keep = i + 1; break }
            }
            candidates.removeSubrange(max(1, keep)...)
        }

        if s.minP > 0, let top = candidates.first?.logit {
            let threshold = top + logf(s.minP)
            let keep = candidates.firstIndex { $0.logit < threshold } ?? candidates.count
            candidates.removeSubrange(max(1, keep)...)
        }

        // Relative to the top logit before dividing: a tiny temperature (1e-38) then gives
        // 0 and -inf, i.e. greedy, instead of inf - inf = NaN.
        let top = candidates[0].logit
        let probabilities = Self.softmax(candidates.map { ($0.logit - top) / s.temperature })
        let draw = rng.nextFloat()
        var cumulative: Float = 0
        for (i, p) in probabilities.enumerated() {
            cumulative += p
            if draw < cumulative { return candidates[i].token }
        }
        return candidates[candidates.count - 1].token
    }

    static func softmax(_ logits: [Float]) -> [Float] {
        guard let maxLogit = logits.max() else { return [] }
        let exps = logits.map { expf($0 - maxLogit) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// A small, fast, seedable generator so a seed reproduces a reply on every platform.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextFloat() -> Float {
        Float(next() >> 40) / Float(1 << 24)
    }
}
