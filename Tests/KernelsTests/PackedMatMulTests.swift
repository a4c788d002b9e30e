import CGhostKernels
import GGUF
import Kernels
import TestSupport
import XCTest

/// The interleaved (packed) kernels of every path this CPU runs (AVX-512 VNNI: Q4_0, Q4_1,
/// Q8_0, Q4_K in 16-row groups; AVX2: every block type in 8-row groups; NEON:
/// Q4_0, Q4_1, IQ4_NL, Q8_0, Q4_K in 4-row groups) against the Swift reference, for
/// every tile width (1…8 tokens and remainders), row counts that are not a multiple of the
/// interleave (the rows after the last group stay in file order), 1 and 2 threads and extreme patterns.
final class PackedMatMulTests: XCTestCase {
    override func tearDown() {
        Kernels.setPath(Kernels.availablePaths.last!)
    }

    func testPackedMatchesReference() throws {
        var checked: [String: Int] = [:]
        for path in Kernels.availablePaths {
            XCTAssertTrue(Kernels.setPath(path))
            checked[path] = try checkPacked()
        }
        print("packed dot products checked per path: \(checked)")
        XCTAssertGreaterThan(checked.values.reduce(0, +), 0, "no path with packed kernels on this CPU")
    }

    /// Every packable type and shape on the active path; returns the products checked.
    func checkPacked() throws -> Int {
        var rng = SeededRandom(seed: 99)
        let scratch = MatMulScratch()
        var checked = 0
        for threads in [1, 2] {
            let pool = ThreadPool(threads: threads)
            for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .iq4_nl, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_xs] {
                let shapes = type.blockSize == 256 ? [(256, 16), (768, 48), (2048, 160), (256, 24), (256, 17), (512, 45)]
                    : [(32, 16), (96, 48), (2048, 160), (64, 24), (32, 8), (64, 17), (96, 27), (32, 9)]
                for (columns, rows) in shapes {
                    for (wp, ap) in [(RandomWeights.Pattern.random, RandomWeights.Pattern.random), (.extreme, .extreme), (.zero, .random)] {
                        let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng, pattern: wp)
                        try w.withUnsafeBytes { wb in
                            let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                            let p = Kernels.pack(m, pool: pool)
                            guard p.packed != nil else { return }
                            for tokens in [1, 2, 7, 8, 9, 19] {
                                let x = randomActivation(tokens * columns, rng: &rng, pattern: ap)
                                var out = [Float](repeating: .nan, count: tokens * rows)
                                Kernels.matmul(p, input: x, tokens: tokens, output: &out, pool: pool, scratch: scratch)
                                for t in 0..<tokens {
                                    let xt = Array(x[t * columns..<(t + 1) * columns])
                                    for r in 0..<rows {
                                        let (exact, magnitude) = Reference.dot(wb.baseAddress! + r * m.rowByteCount, type, xt)
                                        let got = Double(out[t * rows + r])
                                        checked += 1
                                        XCTAssertLessThanOrEqual(abs(got - exact), 2e-6 * magnitude + 1e-30,
                                                                 "\(Kernels.path) \(type.name) \(rows)×\(columns) tokens=\(tokens) t=\(t) r=\(r) threads=\(threads): got \(got) want \(exact)")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return checked
    }

    /// Shapes the packed kernels don't cover (fewer rows than one interleaved group, types
    /// without a packed tile) are left unpacked, on every path.
    func testUnpackableShapesFallBack() {
        var rng = SeededRandom(seed: 5)
        let pool = ThreadPool(threads: 1)
        for path in Kernels.availablePaths {
            Kernels.setPath(path)
            for (type, rows) in [(GGMLType.q4_0, 7), (.q8_0, 5), (.q6_K, 3), (.q5_K, 4), (.f16, 32)] {
                let columns = 256
                let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng)
                w.withUnsafeBytes { wb in
                    let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                    XCTAssertFalse(Kernels.canPack(m), "\(path) \(type.name) × \(rows)")
                    XCTAssertNil(Kernels.pack(m, pool: pool).packed)
                }
            }
        }
    }

    /// Weights packed for one path are not read by another: a matrix packed on the best path
    /// still multiplies correctly after a switch to every other path.
    func testPackedWeightsFollowTheirPath() throws {
        var rng = SeededRandom(seed: 8)
        let pool = ThreadPool(threads: 2)
        let (rows, columns, tokens) = (32, 64, 3)
        let w = RandomWeights.make(.q4_0, rows: rows, columns: columns, rng: &rng)
        let x = randomActivation(tokens * columns, rng: &rng, pattern: .random)
        try w.withUnsafeBytes { wb in
            let m = WeightMatrix(type: .q4_0, rows: rows, columns: columns, data: wb.baseAddress!)
            Kernels.setPath("portable")
            var expected = [Float](repeating: 0, count: tokens * rows)
            Kernels.matmul(m, input: x, tokens: tokens, output: &expected, pool: pool, scratch: MatMulScratch())
            for packedOn in Kernels.availablePaths {
                Kernels.setPath(packedOn)
                let p = Kernels.pack(m, pool: pool)
                for usedOn in Kernels.availablePaths {
                    Kernels.setPath(usedOn)
                    var out = [Float](repeating: .nan, count: tokens * rows)
                    Kernels.matmul(p, input: x, tokens: tokens, output: &out, pool: pool, scratch: MatMulScratch())
                    for i in out.indices {
                        XCTAssertEqual(out[i], expected[i], accuracy: 1e-4 * max(1, abs(expected[i])), "packed on \(packedOn), used on \(usedOn)")
                    }
                    _ = try XCTUnwrap(out.first)
                }
            }
        }
    }
}
