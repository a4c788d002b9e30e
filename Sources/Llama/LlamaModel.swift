import Foundation
import GGUF
import Kernels
import Tokenizer

/// Which logits a forward pass should produce.
public enum LogitsRequest: Sendable {
    /// None (prompt prefix whose predictions nobody reads).
    case none
    /// Only for the last token of the batch (generation).
    case last
    /// For every token of the batch (perplexity, conformance checks).
    case all
}

/// A loaded Llama model with its tokenizer, KV cache and thread pool.
///
/// The model is stateful: `evaluate` appends tokens to the KV cache at `position`;
/// `truncate(to:)` forgets positions so a conversation can be rewound.
public final class LlamaModel: @unchecked Sendable {
    public let file: GGUFFile
    public let config: LlamaConfig
    public let weights: LlamaWeights
    public let tokenizer: Tokenizer
    /// Positions the KV cache holds.
    public let contextLength: Int
    /// Most tokens evaluated in one pass; longer inputs are split.
    public let batchSize: Int
    public let pool: ThreadPool
    /// Number of positions currently in the KV cache.
    public internal(set) var position = 0
    /// Debugging: hears the hidden state after every layer of every batch (`tokens × dim`
    /// floats, row by row), to compare layer by layer with `tools/exact`.
    public var layerObserver: ((_ layer: Int, _ hidden: UnsafeBufferPointer<Float>) -> Void)?

    let cache: KVCache
    let state: RunState
    /// ALiBi's slope per head (empty for rope models).
    let alibiSlopes: [Float]

    /// Loads `path`. `contextLength` defaults to the trained length capped at 4096;
    /// `threads` defaults to the number of cores. `progress` hears the fraction of the
    /// weights loaded (0…1) as they are read and prepared.
    public convenience init(path: String, contextLength: Int? = nil, threads: Int? = nil, batchSize: Int = 256,
                            progress: ((Double) -> Void)? = nil) throws {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch let error as GGUFError {
            throw ModelError(error.description)
        }
        try self.init(file: file, contextLength: contextLength, threads: threads, batchSize: batchSize, progress: progress)
    }

    /// Loads the model in an already parsed `file` (the fuzzer parses from memory), with
    /// the same checks and defaults as `init(path:)`.
    public init(file: GGUFFile, contextLength: Int? = nil, threads: Int? = nil, batchSize: Int = 256,
                progress: ((Double) -> Void)? = nil) throws {
        let path = file.path
        let config = try LlamaConfig(gguf: file)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: file)
        } catch {
            throw ModelError("\(path): \(error)")
        }
        guard tokenizer.vocabularySize == config.vocabularySize else {
            throw ModelError("\(path): vocabulary has \(tokenizer.vocabularySize) tokens but the embedding has \(config.vocabularySize) rows")
        }
        let context = contextLength ?? min(config.trainedContextLength, 4096)
        guard context > 0, context <= 1 << 20 else {
            throw ModelError("context length \(context) is out of range (1 to \(1 << 20))")
        }
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard threadCount >= 1, threadCount <= 512 else {
            throw ModelError("thread count \(threadCount) is out of range (1 to 512)")
        }
        try Self.checkMemory(file: file, config: config, contextLength: context, batchSize: max(1, min(batchSize, context)))

        self.file = file
        self.config = config
        let pool = ThreadPool(threads: threadCount)
        self.weights = try LlamaWeights(gguf: file, config: config).repacked(pool: pool, progress: progress)
        self.tokenizer = tokenizer
        self.contextLength = context
        self.batchSize = max(1, min(batchSize, context))
        self.pool = pool
        self.cache = KVCache(layerCount: config.layerCount, capacity: context, kvDim: config.kvDim, window: config.slidingWindow,
                             batchSize: self.batchSize, windowed: config.architecture.isSlidingWindowLayer)
        self.state = RunState(config: config, batchCapacity: self.batchSize, contextLength: context, workers: threadCount)
        self.alibiSlopes = config.architecture.alibi ? Architecture.alibiSlopes(heads: config.headCount, maxBias: config.maxAlibiBias) : []
    }

    /// Refuses models that cannot fit in physical memory (weights are mapped, so they
    /// would load, but every token would page them in from disk again).
    static func checkMemory(
        file: GGUFFile, config: LlamaConfig, contextLength: Int, batchSize: Int = 256,
        available: Int = Int(ProcessInfo.processInfo.physicalMemory)
    ) throws {
        let kvBytes = KVCache.byteCount(layerCount: config.layerCount, capacity: contextLength, kvDim: config.kvDim,
                                        window: config.slidingWindow, batchSize: batchSize, windowed: config.architecture.isSlidingWindowLayer)
        let needed = file.fileSize + kvBytes
        guard needed <= available else {
            func gib(_ n: Int) -> String { String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
            throw ModelError("\(file.path): model needs \(gib(needed)) (weights \(gib(file.fileSize)) + KV cache \(gib(kvBytes)) for \(contextLength) tokens) but this machine has \(gib(available)); try a smaller quantization or a smaller -c")
        }
    }

    /// Forgets every position at or after `newPosition`. A model with sliding-window layers
    /// may have to forget more (back to 0) when those layers no longer hold the window that
    /// `newPosition` needs; `position` says what is kept.
    public func truncate(to newPosition: Int) {
        position = cache.resumablePosition(max(0, min(position, newPosition)))
        if position == 0 { cache.clear() }
    }

    /// Forgets everything.
    public func reset() {
        position = 0
        cache.clear()
    }

    /// Bytes the KV cache takes (sliding-window layers keep only their window).
    public var cacheByteCount: Int { cache.byteCount }

    /// Evaluates `tokens` at positions `position…`, appending them to the KV cache.
    /// Returns the requested logits, `vocabularySize` per row, valid until the next call.
    @discardableResult
    public func evaluate(_ tokens: [Token], logits request: LogitsRequest = .last) throws -> UnsafeBufferPointer<Float> {
        guard !tokens.isEmpty else { return UnsafeBufferPointer(start: state.logits.pointer, count: 0) }
        guard position + tokens.count <= contextLength else {
            throw ModelError("context is full: \(position) + \(tokens.count) tokens exceed the context length \(contextLength)")
        }
        for token in tokens where token < 0 || Int(token) >= config.vocabularySize {
            throw ModelError("token id \(token) is outside the vocabulary (0..<\(config.vocabularySize))")
        }
        let vocab = config.vocabularySize
        if request == .all { state.ensureLogits(rows: tokens.count, vocabularySize: vocab) }
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + batchSize)
            let isLast = end == tokens.count
            let rows: LogitsRequest = request == .all ? .all : (isLast ? request : .none)
            tokens[start..<end].withUnsafeBufferPointer { batch in
                forward(batch, logitsInto: request == .all ? state.logits.pointer(at: start * vocab) : state.logits.pointer, rows: rows)
            }
            start = end
        }
        switch request {
        case .none: return UnsafeBufferPointer(start: state.logits.pointer, count: 0)
        case .last: return UnsafeBufferPointer(start: state.logits.pointer, count: vocab)
        case .all: return UnsafeBufferPointer(start: state.logits.pointer, count: tokens.count * vocab)
        }
    }
}
