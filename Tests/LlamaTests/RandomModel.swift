import Foundation
import GGUF
import Kernels
import Llama
import TestSupport

/// Writes small random-weight Llama models of any shape with the project's GGUF writer,
/// reusing the real Llama 2 vocabulary so they tokenize like real files.
struct RandomModel {
    var dim = 128
    var layers = 2
    var heads = 4
    var kvHeads = 2
    var headDim: Int? = nil
    var ffn = 256
    var context = 256
    var matrixType: GGMLType = .f16
    var outputType: GGMLType? = nil
    var tiedEmbeddings = false
    var ropeScaleFactor: Double? = nil
    var architecture = "llama"
    var seed: UInt64 = 7

    /// Writes the model into a temporary file and returns its path.
    func write() throws -> String {
        let vocab = try GGUFFile(path: try Fixtures.path("llama2-vocab.gguf"))
        let headDim = self.headDim ?? dim / heads
        let vocabularySize = vocab["tokenizer.ggml.tokens"]!.arrayValue!.count
        var writer = GGUFWriter()
        writer.set("general.architecture", .string(architecture))
        writer.set("general.name", .string("random-test"))
        let a = architecture
        writer.set("\(a).context_length", .uint32(UInt32(context)))
        writer.set("\(a).embedding_length", .uint32(UInt32(dim)))
        writer.set("\(a).block_count", .uint32(UInt32(layers)))
        writer.set("\(a).feed_forward_length", .uint32(UInt32(ffn)))
        writer.set("\(a).attention.head_count", .uint32(UInt32(heads)))
        writer.set("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads)))
        writer.set("\(a).attention.layer_norm_rms_epsilon", .float32(1e-5))
        writer.set("\(a).rope.freq_base", .float32(10000))
        if self.headDim != nil { writer.set("\(a).attention.key_length", .uint32(UInt32(headDim))) }
        if let factor = ropeScaleFactor {
            writer.set("\(a).rope.scaling.type", .string("linear"))
            writer.set("\(a).rope.scaling.factor", .float32(Float(factor)))
        }
        for (key, value) in vocab.metadata where key.hasPrefix("tokenizer.") {
            writer.set(key, value)
        }
        var rng = SeededRandom(seed: seed)
        func matrix(_ name: String, columns: Int, rows: Int, type: GGMLType? = nil) {
            let type = type ?? matrixType
            let values = (0..<(rows * columns)).map { _ in rng.gaussian() / Float(columns).squareRoot() }
            let bytes = values.withUnsafeBufferPointer { Kernels.quantize($0.baseAddress!, count: values.count, to: type) }
            writer.addTensor(name: name, dimensions: [columns, rows], type: type, bytes: bytes)
        }
        func norm(_ name: String) {
            let values = (0..<dim).map { _ in 1 + 0.1 * rng.gaussian() }
            writer.addTensor(name: name, dimensions: [dim], type: .f32, bytes: values.withUnsafeBytes { Array($0) })
        }
        matrix("token_embd.weight", columns: dim, rows: vocabularySize)
        for i in 0..<layers {
            let p = "blk.\(i)."
            norm(p + "attn_norm.weight")
            matrix(p + "attn_q.weight", columns: dim, rows: heads * headDim)
            matrix(p + "attn_k.weight", columns: dim, rows: kvHeads * headDim)
            matrix(p + "attn_v.weight", columns: dim, rows: kvHeads * headDim)
            matrix(p + "attn_output.weight", columns: heads * headDim, rows: dim)
            norm(p + "ffn_norm.weight")
            matrix(p + "ffn_gate.weight", columns: dim, rows: ffn)
            matrix(p + "ffn_up.weight", columns: dim, rows: ffn)
            matrix(p + "ffn_down.weight", columns: ffn, rows: dim)
        }
        norm("output_norm.weight")
        if !tiedEmbeddings { matrix("output.weight", columns: dim, rows: vocabularySize, type: outputType) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ghostchat-random-\(getpid())-\(UUID().uuidString.prefix(8)).gguf").path
        try writer.write(to: path)
        return path
    }
}

