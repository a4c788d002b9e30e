import Foundation
import XCTest
import GGUF

/// What `GGUFWriter` promises besides the bytes: progress, validation, and that a failed
/// write leaves nothing behind.
final class GGUFWriterTests: XCTestCase {
    var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch = nil }

    struct ProduceFailed: Error, Equatable {}

    func testSmallModelReadsBack() throws {
        let path = scratch.path("small.gguf")
        try SmallModel.writer().write(to: path)
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.alignment, 32)
        XCTAssertNil(file["general.alignment"], "the default alignment is not written")
        XCTAssertEqual(file.metadata.map(\.key), SmallModel.writer().metadata.map(\.key))
        XCTAssertEqual(file["tokenizer.ggml.tokens"]?.arrayValue?.strings, ["<unk>", "<s>", "</s>", "▁hi"])
        XCTAssertEqual(file.tensors.map(\.name), ["norm.weight", "q.weight", "e.weight"])
        XCTAssertEqual(file.tensors.map(\.type), [.f32, .q8_0, .f16])
        XCTAssertEqual(file.tensors.map(\.relativeOffset), [0, 32, 128])
        XCTAssertEqual(Array(file.bytes(for: file.tensors[1])), SmallModel.pattern(68, seed: 2))
        XCTAssertEqual(file.fileSize, file.dataOffset + 192, "the last tensor is padded too")
        XCTAssertEqual(try scratch.contents(), ["small.gguf"], "no temporary file left")
    }

    func testProgressCountsEveryTensor() throws {
        var calls: [String] = []
        try SmallModel.writer().write(to: scratch.path("a.gguf")) { done, total in calls.append("\(done)/\(total)") }
        XCTAssertEqual(calls, ["1/3", "2/3", "3/3"])

        calls = []
        var empty = GGUFWriter()
        empty.set("k", .uint8(1))
        try empty.write(to: scratch.path("b.gguf")) { done, total in calls.append("\(done)/\(total)") }
        XCTAssertEqual(calls, [])
    }

    func testProgressComesAfterEachTensorIsProduced() throws {
        var events: [String] = []
        var w = GGUFWriter()
        for name in ["x", "y"] {
            w.addTensor(name: name, dimensions: [4], type: .f32) {
                events.append("produce \(name)")
                return [UInt8](repeating: 1, count: 16)
            }
        }
        try w.write(to: scratch.path("p.gguf")) { done, _ in events.append("progress \(done)") }
        XCTAssertEqual(events, ["produce x", "progress 1", "produce y", "progress 2"])
    }

    func testWrongSizeLeavesNoFileBehind() throws {
        for size in [0, 67, 69, 1000] {
            var w = SmallModel.writer()
            w.addTensor(name: "bad.weight", dimensions: [32, 2], type: .q8_0) { [UInt8](repeating: 0, count: size) }
            let path = scratch.path("wrong-size.gguf")
            var progress = 0
            assertGGUFError(try w.write(to: path) { done, _ in progress = done }, path: path, reason: "'bad.weight' has \(size) bytes, expected 68")
            XCTAssertEqual(progress, 3, "the tensors before it were written")
            XCTAssertEqual(try scratch.contents(), [], "size \(size): a file was left behind")
        }
    }

    func testFailedWriteKeepsTheExistingFile() throws {
        let path = scratch.path("model.gguf")
        try SmallModel.writer().write(to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var w = GGUFWriter()
        w.addTensor(name: "t", dimensions: [8], type: .f32) { [1, 2, 3] }
        assertGGUFError(try w.write(to: path), path: path, reason: "expected 32")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertEqual(try scratch.contents(), ["model.gguf"])
    }

    func testProduceErrorsArePassedOn() throws {
        var w = SmallModel.writer()
        w.addTensor(name: "fails", dimensions: [8], type: .f32) { throw ProduceFailed() }
        let path = scratch.path("throws.gguf")
        XCTAssertThrowsError(try w.write(to: path)) { error in
            XCTAssertEqual(error as? ProduceFailed, ProduceFailed())
        }
        XCTAssertEqual(try scratch.contents(), [])
    }

    func testMissingDirectory() throws {
        let path = scratch.path("no/such/dir/model.gguf")
        assertGGUFError(try SmallModel.writer().write(to: path), path: path, reason: "cannot create: no such file or directory")
        XCTAssertEqual(try scratch.contents(), [])
    }

    func testTargetIsADirectory() throws {
        let path = scratch.path("dir.gguf")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        assertGGUFError(try SmallModel.writer().write(to: path), path: path, reason: "cannot rename")
        XCTAssertEqual(try scratch.contents(), ["dir.gguf"], "the temporary file is removed")
    }

    func testRefusesWhatTheReaderWouldRefuse() throws {
        func tensor(_ dims: [Int], _ type: GGMLType = .f32) -> (inout GGUFWriter) -> Void {
            { $0.addTensor(name: "t", dimensions: dims, type: type, bytes: []) }
        }
        let cases: [(String, String, (inout GGUFWriter) -> Void)] = [
            ("alignment 0", "general.alignment", { $0.set("general.alignment", .uint32(0)) }),
            ("alignment 3", "general.alignment", { $0.set("general.alignment", .uint32(3)) }),
            ("alignment -1", "general.alignment", { $0.alignment = -1 }),
            ("alignment 2^21", "general.alignment", { $0.alignment = 1 << 21 }),
            ("alignment u64", "general.alignment", { $0.set("general.alignment", .uint64(32)) }),
            ("alignment string", "general.alignment", { $0.set("general.alignment", .string("32")) }),
            ("version 1", "version", { $0.version = 1 }),
            ("version 4", "version", { $0.version = 4 }),
            ("empty key", "empty metadata key", { $0.set("", .uint8(1)) }),
            ("too deep", "nests arrays", { w in
                var value = GGUFValue.array(.int32s([1]))
                for _ in 0..<8 { value = .array(GGUFArray(elementType: .array, values: [value])) }
                w.set("deep", value)
            }),
            ("no dimensions", "0 dimensions", tensor([])),
            ("five dimensions", "5 dimensions", tensor([1, 1, 1, 1, 1])),
            ("zero dimension", "dimensions [8, 0]", tensor([8, 0])),
            ("negative dimension", "dimensions [-8]", tensor([-8])),
            ("overflow", "dimensions", tensor([1 << 62, 1 << 62])),
            ("bytes overflow", "size in bytes overflows", tensor([1 << 62])),
            ("partial block", "not a whole number of Q4_0 blocks", tensor([48, 2], .q4_0)),
            ("duplicate tensor", "duplicate tensor 'd'", { w in
                w.addTensor(name: "d", dimensions: [1], type: .f32, bytes: [0, 0, 0, 0])
                w.addTensor(name: "d", dimensions: [1], type: .f32, bytes: [0, 0, 0, 0])
            }),
        ]
        for (label, reason, change) in cases {
            var w = SmallModel.writer()
            change(&w)
            let path = scratch.path("refused.gguf")
            var produced = false
            w.addTensor(name: "last", dimensions: [1], type: .f32) { produced = true; return [0, 0, 0, 0] }
            assertGGUFError(try w.write(to: path), path: path, reason: reason, label)
            XCTAssertFalse(produced, "\(label): validated before producing any tensor")
            XCTAssertEqual(try scratch.contents(), [], label)
        }
    }

    func testAlignmentPropertyAndKeyAgree() throws {
        var w = SmallModel.writer()
        XCTAssertEqual(w.alignment, 32)
        w.alignment = 64
        XCTAssertEqual(w.metadata.first { $0.key == "general.alignment" }?.value, .uint32(64))
        let path = scratch.path("a64.gguf")
        try w.write(to: path)
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.tensors.map(\.relativeOffset), [0, 64, 192])
        XCTAssertEqual(file.dataOffset % 64, 0)

        w.set("general.alignment", .uint32(1))
        XCTAssertEqual(w.alignment, 1)
        try w.write(to: path)
        XCTAssertEqual(try GGUFFile(path: path).tensors.map(\.relativeOffset), [0, 32, 100])

        w.remove("general.alignment")
        XCTAssertEqual(w.alignment, 32)
        XCTAssertNil(w.metadata.first { $0.key == "general.alignment" })
    }

    func testSetReplacesInPlaceAndRemoveKeepsOrder() throws {
        var w = GGUFWriter()
        for key in ["a", "b", "c", "d"] { w.set(key, .string(key)) }
        w.set("b", .uint32(2))
        w.remove("c")
        w.remove("missing")
        w.set("e", .bool(true))
        w.set("a", .int8(-1))
        XCTAssertEqual(w.metadata.map(\.key), ["a", "b", "d", "e"])
        XCTAssertEqual(w.metadata.map(\.value), [.int8(-1), .uint32(2), .string("d"), .bool(true)])
        let path = scratch.path("kv.gguf")
        try w.write(to: path)
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.metadata.map(\.key), ["a", "b", "d", "e"])
        XCTAssertEqual(file["b"], .uint32(2))
    }

    func testVersion2() throws {
        var w = SmallModel.writer()
        w.version = 2
        let path = scratch.path("v2.gguf")
        try w.write(to: path)
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.version, 2)
        XCTAssertEqual(file.tensors.count, 3)
    }

    func testTensorByteCount() {
        func count(_ dims: [Int], _ type: GGMLType) -> Int {
            var w = GGUFWriter()
            w.addTensor(name: "t", dimensions: dims, type: type, bytes: [])
            return w.tensors[0].byteCount
        }
        XCTAssertEqual(count([256, 2], .q4_K), 288)
        XCTAssertEqual(count([32, 3], .q4_0), 54)
        XCTAssertEqual(count([5], .f16), 10)
        XCTAssertEqual(count([33], .q4_0), 0)
        XCTAssertEqual(count([-1], .f32), 0)
        XCTAssertEqual(count([1 << 62, 1 << 62], .f32), 0, "overflow is 0, not a trap")
    }

    func testOverwritingTheFileBeingCopied() throws {
        // The copy reads from the old file's mapping while the new one replaces it.
        let path = scratch.path("in-place.gguf")
        try SmallModel.writer().write(to: path)
        let original = try GGUFFile(path: path)
        var w = GGUFWriter(copying: original)
        w.set("general.name", .string("rewritten"))
        try w.write(to: path)
        XCTAssertEqual(original.modelName, "small", "the old mapping is untouched")
        let rewritten = try GGUFFile(path: path)
        XCTAssertEqual(rewritten.modelName, "rewritten")
        for (a, b) in zip(original.tensors, rewritten.tensors) {
            XCTAssertTrue(original.bytes(for: a).elementsEqual(rewritten.bytes(for: b)))
        }
        XCTAssertEqual(try scratch.contents(), ["in-place.gguf"])
    }

    func testNewFilesFollowTheUmask() throws {
        let mask = umask(0o027)
        defer { umask(mask) }
        let path = scratch.path("mode.gguf")
        try SmallModel.writer().write(to: path)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
    }

    func testSummary() throws {
        guard let file = try Fixtures.open("tiny-llama-q4_0.gguf") else { return }
        let summary = file.summary
        XCTAssertTrue(summary.hasPrefix(file.path + ": GGUF v3, llama 'ghost-test', Q4_0, "), summary)
        XCTAssertTrue(summary.contains("18.0 M parameters in 21 tensors (Q4_0 ×15, F32 ×5, Q6_K ×1)"), summary)
        XCTAssertTrue(summary.contains("25 metadata keys, 12.3 MiB"), summary)
        XCTAssertFalse(summary.contains("\n"))
        guard let vocab = try Fixtures.open("llama2-vocab.gguf") else { return }
        XCTAssertTrue(vocab.summary.contains("no tensors, 22 metadata keys, 706.9 KiB"), vocab.summary)
    }
}
