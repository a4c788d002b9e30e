/// Previously sent inputs, browsed with Up/Down. The draft being typed is kept aside while
/// browsing and comes back on the way down.
public struct InputHistory: Equatable, Sendable {
    public private(set) var entries: [String] = []
    private var position: Int?  // nil: editing the draft
    private var draft = ""
    public let limit: Int

    public init(entries: [String] = [], limit: Int = 500) {
        self.entries = entries
        self.limit = limit
    }

    /// Records a sent input (consecutive duplicates collapse) and returns to the draft.
    public mutating func record(_ text: String) {
        position = nil
        draft = ""
        guard !text.isEmpty, entries.last != text else { return }
        entries.append(text)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
    }

    /// The newest entry before `index` (all entries when nil) that contains `query`, ignoring
    /// case: Ctrl-R's search.
    public func search(_ query: String, before index: Int? = nil) -> Int? {
        let end = min(index ?? entries.count, entries.count)
        guard end > 0 else { return nil }
        // Lowercased and matched scalar by scalar: Foundation's case-insensitive search traps on
        // some text ("String index is out of bounds", found by the `keys` fuzzer).
        let needle = query.lowercased().unicodeScalars
        return (0..<end).reversed().first { query.isEmpty || entries[$0].lowercased().unicodeScalars.firstRange(of: needle) != nil }
    }

    /// The older entry, or nil when there is none.
    public mutating func previous(current: String) -> String? {
        guard !entries.isEmpty else { return nil }
        let next: Int
        if let p = position {
            guard p > 0 else { return nil }
            next = p - 1
        } else {
            draft = current
            next = entries.count - 1
        }
        position = next
        return entries[next]
    }

    /// The newer entry or the saved draft, or nil when not browsing.
    public mutating func next() -> String? {
        guard let p = position else { return nil }
        if p + 1 < entries.count {
            position = p + 1
            return entries[p + 1]
        }
        position = nil
        return draft
    }
}
