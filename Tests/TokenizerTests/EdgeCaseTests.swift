import Foundation
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// Edge cases of encoding and decoding with the real Llama 2 vocabulary.
final class EdgeCaseTests: XCTestCase {
    func testEmptyString() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(tokenizer.encode("", addBOS: false), [])
        XCTAssertEqual(tokenizer.encode("", addBOS: true), [1])
        XCTAssertEqual(tokenizer.encode("", addBOS: true, addEOS: true), [1, 2])
        XCTAssertEqual(tokenizer.encode("", addBOS: false, addEOS: true), [2])
        XCTAssertEqual(tokenizer.decode([]), "")
        XCTAssertEqual(tokenizer.decode([1]), "")
        XCTAssertEqual(tokenizer.decode([1, 2]), "")
    }

    func testEOS() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(tokenizer.encode("Hello", addEOS: true), [1, 15043, 2])
        XCTAssertEqual(tokenizer.encode("Hello", addBOS: false, addEOS: true), [15043, 2])
        XCTAssertEqual(tokenizer.decode([1, 15043, 2]), "Hello")
    }

    func testControlTokenTextStaysText() throws {
        let tokenizer = try Fixtures.llama2()
        let noPrefix = try llama2WithoutSpacePrefix()
        for text in ["<s>", "</s>", "<unk>", "[INST]", "[/INST]", "<<SYS>>\n", "<s>[INST] hi [/INST]</s>", "a</s>b<s>c"] {
            for tokenizer in [tokenizer, noPrefix] {
                let ids = tokenizer.encode(text, addBOS: false)
                XCTAssertFalse(ids.contains(where: { $0 == 0 || $0 == 1 || $0 == 2 }), "\(text.debugDescription) → \(ids)")
                XCTAssertEqual(tokenizer.decode(ids), tokenizer.addSpacePrefix ? " " + text : text)
            }
        }
    }

    func testWithoutSpacePrefix() throws {
        let noPrefix = try llama2WithoutSpacePrefix()
        XCTAssertEqual(noPrefix.encode("Hello", addBOS: false), [try XCTUnwrap(noPrefix.token(forPiece: "Hello"))], "no ▁ in front")
        XCTAssertEqual(noPrefix.encode(" Hello", addBOS: false), [15043])
        XCTAssertEqual(noPrefix.decode(noPrefix.encode("Hello", addBOS: true)), "Hello")
        // Without a prefix, a space after BOS is the text's own and stays.
        XCTAssertEqual(noPrefix.decode([1, 15043]), " Hello")
    }

    /// The Llama 2 vocabulary built through `init(pieces:…)` with `addSpacePrefix: false`.
    private func llama2WithoutSpacePrefix() throws -> Tokenizer {
        let file = try GGUFFile(path: Fixtures.require(Fixtures.vocabPath))
        let pieces = try XCTUnwrap(file["tokenizer.ggml.tokens"]?.arrayValue?.strings)
        let scores = try XCTUnwrap(file["tokenizer.ggml.scores"]?.arrayValue?.floats)
        let types = try XCTUnwrap(file["tokenizer.ggml.token_type"]?.arrayValue?.ints).map { Int32($0) }
        return try Tokenizer(pieces: pieces, scores: scores, types: types, bos: 1, eos: 2, unk: 0,
                             addBOS: true, addEOS: false, addSpacePrefix: false)
    }

    func testWhitespace() throws {
        let tokenizer = try Fixtures.llama2()
        // Newlines and tabs have no pieces of their own: they are byte tokens.
        XCTAssertEqual(tokenizer.encode("\n", addBOS: false), [29871, 13])
        XCTAssertEqual(tokenizer.encode("a\tb", addBOS: false).contains(12), true, "<0x09>")
        XCTAssertEqual(tokenizer.encode("\r\n", addBOS: false), [try XCTUnwrap(tokenizer.token(forPiece: "▁\r")), 13], "▁\\r is a piece")
        for text in ["\n\n\n", " \t \n ", "trailing   ", "\u{0}nul", "  two leading", "a\u{2028}b"] {
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(text, addBOS: true)), text, text.debugDescription)
        }
    }

    func testLongStringIsFastAndLossless() throws {
        let tokenizer = try Fixtures.llama2()
        let unit = "The quick brown fox jumps over the lazy dog; 東京タワー 🤖\n\tnaïve café x = [i**2 for i in range(10)]  "
        var text = ""
        while text.utf8.count < 10_240 { text += unit }
        _ = tokenizer.encode(text)
        let start = Date()
        let ids = tokenizer.encode(text, addBOS: true)
        let elapsed = Date().timeIntervalSince(start)
        print("encoding \(text.utf8.count) bytes → \(ids.count) tokens took \(String(format: "%.1f", elapsed * 1000)) ms")
        XCTAssertLessThan(elapsed, 0.2)
        XCTAssertEqual(tokenizer.decode(ids), text)

        // One unbroken run of a single letter: the worst case for the merge queue.
        let run = String(repeating: "a", count: 10_000)
        let runStart = Date()
        let runIDs = tokenizer.encode(run, addBOS: true)
        XCTAssertLessThan(Date().timeIntervalSince(runStart), 0.2)
        XCTAssertEqual(tokenizer.decode(runIDs), run)
    }

    func testRandomTextRoundTrips() throws {
        let tokenizer = try Fixtures.llama2()
        var rng = SeededRandom(seed: 42)
        let alphabet: [Unicode.Scalar] = Array("abcdefghijklmnopqrstuvwxyz ABC.,!?'\"<>[]/\n\t0123456789éüßøЖжλ東京語😀🤖\u{301}\u{200D}".unicodeScalars)
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 40) {
                if rng.next() % 8 == 0 {
                    // Any scalar, including ones the vocabulary has never seen.
                    let value = UInt32(rng.next() % 0x10FFFF)
                    scalars.append(Unicode.Scalar(value) ?? "x")
                } else {
                    scalars.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                }
            }
            let text = String(scalars)
            let ids = tokenizer.encode(text, addBOS: true)
            XCTAssertEqual(tokenizer.decode(ids), text, text.debugDescription)
            let (outputs, flushed) = streamed(ids, with: tokenizer)
            XCTAssertEqual(outputs.joined() + flushed, text)
        }
    }
}

