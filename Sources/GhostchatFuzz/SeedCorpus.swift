#if !FUZZING
import Foundation
import GGUF
import Kernels

/// Small but complete models cut out of the fixture models, for the fuzzer to start from.
///
/// The fixtures themselves are 13–37 MB, far too big to mutate quickly, and a seed that
/// stops at the first broken offset teaches the fuzzer nothing about what follows. These
/// keep the fixtures' metadata (template, tokenizer flags, file type), the first
/// `vocabulary` tokens of their vocabulary and the top-left corner of every weight matrix,
/// so each seed parses, loads and generates, in 20–80 KB.
enum SeedCorpus {
    static let vocabulary = 320

    /// The hyperparameters of a seed model.
    struct Shape {
        var dim = 32, heads = 4, kvHeads = 2, headDim = 8, ffn = 64, layers = 1
        /// Writes `attention.key_length` (a head width that is not dim / heads).
        var keyLength = false
        var ropeDimensions: Int? = nil
    }

    /// Writes the seeds into `directory` (created if needed); returns their paths.
    @discardableResult
    static func write(to directory: String, fixtures: String = "../shared/fixtures") throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func fixture(_ name: String) throws -> GGUFFile {
            try GGUFFile(path: (fixtures as NSString).appendingPathComponent(name))
        }
        let f16 = try fixture("tiny-llama-f16.gguf")
        // Matrices keep the source's type unless one is given; norms are always F32. The odd
        // shapes (widths that are no multiple of a SIMD vector, 3:1 GQA, a head width set by
        // key_length, partial RoPE) need a type with one-element blocks.
        let plans: [(name: String, source: GGUFFile, shape: Shape, type: GGMLType?, output: Bool)] = [
            ("micro-f16", f16, Shape(), nil, true),
            ("micro-q8_0", try fixture("tiny-llama-q8_0.gguf"), Shape(), nil, true),
            ("micro-q4_0-tied", try fixture("tiny-llama-q4_0.gguf"), Shape(), nil, false),
            ("micro-from-q4_k_m", try fixture("tiny-llama-q4_k_m.gguf"), Shape(), nil, true),
            ("micro-f32-2layers", f16, Shape(layers: 2), .f32, false),
            ("micro-bf16", f16, Shape(), .bf16, true),
            ("shape-f32-dim6-gqa3", f16, Shape(dim: 6, heads: 3, kvHeads: 1, headDim: 2, ffn: 5), .f32, false),
            ("shape-f32-dim2", f16, Shape(dim: 2, heads: 1, kvHeads: 1, headDim: 2, ffn: 1), .f32, false),
            ("shape-f16-dim40-heads5", f16, Shape(dim: 40, heads: 5, kvHeads: 5, headDim: 8, ffn: 24), nil, true),
            ("shape-bf16-dim18-2layers", f16, Shape(dim: 18, heads: 3, kvHeads: 3, headDim: 6, ffn: 7, layers: 2), .bf16, false),
            ("shape-f16-keylength", f16, Shape(dim: 32, heads: 2, kvHeads: 1, headDim: 24, ffn: 40, keyLength: true, ropeDimensions: 16), nil, true),
            // The widest head the attention kernel takes (rows past the source's repeat it).
            ("shape-f32-head512", f16, Shape(dim: 2, heads: 1, kvHeads: 1, headDim: 512, ffn: 1, keyLength: true, ropeDimensions: 2), .f32, false),
        ]
        var paths: [String] = []
        for plan in plans {
            let writer = try micro(from: plan.source, shape: plan.shape, type: plan.type, output: plan.output)
            let path = (directory as NSString).appendingPathComponent(plan.name + ".gguf")
            try writer.write(to: path)
            paths.append(path)
        }

        // The vocabulary-only file, cut down the same way.
        var vocab = GGUFWriter()
        copyMetadata(of: try fixture("llama2-vocab.gguf"), into: &vocab, keepArchitectureKeys: true)
        let vocabPath = (directory as NSString).appendingPathComponent("vocab-only.gguf")
        try vocab.write(to: vocabPath)
        paths.append(vocabPath)

        // The smallest valid file: a header and nothing else.
        let emptyPath = (directory as NSString).appendingPathComponent("empty-v3.gguf")
        try GGUFWriter().write(to: emptyPath)
        paths.append(emptyPath)
        return paths
    }

    /// The source's metadata with its vocabulary cut to `vocabulary` tokens.
    private static func copyMetadata(of source: GGUFFile, into writer: inout GGUFWriter, keepArchitectureKeys: Bool) {
        let arch = source.architecture ?? "llama"
        for (key, value) in source.metadata {
            if !keepArchitectureKeys && key.hasPrefix(arch + ".") { continue }
            if ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type"].contains(key),
               let array = value.arrayValue {
                writer.set(key, .array(GGUFArray(elementType: array.elementType, values: Array(array.values.prefix(vocabulary)))))
            } else {
                writer.set(key, value)
            }
        }
    }

    /// A model of `shape` whose tensors are corners of `source`'s, converted to `type` when
    /// given (norms stay F32). Without `output`, the embeddings are tied.
    private static func micro(from source: GGUFFile, shape: Shape, type: GGMLType?, output: Bool) throws -> GGUFWriter {
        var w = GGUFWriter()
        copyMetadata(of: source, into: &w, keepArchitectureKeys: false)
        let arch = source.architecture ?? "llama"
        let (dim, heads, kvHeads, headDim, ffn, layers) = (shape.dim, shape.heads, shape.kvHeads, shape.headDim, shape.ffn, shape.layers)
        var keys: [(String, Int)] = [
            ("context_length", 64), ("embedding_length", dim), ("block_count", layers), ("feed_forward_length", ffn),
            ("attention.head_count", heads), ("attention.head_count_kv", kvHeads),
            ("rope.dimension_count", shape.ropeDimensions ?? headDim),
        ]
        if shape.keyLength { keys += [("attention.key_length", headDim), ("attention.value_length", headDim)] }
        for (key, value) in keys { w.set("\(arch).\(key)", .uint32(UInt32(value))) }
        w.set("\(arch).attention.layer_norm_rms_epsilon", .float32(1e-5))
        w.set("\(arch).rope.freq_base", .float32(10000))

        let sourceLayers = source.int("\(arch).block_count") ?? 1
        func add(_ name: String, from sourceName: String, columns: Int, rows: Int = 1, vector: Bool = false) throws {
            guard let tensor = source.tensor(named: sourceName) else {
                throw GGUFError(path: source.path, reason: "no tensor '\(sourceName)' to cut a seed from")
            }
            let (cutType, bytes) = corner(of: tensor, in: source, columns: columns, rows: rows, to: vector ? .f32 : type)
            w.addTensor(name: name, dimensions: vector ? [columns] : [columns, rows], type: cutType, bytes: bytes)
        }
        try add("token_embd.weight", from: "token_embd.weight", columns: dim, rows: vocabulary)
        for i in 0..<layers {
            let p = "blk.\(i).", s = "blk.\(i % sourceLayers)."
            try add(p + "attn_norm.weight", from: s + "attn_norm.weight", columns: dim, vector: true)
            try add(p + "attn_q.weight", from: s + "attn_q.weight", columns: dim, rows: heads * headDim)
            try add(p + "attn_k.weight", from: s + "attn_k.weight", columns: dim, rows: kvHeads * headDim)
            try add(p + "attn_v.weight", from: s + "attn_v.weight", columns: dim, rows: kvHeads * headDim)
            try add(p + "attn_output.weight", from: s + "attn_output.weight", columns: heads * headDim, rows: dim)
            try add(p + "ffn_norm.weight", from: s + "ffn_norm.weight", columns: dim, vector: true)
            try add(p + "ffn_gate.weight", from: s + "ffn_gate.weight", columns: dim, rows: ffn)
            try add(p + "ffn_up.weight", from: s + "ffn_up.weight", columns: dim, rows: ffn)
            try add(p + "ffn_down.weight", from: s + "ffn_down.weight", columns: ffn, rows: dim)
        }
        try add("output_norm.weight", from: "output_norm.weight", columns: dim, vector: true)
        if output { try add("output.weight", from: "output.weight", columns: dim, rows: vocabulary) }
        return w
    }

    /// The first `columns` × `rows` of `tensor`. Bytes are copied as they are when the
    /// type's blocks fit the cut and no conversion is asked for; otherwise rows are
    /// dequantized and requantized (to `type`, or Q8_0 for a K-quant that does not fit).
    private static func corner(of tensor: GGUFTensorInfo, in file: GGUFFile, columns: Int, rows: Int,
                               to type: GGMLType?) -> (GGMLType, [UInt8]) {
        let sourceColumns = tensor.dimensions[0], sourceRows = tensor.elementCount / sourceColumns
        let rowBytes = tensor.type.byteCount(elements: sourceColumns)!
        let base = file.data(for: tensor)
        // Row r of the cut is source row r, and column c source column c, both wrapping
        // round when the seed is bigger than the source.
        if type == nil || type == tensor.type, columns % tensor.type.blockSize == 0, columns <= sourceColumns {
            let keep = tensor.type.byteCount(elements: columns)!
            var out: [UInt8] = []
            for r in 0..<rows { out += UnsafeRawBufferPointer(start: base + r % sourceRows * rowBytes, count: keep) }
            return (tensor.type, out)
        }
        var floats: [Float] = []
        for r in 0..<rows {
            let row = Kernels.dequantize(base + r % sourceRows * rowBytes, type: tensor.type, count: sourceColumns)
            floats += (0..<columns).map { row[$0 % sourceColumns] }
        }
        let target = type ?? .q8_0
        return (target, Kernels.quantize(floats, count: floats.count, to: target))
    }
}
#endif
