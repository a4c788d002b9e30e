import CGhostKernels
import GGUF

extension Kernels {
    /// Dequantizes row `row` of `w` into `columns` floats (embedding lookup).
    public static func dequantizeRow(_ w: WeightMatrix, row: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < w.rows, "row \(row) out of 0..<\(w.rows)")
        precondition(isSupported(w.type), "dequantizeRow: unsupported type \(w.type.name)")
        gk_dequantize(Int32(w.type.rawValue), w.data + row * w.rowByteCount, out, Int64(w.columns))
    }

    /// Dequantizes `count` elements of `type` starting at `data`.
    public static func dequantize(_ data: UnsafeRawPointer, type: GGMLType, count: Int) -> [Float] {
        precondition(isSupported(type), "dequantize: unsupported type \(type.name)")
        precondition(count >= 0 && count % type.blockSize == 0, "\(count) is not a whole number of \(type.name) blocks")
        return [Float](unsafeUninitializedCapacity: count) { buf, n in
            if count > 0 { gk_dequantize(Int32(type.rawValue), data, buf.baseAddress!, Int64(count)) }
            n = count
        }
    }

    /// Quantizes floats into `type` blocks exactly as llama.cpp's reference quantizers do
    /// (`quantizableTypes`: q8_0, q4_0, q4_1, q5_0, q5_1, q4_K, q5_K, q6_K; also f16, bf16, f32). count % blockSize == 0.
    public static func quantize(_ input: UnsafePointer<Float>, count: Int, to type: GGMLType) -> [UInt8] {
        precondition(quantizableTypes.contains(type), "quantize: unsupported type \(type.name)")
        guard let bytes = type.byteCount(elements: count) else {
            preconditionFailure("\(count) is not a whole number of \(type.name) blocks")
        }
        return [UInt8](unsafeUninitializedCapacity: bytes) { buf, n in
            if bytes > 0 { gk_quantize_ref(Int32(type.rawValue), input, buf.baseAddress!, Int64(count)) }
            n = bytes
        }
    }
}
