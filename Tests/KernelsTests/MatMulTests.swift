import GGUF
import Kernels
import TestSupport
import XCTest

final class MatMulTests: XCTestCase {
    /// Tiles over several tokens must give exactly what one matvec per token gives.
    func testMultiTokenMatchesPerTokenMatvec() {
        var rng = SeededRandom(seed: 3)
        let scratch = MatMulScratch()
        forEachPath { path in
            for threads in [1, 2] {
                let pool = ThreadPool(threads: threads)
                for type in DotProductTests.weightTypes {
                    let columns = type.blockSize == 256 ? 512 : 96
                    let rows = 37  // not a multiple of any tile or chunk size
                    let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng)
                    w.withUnsafeBytes { wb in
                        let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                        for tokens in [1, 3, 17] {
                            let x = randomActivation(tokens * columns, rng: &rng)
                            var batched = [Float](repeating: .nan, count: tokens * rows)
                            Kernels.matmul(m, input: x, tokens: tokens, output: &batched, pool: pool, scratch: scratch)
                            for t in 0..<tokens {
                                var single = [Float](repeating: .nan, count: rows)
                                x.withUnsafeBufferPointer { xb in
                                    Kernels.matmul(m, input: xb.baseAddress! + t * columns, tokens: 1, output: &single,
                                                   pool: pool, scratch: scratch)
                                }
                                for r in 0..<rows {
                                    let a = batched[t * rows + r], b = single[r]
                                    XCTAssertLessThanOrEqual(abs(a - b), 1e-6 * max(abs(b), 1e-3),
                                                             "\(path) threads=\(threads) \(type.name) tokens=\(tokens) t=\(t) r=\(r)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Larger shapes split into many chunks over two threads agree with one thread.
    func testThreadCountDoesNotChangeResults() {
        var rng = SeededRandom(seed: 11)
        let scratch = MatMulScratch()
        let one = ThreadPool(threads: 1), two = ThreadPool(threads: 2)
        for type in [GGMLType.q4_0, .q8_0, .q4_1, .q5_0, .q3_K, .q4_K, .q6_K, .iq4_xs, .f16] {
            let rows = 300, columns = 512
            let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng)
            w.withUnsafeBytes { wb in
                let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                for tokens in [1, 9] {
                    let x = randomActivation(tokens * columns, rng: &rng)
                    var a = [Float](repeating: 0, count: tokens * rows), b = a
                    Kernels.matmul(m, input: x, tokens: tokens, output: &a, pool: one, scratch: scratch)
                    Kernels.matmul(m, input: x, tokens: tokens, output: &b, pool: two, scratch: scratch)
                    XCTAssertEqual(a, b, "\(type.name) tokens=\(tokens)")
                }
            }
        }
    }

    func testSupportedTypes() {
        for type in GGMLType.allCases {
            let expected: Set<GGMLType> = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K,
                                           .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs]
            XCTAssertEqual(Kernels.isSupported(type), expected.contains(type), type.name)
        }
    }

    func testPathSelection() {
        let original = Kernels.path
        XCTAssertTrue(["avx512-vnni", "avx2", "neon", "portable"].contains(original))
        XCTAssertTrue(Kernels.setPath("portable"))
        XCTAssertEqual(Kernels.path, "portable")
        XCTAssertFalse(Kernels.setPath("no-such-path"))
        XCTAssertEqual(Kernels.path, "portable")
        XCTAssertTrue(Kernels.setPath(original))
        XCTAssertEqual(Kernels.path, original)
    }
}
