import Foundation
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// essay.txt and hard strings (CJK, ZWJ emoji, Arabic, Devanagari, Unicode digits, …) against
/// llama.cpp's ids, from `tools/tokenizer-references.py` (its add_bos=True means "as the
/// vocabulary asks", so SmolLM2 gets no BOS: the default flags).
final class EssayReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Vocabulary: Decodable { var essay: [Int32]; var hard: [[Int32]] }
        var hard: [String]
        var llama3: Vocabulary
        var smollm2: Vocabulary
    }

    func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/essay-tokens.ref.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func check(_ tokenizer: Tokenizer, _ expected: Reference.Vocabulary, _ hard: [String]) throws {
        let essay = try String(contentsOfFile: Fixtures.require(Fixtures.directory + "/essay.txt"), encoding: .utf8)
        XCTAssertEqual(tokenizer.encode(essay), expected.essay)
        for (text, ids) in zip(hard, expected.hard) {
            XCTAssertEqual(tokenizer.encode(text), ids, text.debugDescription)
        }
    }

    func testLlama3() throws {
        let r = try reference()
        try check(Tokenizer(gguf: GGUFFile(path: Fixtures.require(Fixtures.directory + "/llama3-vocab.gguf"))), r.llama3, r.hard)
    }

    func testSmolLM2() throws {
        let r = try reference()
        try check(Tokenizer(gguf: GGUFFile(path: FixtureLocator.smolLM2())), r.smollm2, r.hard)
    }
}
