#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes GGUF v3 files.
///
/// Metadata and the tensor table are declared first; tensor bytes are produced one tensor
/// at a time while writing, so a multi-gigabyte model never has to sit in memory. The file
/// is written to a temporary name beside the target and renamed into place, so a failed
/// write never leaves a half-written model behind.
public struct GGUFWriter {
    /// A tensor to be written: its table entry and a closure producing its bytes.
    public struct Tensor {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var produce: () throws -> [UInt8]

        public var byteCount: Int { type.byteCount(elements: dimensions.reduce(1, *)) ?? 0 }
    }

    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    public private(set) var tensors: [Tensor] = []
    public var alignment: Int = GGUFFile.defaultAlignment

    public init() {}

    /// Sets `key` (replacing an earlier value in place).
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if key == "general.alignment", case .uint32(let a) = value { alignment = Int(a) }
        if let index = metadata.firstIndex(where: { $0.key == key }) {
            metadata[index].value = value
        } else {
            metadata.append((key, value))
        }
    }

    /// Removes `key` if present.
    public mutating func remove(_ key: String) {
        metadata.removeAll { $0.key == key }
    }

    /// Declares a tensor whose bytes `produce` returns when the writer reaches it.
    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, produce: @escaping () throws -> [UInt8]) {
        tensors.append(Tensor(name: name, dimensions: dimensions, type: type, produce: produce))
    }

    /// Declares a tensor with its bytes at hand.
    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8]) {
        addTensor(name: name, dimensions: dimensions, type: type, produce: { bytes })
    }

    /// The header, metadata and tensor table, padded to the alignment.
    func header() -> [UInt8] {
        var out = ByteWriter()
        out.u32(GGUFFile.magic)
        out.u32(3)
        out.u64(UInt64(tensors.count))
        out.u64(UInt64(metadata.count))
        for (key, value) in metadata {
            out.string(key)
            out.u32(value.type.rawValue)
            out.value(value)
        }
        var offset = 0
        for tensor in tensors {
            out.string(tensor.name)
            out.u32(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { out.u64(UInt64(d)) }
            out.u32(tensor.type.rawValue)
            out.u64(UInt64(offset))
            offset += Self.padded(tensor.byteCount, to: alignment)
        }
        out.pad(to: alignment)
        return out.bytes
    }

    static func padded(_ n: Int, to alignment: Int) -> Int {
        (n + alignment - 1) / alignment * alignment
    }

    /// Writes the file to `path`. `progress` is called after each tensor with
    /// (tensors done, tensors total).
    public func write(to path: String, progress: (Int, Int) -> Void = { _, _ in }) throws {
        let temporary = path + ".partial-\(getpid())"
        guard let file = fopen(temporary, "wb") else {
            throw GGUFError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var closed = false
        defer {
            if !closed { fclose(file) }
            unlink(temporary)
        }
        func put(_ bytes: [UInt8]) throws {
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == bytes.count else {
                throw GGUFError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
            }
        }
        try put(header())
        for (index, tensor) in tensors.enumerated() {
            let bytes = try tensor.produce()
            guard bytes.count == tensor.byteCount else {
                throw GGUFError(path: path, reason: "tensor '\(tensor.name)' has \(bytes.count) bytes, expected \(tensor.byteCount)")
            }
            try put(bytes)
            let padding = Self.padded(bytes.count, to: alignment) - bytes.count
            if padding > 0 { try put([UInt8](repeating: 0, count: padding)) }
            progress(index + 1, tensors.count)
        }
        guard fflush(file) == 0, fsync(fileno(file)) == 0 else {
            throw GGUFError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
        fclose(file)
        closed = true
        guard rename(temporary, path) == 0 else {
            throw GGUFError(path: path, reason: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
    }
}

extension GGUFWriter {
    /// A writer holding all of `file`'s metadata and tensors, ready to be changed and written.
    public init(copying file: GGUFFile) {
        self.init()
        for (key, value) in file.metadata { set(key, value) }
        for info in file.tensors {
            addTensor(name: info.name, dimensions: info.dimensions, type: info.type) {
                Array(file.bytes(for: info))
            }
        }
    }
}

/// Little-endian serialisation of GGUF primitives.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func integer<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    mutating func u32(_ v: UInt32) { integer(v) }
    mutating func u64(_ v: UInt64) { integer(v) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u64(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    mutating func pad(to alignment: Int) {
        let target = GGUFWriter.padded(bytes.count, to: alignment)
        bytes.append(contentsOf: repeatElement(0, count: target - bytes.count))
    }
    mutating func value(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): integer(v)
        case .int8(let v): integer(v)
        case .uint16(let v): integer(v)
        case .int16(let v): integer(v)
        case .uint32(let v): integer(v)
        case .int32(let v): integer(v)
        case .float32(let v): integer(v.bitPattern)
        case .bool(let v): u8(v ? 1 : 0)
        case .string(let s): string(s)
        case .uint64(let v): integer(v)
        case .int64(let v): integer(v)
        case .float64(let v): integer(v.bitPattern)
        case .array(let array):
            u32(array.elementType.rawValue)
            u64(UInt64(array.count))
            for element in array.values { self.value(element) }
        }
    }
}
