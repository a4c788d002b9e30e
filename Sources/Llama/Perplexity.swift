import Foundation
import Tokenizer

/// The result of a perplexity run.
public struct PerplexityResult: Sendable {
    public var chunks: Int
    public var tokens: Int
    public var scored: Int
    public var perplexity: Double
    /// Running perplexity after each chunk.
    public var perChunk: [Double]
}

extension LlamaModel {
    /// Perplexity of `text` the way llama.cpp measures it: tokenize with BOS, cut into
    /// chunks of `chunkLength` tokens each starting with BOS, evaluate each chunk from an
    /// empty cache, and score the second half of each chunk (positions n/2 … n−2)
    /// against the next token.
    public func perplexity(of text: String, chunkLength n: Int, progress: (Int, Int, Double) -> Void = { _, _, _ in }) throws -> PerplexityResult {
        guard n >= 4, n <= contextLength else {
            throw ModelError("perplexity context \(n) must be between 4 and the model's context \(contextLength)")
        }
        // As llama.cpp: BOS in front (and at each chunk start) only when the vocabulary asks for it.
        let tokens = tokenizer.encode(text)
        let chunkCount = tokens.count / n
        guard chunkCount > 0 else {
            throw ModelError("text has \(tokens.count) tokens; perplexity with -c \(n) needs at least \(n)")
        }
        let vocab = config.vocabularySize
        var nll: Double = 0
        var scored = 0
        var perChunk: [Double] = []
        for chunk in 0..<chunkCount {
            var input = Array(tokens[(chunk * n)..<((chunk + 1) * n)])
            if tokenizer.addBOS { input[0] = tokenizer.bos }
            reset()
            let logits = try evaluate(input, logits: .all)
            for j in (n / 2)..<(n - 1) {
                let row = UnsafeBufferPointer(rebasing: logits[(j * vocab)..<((j + 1) * vocab)])
                nll += Self.negativeLogLikelihood(row, target: Int(input[j + 1]))
                scored += 1
            }
            perChunk.append(exp(nll / Double(scored)))
            progress(chunk + 1, chunkCount, perChunk.last!)
        }
        reset()
        return PerplexityResult(chunks: chunkCount, tokens: tokens.count, scored: scored, perplexity: exp(nll / Double(scored)), perChunk: perChunk)
    }

    static func negativeLogLikelihood(_ logits: UnsafeBufferPointer<Float>, target: Int) -> Double {
        var maxLogit = -Float.infinity
        for v in logits where v > maxLogit { maxLogit = v }
        var sum: Double = 0
        for v in logits { sum += Double(expf(v - maxLogit)) }
        return log(sum) - Double(logits[target] - maxLogit)
    }
}
