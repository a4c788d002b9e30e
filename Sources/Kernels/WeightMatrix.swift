import GGUF

/// A row-major matrix in GGUF layout: `rows` rows of `columns` elements of `type` (weights stay in the mmap).
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    /// The first byte of row 0; rows follow each other without padding.
    public let data: UnsafeRawPointer

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
}
