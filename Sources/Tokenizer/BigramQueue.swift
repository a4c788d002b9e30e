/// A run of text in the merge: `start ..< start + length` of the escaped text, in a doubly
/// linked list; `length` 0 means merged into its left neighbour.
struct Symbol {
    var start: Int32
    var length: Int32
    var prev: Int32
    var next: Int32
}

/// A candidate merge of two adjacent symbols into the piece of `size` bytes.
struct Bigram {
    var score: Float
    var left: Int32
    var right: Int32
    var size: Int32

    /// Pops first: higher score, then the leftmost pair.
    @inline(__always)
    func precedes(_ other: Bigram) -> Bool {
        score > other.score || (score == other.score && left < other.left)
    }
}

/// A binary max-heap of bigrams by `Bigram.precedes`.
struct BigramQueue {
    private var heap: [Bigram] = []

    mutating func push(_ item: Bigram) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard item.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = item
    }

    mutating func pop() -> Bigram? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        var parent = 0
        let count = heap.count
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1].precedes(heap[child]) { child += 1 }
            guard heap[child].precedes(last) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}
