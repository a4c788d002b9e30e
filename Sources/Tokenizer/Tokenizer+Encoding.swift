#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tokenizer {
    /// Tokenizes text the way llama.cpp does. Without `parseSpecial`, text such as "<s>" or
    /// "<|im_end|>" stays text and never becomes a control token (user-defined tokens are
    /// still cut out, as llama.cpp does); with it, control, unknown and user-defined token
    /// texts become their ids (llama.cpp's `parse_special`).
    ///
    /// `addBOS` / `addEOS` default to the vocabulary's flags. An empty string gives no
    /// tokens besides BOS/EOS.
    public func encode(_ text: String, addBOS: Bool? = nil, addEOS: Bool? = nil, parseSpecial: Bool = false) -> [Token] {
        var output: [Token] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS ?? self.addBOS { output.append(bos) }

        let bytes = Array(text.utf8)
        // The first text fragment, and every fragment right after a user-defined token, gets
        // the space prefix (llama.cpp treats "after a special token" like "at the start").
        var afterSpecial = true
        for fragment in fragments(of: bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let token):
                output.append(token)
                afterSpecial = true
            case .text(let range):
                if case .bytePairs(let bpe) = model {
                    bytes.withUnsafeBufferPointer { bpe.encode($0, range, table: table, into: &output) }
                    continue
                }
                var piece: [UInt8] = []
                piece.reserveCapacity(range.count * 3 + 3)
                if addSpacePrefix && afterSpecial { piece += Self.escapedSpace }
                for byte in bytes[range] {
                    if byte == 0x20 { piece += Self.escapedSpace } else { piece.append(byte) }
                }
                piece.withUnsafeBufferPointer { mergePieces($0, into: &output) }
                afterSpecial = false
            }
        }

        if addEOS ?? self.addEOS { output.append(eos) }
        return output
    }

    /// "▁" (U+2581), which stands for a space in SentencePiece pieces.
    static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]

    enum Fragment {
        case text(Range<Int>)
        case token(Token)
    }

    /// A piece of text as special-token parsing sees it.
    public enum SpecialFragment: Equatable {
        /// Plain text, tokenized normally.
        case text(String)
        /// A control, unknown or user-defined token's text, standing for that token.
        case token(Token)
    }

    /// Splits `text` the way `encode(_:parseSpecial: true)` does: every occurrence of a
    /// special token's text (longest tokens claimed first) becomes that token.
    public func splitSpecial(_ text: String) -> [SpecialFragment] {
        let bytes = Array(text.utf8)
        return fragments(of: bytes, parseSpecial: true).map {
            switch $0 {
            case .token(let t): return .token(t)
            case .text(let r): return .text(String(decoding: bytes[r], as: UTF8.self))
            }
        }
    }

    /// Splits `bytes` into text and special tokens (longest tokens claimed first): user-defined
    /// tokens always, control and unknown tokens only with `parseSpecial` (llama.cpp's rule).
    func fragments(of bytes: [UInt8], parseSpecial: Bool = false) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0 ..< bytes.count)]
        let needles = parseSpecial ? specials : userDefined
        guard !needles.isEmpty else { return fragments }
        bytes.withUnsafeBufferPointer { text in
            for (token, needle) in needles where !needle.isEmpty {
                var split: [Fragment] = []
                split.reserveCapacity(fragments.count)
                for fragment in fragments {
                    guard case .text(var range) = fragment else { split.append(fragment); continue }
                    while let match = Self.find(needle, in: text, range) {
                        if match > range.lowerBound { split.append(.text(range.lowerBound ..< match)) }
                        split.append(.token(token))
                        range = match + needle.count ..< range.upperBound
                    }
                    if !range.isEmpty { split.append(.text(range)) }
                }
                fragments = split
            }
        }
        return fragments
    }

    /// First occurrence of `needle` within `text[range]`.
    private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let first = needle.first, needle.count <= range.count, let base = text.baseAddress else { return nil }
        var start = range.lowerBound
        let lastStart = range.upperBound - needle.count
        while start <= lastStart {
            // memchr finds candidate positions much faster than a byte loop.
            guard let hit = memchr(base + start, Int32(first), lastStart - start + 1) else { return nil }
            let position = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + position, needle, needle.count) == 0 { return position }
            start = position + 1
        }
        return nil
    }

    /// SentencePiece's greedy merge over `text` (spaces already escaped), appending ids.
    ///
    /// Starts from one symbol per UTF-8 character and repeatedly merges the adjacent pair
    /// whose concatenation is the best-scoring vocabulary piece (ties: leftmost first).
    /// Every merged symbol is a vocabulary piece by construction, so only single characters
    /// can be missing from the vocabulary; those fall back to byte tokens.
    func mergePieces(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Token]) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(text.count)
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8Length(leadByte: base[offset]), text.count - offset)
            let index = Int32(symbols.count)
            symbols.append(Symbol(start: Int32(offset), length: Int32(length), prev: index - 1,
                                  next: offset + length == text.count ? -1 : index + 1))
            offset += length
        }

        var queue = BigramQueue()
        scores.withUnsafeBufferPointer { scores in
            symbols.withUnsafeMutableBufferPointer { symbols in
                func consider(_ left: Int32, _ right: Int32) {
                    guard left >= 0, right >= 0 else { return }
                    let l = symbols[Int(left)], r = symbols[Int(right)]
                    let size = l.length + r.length
                    guard let id = table.lookup(base + Int(l.start), Int(size)) else { return }
                    queue.push(Bigram(score: scores[Int(id)], left: left, right: right, size: size))
                }

                for i in 1 ..< Int32(symbols.count) { consider(i - 1, i) }

                while let bigram = queue.pop() {
                    let left = Int(bigram.left), right = Int(bigram.right)
                    // A symbol that has grown or been absorbed since this pair was queued
                    // makes the pair stale.
                    guard symbols[left].length > 0, symbols[right].length > 0,
                          symbols[left].length + symbols[right].length == bigram.size else { continue }
                    symbols[left].length = bigram.size
                    symbols[right].length = 0
                    let next = symbols[right].next
                    symbols[left].next = next
                    if next >= 0 { symbols[Int(next)].prev = bigram.left }
                    consider(symbols[left].prev, bigram.left)
                    consider(bigram.left, next)
                }
            }
        }

        var i: Int32 = 0
        while i >= 0 {
            let symbol = symbols[Int(i)]
            if let id = table.lookup(base + Int(symbol.start), Int(symbol.length)) {
                output.append(id)
            } else {
                for k in 0 ..< Int(symbol.length) {
                    let token = byteFallback[Int(base[Int(symbol.start) + k])]
                    // Without byte tokens or UNK there is nothing to say; llama.cpp would abort.
                    if token >= 0 { output.append(token) }
                }
            }
            i = symbol.next
        }
    }

    /// Byte length of the UTF-8 sequence a lead byte starts; a stray continuation byte
    /// counts as one (llama.cpp's rule, which matters only for invalid UTF-8).
    @inline(__always)
    static func utf8Length(leadByte: UInt8) -> Int {
        switch leadByte >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
