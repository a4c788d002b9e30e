/// Turns generated tokens into text as they arrive.
///
/// Byte tokens can split one character over several tokens (an emoji is often four
/// `<0xXX>` tokens), so bytes that may still become a character are held back until the
/// character is whole. Nothing is dropped: bytes that can never form a character come out
/// as U+FFFD, as soon as that is certain or at `flush()`. The concatenated output always
/// equals `Tokenizer.decode` of the same tokens.
public struct StreamingDecoder {
    private let tokenizer: Tokenizer
    /// Bytes not yet returned: at most the start of one unfinished character.
    private var pending: [UInt8] = []
    private var started = false
    /// Set after a leading BOS until the first byte of text arrives, which loses its space.
    private var dropSpace = false

    public init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// Adds a token; returns the text that is complete now (possibly "").
    public mutating func append(_ token: Token) -> String {
        let bytes = tokenizer.bytes(of: token)
        if !started {
            started = true
            dropSpace = tokenizer.dropsLeadingSpace(startingWith: token)
        }
        guard !bytes.isEmpty else { return "" }
        if dropSpace {
            dropSpace = false
            pending += bytes.first == 0x20 ? bytes.dropFirst() : bytes[...]
        } else {
            pending += bytes
        }
        let ready = Self.completeLength(of: pending)
        guard ready > 0 else { return "" }
        let text = String(decoding: pending[..<ready], as: UTF8.self)
        pending.removeFirst(ready)
        return text
    }

    /// Returns whatever is held back, an unfinished character becoming U+FFFD. Further
    /// tokens continue the same text.
    public mutating func flush() -> String {
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }

    /// How many leading bytes of `bytes` decode the same whatever bytes follow: all of them,
    /// unless they end in the valid beginning of a multi-byte character.
    ///
    /// Holding back exactly that beginning keeps the output identical to decoding everything
    /// at once: it starts with a lead byte, where a UTF-8 decoder always starts a new
    /// character, so splitting there cannot change how the bytes before it decode.
    static func completeLength(of bytes: [UInt8]) -> Int {
        let n = bytes.count
        var lead = n - 1
        // A character has at most 3 continuation bytes.
        while lead >= 0 && lead > n - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 else { return n }
        let first = bytes[lead]
        let needed: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch first {
        case 0xC2...0xDF: needed = 2
        case 0xE0: needed = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: needed = 3
        case 0xED: needed = 3; secondRange = 0x80...0x9F  // no UTF-16 surrogates
        case 0xF0: needed = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: needed = 4
        case 0xF4: needed = 4; secondRange = 0x80...0x8F  // nothing above U+10FFFF
        default: return n  // ASCII, or a byte that never starts a character
        }
        let have = n - lead
        guard have < needed else { return n }
        if have >= 2 && !secondRange.contains(bytes[lead + 1]) { return n }
        // Any further bytes are continuation bytes (the loop above stopped at the lead).
        return lead
    }
}
