/// Keys and values of every evaluated position, per layer, stored as IEEE half
/// (as llama.cpp's default cache does, so attention rounds the same way).
final class KVCache: @unchecked Sendable {
    let layerCount: Int
    let capacity: Int
    let kvDim: Int
    let keys: Buffer<UInt16>
    let values: Buffer<UInt16>

    init(layerCount: Int, capacity: Int, kvDim: Int) {
        self.layerCount = layerCount
        self.capacity = capacity
        self.kvDim = kvDim
        keys = Buffer(count: layerCount * capacity * kvDim, initialValue: 0)
        values = Buffer(count: layerCount * capacity * kvDim, initialValue: 0)
    }

    static func byteCount(layerCount: Int, capacity: Int, kvDim: Int) -> Int {
        2 * layerCount * capacity * kvDim * MemoryLayout<UInt16>.size
    }

    func key(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        keys.pointer(at: (layer * capacity + position) * kvDim)
    }

    func value(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        values.pointer(at: (layer * capacity + position) * kvDim)
    }
}
