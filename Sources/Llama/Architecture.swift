import Foundation

/// What a model family's blocks contain beyond Llama's: the architecture table, keyed by
/// `general.architecture` (llama.cpp's `llama-arch` in spirit). The forward pass reads these
/// as plain branches, and fused tensors are split into row views at load time, so the forward
/// pass never sees them; a family whose structure truly differs would get a file of its own.
public struct Architecture: Sendable, Equatable {
    /// How rotary embeddings pair a head's features.
    public enum RopeStyle: String, Sendable {
        /// (2i, 2i+1): llama.cpp's "norm" rope (Llama, Mistral; the converter permutes Q/K to match).
        case adjacentPairs
        /// (i, i + d/2): llama.cpp's "neox" rope (Qwen, Gemma, Phi-3, Falcon).
        case halves
    }

    /// The `general.architecture` value, also the prefix of its metadata keys.
    public var name: String
    public var ropeStyle: RopeStyle = .adjacentPairs
    /// Biases on the Q, K and V projections (`attn_q.bias` …): Qwen 2.
    public var qkvBias = false
    /// RMS norm over each head of Q and K before rope (`attn_q_norm.weight` …): Qwen 3.
    public var qkNorm = false
    /// Q, K and V as one tensor `attn_qkv.weight` (rows: Q, then K, then V): Phi-3.
    public var fusedQKV = false
    /// Gate and up as one tensor `ffn_up.weight` of twice the FFN width (gate rows first): Phi-3.
    public var fusedGateUp = false

    /// The feed-forward gate's nonlinearity.
    public enum Activation: String, Sendable {
        case silu
        /// GELU, tanh approximation (Gemma).
        case geluTanh
    }
    public var activation: Activation = .silu
    /// Embeddings multiplied by √dim (Gemma).
    public var scalesEmbedding = false
    /// RMS norm on each block's output before the residual add (`post_attention_norm`,
    /// `post_ffw_norm`): Gemma 2/3.
    public var postNorms = false
    /// Of every `slidingWindowPattern` layers, all but the last attend only within
    /// `attention.sliding_window` positions and rotate with `slidingWindowRopeBase`
    /// (unscaled); 0 = every layer global. Gemma 3: 6, base 10 000.
    public var slidingWindowPattern = 0
    public var slidingWindowRopeBase: Float = 10000

    /// How the blocks normalize their input.
    public enum Normalization: String, Sendable {
        /// RMSNorm with a weight (`*.weight`).
        case rms
        /// LayerNorm (mean removed) with a weight and a bias (`*.weight`, `*.bias`): Falcon.
        case layer
    }
    public var normalization: Normalization = .rms
    /// Attention and feed-forward both read the block's one normed input and both add into
    /// the residual stream (no `ffn_norm`): Falcon.
    public var parallelBlocks = false
    /// The feed-forward network has a gate (`ffn_gate`); false: up → activation → down (Falcon, MPT).
    public var gatedFFN = true
    /// LayerNorms carry a bias (`*.bias`): Falcon yes, MPT no.
    public var layerNormBias = true
    /// No rope: attention scores get −slope(head)·distance instead (ALiBi, with the file's
    /// `attention.max_alibi_bias`): MPT.
    public var alibi = false

    public init(name: String, ropeStyle: RopeStyle = .adjacentPairs, qkvBias: Bool = false, qkNorm: Bool = false,
                fusedQKV: Bool = false, fusedGateUp: Bool = false, activation: Activation = .silu, scalesEmbedding: Bool = false,
                postNorms: Bool = false, slidingWindowPattern: Int = 0, normalization: Normalization = .rms,
                parallelBlocks: Bool = false, gatedFFN: Bool = true, layerNormBias: Bool = true, alibi: Bool = false) {
        self.name = name
        self.ropeStyle = ropeStyle
        self.qkvBias = qkvBias
        self.qkNorm = qkNorm
        self.fusedQKV = fusedQKV
        self.fusedGateUp = fusedGateUp
        self.activation = activation
        self.scalesEmbedding = scalesEmbedding
        self.postNorms = postNorms
        self.slidingWindowPattern = slidingWindowPattern
        self.normalization = normalization
        self.parallelBlocks = parallelBlocks
        self.gatedFFN = gatedFFN
        self.layerNormBias = layerNormBias
        self.alibi = alibi
    }

    /// ALiBi's slope for each of `heads` heads with maximum bias `maxBias`, as llama.cpp
    /// computes them for any head count (geometric in the nearest power of two below, then
    /// interleaved for the rest).
    public static func alibiSlopes(heads: Int, maxBias: Float) -> [Float] {
        var base = 1
        while base * 2 <= heads { base *= 2 }
        let m0 = powf(2, -maxBias / Float(base)), m1 = powf(2, -maxBias / 2 / Float(base))
        return (0..<heads).map { h in h < base ? powf(m0, Float(h + 1)) : powf(m1, Float(2 * (h - base) + 1)) }
    }

    /// Whether layer `index` attends within a sliding window (and uses the local rope base).
    public func isSlidingWindowLayer(_ index: Int) -> Bool {
        slidingWindowPattern > 0 && index % slidingWindowPattern < slidingWindowPattern - 1
    }

    /// Every family ghostchat runs.
    public static let table: [Architecture] = [
        Architecture(name: "llama"),
        Architecture(name: "mistral"),
        Architecture(name: "qwen2", ropeStyle: .halves, qkvBias: true),
        Architecture(name: "qwen3", ropeStyle: .halves, qkNorm: true),
        Architecture(name: "phi3", ropeStyle: .halves, fusedQKV: true, fusedGateUp: true),
        Architecture(name: "gemma3", ropeStyle: .halves, qkNorm: true, activation: .geluTanh, scalesEmbedding: true,
                     postNorms: true, slidingWindowPattern: 6),
        Architecture(name: "falcon", ropeStyle: .halves, fusedQKV: true, activation: .geluTanh, normalization: .layer,
                     parallelBlocks: true, gatedFFN: false),
        Architecture(name: "mpt", fusedQKV: true, activation: .geluTanh, normalization: .layer, gatedFFN: false,
                     layerNormBias: false, alibi: true),
    ]

    /// The table entry for `name`, if ghostchat runs that family.
    public static func named(_ name: String) -> Architecture? {
        table.first { $0.name == name }
    }
}
