import Foundation
import GGUF
import Tokenizer
import XCTest

/// The real Llama 2 vocabulary against llama.cpp's reference output.
final class LlamaVocabularyTests: XCTestCase {
    func testEncodeMatchesLlamaCpp() throws {
        let tokenizer = try Fixtures.llama2()
        for c in try Fixtures.cases() {
            XCTAssertEqual(tokenizer.encode(c.text, addBOS: false), c.ids_no_bos, "no BOS: \(c.text.debugDescription)")
            XCTAssertEqual(tokenizer.encode(c.text, addBOS: true), c.ids_with_bos, "BOS: \(c.text.debugDescription)")
            // The vocabulary asks for BOS and not EOS.
            XCTAssertEqual(tokenizer.encode(c.text), c.ids_with_bos, "default flags: \(c.text.debugDescription)")
        }
    }

    func testDecodeMatchesLlamaCpp() throws {
        let tokenizer = try Fixtures.llama2()
        for c in try Fixtures.cases() {
            XCTAssertEqual(tokenizer.decode(c.ids_no_bos), c.detokenized, "\(c.text.debugDescription)")
            // After BOS the added space goes again, giving back the original text.
            XCTAssertEqual(tokenizer.decode(c.ids_with_bos), c.text, "\(c.text.debugDescription)")
        }
    }

    func testStreamingAgreesWithDecode() throws {
        let tokenizer = try Fixtures.llama2()
        for c in try Fixtures.cases() {
            for ids in [c.ids_no_bos, c.ids_with_bos] {
                let (outputs, flushed) = streamed(ids, with: tokenizer)
                XCTAssertEqual(flushed, "", "valid text leaves nothing for flush: \(c.text.debugDescription)")
                XCTAssertEqual(outputs.joined() + flushed, tokenizer.decode(ids), "\(c.text.debugDescription)")
                for output in outputs {
                    XCTAssertFalse(output.unicodeScalars.contains("\u{FFFD}"), "half a character in \(c.text.debugDescription): \(outputs)")
                }
            }
        }
    }

    func testVocabularyMetadata() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(tokenizer.vocabularySize, 32000)
        XCTAssertEqual(tokenizer.bos, 1)
        XCTAssertEqual(tokenizer.eos, 2)
        XCTAssertEqual(tokenizer.unk, 0)
        XCTAssertTrue(tokenizer.addBOS)
        XCTAssertFalse(tokenizer.addEOS)
        XCTAssertEqual(tokenizer.piece(0), "<unk>")
        XCTAssertEqual(tokenizer.piece(1), "<s>")
        XCTAssertEqual(tokenizer.piece(2), "</s>")
        XCTAssertEqual(tokenizer.piece(15043), "▁Hello")
        XCTAssertEqual(tokenizer.piece(13), "<0x0A>")
        XCTAssertEqual(tokenizer.piece(-1), "")
        XCTAssertEqual(tokenizer.piece(32000), "")
        XCTAssertEqual(tokenizer.token(forPiece: "<s>"), 1)
        XCTAssertEqual(tokenizer.token(forPiece: "</s>"), 2)
        XCTAssertEqual(tokenizer.token(forPiece: "▁Hello"), 15043)
        XCTAssertNil(tokenizer.token(forPiece: "<|im_start|>"))
        XCTAssertNil(tokenizer.token(forPiece: ""))
        XCTAssertTrue(tokenizer.isControl(1))
        XCTAssertTrue(tokenizer.isControl(2))
        XCTAssertFalse(tokenizer.isControl(0), "<unk> is type 2, not control")
        XCTAssertFalse(tokenizer.isControl(15043))
        XCTAssertFalse(tokenizer.isControl(32000))
        XCTAssertTrue(tokenizer.isValid(0))
        XCTAssertTrue(tokenizer.isValid(31999))
        XCTAssertFalse(tokenizer.isValid(32000))
        XCTAssertFalse(tokenizer.isValid(-1))
    }

    func testPieceLookupIsByteExact() throws {
        let tokenizer = try Fixtures.llama2()
        let precomposed = "▁caf\u{E9}"
        let decomposed = "▁cafe\u{301}"
        XCTAssertEqual(precomposed, decomposed, "Swift calls these equal…")
        XCTAssertNotNil(tokenizer.token(forPiece: "\u{E9}"))
        XCTAssertNil(tokenizer.token(forPiece: "e\u{301}"), "…but the vocabulary must not")
        // Decomposed text tokenizes as 'e' plus the combining accent, not as 'é'.
        let ids = tokenizer.encode("e\u{301}", addBOS: false)
        XCTAssertFalse(ids.contains(tokenizer.token(forPiece: "\u{E9}")!))
        XCTAssertEqual(tokenizer.decode([1] + ids), "e\u{301}")
        XCTAssertEqual(Array(tokenizer.decode([1] + ids).utf8), Array("e\u{301}".utf8))
    }

    func testBytesOfToken() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(tokenizer.bytes(of: 15043), Array(" Hello".utf8))
        XCTAssertEqual(tokenizer.bytes(of: 13), [0x0A], "<0x0A>")
        XCTAssertEqual(tokenizer.bytes(of: 243), [0xF0], "<0xF0>")
        XCTAssertEqual(tokenizer.bytes(of: 1), [], "control tokens show as nothing")
        XCTAssertEqual(tokenizer.bytes(of: 2), [])
        XCTAssertEqual(tokenizer.bytes(of: 0), [], "llama.cpp shows <unk> as nothing unless asked for special tokens")
        XCTAssertEqual(tokenizer.bytes(of: -5), [])
        XCTAssertEqual(tokenizer.bytes(of: 32000), [])
        XCTAssertEqual(tokenizer.bytes(of: 29871), [0x20], "▁ alone")
        XCTAssertEqual(tokenizer.bytes(of: 268), Array("    ".utf8))
    }

    func testInitIsFast() throws {
        let path = try Fixtures.require(Fixtures.vocabPath)
        let file = try GGUFFile(path: path)
        _ = try Tokenizer(gguf: file)  // warm the page cache
        let start = Date()
        let tokenizer = try Tokenizer(gguf: file)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(tokenizer.vocabularySize, 32000)
        print("Tokenizer(gguf:) took \(Int(elapsed * 1000)) ms")
        // The goal is well under 100 ms; the bound leaves room for a busy 2-core machine.
        XCTAssertLessThan(elapsed, 0.25)
    }
}
