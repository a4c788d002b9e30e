import CGhostKernels
import GGUF
import Kernels
import TestSupport
import XCTest

/// Every dot type on every available SIMD path against the Swift reference
/// (dequantize weights and quantized activations, dot in Double).
final class DotProductTests: XCTestCase {
    static let weightTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .iq4_nl,
                                          .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_xs]

    func testEveryPathMatchesReference() {
        var rng = SeededRandom(seed: 42)
        let pool = ThreadPool(threads: 1)
        let scratch = MatMulScratch()
        var checked = 0
        var paths: [String] = []
        forEachPath { path in
            paths.append(path)
            for type in Self.weightTypes {
                let lengths = type.blockSize == 1 ? [1, 15, 17, 100, 256, 2048] : type.blockSize == 32 ? [32, 224, 2048] : [256, 768, 2048]
                for n in lengths {
                    for (wp, ap) in [(RandomWeights.Pattern.random, RandomWeights.Pattern.random), (.zero, .random),
                                     (.random, .zero), (.extreme, .extreme), (.extreme, .random)] {
                        let rows = 5
                        let w = RandomWeights.make(type, rows: rows, columns: n, rng: &rng, pattern: wp)
                        let x = randomActivation(n, rng: &rng, pattern: ap)
                        var out = [Float](repeating: .nan, count: rows)
                        w.withUnsafeBytes { wb in
                            let m = WeightMatrix(type: type, rows: rows, columns: n, data: wb.baseAddress!)
                            Kernels.matmul(m, input: x, tokens: 1, output: &out, pool: pool, scratch: scratch)
                            for r in 0..<rows {
                                let (exact, magnitude) = Reference.dot(wb.baseAddress! + r * m.rowByteCount, type, x)
                                let err = abs(Double(out[r]) - exact)
                                checked += 1
                                // Float accumulation: error bounded by a few ulps of the sum of |terms|.
                                XCTAssertLessThanOrEqual(err, 2e-6 * magnitude + 1e-30,
                                                         "\(path) \(type.name) n=\(n) \(wp)/\(ap) row \(r): got \(out[r]) want \(exact)")
                            }
                        }
                    }
                }
            }
        }
        print("dot products checked: \(checked) on paths \(paths)")
        XCTAssertGreaterThan(checked, 0)
    }

    /// The SIMD activation quantizers must produce byte-identical blocks to the portable one
    /// (and hence to llama.cpp's x86 quantizer, which the reference restates).
    func testActivationQuantizersAgreeAcrossPaths() {
        var rng = SeededRandom(seed: 7)
        let n = 2048
        var inputs = [randomActivation(n, rng: &rng), randomActivation(n, rng: &rng, pattern: .zero),
                      randomActivation(n, rng: &rng, pattern: .extreme)]
        // amax 127 makes the scale exactly 1, so the x.5 values are exact rounding ties.
        inputs.append((0..<n).map { i in i % 32 == 0 ? 127 : Float(i % 32 - 16) + 0.5 })
        // Equal magnitudes of opposite sign: Q8_K takes the sign of the first one.
        inputs.append((0..<n).map { (i: Int) -> Float in
            if i % 7 == 3 { return i % 2 == 0 ? 5 : -5 }
            return Float(i % 5) * 0.3
        })
        for type in [GGMLType.q8_0, .q4_1, .q4_K, .f16, .bf16] {
            let size = gk_act_row_size(Int32(type.rawValue), Int64(n))
            for x in inputs {
                var results: [[UInt8]] = []
                forEachPath { _ in
                    var buf = [UInt8](repeating: 0, count: size)
                    gk_quantize_act(Int32(type.rawValue), x, &buf, Int64(n))
                    results.append(buf)
                }
                for r in results.dropFirst() { XCTAssertEqual(r, results[0], "\(type.name)") }
                // And the values are the reference's.
                let ref = Reference.quantizedActivation(x, for: type)
                var deq = [Double](repeating: 0, count: n)
                results[0].withUnsafeBytes { p in
                    switch type {
                    case .q8_0:
                        for b in 0..<n / 32 {
                            let d = p.load(fromByteOffset: 40 * b, as: Float.self)
                            let offset = p.load(fromByteOffset: 40 * b + 4, as: Int32.self)
                            var s: Int32 = 0
                            for j in 0..<32 {
                                let q = Int8(bitPattern: p[40 * b + 8 + j]); s += Int32(q)
                                deq[32 * b + j] = Double(d) * Double(q)
                            }
                            XCTAssertEqual(offset, -8 * s)
                        }
                    case .q4_1:
                        // Q8_1: Q8_0's d and qs, and s = (amax/127)·Σq through fp16.
                        for b in 0..<n / 32 {
                            let d = p.load(fromByteOffset: 40 * b, as: Float.self)
                            let stored = p.load(fromByteOffset: 40 * b + 4, as: Float.self)
                            var sum: Float = 0
                            for j in 0..<32 {
                                let q = Int8(bitPattern: p[40 * b + 8 + j]); sum += Float(q)
                                deq[32 * b + j] = Double(d) * Double(q)
                            }
                            let amax = x[32 * b..<32 * b + 32].map(abs).max()!
                            let s = amax / 127 * sum
                            XCTAssertEqual(stored, abs(s) < 65504 ? Float(Float16(s)) : s, "Q8_1 s of block \(b)")
                        }
                    case .q4_K:
                        for b in 0..<n / 256 {
                            let d = p.load(fromByteOffset: 308 * b, as: Float.self)
                            for g in 0..<16 {
                                var s = 0
                                for l in 0..<16 {
                                    let q = Int8(bitPattern: p[308 * b + 4 + 16 * g + l]); s += Int(q)
                                    deq[256 * b + 16 * g + l] = Double(d) * Double(q)
                                }
                                XCTAssertEqual(Int(p.loadUnaligned(fromByteOffset: 308 * b + 260 + 2 * g, as: Int16.self)), s)
                            }
                            for j in 0..<8 {
                                let pair = p.loadUnaligned(fromByteOffset: 308 * b + 260 + 4 * j, as: Int16.self)
                                    + p.loadUnaligned(fromByteOffset: 308 * b + 262 + 4 * j, as: Int16.self)
                                XCTAssertEqual(p.loadUnaligned(fromByteOffset: 308 * b + 292 + 2 * j, as: Int16.self), pair)
                            }
                        }
                    default:
                        deq = Reference.dequantize(p.baseAddress!, type, n)
                    }
                }
                XCTAssertEqual(deq, ref, "\(type.name)")
            }
        }
    }

    /// The formats added for real downloads (Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, IQ4_XS)
    /// against the reference through the whole matmul: odd and large row counts (every
    /// tile remainder and several row chunks), several tokens, 1 and 2 threads.
    func testNewFormatsManyRowsAndTokens() {
        var rng = SeededRandom(seed: 2024)
        let scratch = MatMulScratch()
        var checked = 0
        forEachPath { path in
            for threads in [1, 2] {
                let pool = ThreadPool(threads: threads)
                for type in [GGMLType.q4_1, .q5_0, .q5_1, .iq4_nl, .q2_K, .q3_K, .iq4_xs] {
                    let columns = type.blockSize == 256 ? 512 : 160
                    for (rows, pattern) in [(37, RandomWeights.Pattern.random), (70, .extreme), (3, .random)] {
                        let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng, pattern: pattern)
                        w.withUnsafeBytes { wb in
                            let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                            for tokens in [1, 2, 5, 9] {
                                let x = randomActivation(tokens * columns, rng: &rng, pattern: pattern)
                                var out = [Float](repeating: .nan, count: tokens * rows)
                                Kernels.matmul(m, input: x, tokens: tokens, output: &out, pool: pool, scratch: scratch)
                                for t in 0..<tokens {
                                    let xt = Array(x[t * columns..<(t + 1) * columns])
                                    for r in 0..<rows {
                                        let (exact, magnitude) = Reference.dot(wb.baseAddress! + r * m.rowByteCount, type, xt)
                                        checked += 1
                                        XCTAssertLessThanOrEqual(abs(Double(out[t * rows + r]) - exact), 2e-6 * magnitude + 1e-30,
                                                                 "\(path) threads=\(threads) \(type.name) \(rows)×\(columns) tokens=\(tokens) t=\(t) r=\(r)")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        print("new-format dot products checked: \(checked)")
        XCTAssertGreaterThan(checked, 0)
    }

    /// Dequantization of every new format equals the Swift restatement of ggml's layout, for
    /// random, zero and extreme blocks (dequantize and dequantizeRow).
    func testNewFormatsDequantize() {
        var rng = SeededRandom(seed: 77)
        for type in [GGMLType.q4_1, .q5_0, .q5_1, .iq4_nl, .q2_K, .q3_K, .iq4_xs] {
            for pattern in [RandomWeights.Pattern.random, .zero, .extreme] {
                let rows = 3, columns = 512
                let w = RandomWeights.make(type, rows: rows, columns: columns, rng: &rng, pattern: pattern)
                w.withUnsafeBytes { wb in
                    let got = Kernels.dequantize(wb.baseAddress!, type: type, count: rows * columns)
                    let want = Reference.dequantize(wb.baseAddress!, type, rows * columns)
                    // Q4_1/Q5_1's d·q + m may cancel, so float rounding is bounded by the largest value.
                    let scale = want.map(abs).max()!
                    for i in got.indices {
                        XCTAssertEqual(Double(got[i]), want[i], accuracy: scale * 1e-6, "\(type.name) \(pattern) element \(i)")
                    }
                    let m = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                    var row = [Float](repeating: 0, count: columns)
                    Kernels.dequantizeRow(m, row: 2, into: &row)
                    XCTAssertEqual(row, Array(got[2 * columns..<3 * columns]), "\(type.name) dequantizeRow")
                }
            }
        }
    }
}
