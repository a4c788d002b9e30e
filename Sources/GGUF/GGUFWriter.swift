#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes GGUF files (version 3 unless told otherwise).
///
/// Metadata and the tensor table are declared first; tensor bytes are produced one tensor
/// at a time while writing, so a multi-gigabyte model never has to sit in memory. The file
/// is written to a temporary name beside the target and renamed into place, so a failed
/// write never leaves a half-written model behind (nor replaces an existing file).
///
/// The layout is the one gguf-py and llama.cpp write: tensor data at cumulative offsets,
/// each tensor padded with zeros to the alignment, and no padding after the tensor table
/// when there are no tensors. Copying a file they wrote gives the same bytes.
public struct GGUFWriter {
    /// A tensor to be written: its table entry and a closure producing its bytes.
    public struct Tensor {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var produce: () throws -> [UInt8]

        /// Bytes the tensor occupies, or 0 when its dimensions are invalid for its type.
        public var byteCount: Int { elementCount.flatMap { type.byteCount(elements: $0) } ?? 0 }

        /// Number of elements, or nil when a dimension is negative or the product overflows.
        var elementCount: Int? {
            var product = 1
            for d in dimensions {
                guard d >= 0 else { return nil }
                let (p, overflow) = product.multipliedReportingOverflow(by: d)
                if overflow { return nil }
                product = p
            }
            return product
        }
    }

    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    public private(set) var tensors: [Tensor] = []
    private var keyIndex: [String: Int] = [:]

    /// The GGUF version written: 3 (the default) or 2, whose layout is the same.
    public var version: UInt32 = 3

    /// Alignment of tensor data: `general.alignment` when set, otherwise 32. Setting it
    /// stores `general.alignment`, so readers find the data where it is written.
    public var alignment: Int {
        get {
            if case .uint32(let a)? = keyIndex["general.alignment"].map({ metadata[$0].value }) { return Int(a) }
            return GGUFFile.defaultAlignment
        }
        set { set("general.alignment", .uint32(UInt32(clamping: newValue))) }
    }

    public init() {}

    /// Sets `key` (replacing an earlier value in place).
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let index = keyIndex[key] {
            metadata[index].value = value
        } else {
            keyIndex[key] = metadata.count
            metadata.append((key, value))
        }
    }

    /// Removes `key` if present.
    public mutating func remove(_ key: String) {
        guard keyIndex[key] != nil else { return }
        metadata.removeAll { $0.key == key }
        keyIndex = Dictionary(uniqueKeysWithValues: metadata.enumerated().map { ($0.element.key, $0.offset) })
    }

    /// Declares a tensor whose bytes `produce` returns when the writer reaches it.
    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, produce: @escaping () throws -> [UInt8]) {
        tensors.append(Tensor(name: name, dimensions: dimensions, type: type, produce: produce))
    }

    /// Declares a tensor with its bytes at hand.
    /// Drops the tensor called `name`, if there is one.
    public mutating func removeTensor(named name: String) {
        tensors.removeAll { $0.name == name }
    }

    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8]) {
        addTensor(name: name, dimensions: dimensions, type: type, produce: { bytes })
    }

    /// Throws if the file would be one that `GGUFFile` refuses.
    func validate(path: String) throws {
        func fail(_ reason: String) -> GGUFError { GGUFError(path: path, reason: "cannot write: \(reason)") }
        guard version == 2 || version == 3 else { throw fail("GGUF version \(version) (2 or 3 can be written)") }
        if let value = keyIndex["general.alignment"].map({ metadata[$0].value }) {
            guard case .uint32(let a) = value, a > 0, a & (a - 1) == 0, a <= GGUFFile.maxAlignment else {
                throw fail("general.alignment must be a power of two from 1 to \(GGUFFile.maxAlignment) stored as uint32, not \(value.type) \(value)")
            }
        }
        for (key, value) in metadata {
            guard !key.isEmpty else { throw fail("empty metadata key") }
            guard key.utf8.count <= ByteReader.maxStringLength else { throw fail("metadata key \(GGUFError.quote(key)) is too long") }
            guard Self.isWithinLimits(value, depth: 0) else {
                throw fail("value of \(GGUFError.quote(key)) nests arrays deeper than \(ByteReader.maxArrayDepth) or holds a string longer than \(ByteReader.maxStringLength) bytes")
            }
        }
        var names = Set<String>()
        for tensor in tensors {
            let quoted = GGUFError.quote(tensor.name)
            guard tensor.name.utf8.count <= ByteReader.maxStringLength else { throw fail("tensor name \(quoted) is too long") }
            guard names.insert(tensor.name).inserted else { throw fail("duplicate tensor \(quoted)") }
            guard (1...GGUFFile.maxDimensions).contains(tensor.dimensions.count) else {
                throw fail("tensor \(quoted) has \(tensor.dimensions.count) dimensions (1 to \(GGUFFile.maxDimensions) allowed)")
            }
            guard tensor.dimensions.allSatisfy({ $0 > 0 }), tensor.elementCount != nil else {
                throw fail("tensor \(quoted) has dimensions \(tensor.dimensions)")
            }
            guard tensor.dimensions[0] % tensor.type.blockSize == 0 else {
                throw fail("tensor \(quoted) has rows of \(tensor.dimensions[0]) elements, not a whole number of \(tensor.type.name) blocks of \(tensor.type.blockSize)")
            }
            guard tensor.byteCount > 0 else { throw fail("tensor \(quoted) has dimensions \(tensor.dimensions) whose size in bytes overflows") }
        }
    }

    private static func isWithinLimits(_ value: GGUFValue, depth: Int) -> Bool {
        switch value {
        case .string(let s):
            return s.utf8.count <= ByteReader.maxStringLength
        case .array(let array):
            guard depth < ByteReader.maxArrayDepth else { return false }
            if case .mapped = array.storage, array.elementType != .array { return true }  // checked when read
            guard array.elementType == .string || array.elementType == .array else { return true }
            return array.values.allSatisfy { isWithinLimits($0, depth: depth + 1) }
        default:
            return true
        }
    }

    /// The header, metadata and tensor table, padded to the alignment when tensor data follows.
    func header() -> [UInt8] {
        var out = ByteWriter()
        out.u32(GGUFFile.magic)
        out.u32(version)
        out.u64(UInt64(tensors.count))
        out.u64(UInt64(metadata.count))
        for (key, value) in metadata {
            out.string(key)
            out.u32(value.type.rawValue)
            out.value(value)
        }
        let alignment = self.alignment
        var offset = 0
        for tensor in tensors {
            out.string(tensor.name)
            out.u32(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { out.u64(UInt64(d)) }
            out.u32(tensor.type.rawValue)
            out.u64(UInt64(offset))
            offset += Self.padded(tensor.byteCount, to: alignment)
        }
        if !tensors.isEmpty { out.pad(to: alignment) }
        return out.bytes
    }

    static func padded(_ n: Int, to alignment: Int) -> Int {
        (n + alignment - 1) / alignment * alignment
    }

    /// Writes the file to `path`. `progress` is called after each tensor with
    /// (tensors done, tensors total). Throws a `GGUFError` naming `path` when the content
    /// is invalid, a tensor's bytes have the wrong size, or the file cannot be written;
    /// errors thrown by a tensor's `produce` are passed on. On any error nothing is left
    /// at `path` (an existing file there is kept as it was).
    public func write(to path: String, progress: (Int, Int) -> Void = { _, _ in }) throws {
        try validate(path: path)
        let alignment = self.alignment
        let temporary = path + ".partial-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw GGUFError(path: path, reason: "cannot create: \(GGUFMapping.lastError())")
        }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }
        func put(_ bytes: [UInt8]) throws {
            guard writeAll(fd, bytes) else {
                throw GGUFError(path: path, reason: "write failed: \(GGUFMapping.lastError())")
            }
        }
        try put(header())
        let zeros = [UInt8](repeating: 0, count: alignment)
        for (index, tensor) in tensors.enumerated() {
            let bytes = try tensor.produce()
            guard bytes.count == tensor.byteCount else {
                throw GGUFError(path: path, reason: "tensor \(GGUFError.quote(tensor.name)) has \(bytes.count) bytes, expected \(tensor.byteCount)")
            }
            try put(bytes)
            let padding = Self.padded(bytes.count, to: alignment) - bytes.count
            if padding > 0 { try put(Array(zeros[..<padding])) }
            progress(index + 1, tensors.count)
        }
        guard fsync(fd) == 0 else {
            throw GGUFError(path: path, reason: "write failed: \(GGUFMapping.lastError())")
        }
        closed = true
        guard close(fd) == 0 else {
            throw GGUFError(path: path, reason: "write failed: \(GGUFMapping.lastError())")
        }
        guard rename(temporary, path) == 0 else {
            throw GGUFError(path: path, reason: "cannot rename into place: \(GGUFMapping.lastError())")
        }
        renamed = true
    }
}

extension GGUFWriter {
    /// A writer holding all of `file`'s metadata and tensors (and its version), ready to be
    /// changed and written. Tensor bytes are read from `file`'s mapping while writing.
    public init(copying file: GGUFFile) {
        self.init()
        version = file.version
        for (key, value) in file.metadata { set(key, value) }
        for info in file.tensors {
            addTensor(name: info.name, dimensions: info.dimensions, type: info.type) {
                Array(file.bytes(for: info))
            }
        }
    }
}

/// Writes all of `bytes` to `fd`, retrying short and interrupted writes.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
            #else
            let n = Darwin.write(fd, buffer.baseAddress! + done, buffer.count - done)
            #endif
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
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
        u64(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
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
            if case .mapped(let file, let offset, let byteCount) = array.storage {
                // A validated array read from a file: its elements are copied as they are.
                bytes.append(contentsOf: UnsafeRawBufferPointer(start: file.base + offset, count: byteCount))
            } else {
                for element in array.values { self.value(element) }
            }
        }
    }
}
