/// A bounds-checked little-endian cursor over mapped bytes. Every read that would pass
/// the end throws instead of trapping, so a truncated or hostile file is only an error.
struct ByteReader {
    let base: UnsafeRawPointer
    let count: Int
    let path: String
    private(set) var offset = 0

    /// Longest string accepted (a key, a token, a chat template). Real files stay far below.
    static let maxStringLength = 64 << 20
    /// Deepest nesting of arrays accepted.
    static let maxArrayDepth = 8

    init(base: UnsafeRawPointer, count: Int, path: String, offset: Int = 0) {
        self.base = base
        self.count = count
        self.path = path
        self.offset = offset
    }

    /// A reader over the whole mapping, starting at `offset`.
    init(file: GGUFMapping, offset: Int = 0) {
        self.init(base: file.base, count: file.count, path: file.path, offset: offset)
    }

    func error(_ reason: String) -> GGUFError {
        GGUFError(path: path, reason: reason)
    }

    var remaining: Int { count - offset }

    mutating func skip(_ n: Int, what: String) throws {
        guard n >= 0, n <= remaining else {
            throw error("truncated: \(what) at offset \(offset) needs \(n) bytes, \(remaining) left")
        }
        offset += n
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, what: String = "value") throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else {
            throw error("truncated: \(what) at offset \(offset) needs \(size) bytes, \(remaining) left")
        }
        let value = (base + offset).loadUnaligned(as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    /// Reads a u64 count and checks it against `limit` and against the bytes left, assuming
    /// each item needs at least `minItemSize` bytes.
    mutating func readCount(what: String, minItemSize: Int) throws -> Int {
        let raw = try read(UInt64.self, what: what)
        guard raw <= UInt64(Int.max), minItemSize == 0 || Int(raw) <= remaining / minItemSize else {
            throw error("\(what) is \(raw), more than the file can hold")
        }
        return Int(raw)
    }

    mutating func readString(what: String = "string") throws -> String {
        let length = try read(UInt64.self, what: "\(what) length")
        guard length <= UInt64(Self.maxStringLength) else {
            throw error("\(what) length \(length) at offset \(offset - 8) is absurd")
        }
        let n = Int(length)
        guard n <= remaining else {
            throw error("truncated: \(what) at offset \(offset) needs \(n) bytes, \(remaining) left")
        }
        let bytes = UnsafeRawBufferPointer(start: base + offset, count: n)
        offset += n
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func readValueType(what: String) throws -> GGUFValueType {
        let raw = try read(UInt32.self, what: what)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw error("unknown metadata value type \(raw) at offset \(offset - 4)")
        }
        return type
    }

    /// Reads one value of `type`. Arrays are walked (to validate them and find their end)
    /// but left in the mapping.
    mutating func readValue(of type: GGUFValueType, file: GGUFMapping, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self))
        case .int8: return .int8(try read(Int8.self))
        case .uint16: return .uint16(try read(UInt16.self))
        case .int16: return .int16(try read(Int16.self))
        case .uint32: return .uint32(try read(UInt32.self))
        case .int32: return .int32(try read(Int32.self))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self)))
        case .bool:
            let byte = try read(UInt8.self)
            guard byte <= 1 else { throw error("bool value \(byte) at offset \(offset - 1) is neither 0 nor 1") }
            return .bool(byte == 1)
        case .string: return .string(try readString())
        case .uint64: return .uint64(try read(UInt64.self))
        case .int64: return .int64(try read(Int64.self))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self)))
        case .array:
            guard depth < Self.maxArrayDepth else { throw error("arrays nested deeper than \(Self.maxArrayDepth)") }
            let elementType = try readValueType(what: "array element type")
            let count = try readCount(what: "array length", minItemSize: elementType.fixedSize ?? 8)
            let start = offset
            if let size = elementType.fixedSize {
                try skip(count * size, what: "array data")
                if elementType == .bool {
                    for i in 0..<count {
                        let byte = (base + start + i).load(as: UInt8.self)
                        if byte > 1 { throw error("bool array element \(byte) at offset \(start + i) is neither 0 nor 1") }
                    }
                }
            } else if elementType == .string {
                for _ in 0..<count {
                    let length = try read(UInt64.self, what: "string length")
                    guard length <= UInt64(Self.maxStringLength) else {
                        throw error("string length \(length) at offset \(offset - 8) is absurd")
                    }
                    try skip(Int(length), what: "string")
                }
            } else {
                for _ in 0..<count { _ = try readValue(of: elementType, file: file, depth: depth + 1) }
            }
            return .array(GGUFArray(elementType: elementType, count: count, file: file, offset: start, byteCount: offset - start))
        }
    }
}
