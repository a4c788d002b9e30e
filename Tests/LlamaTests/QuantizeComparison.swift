import Foundation
import GGUF
import TestSupport
import XCTest

/// Compares our quantizer's output with llama.cpp's: tensor by tensor against one of its
/// files, or against the digests of its files in `Tests/Data/llamacpp-quantize-digests.json`
/// (made by tools/make-quantize-digests.py, so the models themselves stay out of the repository).
enum QuantizeComparison {
    /// Every tensor both files store in the same quantized type has identical bytes.
    static func assertBlocksMatch(ours: String, reference: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try GGUFFile(path: ours), b = try GGUFFile(path: reference)
        var compared = 0
        for tensor in b.tensors where tensor.type.blockSize > 1 {
            guard let mine = a.tensor(named: tensor.name), mine.type == tensor.type else { continue }
            XCTAssertTrue(a.bytes(for: mine).elementsEqual(b.bytes(for: tensor)), "\(tensor.name): blocks differ from llama.cpp's", file: file, line: line)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 10, "compared \(compared) tensors", file: file, line: line)
    }

    struct Digests: Decodable {
        struct Tensor: Decodable {
            var type: String
            var fnv1a64: String
        }
        var ftypes: [String: [String: Tensor]]
    }

    static func digests() throws -> Digests {
        let url = FixtureLocator.packageRoot.appendingPathComponent("Tests/Data/llamacpp-quantize-digests.json")
        return try JSONDecoder().decode(Digests.self, from: Data(contentsOf: url))
    }

    static func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Every tensor of `ours` has the type and the bytes llama.cpp's quantizer chose for `ftype`.
    static func assertMatchesDigests(ours: String, ftype: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try XCTUnwrap(try digests().ftypes[ftype], "no digests for \(ftype)", file: file, line: line)
        let a = try GGUFFile(path: ours)
        XCTAssertEqual(Set(a.tensors.map(\.name)), Set(expected.keys), "\(ftype): tensor names", file: file, line: line)
        for tensor in a.tensors {
            guard let want = expected[tensor.name] else { continue }
            XCTAssertEqual(tensor.type.name, want.type, "\(ftype) \(tensor.name): type", file: file, line: line)
            XCTAssertEqual(fnv1a64(a.bytes(for: tensor)), want.fnv1a64, "\(ftype) \(tensor.name): bytes differ from llama.cpp's", file: file, line: line)
        }
    }
}
