import GGUF
import Kernels

/// The weights of one transformer block. Matrices point into the memory-mapped file.
public struct LayerWeights: Sendable {
    public var attentionNorm: [Float]
    /// LayerNorm bias of the attention input (Falcon).
    public var attentionNormBias: [Float]?
    public var query: WeightMatrix
    public var key: WeightMatrix
    public var value: WeightMatrix
    /// Q/K/V projection biases (Qwen 2), `qDim`/`kvDim`/`kvDim` floats.
    public var queryBias: [Float]?
    public var keyBias: [Float]?
    public var valueBias: [Float]?
    /// Per-head RMS norm weights for Q and K (Qwen 3), `headDim` floats each.
    public var queryNorm: [Float]?
    public var keyNorm: [Float]?
    public var attentionOutput: WeightMatrix
    /// Norm of the attention block's output before the residual add (Gemma), `dim` floats.
    public var postAttentionNorm: [Float]?
    /// Norm of the feed-forward input; nil where the blocks run in parallel on the attention's.
    public var ffnNorm: [Float]?
    /// LayerNorm bias of the feed-forward input.
    public var ffnNormBias: [Float]?
    /// The feed-forward gate; nil in ungated networks (Falcon).
    public var gate: WeightMatrix?
    public var up: WeightMatrix
    public var down: WeightMatrix
    /// Norm of the feed-forward block's output before the residual add (Gemma), `dim` floats.
    public var postFFNNorm: [Float]?
}

/// All weights of a Llama model. Matrices stay quantized in the mapping; only the small
/// norm vectors are copied out as floats.
public struct LlamaWeights: Sendable {
    public var tokenEmbedding: WeightMatrix
    public var layers: [LayerWeights]
    public var outputNorm: [Float]
    /// LayerNorm bias of the final norm (Falcon).
    public var outputNormBias: [Float]?
    /// The unembedding; the token embedding itself when the file has no `output.weight`.
    public var output: WeightMatrix
    /// True when `output` is the token embedding (tied embeddings).
    public var tiedEmbeddings: Bool
    /// Per-pair divisors of the rope frequencies (`rope_freqs.weight`: Llama 3.1's scaling).
    public var ropeFrequencyFactors: [Float]?

    /// Finds, shape-checks and type-checks every tensor `config` needs in `file`.
    public init(gguf file: GGUFFile, config: LlamaConfig) throws {
        func fail(_ reason: String) -> ModelError { ModelError("\(file.path): \(reason)") }

        func info(_ name: String) throws -> GGUFTensorInfo {
            guard let tensor = file.tensor(named: name) else { throw fail("missing tensor '\(name)'") }
            return tensor
        }
        func matrix(_ name: String, columns: Int, rows: Int) throws -> WeightMatrix {
            let tensor = try info(name)
            guard tensor.dimensions == [columns, rows] else {
                throw fail("tensor '\(name)' has shape \(tensor.dimensions), expected [\(columns), \(rows)]")
            }
            guard Kernels.isSupported(tensor.type) else {
                throw fail("tensor '\(name)' has type \(tensor.type.name), which ghostchat does not support yet (supported: \(Kernels.supportedTypes.map(\.name).joined(separator: ", ")))")
            }
            return WeightMatrix(type: tensor.type, rows: rows, columns: columns, data: file.data(for: tensor))
        }
        func vector(_ name: String, count: Int) throws -> [Float] {
            let tensor = try info(name)
            guard tensor.elementCount == count, tensor.dimensions.count == 1 else {
                throw fail("tensor '\(name)' has shape \(tensor.dimensions), expected [\(count)]")
            }
            guard Kernels.isSupported(tensor.type) else {
                throw fail("tensor '\(name)' has unsupported type \(tensor.type.name)")
            }
            return Kernels.dequantize(file.data(for: tensor), type: tensor.type, count: count)
        }

        let c = config
        let features = c.architecture
        let layerNorm = features.normalization == .layer && features.layerNormBias
        /// A tensor the family's features need: its absence is an error naming the feature.
        func needed(_ name: String, count: Int, if feature: Bool, _ what: String) throws -> [Float]? {
            guard feature else { return nil }
            guard file.tensor(named: name) != nil else { throw fail("missing tensor '\(name)', which \(c.architecture.name) models need (\(what))") }
            return try vector(name, count: count)
        }
        tokenEmbedding = try matrix("token_embd.weight", columns: c.dim, rows: c.vocabularySize)
        if file.tensor(named: "rope_factors_long.weight") != nil || file.tensor(named: "rope_factors_short.weight") != nil {
            throw fail("long-context rope factors (rope_factors_long/short, Phi-3 128k) are not supported yet; use a 4k-context file")
        }
        layers = try (0..<c.layerCount).map { i in
            let p = "blk.\(i)."
            let query, key, value: WeightMatrix
            if features.fusedQKV {
                let qkv = try matrix(p + "attn_qkv.weight", columns: c.dim, rows: c.qDim + 2 * c.kvDim)
                query = qkv.rows(0..<c.qDim)
                key = qkv.rows(c.qDim..<(c.qDim + c.kvDim))
                value = qkv.rows((c.qDim + c.kvDim)..<(c.qDim + 2 * c.kvDim))
            } else {
                query = try matrix(p + "attn_q.weight", columns: c.dim, rows: c.qDim)
                key = try matrix(p + "attn_k.weight", columns: c.dim, rows: c.kvDim)
                value = try matrix(p + "attn_v.weight", columns: c.dim, rows: c.kvDim)
            }
            let gate: WeightMatrix?, up: WeightMatrix
            if !features.gatedFFN {
                gate = nil
                up = try matrix(p + "ffn_up.weight", columns: c.dim, rows: c.ffnDim)
            } else if features.fusedGateUp {
                let gateUp = try matrix(p + "ffn_up.weight", columns: c.dim, rows: 2 * c.ffnDim)
                gate = gateUp.rows(0..<c.ffnDim)
                up = gateUp.rows(c.ffnDim..<(2 * c.ffnDim))
            } else {
                gate = try matrix(p + "ffn_gate.weight", columns: c.dim, rows: c.ffnDim)
                up = try matrix(p + "ffn_up.weight", columns: c.dim, rows: c.ffnDim)
            }
            return LayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: c.dim),
                attentionNormBias: try needed(p + "attn_norm.bias", count: c.dim, if: layerNorm, "LayerNorm"),
                query: query, key: key, value: value,
                queryBias: try needed(p + "attn_q.bias", count: c.qDim, if: features.qkvBias, "QKV bias"),
                keyBias: try needed(p + "attn_k.bias", count: c.kvDim, if: features.qkvBias, "QKV bias"),
                valueBias: try needed(p + "attn_v.bias", count: c.kvDim, if: features.qkvBias, "QKV bias"),
                queryNorm: try needed(p + "attn_q_norm.weight", count: c.headDim, if: features.qkNorm, "QK norm"),
                keyNorm: try needed(p + "attn_k_norm.weight", count: c.headDim, if: features.qkNorm, "QK norm"),
                attentionOutput: try matrix(p + "attn_output.weight", columns: c.qDim, rows: c.dim),
                postAttentionNorm: try needed(p + "post_attention_norm.weight", count: c.dim, if: features.postNorms, "post-norms"),
                ffnNorm: features.parallelBlocks ? nil : try vector(p + "ffn_norm.weight", count: c.dim),
                ffnNormBias: try needed(p + "ffn_norm.bias", count: c.dim, if: layerNorm && !features.parallelBlocks, "LayerNorm"),
                gate: gate, up: up,
                down: try matrix(p + "ffn_down.weight", columns: c.ffnDim, rows: c.dim),
                postFFNNorm: try needed(p + "post_ffw_norm.weight", count: c.dim, if: features.postNorms, "post-norms")
            )
        }
        outputNorm = try vector("output_norm.weight", count: c.dim)
        outputNormBias = try needed("output_norm.bias", count: c.dim, if: layerNorm, "LayerNorm")
        ropeFrequencyFactors = file.tensor(named: "rope_freqs.weight") == nil ? nil
            : try vector("rope_freqs.weight", count: c.ropeDimensions / 2)
        if let factors = ropeFrequencyFactors, factors.contains(where: { !$0.isFinite || $0 <= 0 }) {
            throw fail("tensor 'rope_freqs.weight' holds a factor that is not a positive number")
        }
        if file.tensor(named: "output.weight") != nil {
            output = try matrix("output.weight", columns: c.dim, rows: c.vocabularySize)
            tiedEmbeddings = false
        } else {
            output = tokenEmbedding
            tiedEmbeddings = true
        }
    }
}
