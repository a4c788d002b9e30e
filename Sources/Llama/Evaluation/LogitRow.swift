import Foundation

/// Statistics of one row of logits, in double precision.
public struct LogitRow {
    public let logits: UnsafeBufferPointer<Float>
    /// log Σ exp(logit) over the whole vocabulary.
    public let logSumExp: Double
    /// The token with the highest logit (the first one on a tie).
    public let argmax: Int

    public init(_ logits: UnsafeBufferPointer<Float>) {
        self.logits = logits
        var best = 0
        var maxLogit = -Float.infinity
        for (i, v) in logits.enumerated() where v > maxLogit { maxLogit = v; best = i }
        var sum: Double = 0
        for v in logits { sum += exp(Double(v - maxLogit)) }
        logSumExp = Double(maxLogit) + log(sum)
        argmax = best
    }

    /// The standard deviation of the logits (over the vocabulary, population form).
    public var standardDeviation: Double {
        var sum: Double = 0, squares: Double = 0
        for v in logits { sum += Double(v); squares += Double(v) * Double(v) }
        let n = Double(logits.count)
        let mean = sum / n
        return sqrt(max(squares / n - mean * mean, 0))
    }

    /// The `k` highest logits and their ids, highest first (ids ascending on a tie).
    public func top(_ k: Int) -> [(id: Int32, logit: Float)] {
        var best: [(id: Int32, logit: Float)] = []
        best.reserveCapacity(k + 1)
        for (i, v) in logits.enumerated() where best.count < k || v > best[best.count - 1].logit {
            var slot = best.count
            while slot > 0 && best[slot - 1].logit < v { slot -= 1 }
            best.insert((Int32(i), v), at: slot)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
