import Foundation
import GGUF
import TestSupport
import XCTest

/// Malformed files give one clear `GGUFError` line naming the file — never a crash.
final class GGUFBadFileTests: XCTestCase {
    var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch = nil }

    // MARK: - A small valid file, taken apart

    /// The pieces of a small valid file; tests change one and check it is refused.
    struct Parts {
        var magic = Array("GGUF".utf8)
        var version: UInt32 = 3
        var tensorCount: UInt64?
        var kvCount: UInt64?
        var kvs: [(inout GGUFByteBuilder) -> Void] = [
            { $0.kv("general.architecture", type: RawType.string) { $0.string("llama") } },
            { $0.kv("tokens", type: RawType.array) { $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("a"); $0.string("b") } },
        ]
        var tensors: [(name: String, dims: [UInt64], type: UInt32, offset: UInt64)] = [
            ("a", [8], RawTensorType.f32, 0),
            ("b", [32, 2], RawTensorType.q8_0, 32),
        ]
        var alignment = 32
        /// Bytes of the data section (enough for the two default tensors, padded).
        var dataSize = 128

        func bytes() -> [UInt8] {
            var b = GGUFByteBuilder()
            b.header(magic: magic, version: version,
                     tensorCount: tensorCount ?? UInt64(tensors.count), kvCount: kvCount ?? UInt64(kvs.count))
            for kv in kvs { kv(&b) }
            for t in tensors { b.tensorInfo(name: t.name, dims: t.dims, type: t.type, offset: t.offset) }
            b.pad(to: alignment)
            b.raw(SmallModel.pattern(dataSize, seed: 5))
            return b.bytes
        }
    }

    func testThePartsMakeAValidFile() throws {
        let file = try GGUFFile(path: scratch.write(Parts().bytes()))
        XCTAssertEqual(file.tensors.map(\.byteCount), [32, 68])
        XCTAssertEqual(file.dataOffset + 128, file.fileSize)
    }

    @discardableResult
    private func assertRejects(_ parts: Parts, reason: String?, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> GGUFError? {
        try GGUFTests.assertRejects(parts.bytes(), in: scratch, reason: reason, message, file: file, line: line)
    }

    /// Two tensors on the same bytes (each would be repacked into its own copy).
    func testTensorsSharingBytesAreRefused() throws {
        var parts = Parts()
        parts.tensors[1].offset = 0
        try assertRejects(parts, reason: "share bytes")
        parts.tensors[1].offset = 32
        parts.tensors[0].dims = [9]  // 36 bytes: one past where "b" starts
        parts.tensors[0].offset = 0
        try assertRejects(parts, reason: "share bytes")
    }

    // MARK: - Truncation

    func testTruncatedAtEveryOffset() throws {
        let bytes = try SmallModel.bytes(scratch: scratch)
        let whole = try GGUFFile(path: scratch.write(bytes, to: "whole.gguf"))
        let dataEnd = whole.tensors.map { $0.fileOffset + $0.byteCount }.max()!
        XCTAssertLessThan(dataEnd, bytes.count, "the last tensor is padded")
        let words = ["truncated", "empty", "too short", "more than the file can hold", "past the end"]
        for cut in 0..<dataEnd {
            let path = try scratch.write(Array(bytes[..<cut]))
            let error = assertGGUFError(try GGUFFile(path: path), path: path, "cut at \(cut)")
            if let error {
                XCTAssertTrue(words.contains { error.reason.contains($0) }, "cut at \(cut): \(error.reason)")
            }
        }
        // Only the zero padding after the last tensor may go missing.
        for cut in dataEnd...bytes.count {
            let path = try scratch.write(Array(bytes[..<cut]))
            XCTAssertNoThrow(try GGUFFile(path: path), "cut at \(cut)")
        }
    }

    func testTruncatedFixtures() throws {
        guard let vocabPath = Fixtures.path("llama2-vocab.gguf"), let modelPath = Fixtures.path("tiny-llama-q4_0.gguf") else { return }
        let vocab = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vocabPath)))
        var rng = SeededRandom(seed: 7)
        var cuts = Array(0..<64) + Array(vocab.count - 64..<vocab.count)
        cuts += (0..<150).map { _ in Int.random(in: 0..<vocab.count, using: &rng) }
        for cut in cuts {
            let path = try scratch.write(Array(vocab[..<cut]))
            assertGGUFError(try GGUFFile(path: path), path: path, "vocab cut at \(cut)")
        }

        let model = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        let original = try GGUFFile(path: modelPath)
        var modelCuts = [original.dataOffset - 1, original.dataOffset, original.dataOffset + 1, model.count - 1]
        modelCuts += original.tensors.map { $0.fileOffset + $0.byteCount - 1 }.shuffled(using: &rng).prefix(4)
        for cut in modelCuts {
            let path = try scratch.write(Array(model[..<cut]))
            // The tensor table is intact: a truncated model is reported as such.
            assertGGUFError(try GGUFFile(path: path), path: path, reason: "truncated", "model cut at \(cut)")
        }
    }

    // MARK: - Header

    func testEmptyFile() throws {
        try GGUFTests.assertRejects([], in: scratch, reason: "empty")
    }

    func testWrongMagic() throws {
        for magic in ["GGUG", "ggu", "\u{0}\u{0}\u{0}\u{0}", "PK\u{3}\u{4}", "{\n  "] {
            var parts = Parts()
            parts.magic = Array(magic.utf8)
            try assertRejects(parts, reason: "not a GGUF file", magic)
        }
        try GGUFTests.assertRejects(Array("GG".utf8), in: scratch, reason: "not a GGUF file")
        // Pre-GGUF GGJT files start with the little-endian u32 'ggjt'.
        let ggjt = try GGUFTests.assertRejects(Array("tjgg".utf8) + [3, 0, 0, 0], in: scratch, reason: "not a GGUF file")
        XCTAssertTrue(ggjt?.reason.contains("GGJT") ?? false)
    }

    func testUnsupportedVersions() throws {
        for version: UInt32 in [0, 1, 4, 5, 0xFFFF, .max] {
            var parts = Parts()
            parts.version = version
            try assertRejects(parts, reason: "version", "version \(version)")
        }
        for version: UInt32 in [2, 3] {
            var parts = Parts()
            parts.version = version.byteSwapped
            try assertRejects(parts, reason: "big-endian", "big-endian \(version)")
        }
        try GGUFTests.assertRejects(Array("GGUF".utf8) + [3, 0], in: scratch, reason: "truncated")
    }

    func testAbsurdCounts() throws {
        for count: UInt64 in [1 << 63, 1 << 40, .max, 1 << 20, UInt64(Int.max)] {
            var parts = Parts()
            parts.tensorCount = count
            try assertRejects(parts, reason: "tensor count", "tensor count \(count)")
            parts = Parts()
            parts.kvCount = count
            try assertRejects(parts, reason: "metadata count", "kv count \(count)")
        }
        // Plausible but wrong counts run into the data that follows.
        var parts = Parts()
        parts.kvCount = 3
        try assertRejects(parts, reason: nil, "one kv too many")
        parts = Parts()
        parts.tensorCount = 3
        try assertRejects(parts, reason: nil, "one tensor too many")
    }

    // MARK: - Strings and arrays

    func testAbsurdStringLengths() throws {
        for length: UInt64 in [1 << 63, .max, 1 << 40, 64 << 20 + 1, 100_000] {
            var key = Parts()
            key.kvs.insert({ $0.u64(length); $0.raw(Array("key".utf8)) }, at: 1)
            try assertRejects(key, reason: "metadata key", "key length \(length)")

            var value = Parts()
            value.kvs.append { $0.string("s"); $0.u32(RawType.string); $0.u64(length); $0.raw(Array("v".utf8)) }
            try assertRejects(value, reason: "string", "value length \(length)")

            var element = Parts()
            element.kvs.append { $0.string("s"); $0.u32(RawType.array); $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("ok"); $0.u64(length) }
            try assertRejects(element, reason: "string", "element length \(length)")

            var name = GGUFByteBuilder()
            name.header(tensorCount: 1, kvCount: 0)
            name.u64(length)
            name.raw(Array("t".utf8) + [UInt8](repeating: 0, count: 64))
            try GGUFTests.assertRejects(name.bytes, in: scratch, reason: "tensor name", "name length \(length)")
        }
    }

    func testAbsurdArrayCounts() throws {
        for (type, count) in [(RawType.u8, UInt64(1) << 60), (RawType.f64, 1 << 61), (RawType.string, 1 << 40),
                              (RawType.array, .max), (RawType.bool, 1 << 63), (RawType.u32, 1000)] as [(UInt32, UInt64)] {
            var parts = Parts()
            parts.kvs.append { $0.string("arr"); $0.u32(RawType.array); $0.arrayHeader(elementType: type, count: count); $0.u64(0) }
            try assertRejects(parts, reason: nil, "array of \(count) × type \(type)")
        }
        // An inner array with an absurd count.
        var parts = Parts()
        parts.kvs.append {
            $0.string("nested"); $0.u32(RawType.array)
            $0.arrayHeader(elementType: RawType.array, count: 2)
            $0.arrayHeader(elementType: RawType.u8, count: 1); $0.u8(1)
            $0.arrayHeader(elementType: RawType.i32, count: 1 << 62)
        }
        try assertRejects(parts, reason: "array length", "inner array count")
    }

    func testNestedArrayDepthBomb() throws {
        for depth in [9, 64, 100_000] {
            var parts = Parts()
            parts.kvs.append {
                $0.string("bomb"); $0.u32(RawType.array)
                for _ in 0..<depth { $0.arrayHeader(elementType: RawType.array, count: 1) }
                $0.arrayHeader(elementType: RawType.u8, count: 0)
            }
            try assertRejects(parts, reason: "nested", "depth \(depth)")
        }
    }

    func testUnknownValueTypes() throws {
        for type: UInt32 in [13, 14, 255, 1 << 16, .max] {
            var parts = Parts()
            parts.kvs.append { $0.string("k"); $0.u32(type); $0.u64(0) }
            try assertRejects(parts, reason: "unknown metadata value type", "type \(type)")
            parts = Parts()
            parts.kvs.append { $0.string("k"); $0.u32(RawType.array); $0.arrayHeader(elementType: type, count: 1); $0.u64(0) }
            try assertRejects(parts, reason: "unknown metadata value type", "element type \(type)")
        }
    }

    func testInvalidBools() throws {
        for byte: UInt8 in [2, 0x80, 0xFF] {
            var parts = Parts()
            parts.kvs.append { $0.kv("b", type: RawType.bool) { $0.u8(byte) } }
            try assertRejects(parts, reason: "bool", "bool \(byte)")
            parts = Parts()
            parts.kvs.append { $0.kv("bs", type: RawType.array) { $0.arrayHeader(elementType: RawType.bool, count: 3); $0.raw([0, 1, byte]) } }
            try assertRejects(parts, reason: "bool", "bool element \(byte)")
            parts = Parts()
            parts.kvs.append {
                $0.kv("nested", type: RawType.array) {
                    $0.arrayHeader(elementType: RawType.array, count: 1)
                    $0.arrayHeader(elementType: RawType.bool, count: 1); $0.u8(byte)
                }
            }
            try assertRejects(parts, reason: "bool", "nested bool \(byte)")
        }
    }

    func testDuplicateAndEmptyKeys() throws {
        var parts = Parts()
        parts.kvs.append { $0.kv("general.architecture", type: RawType.u8) { $0.u8(1) } }
        try assertRejects(parts, reason: "duplicate metadata key 'general.architecture'")
        parts = Parts()
        parts.kvs.append { $0.kv("", type: RawType.u8) { $0.u8(1) } }
        try assertRejects(parts, reason: "empty metadata key")
    }

    func testNamesFromTheFileCannotBreakTheErrorLine() throws {
        let evil = "bad\nkey\r\u{1B}[31m\u{2028}end"
        var parts = Parts()
        parts.kvs.append { $0.kv(evil, type: RawType.u8) { $0.u8(1) } }
        parts.kvs.append { $0.kv(evil, type: RawType.u8) { $0.u8(1) } }
        let error = try assertRejects(parts, reason: "duplicate")
        XCTAssertEqual(error?.description.contains("bad\\nkey\\r\\u{1b}[31m\\u{2028}end"), true, error?.description ?? "")

        // A huge name is shortened in the message.
        let long = String(repeating: "n", count: 100_000)
        parts = Parts()
        parts.tensors[1].name = long
        parts.tensors.append((long, [4], RawTensorType.f32, 64))
        let longError = try assertRejects(parts, reason: "duplicate tensor")
        XCTAssertLessThan(longError?.description.count ?? .max, 1000)
    }

    // MARK: - general.alignment

    func testBadAlignments() throws {
        let values: [(String, (inout GGUFByteBuilder) -> Void)] = [
            ("u32 0", { $0.u32(RawType.u32); $0.u32(0) }),
            ("u32 3", { $0.u32(RawType.u32); $0.u32(3) }),
            ("u32 48", { $0.u32(RawType.u32); $0.u32(48) }),
            ("u32 2^31", { $0.u32(RawType.u32); $0.u32(1 << 31) }),
            ("u32 max", { $0.u32(RawType.u32); $0.u32(.max) }),
            ("u64 32", { $0.u32(RawType.u64); $0.u64(32) }),
            ("i32 32", { $0.u32(RawType.i32); $0.int(Int32(32)) }),
            ("u16 32", { $0.u32(RawType.u16); $0.int(UInt16(32)) }),
            ("string", { $0.u32(RawType.string); $0.string("32\nnewline") }),
            ("array", { $0.u32(RawType.array); $0.arrayHeader(elementType: RawType.u32, count: 1); $0.u32(32) }),
        ]
        for (label, value) in values {
            var parts = Parts()
            parts.kvs.insert({ $0.string("general.alignment"); value(&$0) }, at: 1)
            try assertRejects(parts, reason: "general.alignment", label)
        }
    }

    // MARK: - Tensor infos

    func testUnknownTensorTypes() throws {
        // 4 and 5 were Q4_2/Q4_3 (removed), 31–33 the removed Q4_0_4_x repacks.
        for type: UInt32 in [4, 5, 31, 32, 33, 40, 1000, .max] {
            var parts = Parts()
            parts.tensors[0].type = type
            try assertRejects(parts, reason: "unknown type", "type \(type)")
        }
    }

    func testDimensionCounts() throws {
        for n: UInt32 in [0, 5, 8, .max] {
            var b = GGUFByteBuilder()
            b.header(tensorCount: 1, kvCount: 0)
            b.string("t"); b.u32(n)
            for _ in 0..<min(n, 8) { b.u64(1) }
            b.u32(RawTensorType.f32); b.u64(0)
            b.pad(to: 32)
            b.raw([UInt8](repeating: 0, count: 64))
            try GGUFTests.assertRejects(b.bytes, in: scratch, reason: "dimensions", "n_dims \(n)")
        }
    }

    func testZeroDimension() throws {
        for dims: [UInt64] in [[0], [8, 0], [0, 8], [8, 1, 1, 0]] {
            var parts = Parts()
            parts.tensors[0].dims = dims
            try assertRejects(parts, reason: "dimension of 0", "\(dims)")
        }
    }

    func testDimensionsThatOverflow() throws {
        let cases: [[UInt64]] = [
            [.max], [1 << 63], [1 << 62, 4], [1 << 32, 1 << 32], [1 << 21, 1 << 21, 1 << 21],
            [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [3, 1 << 62],
        ]
        for dims in cases {
            var parts = Parts()
            parts.tensors[0].dims = dims
            try assertRejects(parts, reason: "element count overflows", "\(dims)")
        }
        // Elements fit in Int but their size in bytes does not.
        var bytes = Parts()
        bytes.tensors[0].dims = [1 << 62]
        try assertRejects(bytes, reason: "size in bytes overflows", "f32 × 2^62")
        // Fits and does not overflow, but is far larger than the file.
        bytes.tensors[0].dims = [1 << 40]
        try assertRejects(bytes, reason: "past the end", "f32 × 2^40")
        // A plausible size the data section cannot hold.
        var parts = Parts()
        parts.tensors[0].dims = [16, 16]
        try assertRejects(parts, reason: "extends past the end", "1 KiB tensor in a 128-byte data section")
    }

    func testRowsThatAreNotWholeBlocks() throws {
        let cases: [([UInt64], UInt32)] = [
            ([33, 2], RawTensorType.q4_0), ([16], RawTensorType.q8_0), ([128, 2], RawTensorType.q4_K),
            ([255], RawTensorType.q6_K), ([1, 32], RawTensorType.q4_0),
        ]
        for (dims, type) in cases {
            var parts = Parts()
            parts.tensors[1].dims = dims
            parts.tensors[1].type = type
            try assertRejects(parts, reason: "whole number", "\(dims) type \(type)")
        }
    }

    func testBadOffsets() throws {
        for offset: UInt64 in [1, 16, 31, 33] {
            var parts = Parts()
            parts.tensors[1].offset = offset
            try assertRejects(parts, reason: "not a multiple of the alignment", "offset \(offset)")
        }
        for offset: UInt64 in [.max, 1 << 63, 1 << 40, 4096] {
            var parts = Parts()
            parts.tensors[1].offset = offset
            try assertRejects(parts, reason: "past the end", "offset \(offset)")
        }
        // In the file but the tensor runs past its end: 68 bytes at 96 of a 128-byte section.
        var parts = Parts()
        parts.tensors[1].offset = 96
        try assertRejects(parts, reason: "extends past the end", "offset + size")
        // The last byte missing.
        parts = Parts()
        parts.dataSize = 32 + 67
        try assertRejects(parts, reason: "extends past the end", "one byte short")
        parts.dataSize = 32 + 68
        XCTAssertNoThrow(try GGUFFile(path: scratch.write(parts.bytes())))
    }

    func testDuplicateTensorNames() throws {
        var parts = Parts()
        parts.tensors[1].name = "a"
        try assertRejects(parts, reason: "duplicate tensor 'a'")
    }

    // MARK: - Paths that are not GGUF files

    func testMissingPath() throws {
        let path = scratch.path("does-not-exist.gguf")
        assertGGUFError(try GGUFFile(path: path), path: path, reason: "no such file")
        let nested = scratch.path("missing-dir/x.gguf")
        assertGGUFError(try GGUFFile(path: nested), path: nested, reason: "no such file")
        XCTAssertThrowsError(try GGUFFile(path: "")) { error in
            XCTAssertEqual((error as? GGUFError)?.reason, "cannot open: no file name given")
        }
    }

    func testDirectory() throws {
        assertGGUFError(try GGUFFile(path: scratch.url.path), path: scratch.url.path, reason: "directory")
        assertGGUFError(try GGUFFile(path: "/"), path: "/", reason: "directory")
    }

    func testDevicesAndFIFOs() throws {
        assertGGUFError(try GGUFFile(path: "/dev/null"), path: "/dev/null", reason: "not a regular file")
        assertGGUFError(try GGUFFile(path: "/dev/zero"), path: "/dev/zero", reason: "not a regular file")
        // A FIFO without a writer: opening must not block.
        let fifo = scratch.path("pipe.gguf")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertGGUFError(try GGUFFile(path: fifo), path: fifo, reason: "not a regular file")
    }

    func testUnreadableFile() throws {
        let path = try scratch.write(Parts().bytes(), to: "locked.gguf")
        XCTAssertEqual(chmod(path, 0), 0)
        defer { chmod(path, 0o600) }
        if geteuid() == 0 {
            // Root reads files whatever their mode, so the file simply opens.
            XCTAssertNoThrow(try GGUFFile(path: path), "running as root: mode 000 does not stop reading")
        } else {
            assertGGUFError(try GGUFFile(path: path), path: path, reason: "permission denied")
        }
    }

    func testSymlinkToAFileIsFollowed() throws {
        let target = try scratch.write(Parts().bytes(), to: "target.gguf")
        let link = scratch.path("link.gguf")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertEqual(try GGUFFile(path: link).tensors.count, 2)
        let dangling = scratch.path("dangling.gguf")
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: scratch.path("gone"))
        assertGGUFError(try GGUFFile(path: dangling), path: dangling, reason: "no such file")
    }
}
