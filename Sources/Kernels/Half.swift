import CGhostKernels

// f16 helpers for the f16 KV cache (IEEE half stored as UInt16). Conversions round to
// nearest even (F16C `vcvtps2ph` with rounding 0 on x86), like ggml.
extension Kernels {
    /// Converts `count` floats to half (round to nearest even; overflow → ±inf; NaN stays NaN).
    public static func toHalf(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        gk_fp32_to_fp16_row(src, dst, Int64(count))
    }

    /// Converts `count` halves to float (exact).
    public static func fromHalf(_ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        gk_fp16_to_fp32_row(src, dst, Int64(count))
    }

    /// Σ a[i]·b[i] over halves, accumulated in f32 (like ggml_vec_dot_f16).
    public static func dotHalf(_ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>, count: Int) -> Float {
        gk_dot_f16(a, b, Int64(count))
    }

    /// y[i] += alpha · x[i] with x in half.
    public static func axpyHalf(_ alpha: Float, _ x: UnsafePointer<UInt16>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        gk_axpy_f16(alpha, x, y, Int64(count))
    }

    /// One float to half bits (round to nearest even).
    public static func half(_ value: Float) -> UInt16 { gk_fp32_to_fp16(value) }

    /// Half bits to float.
    public static func float(half bits: UInt16) -> Float { gk_fp16_to_fp32(bits) }

    /// One float to bfloat16 bits (round to nearest even on the top 16 bits; NaN stays quiet).
    public static func bfloat16(_ value: Float) -> UInt16 { gk_fp32_to_bf16(value) }

    /// bfloat16 bits to float.
    public static func float(bfloat16 bits: UInt16) -> Float { gk_bf16_to_fp32(bits) }
}
