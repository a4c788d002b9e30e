import Kernels
import TestSupport
import XCTest

/// The attention kernel (one query head over the f16 cache, ALiBi slope included) and SwiGLU on
/// every path this CPU has, against a double-precision statement of what they compute: the
/// query and the softmax weights rounded to half, as llama.cpp's f16 matmuls round them.
final class AttentionTests: XCTestCase {
    override func tearDown() {
        Kernels.setPath(Kernels.availablePaths.last!)
    }

    func reference(query: [Float], keys: [UInt16], values: [UInt16], headDim: Int, length: Int, scale: Float, slope: Float) -> [Double] {
        let q = query.map { Double(Kernels.float(half: Kernels.half($0))) }
        var scores = (0..<length).map { p -> Double in
            var dot = 0.0
            for i in 0..<headDim { dot += q[i] * Double(Kernels.float(half: keys[p * headDim + i])) }
            return dot * Double(scale) - Double(slope) * Double(length - 1 - p)
        }
        let top = scores.max()!
        scores = scores.map { exp($0 - top) }
        let sum = scores.reduce(0, +)
        var out = [Double](repeating: 0, count: headDim)
        for p in 0..<length {
            let weight = Double(Kernels.float(half: Kernels.half(Float(scores[p] / sum))))
            for i in 0..<headDim { out[i] += weight * Double(Kernels.float(half: values[p * headDim + i])) }
        }
        return out
    }

    func testAttentionMatchesReferenceOnEveryPath() {
        var rng = SeededRandom(seed: 7)
        var checked = 0
        for path in Kernels.availablePaths {
            XCTAssertTrue(Kernels.setPath(path))
            for headDim in [64, 96, 128, 256] {
                for length in [1, 7, 8, 9, 100] {
                    for slope: Float in [0, 0.25] {
                        let query = (0..<headDim).map { _ in rng.uniform() * 2 - 1 }
                        let keys = (0..<(length * headDim)).map { _ in Kernels.half(rng.uniform() * 2 - 1) }
                        let values = (0..<(length * headDim)).map { _ in Kernels.half(rng.uniform() * 2 - 1) }
                        let scale = 4 / Float(headDim).squareRoot()
                        var scores = [Float](repeating: 0, count: length)
                        var out = [Float](repeating: .nan, count: headDim)
                        Kernels.attendHalf(query: query, keys: keys, values: values, stride: headDim, length: length, headDim: headDim,
                                           scale: scale, alibiSlope: slope, scores: &scores, output: &out)
                        let want = reference(query: query, keys: keys, values: values, headDim: headDim, length: length, scale: scale, slope: slope)
                        let worst = zip(out, want).map { abs(Double($0) - $1) }.max()!
                        // A softmax weight that lands on a half-precision rounding boundary may round
                        // the other way (≈ 5e-4 of it) on one path; values are at most 1 in size.
                        XCTAssertLessThan(worst, 2e-3, "\(path) head \(headDim) length \(length) slope \(slope)")
                        checked += 1
                    }
                }
            }
            var gate = (0..<1003).map { _ in rng.uniform() * 40 - 20 }
            let up = (0..<1003).map { _ in rng.uniform() * 2 - 1 }
            let want = zip(gate, up).map { g, u in Double(g) / (1 + exp(-Double(g))) * Double(u) }
            Kernels.swiglu(&gate, up, count: gate.count)
            for (got, expected) in zip(gate, want) {
                XCTAssertEqual(Double(got), expected, accuracy: 1e-5 * max(1, abs(expected)), "\(path) swiglu")
            }
        }
        XCTAssertEqual(checked, Kernels.availablePaths.count * 40)
    }

    /// Query heads that share a K/V head, attended together, give each query's bits from a lone
    /// call: every count up to the limit, lengths that differ within a block (a prompt's tokens),
    /// head widths with an odd number of vectors, a K/V stride wider than the head.
    func testQueriesAttendedTogetherEqualLoneQueriesBitForBit() {
        var rng = SeededRandom(seed: 11)
        var checked = 0
        for path in Kernels.availablePaths {
            XCTAssertTrue(Kernels.setPath(path))
            for headDim in [64, 72, 128] {
                let stride = 2 * headDim, longest = 37
                let keys = (0..<(longest * stride)).map { _ in Kernels.half(rng.uniform() * 2 - 1) }
                let values = (0..<(longest * stride)).map { _ in Kernels.half(rng.uniform() * 2 - 1) }
                for count in 1...Kernels.attendManyLimit {
                    let queries = (0..<count).map { _ in (0..<headDim).map { _ in rng.uniform() * 4 - 2 } }
                    let lengths = (0..<count).map { i in Int64(longest - (count - 1 - i) / 2 - (i == 0 ? 3 : 0)) }
                    let slopes: [Float] = (0..<count).map { i in i % 2 == 0 ? 0 : 0.125 * Float(i) }
                    let scale = 2 / Float(headDim).squareRoot()
                    var outputs = [[Float]](repeating: [Float](repeating: .nan, count: headDim), count: count)
                    var scores = [Float](repeating: 0, count: count * longest)
                    keys.withUnsafeBufferPointer { k in
                        values.withUnsafeBufferPointer { v in
                            let q = queries.map { row -> UnsafeMutablePointer<Float> in
                                let p = UnsafeMutablePointer<Float>.allocate(capacity: headDim)
                                p.initialize(from: row, count: headDim)
                                return p
                            }
                            let o = (0..<count).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: headDim) }
                            let qp: [UnsafePointer<Float>?] = q.map { UnsafePointer($0) }
                            let op: [UnsafeMutablePointer<Float>?] = o
                            Kernels.attendHalf(queries: qp, lengths: lengths, alibiSlopes: slopes, count: count, keys: k.baseAddress!,
                                               values: v.baseAddress!, stride: stride, headDim: headDim, scale: scale,
                                               scores: &scores, outputs: op)
                            for i in 0..<count { outputs[i] = Array(UnsafeBufferPointer(start: o[i], count: headDim)) }
                            q.forEach { $0.deallocate() }
                            o.forEach { $0.deallocate() }
                        }
                    }
                    for i in 0..<count {
                        var alone = [Float](repeating: .nan, count: headDim)
                        var single = [Float](repeating: 0, count: longest)
                        Kernels.attendHalf(query: queries[i], keys: keys, values: values, stride: stride, length: Int(lengths[i]),
                                           headDim: headDim, scale: scale, alibiSlope: slopes[i], scores: &single, output: &alone)
                        XCTAssertEqual(outputs[i].map(\.bitPattern), alone.map(\.bitPattern), "\(path) head \(headDim) query \(i) of \(count)")
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, Kernels.availablePaths.count * 3 * 10)
    }
}
