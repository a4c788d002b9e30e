import Foundation
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// Every pre-tokenizer against llama.cpp on the same merges: the Llama 3 vocabulary relabelled
/// with each `tokenizer.ggml.pre` value, hard strings tokenized by both (references from
/// `tools/pre-tokenizer-references.py`; a pre value llama.cpp could not run is absent there).
final class PreTokenizerReferenceTests: XCTestCase {
    struct Reference: Decodable {
        var texts: [String]
        var ids: [String: [[Int32]]]
    }

    func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pre-tokenizer-tokens.ref.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// The Llama 3 vocabulary with `pre` as its pre-tokenizer, written to a temporary file.
    func relabelled(_ pre: String) throws -> Tokenizer {
        let source = try GGUFFile(path: Fixtures.require(Fixtures.directory + "/llama3-vocab.gguf"))
        var writer = GGUFWriter(copying: source)
        writer.set("tokenizer.ggml.pre", .string(pre))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pre-\(pre)-\(getpid()).gguf").path
        try writer.write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    func testEveryPreTokenizerMatchesLlamaCpp() throws {
        let r = try reference()
        for required in ["default", "gpt-2", "llama-bpe", "qwen2", "deepseek-r1-qwen", "smollm", "tekken", "falcon"] {
            XCTAssertNotNil(r.ids[required], "reference for \(required)")
        }
        for (pre, expected) in r.ids.sorted(by: { $0.key < $1.key }) {
            let tokenizer = try relabelled(pre)
            XCTAssertEqual(tokenizer.preTokenizer, pre)
            XCTAssertEqual(tokenizer.warnings, [], pre)
            for (text, ids) in zip(r.texts, expected) {
                XCTAssertEqual(tokenizer.encode(text, addBOS: false), ids, "\(pre): \(text.prefix(60).debugDescription)")
            }
        }
    }
}
