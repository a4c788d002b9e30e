import TestSupport
import Tokenizer
import XCTest

/// The streaming decoder on the Llama 2 vocabulary, where byte `b` is token `b + 3`.
final class StreamingDecoderTests: XCTestCase {
    private func byteTokens(_ bytes: [UInt8]) -> [Token] { bytes.map { Token($0) + 3 } }

    func testEmojiComesOutWhole() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(tokenizer.piece(3 + 0xF0), "<0xF0>", "byte tokens start at id 3")
        let ids = [29871] + byteTokens(Array("🤖".utf8))
        let (outputs, flushed) = streamed(ids, with: tokenizer)
        XCTAssertEqual(outputs, [" ", "", "", "", "🤖"])
        XCTAssertEqual(flushed, "")
    }

    func testCJKComesOutWhole() throws {
        let tokenizer = try Fixtures.llama2()
        let text = "東京タワー"
        let (outputs, flushed) = streamed(byteTokens(Array(text.utf8)), with: tokenizer)
        XCTAssertEqual(outputs.filter { !$0.isEmpty }, text.map(String.init))
        XCTAssertEqual(outputs.count, 15)
        XCTAssertEqual(flushed, "")
    }

    func testIncompleteCharacterFlushesAsReplacement() throws {
        let tokenizer = try Fixtures.llama2()
        let ids = byteTokens([0xF0, 0x9F])
        let (outputs, flushed) = streamed(ids, with: tokenizer)
        XCTAssertEqual(outputs, ["", ""])
        XCTAssertEqual(flushed, "\u{FFFD}")
        XCTAssertEqual(tokenizer.decode(ids), "\u{FFFD}")
    }

    func testInvalidBytesAreReplacedNotDropped() throws {
        let tokenizer = try Fixtures.llama2()
        // A byte that never starts a character comes out at once.
        XCTAssertEqual(streamed(byteTokens([0xFF]), with: tokenizer).outputs, ["\u{FFFD}"])
        // A character cut short by something else.
        let cut = byteTokens([0xE6, 0x9D]) + [15043]
        XCTAssertEqual(streamed(cut, with: tokenizer).outputs, ["", "", "\u{FFFD} Hello"])
        XCTAssertEqual(tokenizer.decode(cut), "\u{FFFD} Hello")
        // Stray continuation bytes.
        let stray = byteTokens([0x41, 0x9F, 0x9F, 0x42])
        XCTAssertEqual(streamed(stray, with: tokenizer).outputs.joined(), "A\u{FFFD}\u{FFFD}B")
        XCTAssertEqual(tokenizer.decode(stray), "A\u{FFFD}\u{FFFD}B")
        // Surrogates and overlong forms are invalid from their second byte on.
        for bytes: [UInt8] in [[0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]] {
            let ids = byteTokens(bytes)
            let (outputs, flushed) = streamed(ids, with: tokenizer)
            XCTAssertEqual(outputs.joined() + flushed, tokenizer.decode(ids), "\(bytes)")
            XCTAssertEqual(flushed, "", "nothing invalid is held back: \(bytes)")
        }
    }

    func testLeadingSpaceFollowsDecode() throws {
        let tokenizer = try Fixtures.llama2()
        XCTAssertEqual(streamed([1, 15043], with: tokenizer).outputs, ["", "Hello"])
        XCTAssertEqual(streamed([15043], with: tokenizer).outputs, [" Hello"])
        XCTAssertEqual(streamed([1, 1, 15043], with: tokenizer).outputs.joined(), tokenizer.decode([1, 1, 15043]))
        XCTAssertEqual(streamed([1, 29871, 15043], with: tokenizer).outputs.joined(), " Hello")
        XCTAssertEqual(tokenizer.decode([1, 29871, 15043]), " Hello")
        // Only the first space of the text goes, even when it arrives as a byte token.
        XCTAssertEqual(streamed([1] + byteTokens([0x20, 0x20]), with: tokenizer).outputs.joined(), " ")
    }

    func testFlushMidStreamThenContinue() throws {
        let tokenizer = try Fixtures.llama2()
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(decoder.append(1), "")
        XCTAssertEqual(decoder.append(15043), "Hello")
        XCTAssertEqual(decoder.append(3 + 0xF0), "")
        XCTAssertEqual(decoder.flush(), "\u{FFFD}")
        XCTAssertEqual(decoder.append(3186), " world", "the stream goes on after a flush")
        XCTAssertEqual(decoder.flush(), "")
    }

    func testRandomStreamsAgreeWithDecode() throws {
        let tokenizer = try Fixtures.llama2()
        var rng = SeededRandom(seed: 7)
        let interesting: [Token] = [0, 1, 2, 13, 29871, 15043, 3186, 30591, 243, 162, 167, 153]
        for _ in 0..<2000 {
            var ids: [Token] = []
            for _ in 0..<Int(rng.next() % 12) {
                switch rng.next() % 4 {
                case 0: ids.append(interesting[Int(rng.next() % UInt64(interesting.count))])
                case 1: ids.append(Token(rng.next() % 32000))
                default: ids.append(Token(rng.next() % 256) + 3)  // byte tokens, mostly invalid UTF-8
                }
            }
            let (outputs, flushed) = streamed(ids, with: tokenizer)
            let expected = tokenizer.decode(ids)
            XCTAssertEqual(outputs.joined() + flushed, expected, "\(ids)")
            if !expected.unicodeScalars.contains("\u{FFFD}") {
                XCTAssertFalse((outputs + [flushed]).joined().unicodeScalars.contains("\u{FFFD}"), "\(ids)")
            }
        }
    }
}
