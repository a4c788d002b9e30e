import GGUF
import XCTest

/// Compares our quantizer's blocks with llama.cpp's for every tensor both files store in
/// the same type.
enum QuantizeComparison {
    static func assertBlocksMatch(ours: String, reference: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try GGUFFile(path: ours), b = try GGUFFile(path: reference)
        var compared = 0
        for tensor in b.tensors where tensor.type == .q4_0 || tensor.type == .q8_0 {
            guard let mine = a.tensor(named: tensor.name), mine.type == tensor.type else { continue }
            XCTAssertTrue(a.bytes(for: mine).elementsEqual(b.bytes(for: tensor)), "\(tensor.name): blocks differ from llama.cpp's", file: file, line: line)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 10, "compared \(compared) tensors", file: file, line: line)
    }
}
