import Tokenizer
import XCTest

/// The merge rules and fallbacks on tiny vocabularies, independent of the fixtures.
final class HandBuiltVocabularyTests: XCTestCase {
    /// `<unk>`, `<s>`, `</s>` as ids 0, 1, 2, then `entries` (piece, score, type) as ids 3….
    private func vocabulary(_ entries: [(String, Float, Int32)], unk: Token? = 0, addSpacePrefix: Bool = true) throws -> Tokenizer {
        let all: [(String, Float, Int32)] = [("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3)] + entries
        return try Tokenizer(pieces: all.map(\.0), scores: all.map(\.1), types: all.map(\.2),
                             bos: 1, eos: 2, unk: unk, addBOS: false, addEOS: false, addSpacePrefix: addSpacePrefix)
    }

    func testBestScoreMergesFirst() throws {
        // 3 ▁, 4 a, 5 b, 6 c, 7 ab, 8 bc
        let t = try vocabulary([("▁", -1, 1), ("a", -2, 1), ("b", -3, 1), ("c", -4, 1), ("ab", -5, 1), ("bc", -0.5, 1)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("abc"), [4, 8], "bc scores better than ab")
        XCTAssertEqual(t.encode("abcab"), [4, 8, 7])
    }

    func testNewPairsAfterAMerge() throws {
        // "abc" only becomes possible once "bc" has been merged.
        let t = try vocabulary([("a", -2, 1), ("b", -3, 1), ("c", -4, 1), ("ab", -5, 1), ("bc", -0.5, 1), ("abc", -0.1, 1)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("abc"), [8])
    }

    func testTiesGoToTheLeftmostPair() throws {
        let t = try vocabulary([("a", -2, 1), ("b", -3, 1), ("c", -4, 1), ("ab", -1, 1), ("bc", -1, 1)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("abc"), [6, 5], "ab and bc tie; ab is further left")
    }

    func testScoreNotLengthDecides() throws {
        // 3 ▁, 4 a, 5 b, 6 ▁a, 7 ab, 8 ▁ab
        let entries: [(String, Float, Int32)] = [("▁", -1, 1), ("a", -2, 1), ("b", -3, 1), ("▁a", -1, 1), ("ab", -0.5, 1)]
        let t = try vocabulary(entries)
        XCTAssertEqual(t.encode("ab"), [3, 7], "ab beats ▁a, and ▁ab is not a piece")
        let t2 = try vocabulary(entries + [("▁ab", -10, 1)])
        XCTAssertEqual(t2.encode("ab"), [8], "a poor score still merges once nothing better is left")
    }

    func testStalePairsAreSkipped() throws {
        // 3 a, 4 aa
        let t = try vocabulary([("a", -1, 1), ("aa", -1, 1)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("aaaa"), [4, 4])
        XCTAssertEqual(t.encode("aaaaa"), [4, 4, 3])
        // 5 aaa: after the first "aa", "aaa" outranks the pair to its right.
        let t2 = try vocabulary([("a", -1, 1), ("aa", -1, 1), ("aaa", -0.5, 1)], addSpacePrefix: false)
        XCTAssertEqual(t2.encode("aaaa"), [5, 3])
    }

    func testSpacesBecomeWordBoundaries() throws {
        // 3 ▁, 4 a, 5 ▁a, 6 ▁▁
        let t = try vocabulary([("▁", -1, 1), ("a", -2, 1), ("▁a", -0.5, 1), ("▁▁", -3, 1)])
        XCTAssertEqual(t.encode("a"), [5])
        XCTAssertEqual(t.encode("a a"), [5, 5])
        XCTAssertEqual(t.encode(" a"), [3, 5], "the prefix space and the text's own")
        XCTAssertEqual(t.encode("  a"), [6, 5])
        XCTAssertEqual(t.decode(t.encode(" a")), "  a")
        let noPrefix = try vocabulary([("▁", -1, 1), ("a", -2, 1), ("▁a", -0.5, 1)], addSpacePrefix: false)
        XCTAssertEqual(noPrefix.encode("a"), [4])
        XCTAssertEqual(noPrefix.encode(""), [])
    }

    func testByteFallback() throws {
        // 3 a, 4 <0xC3>, 5 <0xA9>
        let t = try vocabulary([("a", -1, 1), ("<0xC3>", 0, 6), ("<0xA9>", 0, 6)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("aéa"), [3, 4, 5, 3], "é has no piece: its UTF-8 bytes")
        XCTAssertEqual(t.decode([3, 4, 5, 3]), "aéa")
        XCTAssertEqual(t.bytes(of: 4), [0xC3])

        let withPiece = try vocabulary([("a", -1, 1), ("<0xC3>", 0, 6), ("<0xA9>", 0, 6), ("é", -5, 1)], addSpacePrefix: false)
        XCTAssertEqual(withPiece.encode("é"), [6], "a piece wins over bytes")
    }

    func testMissingByteTokensFallBackToUnknown() throws {
        // 3 <0xC3>; no <0xA9>, and lower-case hex does not count.
        let t = try vocabulary([("<0xC3>", 0, 6), ("<0xa9>", 0, 6)], addSpacePrefix: false)
        XCTAssertEqual(t.encode("é"), [3, 0])
        XCTAssertEqual(t.decode([3, 0]), "\u{FFFD}", "<unk> shows as nothing; the lone lead byte is invalid")
        let noUnknown = try vocabulary([("<0xC3>", 0, 6)], unk: nil, addSpacePrefix: false)
        XCTAssertNil(noUnknown.unk)
        XCTAssertEqual(noUnknown.encode("é"), [3], "with nothing to stand for the byte it is left out")
    }

    func testUserDefinedTokensAreCutOutOfPlainText() throws {
        // 3 ▁, 4 a, 5 b, 6 <|im_start|>, 7 <|im, 8 <ctl>
        let t = try vocabulary([("▁", -1, 1), ("a", -2, 1), ("b", -3, 1), ("<|im_start|>", 0, 4), ("<|im", 0, 4), ("<ctl>", 0, 3)])
        // As in llama.cpp, the text after a user-defined token gets the space prefix again.
        XCTAssertEqual(t.encode("a<|im_start|>b"), [3, 4, 6, 3, 5])
        XCTAssertEqual(t.encode("<|im_start|><|im_start|>"), [6, 6])
        XCTAssertEqual(t.encode("<|im"), [7], "no prefix before a leading user-defined token")
        XCTAssertEqual(t.encode("<|im_start|>a<|im"), [6, 3, 4, 7], "longest token first")
        XCTAssertEqual(t.token(forPiece: "<|im_start|>"), 6)
        XCTAssertEqual(t.bytes(of: 6), Array("<|im_start|>".utf8), "user-defined tokens show verbatim")
        XCTAssertEqual(t.decode([6, 3, 4]), "<|im_start|> a")
        // Control tokens are not: their text goes through the merge like any text.
        XCTAssertFalse(t.encode("<ctl>").contains(8))
        XCTAssertTrue(t.isControl(8))
        XCTAssertFalse(t.isControl(6))
    }

    func testDisplayOfTokenTypes() throws {
        // 3 ▁a▁b normal, 4 <0x41> byte, 5 ▁u▁d user-defined, 6 unused, 7 undefined type 0, 8 type 99
        let t = try vocabulary([("▁a▁b", 0, 1), ("<0x41>", 0, 6), ("▁u▁d", 0, 4), ("[UNUSED]", 0, 5), ("zero", 0, 0), ("odd", 0, 99)])
        XCTAssertEqual(t.bytes(of: 3), Array(" a b".utf8))
        XCTAssertEqual(t.bytes(of: 4), [0x41])
        XCTAssertEqual(t.bytes(of: 5), Array("▁u▁d".utf8), "user-defined pieces keep their ▁")
        XCTAssertEqual(t.bytes(of: 6), [])
        XCTAssertEqual(t.bytes(of: 7), [])
        XCTAssertEqual(t.bytes(of: 8), [])
        XCTAssertEqual(t.bytes(of: 0), [])
        XCTAssertEqual(t.bytes(of: 1), [])
    }

    func testEmptyPiecesAreRenamed() throws {
        // llama.cpp renames empty pieces, so two of them are not duplicates.
        let t = try vocabulary([("", 0, 1), ("", 0, 1), ("a", 0, 1)], addSpacePrefix: false)
        XCTAssertEqual(t.piece(3), "[EMPTY_3]")
        XCTAssertEqual(t.piece(4), "[EMPTY_4]")
        XCTAssertEqual(t.encode("a"), [5])
    }
}
