import ArgumentParser
import Chat
import Foundation
import Kernels
import Llama
import SafeText

/// `ghostchat perplexity`: llama.cpp's perplexity measurement, and its KL-divergence comparison
/// of one model (or kernel path) against the saved logits of another.
struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Measure perplexity on a text file (llama.cpp's method: chunks of CTX, second halves scored).",
        discussion: """
        KL divergence, as llama.cpp: `--kl-divergence-base FILE` alone saves this model's top \
        logits at every scored position; `--kl-divergence-base FILE --kl-divergence` compares \
        this model (another quantization, another --kernels path) against them and reports the \
        mean and 99th-percentile KLD, how often the top token agrees, and both perplexities.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: [.customShort("f"), .customLong("file")], help: "Text file to score.")
    var textFile: String
    @Option(name: .customLong("kl-divergence-base"), help: "Top-logits file: written without --kl-divergence, compared against with it.")
    var baseFile: String?
    @Flag(name: .customLong("kl-divergence"), help: "Compare against --kl-divergence-base instead of writing it.")
    var compare = false
    @Option(name: .customLong("kl-top-k"), help: "Logits kept per position when writing a base file.")
    var topK = TopLogitsFile.defaultK

    func validate() throws {
        if compare && baseFile == nil { throw ValidationError("--kl-divergence needs --kl-divergence-base FILE") }
        if topK < 2 || topK > 4096 { throw ValidationError("--kl-top-k must be between 2 and 4096") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: textFile) else {
            throw ValidationError("\(textFile): cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let base = try compare ? baseFile.map { try TopLogitsFile(path: $0) } : nil
        if let base, let c = modelOptions.contextLength, c != base.contextLength {
            throw ValidationError("-c \(c) differs from the base file's context \(base.contextLength); leave -c out")
        }
        let chunkLength = base?.contextLength ?? modelOptions.contextLength ?? 512
        let model = try modelOptions.load(contextLength: chunkLength)
        let chunks = try model.perplexityChunks(of: text, length: chunkLength)
        let report: (Int, Int) -> Void = { done, total in
            FileHandle.standardError.write(Data("[\(done)/\(total)]\n".utf8))
        }

        if let base {
            guard base.vocabularySize == model.config.vocabularySize, base.tokens == chunks.tokens else {
                throw ModelError("the base file was made from another text or vocabulary (\(base.tokens.count) tokens there, \(chunks.tokens.count) here)")
            }
            var distance = LogitDistance()
            var index = 0
            try model.forEachScoredPosition(chunks, progress: report) { row, target in
                distance.add(base: base.records[index], row: row, target: target)
                index += 1
            }
            let s = distance.summary
            print("chunks = \(chunks.count), tokens = \(chunks.tokens.count), scored = \(s.positions), kernels = \(Kernels.path)")
            print(String(format: "Mean PPL(Q)    = %.6f", s.ppl))
            print(String(format: "Mean PPL(base) = %.6f", s.pplBase))
            print(String(format: "PPL ratio      = %.6f (%+.3f %%)", s.ppl / s.pplBase, (s.ppl / s.pplBase - 1) * 100))
            print(String(format: "Mean ln(PPL(Q)/PPL(base)) = %.6f ± %.6f", log(s.ppl / s.pplBase), s.lnPerplexityRatioError ?? 0))
            print(String(format: "Mean KLD       = %.6f ± %.6f", s.kldMean, s.kldMeanError ?? 0))
            print(String(format: "99.0%% KLD      = %.6f", s.kldP99))
            print(String(format: "Maximum KLD    = %.6f", s.kldMax))
            print(String(format: "Same top p     = %.3f %% (%d/%d); where the base's margin >= %.2f std: %d/%d",
                         100 * Double(s.sameTop) / Double(max(s.positions, 1)), s.sameTop, s.positions,
                         LogitDistance.clearMargin, s.clearSameTop, s.clear))
            for llama in base.meta.llamacpp ?? [] {
                print(String(format: "%@ vs base (recorded in the file): PPL %+.3f %%, mean KLD %.6f, 99%% KLD %.6f, same top %d/%d",
                             SafeText.quoted(llama.build ?? "llama.cpp", escapingBackslashes: true), (llama.ppl / llama.pplBase - 1) * 100,
                             llama.kldMean, llama.kldP99, llama.sameTop, llama.positions))
            }
            return
        }

        var nll = 0.0, scored = 0
        var file = TopLogitsFile(vocabularySize: model.config.vocabularySize, contextLength: chunkLength, k: topK, tokens: chunks.tokens,
                                 meta: .init(source: "ghostchat (\(Kernels.path) kernels)",
                                             model: URL(fileURLWithPath: model.file.path).lastPathComponent,
                                             text: URL(fileURLWithPath: textFile).lastPathComponent))
        try model.forEachScoredPosition(chunks, progress: { done, total in
            FileHandle.standardError.write(Data(String(format: "[%d/%d] %.4f\n", done, total, exp(nll / Double(scored))).utf8))
        }) { row, target in
            nll += LogitRow(row).logSumExp - Double(row[Int(target)])
            scored += 1
            if baseFile != nil { file.records.append(TopLogitsFile.Record(row, target: target, k: topK)) }
        }
        print("chunks = \(chunks.count), tokens = \(chunks.tokens.count), scored = \(scored)")
        print(String(format: "PPL = %.6f", exp(nll / Double(scored))))
        if let baseFile {
            file.meta.ppl = exp(nll / Double(scored))
            try file.write(to: baseFile)
            FileHandle.standardError.write(Data("ghostchat: wrote the top \(topK) logits of \(scored) positions to \(baseFile)\n".utf8))
        }
    }
}
