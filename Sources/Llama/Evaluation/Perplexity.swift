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

/// llama.cpp's perplexity chunks of a token sequence: consecutive runs of `length` tokens (a
/// partial tail is dropped), the first of each replaced by BOS when the vocabulary adds one.
/// In each chunk, positions `length/2 … length−2` are scored against the token that follows.
public struct PerplexityChunks: Sendable {
    public let tokens: [Token]
    public let length: Int
    public let bos: Token?

    public init(tokens: [Token], length: Int, bos: Token?) {
        self.tokens = tokens
        self.length = length
        self.bos = bos
    }

    public var count: Int { tokens.count / length }

    /// The scored positions of a chunk.
    public var scoredPositions: Range<Int> { (length / 2)..<(length - 1) }

    /// Scored positions over all chunks.
    public var scoredCount: Int { count * scoredPositions.count }

    public func chunk(_ index: Int) -> [Token] {
        var input = Array(tokens[(index * length)..<((index + 1) * length)])
        if let bos { input[0] = bos }
        return input
    }
}

extension LlamaModel {
    /// `text` cut into llama.cpp's perplexity chunks for this model's vocabulary.
    public func perplexityChunks(of text: String, length: Int) throws -> PerplexityChunks {
        guard length >= 4 else { throw ModelError("a perplexity context of \(length) tokens is too short: give at least -c 4") }
        guard length <= contextLength else {
            throw ModelError("a perplexity context of \(length) tokens is longer than the model's \(contextLength)")
        }
        // Every position's logits of a chunk are kept at once: counted before asking for them.
        let logitBytes = length.multipliedReportingOverflow(by: config.vocabularySize * MemoryLayout<Float>.size)
        let available = Int(ProcessInfo.processInfo.physicalMemory) / 2
        guard !logitBytes.overflow, logitBytes.partialValue <= available else {
            let gib = { (n: Int) in String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
            throw ModelError("a perplexity context of \(length) tokens needs \(logitBytes.overflow ? "more than 2^63 bytes" : gib(logitBytes.partialValue)) "
                + "for its logits (\(config.vocabularySize) per token), more than half of this machine's memory: use a smaller -c")
        }
        // As llama.cpp: BOS in front (and at each chunk start) only when the vocabulary asks for it.
        let chunks = PerplexityChunks(tokens: tokenizer.encode(text), length: length, bos: tokenizer.addBOS ? tokenizer.bos : nil)
        guard chunks.count > 0 else {
            throw ModelError("text has \(chunks.tokens.count) tokens; perplexity with -c \(length) needs at least \(length)")
        }
        return chunks
    }

    /// Evaluates every chunk from an empty cache and hands each scored position's logits and
    /// the token that follows it to `visit`, in order. `progress` hears (chunks done, total).
    public func forEachScoredPosition(_ chunks: PerplexityChunks, progress: (Int, Int) -> Void = { _, _ in },
                                      visit: (UnsafeBufferPointer<Float>, Token) throws -> Void) throws {
        let vocab = config.vocabularySize
        defer { reset() }
        for index in 0..<chunks.count {
            let input = chunks.chunk(index)
            reset()
            let logits = try evaluate(input, logits: .all)
            for j in chunks.scoredPositions {
                try visit(UnsafeBufferPointer(rebasing: logits[(j * vocab)..<((j + 1) * vocab)]), input[j + 1])
            }
            progress(index + 1, chunks.count)
        }
    }

    /// Perplexity of `text` the way llama.cpp measures it (see `PerplexityChunks`).
    /// `progress` hears (chunks done, total, running perplexity).
    public func perplexity(of text: String, chunkLength n: Int, progress: (Int, Int, Double) -> Void = { _, _, _ in }) throws -> PerplexityResult {
        let chunks = try perplexityChunks(of: text, length: n)
        var nll: Double = 0
        var scored = 0
        var perChunk: [Double] = []
        try forEachScoredPosition(chunks, progress: { done, total in
            perChunk.append(exp(nll / Double(scored)))
            progress(done, total, perChunk.last!)
        }) { row, target in
            nll += Self.negativeLogLikelihood(row, target: Int(target))
            scored += 1
        }
        return PerplexityResult(chunks: chunks.count, tokens: chunks.tokens.count, scored: scored, perplexity: exp(nll / Double(scored)), perChunk: perChunk)
    }

    static func negativeLogLikelihood(_ logits: UnsafeBufferPointer<Float>, target: Int) -> Double {
        LogitRow(logits).logSumExp - Double(logits[target])
    }
}
