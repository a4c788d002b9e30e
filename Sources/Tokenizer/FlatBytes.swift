/// Many short byte strings in one buffer (one allocation instead of one per token).
struct FlatBytes {
    private let storage: [UInt8]
    private let offsets: [Int]

    init(_ items: [[UInt8]]) {
        var storage: [UInt8] = []
        var offsets = [0]
        offsets.reserveCapacity(items.count + 1)
        for item in items {
            storage.append(contentsOf: item)
            offsets.append(storage.count)
        }
        self.storage = storage
        self.offsets = offsets
    }

    subscript(i: Int) -> ArraySlice<UInt8> {
        storage[offsets[i] ..< offsets[i + 1]]
    }
}
