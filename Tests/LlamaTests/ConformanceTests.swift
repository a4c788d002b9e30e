import Foundation
import Llama
import Tokenizer
import XCTest

/// The engine against llama.cpp's outputs for the fixture models: tokens, logits,
/// greedy continuations and perplexity.
final class ConformanceTests: XCTestCase {
    /// Below this top-1 margin (in logit standard deviations) two correct
    /// implementations may pick different tokens.
    static let razorThin: Float = 0.05

    struct Tolerance {
        var maxRelative: Float
        var meanRelative: Float
        var perplexity: Double
    }

    static func tolerance(for model: String) -> Tolerance {
        model.hasSuffix("f16")
            ? Tolerance(maxRelative: 0.01, meanRelative: 0.002, perplexity: 0.001)
            : Tolerance(maxRelative: 0.15, meanRelative: 0.03, perplexity: 0.01)
    }

    func testF16() throws { try checkConformance("tiny-llama-f16") }
    func testQ8_0() throws { try checkConformance("tiny-llama-q8_0") }
    func testQ4_0() throws { try checkConformance("tiny-llama-q4_0") }
    func testQ4_K_M() throws { try checkConformance("tiny-llama-q4_k_m") }

    func checkConformance(_ name: String) throws {
        let reference = try Fixtures.reference(name)
        let tolerance = Self.tolerance(for: name)
        let model = try LlamaModel(path: try Fixtures.path(name + ".gguf"), contextLength: 512, threads: 2)
        let vocab = model.config.vocabularySize

        for (index, prompt) in reference.prompts.enumerated() {
            let tokens = model.tokenizer.encode(prompt.text, addBOS: true)
            XCTAssertEqual(tokens, prompt.tokens, "\(name) prompt \(index): tokens")

            model.reset()
            let logits = Array(try model.evaluate(prompt.tokens, logits: .all))
            for position in prompt.tokens.indices {
                let row = logits[(position * vocab)..<((position + 1) * vocab)]
                let argmax = Int32(row.indices.max { row[$0] < row[$1] }! - position * vocab)
                if prompt.margin[position] / prompt.logit_std[position] > Self.razorThin {
                    XCTAssertEqual(argmax, prompt.argmax[position], "\(name) prompt \(index): argmax at position \(position)")
                }
            }
            let last = logits[((prompt.tokens.count - 1) * vocab)...]
            let std = prompt.logit_std.last!
            var maxDelta: Float = 0, sumDelta: Float = 0
            for (mine, theirs) in zip(last, prompt.last_logits) {
                let delta = abs(mine - theirs)
                maxDelta = max(maxDelta, delta)
                sumDelta += delta
            }
            let maxRelative = maxDelta / std, meanRelative = sumDelta / Float(vocab) / std
            print(String(format: "conformance %@ prompt %d: last logits max|Δ|/std %.5f mean|Δ|/std %.6f", name, index, maxRelative, meanRelative))
            XCTAssertLessThan(maxRelative, tolerance.maxRelative, "\(name) prompt \(index): max |Δ logit| / std")
            XCTAssertLessThan(meanRelative, tolerance.meanRelative, "\(name) prompt \(index): mean |Δ logit| / std")

            // Greedy continuation: equal up to the first step where llama.cpp's own choice
            // was razor-thin; after such a step the two may legitimately diverge.
            model.reset()
            var settings = SamplerSettings()
            settings.temperature = 0
            var sampler = Sampler(settings: settings)
            var generated: [Token] = []
            try model.generate(prompt: prompt.tokens, maxTokens: prompt.greedy.count, sampler: &sampler) { token in
                generated.append(token)
                return true
            }
            let comparable = prompt.greedy_margin_over_std.firstIndex { $0 < Self.razorThin } ?? prompt.greedy.count
            print("conformance \(name) prompt \(index): greedy tokens compared \(comparable) of \(prompt.greedy.count), equal prefix \(zip(generated, prompt.greedy).prefix { $0 == $1 }.count)")
            XCTAssertEqual(Array(generated.prefix(comparable)), Array(prompt.greedy.prefix(comparable)), "\(name) prompt \(index): greedy continuation")
            if comparable == prompt.greedy.count {
                XCTAssertEqual(model.tokenizer.decode(generated), prompt.greedy_text, "\(name) prompt \(index): greedy text")
            }
        }

        let text = try String(contentsOfFile: try Fixtures.path("essay.txt"), encoding: .utf8)
        let ppl = try model.perplexity(of: text, chunkLength: reference.perplexity.ctx)
        XCTAssertEqual(ppl.chunks, reference.perplexity.chunks)
        XCTAssertEqual(ppl.tokens, reference.perplexity.tokens)
        XCTAssertEqual(ppl.scored, reference.perplexity.scored)
        let relative = abs(ppl.perplexity - reference.perplexity.ppl) / reference.perplexity.ppl
        print(String(format: "conformance %@: perplexity %.3f vs llama.cpp %.3f (%.4f %%)", name, ppl.perplexity, reference.perplexity.ppl, relative * 100))
        XCTAssertLessThan(relative, tolerance.perplexity, "\(name): perplexity")
    }
}
