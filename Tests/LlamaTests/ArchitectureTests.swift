import Foundation
import GGUF
import Kernels
import Llama
import TestSupport
import XCTest

/// Every family in the architecture table, on a small random-weight model with that family's
/// structure (`tools/make-architecture-models.py`: Llama 3.2 with rope_freqs, Qwen 2.5 with QKV
/// biases, Qwen3 with QK norm and heads wider than the model, Phi-3 with fused QKV and
/// gate/up tensors, Gemma 3 with its embedding scale, post-norms, GELU and five sliding-window
/// layers of 32 positions (rope base 10 000) to one global layer (base 1e6, scaled 8×), the
/// essay's 128-token chunks crossing the window, Falcon with parallel attention and MLP on one
/// LayerNorm with bias and an ungated GELU MLP, MPT with ALiBi, bias-free LayerNorm and
/// clipped QKV), as F16 and as llama.cpp's
/// Q4_K_M (the Llama 3 shape also as Q4_1, Q5_0, Q5_1, Q2_K, Q3_K_M and IQ4_NL), on every
/// kernel path this CPU has:
/// - no farther from exact arithmetic than llama.cpp (the guard of `ExactArithmeticTests`),
///   which also checks the argmax against exact's wherever its margin is clear;
/// - perplexity within 0.1 % (F16) or 1 % (quantized) of llama.cpp's (the closer build's).
final class ArchitectureTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/architectures")

    static func model(_ name: String) -> String { directory.appendingPathComponent("\(name).gguf").path }

    override func tearDown() {
        Kernels.setPath(Kernels.availablePaths.last!)
    }

    func check(_ name: String, architecture: String, perplexityTolerance: Double) throws {
        let path = Self.model(name)
        XCTAssertEqual(try GGUFFile(path: path).architecture, architecture)
        let fixture = Self.directory.appendingPathComponent("\(name)-essay.topk").path
        let results = try ExactArithmeticTests.check(model: path, fixture: fixture, kernelPaths: Kernels.availablePaths)
        let builds = try XCTUnwrap(TopLogitsFile(path: fixture).meta.llamacpp)
        for (kernels, result) in results {
            let closest = builds.map { abs(result.ppl / $0.ppl - 1) }.min()!
            XCTAssertLessThanOrEqual(closest, perplexityTolerance, "\(name) \(kernels): perplexity \(result.ppl) vs llama.cpp's \(builds.map(\.ppl))")
        }
    }

    func testLlama3RopeScaling() throws {
        try check("llama3-f16", architecture: "llama", perplexityTolerance: 0.001)
        try check("llama3-q4_k_m", architecture: "llama", perplexityTolerance: 0.01)
        let model = try LlamaModel(path: Self.model("llama3-f16"), contextLength: 64, threads: 2)
        XCTAssertEqual(model.weights.ropeFrequencyFactors?.count, model.config.ropeDimensions / 2)
    }

    /// The Llama 3 shape quantized by llama.cpp to every other block type the engine reads
    /// (Q2_K's mix adds Q3_K, Q3_K_M's adds Q4_K and Q5_K; all have a Q6_K output).
    func testEveryBlockTypeOnAWholeModel() throws {
        for type in ["q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "iq4_nl"] {
            try check("llama3-\(type)", architecture: "llama", perplexityTolerance: 0.01)
        }
    }

    func testQwen2QKVBias() throws {
        try check("qwen2-f16", architecture: "qwen2", perplexityTolerance: 0.001)
        try check("qwen2-q4_k_m", architecture: "qwen2", perplexityTolerance: 0.01)
    }

    func testQwen3QKNormAndWideHeads() throws {
        try check("qwen3-f16", architecture: "qwen3", perplexityTolerance: 0.001)
        try check("qwen3-q4_k_m", architecture: "qwen3", perplexityTolerance: 0.01)
        let model = try LlamaModel(path: Self.model("qwen3-f16"), contextLength: 64, threads: 2)
        XCTAssertEqual(model.config.qDim, 2 * model.config.dim, "4 heads of 128 on a width of 256")
    }

    func testPhi3FusedTensors() throws {
        try check("phi3-f16", architecture: "phi3", perplexityTolerance: 0.001)
        try check("phi3-q4_k_m", architecture: "phi3", perplexityTolerance: 0.01)
    }

    func testGemma3SlidingWindowAndPostNorms() throws {
        try check("gemma3-f16", architecture: "gemma3", perplexityTolerance: 0.001)
        try check("gemma3-q4_k_m", architecture: "gemma3", perplexityTolerance: 0.01)
        let model = try LlamaModel(path: Self.model("gemma3-f16"), contextLength: 64, threads: 2)
        XCTAssertEqual(model.config.slidingWindow, 32)
        XCTAssertEqual((0..<6).map(model.config.architecture.isSlidingWindowLayer), [true, true, true, true, true, false])
    }

    /// Gemma 3's local layers keep 2 × window + batch positions, not the whole context; a
    /// long text evaluated in small batches (the window's positions moved to the front many
    /// times) gives the logits of a cache that keeps everything, and a rewind keeps what the
    /// window still holds or starts again.
    func testSlidingWindowLayersKeepOnlyTheirWindow() throws {
        let path = Self.model("gemma3-f16")
        let small = try LlamaModel(path: path, contextLength: 400, threads: 2, batchSize: 8)
        let whole = try LlamaModel(path: path, contextLength: 400, threads: 2, batchSize: 400)
        let kvDim = small.config.kvDim
        XCTAssertEqual(small.cacheByteCount, 2 * (5 * (2 * 32 + 8) + 400) * kvDim * 2, "five local layers of 72 positions, one of 400")
        XCTAssertEqual(whole.cacheByteCount, 2 * 6 * 400 * kvDim * 2, "a batch as long as the context leaves nothing to save")

        let text = try String(contentsOfFile: FixtureLocator.shared("essay.txt"), encoding: .utf8)
        let tokens = Array(small.tokenizer.encode(text).prefix(400))
        XCTAssertEqual(tokens.count, 400)
        let vocab = small.config.vocabularySize
        let expected = Array(try whole.evaluate(tokens, logits: .all))
        // Token by token at first, then in batches, so both kinds of pass cross the window.
        var got: [Float] = []
        for token in tokens.prefix(100) { got += try small.evaluate([token], logits: .last) }
        got += try small.evaluate(Array(tokens[100...]), logits: .all)
        XCTAssertEqual(got.count, expected.count)
        var worst: Float = 0
        for position in 0..<tokens.count {
            let a = expected[(position * vocab)..<((position + 1) * vocab)], b = got[(position * vocab)..<((position + 1) * vocab)]
            worst = max(worst, zip(a, b).map { abs($0 - $1) }.max()!)
        }
        XCTAssertLessThan(worst, 1e-3, "windowed cache vs full cache")

        small.truncate(to: 395)
        XCTAssertEqual(small.position, 395, "a short rewind keeps the window")
        let again = Array(try small.evaluate(Array(tokens[395...]), logits: .last))
        XCTAssertLessThan(zip(again, expected.suffix(vocab)).map { abs($0 - $1) }.max()!, 1e-3)
        small.truncate(to: 100)
        XCTAssertEqual(small.position, 0, "a long rewind finds the window gone and starts again")
        let fresh = Array(try small.evaluate(Array(tokens.prefix(100)), logits: .last))
        XCTAssertLessThan(zip(fresh, expected[(99 * vocab)..<(100 * vocab)]).map { abs($0 - $1) }.max()!, 1e-3)
    }

    func testFalconParallelBlocksAndLayerNorm() throws {
        try check("falcon-f16", architecture: "falcon", perplexityTolerance: 0.001)
        try check("falcon-q4_k_m", architecture: "falcon", perplexityTolerance: 0.01)
        let model = try LlamaModel(path: Self.model("falcon-f16"), contextLength: 64, threads: 2)
        XCTAssertNil(model.weights.layers[0].gate)
        XCTAssertNil(model.weights.layers[0].ffnNorm)
        XCTAssertEqual(model.config.kvHeadCount, 1, "multi-query attention")
    }

    func testMPTAlibiAndClampedQKV() throws {
        try check("mpt-f16", architecture: "mpt", perplexityTolerance: 0.001)
        try check("mpt-q4_k_m", architecture: "mpt", perplexityTolerance: 0.01)
        let model = try LlamaModel(path: Self.model("mpt-f16"), contextLength: 64, threads: 2)
        XCTAssertEqual(model.config.maxAlibiBias, 8)
        XCTAssertEqual(model.config.clampQKV, 6)
        XCTAssertTrue(model.weights.tiedEmbeddings)
        // llama.cpp's slopes: powers of 2^(−8/4) for 4 heads; for 6, the last two interleave at 2^(−4/4).
        XCTAssertEqual(Architecture.alibiSlopes(heads: 4, maxBias: 8), [0.25, 0.0625, 0.015625, 0.00390625])
        XCTAssertEqual(Architecture.alibiSlopes(heads: 6, maxBias: 8).suffix(2), [0.5, 0.125])
    }

    /// Every family model's greedy continuation of the three fixture prompts equals llama.cpp's
    /// (`NAME.ref.json`, made by ../shared/fixtures/make/reference.py) up to its first step whose
    /// margin is under 0.15 logit std, and the prompt's argmax wherever llama.cpp's is clear.
    func testGreedyTextMatchesLlamaCppUpToTheFirstUnclearStep() throws {
        let models = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".gguf") }.map { String($0.dropLast(5)) }.sorted()
        XCTAssertEqual(models.count, 20)
        var compared = 0
        for name in models {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).ref.json"))
            let reference = try JSONDecoder().decode(Fixtures.Reference.self, from: data)
            for kernels in Kernels.availablePaths {
                XCTAssertTrue(Kernels.setPath(kernels))
                let model = try LlamaModel(path: Self.model(name), contextLength: 128, threads: 2)
                for (index, prompt) in reference.prompts.enumerated() {
                    XCTAssertEqual(model.tokenizer.encode(prompt.text), prompt.tokens, "\(name): prompt \(index) tokens")
                    model.reset()
                    let logits = try model.evaluate(prompt.tokens, logits: .all)
                    let vocab = model.config.vocabularySize
                    for position in prompt.tokens.indices where prompt.margin[position] / prompt.logit_std[position] >= 0.15 {
                        let row = UnsafeBufferPointer(rebasing: logits[(position * vocab)..<((position + 1) * vocab)])
                        XCTAssertEqual(Int32(LogitRow(row).argmax), prompt.argmax[position], "\(name) \(kernels) prompt \(index) position \(position)")
                    }
                    let clear = prompt.greedy_margin_over_std.firstIndex { $0 < 0.15 } ?? prompt.greedy.count
                    model.reset()
                    var settings = SamplerSettings()
                    settings.temperature = 0
                    var sampler = Sampler(settings: settings)
                    var generated: [Int32] = []
                    try model.generate(prompt: prompt.tokens, maxTokens: max(clear, 1), sampler: &sampler) { generated.append($0); return true }
                    XCTAssertEqual(Array(generated.prefix(clear)), Array(prompt.greedy.prefix(clear)), "\(name) \(kernels) prompt \(index): greedy")
                    compared += clear
                }
            }
        }
        print("family models: \(compared) greedy tokens compared with llama.cpp's")
        XCTAssertGreaterThan(compared, 200)
    }

    /// A copy of `name` changed by `edit`, loaded; returns the one-line error.
    func loadError(_ name: String, _ edit: (inout GGUFWriter) -> Void) throws -> String {
        var writer = GGUFWriter(copying: try GGUFFile(path: Self.model(name)))
        edit(&writer)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("arch-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try writer.write(to: copy)
        do {
            _ = try LlamaModel(path: copy, contextLength: 64, threads: 1)
            XCTFail("\(name): the edited file loaded")
            return ""
        } catch {
            XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            return "\(error)"
        }
    }

    func testBadFilesAreOneLineErrors() throws {
        let noBias = try loadError("qwen2-f16") { $0.removeTensor(named: "blk.1.attn_k.bias") }
        XCTAssertTrue(noBias.contains("missing tensor 'blk.1.attn_k.bias', which qwen2 models need (QKV bias)"), noBias)
        let noNorm = try loadError("qwen3-f16") { $0.removeTensor(named: "blk.0.attn_q_norm.weight") }
        XCTAssertTrue(noNorm.contains("which qwen3 models need (QK norm)"), noNorm)
        let shortFactors = try loadError("llama3-f16") { writer in
            writer.removeTensor(named: "rope_freqs.weight")
            writer.addTensor(name: "rope_freqs.weight", dimensions: [16], type: .f32, bytes: Array(repeating: 0, count: 64))
        }
        XCTAssertTrue(shortFactors.contains("'rope_freqs.weight' has shape [16], expected [32]"), shortFactors)
        let zeroFactors = try loadError("llama3-f16") { writer in
            writer.removeTensor(named: "rope_freqs.weight")
            writer.addTensor(name: "rope_freqs.weight", dimensions: [32], type: .f32, bytes: Array(repeating: 0, count: 128))
        }
        XCTAssertTrue(zeroFactors.contains("not a positive number"), zeroFactors)
        let longRope = try loadError("phi3-f16") { writer in
            writer.addTensor(name: "rope_factors_long.weight", dimensions: [32], type: .f32, bytes: Array(repeating: 0, count: 128))
        }
        XCTAssertTrue(longRope.contains("not supported yet"), longRope)
        let wideWindow = try loadError("gemma3-f16") { $0.set("gemma3.attention.sliding_window", .uint32(4096)) }
        XCTAssertTrue(wideWindow.contains("sliding window 4096 must be between 1 and the trained context 512"), wideWindow)
        let noWindow = try loadError("gemma3-f16") { $0.remove("gemma3.attention.sliding_window") }
        XCTAssertTrue(noWindow.contains("gemma3.attention.sliding_window"), noWindow)
        let noPostNorm = try loadError("gemma3-f16") { $0.removeTensor(named: "blk.5.post_ffw_norm.weight") }
        XCTAssertTrue(noPostNorm.contains("which gemma3 models need (post-norms)"), noPostNorm)
        let noNormBias = try loadError("falcon-f16") { $0.removeTensor(named: "output_norm.bias") }
        XCTAssertTrue(noNormBias.contains("missing tensor 'output_norm.bias', which falcon models need (LayerNorm)"), noNormBias)
        let unknown = try loadError("qwen3-f16") { $0.set("general.architecture", .string("qwen9")) }
        XCTAssertTrue(unknown.contains("unsupported architecture 'qwen9'"), unknown)
    }
}
