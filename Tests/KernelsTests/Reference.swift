import Foundation
import GGUF
import Kernels
import TestSupport

// Straightforward Swift re-statements of the block formats, written independently of the
// C kernels so the tests check the kernels against the format definitions.

func halfBits(_ x: Float) -> UInt16 { Float16(x).bitPattern }
func halfValue(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }
func readHalf(_ p: UnsafeRawPointer, _ offset: Int) -> Float { halfValue(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }

enum Reference {
    /// Dequantizes `count` elements of a weight type.
    static func dequantize(_ p: UnsafeRawPointer, _ type: GGMLType, _ count: Int) -> [Double] {
        var y = [Double](repeating: 0, count: count)
        let b8 = p.assumingMemoryBound(to: UInt8.self)
        switch type {
        case .f32:
            for i in 0..<count { y[i] = Double(p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)) }
        case .f16:
            for i in 0..<count { y[i] = Double(readHalf(p, 2 * i)) }
        case .bf16:
            for i in 0..<count {
                y[i] = Double(Float(bitPattern: UInt32(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16))
            }
        case .q8_0:
            for b in 0..<count / 32 {
                let d = Double(readHalf(p, 34 * b))
                for j in 0..<32 { y[32 * b + j] = d * Double(Int8(bitPattern: b8[34 * b + 2 + j])) }
            }
        case .q4_0:
            for b in 0..<count / 32 {
                let d = Double(readHalf(p, 18 * b))
                for j in 0..<16 {
                    let q = b8[18 * b + 2 + j]
                    y[32 * b + j] = d * Double(Int(q & 15) - 8)
                    y[32 * b + j + 16] = d * Double(Int(q >> 4) - 8)
                }
            }
        case .q4_K, .q5_K:
            let size = type == .q4_K ? 144 : 176
            for b in 0..<count / 256 {
                let blk = b8 + size * b
                let d = Double(readHalf(blk, 0)), dmin = Double(readHalf(blk, 2))
                let (sc, m) = scaleMins(blk + 4)
                let qs = blk + (type == .q4_K ? 16 : 48)
                for c in 0..<4 {
                    for l in 0..<32 {
                        var lo = Int(qs[32 * c + l] & 15), hi = Int(qs[32 * c + l] >> 4)
                        if type == .q5_K {
                            let qh = Int(blk[16 + l])
                            lo |= ((qh >> (2 * c)) & 1) << 4
                            hi |= ((qh >> (2 * c + 1)) & 1) << 4
                        }
                        y[256 * b + 64 * c + l] = d * Double(sc[2 * c]) * Double(lo) - dmin * Double(m[2 * c])
                        y[256 * b + 64 * c + 32 + l] = d * Double(sc[2 * c + 1]) * Double(hi) - dmin * Double(m[2 * c + 1])
                    }
                }
            }
        case .q6_K:
            for b in 0..<count / 256 {
                let blk = b8 + 210 * b
                let d = Double(readHalf(blk, 208))
                for i in 0..<256 {
                    // Element i: half h, position l within the half's 4×32 layout.
                    let h = i / 128, k = (i % 128) / 32, l = i % 32
                    let ql = Int(blk[64 * h + l + (k & 1) * 32])
                    let low = k < 2 ? ql & 15 : ql >> 4
                    let high = (Int(blk[128 + 32 * h + l]) >> (2 * k)) & 3
                    let scale = Int8(bitPattern: blk[192 + 8 * h + l / 16 + 2 * k])
                    y[256 * b + i] = d * Double(scale) * Double((low | high << 4) - 32)
                }
            }
        case .q4_1, .q5_0, .q5_1:
            let size = type.typeSize
            for b in 0..<count / 32 {
                let blk = b8 + size * b
                let d = Double(readHalf(blk, 0))
                let m = type == .q5_0 ? 0 : Double(readHalf(blk, 2))
                let qsOffset = type == .q4_1 ? 4 : type == .q5_0 ? 6 : 8
                let qh = type == .q4_1 ? 0 : Int(UnsafeRawPointer(blk).loadUnaligned(fromByteOffset: type == .q5_0 ? 2 : 4, as: UInt32.self))
                for j in 0..<32 {
                    let byte = Int(blk[qsOffset + j % 16])
                    var q = j < 16 ? byte & 15 : byte >> 4
                    q |= ((qh >> j) & 1) << 4
                    y[32 * b + j] = type == .q5_0 ? d * Double(q - 16) : d * Double(q) + m
                }
            }
        case .iq4_nl:
            for b in 0..<count / 32 {
                let blk = b8 + 18 * b
                let d = Double(readHalf(blk, 0))
                for j in 0..<32 {
                    let byte = Int(blk[2 + j % 16])
                    y[32 * b + j] = d * Double(iq4Values[j < 16 ? byte & 15 : byte >> 4])
                }
            }
        case .iq4_xs:
            for b in 0..<count / 256 {
                let blk = b8 + 136 * b
                let d = Double(readHalf(blk, 0))
                let high = Int(UnsafeRawPointer(blk).loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                for i in 0..<256 {
                    let ib = i / 32, j = i % 32
                    let scale = ((Int(blk[4 + ib / 2]) >> (4 * (ib % 2))) & 15 | ((high >> (2 * ib)) & 3) << 4) - 32
                    let byte = Int(blk[8 + 16 * ib + j % 16])
                    y[256 * b + i] = d * Double(scale) * Double(iq4Values[j < 16 ? byte & 15 : byte >> 4])
                }
            }
        case .q2_K, .q3_K:
            for b in 0..<count / 256 {
                let blk = b8 + type.typeSize * b
                for i in 0..<256 {
                    // Element i: 128-element group g, 2-bit plane k, position l; sub-block of 16 `sub`.
                    let g = i / 128, k = (i % 128) / 32, l = i % 32, sub = 8 * g + 2 * k + l / 16
                    if type == .q2_K {
                        let q = (Int(blk[16 + 32 * g + l]) >> (2 * k)) & 3
                        let sc = Int(blk[sub])
                        y[256 * b + i] = Double(readHalf(blk, 80)) * Double(sc & 15) * Double(q) - Double(readHalf(blk, 82)) * Double(sc >> 4)
                    } else {
                        let low = (Int(blk[32 + 32 * g + l]) >> (2 * k)) & 3
                        let high = (Int(blk[l]) >> (4 * g + k)) & 1
                        let s = blk + 96
                        let scaleLow = sub < 8 ? Int(s[sub]) & 15 : Int(s[sub - 8]) >> 4
                        let scaleHigh = (Int(s[8 + sub % 4]) >> (2 * (sub / 4))) & 3
                        let scale = (scaleLow | scaleHigh << 4) - 32
                        y[256 * b + i] = Double(readHalf(blk, 108)) * Double(scale) * Double(low - (high == 1 ? 0 : 4))
                    }
                }
            }
        default:
            fatalError("no reference for \(type)")
        }
        return y
    }

    static let iq4Values: [Int] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    /// Σ w·x as the matmul defines it for one weight row and one activation row, and Σ |terms|.
    /// Q4_1/Q5_1 take the m·Σx term from the Q8_1 activation's s (d·Σq rounded through fp16,
    /// with d = amax/127 before rounding), as llama.cpp does.
    static func dot(_ row: UnsafeRawPointer, _ type: GGMLType, _ x: [Float]) -> (value: Double, magnitude: Double) {
        let n = x.count
        let w = dequantize(row, type, n)
        let a = quantizedActivation(x, for: type)
        guard type == .q4_1 || type == .q5_1 else {
            var exact = 0.0, magnitude = 0.0
            for i in 0..<n { exact += w[i] * a[i]; magnitude += abs(w[i] * a[i]) }
            return (exact, magnitude)
        }
        var exact = 0.0, magnitude = 0.0
        for b in 0..<n / 32 {
            let m = Double(readHalf(row, type.typeSize * b + 2))
            let block = x[32 * b..<32 * b + 32]
            let amax = block.map(abs).max()!
            let id: Float = amax != 0 ? 127 / amax : 0
            let sum = block.reduce(Float(0)) { $0 + ($1 * id).rounded(.toNearestOrEven) }
            let s = amax / 127 * sum
            let stored = abs(s) < 65504 ? Float(Float16(s)) : s
            for j in 32 * b..<32 * b + 32 {
                let t = (w[j] - m) * a[j]
                exact += t
                magnitude += abs(t)
            }
            exact += m * Double(stored)
            magnitude += abs(m * Double(stored))
        }
        return (exact, magnitude)
    }

    static func scaleMins(_ s: UnsafePointer<UInt8>) -> ([Int], [Int]) {
        var sc = [Int](repeating: 0, count: 8), m = sc
        for j in 0..<8 {
            if j < 4 {
                sc[j] = Int(s[j] & 63); m[j] = Int(s[j + 4] & 63)
            } else {
                sc[j] = Int(s[j + 4] & 0xF) | Int(s[j - 4] >> 6) << 4
                m[j] = Int(s[j + 4] >> 4) | Int(s[j] >> 6) << 4
            }
        }
        return (sc, m)
    }

    /// The activation as the matmul sees it after quantizing to the weight type's dot type.
    static func quantizedActivation(_ x: [Float], for type: GGMLType) -> [Double] {
        switch type {
        case .f32: return x.map(Double.init)
        case .f16: return x.map { Double(Float(Float16($0))) }
        case .bf16: return x.map { Double(bfloat16Value(bfloat16Bits($0))) }
        case .q4_0, .q8_0, .q4_1, .q5_0, .q5_1, .iq4_nl:
            var y = [Double](repeating: 0, count: x.count)
            for b in 0..<x.count / 32 {
                let block = x[32 * b..<32 * b + 32]
                let amax = block.map(abs).max()!
                let id: Float = amax != 0 ? 127 / amax : 0
                let d = Float(Float16(amax / 127))
                for j in 0..<32 { y[32 * b + j] = Double(d) * Double((block[32 * b + j] * id).rounded(.toNearestOrEven)) }
            }
            return y
        case .q4_K, .q5_K, .q6_K, .q2_K, .q3_K, .iq4_xs:
            var y = [Double](repeating: 0, count: x.count)
            for b in 0..<x.count / 256 {
                var amax: Float = 0, mx: Float = 0
                for j in 0..<256 where abs(x[256 * b + j]) > amax { amax = abs(x[256 * b + j]); mx = x[256 * b + j] }
                if amax == 0 { continue }
                let iscale = -127 / mx
                let d = 1 / iscale
                for j in 0..<256 {
                    let q = min(127, (iscale * x[256 * b + j]).rounded(.toNearestOrEven))
                    y[256 * b + j] = Double(d) * Double(q)
                }
            }
            return y
        default: fatalError()
        }
    }

    static func bfloat16Bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if x.isNaN { return UInt16(u >> 16) | 0x40 }
        return UInt16((u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
    }

    static func bfloat16Value(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }
}

/// Random weight rows of each supported type, with valid (finite) scales.
enum RandomWeights {
    static func make(_ type: GGMLType, rows: Int, columns: Int, rng: inout SeededRandom, pattern: Pattern = .random) -> [UInt8] {
        let rowBytes = columns / type.blockSize * type.typeSize
        var bytes = [UInt8](repeating: 0, count: rows * rowBytes)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let blocks = rows * columns / type.blockSize
        func putHalf(_ offset: Int, _ v: Float) {
            let h = halfBits(v)
            bytes[offset] = UInt8(h & 0xFF); bytes[offset + 1] = UInt8(h >> 8)
        }
        func scale() -> Float { pattern == .zero ? 0 : Float.random(in: -0.05...0.05, using: &rng) }
        switch type {
        case .f32:
            for i in 0..<rows * columns {
                let v: Float = pattern == .zero ? 0 : pattern == .extreme ? (i % 2 == 0 ? 3e4 : -3e4) : Float.random(in: -2...2, using: &rng)
                withUnsafeBytes(of: v) { for k in 0..<4 { bytes[4 * i + k] = $0[k] } }
            }
        case .f16, .bf16:
            for i in 0..<rows * columns {
                let v: Float = pattern == .zero ? 0 : pattern == .extreme ? (i % 2 == 0 ? 6e4 : -6e4) : Float.random(in: -2...2, using: &rng)
                let h = type == .f16 ? halfBits(v) : Reference.bfloat16Bits(v)
                bytes[2 * i] = UInt8(h & 0xFF); bytes[2 * i + 1] = UInt8(h >> 8)
            }
        case .q4_0, .q8_0:
            for b in 0..<blocks {
                putHalf(type.typeSize * b, scale())
                if pattern == .extreme {
                    // q4: 0x00 = −8 everywhere; q8: −128/127 alternating.
                    for j in 2..<type.typeSize { bytes[type.typeSize * b + j] = type == .q4_0 ? 0 : (j % 2 == 0 ? 0x80 : 0x7F) }
                }
            }
        case .q4_K, .q5_K:
            for b in 0..<blocks {
                putHalf(type.typeSize * b, pattern == .zero ? 0 : Float.random(in: 0...0.01, using: &rng))
                putHalf(type.typeSize * b + 2, pattern == .zero ? 0 : Float.random(in: 0...0.01, using: &rng))
                if pattern == .extreme { for j in 4..<type.typeSize { bytes[type.typeSize * b + j] = 0xFF } }
            }
        case .q6_K:
            for b in 0..<blocks {
                putHalf(210 * b + 208, scale())
                if pattern == .extreme {
                    for j in 0..<192 { bytes[210 * b + j] = 0 }  // q = −32 everywhere
                    for j in 192..<208 { bytes[210 * b + j] = j % 2 == 0 ? 0x80 : 0x7F }
                }
            }
        case .q4_1, .q5_0, .q5_1, .iq4_nl:
            let size = type.typeSize
            for b in 0..<blocks {
                if pattern == .extreme {
                    // The largest scales a real file could hold next to the widest codes:
                    // all-ones (q = 15 / 31) or, for IQ4_NL, index 0 (−127).
                    for j in 2..<size { bytes[size * b + j] = type == .iq4_nl ? 0 : 0xFF }
                    putHalf(size * b, b % 2 == 0 ? 60000 : -60000)
                    if type == .q4_1 || type == .q5_1 { putHalf(size * b + 2, b % 2 == 0 ? -60000 : 60000) }
                } else {
                    putHalf(size * b, scale())
                    if type == .q4_1 || type == .q5_1 { putHalf(size * b + 2, scale()) }
                }
            }
        case .q2_K:
            for b in 0..<blocks {
                if pattern == .extreme { for j in 0..<80 { bytes[84 * b + j] = 0xFF } }
                putHalf(84 * b + 80, pattern == .zero ? 0 : pattern == .extreme ? 60000 : Float.random(in: 0...0.01, using: &rng))
                putHalf(84 * b + 82, pattern == .zero ? 0 : pattern == .extreme ? 60000 : Float.random(in: 0...0.01, using: &rng))
            }
        case .q3_K:
            for b in 0..<blocks {
                // Extreme: q = −4 everywhere (no high bits) with scale −32.
                if pattern == .extreme { for j in 0..<108 { bytes[110 * b + j] = 0 } }
                putHalf(110 * b + 108, pattern == .extreme ? -60000 : scale())
            }
        case .iq4_xs:
            for b in 0..<blocks {
                // Extreme: index 0 (−127) with scale −32.
                if pattern == .extreme { for j in 2..<136 { bytes[136 * b + j] = 0 } }
                putHalf(136 * b, pattern == .extreme ? 60000 : scale())
            }
        default: fatalError()
        }
        return bytes
    }

    enum Pattern { case random, zero, extreme }
}

func randomActivation(_ count: Int, rng: inout SeededRandom, pattern: RandomWeights.Pattern = .random) -> [Float] {
    switch pattern {
    case .zero: return [Float](repeating: 0, count: count)
    case .extreme: return (0..<count).map { $0 % 3 == 0 ? -1e4 : 1e4 }
    case .random:
        // Mostly small, with occasional outliers like real hidden states.
        return (0..<count).map { _ in
            let v = Float.random(in: -1...1, using: &rng)
            return Int.random(in: 0..<50, using: &rng) == 0 ? v * 40 : v
        }
    }
}

let fixtureDirectory: String = FixtureLocator.sharedDirectory.path

/// Runs `body` once per SIMD path this CPU supports, restoring the default afterwards.
func forEachPath(_ body: (String) throws -> Void) rethrows {
    let original = Kernels.path
    defer { Kernels.setPath(original) }
    for path in ["portable", "avx2", "avx512-vnni", "neon"] where Kernels.setPath(path) {
        try body(path)
    }
}

