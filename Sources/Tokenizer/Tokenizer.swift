import GGUF

/// A token id, numbered as in the vocabulary (and as llama.cpp numbers them).
public typealias Token = Int32

/// The SentencePiece tokenizer of Llama-family models (`tokenizer.ggml.model = "llama"`),
/// producing the same ids and text as llama.cpp.
///
/// Immutable after `init`, so one instance can be shared between threads.
public final class Tokenizer: @unchecked Sendable {
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

    /// A tokenizer from a GGUF file's `tokenizer.ggml.*` metadata.
    ///
    /// Throws `TokenizerError` when the vocabulary is missing or malformed, or is not a
    /// SentencePiece ("llama") vocabulary.
    public convenience init(gguf: GGUFFile) throws {
        let name = gguf.path.split(separator: "/").last.map(String.init) ?? gguf.path
        func fail(_ message: String) -> TokenizerError { TokenizerError("\(name): \(message)") }

        guard let model = gguf["tokenizer.ggml.model"] else { throw fail("no tokenizer in the file (tokenizer.ggml.model is missing)") }
        guard let modelName = model.stringValue else { throw fail("tokenizer.ggml.model is not a string") }
        guard modelName == "llama" else {
            throw fail("unsupported tokenizer '\(modelName)' (only SentencePiece 'llama' vocabularies are supported)")
        }

        guard let tokensValue = gguf["tokenizer.ggml.tokens"] else { throw fail("tokenizer.ggml.tokens is missing") }
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
        // Defaults are llama.cpp's for SentencePiece vocabularies.
        let bos = try tokenID("tokenizer.ggml.bos_token_id", default: 1)
        let eos = try tokenID("tokenizer.ggml.eos_token_id", default: 2)
        let unk = gguf["tokenizer.ggml.unknown_token_id"] == nil
            ? (pieces.count > 0 ? 0 : nil)
            : try tokenID("tokenizer.ggml.unknown_token_id", default: 0)

        let addBOS = try flag("tokenizer.ggml.add_bos_token", default: true)
        let addEOS = try flag("tokenizer.ggml.add_eos_token", default: false)
        let addSpacePrefix = try flag("tokenizer.ggml.add_space_prefix", default: true)
        do {
            try self.init(
                pieces: pieces, scores: scores, types: types,
                bos: Token(bos), eos: Token(eos), unk: unk.map(Token.init),
                addBOS: addBOS, addEOS: addEOS, addSpacePrefix: addSpacePrefix)
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
    public init(pieces: [String], scores: [Float], types: [Int32], bos: Token, eos: Token, unk: Token?,
                addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool = true) throws {
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
        self.display = FlatBytes((0..<n).map { Self.displayBytes(piece: pieceBytes[$0], type: types[$0]) })
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
