import Foundation
import GGUF
import Tokenizer
import XCTest

/// Bad vocabularies give one clear `TokenizerError`.
final class TokenizerErrorTests: XCTestCase {
    /// The Llama 2 vocabulary file with `edit` applied, written to a temporary file.
    private func editedVocabulary(_ edit: (inout GGUFWriter) -> Void) throws -> GGUFFile {
        let original = try GGUFFile(path: Fixtures.require(Fixtures.vocabPath))
        var writer = GGUFWriter(copying: original)
        edit(&writer)
        let path = NSTemporaryDirectory() + "tokenizer-test-\(UUID().uuidString).gguf"
        try writer.write(to: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return try GGUFFile(path: path)
    }

    private func assertError(_ expression: @autoclosure () throws -> Tokenizer, contains expected: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try expression()
            XCTFail("expected a TokenizerError containing \"\(expected)\"", file: file, line: line)
        } catch let error as TokenizerError {
            XCTAssertTrue(error.description.contains(expected), "\"\(error.description)\" lacks \"\(expected)\"", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line", file: file, line: line)
        } catch {
            XCTFail("expected a TokenizerError, got \(error)", file: file, line: line)
        }
    }

    func testWrongTokenizerModel() throws {
        let file = try editedVocabulary { $0.set("tokenizer.ggml.model", .string("bert")) }
        assertError(try Tokenizer(gguf: file), contains: "unsupported tokenizer 'bert'")
        assertError(try Tokenizer(gguf: file), contains: "tokenizer-test-")  // names the file
        // A gpt2 vocabulary without merges.
        let gpt2 = try editedVocabulary { $0.set("tokenizer.ggml.model", .string("gpt2")) }
        assertError(try Tokenizer(gguf: gpt2), contains: "tokenizer.ggml.merges is missing")
    }

    func testMissingModel() throws {
        let file = try editedVocabulary { $0.remove("tokenizer.ggml.model") }
        assertError(try Tokenizer(gguf: file), contains: "tokenizer.ggml.model is missing")
    }

    func testMissingTokens() throws {
        let file = try editedVocabulary { $0.remove("tokenizer.ggml.tokens") }
        assertError(try Tokenizer(gguf: file), contains: "tokenizer.ggml.tokens is missing")
    }

    func testTokensOfTheWrongType() throws {
        let file = try editedVocabulary { $0.set("tokenizer.ggml.tokens", .array(.int32s([1, 2, 3]))) }
        assertError(try Tokenizer(gguf: file), contains: "tokenizer.ggml.tokens is not an array of strings")
    }

    func testMismatchedArrayLengths() throws {
        let scores = try editedVocabulary { $0.set("tokenizer.ggml.scores", .array(.float32s([0, 1, 2]))) }
        assertError(try Tokenizer(gguf: scores), contains: "tokenizer.ggml.scores has 3 entries but tokenizer.ggml.tokens has 32000")
        let types = try editedVocabulary { $0.set("tokenizer.ggml.token_type", .array(.int32s([1]))) }
        assertError(try Tokenizer(gguf: types), contains: "tokenizer.ggml.token_type has 1 entries but tokenizer.ggml.tokens has 32000")
    }

    func testSpecialTokenOutOfRange() throws {
        let bos = try editedVocabulary { $0.set("tokenizer.ggml.bos_token_id", .uint32(40000)) }
        assertError(try Tokenizer(gguf: bos), contains: "tokenizer.ggml.bos_token_id = 40000 is out of range (the vocabulary has 32000 tokens)")
        let eos = try editedVocabulary { $0.set("tokenizer.ggml.eos_token_id", .int32(-1)) }
        assertError(try Tokenizer(gguf: eos), contains: "tokenizer.ggml.eos_token_id = -1 is out of range")
        let notInt = try editedVocabulary { $0.set("tokenizer.ggml.bos_token_id", .string("1")) }
        assertError(try Tokenizer(gguf: notInt), contains: "tokenizer.ggml.bos_token_id is not an integer")
    }

    func testOptionalKeysTakeLlamaCppDefaults() throws {
        let file = try editedVocabulary {
            for key in ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
                        "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_space_prefix"] {
                $0.remove(key)
            }
        }
        let tokenizer = try Tokenizer(gguf: file)
        XCTAssertEqual([tokenizer.bos, tokenizer.eos], [1, 2])
        XCTAssertEqual(tokenizer.unk, 0)
        XCTAssertTrue(tokenizer.addBOS)
        XCTAssertFalse(tokenizer.addEOS)
        XCTAssertTrue(tokenizer.addSpacePrefix)

        let flags = try editedVocabulary {
            $0.set("tokenizer.ggml.add_space_prefix", .bool(false))
            $0.set("tokenizer.ggml.add_eos_token", .bool(true))
        }
        let flagged = try Tokenizer(gguf: flags)
        XCTAssertFalse(flagged.addSpacePrefix)
        XCTAssertEqual(flagged.encode(" Hello"), [1, 15043, 2])
    }

    func testBadArraysInCode() {
        let pieces = ["<unk>", "<s>", "</s>", "a"]
        let scores: [Float] = [0, 0, 0, 0]
        let types: [Int32] = [2, 3, 3, 1]
        func make(pieces: [String] = pieces, scores: [Float] = scores, types: [Int32] = types,
                  bos: Token = 1, eos: Token = 2, unk: Token? = 0) throws -> Tokenizer {
            try Tokenizer(pieces: pieces, scores: scores, types: types, bos: bos, eos: eos, unk: unk, addBOS: true, addEOS: false)
        }
        XCTAssertNoThrow(try make())
        assertError(try make(scores: [0, 0]), contains: "2 scores for 4 tokens")
        assertError(try make(types: [1, 1, 1, 1, 1]), contains: "5 token types for 4 tokens")
        assertError(try make(bos: 4), contains: "BOS token id 4 is out of range (the vocabulary has 4 tokens)")
        assertError(try make(eos: -1), contains: "EOS token id -1 is out of range")
        assertError(try make(unk: 9), contains: "UNK token id 9 is out of range")
        assertError(try make(pieces: [], scores: [], types: []), contains: "the vocabulary is empty")
        assertError(try make(pieces: ["<unk>", "<s>", "</s>", "<s>"]), contains: "duplicate token '<s>' (ids 1 and 3)")
    }
}
