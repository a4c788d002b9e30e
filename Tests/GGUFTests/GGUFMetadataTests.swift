import Foundation
import XCTest
import GGUF

/// Every metadata type, nested arrays, both header versions and custom alignments, built
/// byte by byte so the reader is tested against the format, not against our own writer.
final class GGUFMetadataTests: XCTestCase {
    var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch = nil }

    static let unicode = "héllo ▁wörld — 日本語 🦙\u{301}"

    /// One key of every scalar type, with edge values.
    private func scalarFile(version: UInt32) -> [UInt8] {
        var b = GGUFByteBuilder()
        b.header(version: version, tensorCount: 0, kvCount: 21)
        b.kv("u8", type: RawType.u8) { $0.u8(0xFF) }
        b.kv("i8", type: RawType.i8) { $0.int(Int8.min) }
        b.kv("u16", type: RawType.u16) { $0.int(UInt16.max) }
        b.kv("i16", type: RawType.i16) { $0.int(Int16.min) }
        b.kv("u32", type: RawType.u32) { $0.u32(.max) }
        b.kv("i32", type: RawType.i32) { $0.int(Int32.min) }
        b.kv("f32", type: RawType.f32) { $0.f32(-1.5) }
        b.kv("f32.nan", type: RawType.f32) { $0.u32(0x7FC0_0001) }
        b.kv("f32.negzero", type: RawType.f32) { $0.f32(-0.0) }
        b.kv("f32.inf", type: RawType.f32) { $0.f32(-.infinity) }
        b.kv("bool.true", type: RawType.bool) { $0.u8(1) }
        b.kv("bool.false", type: RawType.bool) { $0.u8(0) }
        b.kv("string", type: RawType.string) { $0.string("llama") }
        b.kv("string.empty", type: RawType.string) { $0.string("") }
        b.kv("string.unicode", type: RawType.string) { $0.string(Self.unicode) }
        b.kv("string.nul", type: RawType.string) { $0.string("a\u{0}b") }
        b.kv("u64", type: RawType.u64) { $0.u64(.max) }
        b.kv("i64", type: RawType.i64) { $0.int(Int64.min) }
        b.kv("f64", type: RawType.f64) { $0.f64(1e-300) }
        b.kv("f64.max", type: RawType.f64) { $0.f64(.greatestFiniteMagnitude) }
        b.kv("ключ 🔑", type: RawType.u8) { $0.u8(7) }
        return b.bytes
    }

    func testEveryScalarTypeInV2AndV3() throws {
        for version: UInt32 in [2, 3] {
            let path = try scratch.write(scalarFile(version: version), to: "scalars-v\(version).gguf")
            let file = try GGUFFile(path: path)
            XCTAssertEqual(file.version, version)
            XCTAssertEqual(file.metadata.count, 21)
            XCTAssertEqual(file.tensors.count, 0)
            XCTAssertEqual(file.metadata.map(\.key).prefix(4), ["u8", "i8", "u16", "i16"])
            XCTAssertEqual(file["u8"], .uint8(0xFF))
            XCTAssertEqual(file["i8"], .int8(.min))
            XCTAssertEqual(file["u16"], .uint16(.max))
            XCTAssertEqual(file["i16"], .int16(.min))
            XCTAssertEqual(file["u32"], .uint32(.max))
            XCTAssertEqual(file["i32"], .int32(.min))
            XCTAssertEqual(file["f32"], .float32(-1.5))
            XCTAssertEqual(float32Bits(file["f32.nan"]), 0x7FC0_0001)
            XCTAssertEqual(float32Bits(file["f32.negzero"]), (-0.0 as Float).bitPattern)
            XCTAssertEqual(file["f32.inf"], .float32(-.infinity))
            XCTAssertEqual(file["bool.true"], .bool(true))
            XCTAssertEqual(file["bool.false"], .bool(false))
            XCTAssertEqual(file.string("string"), "llama")
            XCTAssertEqual(file.string("string.empty"), "")
            XCTAssertEqual(file.string("string.unicode"), Self.unicode)
            XCTAssertEqual(file.string("string.nul")?.utf8.count, 3)
            XCTAssertEqual(file["u64"], .uint64(.max))
            XCTAssertEqual(file["i64"], .int64(.min))
            XCTAssertEqual(file["f64"], .float64(1e-300))
            XCTAssertEqual(file["f64.max"], .float64(.greatestFiniteMagnitude))
            XCTAssertEqual(file.int("ключ 🔑"), 7)

            // Typed accessors convert between numeric types but not across kinds.
            XCTAssertEqual(file.int("u32"), Int(UInt32.max))
            XCTAssertEqual(file.int("i8"), -128)
            XCTAssertNil(file.int("u64"), "u64.max does not fit in Int")
            XCTAssertEqual(file.int("i64"), Int(Int64.min))
            XCTAssertEqual(file.double("u16"), 65535)
            XCTAssertEqual(file.double("f32"), -1.5)
            XCTAssertNil(file.int("f32"))
            XCTAssertNil(file.string("u8"))
            XCTAssertNil(file.bool("u8"))
            XCTAssertEqual(file.bool("bool.true"), true)
            XCTAssertNil(file.double("string"))
            XCTAssertEqual(file["u8"]?.type, .uint8)
            XCTAssertEqual(file["f64"]?.type, .float64)
        }
    }

    private func float32Bits(_ value: GGUFValue?) -> UInt32? {
        if case .float32(let f) = value { return f.bitPattern }
        return nil
    }

    func testArraysOfEveryScalarType() throws {
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 11)
        // An odd-length key so the float payload below sits at an unaligned address.
        b.kv("f32s.unaligned", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.f32, count: 4)
            for f: Float in [1, -2.5, .infinity, 1e-20] { $0.f32(f) }
        }
        b.kv("u8s", type: RawType.array) { $0.arrayHeader(elementType: RawType.u8, count: 3); $0.raw([0, 127, 255]) }
        b.kv("i8s", type: RawType.array) { $0.arrayHeader(elementType: RawType.i8, count: 2); $0.int(Int8.min); $0.int(Int8.max) }
        b.kv("u16s", type: RawType.array) { $0.arrayHeader(elementType: RawType.u16, count: 2); $0.int(UInt16(1)); $0.int(UInt16.max) }
        b.kv("i16s", type: RawType.array) { $0.arrayHeader(elementType: RawType.i16, count: 2); $0.int(Int16.min); $0.int(Int16(-1)) }
        b.kv("u32s", type: RawType.array) { $0.arrayHeader(elementType: RawType.u32, count: 2); $0.u32(0); $0.u32(.max) }
        b.kv("i32s", type: RawType.array) { $0.arrayHeader(elementType: RawType.i32, count: 3); $0.int(Int32(-5)); $0.int(Int32(0)); $0.int(Int32.max) }
        b.kv("bools", type: RawType.array) { $0.arrayHeader(elementType: RawType.bool, count: 3); $0.raw([1, 0, 1]) }
        b.kv("u64s", type: RawType.array) { $0.arrayHeader(elementType: RawType.u64, count: 2); $0.u64(42); $0.u64(.max) }
        b.kv("i64s", type: RawType.array) { $0.arrayHeader(elementType: RawType.i64, count: 2); $0.int(Int64.min); $0.int(Int64(9)) }
        b.kv("f64s", type: RawType.array) { $0.arrayHeader(elementType: RawType.f64, count: 2); $0.f64(0.25); $0.f64(-1e300) }
        let file = try GGUFFile(path: scratch.write(b.bytes))

        func array(_ key: String) throws -> GGUFArray { try XCTUnwrap(file[key]?.arrayValue, key) }

        let floats = try array("f32s.unaligned")
        XCTAssertEqual(floats.elementType, .float32)
        XCTAssertEqual(floats.floats, [1, -2.5, .infinity, 1e-20])
        XCTAssertEqual(floats.values, [.float32(1), .float32(-2.5), .float32(.infinity), .float32(1e-20)])
        XCTAssertNil(floats.ints)
        XCTAssertNil(floats.strings)

        XCTAssertEqual(try array("u8s").values, [.uint8(0), .uint8(127), .uint8(255)])
        XCTAssertEqual(try array("u8s").ints, [0, 127, 255])
        XCTAssertEqual(try array("u8s").floats, [0, 127, 255])
        XCTAssertEqual(try array("i8s").ints, [-128, 127])
        XCTAssertEqual(try array("u16s").values, [.uint16(1), .uint16(.max)])
        XCTAssertEqual(try array("i16s").ints, [-32768, -1])
        XCTAssertEqual(try array("u32s").values, [.uint32(0), .uint32(.max)])
        XCTAssertEqual(try array("i32s").ints, [-5, 0, Int(Int32.max)])
        XCTAssertEqual(try array("i32s").elementType, .int32)
        XCTAssertEqual(try array("bools").values, [.bool(true), .bool(false), .bool(true)])
        XCTAssertEqual(try array("u64s").values, [.uint64(42), .uint64(.max)])
        XCTAssertNil(try array("u64s").ints, "u64.max does not fit in Int")
        XCTAssertEqual(try array("i64s").ints, [Int(Int64.min), 9])
        XCTAssertEqual(try array("f64s").values, [.float64(0.25), .float64(-1e300)])
        XCTAssertEqual(try array("f64s").floats?.first, 0.25)
        XCTAssertNil(try array("f64s").ints)
    }

    func testEmptyArraysOfEveryType() throws {
        let types: [UInt32] = Array(0...12)
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: UInt64(types.count))
        for t in types {
            b.kv("empty.\(t)", type: RawType.array) { $0.arrayHeader(elementType: t, count: 0) }
        }
        let file = try GGUFFile(path: scratch.write(b.bytes))
        for t in types {
            let array = try XCTUnwrap(file["empty.\(t)"]?.arrayValue)
            XCTAssertEqual(array.elementType.rawValue, t)
            XCTAssertEqual(array.count, 0)
            XCTAssertEqual(array.values, [])
            if t == RawType.string { XCTAssertEqual(array.strings, []) } else { XCTAssertNil(array.strings) }
            touchAll(.array(array))
        }
        XCTAssertEqual(file["empty.\(RawType.f32)"]?.arrayValue?.floats, [])
        XCTAssertEqual(file["empty.\(RawType.i32)"]?.arrayValue?.ints, [])
    }

    func testStringArrays() throws {
        let strings = ["", "a", Self.unicode, String(repeating: "x", count: 1000), "\n\t"]
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 1)
        b.kv("strings", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.string, count: UInt64(strings.count))
            for s in strings { $0.string(s) }
        }
        let file = try GGUFFile(path: scratch.write(b.bytes))
        let array = try XCTUnwrap(file["strings"]?.arrayValue)
        XCTAssertEqual(array.strings, strings)
        XCTAssertEqual(array.values.map(\.stringValue), strings)
        XCTAssertNil(array.floats)
        XCTAssertNil(array.ints)
    }

    func testNestedArrays() throws {
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 4)
        // [["a", "bc"], [], ["ü", ""]]
        b.kv("nested.strings", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.array, count: 3)
            $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("a"); $0.string("bc")
            $0.arrayHeader(elementType: RawType.string, count: 0)
            $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("ü"); $0.string("")
        }
        // Inner arrays may each have their own element type.
        b.kv("nested.mixed", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.array, count: 3)
            $0.arrayHeader(elementType: RawType.i32, count: 2); $0.int(Int32(-1)); $0.int(Int32(2))
            $0.arrayHeader(elementType: RawType.f32, count: 1); $0.f32(0.5)
            $0.arrayHeader(elementType: RawType.bool, count: 1); $0.u8(1)
        }
        // [[[1, 2], [3]], [[]]]
        b.kv("nested.three", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.array, count: 2)
            $0.arrayHeader(elementType: RawType.array, count: 2)
            $0.arrayHeader(elementType: RawType.u16, count: 2); $0.int(UInt16(1)); $0.int(UInt16(2))
            $0.arrayHeader(elementType: RawType.u16, count: 1); $0.int(UInt16(3))
            $0.arrayHeader(elementType: RawType.array, count: 1)
            $0.arrayHeader(elementType: RawType.u16, count: 0)
        }
        b.kv("after", type: RawType.string) { $0.string("still in sync") }
        let file = try GGUFFile(path: scratch.write(b.bytes))

        let outer = try XCTUnwrap(file["nested.strings"]?.arrayValue)
        XCTAssertEqual(outer.elementType, .array)
        XCTAssertEqual(outer.count, 3)
        XCTAssertNil(outer.strings)
        XCTAssertNil(outer.floats)
        XCTAssertNil(outer.ints)
        let inner = outer.values.map { $0.arrayValue }
        XCTAssertEqual(inner.map { $0?.strings }, [["a", "bc"], [], ["ü", ""]])
        XCTAssertEqual(inner.map { $0?.elementType }, [.string, .string, .string])
        XCTAssertEqual(outer.values, [
            .array(.strings(["a", "bc"])), .array(.strings([])), .array(.strings(["ü", ""])),
        ])

        let mixed = try XCTUnwrap(file["nested.mixed"]?.arrayValue?.values.compactMap(\.arrayValue))
        XCTAssertEqual(mixed.map(\.elementType), [.int32, .float32, .bool])
        XCTAssertEqual(mixed[0].ints, [-1, 2])
        XCTAssertEqual(mixed[1].floats, [0.5])
        XCTAssertEqual(mixed[2].values, [.bool(true)])

        let three = try XCTUnwrap(file["nested.three"]?.arrayValue)
        let level2 = three.values.compactMap(\.arrayValue)
        XCTAssertEqual(level2.map(\.count), [2, 1])
        XCTAssertEqual(level2[0].values.compactMap { $0.arrayValue?.ints }, [[1, 2], [3]])
        XCTAssertEqual(level2[1].values.compactMap { $0.arrayValue?.count }, [0])
        XCTAssertEqual(file.string("after"), "still in sync")
    }

    func testInvalidUTF8IsAcceptedAndRepaired() throws {
        // llama.cpp accepts any bytes in strings; we do too, decoding bad sequences as U+FFFD.
        let bad: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x96]
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 2)
        b.kv("s", type: RawType.string) { $0.string(bytes: bad) }
        b.kv("a", type: RawType.array) { $0.arrayHeader(elementType: RawType.string, count: 1); $0.string(bytes: bad) }
        let path = try scratch.write(b.bytes)
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.string("s"), "a\u{FFFD}b\u{FFFD}")
        XCTAssertEqual(file["a"]?.arrayValue?.strings, ["a\u{FFFD}b\u{FFFD}"])

        // A copy keeps arrays byte for byte (they are copied raw) but writes the repaired
        // form of a plain string value, so such a file is the same only after decoding.
        let copyPath = scratch.path("copy.gguf")
        try GGUFWriter(copying: file).write(to: copyPath)
        let copy = try GGUFFile(path: copyPath)
        XCTAssertEqual(copy.string("s"), file.string("s"))
        XCTAssertEqual(copy["a"], file["a"])
        let copied = [UInt8](try Data(contentsOf: URL(fileURLWithPath: copyPath)))
        XCTAssertEqual(Array(copied.suffix(bad.count)), bad, "the array element is copied as it was")
        XCTAssertNotEqual(copied, b.bytes)
    }

    func testDeepestAllowedNestingParses() throws {
        // Eight levels of arrays, the innermost holding one u8: at the reader's limit.
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 1)
        b.kv("deep", type: RawType.array) {
            for _ in 0..<7 { $0.arrayHeader(elementType: RawType.array, count: 1) }
            $0.arrayHeader(elementType: RawType.u8, count: 1)
            $0.u8(9)
        }
        let file = try GGUFFile(path: scratch.write(b.bytes))
        var value = try XCTUnwrap(file["deep"])
        var depth = 0
        while case .array(let a) = value {
            depth += 1
            value = try XCTUnwrap(a.values.first)
        }
        XCTAssertEqual(depth, 8)
        XCTAssertEqual(value, .uint8(9))
    }

    /// A file with one tensor per type we know the block layout of, at `alignment`.
    private func tensorFile(version: UInt32 = 3, alignment: UInt32?) -> (bytes: [UInt8], data: [[UInt8]]) {
        let specs: [(String, [UInt64], UInt32, Int)] = [
            ("a", [3], RawTensorType.f32, 12),
            ("b", [32, 3], RawTensorType.q4_0, 54),
            ("c", [5, 1, 1, 2], RawTensorType.f16, 20),
            ("d", [256], RawTensorType.q6_K, 210),
        ]
        let align = Int(alignment ?? 32)
        var b = GGUFByteBuilder()
        b.header(version: version, tensorCount: UInt64(specs.count), kvCount: alignment == nil ? 1 : 2)
        b.kv("general.architecture", type: RawType.string) { $0.string("test") }
        if let alignment { b.kv("general.alignment", type: RawType.u32) { $0.u32(alignment) } }
        var offset = 0
        var data: [[UInt8]] = []
        for (i, (name, dims, type, size)) in specs.enumerated() {
            b.tensorInfo(name: name, dims: dims, type: type, offset: UInt64(offset))
            data.append(SmallModel.pattern(size, seed: UInt8(i + 1)))
            offset += (size + align - 1) / align * align
        }
        b.pad(to: align)
        for d in data {
            b.raw(d)
            b.pad(to: align, with: 0xEE)
        }
        return (b.bytes, data)
    }

    func testTensorInfosWithDefaultAndCustomAlignment() throws {
        for (version, alignment) in [(3, nil), (2, nil), (3, 64), (3, 1), (2, 8), (3, 4096)] as [(UInt32, UInt32?)] {
            let label = "v\(version) alignment \(alignment.map(String.init) ?? "default")"
            let (bytes, data) = tensorFile(version: version, alignment: alignment)
            let file = try GGUFFile(path: scratch.write(bytes))
            let align = Int(alignment ?? 32)
            XCTAssertEqual(file.version, version, label)
            XCTAssertEqual(file.alignment, align, label)
            XCTAssertEqual(file.dataOffset % align, 0, label)
            XCTAssertEqual(file.tensors.map(\.name), ["a", "b", "c", "d"], label)
            XCTAssertEqual(file.tensors.map(\.type), [.f32, .q4_0, .f16, .q6_K], label)
            XCTAssertEqual(file.tensors.map(\.dimensions), [[3], [32, 3], [5, 1, 1, 2], [256]], label)
            XCTAssertEqual(file.tensors.map(\.byteCount), [12, 54, 20, 210], label)
            XCTAssertEqual(file.tensors.map(\.rowCount), [1, 3, 2, 1], label)
            for (t, expected) in zip(file.tensors, data) {
                XCTAssertEqual(t.relativeOffset % align, 0, label)
                XCTAssertEqual(Array(file.bytes(for: t)), expected, "\(label) \(t.name)")
            }
            if alignment == 1 {
                // No padding at all: the data follows the table directly.
                XCTAssertEqual(file.tensors.map(\.relativeOffset), [0, 12, 66, 86], label)
                XCTAssertEqual(file.dataOffset + 296, file.fileSize, label)
            }
        }
    }

    func testHeaderOnlyFileWithoutPadding() throws {
        // gguf-py writes no padding after the table when there are no tensors.
        var b = GGUFByteBuilder()
        b.header(tensorCount: 0, kvCount: 2)
        b.kv("general.alignment", type: RawType.u32) { $0.u32(64) }
        b.kv("k", type: RawType.u8) { $0.u8(1) }
        XCTAssertNotEqual(b.count % 64, 0)
        let file = try GGUFFile(path: scratch.write(b.bytes))
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.tensors.count, 0)
        XCTAssertEqual(file.int("k"), 1)

        var empty = GGUFByteBuilder()
        empty.header(version: 2, tensorCount: 0, kvCount: 0)
        let bare = try GGUFFile(path: scratch.write(empty.bytes))
        XCTAssertEqual(bare.metadata.count, 0)
        XCTAssertEqual(bare.tensors.count, 0)
        XCTAssertEqual(bare.version, 2)
    }

    func testWriterEncodesExactlyLikeTheFormat() throws {
        // The same content through GGUFWriter and through the hand-rolled builder.
        var w = GGUFWriter()
        w.set("general.architecture", .string("test"))
        w.set("general.alignment", .uint32(64))
        let (expected, data) = tensorFile(alignment: 64)
        w.addTensor(name: "a", dimensions: [3], type: .f32, bytes: data[0])
        w.addTensor(name: "b", dimensions: [32, 3], type: .q4_0, bytes: data[1])
        w.addTensor(name: "c", dimensions: [5, 1, 1, 2], type: .f16, bytes: data[2])
        w.addTensor(name: "d", dimensions: [256], type: .q6_K, bytes: data[3])
        let path = scratch.path("written.gguf")
        try w.write(to: path)
        var written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(written.count, expected.count)
        // The builder pads tensor data with 0xEE so tests notice padding being read; the
        // writer pads with zeros. Compare everything else.
        var normalized = expected
        for i in normalized.indices where normalized[i] == 0xEE && written[i] == 0 { normalized[i] = 0 }
        XCTAssertTrue(written == normalized, "writer output differs from the format")

        // Scalars of every type and nested arrays encode like the builder's scalar file.
        var s = GGUFWriter()
        let scalars = try GGUFFile(path: scratch.write(scalarFile(version: 3), to: "scalars.gguf"))
        for (key, value) in scalars.metadata { s.set(key, value) }
        try s.write(to: path)
        written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let scalarBytes = scalarFile(version: 3)
        XCTAssertTrue(written == scalarBytes, "writer wrote \(written.count) bytes, the format needs \(scalarBytes.count)")
    }
}
