import CGhostKernels
import GGUF

/// A row-major matrix in GGUF layout: `rows` rows of `columns` elements of `type` (weights stay in the mmap).
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    /// The first byte of row 0; rows follow each other without padding.
    public let data: UnsafeRawPointer
    /// The same weights repacked into the interleaved layout of the kernel path that was in
    /// use (see `Kernels.pack`), used by matmul instead of `data` while that path is.
    public private(set) var packed: UnsafeRawPointer?
    /// The kernel path (its `gk_current_path` id) whose layout `packed` is in.
    private(set) var packedPathID: Int32?
    private var packedStorage: PackedStorage?

    /// Bytes per row (`columns` must be a whole number of blocks).
    public var rowByteCount: Int { columns / type.blockSize * type.typeSize }

    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        precondition(columns % type.blockSize == 0, "\(columns) columns is not a whole number of \(type.name) blocks")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
    }

    /// Rows `range` of this matrix as a matrix of their own, sharing the bytes: a fused
    /// tensor (Phi-3's `attn_qkv`, its gate/up `ffn_up`) read as its parts.
    public func rows(_ range: Range<Int>) -> WeightMatrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows && packed == nil, "row range outside the matrix")
        return WeightMatrix(type: type, rows: range.count, columns: columns, data: data + range.lowerBound * rowByteCount)
    }

    /// A copy whose matmuls use `storage` (packed by `Kernels.pack`).
    func withPacked(_ storage: PackedStorage) -> WeightMatrix {
        var m = self
        m.packedStorage = storage
        m.packed = UnsafeRawPointer(storage.pointer)
        m.packedPathID = gk_current_path()
        return m
    }
}

/// Owns the memory of a packed weight matrix.
final class PackedStorage: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(byteCount: Int) { pointer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64) }
    deinit { pointer.deallocate() }
}

extension Kernels {
    /// Whether `w` has a packed (interleaved) form on the kernel path in use: on AVX-512 VNNI
    /// Q4_0, Q4_1, Q8_0 and Q4_K with a multiple of 16 rows; on AVX2 those, IQ4_NL, Q5_K and
    /// Q6_K with a multiple of 8 rows.
    public static func canPack(_ w: WeightMatrix) -> Bool {
        gk_packed_size(Int32(w.type.rawValue), Int64(w.rows), Int64(w.columns)) > 0
    }

    /// Returns `w` with a packed copy of its weights that matmul uses for every token count
    /// (an interleaved layout lets one multiply-add instruction serve 8 or 16 rows; see
    /// gk_packed.c), or `w` unchanged if it can't be packed. With `releaseSource`, the
    /// pages of `w.data` (a read-only file mapping) are dropped from the resident set
    /// afterwards, so the process holds one copy of the weights, not two.
    public static func pack(_ w: WeightMatrix, pool: ThreadPool?, releaseSource: Bool = false) -> WeightMatrix {
        let type = Int32(w.type.rawValue)
        let bytes = gk_packed_size(type, Int64(w.rows), Int64(w.columns))
        guard bytes > 0, w.packed == nil else { return w }
        let storage = PackedStorage(byteCount: bytes)
        gk_pack(pool?.pool, type, w.data, Int64(w.rows), Int64(w.columns), storage.pointer)
        if releaseSource { gk_release_pages(w.data, w.rows * w.rowByteCount) }
        return w.withPacked(storage)
    }
}
