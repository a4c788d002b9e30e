import Foundation
import GGUF
import Tokenizer
import XCTest

/// Tiny byte-level BPE vocabularies built in code: merges, pre-tokenizer selection, bad input.
final class BytePairHandBuiltTests: XCTestCase {
    /// The 256 GPT-2 byte characters, in byte order.
    static let byteCharacters: [String] = {
        var extra: UInt32 = 256
        return (0..<256).map { b -> String in
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let v: UInt32 = printable ? UInt32(b) : { defer { extra += 1 }; return extra }()
            return String(Unicode.Scalar(v)!)
        }
    }()

    /// A gpt2 vocabulary: the 256 byte characters, then `extra` tokens (normal unless in `types`).
    private func vocabulary(extra: [String] = ["ab", "abc", "<|im_end|>"], types extraTypes: [Int32]? = nil,
                            merges: GGUFValue? = .array(.strings(["a b", "ab c"])), pre: String? = "gpt2") throws -> GGUFFile {
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        let tokens = Self.byteCharacters + extra
        writer.set("tokenizer.ggml.tokens", .array(.strings(tokens)))
        let types = [Int32](repeating: 1, count: 256) + (extraTypes ?? extra.map { $0.hasPrefix("<|") ? 3 : 1 })
        writer.set("tokenizer.ggml.token_type", .array(.int32s(types)))
        if let merges { writer.set("tokenizer.ggml.merges", merges) }
        if let pre { writer.set("tokenizer.ggml.pre", .string(pre)) }
        writer.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(tokens.count - 1)))
        let path = NSTemporaryDirectory() + "bpe-test-\(UUID().uuidString).gguf"
        try writer.write(to: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return try GGUFFile(path: path)
    }

    private func message(_ expression: @autoclosure () throws -> Tokenizer) -> String? {
        do { _ = try expression(); return nil } catch { return "\(error)" }
    }

    func testMergesByRank() throws {
        let t = try Tokenizer(gguf: vocabulary())
        XCTAssertEqual(t.modelName, "gpt2")
        XCTAssertEqual(t.preTokenizer, "gpt2")
        XCTAssertEqual(t.warnings, [])
        XCTAssertEqual(t.encode("abc"), [257])
        XCTAssertEqual(t.encode("ab"), [256])
        XCTAssertEqual(t.encode("abd"), [256, 100])
        XCTAssertEqual(t.encode("ab ab"), [256, 32, 256], "the space starts a word of its own when ' a' has no merge")
        XCTAssertEqual(t.decode(t.encode("hi ab\n")), "hi ab\n")
        XCTAssertFalse(t.addBOS, "gpt2 vocabularies add no BOS by default")
    }

    func testSpecialTokens() throws {
        let t = try Tokenizer(gguf: vocabulary())
        let end: Token = 258
        XCTAssertTrue(t.isEndOfGeneration(end))
        XCTAssertTrue(t.isSpecial(end))
        XCTAssertFalse(t.encode("x<|im_end|>").contains(end), "typed text stays text")
        XCTAssertEqual(t.encode("x<|im_end|>", parseSpecial: true), [120, end])
        XCTAssertEqual(t.splitSpecial("<|im_end|>ab"), [.token(end), .text("ab")])
        XCTAssertEqual(t.decode([120, end]), "x", "control tokens decode as nothing")
    }

    func testUnknownAndMissingPreTokenizerWarnOnce() throws {
        let unknown = try Tokenizer(gguf: vocabulary(pre: "no-such-pre"))
        XCTAssertEqual(unknown.warnings.count, 1)
        XCTAssertEqual(unknown.preTokenizer, "no-such-pre")
        XCTAssertEqual(unknown.encode("abc"), [257])
        let missing = try Tokenizer(gguf: vocabulary(pre: nil))
        XCTAssertEqual(missing.warnings.count, 1)
        XCTAssertEqual(missing.preTokenizer, "default")
    }

    func testBadMerges() throws {
        XCTAssertEqual(message(try Tokenizer(gguf: vocabulary(merges: nil)))?.contains("tokenizer.ggml.merges is missing"), true)
        XCTAssertEqual(message(try Tokenizer(gguf: vocabulary(merges: .array(.strings([])))))?.contains("tokenizer.ggml.merges is empty"), true)
        XCTAssertEqual(message(try Tokenizer(gguf: vocabulary(merges: .array(.int32s([1, 2])))))?.contains("not an array of strings"), true)
        XCTAssertEqual(message(try Tokenizer(gguf: vocabulary(merges: .array(.strings(["ab"])))))?.contains("merges[0]"), true)
        // llama.cpp keeps merges of unknown text (they never fire); we skip them with a warning.
        let t = try Tokenizer(gguf: vocabulary(merges: .array(.strings(["a b", "x yz"]))))
        XCTAssertEqual(t.warnings.count, 1)
        XCTAssertEqual(t.encode("abc"), [256, 99])
    }

    func testTokenTextOutsideTheByteMappingDecodes() throws {
        let t = try Tokenizer(gguf: vocabulary(extra: ["ab", "€\u{1}", "<|im_end|>"]))
        XCTAssertEqual(t.decode([257]), "€\u{1}")
    }

    func testStreamingEmojiAcrossByteTokens() throws {
        let t = try Tokenizer(gguf: vocabulary())
        let ids = t.encode("a🤖b")
        XCTAssertEqual(ids.count, 6)
        let (outputs, flushed) = streamed(ids, with: t)
        XCTAssertEqual(outputs, ["a", "", "", "", "🤖", "b"])
        XCTAssertEqual(flushed, "")
    }

    func testPreTokenizerEdgeCases() throws {
        // (Llama 3's pre-tokenizer turns BOS on; this vocabulary's default BOS is id 11, ",",
        // as in llama.cpp, so BOS stays off here.)
        // Unicode digits, title-case letters, CRLF and trailing spaces go through without loss.
        for pre in ["gpt2", "llama-bpe", "smollm", "qwen2", "default", "falcon"] {
            let t = try Tokenizer(gguf: vocabulary(pre: pre))
            for text in ["٣ǅ 1234567 \r\n  x   \n\n  x", "日本語 👩‍👩‍👧 مرحبا नमस्ते", "don't I'LL 's"] {
                XCTAssertEqual(t.decode(t.encode(text, addBOS: false)), text, "\(pre): \(text.debugDescription)")
            }
        }
    }
}
