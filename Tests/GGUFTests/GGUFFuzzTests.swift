import Foundation
import GGUF
import TestSupport
import XCTest

/// Deterministic random mutations of small valid files: each one either parses (and then
/// every value decodes, every tensor's bytes are readable and the file copies through the
/// writer) or throws a one-line `GGUFError`. A crash fails the whole run.
final class GGUFFuzzTests: XCTestCase {
    var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch = nil }

    /// A header exercising every value type, nested arrays and bools, plus three tensors.
    private func richFile() -> [UInt8] {
        var b = GGUFByteBuilder()
        b.header(tensorCount: 3, kvCount: 9)
        b.kv("general.alignment", type: RawType.u32) { $0.u32(16) }
        b.kv("s", type: RawType.string) { $0.string("héllo") }
        b.kv("b", type: RawType.bool) { $0.u8(1) }
        b.kv("f", type: RawType.f32) { $0.f32(0.5) }
        b.kv("i64", type: RawType.i64) { $0.int(Int64(-3)) }
        b.kv("nested", type: RawType.array) {
            $0.arrayHeader(elementType: RawType.array, count: 3)
            $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("a"); $0.string("")
            $0.arrayHeader(elementType: RawType.bool, count: 2); $0.raw([0, 1])
            $0.arrayHeader(elementType: RawType.array, count: 1)
            $0.arrayHeader(elementType: RawType.f32, count: 2); $0.f32(1); $0.f32(2)
        }
        b.kv("u16s", type: RawType.array) { $0.arrayHeader(elementType: RawType.u16, count: 3); $0.raw([1, 0, 2, 0, 3, 0]) }
        b.kv("f32s", type: RawType.array) { $0.arrayHeader(elementType: RawType.f32, count: 2); $0.f32(-1); $0.f32(7) }
        b.kv("strs", type: RawType.array) { $0.arrayHeader(elementType: RawType.string, count: 2); $0.string("x"); $0.string("yz") }
        b.tensorInfo(name: "t0", dims: [4], type: RawTensorType.f32, offset: 0)
        b.tensorInfo(name: "t1", dims: [32], type: RawTensorType.q4_0, offset: 16)
        b.tensorInfo(name: "t2", dims: [2, 2, 1, 1], type: RawTensorType.f16, offset: 48)
        b.pad(to: 16)
        b.raw(SmallModel.pattern(16 + 32 + 16, seed: 9))
        return b.bytes
    }

    private static let interesting32: [UInt32] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 31, 32, 33, 0x7F, 0xFF, 0x7FFF_FFFF, 0x8000_0000, .max]
    private static let interesting64: [UInt64] = [0, 1, 2, 8, 16, 31, 32, 64, 255, 256, 1 << 31, 1 << 32, 1 << 40, 1 << 62, 1 << 63, .max - 1, .max]

    /// One random mutation of `bytes`, mostly inside the header (the first `header` bytes).
    private func mutate(_ bytes: [UInt8], header: Int, rng: inout SeededRandom) -> [UInt8] {
        var out = bytes
        func position() -> Int {  // (earlier rounds may have shortened `out`)
            let limit = Int.random(in: 0..<100, using: &rng) < 90 ? min(header, out.count) : out.count
            return Int.random(in: 0..<limit, using: &rng)
        }
        func overwrite(_ value: [UInt8], at p: Int) {
            for (i, byte) in value.enumerated() where p + i < out.count { out[p + i] = byte }
        }
        let rounds = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 2...4, using: &rng) : 1
        for _ in 0..<rounds where !out.isEmpty {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30:
                out[position()] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 30..<50:
                out[position()] = [0, 1, 2, 0x7F, 0x80, 0xFF, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
            case 50..<65:
                let v = Self.interesting32.randomElement(using: &rng)!
                overwrite(withUnsafeBytes(of: v.littleEndian, Array.init), at: position())
            case 65..<80:
                let v = Self.interesting64.randomElement(using: &rng)!
                overwrite(withUnsafeBytes(of: v.littleEndian, Array.init), at: position())
            case 80..<86:
                out.removeLast(Int.random(in: 1...out.count, using: &rng))
            case 86..<93:
                let p = position()
                out.removeSubrange(p..<min(out.count, p + Int.random(in: 1...8, using: &rng)))
            default:
                let p = position()
                out.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: p)
            }
        }
        return out
    }

    /// Reads everything a caller could read from a parsed file.
    private func exercise(_ file: GGUFFile, _ label: String, copy: Bool) throws {
        for (key, value) in file.metadata {
            XCTAssertNotNil(file[key], label)
            touchAll(value)
            _ = value.description
        }
        var checksum: UInt8 = 0
        for t in file.tensors {
            XCTAssertEqual(file.tensor(named: t.name), t, label)
            XCTAssertGreaterThan(t.byteCount, 0, label)
            XCTAssertLessThanOrEqual(t.fileOffset + t.byteCount, file.fileSize, label)
            let bytes = file.bytes(for: t)
            checksum &+= bytes.first! &+ bytes.last!
            _ = (t.elementCount, t.rowCount, t.rowByteCount)
        }
        _ = (checksum, file.parameterCount, file.tensorTypeHistogram, file.fileType, file.summary)

        // Whatever the reader accepts, the writer can copy and the copy reads back the same.
        guard copy else { return }
        let copyPath = scratch.path("copy.gguf")
        try GGUFWriter(copying: file).write(to: copyPath)
        let copy = try GGUFFile(path: copyPath)
        XCTAssertEqual(copy.metadata.map(\.key), file.metadata.map(\.key), label)
        for (a, b) in zip(file.metadata, copy.metadata) {
            XCTAssertTrue(identical(a.value, b.value), "\(label): \(a.key)")
        }
        XCTAssertEqual(copy.tensors.map(\.name), file.tensors.map(\.name), label)
        for (a, b) in zip(file.tensors, copy.tensors) {
            XCTAssertEqual(a.dimensions, b.dimensions, label)
            XCTAssertEqual(a.type, b.type, label)
            XCTAssertTrue(file.bytes(for: a).elementsEqual(copy.bytes(for: b)), "\(label): \(a.name)")
        }
    }

    func testRandomMutationsNeverCrash() throws {
        let seeds: [(name: String, bytes: [UInt8])] = [
            ("small model", try SmallModel.bytes(scratch: scratch)),
            ("rich header", richFile()),
        ]
        let headerSizes = try seeds.map { try GGUFFile(path: scratch.write($0.bytes, to: "seed.gguf")).dataOffset }
        // GGUF_FUZZ_ITERATIONS / GGUF_FUZZ_SEED run a longer or different campaign by hand.
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["GGUF_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 2000
        var rng = SeededRandom(seed: environment["GGUF_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x6767_7566)
        var parsed = 0, refused = 0
        let path = scratch.path("fuzz.gguf")
        for iteration in 0..<iterations {
            let seed = seeds[iteration % seeds.count]
            let bytes = mutate(seed.bytes, header: headerSizes[iteration % seeds.count], rng: &rng)
            try scratch.write(bytes, to: "fuzz.gguf")
            let label = "mutation \(iteration) of \(seed.name)"
            let file: GGUFFile
            do {
                file = try GGUFFile(path: path)
            } catch let error as GGUFError {
                refused += 1
                XCTAssertEqual(error.path, path, label)
                XCTAssertFalse(error.description.contains(where: \.isNewline), "\(label): \(error)")
                XCTAssertFalse(error.reason.isEmpty, label)
                continue
            } catch {
                XCTFail("\(label): not a GGUFError: \(error)")
                continue
            }
            parsed += 1
            XCTAssertNoThrow(try exercise(file, label, copy: true), label)
        }
        // Both outcomes must be common, or the mutations are not testing much.
        print("fuzz: \(parsed) mutations parsed, \(refused) refused")
        XCTAssertGreaterThan(parsed, iterations / 10, "parsed \(parsed), refused \(refused)")
        XCTAssertGreaterThan(refused, iterations / 4, "parsed \(parsed), refused \(refused)")
    }
}
