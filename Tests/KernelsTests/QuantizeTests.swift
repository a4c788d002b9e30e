import GGUF
import Kernels
import TestSupport
import XCTest

final class QuantizeTests: XCTestCase {
    func testRoundTripErrorBounds() {
        var rng = SeededRandom(seed: 9)
        let n = 4096
        let x = (0..<n).map { _ in Float.random(in: -3...3, using: &rng) }
        // Q8_0: half a step of amax/127. Q4_0: the step is amax/8 and the side opposite the
        // signed max only reaches +7 steps, so values there may be off by a whole step.
        for (type, bound) in [(GGMLType.q8_0, Float(0.5 / 127)), (.q4_0, 1.0 / 8)] {
            let q = Kernels.quantize(x, count: n, to: type)
            XCTAssertEqual(q.count, n / 32 * type.typeSize)
            let y = q.withUnsafeBytes { Kernels.dequantize($0.baseAddress!, type: type, count: n) }
            for b in 0..<n / 32 {
                let amax = x[32 * b..<32 * b + 32].map(abs).max()!
                for j in 32 * b..<32 * b + 32 {
                    // Plus the fp16 rounding of the scale.
                    XCTAssertLessThanOrEqual(abs(y[j] - x[j]), amax * bound + amax * 1e-3, "\(type.name) \(j)")
                }
            }
        }
        for type in [GGMLType.f32, .f16, .bf16] {
            let q = Kernels.quantize(x, count: n, to: type)
            let y = q.withUnsafeBytes { Kernels.dequantize($0.baseAddress!, type: type, count: n) }
            let rel: Float = type == .f32 ? 0 : type == .f16 ? 1.0 / 2048 : 1.0 / 256
            for i in 0..<n { XCTAssertLessThanOrEqual(abs(y[i] - x[i]), abs(x[i]) * rel, "\(type.name)") }
        }
    }

    /// Hand-computed blocks.
    func testGoldenQ8_0() {
        // amax 127 → d = 1 (fp16 0x3C00), id = 1; roundf sends ±2.5 away from zero.
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127; x[1] = -127; x[2] = 2.5; x[3] = -2.5; x[4] = 1.49; x[5] = 0.5; x[31] = -0.5
        let q = Kernels.quantize(x, count: 32, to: .q8_0)
        var expected = [UInt8](repeating: 0, count: 34)
        expected[0] = 0x00; expected[1] = 0x3C
        expected[2] = 127; expected[3] = UInt8(bitPattern: -127); expected[4] = 3; expected[5] = UInt8(bitPattern: -3)
        expected[6] = 1; expected[7] = 1; expected[33] = UInt8(bitPattern: -1)
        XCTAssertEqual(q, expected)

        // All zeros: d = 0, q = 0.
        XCTAssertEqual(Kernels.quantize([Float](repeating: 0, count: 32), count: 32, to: .q8_0), [UInt8](repeating: 0, count: 34))
    }

    func testGoldenQ4_0() {
        // max = −16 (largest magnitude, negative) → d = 2 (fp16 0x4000), id = 0.5.
        // q = min(15, trunc(x·0.5 + 8.5)): −16→0, 14→15, 1→9, −1→8, 3→10, 0→8, 16 would give 16→15.
        var x = [Float](repeating: 0, count: 32)
        x[0] = -16; x[1] = 14; x[2] = 1; x[3] = -1; x[16] = 3; x[17] = 15.9
        let q = Kernels.quantize(x, count: 32, to: .q4_0)
        var expected = [UInt8](repeating: 0x88, count: 18)
        expected[0] = 0x00; expected[1] = 0x40
        expected[2] = 0 | (10 << 4)   // x[0] = −16 → 0, x[16] = 3 → trunc(10.0) = 10
        expected[3] = 15 | (15 << 4)  // x[1] = 14 → trunc(15.5) = 15, x[17] = 15.9 → trunc(16.45) = 16 → 15
        expected[4] = 9 | (8 << 4)    // x[2] = 1 → trunc(9.0) = 9
        expected[5] = 8 | (8 << 4)    // x[3] = −1 → trunc(8.0) = 8
        XCTAssertEqual(q, expected)

        // Ties on |max| keep the first element's sign: +4 first → d = −0.5.
        var t = [Float](repeating: 0, count: 32)
        t[0] = 4; t[1] = -4
        let qt = Kernels.quantize(t, count: 32, to: .q4_0)
        XCTAssertEqual(Array(qt[0..<2]), [0x00, 0xB8])  // −0.5 = 0xB800
        XCTAssertEqual(qt[2], 0 | (8 << 4))  // 4·(−2) + 8.5 → 0; x[16] = 0 → 8
        XCTAssertEqual(qt[3] & 0xF, 15)       // −4·(−2) + 8.5 = 16.5 → 16 → 15
    }

    /// Q4_1/Q5_1 (min + 15 or 31 steps), Q5_0 (signed max → −16) and Q6_K round trips.
    func testNewQuantizersRoundTrip() {
        var rng = SeededRandom(seed: 13)
        let n = 4096
        let x = (0..<n).map { _ in Float.random(in: -3...3, using: &rng) }
        for type in [GGMLType.q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K] {
            let q = Kernels.quantize(x, count: n, to: type)
            XCTAssertEqual(q.count, n / type.blockSize * type.typeSize)
            let y = q.withUnsafeBytes { Kernels.dequantize($0.baseAddress!, type: type, count: n) }
            let block = type.blockSize
            for b in 0..<n / block {
                let slice = x[block * b..<block * (b + 1)]
                let range = slice.max()! - slice.min()!, amax = slice.map(abs).max()!
                // Half a step of the block's range (asymmetric types), one step of amax/16
                // (Q5_0's far side), Q6_K's 6-bit sub-block steps; plus fp16 scale rounding.
                let bound: Float = switch type {
                case .q4_1: range / 15 / 2 + range * 2e-3
                case .q5_1: range / 31 / 2 + range * 2e-3
                case .q5_0: amax / 16 + amax * 2e-3
                // One step of the 256-element range (the sub-block scales are 6-bit multiples
                // of the block's largest, so the step can be a little coarser than range/15).
                case .q4_K: range / 15 + range * 0.02
                case .q5_K: range / 31 + range * 0.02
                default: amax / 32
                }
                for j in block * b..<block * (b + 1) {
                    XCTAssertLessThanOrEqual(abs(y[j] - x[j]), bound, "\(type.name) element \(j)")
                }
            }
        }
    }
}
