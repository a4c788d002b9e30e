extension Tokenizer {
    /// The bytes `token` shows as, as llama.cpp renders a piece without special tokens:
    /// normal pieces with "▁" turned into spaces, `<0xXX>` byte tokens as that one byte,
    /// user-defined pieces verbatim, and nothing for control, unknown (`<unk>`), unused and
    /// invalid tokens.
    ///
    /// A byte token may be part of a multi-byte character; `StreamingDecoder` puts those
    /// back together.
    public func bytes(of token: Token) -> [UInt8] {
        isValid(token) ? Array(display[Int(token)]) : []
    }

    /// The text of a token sequence, as llama.cpp (through llama-cpp-python) detokenizes it:
    /// the tokens' bytes concatenated, minus the space the tokenizer prefixed to the text
    /// when the sequence starts with BOS. Without BOS that space stays (" Hello").
    /// Invalid UTF-8 becomes U+FFFD.
    public func decode(_ tokens: [Token]) -> String {
        var bytes: [UInt8] = []
        for token in tokens where isValid(token) {
            bytes += display[Int(token)]
        }
        if let first = tokens.first, dropsLeadingSpace(startingWith: first), bytes.first == 0x20 {
            bytes.removeFirst()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a sequence starting with `token` loses the first space of its text: only
    /// after BOS, where the space can only be the one `encode` added.
    func dropsLeadingSpace(startingWith token: Token) -> Bool {
        token == bos && addSpacePrefix
    }

    /// What `token` shows as, computed once per vocabulary entry.
    static func displayBytes(piece: [UInt8], type: TokenType, byteLevel: Bool = false) -> [UInt8] {
        if byteLevel {
            // Byte-level BPE pieces are GPT-2 byte characters; control tokens show as nothing.
            switch type {
            case .normal, .userDefined, .undefined: return ByteUnicode.decode(piece)
            case .byte, .control, .unknown, .unused: return []
            }
        }
        switch type {
        case .normal:
            var out: [UInt8] = []
            out.reserveCapacity(piece.count)
            var i = 0
            while i < piece.count {
                if i + 2 < piece.count, piece[i] == 0xE2, piece[i + 1] == 0x96, piece[i + 2] == 0x81 {
                    out.append(0x20)
                    i += 3
                } else {
                    out.append(piece[i])
                    i += 1
                }
            }
            return out
        case .byte:
            // "<0xXX>"; a malformed byte piece shows as its text rather than a guessed byte.
            guard piece.count == 6, piece.starts(with: [0x3C, 0x30, 0x78]), piece[5] == 0x3E,
                  let hi = hexValue(piece[3]), let lo = hexValue(piece[4]) else { return piece }
            return [hi << 4 | lo]
        case .userDefined:
            return piece
        case .control, .unknown, .unused, .undefined:
            return []
        }
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
