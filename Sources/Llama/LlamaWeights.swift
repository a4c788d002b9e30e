import GGUF
import Kernels

/// The weights of one transformer block. Matrices point into the memory-mapped file.
public struct LayerWeights: Sendable {
    public var attentionNorm: [Float]
    public var query: WeightMatrix
    public var key: WeightMatrix
    public var value: WeightMatrix
    public var attentionOutput: WeightMatrix
    public var ffnNorm: [Float]
    public var gate: WeightMatrix
    public var up: WeightMatrix
    public var down: WeightMatrix
}

/// All weights of a Llama model. Matrices stay quantized in the mapping; only the small
/// norm vectors are copied out as floats.
public struct LlamaWeights: Sendable {
    public var tokenEmbedding: WeightMatrix
    public var layers: [LayerWeights]
    public var outputNorm: [Float]
    /// The unembedding; the token embedding itself when the file has no `output.weight`.
    public var output: WeightMatrix
    /// True when `output` is the token embedding (tied embeddings).
    public var tiedEmbeddings: Bool

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
        tokenEmbedding = try matrix("token_embd.weight", columns: c.dim, rows: c.vocabularySize)
        layers = try (0..<c.layerCount).map { i in
            let p = "blk.\(i)."
            return LayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: c.dim),
                query: try matrix(p + "attn_q.weight", columns: c.dim, rows: c.qDim),
                key: try matrix(p + "attn_k.weight", columns: c.dim, rows: c.kvDim),
                value: try matrix(p + "attn_v.weight", columns: c.dim, rows: c.kvDim),
                attentionOutput: try matrix(p + "attn_output.weight", columns: c.qDim, rows: c.dim),
                ffnNorm: try vector(p + "ffn_norm.weight", count: c.dim),
                gate: try matrix(p + "ffn_gate.weight", columns: c.dim, rows: c.ffnDim),
                up: try matrix(p + "ffn_up.weight", columns: c.dim, rows: c.ffnDim),
                down: try matrix(p + "ffn_down.weight", columns: c.ffnDim, rows: c.dim)
            )
        }
        outputNorm = try vector("output_norm.weight", count: c.dim)
        if file.tensor(named: "output.weight") != nil {
            output = try matrix("output.weight", columns: c.dim, rows: c.vocabularySize)
            tiedEmbeddings = false
        } else {
            output = tokenEmbedding
            tiedEmbeddings = true
        }
    }
}
