/// Byte-level BPE (`tokenizer.ggml.model = "gpt2"`): each pre-tokenized word's bytes become
/// GPT-2 byte characters, which are merged pairwise by merge rank (lowest first, leftmost
/// on ties), as llama.cpp's BPE tokenizer does.
struct BytePairModel: Sendable {
    let preTokenizer: PreTokenizer
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    let merges: [Int64: Int64]
    /// The token of each single byte's GPT-2 character; -1 if the vocabulary lacks it.
    let byteTokens: [Token]
    /// Look a whole word up before merging (llama.cpp's `ignore_merges`: Llama 3, Tekken).
    let ignoreMerges: Bool

    /// Builds the merge table from "left right" strings. Merges naming text that is not a
    /// token can never fire on ids; llama.cpp keeps them harmlessly, so they are skipped and
    /// counted.
    init(merges lines: [String], table: PieceTable, preTokenizer: PreTokenizer, skipped: inout Int) throws {
        var merges: [Int64: Int64] = [:]
        merges.reserveCapacity(lines.count)
        for (rank, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            // The separator is the first space after the first byte, as llama.cpp reads it.
            guard let cut = bytes.firstIndex(of: 0x20, after: 1) else {
                throw TokenizerError("tokenizer.ggml.merges[\(rank)] '\(line)' is not two space-separated tokens")
            }
            let left = bytes[..<cut], right = bytes[(cut + 1)...]
            guard !left.isEmpty, !right.isEmpty else {
                throw TokenizerError("tokenizer.ggml.merges[\(rank)] '\(line)' is not two space-separated tokens")
            }
            guard let l = table.lookup(left), let r = table.lookup(right), let m = table.lookup(left + right) else {
                skipped += 1
                continue
            }
            let key = Int64(l) << 32 | Int64(r)
            if merges[key] == nil { merges[key] = Int64(rank) << 32 | Int64(m) }
        }
        self.merges = merges
        self.preTokenizer = preTokenizer
        self.byteTokens = ByteUnicode.encoded.map { table.lookup($0) ?? -1 }
        self.ignoreMerges = preTokenizer.ignoresMerges
    }

    /// Tokenizes plain text (no special tokens in it), appending ids.
    func encode(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, table: PieceTable, into output: inout [Token]) {
        var encoded: [UInt8] = []
        preTokenizer.split(text, range) { word in
            if ignoreMerges {
                encoded.removeAll(keepingCapacity: true)
                for i in word { encoded += ByteUnicode.encoded[Int(text[i])] }
                if let id = encoded.withUnsafeBufferPointer({ table.lookup($0.baseAddress, $0.count) }) {
                    output.append(id)
                    return
                }
            }
            mergeWord(text, word, into: &output)
        }
    }

    private func mergeWord(_ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, into output: inout [Token]) {
        let n = word.count
        if n == 1 {
            let t = byteTokens[Int(text[word.lowerBound])]
            if t >= 0 { output.append(t) }
            return
        }
        var ids = [Token](repeating: 0, count: n)
        var prev = [Int32](repeating: 0, count: n)
        var next = [Int32](repeating: 0, count: n)
        for k in 0..<n {
            ids[k] = byteTokens[Int(text[word.lowerBound + k])]
            prev[k] = Int32(k - 1)
            next[k] = k + 1 == n ? -1 : Int32(k + 1)
        }
        var queue = BigramQueue()
        @inline(__always) func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let l = ids[Int(left)], r = ids[Int(right)]
            guard l >= 0, r >= 0, let entry = merges[Int64(l) << 32 | Int64(r)] else { return }
            // Rank as a negated score: the queue pops the highest score, leftmost first.
            queue.push(Bigram(score: -Float(entry >> 32), left: left, right: right, size: Int32(truncatingIfNeeded: entry)))
        }
        for k in 1..<Int32(n) { consider(k - 1, k) }
        while let bigram = queue.pop() {
            let left = Int(bigram.left), right = Int(bigram.right)
            // Stale if either side was absorbed or has changed since the pair was queued.
            guard ids[left] != Token.min, ids[right] != Token.min, next[left] == bigram.right else { continue }
            guard let entry = merges[Int64(ids[left]) << 32 | Int64(ids[right])],
                  Int32(truncatingIfNeeded: entry) == bigram.size, -Float(entry >> 32) == bigram.score else { continue }
            ids[left] = bigram.size
            ids[right] = Token.min
            let after = next[right]
            next[left] = after
            if after >= 0 { prev[Int(after)] = bigram.left }
            consider(prev[left], bigram.left)
            consider(bigram.left, after)
        }
        var k: Int32 = 0
        while k >= 0 {
            let id = ids[Int(k)]
            if id >= 0 { output.append(id) }
            k = next[Int(k)]
        }
    }
}

extension Array where Element == UInt8 {
    /// The first index of `byte` at or after `start`.
    func firstIndex(of byte: UInt8, after start: Int) -> Int? {
        guard start < count else { return nil }
        return self[start...].firstIndex(of: byte)
    }
}
