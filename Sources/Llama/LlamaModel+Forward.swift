import Kernels
import Tokenizer

extension LlamaModel {
    /// Repacks the matrices that have a faster interleaved layout on this CPU (Q4_0/Q8_0/Q4_K on
    /// AVX-512 VNNI), one at a time, releasing each one's file pages afterwards so peak
    /// memory stays near one copy of the weights.
    static func repacked(_ weights: LlamaWeights, pool: ThreadPool, progress: ((Double) -> Void)? = nil) -> LlamaWeights {
        var w = weights
        // Packing touches every weight page, so it is what loading a model costs: report it.
        let steps = Double(w.layers.count + 1)
        for i in w.layers.indices {
            for path in [\LayerWeights.query, \.key, \.value, \.attentionOutput, \.gate, \.up, \.down] {
                w.layers[i][keyPath: path] = Kernels.pack(w.layers[i][keyPath: path], pool: pool, releaseSource: true)
            }
            progress?(Double(i + 1) / steps)
        }
        w.output = Kernels.pack(w.output, pool: pool, releaseSource: !w.tiedEmbeddings)
        progress?(1)
        return w
    }

    /// One forward pass over a batch of at most `batchSize` tokens starting at `position`,
    /// read top to bottom: embed, then per layer attention and feed-forward with residuals,
    /// then the final norm and the unembedding for the rows asked for.
    func forward(_ tokens: UnsafeBufferPointer<Token>, logitsInto logits: UnsafeMutablePointer<Float>, rows: LogitsRequest) {
        let c = config, s = state, w = weights
        let n = tokens.count
        let start = position
        let pairs = c.ropeDimensions / 2

        for (t, token) in tokens.enumerated() {
            Kernels.dequantizeRow(w.tokenEmbedding, row: Int(token), into: s.x[t * c.dim])
            ropeAngles(position: start + t, pairs: pairs, dimensions: c.ropeDimensions, base: c.ropeFreqBase,
                       scale: c.ropeFreqScale, cos: s.ropeCos[t * pairs], sin: s.ropeSin[t * pairs])
        }

        for (l, layer) in w.layers.enumerated() {
            // Attention block.
            for t in 0..<n {
                rmsNorm(s.xb[t * c.dim], s.x[t * c.dim], layer.attentionNorm, count: c.dim, epsilon: c.rmsEpsilon)
            }
            Kernels.matmul(layer.query, layer.key, layer.value, input: s.xb.pointer, tokens: n,
                           outputs: s.q.pointer, s.k.pointer, s.v.pointer, pool: pool, scratch: state.scratch)
            for t in 0..<n {
                applyRope(s.q[t * c.qDim], heads: c.headCount, headDim: c.headDim, cos: s.ropeCos[t * pairs], sin: s.ropeSin[t * pairs], pairs: pairs)
                applyRope(s.k[t * c.kvDim], heads: c.kvHeadCount, headDim: c.headDim, cos: s.ropeCos[t * pairs], sin: s.ropeSin[t * pairs], pairs: pairs)
                Kernels.toHalf(s.k[t * c.kvDim], cache.key(layer: l, position: start + t), count: c.kvDim)
                Kernels.toHalf(s.v[t * c.kvDim], cache.value(layer: l, position: start + t), count: c.kvDim)
            }
            attend(layer: l, tokens: n, start: start)
            matmul(layer.attentionOutput, s.attention.pointer, n, s.projection.pointer)
            addInPlace(s.x.pointer, s.projection.pointer, count: n * c.dim)

            // Feed-forward block.
            for t in 0..<n {
                rmsNorm(s.xb[t * c.dim], s.x[t * c.dim], layer.ffnNorm, count: c.dim, epsilon: c.rmsEpsilon)
            }
            Kernels.matmul(layer.gate, layer.up, input: s.xb.pointer, tokens: n,
                           outputs: s.gate.pointer, s.up.pointer, pool: pool, scratch: state.scratch)
            swiglu(s.gate.pointer, s.up.pointer, count: n * c.ffnDim)
            matmul(layer.down, s.gate.pointer, n, s.projection.pointer)
            addInPlace(s.x.pointer, s.projection.pointer, count: n * c.dim)
            layerObserver?(l, UnsafeBufferPointer(start: s.x.pointer, count: n * c.dim))
        }
        position = start + n

        switch rows {
        case .none:
            return
        case .last:
            rmsNorm(s.xb.pointer, s.x[(n - 1) * c.dim], w.outputNorm, count: c.dim, epsilon: c.rmsEpsilon)
            matmul(w.output, s.xb.pointer, 1, logits)
        case .all:
            for t in 0..<n {
                rmsNorm(s.xb[t * c.dim], s.x[t * c.dim], w.outputNorm, count: c.dim, epsilon: c.rmsEpsilon)
            }
            matmul(w.output, s.xb.pointer, n, logits)
        }
    }

    private func matmul(_ m: WeightMatrix, _ input: UnsafePointer<Float>, _ tokens: Int, _ output: UnsafeMutablePointer<Float>) {
        Kernels.matmul(m, input: input, tokens: tokens, output: output, pool: pool, scratch: state.scratch)
    }

    /// Causal attention of each new token over the cache, one (token, head) pair per work
    /// item. Queries and softmax weights are rounded to half before they meet the half
    /// cache, as llama.cpp's f16 matmuls do, so both round alike.
    private func attend(layer l: Int, tokens n: Int, start: Int) {
        let c = config, s = state
        let workers = s.workers
        let items = n * c.headCount
        let group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(c.headDim).squareRoot()
        let cache = self.cache
        let context = contextLength
        let stride = c.kvDim
        pool.parallelFor(min(workers, items)) { worker in
            let scores = s.scores[worker * context]
            var item = worker
            while item < items {
                let t = item / c.headCount, h = item % c.headCount
                let kvOffset = (h / group) * c.headDim
                Kernels.attendHalf(query: s.q[t * c.qDim + h * c.headDim], keys: cache.key(layer: l, position: 0) + kvOffset,
                                   values: cache.value(layer: l, position: 0) + kvOffset, stride: stride, length: start + t + 1,
                                   headDim: c.headDim, scale: scale, scores: scores, output: s.attention[t * c.qDim + h * c.headDim])
                item += min(workers, items)
            }
        }
    }
}
