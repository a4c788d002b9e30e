import Foundation
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// Byte-level BPE vocabularies (Llama 3, SmolLM2) against llama.cpp's reference output.
final class BytePairVocabularyTests: XCTestCase {
    struct Case: Decodable {
        var text: String
        var ids_no_bos: [Int32]
        var ids_with_bos: [Int32]
        var ids_special: [Int32]
        var detokenized: String
    }

    func cases(_ name: String) throws -> [Case] {
        let path = try Fixtures.require(Fixtures.directory + "/" + name)
        return try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func check(_ tokenizer: Tokenizer, _ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tokenizer.modelName, "gpt2", file: file, line: line)
        XCTAssertEqual(tokenizer.warnings, [], file: file, line: line)
        for c in cases {
            XCTAssertEqual(tokenizer.encode(c.text, addBOS: false), c.ids_no_bos, "no BOS: \(c.text.debugDescription)", file: file, line: line)
            XCTAssertEqual(tokenizer.encode(c.text), c.ids_with_bos, "default BOS: \(c.text.debugDescription)", file: file, line: line)
            XCTAssertEqual(tokenizer.encode(c.text, addBOS: false, parseSpecial: true), c.ids_special, "special: \(c.text.debugDescription)", file: file, line: line)
            XCTAssertEqual(tokenizer.decode(c.ids_no_bos), c.detokenized, "decode: \(c.text.debugDescription)", file: file, line: line)
            let (outputs, flushed) = streamed(c.ids_no_bos, with: tokenizer, file: file, line: line)
            XCTAssertEqual(outputs.joined() + flushed, c.detokenized, "stream: \(c.text.debugDescription)", file: file, line: line)
        }
    }

    func testLlama3MatchesLlamaCpp() throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: Fixtures.require(Fixtures.directory + "/llama3-vocab.gguf")))
        XCTAssertEqual(tokenizer.preTokenizer, "llama-bpe")
        XCTAssertTrue(tokenizer.isEndOfGeneration(128009))
        check(tokenizer, try cases("llama3-tokenizer.ref.json"))
    }

    func testSmolLM2MatchesLlamaCpp() throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: FixtureLocator.smolLM2()))
        XCTAssertEqual(tokenizer.preTokenizer, "smollm")
        XCTAssertTrue(tokenizer.isEndOfGeneration(2), "<|im_end|>")
        XCTAssertTrue(tokenizer.isEndOfGeneration(0), "<|endoftext|>")
        XCTAssertEqual(tokenizer.splitSpecial("a<|im_end|>b"), [.text("a"), .token(2), .text("b")])
        check(tokenizer, try cases("smollm2-tokenizer.ref.json"))
    }
}
