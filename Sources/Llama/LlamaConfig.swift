import GGUF
import Kernels

/// The hyperparameters of a Llama-style model, read from GGUF metadata.
public struct LlamaConfig: Sendable, Equatable {
    /// The family and its features (QKV bias, QK norm, rope style …).
    public var architecture: Architecture
    /// Width of the residual stream (`embedding_length`).
    public var dim: Int
    /// Number of transformer blocks.
    public var layerCount: Int
    /// Hidden width of the feed-forward network.
    public var ffnDim: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (fewer than `headCount` for grouped-query attention).
    public var kvHeadCount: Int
    /// Width of one head.
    public var headDim: Int
    /// Vocabulary size (rows of `token_embd`).
    public var vocabularySize: Int
    /// Context length the model was trained with.
    public var trainedContextLength: Int
    /// The norms' epsilon (RMSNorm or LayerNorm, as the architecture has).
    public var normEpsilon: Float
    /// RoPE base frequency.
    public var ropeFreqBase: Float
    /// RoPE position scale (1 / linear scaling factor).
    public var ropeFreqScale: Float
    /// How many dimensions of each head RoPE rotates.
    public var ropeDimensions: Int
    /// Positions a sliding-window layer attends to, itself included (0: no such layers).
    public var slidingWindow: Int
    /// ALiBi's maximum bias (MPT; 0 without ALiBi).
    public var maxAlibiBias: Float = 0
    /// Q/K/V are clipped to ±this after the projection (MPT's `clip_qkv`; 0 = no clipping).
    public var clampQKV: Float = 0

    /// Query/key/value widths.
    public var qDim: Int { headCount * headDim }
    public var kvDim: Int { kvHeadCount * headDim }

    /// The `general.architecture` values ghostchat runs.
    public static var supportedArchitectures: [String] { Architecture.table.map(\.name) }

    public init(
        architecture: Architecture = Architecture(name: "llama"),
        dim: Int, layerCount: Int, ffnDim: Int, headCount: Int, kvHeadCount: Int, headDim: Int? = nil,
        vocabularySize: Int, trainedContextLength: Int, normEpsilon: Float = 1e-5,
        ropeFreqBase: Float = 10000, ropeFreqScale: Float = 1, ropeDimensions: Int? = nil, slidingWindow: Int = 0
    ) {
        self.architecture = architecture
        self.dim = dim
        self.layerCount = layerCount
        self.ffnDim = ffnDim
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim ?? (headCount > 0 ? dim / headCount : 0)
        self.vocabularySize = vocabularySize
        self.trainedContextLength = trainedContextLength
        self.normEpsilon = normEpsilon
        self.ropeFreqBase = ropeFreqBase
        self.ropeFreqScale = ropeFreqScale
        self.ropeDimensions = ropeDimensions ?? self.headDim
        self.slidingWindow = slidingWindow
    }

    /// Reads and checks the configuration of `file`.
    public init(gguf file: GGUFFile) throws {
        guard let arch = file.architecture else {
            throw ModelError("\(file.path): no general.architecture; is this a model file?")
        }
        guard let architecture = Architecture.named(arch) else {
            throw ModelError("\(file.path): unsupported architecture '\(arch)' (ghostchat runs \(Self.supportedArchitectures.joined(separator: ", ")))")
        }
        func required(_ key: String) throws -> Int {
            guard let value = file.int("\(arch).\(key)") else {
                // Present but too large for an Int (a u64 near its maximum) is not "missing".
                if case .uint64(let huge)? = file["\(arch).\(key)"] {
                    throw ModelError("\(file.path): metadata '\(arch).\(key)' = \(huge) is out of range")
                }
                throw ModelError("\(file.path): missing or non-integer metadata '\(arch).\(key)'")
            }
            return value
        }
        let dim = try required("embedding_length")
        let heads = try required("attention.head_count")
        guard let embedding = file.tensor(named: "token_embd.weight") else {
            throw ModelError("\(file.path): no tensor 'token_embd.weight' (a vocabulary-only file cannot generate text)")
        }
        var scale: Float = 1
        if let type = file.string("\(arch).rope.scaling.type") {
            // Llama 3.1's "llama3" scaling arrives as per-pair divisors in `rope_freqs.weight`.
            guard type == "linear" || type == "none" || type == "llama3" else {
                throw ModelError("\(file.path): unsupported rope scaling '\(type)' (linear and Llama 3's are supported)")
            }
            if type == "linear", let factor = file.double("\(arch).rope.scaling.factor"), factor > 0 { scale = Float(1 / factor) }
        } else if let factor = file.double("\(arch).rope.scale_linear"), factor > 0 {
            scale = Float(1 / factor)
        }
        self.init(
            architecture: architecture,
            dim: dim,
            layerCount: try required("block_count"),
            ffnDim: try required("feed_forward_length"),
            headCount: heads,
            kvHeadCount: file.int("\(arch).attention.head_count_kv") ?? heads,
            headDim: file.int("\(arch).attention.key_length") ?? (heads > 0 ? dim / heads : 0),
            vocabularySize: embedding.dimensions.count == 2 ? embedding.dimensions[1] : 0,
            trainedContextLength: try required("context_length"),
            normEpsilon: Float(file.double("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5),
            ropeFreqBase: Float(file.double("\(arch).rope.freq_base") ?? 10000),
            ropeFreqScale: scale,
            ropeDimensions: file.int("\(arch).rope.dimension_count"),
            slidingWindow: architecture.slidingWindowPattern > 0 ? try required("attention.sliding_window") : 0
        )
        if architecture.alibi {
            maxAlibiBias = Float(file.double("\(arch).attention.max_alibi_bias") ?? 8)
        }
        clampQKV = Float(file.double("\(arch).attention.clamp_kqv") ?? 0)
        try validate(path: file.path)
    }

    func validate(path: String) throws {
        func fail(_ reason: String) -> ModelError { ModelError("\(path): \(reason)") }
        guard dim > 0, layerCount > 0, ffnDim > 0, headCount > 0, kvHeadCount > 0, vocabularySize > 0 else {
            throw fail("invalid shape (dim \(dim), layers \(layerCount), ffn \(ffnDim), heads \(headCount)/\(kvHeadCount), vocab \(vocabularySize))")
        }
        guard dim <= 1 << 16, layerCount <= 1024, ffnDim <= 1 << 18, headCount <= 1024, vocabularySize <= 1 << 22 else {
            throw fail("absurd shape (dim \(dim), layers \(layerCount), ffn \(ffnDim), heads \(headCount), vocab \(vocabularySize))")
        }
        guard headCount % kvHeadCount == 0 else {
            throw fail("head count \(headCount) is not a multiple of the KV head count \(kvHeadCount)")
        }
        // The attention kernel's limit: a wider head used to pass here and trap at the first
        // token (found while making odd-shaped seeds for the fuzzer).
        guard headDim > 0, headDim % 2 == 0, headDim <= Kernels.maxHeadWidth else {
            throw fail("head width \(headDim) is not supported (an even width up to \(Kernels.maxHeadWidth))")
        }
        guard ropeDimensions > 0, ropeDimensions % 2 == 0, ropeDimensions <= headDim else {
            throw fail("rope dimension count \(ropeDimensions) does not fit a head of \(headDim)")
        }
        guard maxAlibiBias.isFinite, maxAlibiBias >= 0, clampQKV.isFinite, clampQKV >= 0 else {
            throw fail("invalid ALiBi bias \(maxAlibiBias) or QKV clamp \(clampQKV)")
        }
        guard trainedContextLength > 0 else { throw fail("context length \(trainedContextLength) is invalid") }
        if architecture.slidingWindowPattern > 0 {
            guard slidingWindow > 0, slidingWindow <= trainedContextLength else {
                throw fail("sliding window \(slidingWindow) must be between 1 and the trained context \(trainedContextLength)")
            }
        }
        guard normEpsilon.isFinite, normEpsilon >= 0, ropeFreqBase.isFinite, ropeFreqBase > 0 else {
            throw fail("invalid norm epsilon or rope base")
        }
    }
}
