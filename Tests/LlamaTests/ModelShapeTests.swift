import Foundation
import GGUF
import Kernels
@testable import Llama
import Tokenizer
import XCTest

/// Shapes and options beyond the fixtures: grouped- and multi-query attention, other head
/// widths, tied embeddings, rope scaling, and batched against token-by-token evaluation.
final class ModelShapeTests: XCTestCase {
    let prompt = "The quick brown fox jumps over the lazy dog, again and again."

    /// Logits of the last prompt token, evaluated in one batch and token by token.
    func batchedAndStepwise(_ path: String, threads: Int = 2) throws -> (batched: [Float], stepwise: [Float]) {
        let model = try LlamaModel(path: path, contextLength: 128, threads: threads)
        let tokens = model.tokenizer.encode(prompt, addBOS: true)
        let batched = Array(try model.evaluate(tokens, logits: .last))
        model.reset()
        var stepwise: [Float] = []
        for token in tokens { stepwise = Array(try model.evaluate([token], logits: .last)) }
        XCTAssertEqual(model.position, tokens.count)
        return (batched, stepwise)
    }

    func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-3, _ label: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, tolerance, "\(label): max |Δ| \(worst)", file: file, line: line)
        XCTAssertTrue(a.allSatisfy(\.isFinite), file: file, line: line)
    }

    func testShapesLoadAndAgreeBatchedVersusStepwise() throws {
        let shapes: [(String, RandomModel)] = [
            ("multi-head", RandomModel(heads: 4, kvHeads: 4)),
            ("multi-query", RandomModel(heads: 4, kvHeads: 1)),
            ("gqa 8:1, head 32", RandomModel(dim: 256, heads: 8, kvHeads: 1, headDim: 32)),
            ("head 96", RandomModel(dim: 192, heads: 2, kvHeads: 1, headDim: 96)),
            ("head 128, q8_0", RandomModel(dim: 256, heads: 2, kvHeads: 2, matrixType: .q8_0)),
            ("q4_0 with q8_0 output", RandomModel(matrixType: .q4_0, outputType: .q8_0)),
        ]
        for (name, shape) in shapes {
            let path = try shape.write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (batched, stepwise) = try batchedAndStepwise(path)
            assertClose(batched, stepwise, name + ", batched vs token by token")
            let single = try batchedAndStepwise(path, threads: 1)
            assertClose(batched, single.batched, tolerance: 1e-4, name + ", 2 threads vs 1")
        }
    }

    /// The families of the architecture table (QKV bias, QK norm, neox rope, rope factors)
    /// give the same logits batched and token by token.
    func testFamiliesAgreeBatchedVersusStepwise() throws {
        for name in ["llama3-f16", "qwen2-f16", "qwen3-q4_k_m", "phi3-q4_k_m", "gemma3-q4_k_m", "falcon-f16", "mpt-q4_k_m"] {
            let (batched, stepwise) = try batchedAndStepwise(ArchitectureTests.model(name))
            assertClose(batched, stepwise, name)
        }
    }

    func testBF16AndF32WeightsRun() throws {
        for type in [GGMLType.bf16, .f32] {
            let path = try RandomModel(matrixType: type).write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (batched, stepwise) = try batchedAndStepwise(path)
            assertClose(batched, stepwise)
        }
    }

    func testModelTooLargeForMemoryIsRefusedClearly() throws {
        let file = try GGUFFile(path: try Fixtures.path("tiny-llama-q4_0.gguf"))
        let config = try LlamaConfig(gguf: file)
        XCTAssertThrowsError(try LlamaModel.checkMemory(file: file, config: config, contextLength: 512, available: 1 << 20)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("model needs") && text.contains("this machine has"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertNoThrow(try LlamaModel.checkMemory(file: file, config: config, contextLength: 512, available: 1 << 30))
    }

    func testLoadingReportsProgressUpToOne() throws {
        var fractions: [Double] = []
        _ = try LlamaModel(path: try Fixtures.path("tiny-llama-q4_0.gguf"), contextLength: 64, threads: 1) { fractions.append($0) }
        XCTAssertFalse(fractions.isEmpty)
        XCTAssertEqual(fractions, fractions.sorted(), "progress only goes forward")
        XCTAssertEqual(fractions.last, 1)
    }

    func testTiedEmbeddingsUseTokenEmbedding() throws {
        let path = try RandomModel(tiedEmbeddings: true).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try LlamaModel(path: path, contextLength: 64, threads: 1)
        XCTAssertTrue(model.weights.tiedEmbeddings)
        let logits = try model.evaluate(model.tokenizer.encode("hello", addBOS: true))
        XCTAssertEqual(logits.count, model.config.vocabularySize)
        XCTAssertTrue(logits.allSatisfy(\.isFinite))
    }

    func testLinearRopeScalingIsRead() throws {
        let path = try RandomModel(ropeScaleFactor: 4).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try LlamaConfig(gguf: GGUFFile(path: path))
        XCTAssertEqual(config.ropeFreqScale, 0.25)
        // Scaling changes what the model computes beyond position 0.
        let plain = try RandomModel().write()
        defer { try? FileManager.default.removeItem(atPath: plain) }
        XCTAssertNotEqual(try batchedAndStepwise(path).batched, try batchedAndStepwise(plain).batched)
    }

    func testMistralArchitectureNameLoads() throws {
        let path = try RandomModel(architecture: "mistral").write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertNoThrow(try LlamaModel(path: path, contextLength: 32, threads: 1))
    }

    func testContextFullIsAnError() throws {
        let path = try RandomModel().write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try LlamaModel(path: path, contextLength: 8, threads: 1)
        let tokens = model.tokenizer.encode(prompt, addBOS: true)
        XCTAssertThrowsError(try model.evaluate(tokens)) { error in
            XCTAssertTrue("\(error)".contains("context is full"), "\(error)")
        }
        XCTAssertEqual(model.position, 0, "a refused batch leaves the cache as it was")
        XCTAssertThrowsError(try model.evaluate([Token(model.config.vocabularySize)]))
    }

    func testUnknownArchitectureAndUnsupportedTypesAreClearErrors() throws {
        let base = try GGUFFile(path: try Fixtures.path("tiny-llama-f16.gguf"))
        func variant(_ edit: (inout GGUFWriter) -> Void) throws -> String {
            var writer = GGUFWriter(copying: base)
            edit(&writer)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-variant-\(UUID().uuidString.prefix(8)).gguf").path
            try writer.write(to: path)
            return path
        }
        func assertLoadError(_ path: String, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
            defer { try? FileManager.default.removeItem(atPath: path) }
            XCTAssertThrowsError(try LlamaModel(path: path, contextLength: 32, threads: 1), file: file, line: line) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(mentions), text, file: file, line: line)
                XCTAssertFalse(text.contains("\n"), "one line: \(text)", file: file, line: line)
            }
        }
        assertLoadError(try variant { $0.set("general.architecture", .string("gpt2")) }, mentions: "unsupported architecture 'gpt2'")
        assertLoadError(try variant { $0.set("tokenizer.ggml.model", .string("gpt2")) }, mentions: "gpt2")
        assertLoadError(try variant { $0.set("llama.attention.head_count_kv", .uint32(3)) }, mentions: "not a multiple")
        assertLoadError(try variant { $0.set("llama.embedding_length", .uint32(512)) }, mentions: "shape")
        // An IQ2_XXS tensor: a real ggml type this engine does not run.
        assertLoadError(try variant { writer in
            var tensors = writer.tensors
            let index = tensors.firstIndex { $0.name == "blk.0.attn_q.weight" }!
            tensors[index].type = .iq2_xxs
            let count = GGMLType.iq2_xxs.byteCount(elements: 256 * 256)!
            tensors[index].produce = { [UInt8](repeating: 0, count: count) }
            writer = GGUFWriter()
            for (key, value) in base.metadata { writer.set(key, value) }
            for t in tensors { writer.addTensor(name: t.name, dimensions: t.dimensions, type: t.type, produce: t.produce) }
        }, mentions: "IQ2_XXS")
    }
}
