/// Maps a piece's UTF-8 bytes to its token id.
///
/// Keys are raw bytes, not `String`s: Swift compares strings by canonical equivalence, so
/// a `[String: Token]` would match a decomposed "e\u{301}" against the vocabulary's
/// precomposed "é", which llama.cpp (comparing bytes) never does. Lookups take a pointer
/// and a length so the merge loop can probe substrings without allocating.
struct PieceTable {
    /// Every piece's bytes, back to back.
    private let storage: [UInt8]
    /// `storage[offsets[i] ..< offsets[i + 1]]` is piece `i`.
    private let offsets: [Int]
    /// Open-addressing table of token ids (`-1` = empty slot), linear probing.
    private let slots: [Int32]
    private let hashes: [UInt64]
    private let mask: Int

    /// A piece that occurs twice; llama.cpp refuses such vocabularies.
    struct Duplicate: Error {
        var first: Int
        var second: Int
    }

    init(pieces: [[UInt8]]) throws(Duplicate) {
        var storage: [UInt8] = []
        storage.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        var offsets: [Int] = [0]
        offsets.reserveCapacity(pieces.count + 1)
        for piece in pieces {
            storage.append(contentsOf: piece)
            offsets.append(storage.count)
        }

        // Load factor at most 1/2 keeps probe chains short.
        var capacity = 16
        while capacity < pieces.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes = [UInt64](repeating: 0, count: pieces.count)
        let mask = capacity - 1

        try storage.withUnsafeBufferPointer { bytes throws(Duplicate) in
            for id in 0..<pieces.count {
                let start = offsets[id], count = offsets[id + 1] - start
                let h = Self.hash(bytes.baseAddress.map { $0 + start }, count)
                hashes[id] = h
                var slot = Int(truncatingIfNeeded: h) & mask
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if hashes[other] == h, Self.equal(bytes, offsets[other], offsets[other + 1] - offsets[other], bytes.baseAddress.map { $0 + start }, count) {
                        throw Duplicate(first: other, second: id)
                    }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Int32(id)
            }
        }

        self.storage = storage
        self.offsets = offsets
        self.slots = slots
        self.hashes = hashes
        self.mask = mask
    }

    /// The id of the piece whose bytes are `key[0 ..< count]`, or nil.
    @inline(__always)
    func lookup(_ key: UnsafePointer<UInt8>?, _ count: Int) -> Int32? {
        let h = Self.hash(key, count)
        var slot = Int(truncatingIfNeeded: h) & mask
        return storage.withUnsafeBufferPointer { bytes in
            slots.withUnsafeBufferPointer { slots in
                while true {
                    let id = slots[slot]
                    if id < 0 { return nil }
                    let i = Int(id)
                    if hashes[i] == h, Self.equal(bytes, offsets[i], offsets[i + 1] - offsets[i], key, count) {
                        return id
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// The id of the piece whose bytes are `key`, or nil.
    func lookup<C: Collection>(_ key: C) -> Int32? where C.Element == UInt8 {
        let bytes = Array(key)
        return bytes.withUnsafeBufferPointer { lookup($0.baseAddress, $0.count) }
    }

    /// FNV-1a: simple, and good enough for short byte strings.
    @inline(__always)
    private static func hash(_ key: UnsafePointer<UInt8>?, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        guard let key else { return h }
        for i in 0..<count {
            h = (h ^ UInt64(key[i])) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    @inline(__always)
    private static func equal(_ storage: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ key: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
        guard length == count else { return false }
        guard count > 0, let key, let base = storage.baseAddress else { return true }
        for i in 0..<count where base[start + i] != key[i] { return false }
        return true
    }
}
