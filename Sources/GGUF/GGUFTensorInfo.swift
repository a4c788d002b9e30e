/// Where one tensor lives in a GGUF file and what it holds.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Dimensions, fastest-varying first: a weight `[nIn, nOut]` has `nOut` rows of `nIn`.
    public let dimensions: [Int]
    public let type: GGMLType
    /// Offset of the first byte, relative to the start of the data section.
    public let relativeOffset: Int
    /// Offset of the first byte from the start of the file.
    public let fileOffset: Int
    /// Number of bytes the tensor occupies.
    public let byteCount: Int

    /// Total number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Elements in one row (`dimensions[0]`).
    public var rowLength: Int { dimensions.first ?? 1 }
    /// Number of rows (product of the other dimensions).
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
    /// Bytes in one row.
    public var rowByteCount: Int { rowLength / type.blockSize * type.typeSize }
}
