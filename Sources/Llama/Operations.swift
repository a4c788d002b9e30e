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

/// out = (x − mean(x)) / √(var(x) + ε) · weight + bias (0 without one): LayerNorm, the sums in double as
/// llama.cpp's `ggml_norm` does.
func layerNorm(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
               count n: Int, epsilon: Float) {
    var sum: Double = 0
    for i in 0..<n { sum += Double(x[i]) }
    let mean = Float(sum / Double(n))
    var squares: Double = 0
    for i in 0..<n {
        let v = x[i] - mean
        squares += Double(v * v)
    }
    let scale = 1 / (Float(squares / Double(n)) + epsilon).squareRoot()
    for i in 0..<n { out[i] = (x[i] - mean) * scale * weight[i] + (bias?[i] ?? 0) }
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

/// Rotates each head's feature pairs by the angles in `cos`/`sin` (one entry per pair,
/// `pairs` of them; features past 2·pairs are left alone): pairs (2i, 2i+1) for
/// `.adjacentPairs`, (i, i + pairs) for `.halves`.
func applyRope(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
               pairs: Int, style: Architecture.RopeStyle) {
    let (stride, partner) = style == .adjacentPairs ? (2, 1) : (1, pairs)
    for h in 0..<heads {
        let v = x + h * headDim
        for i in 0..<pairs {
            let first = i * stride, second = first + partner
            let a = v[first], b = v[second]
            v[first] = a * cos[i] - b * sin[i]
            v[second] = a * sin[i] + b * cos[i]
        }
    }
}

/// gate = gelu(gate) · up, with GELU's tanh approximation (Gemma's `gelu_pytorch_tanh`),
/// computed in float (llama.cpp looks GELU up in a table of half-precision inputs).
func geglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count n: Int) {
    let c: Float = 0.7978845608028654  // √(2/π)
    for i in 0..<n {
        let x = gate[i]
        gate[i] = 0.5 * x * (1 + tanhf(c * (x + 0.044715 * x * x * x))) * up[i]
    }
}

/// x = gelu(x), tanh approximation (Falcon's ungated feed-forward), in float.
func gelu(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    let c: Float = 0.7978845608028654  // √(2/π)
    for i in 0..<n {
        let v = x[i]
        x[i] = 0.5 * v * (1 + tanhf(c * (v + 0.044715 * v * v * v)))
    }
}

/// x = silu(x) = x · σ(x), in float.
func silu(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    for i in 0..<n { x[i] = x[i] / (1 + expf(-x[i])) }
}

/// x = min(max(x, −limit), limit).
func clamp(_ x: UnsafeMutablePointer<Float>, to limit: Float, count n: Int) {
    for i in 0..<n { x[i] = min(max(x[i], -limit), limit) }
}

/// x *= factor.
func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count n: Int) {
    for i in 0..<n { x[i] *= factor }
}

/// x += bias, for each of `rows` rows of `bias.count` floats.
func addBias(_ x: UnsafeMutablePointer<Float>, _ bias: [Float], rows: Int) {
    bias.withUnsafeBufferPointer { b in
        for r in 0..<rows { addInPlace(x + r * b.count, b.baseAddress!, count: b.count) }
    }
}

/// Fills `cos`/`sin` with the RoPE angles for `position`. Angles are built the way
/// llama.cpp builds them (θ multiplied by base^(-2/d) pair by pair, in float, divided by the
/// pair's frequency factor if the model has them, then scaled), so positions far into the
/// context round the same way.
func ropeAngles(position: Int, pairs: Int, dimensions: Int, base: Float, scale: Float, factors: [Float]?,
                cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
    let thetaScale = powf(base, -2 / Float(dimensions))
    var theta = Float(position)
    for i in 0..<pairs {
        let angle = (factors.map { theta / $0[i] } ?? theta) * scale
        cos[i] = cosf(angle)
        sin[i] = sinf(angle)
        theta *= thetaScale
    }
}
