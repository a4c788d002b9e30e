import GGUF

/// A token id, numbered as in the vocabulary (and as llama.cpp numbers them).
public typealias Token = Int32

/// The tokenizer of a GGUF vocabulary, producing the same ids and text as llama.cpp:
/// SentencePiece (`tokenizer.ggml.model = "llama"`) or byte-level BPE (`"gpt2"`, with the
/// pre-tokenizer `tokenizer.ggml.pre` names).
///
/// Immutable after `init`, so one instance can be shared between threads.
public final class Tokenizer: @unchecked Sendable {
    /// The largest vocabulary accepted: 8× the largest real one (Gemma 3's 262 144).
    public static let maxVocabularySize = 1 << 21

    /// Beginning-of-sequence token.
    public let bos: Token
    /// End-of-sequence token.
    public let eos: Token
    /// The unknown-piece token, if the vocabulary has one.
    public let unk: Token?
    /// Whether `encode` puts BOS in front by default (`tokenizer.ggml.add_bos_token`).
    public let addBOS: Bool
    /// Whether `encode` appends EOS by default (`tokenizer.ggml.add_eos_token`).
    public let addEOS: Bool
    /// Whether text gets one leading space before tokenization (`tokenizer.ggml.add_space_prefix`).
    public let addSpacePrefix: Bool

    let pieces: [String]
    let scores: [Float]
    let types: [TokenType]
    /// Piece bytes → id, over every token (control tokens included, as in llama.cpp).
    let table: PieceTable
    /// What each token shows as; see `bytes(of:)`.
    let display: FlatBytes
    /// The token for each byte value when a character has no piece of its own; -1 if none.
    let byteFallback: [Token]
    /// User-defined tokens, longest first: llama.cpp cuts them out of plain text before
    /// running SentencePiece, even when special tokens are not parsed.
    let userDefined: [(token: Token, bytes: [UInt8])]
    /// Control, unknown and user-defined tokens, longest first: what `parseSpecial` cuts out.
    let specials: [(token: Token, bytes: [UInt8])]
    /// The algorithm behind the facade.
    let model: Model

    enum Model: Sendable {
        case sentencePiece
        case bytePairs(BytePairModel)
    }

    /// Problems with the vocabulary that llama.cpp tolerates (e.g. an unknown pre-tokenizer).
    public let warnings: [String]
    /// Tokens that end a generated turn, as llama.cpp collects them: EOS, EOT and EOM from the
    /// metadata plus tokens whose text is a known end marker (`<|eot_id|>`, `<|im_end|>`, …).
    public let endOfGenerationTokens: Set<Token>

    /// `tokenizer.ggml.model`: "llama" or "gpt2".
    public var modelName: String {
        switch model {
        case .sentencePiece: return "llama"
        case .bytePairs: return "gpt2"
        }
    }

    /// The pre-tokenizer in use for byte-level BPE (`tokenizer.ggml.pre`, or "default"); nil for SentencePiece.
    public var preTokenizer: String? {
        if case .bytePairs(let bpe) = model { return bpe.preTokenizer.name }
        return nil
    }

    /// Whether generating `token` ends the turn.
    public func isEndOfGeneration(_ token: Token) -> Bool { endOfGenerationTokens.contains(token) }

    /// Whether `token` is a control or user-defined token.
    public func isSpecial(_ token: Token) -> Bool {
        isValid(token) && (types[Int(token)] == .control || types[Int(token)] == .userDefined)
    }

    /// Token texts llama.cpp treats as end of generation wherever they occur in a vocabulary.
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
        "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>", "<｜end▁of▁sentence｜>",
    ]

    /// A tokenizer from a GGUF file's `tokenizer.ggml.*` metadata.
    ///
    /// Throws `TokenizerError` when the vocabulary is missing or malformed, or is not a
    /// SentencePiece ("llama") vocabulary.
    public convenience init(gguf: GGUFFile) throws {
        let name = gguf.path.split(separator: "/").last.map(String.init) ?? gguf.path
        func fail(_ message: String) -> TokenizerError { TokenizerError("\(name): \(message)") }

        guard let model = gguf["tokenizer.ggml.model"] else { throw fail("no tokenizer in the file (tokenizer.ggml.model is missing)") }
        guard let modelName = model.stringValue else { throw fail("tokenizer.ggml.model is not a string") }
        guard modelName == "llama" || modelName == "gpt2" else {
            throw fail("unsupported tokenizer '\(modelName)' (supported: SentencePiece 'llama' and byte-level BPE 'gpt2')")
        }
        let byteLevel = modelName == "gpt2"

        guard let tokensValue = gguf["tokenizer.ggml.tokens"] else { throw fail("tokenizer.ggml.tokens is missing") }
        // Counted before anything is decoded: each token costs ~200 bytes in the tables built
        // from it, so a crafted file of millions of empty tokens asks for gigabytes.
        if let count = tokensValue.arrayValue?.count, count > Self.maxVocabularySize {
            throw fail("tokenizer.ggml.tokens has \(count) tokens; ghostchat accepts at most \(Self.maxVocabularySize) (real vocabularies have up to ~262 000)")
        }
        guard let pieces = tokensValue.arrayValue?.strings else { throw fail("tokenizer.ggml.tokens is not an array of strings") }

        // llama.cpp treats missing scores as 0 and missing types as "normal".
        var scores = [Float](repeating: 0, count: pieces.count)
        if let value = gguf["tokenizer.ggml.scores"] {
            guard let array = value.arrayValue, let floats = array.floats else { throw fail("tokenizer.ggml.scores is not an array of numbers") }
            guard floats.count == pieces.count else {
                throw fail("tokenizer.ggml.scores has \(floats.count) entries but tokenizer.ggml.tokens has \(pieces.count)")
            }
            scores = floats
        }
        var types = [Int32](repeating: TokenType.normal.rawValue, count: pieces.count)
        if let value = gguf["tokenizer.ggml.token_type"] {
            guard let array = value.arrayValue, let ints = array.ints else { throw fail("tokenizer.ggml.token_type is not an array of integers") }
            guard ints.count == pieces.count else {
                throw fail("tokenizer.ggml.token_type has \(ints.count) entries but tokenizer.ggml.tokens has \(pieces.count)")
            }
            types = ints.map { Int32(clamping: $0) }
        }

        func tokenID(_ key: String, default fallback: Int) throws -> Int {
            guard let value = gguf[key] else { return fallback }
            guard let id = value.intValue else { throw fail("\(key) is not an integer") }
            guard id >= 0 && id < pieces.count else {
                throw fail("\(key) = \(id) is out of range (the vocabulary has \(pieces.count) tokens)")
            }
            return id
        }
        func flag(_ key: String, default fallback: Bool) throws -> Bool {
            guard let value = gguf[key] else { return fallback }
            guard let b = value.boolValue else { throw fail("\(key) is not a bool") }
            return b
        }
        var warnings: [String] = []
        var bpe: (merges: [String], pre: PreTokenizer)?
        if byteLevel {
            guard let mergesValue = gguf["tokenizer.ggml.merges"] else { throw fail("tokenizer.ggml.merges is missing (a gpt2 vocabulary needs merges)") }
            guard let merges = mergesValue.arrayValue?.strings else { throw fail("tokenizer.ggml.merges is not an array of strings") }
            guard !merges.isEmpty else { throw fail("tokenizer.ggml.merges is empty (a gpt2 vocabulary needs merges)") }
            let preValue = gguf["tokenizer.ggml.pre"]
            guard preValue == nil || preValue?.stringValue != nil else { throw fail("tokenizer.ggml.pre is not a string") }
            let (pre, warning) = PreTokenizer.named(preValue?.stringValue)
            if let warning { warnings.append(warning) }
            bpe = (merges, pre)
        }

        // Defaults are llama.cpp's for each model type (BPE: BOS = EOS = 11, no UNK; BOS is
        // added by default only for Llama 3's pre-tokenizer).
        let lastID = max(pieces.count - 1, 0)
        let bos = try tokenID("tokenizer.ggml.bos_token_id", default: byteLevel ? min(11, lastID) : 1)
        let eos = try tokenID("tokenizer.ggml.eos_token_id", default: byteLevel ? min(11, lastID) : 2)
        let unk: Int? = gguf["tokenizer.ggml.unknown_token_id"] == nil
            ? (byteLevel ? nil : (pieces.count > 0 ? 0 : nil))
            : try tokenID("tokenizer.ggml.unknown_token_id", default: 0)
        var extraEnds: [Token] = []
        for key in ["tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"] where gguf[key] != nil {
            extraEnds.append(Token(try tokenID(key, default: 0)))
        }

        let addBOS = try flag("tokenizer.ggml.add_bos_token", default: byteLevel ? (bpe?.pre.addsBOSByDefault ?? false) : true)
        let addEOS = try flag("tokenizer.ggml.add_eos_token", default: false)
        let addSpacePrefix = try flag("tokenizer.ggml.add_space_prefix", default: !byteLevel)
        do {
            try self.init(
                pieces: pieces, scores: scores, types: types,
                bos: Token(bos), eos: Token(eos), unk: unk.map(Token.init),
                addBOS: addBOS, addEOS: addEOS, addSpacePrefix: byteLevel ? false : addSpacePrefix,
                bytePairs: bpe, extraEnds: extraEnds, warnings: warnings)
        } catch let error as TokenizerError {
            throw fail(error.description)
        }
    }

    /// A tokenizer from vocabulary arrays (one entry per token id), for tests and for
    /// vocabularies built in code.
    ///
    /// `types` uses GGUF's numbering: 1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte (`<0xXX>`). Throws `TokenizerError` if the arrays disagree in
    /// length, a piece occurs twice, or a special token id is out of range.
    public convenience init(pieces: [String], scores: [Float], types: [Int32], bos: Token, eos: Token, unk: Token?,
                            addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool = true) throws {
        try self.init(pieces: pieces, scores: scores, types: types, bos: bos, eos: eos, unk: unk,
                      addBOS: addBOS, addEOS: addEOS, addSpacePrefix: addSpacePrefix,
                      bytePairs: nil, extraEnds: [], warnings: [])
    }

    /// The designated initializer; `bytePairs` (merges and pre-tokenizer) selects byte-level BPE.
    init(pieces: [String], scores: [Float], types: [Int32], bos: Token, eos: Token, unk: Token?,
         addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool,
         bytePairs: (merges: [String], pre: PreTokenizer)?, extraEnds: [Token], warnings: [String]) throws {
        guard !pieces.isEmpty else { throw TokenizerError("the vocabulary is empty") }
        guard scores.count == pieces.count else {
            throw TokenizerError("\(scores.count) scores for \(pieces.count) tokens")
        }
        guard types.count == pieces.count else {
            throw TokenizerError("\(types.count) token types for \(pieces.count) tokens")
        }
        let n = pieces.count
        for (what, id) in [("BOS", bos), ("EOS", eos)] + (unk.map { [("UNK", $0)] } ?? []) where id < 0 || Int(id) >= n {
            throw TokenizerError("\(what) token id \(id) is out of range (the vocabulary has \(n) tokens)")
        }

        // llama.cpp renames empty pieces so that every piece is a distinct, non-empty key.
        let pieces = pieces.enumerated().map { $1.isEmpty ? "[EMPTY_\($0)]" : $1 }
        let pieceBytes = pieces.map { Array($0.utf8) }
        let table: PieceTable
        do {
            table = try PieceTable(pieces: pieceBytes)
        } catch {
            throw TokenizerError("duplicate token '\(pieces[error.second])' (ids \(error.first) and \(error.second))")
        }
        let types = types.map { TokenType(rawValue: $0) ?? .undefined }

        self.pieces = pieces
        self.scores = scores
        self.types = types
        self.table = table
        self.bos = bos
        self.eos = eos
        self.unk = unk
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        var warnings = warnings
        if let bytePairs {
            var skipped = 0
            let bpe = try BytePairModel(merges: bytePairs.merges, table: table, preTokenizer: bytePairs.pre, skipped: &skipped)
            if skipped > 0 { warnings.append("\(skipped) of \(bytePairs.merges.count) merges name text that is not a token; ignored") }
            self.model = .bytePairs(bpe)
        } else {
            self.model = .sentencePiece
        }
        let byteLevel = bytePairs != nil
        self.display = FlatBytes((0..<n).map { Self.displayBytes(piece: pieceBytes[$0], type: types[$0], byteLevel: byteLevel) })
        var ends: Set<Token> = [eos]
        ends.formUnion(extraEnds)
        for id in 0..<n where Self.endOfGenerationTexts.contains(pieces[id]) { ends.insert(Token(id)) }
        self.endOfGenerationTokens = ends
        self.warnings = warnings
        self.specials = (0..<n)
            .filter { types[$0] == .control || types[$0] == .userDefined || types[$0] == .unknown }
            .map { (Token($0), pieceBytes[$0]) }
            .sorted { $0.1.count != $1.1.count ? $0.1.count > $1.1.count : $0.0 < $1.0 }
        self.byteFallback = (0...255).map { Self.fallbackToken(for: UInt8($0), table: table, unk: unk) }
        self.userDefined = (0..<n)
            .filter { types[$0] == .userDefined }
            .map { (Token($0), pieceBytes[$0]) }
            // Longest first so that a user-defined token containing another wins; ties by id
            // (llama.cpp's order among equal lengths is unspecified).
            .sorted { $0.1.count != $1.1.count ? $0.1.count > $1.1.count : $0.0 < $1.0 }
    }

    /// Number of tokens in the vocabulary; valid ids are `0 ..< vocabularySize`.
    public var vocabularySize: Int { pieces.count }

    /// The vocabulary's piece for `token` (with "▁" for spaces, `<0xXX>` for byte tokens),
    /// or "" if `token` is not a valid id.
    public func piece(_ token: Token) -> String {
        isValid(token) ? pieces[Int(token)] : ""
    }

    /// The token whose piece is exactly `piece` (compared byte for byte), or nil.
    public func token(forPiece piece: String) -> Token? {
        table.lookup(piece.utf8)
    }

    /// Whether `token` is a control token (type 3, e.g. `<s>`, `</s>`).
    public func isControl(_ token: Token) -> Bool {
        isValid(token) && types[Int(token)] == .control
    }

    /// Whether `token` is an id of this vocabulary.
    public func isValid(_ token: Token) -> Bool {
        token >= 0 && Int(token) < pieces.count
    }

    /// Token types as GGUF numbers them.
    enum TokenType: Int32 {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// Where a character without a piece of its own goes: the `<0xXX>` byte token, else a
    /// piece that is the byte itself, else UNK.
    private static func fallbackToken(for byte: UInt8, table: PieceTable, unk: Token?) -> Token {
        let hex = Array("0123456789ABCDEF".utf8)
        let name: [UInt8] = [0x3C, 0x30, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 15)], 0x3E]  // "<0xXX>"
        return table.lookup(name) ?? table.lookup([byte]) ?? unk ?? -1
    }
}
