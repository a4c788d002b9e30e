/// The metadata value types of GGUF, with their on-disk numbering.
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6
    case bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Size of one value on disk, or nil for variable-size types (string, array).
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }
}

/// One metadata value.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }

    /// The value as an integer, for any integer type (and bool); nil otherwise or if it
    /// does not fit in `Int`.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        case .bool(let v): return v ? 1 : 0
        default: return nil
        }
    }

    /// The value as a floating-point number, for any numeric type.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return intValue.map(Double.init)
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: GGUFArray? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// A GGUF metadata array. Arrays read from a file stay in the mapping and are decoded on
/// demand (a vocabulary holds tens of thousands of strings); arrays built in code hold
/// their values.
public struct GGUFArray: Sendable, Equatable {
    /// Type of every element.
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    let storage: Storage

    enum Storage: @unchecked Sendable {
        case values([GGUFValue])
        /// `offset` is where the first element starts in `file`'s mapping.
        case mapped(file: GGUFMapping, offset: Int, byteCount: Int)
    }

    /// An array of values built in code. All values must have `elementType`.
    public init(elementType: GGUFValueType, values: [GGUFValue]) {
        precondition(values.allSatisfy { $0.type == elementType }, "GGUF array elements must share one type")
        self.elementType = elementType
        self.count = values.count
        self.storage = .values(values)
    }

    init(elementType: GGUFValueType, count: Int, file: GGUFMapping, offset: Int, byteCount: Int) {
        self.elementType = elementType
        self.count = count
        self.storage = .mapped(file: file, offset: offset, byteCount: byteCount)
    }

    public static func strings(_ values: [String]) -> GGUFArray {
        GGUFArray(elementType: .string, values: values.map(GGUFValue.string))
    }

    public static func float32s(_ values: [Float]) -> GGUFArray {
        GGUFArray(elementType: .float32, values: values.map(GGUFValue.float32))
    }

    public static func int32s(_ values: [Int32]) -> GGUFArray {
        GGUFArray(elementType: .int32, values: values.map(GGUFValue.int32))
    }

    /// Every element, decoded.
    public var values: [GGUFValue] {
        switch storage {
        case .values(let values):
            return values
        case .mapped(let file, let offset, _):
            var reader = ByteReader(file: file, offset: offset)
            // The parser already walked this array, so decoding cannot fail.
            return (0..<count).map { _ in try! reader.readValue(of: elementType, file: file, depth: 1) }
        }
    }

    /// The elements as strings, or nil if they are not strings.
    public var strings: [String]? {
        guard elementType == .string else { return nil }
        if case .mapped(let file, let offset, _) = storage {
            var reader = ByteReader(file: file, offset: offset)
            var result: [String] = []
            result.reserveCapacity(count)
            for _ in 0..<count { result.append(try! reader.readString()) }
            return result
        }
        return values.map { $0.stringValue! }
    }

    /// The elements as floats (any numeric element type), or nil if not numeric.
    public var floats: [Float]? {
        if elementType == .float32, case .mapped(let file, let offset, _) = storage {
            // The parser checked that `count * 4` bytes are in the file. The copy does not
            // care about the (often unaligned) source address.
            var result = [Float](repeating: 0, count: count)
            result.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: file.base + offset, count: count * 4)) }
            #if _endian(big)
            for i in result.indices { result[i] = Float(bitPattern: UInt32(littleEndian: result[i].bitPattern)) }
            #endif
            return result
        }
        let decoded = values.compactMap { $0.doubleValue.map(Float.init) }
        return decoded.count == count ? decoded : nil
    }

    /// The elements as integers (any integer element type), or nil if not integers.
    public var ints: [Int]? {
        let decoded = values.compactMap(\.intValue)
        return decoded.count == count ? decoded : nil
    }

    public static func == (lhs: GGUFArray, rhs: GGUFArray) -> Bool {
        lhs.elementType == rhs.elementType && lhs.count == rhs.count && lhs.values == rhs.values
    }
}

extension GGUFValue: CustomStringConvertible {
    /// A short rendering for messages: numbers as they are, strings quoted (long ones
    /// shortened), arrays as their type and length (they are never decoded for this).
    public var description: String {
        switch self {
        case .uint8(let v): return "\(v)"
        case .int8(let v): return "\(v)"
        case .uint16(let v): return "\(v)"
        case .int16(let v): return "\(v)"
        case .uint32(let v): return "\(v)"
        case .int32(let v): return "\(v)"
        case .float32(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .string(let s): return GGUFError.quote(s)
        case .array(let a): return a.description
        case .uint64(let v): return "\(v)"
        case .int64(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        }
    }
}

extension GGUFArray: CustomStringConvertible {
    /// `[32000 × string]`.
    public var description: String { "[\(count) × \(elementType)]" }
}
