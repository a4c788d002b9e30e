import Kernels
import Tokenizer

extension LlamaModel {
    /// One forward pass over a batch of at most `batchSize` tokens starting at `position`,
    /// read top to bottom: embed, then per layer the attention block and the feed-forward
    /// block (each adding into the residual stream), then the final norm and the unembedding
    /// for the rows asked for.
    func forward(_ tokens: UnsafeBufferPointer<Token>, logitsInto logits: UnsafeMutablePointer<Float>, rows: LogitsRequest) {
        let c = config, s = state, w = weights
        let n = tokens.count
        let start = position
        let pairs = c.ropeDimensions / 2

        for (t, token) in tokens.enumerated() {
            Kernels.dequantizeRow(w.tokenEmbedding, row: Int(token), into: s.x.pointer(at: t * c.dim))
            if c.architecture.scalesEmbedding { scale(s.x.pointer(at: t * c.dim), by: Float(c.dim).squareRoot(), count: c.dim) }
            ropeAngles(position: start + t, pairs: pairs, dimensions: c.ropeDimensions, base: c.ropeFreqBase,
                       scale: c.ropeFreqScale, factors: w.ropeFrequencyFactors,
                       cos: s.ropeCos.pointer(at: t * pairs), sin: s.ropeSin.pointer(at: t * pairs))
            if c.architecture.slidingWindowPattern > 0 {
                ropeAngles(position: start + t, pairs: pairs, dimensions: c.ropeDimensions, base: c.architecture.slidingWindowRopeBase,
                           scale: 1, factors: nil, cos: s.localRopeCos.pointer(at: t * pairs), sin: s.localRopeSin.pointer(at: t * pairs))
            }
        }

        cache.makeRoom(start: start, count: n)
        for (l, layer) in w.layers.enumerated() {
            attentionBlock(layer, index: l, tokens: n, start: start)
            feedForwardBlock(layer, tokens: n)
            layerObserver?(l, UnsafeBufferPointer(start: s.x.pointer, count: n * c.dim))
        }
        position = start + n

        switch rows {
        case .none:
            return
        case .last:
            normalize(s.xb.pointer, s.x.pointer(at: (n - 1) * c.dim), w.outputNorm, w.outputNormBias)
            matmul(w.output, s.xb.pointer, 1, logits)
        case .all:
            for t in 0..<n {
                normalize(s.xb.pointer(at: t * c.dim), s.x.pointer(at: t * c.dim), w.outputNorm, w.outputNormBias)
            }
            matmul(w.output, s.xb.pointer, n, logits)
        }
    }

    /// x += attention(norm(x)): Q/K/V projections (with the family's biases and per-head
    /// norms), rope, the new K/V into the cache, causal attention (within the sliding window
    /// on such layers), the output projection (and its post-norm).
    private func attentionBlock(_ layer: LayerWeights, index l: Int, tokens n: Int, start: Int) {
        let c = config, s = state
        let pairs = c.ropeDimensions / 2
        let local = c.architecture.isSlidingWindowLayer(l)
        let (cosTable, sinTable) = local ? (s.localRopeCos, s.localRopeSin) : (s.ropeCos, s.ropeSin)
        let cache = self.cache
        forEachToken(n) { t in
            normalize(s.xb.pointer(at: t * c.dim), s.x.pointer(at: t * c.dim), layer.attentionNorm, layer.attentionNormBias)
        }
        Kernels.matmul(layer.query, layer.key, layer.value, input: s.xb.pointer, tokens: n,
                       outputs: s.q.pointer, s.k.pointer, s.v.pointer, pool: pool, scratch: state.scratch)
        // One pass per token from the projections to the cache: clamp, biases, per-head norms,
        // rope, and K/V rounded to half into their cache rows.
        forEachToken(n) { t in
            let q = s.q.pointer(at: t * c.qDim), k = s.k.pointer(at: t * c.kvDim), v = s.v.pointer(at: t * c.kvDim)
            if c.clampQKV > 0 {
                clamp(q, to: c.clampQKV, count: c.qDim)
                clamp(k, to: c.clampQKV, count: c.kvDim)
                clamp(v, to: c.clampQKV, count: c.kvDim)
            }
            if let bias = layer.queryBias { addBias(q, bias, rows: 1) }
            if let bias = layer.keyBias { addBias(k, bias, rows: 1) }
            if let bias = layer.valueBias { addBias(v, bias, rows: 1) }
            if let weight = layer.queryNorm {
                for head in 0..<c.headCount { rmsNorm(q + head * c.headDim, q + head * c.headDim, weight, count: c.headDim, epsilon: c.normEpsilon) }
            }
            if let weight = layer.keyNorm {
                for head in 0..<c.kvHeadCount { rmsNorm(k + head * c.headDim, k + head * c.headDim, weight, count: c.headDim, epsilon: c.normEpsilon) }
            }
            if !c.architecture.alibi {
                let cos = cosTable.pointer(at: t * pairs), sin = sinTable.pointer(at: t * pairs)
                applyRope(q, heads: c.headCount, headDim: c.headDim, cos: cos, sin: sin, pairs: pairs, style: c.architecture.ropeStyle)
                applyRope(k, heads: c.kvHeadCount, headDim: c.headDim, cos: cos, sin: sin, pairs: pairs, style: c.architecture.ropeStyle)
            }
            Kernels.toHalf(k, cache.key(layer: l, position: start + t), count: c.kvDim)
            Kernels.toHalf(v, cache.value(layer: l, position: start + t), count: c.kvDim)
        }
        attend(layer: l, tokens: n, start: start, window: local ? c.slidingWindow : 0)
        matmul(layer.attentionOutput, s.attention.pointer, n, s.projection.pointer)
        addResidual(postNorm: layer.postAttentionNorm, thenNormalize: layer.ffnNorm.map { ($0, layer.ffnNormBias) }, tokens: n)
    }

    /// x += post-norm(projection) (without a post-norm, the projection as is) for every
    /// token, then, when given, xb = norm(x) for the next block: one pass over each row.
    private func addResidual(postNorm: [Float]?, thenNormalize next: (weight: [Float], bias: [Float]?)?, tokens n: Int) {
        let c = config, s = state
        forEachToken(n) { t in
            let x = s.x.pointer(at: t * c.dim), projection = s.projection.pointer(at: t * c.dim)
            if let postNorm { rmsNorm(projection, projection, postNorm, count: c.dim, epsilon: c.normEpsilon) }
            addInPlace(x, projection, count: c.dim)
            if let next { normalize(s.xb.pointer(at: t * c.dim), x, next.weight, next.bias) }
        }
    }

    /// body(t) for every token t of the batch: on the pool in contiguous runs of at least 16
    /// tokens when the batch has them (a prompt), inline otherwise (generation), where a
    /// fork-join would cost more than the work.
    private func forEachToken(_ n: Int, _ body: (Int) -> Void) {
        let runs = min(state.workers, n / 16)
        guard runs > 1 else {
            for t in 0..<n { body(t) }
            return
        }
        pool.parallelFor(runs) { run in
            for t in (n * run / runs)..<(n * (run + 1) / runs) { body(t) }
        }
    }

    /// x += down(act(gate(h)) · up(h)) (then its post-norm), act being SiLU or GELU, where h
    /// is norm(x), already in `xb` (the attention block's last pass); or down(act(up(h))) in
    /// ungated networks. With parallel blocks h is the attention block's normed input.
    private func feedForwardBlock(_ layer: LayerWeights, tokens n: Int) {
        let c = config, s = state
        let hidden: FloatBuffer
        if let gate = layer.gate {
            Kernels.matmul(gate, layer.up, input: s.xb.pointer, tokens: n,
                           outputs: s.gate.pointer, s.up.pointer, pool: pool, scratch: state.scratch)
            forEachToken(n) { t in
                let g = s.gate.pointer(at: t * c.ffnDim), u = s.up.pointer(at: t * c.ffnDim)
                switch c.architecture.activation {
                case .silu: swiglu(g, u, count: c.ffnDim)
                case .geluTanh: geglu(g, u, count: c.ffnDim)
                }
            }
            hidden = s.gate
        } else {
            matmul(layer.up, s.xb.pointer, n, s.up.pointer)
            forEachToken(n) { t in
                let u = s.up.pointer(at: t * c.ffnDim)
                switch c.architecture.activation {
                case .silu: silu(u, count: c.ffnDim)
                case .geluTanh: gelu(u, count: c.ffnDim)
                }
            }
            hidden = s.up
        }
        matmul(layer.down, hidden.pointer, n, s.projection.pointer)
        addResidual(postNorm: layer.postFFNNorm, thenNormalize: nil, tokens: n)
    }

    /// out = norm(x) with the architecture's norm: RMSNorm, or LayerNorm with `bias`.
    private func normalize(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: [Float], _ bias: [Float]?) {
        let c = config
        if c.architecture.normalization == .layer {
            layerNorm(out, x, weight, bias, count: c.dim, epsilon: c.normEpsilon)
        } else {
            rmsNorm(out, x, weight, count: c.dim, epsilon: c.normEpsilon)
        }
    }

    private func matmul(_ m: WeightMatrix, _ input: UnsafePointer<Float>, _ tokens: Int, _ output: UnsafeMutablePointer<Float>) {
        Kernels.matmul(m, input: input, tokens: tokens, output: output, pool: pool, scratch: state.scratch)
    }

    /// Causal attention of each new token over the cache (over its last `window` positions,
    /// itself included, when `window` > 0). Queries and softmax weights are rounded to half
    /// before they meet the half cache, as llama.cpp's f16 matmuls do, so both round alike.
    /// A prompt's queries go in blocks that read the same K/V head (the heads of a
    /// grouped-query group, then the next tokens'), so each cached row is loaded once per
    /// block; one token's, one (token, head) pair per work item.
    private func attend(layer l: Int, tokens n: Int, start: Int, window: Int) {
        let c = config, s = state
        let workers = s.workers
        let group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(c.headDim).squareRoot()
        let cache = self.cache
        let context = contextLength
        let stride = c.kvDim
        let slopes = alibiSlopes
        let blockSize = Kernels.attendManyLimit
        if n > 1 && window == 0 {
            // Queries of KV head g, in order (token, head of the group), cut into blocks.
            let perHead = n * group
            let blocksPerHead = (perHead + blockSize - 1) / blockSize
            let items = c.kvHeadCount * blocksPerHead
            pool.parallelFor(min(workers, items)) { worker in
                let scores = s.scores.pointer(at: worker * blockSize * context)
                let queries = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: blockSize)
                let outputs = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: blockSize)
                let lengths = UnsafeMutablePointer<Int64>.allocate(capacity: blockSize)
                let blockSlopes = UnsafeMutablePointer<Float>.allocate(capacity: blockSize)
                defer {
                    queries.deallocate()
                    outputs.deallocate()
                    lengths.deallocate()
                    blockSlopes.deallocate()
                }
                var item = worker
                while item < items {
                    let g = item / blocksPerHead, first = (item % blocksPerHead) * blockSize
                    let count = min(blockSize, perHead - first)
                    for i in 0..<count {
                        let t = (first + i) / group, h = g * group + (first + i) % group
                        queries[i] = UnsafePointer(s.q.pointer(at: t * c.qDim + h * c.headDim))
                        outputs[i] = s.attention.pointer(at: t * c.qDim + h * c.headDim)
                        lengths[i] = Int64(start + t + 1)
                        blockSlopes[i] = slopes.isEmpty ? 0 : slopes[h]
                    }
                    Kernels.attendHalf(queries: queries, lengths: lengths, alibiSlopes: blockSlopes, count: count,
                                       keys: cache.key(layer: l, position: 0) + g * c.headDim,
                                       values: cache.value(layer: l, position: 0) + g * c.headDim, stride: stride,
                                       headDim: c.headDim, scale: scale, scores: scores, outputs: outputs)
                    item += min(workers, items)
                }
            }
            return
        }
        let items = n * c.headCount
        pool.parallelFor(min(workers, items)) { worker in
            let scores = s.scores.pointer(at: worker * blockSize * context)
            var item = worker
            while item < items {
                let t = item / c.headCount, h = item % c.headCount
                let kvOffset = (h / group) * c.headDim
                let end = start + t + 1
                let first = window > 0 ? max(0, end - window) : 0
                Kernels.attendHalf(query: s.q.pointer(at: t * c.qDim + h * c.headDim), keys: cache.key(layer: l, position: first) + kvOffset,
                                   values: cache.value(layer: l, position: first) + kvOffset, stride: stride, length: end - first,
                                   headDim: c.headDim, scale: scale, alibiSlope: slopes.isEmpty ? 0 : slopes[h], scores: scores, output: s.attention.pointer(at: t * c.qDim + h * c.headDim))
                item += min(workers, items)
            }
        }
    }
}
