import Foundation
import Kernels
import Llama
import TestSupport
import XCTest

/// Exact arithmetic is the judge: ghostchat's logits on llama.cpp's perplexity positions
/// against a float64 forward pass of the same weights (`tools/exact`), on every kernel path
/// this CPU has. The fixtures (`Fixtures/exact/*.topk`) hold exact's top-32 logits,
/// log-sum-exp and std per position, and llama.cpp's distance from exact on the same positions,
/// measured once by `tools/exact/make-fixtures.py`.
///
/// The guard, on each measure: ghostchat is at most `tolerance` × llama.cpp's distance, plus
/// `noise` standard errors of its own measurement (the per-position differences are
/// pseudo-random rounding flips; their average over a few hundred positions still wobbles).
/// llama.cpp's AVX-512 and AVX2 builds are both recorded in the fixture:
/// - mean KLD, an average of a positive quantity, is steady: held to the *closer* build's;
/// - the perplexity error is a signed average in which errors cancel, dominated by noise (on
///   SmolLM2 one build is −0.08 % from exact, the other −0.54 %; on the random Q4_0 model
///   ghostchat is +0.08 % and the builds +0.03/+0.04 %, on its Q8_0 sibling ghostchat −0.15 %
///   and llama.cpp −0.22 %): held to the *farther* build's, which is what a llama.cpp user on
///   that CPU gets; likewise the top-token disagreements where exact's margin is clear, with
///   one more allowed as chance (`chanceMisses`).
/// Kernel paths are chosen by instruction set, so these results are the same on every CPU with
/// that path; the test runs each path this CPU has (CI machines have had both x86 paths).
final class ExactArithmeticTests: XCTestCase {
    static let tolerance = 1.25
    static let noise = 2.0
    /// Clear-margin disagreements allowed beyond llama.cpp's. A count of rare flips has no
    /// standard error of its own to add, so the allowance is the spread measured between
    /// implementations of equal accuracy on SmolLM2's 241 clear positions: llama.cpp's
    /// AVX-512 and AVX2 builds 0 and 0; ghostchat's row-major AVX-512 and AVX2 kernels 0 and 0;
    /// its packed AVX-512 kernels 0 and packed AVX2 kernels 1, the last with mean KLD
    /// 0.002272 ± 0.000104 against the row-major AVX2 kernels' 0.002254 ± 0.000101 (only
    /// the float summation order differs). Every random-weight fixture measured 0 on all of
    /// them. The largest spread seen is one.
    static let chanceMisses = 1.0

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/exact/\(name).topk").path
    }

    func check(model path: String, fixture: String, kernelPaths: [String]) throws {
        try Self.check(model: path, fixture: Self.fixture(fixture), kernelPaths: kernelPaths)
    }

    override func tearDown() {
        Kernels.setPath(Kernels.availablePaths.last!)
    }

    /// Measures `path` on every kernel path against the exact fixture at `fixturePath` and
    /// applies the guard; returns each path's distance.
    @discardableResult
    static func check(model path: String, fixture fixturePath: String, kernelPaths: [String]) throws -> [String: LogitDistance.Summary] {
        let fixture = URL(fileURLWithPath: fixturePath).deletingPathExtension().lastPathComponent
        let exact = try TopLogitsFile(path: fixturePath)
        let builds = try XCTUnwrap(exact.meta.llamacpp, "the fixture records llama.cpp's distance")
        XCTAssertFalse(builds.isEmpty)
        let text = try String(contentsOfFile: try Fixtures.path("essay.txt"), encoding: .utf8)
        for llama in builds {
            print(String(format: "%@: exact ppl %.4f; %@: ppl %+.3f %%, mean KLD %.6f, p99 %.6f, same top %d/%d, clear %d/%d",
                         fixture, exact.meta.ppl ?? 0, llama.build ?? "?", (llama.ppl / llama.pplBase - 1) * 100, llama.kldMean, llama.kldP99,
                         llama.sameTop, llama.positions, llama.clearSameTop, llama.clear))
        }
        let llamaPerplexityError = builds.map(\.lnPerplexityRatio).max()!
        let llamaKLD = builds.map(\.kldMean).min()!
        let llamaMisses = builds.map { $0.clear - $0.clearSameTop }.max()!
        var results: [String: LogitDistance.Summary] = [:]
        for kernels in kernelPaths {
            XCTAssertTrue(Kernels.setPath(kernels))
            let model = try LlamaModel(path: path, contextLength: exact.contextLength, threads: 2)
            let chunks = try model.perplexityChunks(of: text, length: exact.contextLength)
            XCTAssertEqual(chunks.tokens, exact.tokens, "\(fixture): the text tokenizes as llama.cpp's")
            guard chunks.tokens == exact.tokens else { continue }
            var distance = LogitDistance()
            var index = 0
            try model.forEachScoredPosition(chunks) { row, target in
                distance.add(base: exact.records[index], row: row, target: target)
                index += 1
            }
            let s = distance.summary
            results[kernels] = s
            print(String(format: "%@ ghostchat %@: ppl %.4f (%+.3f %% ± %.3f), mean KLD %.6f ± %.6f, p99 %.6f, max %.6f, same top %d/%d, clear %d/%d",
                         fixture, kernels, s.ppl, (s.ppl / s.pplBase - 1) * 100, (s.lnPerplexityRatioError ?? 0) * 100, s.kldMean, s.kldMeanError ?? 0, s.kldP99, s.kldMax,
                         s.sameTop, s.positions, s.clearSameTop, s.clear))
            XCTAssertEqual(s.positions, builds[0].positions)
            XCTAssertEqual(s.pplBase, builds[0].pplBase, accuracy: builds[0].pplBase * 1e-6, "exact perplexity read back")
            XCTAssertLessThanOrEqual(s.lnPerplexityRatio, tolerance * llamaPerplexityError + noise * (s.lnPerplexityRatioError ?? 0),
                                     "\(fixture) \(kernels): perplexity error vs exact (± \(s.lnPerplexityRatioError ?? 0)), llama.cpp's is \(llamaPerplexityError)")
            XCTAssertLessThanOrEqual(s.kldMean, tolerance * llamaKLD + noise * (s.kldMeanError ?? 0),
                                     "\(fixture) \(kernels): mean KLD from exact (± \(s.kldMeanError ?? 0)), llama.cpp's is \(llamaKLD)")
            let misses = s.clear - s.clearSameTop
            XCTAssertEqual(s.clear, builds[0].clear)
            XCTAssertLessThanOrEqual(Double(misses), tolerance * Double(llamaMisses) + chanceMisses,
                                     "\(fixture) \(kernels): top-token disagreements with exact where its margin is clear (llama.cpp's: \(llamaMisses))")
        }
        return results
    }

    func testSmolLM2IsNoFartherFromExactThanLlamaCpp() throws {
        try check(model: try FixtureLocator.smolLM2(), fixture: "smollm2-135m-instruct-q4_1-essay",
                  kernelPaths: SmolLM2ConformanceTests.paths)
    }

    func testRandomModelIsNoFartherFromExactThanLlamaCpp() throws {
        try check(model: try Fixtures.path("tiny-llama-q4_0.gguf"), fixture: "tiny-llama-q4_0-essay", kernelPaths: Kernels.availablePaths)
    }

    /// The file format round-trips, and a damaged file is a one-line error.
    func testTopLogitsFileRoundTripAndDamage() throws {
        let exact = try TopLogitsFile(path: Self.fixture("tiny-llama-q4_0-essay"))
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("topk-\(UUID().uuidString).topk").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try exact.write(to: copy)
        let back = try TopLogitsFile(path: copy)
        XCTAssertEqual(back.tokens, exact.tokens)
        XCTAssertEqual(back.records.count, exact.records.count)
        XCTAssertEqual(back.records.last?.ids, exact.records.last?.ids)
        XCTAssertEqual(back.records.last?.logits, exact.records.last?.logits)
        XCTAssertEqual(back.meta.llamacpp, exact.meta.llamacpp)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        bytes.removeLast(7)
        try bytes.write(to: URL(fileURLWithPath: copy))
        XCTAssertThrowsError(try TopLogitsFile(path: copy)) { error in
            XCTAssertTrue("\(error)".contains("not a ghostchat top-logits file"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
