/// A parsed, validated, memory-mapped GGUF file (versions 2 and 3).
///
/// Parsing reads only the header, metadata and tensor table; tensor data stays in the
/// mapping until used. Every count, length, dimension, offset and type is checked, so any
/// malformed file is reported as a `GGUFError` rather than a crash.
public final class GGUFFile: @unchecked Sendable {
    /// The mapping the file is read from; tensor pointers point into it.
    public let mapping: GGUFMapping
    /// Format version (2 or 3).
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// Alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// Offset of the data section from the start of the file: the end of the tensor table
    /// rounded up to `alignment`. In a file without tensors it may lie past the end.
    public let dataOffset: Int

    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    public static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian
    public static let defaultAlignment = 32
    static let maxDimensions = 4
    /// Largest `general.alignment` accepted.
    static let maxAlignment: UInt32 = 1 << 20

    public var path: String { mapping.path }
    public var fileSize: Int { mapping.count }

    /// Opens and validates `path`.
    public convenience init(path: String) throws {
        try self.init(mapping: GGUFMapping(path: path))
    }

    public init(mapping: GGUFMapping) throws {
        self.mapping = mapping
        var reader = ByteReader(file: mapping)

        guard mapping.count >= 4 else {
            throw reader.error("not a GGUF file: \(mapping.count)-byte file is too short for a GGUF header")
        }
        let magic = try reader.read(UInt32.self, what: "magic")
        guard magic == Self.magic else {
            throw reader.error("not a GGUF file (\(Self.describeMagic(mapping.base)))")
        }
        let version = try reader.read(UInt32.self, what: "version")
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw reader.error("big-endian GGUF files are not supported")
            }
            if version == 1 {
                throw reader.error("GGUF version 1 is not supported (2 and 3 are); convert the file again with current tools")
            }
            throw reader.error("unsupported GGUF version \(version) (2 and 3 are supported)")
        }
        self.version = version
        // A tensor info takes at least 8 (name length) + 4 + 8 + 4 + 8 bytes; a kv at least
        // 8 + 1 (a key is never empty) + 4 + 1.
        let tensorCount = try reader.readCount(what: "tensor count", minItemSize: 32)
        let kvCount = try reader.readCount(what: "metadata count", minItemSize: 14)

        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataIndex: [String: Int] = [:]
        metadata.reserveCapacity(kvCount)
        for _ in 0..<kvCount {
            let keyOffset = reader.offset
            let key = try reader.readString(what: "metadata key")
            guard !key.isEmpty else { throw reader.error("empty metadata key at offset \(keyOffset)") }
            let quoted = GGUFError.quote(key)
            guard metadataIndex[key] == nil else { throw reader.error("duplicate metadata key \(quoted) at offset \(keyOffset)") }
            let type = try reader.readValueType(what: "type of \(quoted)")
            let value: GGUFValue
            do {
                value = try reader.readValue(of: type, file: mapping)
            } catch let error as GGUFError {
                throw reader.error("value of \(quoted): \(error.reason)")
            }
            metadataIndex[key] = metadata.count
            metadata.append((key, value))
        }
        self.metadata = metadata
        self.metadataIndex = metadataIndex

        var alignment = Self.defaultAlignment
        if let value = metadataIndex["general.alignment"].map({ metadata[$0].value }) {
            guard case .uint32(let a) = value, a > 0, a & (a - 1) == 0, a <= Self.maxAlignment else {
                throw reader.error("general.alignment must be a power of two from 1 to \(Self.maxAlignment) stored as uint32, found \(value.type) \(value)")
            }
            alignment = Int(a)
        }
        self.alignment = alignment

        struct RawInfo { var name: String; var dims: [Int]; var type: GGMLType; var offset: Int; var bytes: Int }
        var raw: [RawInfo] = []
        raw.reserveCapacity(tensorCount)
        var tensorIndex: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let nameOffset = reader.offset
            let name = try reader.readString(what: "tensor name")
            let quoted = GGUFError.quote(name)
            guard tensorIndex[name] == nil else { throw reader.error("duplicate tensor \(quoted) at offset \(nameOffset)") }
            let nDims = try reader.read(UInt32.self, what: "dimension count of \(quoted)")
            guard (1...UInt32(Self.maxDimensions)).contains(nDims) else {
                throw reader.error("tensor \(quoted) has \(nDims) dimensions (1 to \(Self.maxDimensions) allowed)")
            }
            var dims: [Int] = []
            var elements = 1
            for _ in 0..<nDims {
                let d = try reader.read(UInt64.self, what: "dimension of \(quoted)")
                guard d > 0 else {
                    throw reader.error("tensor \(quoted) has a dimension of 0")
                }
                guard d <= UInt64(Int.max), case let (product, false) = elements.multipliedReportingOverflow(by: Int(d)) else {
                    throw reader.error("tensor \(quoted) has dimensions \(dims.map(UInt64.init) + [d]) whose element count overflows")
                }
                elements = product
                dims.append(Int(d))
            }
            let rawType = try reader.read(UInt32.self, what: "type of \(quoted)")
            guard let type = GGMLType(rawValue: rawType) else {
                throw reader.error("tensor \(quoted) has unknown type \(rawType)")
            }
            guard dims[0] % type.blockSize == 0 else {
                throw reader.error("tensor \(quoted) has rows of \(dims[0]) elements, not a whole number of \(type.name) blocks of \(type.blockSize)")
            }
            guard let bytes = type.byteCount(elements: elements) else {
                throw reader.error("tensor \(quoted) has dimensions \(dims) whose size in bytes overflows")
            }
            let offset = try reader.read(UInt64.self, what: "offset of \(quoted)")
            guard offset <= UInt64(mapping.count) else {
                throw reader.error("tensor \(quoted) data offset \(offset) is past the end of the file (\(mapping.count) bytes): truncated or corrupt file")
            }
            guard Int(offset) % alignment == 0 else {
                throw reader.error("tensor \(quoted) data offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            tensorIndex[name] = raw.count
            raw.append(RawInfo(name: name, dims: dims, type: type, offset: Int(offset), bytes: bytes))
        }
        self.tensorIndex = tensorIndex

        let infosEnd = reader.offset
        let dataOffset = (infosEnd + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        if tensorCount > 0 && dataOffset > mapping.count {
            throw reader.error("truncated: tensor data would start at \(dataOffset), file has \(mapping.count) bytes")
        }
        let dataSize = max(0, mapping.count - dataOffset)
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        for info in raw {
            guard info.offset <= dataSize, info.bytes <= dataSize - info.offset else {
                let place = info.offset > dataSize ? "starts" : "(\(info.bytes) bytes) extends"
                throw reader.error("tensor \(GGUFError.quote(info.name)) at data offset \(info.offset) \(place) past the end of the file (\(mapping.count) bytes, data from \(dataOffset)): truncated or corrupt file")
            }
            tensors.append(GGUFTensorInfo(
                name: info.name, dimensions: info.dims, type: info.type,
                relativeOffset: info.offset, fileOffset: dataOffset + info.offset, byteCount: info.bytes))
        }
        // Two tensors on the same bytes: no writer makes that, and each would be repacked
        // into a copy of its own (128 layers on one 6 MB tensor asked for gigabytes).
        let spans = raw.filter { $0.bytes > 0 }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(spans, spans.dropFirst()) where b.offset < a.offset + a.bytes {
            throw reader.error("tensors \(GGUFError.quote(a.name)) and \(GGUFError.quote(b.name)) share bytes (data offsets \(a.offset) and \(b.offset)): corrupt file")
        }
        self.tensors = tensors
    }

    /// The first four bytes at `base`, printable ASCII as is and the rest as `\xNN`, with a
    /// hint for the GGML formats that preceded GGUF.
    private static func describeMagic(_ base: UnsafeRawPointer) -> String {
        let bytes = (0..<4).map { base.load(fromByteOffset: $0, as: UInt8.self) }
        let text = bytes.map { (0x20..<0x7f).contains($0) && $0 != 0x5c ? String(UnicodeScalar($0)) : String(format2: $0) }.joined()
        switch text {
        case "lmgg", "fmgg", "tjgg", "algg":
            return "magic \"\(text)\": a GGML/GGJT file from before GGUF; convert it to GGUF"
        default:
            return "magic \"\(text)\", expected \"GGUF\""
        }
    }

    /// The value for `key`, if present.
    public subscript(key: String) -> GGUFValue? {
        metadataIndex[key].map { metadata[$0].value }
    }

    /// The tensor named `name`, if present.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// Pointer to the first byte of `tensor`'s data (valid while `self` lives).
    public func data(for tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        mapping.base + tensor.fileOffset
    }

    /// The bytes of `tensor` (valid while `self` lives).
    public func bytes(for tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data(for: tensor), count: tensor.byteCount)
    }
}

private extension String {
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
