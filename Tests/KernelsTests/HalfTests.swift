import CGhostKernels
import Kernels
import TestSupport
import XCTest

final class HalfTests: XCTestCase {
    func testHalfConversionMatchesIEEE() {
        var rng = SeededRandom(seed: 1)
        var values: [Float] = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e10, .infinity, -.infinity,
                               0x1p-14, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 5.96e-8, 6.1e-5, 1.0009765625, 1.00048828125,
                               1.00146484375, 2049, 2051, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<20000 { values.append(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))) }
        for _ in 0..<20000 { values.append(Float.random(in: -70000...70000, using: &rng)) }
        forEachPath { path in
            var bits = [UInt16](repeating: 0, count: values.count)
            Kernels.toHalf(values, &bits, count: values.count)
            for (i, v) in values.enumerated() {
                let want = Float16(v)
                if v.isNaN {
                    XCTAssertTrue(Float16(bitPattern: bits[i]).isNaN, "\(path) NaN")
                    XCTAssertNotEqual(bits[i] & 0x0200, 0, "\(path) NaN must be quiet")
                } else {
                    XCTAssertEqual(bits[i], want.bitPattern, "\(path) \(v)")
                }
                if !v.isNaN { XCTAssertEqual(Kernels.half(v), want.bitPattern, "scalar \(v)") }
            }
            // Back: every half converts exactly.
            let all = (0...UInt16.max).map { $0 }
            var back = [Float](repeating: 0, count: all.count)
            Kernels.fromHalf(all, &back, count: all.count)
            for h in all {
                let want = Float(Float16(bitPattern: h))
                if want.isNaN { XCTAssertTrue(back[Int(h)].isNaN) } else { XCTAssertEqual(back[Int(h)], want, "\(path) \(h)") }
            }
        }
    }

    func testHalfTies() {
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
        XCTAssertEqual(Kernels.half(1.00048828125), 0x3C00)
        // 1 + 3·2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
        XCTAssertEqual(Kernels.half(1.00146484375), 0x3C02)
        // Smallest subnormal tie: 2^-25 is halfway between 0 and 2^-24 → 0.
        XCTAssertEqual(Kernels.half(0x1p-25), 0x0000)
        XCTAssertEqual(Kernels.half(0x1.8p-25), 0x0001)
        XCTAssertEqual(Kernels.half(65520), 0x7C00)  // halfway to the next (nonexistent) value → inf
        XCTAssertEqual(Kernels.half(65519.996), 0x7BFF)
    }

    func testBFloat16() {
        XCTAssertEqual(Kernels.bfloat16(1), 0x3F80)
        XCTAssertEqual(Kernels.bfloat16(Float(bitPattern: 0x3F80_8000)), 0x3F80)  // tie → even
        XCTAssertEqual(Kernels.bfloat16(Float(bitPattern: 0x3F81_8000)), 0x3F82)  // tie → even (up)
        XCTAssertEqual(Kernels.bfloat16(Float(bitPattern: 0x3F80_8001)), 0x3F81)
        XCTAssertEqual(Kernels.bfloat16(.infinity), 0x7F80)
        XCTAssertEqual(Kernels.bfloat16(Float(bitPattern: 0x7F7F_FFFF)), 0x7F80)  // rounds up to inf
        XCTAssertEqual(Kernels.bfloat16(Float(bitPattern: 0x0000_8001)), 0x0001)  // subnormals kept
        let nan = Kernels.bfloat16(Float(bitPattern: 0x7F80_0001))  // signalling NaN with payload in low bits
        XCTAssertEqual(nan & 0x7F80, 0x7F80)
        XCTAssertNotEqual(nan & 0x0040, 0)
        XCTAssertEqual(Kernels.float(bfloat16: 0x3F80), 1)

        // The row converter (SIMD) agrees with the scalar one.
        var rng = SeededRandom(seed: 2)
        let values = (0..<4099).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)) }
        forEachPath { path in
            let q = Kernels.quantize(values, count: values.count, to: .bf16)
            q.withUnsafeBytes { p in
                for i in values.indices {
                    XCTAssertEqual(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), Kernels.bfloat16(values[i]), path)
                }
            }
            var viaMatmulPath = [UInt16](repeating: 0, count: values.count)
            gk_fp32_to_bf16_row(values, &viaMatmulPath, Int64(values.count))
            for i in values.indices { XCTAssertEqual(viaMatmulPath[i], Kernels.bfloat16(values[i]), "\(path) \(values[i])") }
        }
    }

    func testDotAndAxpy() {
        var rng = SeededRandom(seed: 4)
        forEachPath { path in
            for n in [0, 1, 7, 16, 33, 100, 1000] {
                let a = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
                let b = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
                var ha = [UInt16](repeating: 0, count: n), hb = ha
                Kernels.toHalf(a, &ha, count: n)
                Kernels.toHalf(b, &hb, count: n)
                var exact = 0.0, mag = 0.0
                for i in 0..<n {
                    let p = Double(halfValue(ha[i])) * Double(halfValue(hb[i]))
                    exact += p; mag += abs(p)
                }
                let got = Kernels.dotHalf(ha, hb, count: n)
                XCTAssertLessThanOrEqual(abs(Double(got) - exact), 1e-6 * mag + 1e-30, "\(path) n=\(n)")

                var y = b
                Kernels.axpyHalf(0.75, ha, &y, count: n)
                for i in 0..<n {
                    let want = b[i] + 0.75 * halfValue(ha[i])
                    XCTAssertEqual(y[i], want, accuracy: abs(want) * 1e-6 + 1e-7, "\(path) n=\(n)")
                }
            }
        }
    }
}
