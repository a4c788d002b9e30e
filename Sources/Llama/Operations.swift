import Foundation
import Kernels

// Small vectorised kernels for the non-matmul parts of the forward pass.

/// out = x / rms(x) · weight. The sum of squares is accumulated in double, as llama.cpp does.
func rmsNorm(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, count n: Int, epsilon: Float) {
    var sum: Double = 0
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let sq = v * v
        sum += Double(sq.sum())
        i += 8
    }
    while i < n { sum += Double(x[i] * x[i]); i += 1 }
    let scale = 1 / (Float(sum / Double(n)) + epsilon).squareRoot()
    i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let w = UnsafeRawPointer(weight + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: v * scale * w, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { out[i] = x[i] * scale * weight[i]; i += 1 }
}

/// x += y.
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) {
    var i = 0
    while i + 8 <= n {
        let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(x + i).storeBytes(of: a + b, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { x[i] += y[i]; i += 1 }
}

/// gate = silu(gate) · up.
func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count n: Int) {
    Kernels.swiglu(gate, up, count: n)
}

/// In-place softmax over `n` values; returns nothing. Max-subtracted for stability.
func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    var maxValue = -Float.infinity
    for i in 0..<n where x[i] > maxValue { maxValue = x[i] }
    var sum: Double = 0
    for i in 0..<n {
        let e = expf(x[i] - maxValue)
        x[i] = e
        sum += Double(e)
    }
    let inverse = Float(1 / sum)
    for i in 0..<n { x[i] *= inverse }
}

/// Rotates adjacent pairs (x[2i], x[2i+1]) of each head by the angles in `cos`/`sin`
/// (one entry per pair, `pairs` of them; dimensions past 2·pairs are left alone).
func applyRope(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, pairs: Int) {
    for h in 0..<heads {
        let v = x + h * headDim
        for i in 0..<pairs {
            let a = v[2 * i], b = v[2 * i + 1]
            v[2 * i] = a * cos[i] - b * sin[i]
            v[2 * i + 1] = a * sin[i] + b * cos[i]
        }
    }
}

/// Fills `cos`/`sin` with the RoPE angles for `position`. Angles are built the way
/// llama.cpp builds them (θ multiplied by base^(-2/d) pair by pair, in float), so
/// positions far into the context round the same way.
func ropeAngles(position: Int, pairs: Int, dimensions: Int, base: Float, scale: Float, cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
    let thetaScale = powf(base, -2 / Float(dimensions))
    var theta = Float(position)
    for i in 0..<pairs {
        let angle = theta * scale
        cos[i] = cosf(angle)
        sin[i] = sinf(angle)
        theta *= thetaScale
    }
}
