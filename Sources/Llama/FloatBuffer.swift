/// A fixed-size, 64-byte-aligned heap buffer. The forward pass works on raw pointers into
/// these so the decode loop allocates nothing and no bounds checks sit in inner loops.
final class Buffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int, initialValue: Element) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Element>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: max(1, count))
        pointer.initialize(repeating: initialValue, count: count)
    }

    deinit {
        pointer.deallocate()
    }

    /// The address of element `offset` (a pointer, not the element: rows are handed to kernels).
    func pointer(at offset: Int) -> UnsafeMutablePointer<Element> { pointer + offset }
}

typealias FloatBuffer = Buffer<Float>
