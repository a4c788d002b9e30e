import CGhostKernels
import GGUF

/// CPU kernels: quantized block formats, dot products and matrix multiplication.
///
/// The SIMD path is chosen at run time from the CPU's features; every path computes the
/// same integer block sums and differs from the others only in float summation order.
public enum Kernels {
    static let pathNames: [(name: String, id: Int32)] = [
        ("portable", Int32(GK_PATH_PORTABLE)),
        ("avx2", Int32(GK_PATH_AVX2)),
        ("avx512-vnni", Int32(GK_PATH_AVX512_VNNI)),
        ("neon", Int32(GK_PATH_NEON)),
    ]

    /// The SIMD path in use: "avx512-vnni", "avx2", "neon" or "portable".
    public static var path: String {
        let id = gk_current_path()
        return pathNames.first { $0.id == id }?.name ?? "portable"
    }

    /// Every path's name, whether or not this CPU can run it.
    public static var allPaths: [String] { pathNames.map(\.name) }

    /// The paths this CPU can run, slowest first.
    public static var availablePaths: [String] {
        pathNames.filter { gk_path_supported($0.id) != 0 }.map(\.name)
    }

    /// Forces a path (tests compare every path available on this CPU against the scalar reference); returns false if the CPU can't run it.
    ///
    /// Not synchronised with running kernels: switch only while no matmul is in flight.
    @discardableResult
    public static func setPath(_ name: String) -> Bool {
        guard let id = pathNames.first(where: { $0.name == name })?.id else { return false }
        return gk_set_path(id) != 0
    }

    /// Whether matmul, dequantize and dequantizeRow handle weights of `type`: f32, f16, bf16,
    /// q8_0, q4_0, q4_1, q5_0, q5_1, q2_K, q3_K, q4_K, q5_K, q6_K, iq4_nl, iq4_xs.
    public static func isSupported(_ type: GGMLType) -> Bool {
        gk_type_supported(Int32(type.rawValue)) != 0
    }

    /// Every weight type `isSupported` accepts, in ggml's numbering order.
    public static var supportedTypes: [GGMLType] { GGMLType.allCases.filter(isSupported) }

    /// The types `quantize` can produce (bit-exact with llama.cpp's reference quantizers).
    public static let quantizableTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
}
