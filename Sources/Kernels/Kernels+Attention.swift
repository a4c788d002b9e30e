import CGhostKernels

extension Kernels {
    /// Widest attention head `attendHalf` takes (the C kernel keeps one head's query on the stack).
    public static let maxHeadWidth = 512

    /// One query head over `length` cached f16 positions (`stride` halves apart):
    /// softmax(q·k·scale − alibiSlope·distance from the last position) with weights rounded to
    /// half, then Σ w·v into `output` (headDim floats).
    /// `scores` needs `length` floats. Vectorised on AVX-512; headDim ≤ 512.
    public static func attendHalf(query: UnsafePointer<Float>, keys: UnsafePointer<UInt16>, values: UnsafePointer<UInt16>,
                                  stride: Int, length: Int, headDim: Int, scale: Float, alibiSlope: Float = 0,
                                  scores: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        precondition(headDim <= maxHeadWidth)
        gk_attend_f16(query, keys, values, Int64(stride), Int64(length), Int64(headDim), scale, alibiSlope, scores, output)
    }

    /// Most query heads `attendHalf(queries:…)` takes at once.
    public static let attendManyLimit = Int(GK_ATTEND_MANY)

    /// `count` (≤ `attendManyLimit`) query heads that read the same cached K/V head, each as
    /// `attendHalf(query:…)` over its own first `lengths[i]` positions with its own ALiBi slope,
    /// the same bits, with each cached row loaded once for all of them. `scores` needs
    /// `count` × the longest length floats.
    public static func attendHalf(queries: UnsafePointer<UnsafePointer<Float>?>, lengths: UnsafePointer<Int64>,
                                  alibiSlopes: UnsafePointer<Float>, count: Int, keys: UnsafePointer<UInt16>,
                                  values: UnsafePointer<UInt16>, stride: Int, headDim: Int, scale: Float,
                                  scores: UnsafeMutablePointer<Float>, outputs: UnsafePointer<UnsafeMutablePointer<Float>?>) {
        precondition(headDim <= maxHeadWidth && count >= 1 && count <= attendManyLimit)
        gk_attend_f16_many(queries, lengths, alibiSlopes, Int32(count), keys, values, Int64(stride), Int64(headDim), scale,
                           scores, outputs)
    }

    /// gate[i] = silu(gate[i]) · up[i].
    public static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        gk_swiglu(gate, up, Int64(count))
    }
}
