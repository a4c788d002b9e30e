import ArgumentParser
import Foundation
import GGUF
import Kernels
import Llama
import Tokenizer

/// `ghostchat bench`: prompt-processing and generation speed, like llama-bench.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing (pp) and text generation (tg) speed in tokens/s."
    )

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model file.")
    var model: String
    @Option(name: [.customShort("p"), .customLong("n-prompt")], help: "Prompt tokens evaluated as one batch (0 skips pp).")
    var promptTokens: Int = 512
    @Option(name: [.customShort("n"), .customLong("n-gen")], help: "Tokens generated one at a time (0 skips tg).")
    var generatedTokens: Int = 128
    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: number of cores).")
    var threads: Int?
    @Option(name: [.customShort("r"), .customLong("repetitions")], help: "Repetitions of each test.")
    var repetitions: Int = 5
    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false
    @Option(name: .customLong("kernels"), help: "SIMD kernel path to measure (default: the fastest this CPU has).")
    var kernelPath: String?

    func validate() throws {
        guard promptTokens >= 0, generatedTokens >= 0, promptTokens + generatedTokens > 0 else {
            throw ValidationError("-p and -n must be 0 or more, and not both 0")
        }
        guard repetitions >= 1 else { throw ValidationError("-r must be at least 1") }
        if let t = threads, t < 1 { throw ValidationError("-t must be at least 1") }
        if let kernelPath, !Kernels.availablePaths.contains(kernelPath) {
            throw ValidationError("--kernels \(kernelPath): this CPU can run \(Kernels.availablePaths.joined(separator: ", "))")
        }
    }

    struct Stats: Encodable {
        var mean: Double
        var stddev: Double

        init(_ samples: [Double]) {
            let mean = samples.reduce(0, +) / Double(max(1, samples.count))
            let variance = samples.count > 1 ? samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1) : 0
            self.mean = mean
            stddev = variance.squareRoot()
        }
    }

    func run() throws {
        if let kernelPath { _ = Kernels.setPath(kernelPath) }  // before loading: packing follows the path
        let context = max(promptTokens, generatedTokens + 1, 16)
        let loadStart = DispatchTime.now()
        let llama = try LlamaModel(path: model, contextLength: context, threads: threads, batchSize: max(1, promptTokens))
        let loadSeconds = seconds(since: loadStart)
        var rng = SystemRandomNumberGenerator()
        let vocab = llama.config.vocabularySize
        func randomTokens(_ n: Int) -> [Token] { (0..<n).map { _ in Token(Int.random(in: 3..<vocab, using: &rng)) } }

        // One untimed warm-up pages the weights in and settles the thread pool.
        llama.reset()
        try llama.evaluate(randomTokens(min(8, context)), logits: .last)

        var pp: [Double] = [], tg: [Double] = [], ppCPU: [Double] = [], tgCPU: [Double] = []
        for _ in 0..<repetitions {
            if promptTokens > 0 {
                llama.reset()
                let tokens = randomTokens(promptTokens)
                let cpu = cpuSeconds()
                let start = DispatchTime.now()
                try llama.evaluate(tokens, logits: .last)
                pp.append(Double(promptTokens) / seconds(since: start))
                ppCPU.append(cpuSeconds() - cpu)
            }
            if generatedTokens > 0 {
                llama.reset()
                var token = Token(1)
                let cpu = cpuSeconds()
                let start = DispatchTime.now()
                for _ in 0..<generatedTokens {
                    let logits = try llama.evaluate([token], logits: .last)
                    token = Token(logits.indices.max { logits[$0] < logits[$1] } ?? 0)
                }
                tg.append(Double(generatedTokens) / seconds(since: start))
                tgCPU.append(cpuSeconds() - cpu)
            }
        }

        let file = llama.file
        let types = file.tensorTypeHistogram.map { "\($0.type.name)×\($0.count)" }.joined(separator: " ")
        let report = Report(
            model: (model as NSString).lastPathComponent,
            model_size_bytes: file.fileSize,
            parameters: file.parameterCount,
            file_type: file.fileType?.name ?? "unknown",
            tensor_types: types,
            threads: llama.pool.threadCount,
            kernel: Kernels.path,
            load_seconds: loadSeconds,
            n_prompt: promptTokens,
            n_gen: generatedTokens,
            repetitions: repetitions,
            pp_tokens_per_s: pp.isEmpty ? nil : Stats(pp).mean,
            pp_stddev: pp.isEmpty ? nil : Stats(pp).stddev,
            tg_tokens_per_s: tg.isEmpty ? nil : Stats(tg).mean,
            tg_stddev: tg.isEmpty ? nil : Stats(tg).stddev,
            pp_cpu_seconds: ppCPU.isEmpty ? nil : Stats(ppCPU).mean,
            tg_cpu_seconds: tgCPU.isEmpty ? nil : Stats(tgCPU).mean
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("model    \(report.model) (\(formatBytes(report.model_size_bytes)), \(formatCount(report.parameters)) parameters, \(report.file_type))")
        print("tensors  \(types)")
        print("threads  \(report.threads), kernel \(report.kernel)")
        print(String(format: "load     %.2f s (mapping, checks and repacking for the kernel path)", loadSeconds))
        print("test      tokens/s")
        if !pp.isEmpty {
            print(String(format: "pp%-6d  %8.2f ± %.2f   (CPU %.1f ms/token)", promptTokens, Stats(pp).mean, Stats(pp).stddev,
                         1000 * Stats(ppCPU).mean / Double(promptTokens)))
        }
        if !tg.isEmpty {
            print(String(format: "tg%-6d  %8.2f ± %.2f   (CPU %.1f ms/token)", generatedTokens, Stats(tg).mean, Stats(tg).stddev,
                         1000 * Stats(tgCPU).mean / Double(generatedTokens)))
        }
    }

    struct Report: Encodable {
        var model: String
        var model_size_bytes: Int
        var parameters: Int
        var file_type: String
        var tensor_types: String
        var threads: Int
        var kernel: String
        /// Wall time of loading the model, repacking included.
        var load_seconds: Double
        var n_prompt: Int
        var n_gen: Int
        var repetitions: Int
        var pp_tokens_per_s: Double?
        var pp_stddev: Double?
        var tg_tokens_per_s: Double?
        var tg_stddev: Double?
        /// Process CPU time (user + system, all threads) per repetition: less sensitive than
        /// wall time to other load on a shared machine (spinning threads count, though).
        var pp_cpu_seconds: Double?
        var tg_cpu_seconds: Double?
    }

    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
