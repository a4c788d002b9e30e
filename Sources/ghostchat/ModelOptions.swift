import ArgumentParser
import Chat
import Foundation
import Kernels
import Llama

/// Options shared by the commands that load a model.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model file (default: $GHOSTCHAT_MODEL, else model in config.toml, else the built-in demo model).")
    var model: String?

    @Option(name: [.customShort("c"), .customLong("ctx-size")], help: "Context length in tokens (default: the model's, at most 4096).")
    var contextLength: Int?

    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: number of cores).")
    var threads: Int?

    @Option(name: .customLong("kernels"), help: "SIMD kernel path: \(Kernels.allPaths.joined(separator: ", ")) (default: the fastest this CPU has).")
    var kernelPath: String?

    func validate() throws {
        if let c = contextLength, c < 1 { throw ValidationError("-c must be at least 1") }
        if let t = threads, t < 1 { throw ValidationError("-t must be at least 1") }
        if let kernelPath, !Kernels.availablePaths.contains(kernelPath) {
            throw ValidationError("--kernels \(kernelPath): this CPU can run \(Kernels.availablePaths.joined(separator: ", "))")
        }
    }

    /// The model file to use; says so on stderr when it is the demo model.
    func modelPath() throws -> String {
        let choice = try ModelChoice.resolve(flag: model, config: try UserConfig.load())
        if choice.origin == .demo { FileHandle.standardError.write(Data((ModelChoice.demoNotice + "\n").utf8)) }
        return choice.path
    }

    func load(contextLength override: Int? = nil) throws -> LlamaModel {
        // Before loading: weights are repacked for the path in use.
        if let kernelPath { _ = Kernels.setPath(kernelPath) }
        return try LlamaModel(path: try modelPath(), contextLength: override ?? contextLength, threads: threads)
    }
}

/// Sampling options with llama.cpp's names and defaults.
struct SamplingOptions: ParsableArguments {
    @Option(name: .customLong("temp"), parsing: .unconditional, help: "Temperature; 0 = greedy.")
    var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Top-k; 0 = off.")
    var topK: Int = 40
    @Option(name: .customLong("top-p"), help: "Top-p; 1 = off.")
    var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Min-p; 0 = off.")
    var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty; 1 = off.")
    var repeatPenalty: Float = 1.0
    @Option(name: .customLong("repeat-last-n"), help: "Tokens the repetition penalty looks back over.")
    var repeatLastN: Int = 64
    @Option(name: .customLong("seed"), help: "Random seed (default: a new one each run).")
    var seed: UInt64?

    var settings: SamplerSettings {
        var s = SamplerSettings()
        s.temperature = temperature
        s.topK = topK
        s.topP = topP
        s.minP = minP
        s.repeatPenalty = repeatPenalty
        s.repeatLastN = repeatLastN
        s.seed = seed ?? UInt64.random(in: 0...UInt64.max)
        return s
    }

    func validate() throws {
        if let problem = settings.problem() { throw ValidationError(problem) }
    }
}
