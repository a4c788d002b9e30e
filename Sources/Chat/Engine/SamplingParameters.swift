/// Sampling settings as the session stores them.
///
/// Mirrors the engine's `SamplerSettings` field for field (same names, meanings and defaults)
/// so that this module builds without the engine; the ChatLlama adapter converts.
public struct SamplingParameters: Sendable, Equatable, Codable {
    public var temperature: Float = 0.8
    public var topK: Int = 40
    public var topP: Float = 0.95
    public var minP: Float = 0.05
    public var repeatPenalty: Float = 1.0
    public var repeatLastN: Int = 64
    /// The chat's base seed; each reply derives its own from it (see `replySeed`).
    public var seed: UInt64 = 0

    public init() {}

    /// The seed of reply number `index` (0-based) and regeneration `attempt`.
    ///
    /// Derived rather than carried over from the previous reply's random state, so a chat
    /// loaded from disk produces the same next reply as the one that kept running.
    public func replySeed(index: Int, attempt: Int = 0) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index &+ 1) &+ 0xD1B5_4A32_D192_ED03 &* UInt64(attempt)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
