import Foundation
import Tokenizer

/// How far one model's logits are from a base's (`TopLogitsFile`), position by position: the
/// measures llama.cpp's `perplexity --kl-divergence` reports, computed over the base's top k.
///
/// - KL divergence per position over the base's top-k tokens plus one bucket for the rest of
///   the vocabulary: a lower bound of the full KLD, equal to it when the top k hold all the mass.
/// - Same top token: this row's argmax equals the base's top-1; also counted over the "clear"
///   positions only, where the base's margin (top-1 minus top-2 logit) is at least
///   `clearMargin` of its logits' standard deviation: elsewhere two correct implementations
///   may legitimately pick different tokens.
/// - Perplexity of both, from log-sum-exp minus the next token's logit.
///
/// `tools/exact/topk_file.py` computes the same numbers in Python (for llama.cpp).
public struct LogitDistance: Sendable {
    public static let clearMargin = 0.15

    /// The measures over all positions seen so far. Snake-case keys, as the Python tool writes them.
    public struct Summary: Codable, Sendable, Equatable {
        public var positions: Int
        public var pplBase: Double
        public var ppl: Double
        public var kldMean: Double
        public var kldP99: Double
        public var kldMax: Double
        public var sameTop: Int
        public var clear: Int
        public var clearSameTop: Int
        /// Standard error of ln(ppl / ppl_base), from the spread of the per-position differences
        /// of negative log-likelihood (llama.cpp prints the same "±").
        public var lnPerplexityRatioError: Double?
        /// Standard error of the mean KLD.
        public var kldMeanError: Double?
        /// Which build or kernel path produced the logits (informational).
        public var build: String?

        enum CodingKeys: String, CodingKey {
            case positions, ppl, build
            case pplBase = "ppl_base", kldMean = "kld_mean", kldP99 = "kld_p99", kldMax = "kld_max"
            case sameTop = "same_top", clear, clearSameTop = "clear_same_top"
            case lnPerplexityRatioError = "ln_ppl_ratio_se", kldMeanError = "kld_mean_se"
        }

        /// |ln(ppl / ppl_base)|: how far the perplexity is from the base's, as a fraction.
        public var lnPerplexityRatio: Double { abs(log(ppl / pplBase)) }
    }

    private var klds: [Double] = []
    private var nll: Double = 0
    private var baseNLL: Double = 0
    /// Σ (nll − base nll)², for the standard error of the perplexity ratio.
    private var squaredNLLDifference: Double = 0
    private var sameTop = 0
    private var clear = 0
    private var clearSameTop = 0

    public init() {}

    /// Adds one position: the base's record and this model's full row of logits there.
    public mutating func add(base: TopLogitsFile.Record, row: UnsafeBufferPointer<Float>, target: Token) {
        let stats = LogitRow(row)
        let mine = stats.logSumExp - Double(row[Int(target)])
        let theirs = Double(base.logSumExp) - Double(base.targetLogit)
        nll += mine
        baseNLL += theirs
        squaredNLLDifference += (mine - theirs) * (mine - theirs)
        var kld = 0.0, massP = 0.0, massQ = 0.0
        for (id, logit) in zip(base.ids, base.logits) {
            let logP = Double(logit) - Double(base.logSumExp)
            let logQ = Double(row[Int(id)]) - stats.logSumExp
            let p = exp(logP)
            kld += p * (logP - logQ)
            massP += p
            massQ += exp(logQ)
        }
        let restP = 1 - massP, restQ = max(1 - massQ, 1e-30)
        if restP > 1e-12 { kld += restP * (log(restP) - log(restQ)) }
        klds.append(kld)
        let equal = base.ids.first.map { Int($0) == stats.argmax } ?? false
        if equal { sameTop += 1 }
        if base.margin >= Self.clearMargin {
            clear += 1
            if equal { clearSameTop += 1 }
        }
    }

    public var summary: Summary {
        let sorted = klds.sorted()
        let n = sorted.count
        let count = Double(max(n, 1))
        let p99 = n == 0 ? 0 : sorted[min(n - 1, Int((0.99 * Double(n)).rounded(.up)) - 1)]
        let kldMean = sorted.reduce(0, +) / count
        let meanDifference = (nll - baseNLL) / count
        func standardError(meanOfSquares: Double, mean: Double) -> Double {
            n < 2 ? 0 : sqrt(max(meanOfSquares - mean * mean, 0) * count / (count - 1) / count)
        }
        return Summary(positions: n, pplBase: exp(baseNLL / count), ppl: exp(nll / count),
                       kldMean: kldMean, kldP99: p99, kldMax: sorted.last ?? 0,
                       sameTop: sameTop, clear: clear, clearSameTop: clearSameTop,
                       lnPerplexityRatioError: standardError(meanOfSquares: squaredNLLDifference / count, mean: meanDifference),
                       kldMeanError: standardError(meanOfSquares: sorted.reduce(0) { $0 + $1 * $1 } / count, mean: kldMean))
    }
}
