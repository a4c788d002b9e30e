import CGhostKernels
import GGUF
import Kernels
import TestSupport
import XCTest

/// The 16-row interleaved (packed) Q4_0/Q8_0/Q4_K kernels against the Swift reference, for
/// every tile width (1…8 tokens and remainders), 1 and 2 threads and extreme patterns.
final class PackedMatMulTests: XCTestCase {
    func testPackedMatchesReference() throws {
        var rng = SeededRandom(seed: 99)
        let scratch = MatMulScratch()
        var checked = 0
        for threads in [1, 2] {
            let pool = ThreadPool(threads: threads)
            for type in [GGMLType.q4_0, .q8_0, .q4_K] {
                let shapes = type == .q4_K ? [(256, 16), (768, 48), (2048, 160)] : [(32, 16), (96, 48), (2048, 160)]
                for (columns, rows) in shapes {
                    for (wp, ap) in [(RandomWeights.Pattern.random, RandomWeights.Pattern.random), (.extreme, .extreme), (.zero, .random)] {
                        let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng, pattern: wp)
                        try w.withUnsafeBytes { wb in
                            let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                            let p = Kernels.pack(m, pool: pool)
                            guard p.packed != nil else { throw XCTSkip("no packed kernels on this CPU (\(Kernels.path))") }
                            let dequantized = (0..<rows).map { r in Reference.dequantize(wb.baseAddress! + r * m.rowByteCount, type, columns) }
                            for tokens in [1, 2, 7, 8, 9, 19] {
                                let x = randomActivation(tokens * columns, rng: &rng, pattern: ap)
                                var out = [Float](repeating: .nan, count: tokens * rows)
                                Kernels.matmul(p, input: x, tokens: tokens, output: &out, pool: pool, scratch: scratch)
                                for t in 0..<tokens {
                                    let a = Reference.quantizedActivation(Array(x[t * columns..<(t + 1) * columns]), for: type)
                                    for r in 0..<rows {
                                        var exact = 0.0, magnitude = 0.0
                                        for i in 0..<columns { exact += dequantized[r][i] * a[i]; magnitude += abs(dequantized[r][i] * a[i]) }
                                        let got = Double(out[t * rows + r])
                                        checked += 1
                                        XCTAssertLessThanOrEqual(abs(got - exact), 2e-6 * magnitude + 1e-30,
                                                                 "\(type.name) \(rows)×\(columns) tokens=\(tokens) t=\(t) r=\(r) threads=\(threads): got \(got) want \(exact)")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        print("packed dot products checked: \(checked)")
    }

    /// Shapes the packed kernels don't cover are left unpacked and still multiply correctly.
    func testUnpackableShapesFallBack() {
        var rng = SeededRandom(seed: 5)
        let pool = ThreadPool(threads: 1)
        for (type, rows) in [(GGMLType.q4_0, 17), (.q6_K, 16), (.f16, 32)] {
            let columns = 256
            let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng)
            w.withUnsafeBytes { wb in
                let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                XCTAssertFalse(Kernels.canPack(m))
                XCTAssertNil(Kernels.pack(m, pool: pool).packed)
            }
        }
    }
}
