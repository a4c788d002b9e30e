import Foundation
import GGUF

/// Writes a tiny Llama model (real GGUF, real Llama 2 vocabulary) whose reply is fixed: it
/// emits a chosen byte string, then end-of-sequence. The end-to-end tests use it to make the
/// real engine produce hostile output (escape sequences, invalid UTF-8) through the real
/// tokenizer, decoder and front ends.
///
/// How: one layer whose attention and feed-forward weights are all zero, so the hidden state
/// is the current token's embedding. Each token of the script gets its own basis vector, and
/// the output matrix maps that vector to the next token of the script with a large logit. Any
/// other token (whatever ends the prompt) embeds as the vector that predicts the first token.
/// The next token depends only on the current one, so every token of the script must be
/// distinct: a byte repeats by using its byte token (`<0x3B>`) once and its plain piece
/// (`;`) once.
public enum ScriptedModel {
    public struct ScriptError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes the model to a temporary file; returns its path. `vocabulary` is the path of
    /// `llama2-vocab.gguf`.
    public static func write(replying bytes: [UInt8], vocabulary: String) throws -> String {
        let vocab = try GGUFFile(path: vocabulary)
        guard let pieces = vocab["tokenizer.ggml.tokens"]?.arrayValue?.strings else {
            throw ScriptError(description: "\(vocabulary) has no tokens")
        }
        var ids: [String: Int] = [:]
        for (id, piece) in pieces.enumerated() where ids[piece] == nil { ids[piece] = id }
        var script: [Int] = []
        for byte in bytes {
            let candidates = [String(format: "<0x%02X>", byte)] + (byte < 0x80 ? [byte == 0x20 ? "▁" : String(UnicodeScalar(byte))] : [])
            guard let id = candidates.compactMap({ ids[$0] }).first(where: { !script.contains($0) }) else {
                throw ScriptError(description: "byte 0x\(String(byte, radix: 16)) occurs too often for a one-token-state script")
            }
            script.append(id)
        }
        let eos = vocab["tokenizer.ggml.eos_token_id"]?.intValue ?? 2
        return try write(tokens: script, endOfSequence: eos, vocab: vocab, vocabularySize: pieces.count)
    }

    static func write(tokens script: [Int], endOfSequence eos: Int, vocab: GGUFFile, vocabularySize: Int) throws -> String {
        let dim = max(32, (script.count + 2 + 7) / 8 * 8)
        let ffn = 32
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("general.name", .string("scripted-test"))
        writer.set("llama.context_length", .uint32(512))
        writer.set("llama.embedding_length", .uint32(UInt32(dim)))
        writer.set("llama.block_count", .uint32(1))
        writer.set("llama.feed_forward_length", .uint32(UInt32(ffn)))
        writer.set("llama.attention.head_count", .uint32(1))
        writer.set("llama.attention.head_count_kv", .uint32(1))
        writer.set("llama.attention.layer_norm_rms_epsilon", .float32(1e-5))
        writer.set("llama.rope.freq_base", .float32(10000))
        for (key, value) in vocab.metadata where key.hasPrefix("tokenizer.") && key != "tokenizer.chat_template" {
            writer.set(key, value)
        }
        func tensor(_ name: String, _ values: [Float], _ dimensions: [Int]) {
            writer.addTensor(name: name, dimensions: dimensions, type: .f32, bytes: values.withUnsafeBytes { Array($0) })
        }
        // Embeddings: script token k → basis vector k+1; every other token → vector 0.
        var embeddings = [Float](repeating: 0, count: vocabularySize * dim)
        for token in 0..<vocabularySize { embeddings[token * dim] = 1 }
        for (k, token) in script.enumerated() {
            embeddings[token * dim] = 0
            embeddings[token * dim + k + 1] = 1
        }
        // Output: vector k predicts script[k]; the last script token predicts end-of-sequence.
        var output = [Float](repeating: 0, count: vocabularySize * dim)
        for (k, token) in (script + [eos]).enumerated() { output[token * dim + k] = 8 }
        tensor("token_embd.weight", embeddings, [dim, vocabularySize])
        let zeros = { (n: Int) in [Float](repeating: 0, count: n) }
        tensor("blk.0.attn_norm.weight", [Float](repeating: 1, count: dim), [dim])
        for name in ["attn_q", "attn_k", "attn_v", "attn_output"] { tensor("blk.0.\(name).weight", zeros(dim * dim), [dim, dim]) }
        tensor("blk.0.ffn_norm.weight", [Float](repeating: 1, count: dim), [dim])
        tensor("blk.0.ffn_gate.weight", zeros(dim * ffn), [dim, ffn])
        tensor("blk.0.ffn_up.weight", zeros(dim * ffn), [dim, ffn])
        tensor("blk.0.ffn_down.weight", zeros(dim * ffn), [ffn, dim])
        tensor("output_norm.weight", [Float](repeating: 1, count: dim), [dim])
        tensor("output.weight", output, [dim, vocabularySize])
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ghostchat-scripted-\(getpid())-\(UUID().uuidString.prefix(8)).gguf").path
        try writer.write(to: path)
        return path
    }
}
