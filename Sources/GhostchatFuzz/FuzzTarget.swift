import Foundation

/// The input families that are fuzzed, one probe each. The libFuzzer binary fuzzes the one
/// named by `GHOSTCHAT_FUZZ_TARGET` (default `model`); `tools/fuzz/run.sh TARGET` sets it.
enum FuzzTarget: String, CaseIterable {
    /// A GGUF model file, from the header to generated tokens (`ModelFileProbe`).
    case model
    /// A JSON transcript given to `--load` or `/load` (`TranscriptProbe`).
    case transcript
    /// `config.toml` and `presets.toml` (`ConfigProbe`).
    case config
    /// A theme file (`ThemeProbe`).
    case theme
    /// A chat template from a model file or `--template` (`JinjaProbe`).
    case jinja
    /// Terminal input: the key decoder feeding the full-screen chat, with streamed reply text
    /// (`KeysProbe`).
    case keys

    /// The target chosen by the environment.
    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["GHOSTCHAT_FUZZ_TARGET"] ?? "model"
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("GHOSTCHAT_FUZZ_TARGET=\(name): not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()

    /// Runs this target's probe; returns a one-line account of how far the input got.
    @discardableResult
    func run(_ bytes: UnsafeRawBufferPointer) -> String {
        switch self {
        case .model: return ModelFileProbe.run(bytes)
        case .transcript: return TranscriptProbe.run(bytes)
        case .config: return ConfigProbe.run(bytes)
        case .theme: return ThemeProbe.run(bytes)
        case .jinja: return JinjaProbe.run(bytes)
        case .keys: return KeysProbe.run(bytes)
        }
    }
}
