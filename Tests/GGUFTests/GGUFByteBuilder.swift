import Foundation
import GGUF
import TestSupport
import XCTest

/// Builds GGUF bytes by hand, independently of `GGUFWriter`, so tests can produce any
/// version, any layout and any kind of malformed file.
struct GGUFByteBuilder {
    var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    mutating func int<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    mutating func u32(_ v: UInt32) { int(v) }
    mutating func u64(_ v: UInt64) { int(v) }
    mutating func f32(_ v: Float) { int(v.bitPattern) }
    mutating func f64(_ v: Double) { int(v.bitPattern) }

    /// A GGUF string: u64 byte length, then the bytes.
    mutating func string(_ s: String) { string(bytes: Array(s.utf8)) }
    mutating func string(bytes: [UInt8]) {
        u64(UInt64(bytes.count))
        raw(bytes)
    }

    mutating func header(magic: [UInt8] = Array("GGUF".utf8), version: UInt32 = 3, tensorCount: UInt64, kvCount: UInt64) {
        raw(magic)
        u32(version)
        u64(tensorCount)
        u64(kvCount)
    }

    /// A key, its type and whatever `value` appends.
    mutating func kv(_ key: String, type: UInt32, _ value: (inout GGUFByteBuilder) -> Void) {
        string(key)
        u32(type)
        value(&self)
    }

    /// An array header (element type and count); the caller appends the elements.
    mutating func arrayHeader(elementType: UInt32, count: UInt64) {
        u32(elementType)
        u64(count)
    }

    mutating func tensorInfo(name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d in dims { u64(d) }
        u32(type)
        u64(offset)
    }

    mutating func pad(to alignment: Int, with byte: UInt8 = 0) {
        while bytes.count % alignment != 0 { bytes.append(byte) }
    }
}

/// Value type numbers as they appear on disk (kept literal so the tests do not just echo
/// the implementation's enum).
enum RawType {
    static let u8: UInt32 = 0, i8: UInt32 = 1, u16: UInt32 = 2, i16: UInt32 = 3
    static let u32: UInt32 = 4, i32: UInt32 = 5, f32: UInt32 = 6, bool: UInt32 = 7
    static let string: UInt32 = 8, array: UInt32 = 9, u64: UInt32 = 10, i64: UInt32 = 11, f64: UInt32 = 12
}

/// ggml tensor type numbers.
enum RawTensorType {
    static let f32: UInt32 = 0, f16: UInt32 = 1, q4_0: UInt32 = 2, q8_0: UInt32 = 8, q4_K: UInt32 = 12, q6_K: UInt32 = 14
}

// MARK: - Fixtures and scratch files

enum Fixtures {
    /// `<package root>/../shared/fixtures`, found from this source file's location.
    static let directory: URL = FixtureLocator.sharedDirectory

    static let models = ["tiny-llama-f16.gguf", "tiny-llama-q8_0.gguf", "tiny-llama-q4_0.gguf", "tiny-llama-q4_k_m.gguf"]
    static let all = ["llama2-vocab.gguf"] + models

    /// The path of fixture `name`; fails the test loudly when it is missing.
    static func path(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.isReadableFile(atPath: path) else {
            XCTFail("FIXTURE MISSING: \(path) — the GGUF tests need ../shared/fixtures next to the package", file: file, line: line)
            return nil
        }
        return path
    }

    static func open(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> GGUFFile? {
        guard let path = path(name, file: file, line: line) else { return nil }
        return try GGUFFile(path: path)
    }
}

/// A private directory for one test, removed afterwards.
final class ScratchDirectory {
    let url: URL

    init() throws {
        // tmpfs when there is one: the suites write thousands of small files.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("gguf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` (replacing it) and returns the path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String = "test.gguf") throws -> String {
        // Plain open/write: Foundation's Data.write fsyncs every file, which is slow here.
        let path = self.path(name)
        guard let file = fopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        Self.saveForFuzzing(bytes)
        return path
    }

    /// With `GHOSTCHAT_SAVE_TEST_FILES=DIR`, every file the suites write (the bad-file cases
    /// among them) is also kept in DIR, named by content, as seeds for the fuzzer
    /// (tools/fuzz/make-corpus.sh).
    private static let saveDirectory = ProcessInfo.processInfo.environment["GHOSTCHAT_SAVE_TEST_FILES"]

    private static func saveForFuzzing(_ bytes: [UInt8]) {
        guard let directory = saveDirectory, bytes.count <= 1 << 17 else { return }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(String(format: "test-%016llx.gguf", hash)).path
        if let file = fopen(path, "wb") {
            fwrite(bytes, 1, bytes.count, file)
            fclose(file)
        }
    }

    /// Every entry in the directory.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

// MARK: - Assertions

/// Asserts that `body` throws a `GGUFError` whose one-line description names `path` and
/// whose reason contains `reason` (case-insensitive). Returns the error.
@discardableResult
func assertGGUFError<T>(
    _ body: @autoclosure () throws -> T, path: String, reason: String? = nil,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) -> GGUFError? {
    do {
        _ = try body()
        XCTFail("expected a GGUFError \(reason.map { "(\($0))" } ?? ""), but parsing succeeded \(message)", file: file, line: line)
        return nil
    } catch let error as GGUFError {
        let text = error.description
        XCTAssertTrue(text.contains(path), "error does not name the file: \(text) \(message)", file: file, line: line)
        XCTAssertFalse(text.contains(where: \.isNewline), "error is not one line: \(text) \(message)", file: file, line: line)
        XCTAssertFalse(error.reason.isEmpty, "error has no reason \(message)", file: file, line: line)
        if let reason {
            XCTAssertTrue(error.reason.lowercased().contains(reason.lowercased()),
                          "reason '\(error.reason)' does not mention '\(reason)' \(message)", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected a GGUFError, got \(type(of: error)): \(error) \(message)", file: file, line: line)
        return nil
    }
}

/// Writes `bytes` into `scratch` and asserts that opening it fails with `reason`.
@discardableResult
func assertRejects(
    _ bytes: [UInt8], in scratch: ScratchDirectory, reason: String? = nil, _ message: String = "",
    file: StaticString = #filePath, line: UInt = #line
) throws -> GGUFError? {
    let path = try scratch.write(bytes)
    return assertGGUFError(try GGUFFile(path: path), path: path, reason: reason, message, file: file, line: line)
}

/// True when the two values are identical, comparing floats bit for bit (so NaN equals
/// itself and -0 differs from +0) and arrays element by element.
func identical(_ a: GGUFValue, _ b: GGUFValue) -> Bool {
    switch (a, b) {
    case let (.float32(x), .float32(y)): return x.bitPattern == y.bitPattern
    case let (.float64(x), .float64(y)): return x.bitPattern == y.bitPattern
    case let (.array(x), .array(y)):
        guard x.elementType == y.elementType, x.count == y.count else { return false }
        return zip(x.values, y.values).allSatisfy { identical($0, $1) }
    default: return a == b
    }
}

/// Decodes every value in `value`, recursively, and returns how many scalars it holds.
/// Used to prove that lazily decoded arrays never trap.
@discardableResult
func touchAll(_ value: GGUFValue) -> Int {
    _ = value.intValue
    _ = value.doubleValue
    _ = value.stringValue
    _ = value.boolValue
    guard case .array(let array) = value else { return 1 }
    _ = array.strings
    _ = array.floats
    _ = array.ints
    var n = 0
    for element in array.values { n += touchAll(element) }
    return n
}

// MARK: - A small model written with the project's writer

enum SmallModel {
    /// A few KVs (including a string array) and three small tensors of different types.
    static func writer(alignment: Int? = nil) -> GGUFWriter {
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("general.name", .string("small"))
        if let alignment { w.set("general.alignment", .uint32(UInt32(alignment))) }
        w.set("llama.block_count", .uint32(1))
        w.set("llama.attention.layer_norm_rms_epsilon", .float32(1e-5))
        w.set("tokenizer.ggml.tokens", .array(.strings(["<unk>", "<s>", "</s>", "▁hi"])))
        w.set("tokenizer.ggml.scores", .array(.float32s([0, 0, 0, -1.5])))
        w.set("tokenizer.ggml.add_bos_token", .bool(true))
        w.addTensor(name: "norm.weight", dimensions: [8], type: .f32, bytes: pattern(32, seed: 1))
        w.addTensor(name: "q.weight", dimensions: [32, 2], type: .q8_0, bytes: pattern(68, seed: 2))
        // 60 bytes: the file ends in padding.
        w.addTensor(name: "e.weight", dimensions: [10, 3], type: .f16, bytes: pattern(60, seed: 3))
        return w
    }

    /// The bytes of `writer()` as written to disk.
    static func bytes(alignment: Int? = nil, scratch: ScratchDirectory) throws -> [UInt8] {
        let path = scratch.path("small-model.gguf")
        try writer(alignment: alignment).write(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: path)
        return [UInt8](data)
    }

    /// `count` bytes that differ from tensor to tensor.
    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed) &* 31) }
    }
}
