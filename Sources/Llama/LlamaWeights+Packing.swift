import Kernels

extension LlamaWeights {
    /// These weights with every matrix that has a faster interleaved layout on this CPU's
    /// kernel path repacked into it (Q4_0/Q8_0/Q4_K on AVX-512 VNNI), one at a time, each
    /// one's file pages released afterwards so peak memory stays near one copy of the weights.
    /// Part of loading: packing touches every weight page, so `progress` hears it (0…1).
    func repacked(pool: ThreadPool, progress: ((Double) -> Void)? = nil) -> LlamaWeights {
        var w = self
        let steps = Double(w.layers.count + 1)
        for i in w.layers.indices {
            for path in [\LayerWeights.query, \.key, \.value, \.attentionOutput, \.up, \.down] {
                w.layers[i][keyPath: path] = Kernels.pack(w.layers[i][keyPath: path], pool: pool, releaseSource: true)
            }
            if let gate = w.layers[i].gate { w.layers[i].gate = Kernels.pack(gate, pool: pool, releaseSource: true) }
            progress?(Double(i + 1) / steps)
        }
        w.output = Kernels.pack(w.output, pool: pool, releaseSource: !w.tiedEmbeddings)
        progress?(1)
        return w
    }
}
