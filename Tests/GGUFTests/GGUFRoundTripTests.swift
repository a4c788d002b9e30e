import Foundation
import XCTest
import GGUF

/// `GGUFWriter(copying:)` → write → read back gives the same file.
final class GGUFRoundTripTests: XCTestCase {
    var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch = nil }

    /// Copies `original` through the writer and returns the copy, read back.
    private func copy(_ original: GGUFFile, named name: String) throws -> GGUFFile {
        let path = scratch.path(name)
        try GGUFWriter(copying: original).write(to: path)
        return try GGUFFile(path: path)
    }

    /// Same version, metadata (keys, order, types, values bit for bit), tensor table and
    /// tensor bytes.
    private func assertSameContent(_ a: GGUFFile, _ b: GGUFFile, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.version, b.version, label, file: file, line: line)
        XCTAssertEqual(a.alignment, b.alignment, label, file: file, line: line)
        XCTAssertEqual(a.metadata.map(\.key), b.metadata.map(\.key), "\(label): keys or their order differ", file: file, line: line)
        for (x, y) in zip(a.metadata, b.metadata) {
            XCTAssertEqual(x.value.type, y.value.type, "\(label): \(x.key)", file: file, line: line)
            XCTAssertTrue(identical(x.value, y.value), "\(label): value of \(x.key) differs", file: file, line: line)
        }
        XCTAssertEqual(a.tensors.count, b.tensors.count, label, file: file, line: line)
        for (x, y) in zip(a.tensors, b.tensors) {
            XCTAssertEqual(x.name, y.name, label, file: file, line: line)
            XCTAssertEqual(x.dimensions, y.dimensions, "\(label): \(x.name)", file: file, line: line)
            XCTAssertEqual(x.type, y.type, "\(label): \(x.name)", file: file, line: line)
            XCTAssertEqual(x.byteCount, y.byteCount, "\(label): \(x.name)", file: file, line: line)
            XCTAssertEqual(x.relativeOffset, y.relativeOffset, "\(label): \(x.name)", file: file, line: line)
            let same = a.bytes(for: x).elementsEqual(b.bytes(for: y))
            XCTAssertTrue(same, "\(label): bytes of \(x.name) differ", file: file, line: line)
        }
    }

    private func fileBytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func testFixturesRoundTripIdentically() throws {
        for name in Fixtures.all {
            guard let path = Fixtures.path(name) else { continue }
            let original = try GGUFFile(path: path)
            let copy = try self.copy(original, named: "copy-\(name)")
            assertSameContent(original, copy, name)
            // gguf-py (the f16 model, the vocabulary) and llama.cpp's quantizer (the others)
            // lay files out the way our writer does, so the copy is the same file.
            let same = try fileBytes(path) == fileBytes(copy.path)
            XCTAssertTrue(same, "\(name): the copy is not byte-identical (\(original.fileSize) vs \(copy.fileSize) bytes)")
            try FileManager.default.removeItem(atPath: copy.path)
        }
    }

    func testCopyOfACopyIsStable() throws {
        guard let original = try Fixtures.open("tiny-llama-q4_k_m.gguf") else { return }
        let once = try copy(original, named: "once.gguf")
        let twice = try copy(once, named: "twice.gguf")
        assertSameContent(once, twice, "copy of copy")
        let same = try fileBytes(once.path) == fileBytes(twice.path)
        XCTAssertTrue(same, "a copy of a copy differs from the copy")
    }

    func testEditingACopy() throws {
        guard let original = try Fixtures.open("tiny-llama-q8_0.gguf") else { return }
        var writer = GGUFWriter(copying: original)
        writer.set("general.name", .string("renamed"))
        writer.set("ghostchat.note", .array(GGUFArray(elementType: .array, values: [.array(.strings(["x"])), .array(.int32s([1, 2]))])))
        writer.remove("tokenizer.chat_template")
        let path = scratch.path("edited.gguf")
        try writer.write(to: path)
        let edited = try GGUFFile(path: path)
        XCTAssertEqual(edited.modelName, "renamed")
        XCTAssertEqual(edited.metadata.firstIndex { $0.key == "general.name" }, original.metadata.firstIndex { $0.key == "general.name" }, "set keeps a key in place")
        XCTAssertEqual(edited.metadata.last?.key, "ghostchat.note")
        XCTAssertNil(edited["tokenizer.chat_template"])
        XCTAssertEqual(edited.metadata.count, original.metadata.count)
        let note = try XCTUnwrap(edited["ghostchat.note"]?.arrayValue?.values.compactMap(\.arrayValue))
        XCTAssertEqual(note.first?.strings, ["x"])
        XCTAssertEqual(note.last?.ints, [1, 2])
        for t in original.tensors {
            let e = try XCTUnwrap(edited.tensor(named: t.name))
            XCTAssertEqual(e.relativeOffset, t.relativeOffset)
            XCTAssertTrue(original.bytes(for: t).elementsEqual(edited.bytes(for: e)), t.name)
        }
    }

    func testHandBuiltFilesRoundTrip() throws {
        // Every scalar type, NaN payloads, nested arrays, v2 and unusual alignments.
        var b = GGUFByteBuilder()
        b.header(version: 2, tensorCount: 2, kvCount: 7)
        b.kv("general.alignment", type: RawType.u32) { $0.u32(8) }
        b.kv("nan", type: RawType.f32) { $0.u32(0xFFC0_1234) }
        b.kv("negzero", type: RawType.f64) { $0.f64(-0.0) }
        b.kv("s", type: RawType.string) { $0.string("") }
        b.kv("nested", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.array, count: 2)
            $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("ü"); $0.string("")
            $0.arrayHeader(elementType: RawType.f32, count: 1); $0.u32(0x7F80_0001)
        }
        b.kv("bools", type: RawType.array) { $0.arrayHeader(elementType: RawType.bool, count: 2); $0.raw([0, 1]) }
        b.kv("i16s", type: RawType.array) { $0.arrayHeader(elementType: RawType.i16, count: 1); $0.int(Int16(-2)) }
        b.tensorInfo(name: "x", dims: [3], type: RawTensorType.f16, offset: 0)
        b.tensorInfo(name: "y", dims: [2, 2], type: RawTensorType.f32, offset: 8)
        b.pad(to: 8)
        b.raw([1, 2, 3, 4, 5, 6, 0, 0])
        b.raw((0..<16).map { UInt8($0) })
        let path = try scratch.write(b.bytes, to: "hand.gguf")
        let original = try GGUFFile(path: path)
        let copy = try self.copy(original, named: "hand-copy.gguf")
        assertSameContent(original, copy, "hand-built")
        XCTAssertEqual(copy.version, 2, "the copy keeps the version")
        let same = try [UInt8](fileBytes(copy.path)) == b.bytes
        XCTAssertTrue(same, "the copy of a hand-built v2 file is not byte-identical")
    }

    func testSmallModelRoundTripsAtEveryAlignment() throws {
        for alignment in [nil, 1, 2, 16, 64, 256] as [Int?] {
            let bytes = try SmallModel.bytes(alignment: alignment, scratch: scratch)
            let path = try scratch.write(bytes, to: "small.gguf")
            let original = try GGUFFile(path: path)
            XCTAssertEqual(original.alignment, alignment ?? 32)
            let copy = try self.copy(original, named: "small-copy.gguf")
            assertSameContent(original, copy, "alignment \(alignment ?? 32)")
            let same = try [UInt8](fileBytes(copy.path)) == bytes
            XCTAssertTrue(same, "alignment \(alignment ?? 32): the copy is not byte-identical")
        }
    }
}
