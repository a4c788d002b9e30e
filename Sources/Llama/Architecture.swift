/// What a model family's blocks contain beyond Llama's: the architecture table, keyed by
/// `general.architecture` (llama.cpp's `llama-arch` in spirit). The forward pass reads these
/// as plain branches, and fused tensors are split into row views at load time, so the forward
/// pass never sees them; a family whose structure truly differs would get a file of its own.
public struct Architecture: Sendable, Equatable {
    /// How rotary embeddings pair a head's features.
    public enum RopeStyle: String, Sendable {
        /// (2i, 2i+1): llama.cpp's "norm" rope (Llama, Mistral; the converter permutes Q/K to match).
        case adjacentPairs
        /// (i, i + d/2): llama.cpp's "neox" rope (Qwen, Gemma, Phi-3, Falcon).
        case halves
    }

    /// The `general.architecture` value, also the prefix of its metadata keys.
    public var name: String
    public var ropeStyle: RopeStyle = .adjacentPairs
    /// Biases on the Q, K and V projections (`attn_q.bias` …): Qwen 2.
    public var qkvBias = false
    /// RMS norm over each head of Q and K before rope (`attn_q_norm.weight` …): Qwen 3.
    public var qkNorm = false
    /// Q, K and V as one tensor `attn_qkv.weight` (rows: Q, then K, then V): Phi-3.
    public var fusedQKV = false
    /// Gate and up as one tensor `ffn_up.weight` of twice the FFN width (gate rows first): Phi-3.
    public var fusedGateUp = false

    public init(name: String, ropeStyle: RopeStyle = .adjacentPairs, qkvBias: Bool = false, qkNorm: Bool = false,
                fusedQKV: Bool = false, fusedGateUp: Bool = false) {
        self.name = name
        self.ropeStyle = ropeStyle
        self.qkvBias = qkvBias
        self.qkNorm = qkNorm
        self.fusedQKV = fusedQKV
        self.fusedGateUp = fusedGateUp
    }

    /// Every family ghostchat runs.
    public static let table: [Architecture] = [
        Architecture(name: "llama"),
        Architecture(name: "mistral"),
        Architecture(name: "qwen2", ropeStyle: .halves, qkvBias: true),
        Architecture(name: "qwen3", ropeStyle: .halves, qkNorm: true),
        Architecture(name: "phi3", ropeStyle: .halves, fusedQKV: true, fusedGateUp: true),
    ]

    /// The table entry for `name`, if ghostchat runs that family.
    public static func named(_ name: String) -> Architecture? {
        table.first { $0.name == name }
    }
}
