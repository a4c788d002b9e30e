import CGhostKernels
import GGUF

/// Reusable scratch space for quantized activations, so the decode loop allocates nothing.
///
/// Grows to the largest request and never shrinks. Not thread-safe: one per caller.
public final class MatMulScratch {
    private(set) var buffer: UnsafeMutableRawPointer?
    private(set) var capacity = 0

    public init() {}

    deinit { buffer?.deallocate() }

    func reserve(_ bytes: Int) -> UnsafeMutableRawPointer? {
        if bytes > capacity {
            buffer?.deallocate()
            // Rounded up so that slowly growing prompts don't reallocate every time.
            capacity = max(bytes, capacity * 2)
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        return buffer
    }
}

extension Kernels {
    /// output[t * w.rows + r] = Σ_c W[r,c] · input[t * w.columns + c] for t in 0..<tokens.
    ///
    /// Activations are quantized once per call to the weight type's dot type (llama.cpp's
    /// vec_dot_type): f32→f32, f16→f16, bf16→bf16, q4_0/q8_0→Q8_0, q4_K/q5_K/q6_K→Q8_K; then
    /// an integer dot per block and one float multiply-add per block. Rows are split across
    /// the pool's threads in contiguous chunks; for tokens > 1 each weight block is reused
    /// for a tile of tokens, so weights are read once per tile rather than once per token.
    public static func matmul(_ w: WeightMatrix, input: UnsafePointer<Float>, tokens: Int,
                              output: UnsafeMutablePointer<Float>, pool: ThreadPool, scratch: MatMulScratch) {
        precondition(tokens >= 0)
        precondition(isSupported(w.type), "matmul: unsupported weight type \(w.type.name)")
        guard tokens > 0, w.rows > 0 else { return }
        let type = Int32(w.type.rawValue)
        let bytes = gk_matmul_scratch_size(type, Int64(w.columns), Int64(tokens))
        let buffer = scratch.reserve(bytes)
        if let packed = w.packed, w.packedPathID == gk_current_path(),
           gk_matmul_packed(pool.pool, type, packed, Int64(w.rows), Int64(w.columns), input, Int64(tokens), output, buffer) != 0 {
            return
        }
        gk_matmul(pool.pool, type, w.data, Int64(w.rows), Int64(w.columns), input, Int64(tokens), output, buffer)
    }

    /// Several matrices applied to the same input (Q/K/V or gate/up): when all are packed
    /// with one type, the input is quantized once and all rows share one parallel region
    /// (fewer barriers per token); otherwise one matmul each.
    public static func matmul(_ a: WeightMatrix, _ b: WeightMatrix, _ c: WeightMatrix? = nil, input: UnsafePointer<Float>, tokens: Int,
                              outputs oa: UnsafeMutablePointer<Float>, _ ob: UnsafeMutablePointer<Float>, _ oc: UnsafeMutablePointer<Float>? = nil,
                              pool: ThreadPool, scratch: MatMulScratch) {
        guard tokens > 0 else { return }
        if let pa = a.packed, let pb = b.packed, a.packedPathID == gk_current_path(), b.packedPathID == gk_current_path(), a.type == b.type, a.columns == b.columns,
           c == nil || (c!.packed != nil && c!.packedPathID == gk_current_path() && c!.type == a.type && c!.columns == a.columns && oc != nil) {
            let type = Int32(a.type.rawValue)
            let buffer = scratch.reserve(gk_matmul_scratch_size(type, Int64(a.columns), Int64(tokens)))
            if gk_matmul_packed3(pool.pool, type, Int64(a.columns), input, Int64(tokens), buffer,
                                 pa, Int64(a.rows), oa, pb, Int64(b.rows), ob,
                                 c?.packed, Int64(c?.rows ?? 0), oc) != 0 {
                return
            }
        }
        matmul(a, input: input, tokens: tokens, output: oa, pool: pool, scratch: scratch)
        matmul(b, input: input, tokens: tokens, output: ob, pool: pool, scratch: scratch)
        if let c, let oc { matmul(c, input: input, tokens: tokens, output: oc, pool: pool, scratch: scratch) }
    }
}
