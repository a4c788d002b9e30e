import Kernels

/// Activation buffers for one forward pass over up to `batchCapacity` tokens, allocated
/// once per model so evaluation allocates nothing.
final class RunState: @unchecked Sendable {
    let batchCapacity: Int
    /// Residual stream, one row of `dim` per token.
    let x: FloatBuffer
    /// Normalised input to the next matmul.
    let xb: FloatBuffer
    let q: FloatBuffer
    let k: FloatBuffer
    let v: FloatBuffer
    /// Attention output (all heads), one row of `qDim` per token.
    let attention: FloatBuffer
    /// Output of a projection back to `dim`.
    let projection: FloatBuffer
    let gate: FloatBuffer
    let up: FloatBuffer
    let ropeCos: FloatBuffer
    let ropeSin: FloatBuffer
    /// Rope angles with the sliding-window layers' own base (Gemma 3); empty otherwise.
    let localRopeCos: FloatBuffer
    let localRopeSin: FloatBuffer
    /// Per-worker attention scores over the whole context.
    let scores: FloatBuffer
    /// Logits, grown when a call asks for more rows than fit.
    var logits: FloatBuffer
    let scratch = MatMulScratch()
    let workers: Int

    init(config c: LlamaConfig, batchCapacity: Int, contextLength: Int, workers: Int) {
        self.batchCapacity = batchCapacity
        self.workers = workers
        x = FloatBuffer(count: batchCapacity * c.dim, initialValue: 0)
        xb = FloatBuffer(count: batchCapacity * max(c.dim, c.qDim), initialValue: 0)
        q = FloatBuffer(count: batchCapacity * c.qDim, initialValue: 0)
        k = FloatBuffer(count: batchCapacity * c.kvDim, initialValue: 0)
        v = FloatBuffer(count: batchCapacity * c.kvDim, initialValue: 0)
        attention = FloatBuffer(count: batchCapacity * c.qDim, initialValue: 0)
        projection = FloatBuffer(count: batchCapacity * c.dim, initialValue: 0)
        gate = FloatBuffer(count: batchCapacity * c.ffnDim, initialValue: 0)
        up = FloatBuffer(count: batchCapacity * c.ffnDim, initialValue: 0)
        ropeCos = FloatBuffer(count: batchCapacity * c.ropeDimensions / 2, initialValue: 0)
        ropeSin = FloatBuffer(count: batchCapacity * c.ropeDimensions / 2, initialValue: 0)
        let local = c.architecture.slidingWindowPattern > 0 ? batchCapacity * c.ropeDimensions / 2 : 0
        localRopeCos = FloatBuffer(count: local, initialValue: 0)
        localRopeSin = FloatBuffer(count: local, initialValue: 0)
        scores = FloatBuffer(count: workers * Kernels.attendManyLimit * contextLength, initialValue: 0)
        logits = FloatBuffer(count: c.vocabularySize, initialValue: 0)
    }

    func ensureLogits(rows: Int, vocabularySize: Int) {
        if logits.count < rows * vocabularySize {
            logits = FloatBuffer(count: rows * vocabularySize, initialValue: 0)
        }
    }
}
