import Foundation

/// Keys and values of the evaluated positions, per layer, stored as IEEE half (as
/// llama.cpp's default cache does, so attention rounds the same way).
///
/// A full-attention layer keeps every position of the context. A sliding-window layer
/// (Gemma 3's local layers) only ever reads its last `window` positions, so it keeps a
/// shorter run of slots starting at `windowBase`: when a batch would run past the end, the
/// positions it still needs move to the front (a rare memmove instead of a ring, so
/// attention always reads one contiguous span).
final class KVCache: @unchecked Sendable {
    let layerCount: Int
    let kvDim: Int
    /// Positions a full-attention layer holds: the context length.
    let capacity: Int
    /// Attention span of the sliding-window layers; 0 when every layer is full.
    let window: Int
    /// Positions a sliding-window layer holds (equal to `capacity` when there are none).
    let windowCapacity: Int
    /// Oldest position the sliding-window layers still hold; their slot 0.
    private(set) var windowBase = 0
    private let isWindowed: [Bool]
    /// Where each layer's first slot is, in halves.
    private let layerOffsets: [Int]
    let keys: Buffer<UInt16>
    let values: Buffer<UInt16>

    /// `windowed(layer)` says which layers attend within `window` positions; a batch holds at
    /// most `batchSize` tokens.
    init(layerCount: Int, capacity: Int, kvDim: Int, window: Int = 0, batchSize: Int = 1, windowed: (Int) -> Bool = { _ in false }) {
        self.layerCount = layerCount
        self.capacity = capacity
        self.kvDim = kvDim
        let layout = Self.layout(layerCount: layerCount, capacity: capacity, window: window, batchSize: batchSize, windowed: windowed)
        let effectiveWindow = layout.windowCapacity < capacity ? window : 0
        let isWindowed = (0..<layerCount).map { effectiveWindow > 0 && windowed($0) }
        self.window = effectiveWindow
        self.windowCapacity = layout.windowCapacity
        self.isWindowed = isWindowed
        var offsets: [Int] = [], offset = 0
        for layer in 0..<layerCount {
            offsets.append(offset)
            offset += (isWindowed[layer] ? layout.windowCapacity : capacity) * kvDim
        }
        layerOffsets = offsets
        keys = Buffer(count: max(1, offset), initialValue: 0)
        values = Buffer(count: max(1, offset), initialValue: 0)
    }

    /// Slots per sliding-window layer and positions in all layers together. The window
    /// layers get room for the window, a batch and as much again of slack, so that a retry
    /// (a rewind by one reply) rarely finds its positions gone.
    static func layout(layerCount: Int, capacity: Int, window: Int, batchSize: Int, windowed: (Int) -> Bool)
        -> (windowCapacity: Int, positions: Int) {
        let windowCapacity = window > 0 ? min(capacity, 2 * window + batchSize) : capacity
        let positions = (0..<layerCount).reduce(0) { $0 + (windowed($1) ? windowCapacity : capacity) }
        return (windowCapacity, positions)
    }

    /// Bytes of keys and values for this layout.
    static func byteCount(layerCount: Int, capacity: Int, kvDim: Int, window: Int = 0, batchSize: Int = 1,
                          windowed: (Int) -> Bool = { _ in false }) -> Int {
        let positions = layout(layerCount: layerCount, capacity: capacity, window: window, batchSize: batchSize, windowed: windowed).positions
        return 2 * positions * kvDim * MemoryLayout<UInt16>.size
    }

    var byteCount: Int { 2 * keys.count * MemoryLayout<UInt16>.size }

    private func slot(layer: Int, position: Int) -> Int {
        let index = isWindowed[layer] ? position - windowBase : position
        precondition(index >= 0 && index < (isWindowed[layer] ? windowCapacity : capacity), "KV slot out of range")
        return layerOffsets[layer] + index * kvDim
    }

    func key(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        keys.pointer(at: slot(layer: layer, position: position))
    }

    func value(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        values.pointer(at: slot(layer: layer, position: position))
    }

    /// Makes the sliding-window layers able to take positions `start..<start + count`,
    /// moving the positions those tokens still attend to to the front if needed.
    func makeRoom(start: Int, count: Int) {
        guard window > 0, start + count - windowBase > windowCapacity else { return }
        let newBase = max(0, start + 1 - window)
        precondition(newBase >= windowBase && start + count - newBase <= windowCapacity, "batch larger than the window cache")
        let kept = (start - newBase) * kvDim, shift = (newBase - windowBase) * kvDim
        for layer in 0..<layerCount where isWindowed[layer] {
            let base = layerOffsets[layer]
            for buffer in [keys, values] where kept > 0 {
                memmove(buffer.pointer(at: base), buffer.pointer(at: base + shift), kept * MemoryLayout<UInt16>.size)
            }
        }
        windowBase = newBase
    }

    /// The largest position not after `position` from which evaluation can go on: one whose
    /// next token finds its whole window still held, else 0 (start again).
    func resumablePosition(_ position: Int) -> Int {
        guard window > 0, max(0, position + 1 - window) < windowBase else { return position }
        return 0
    }

    /// Forgets everything.
    func clear() { windowBase = 0 }
}
