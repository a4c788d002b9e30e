import Llama
import Tokenizer
import XCTest

final class SamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]

    func sample(_ settings: SamplerSettings, history: [Token] = []) -> Token {
        var sampler = Sampler(settings: settings)
        history.forEach { sampler.accept($0) }
        return logits.withUnsafeBufferPointer { sampler.sample($0) }
    }

    func testGreedyPicksArgmax() {
        var s = SamplerSettings()
        s.temperature = 0
        XCTAssertEqual(sample(s), 1)
    }

    /// A temperature so small that logit / T overflows is greedy, for every seed.
    func testTinyTemperatureIsGreedy() {
        for seed: UInt64 in 0..<50 {
            var s = SamplerSettings()
            // 3 / 1e-39 overflows to inf (the old inf - inf gave NaN probabilities).
            s.temperature = seed % 2 == 0 ? 1e-38 : 1e-39
            s.seed = seed
            XCTAssertEqual(sample(s), 1, "seed \(seed)")
        }
    }

    func testRepeatPenaltyDividesPositiveLogits() {
        var s = SamplerSettings()
        s.temperature = 0
        s.repeatPenalty = 1.5
        // 3.0 / 1.5 = 2.0 < 2.9, so token 5 wins once token 1 was seen.
        XCTAssertEqual(sample(s, history: [1]), 5)
        // Penalty on a negative logit makes it more negative, never positive.
        XCTAssertEqual(sample(s, history: [3]), 1)
    }

    func testTopKOneIsGreedy() {
        var s = SamplerSettings()
        s.topK = 1
        s.temperature = 5
        for seed in 0..<50 as Range<UInt64> {
            s.seed = seed
            XCTAssertEqual(sample(s), 1)
        }
    }

    func testMinPDropsUnlikelyTokens() {
        var s = SamplerSettings()
        s.minP = 0.5  // keeps logits within log(2) of the best: 3.0, 2.9, 2.5
        s.topK = 0
        s.topP = 1
        s.temperature = 1
        var seen = Set<Token>()
        for seed in 0..<300 as Range<UInt64> {
            s.seed = seed
            seen.insert(sample(s))
        }
        XCTAssertEqual(seen, [1, 5, 2])
    }

    func testTopPKeepsSmallestSufficientSet() {
        var s = SamplerSettings()
        s.topP = 0.3  // token 1 alone holds about 0.33 of the mass
        s.minP = 0
        s.topK = 0
        s.temperature = 1
        for seed in 0..<50 as Range<UInt64> {
            s.seed = seed
            XCTAssertEqual(sample(s), 1)
        }
    }

    func testSameSeedSameDraws() {
        var s = SamplerSettings()
        s.topK = 0
        s.minP = 0
        s.topP = 1
        s.temperature = 1.5
        s.seed = 1234
        var a = Sampler(settings: s), b = Sampler(settings: s)
        let drawsA = (0..<100).map { _ in logits.withUnsafeBufferPointer { a.sample($0) } }
        let drawsB = (0..<100).map { _ in logits.withUnsafeBufferPointer { b.sample($0) } }
        XCTAssertEqual(drawsA, drawsB)
        XCTAssertGreaterThan(Set(drawsA).count, 2, "a hot sampler should not always pick the same token")
    }

    func testSettingsValidation() {
        var s = SamplerSettings()
        XCTAssertNil(s.problem())
        s.topP = 1.5
        XCTAssertNotNil(s.problem())
    }
}
