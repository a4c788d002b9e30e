import ArgumentParser
import Foundation
import Llama

/// `ghostchat perplexity`: llama.cpp's perplexity measurement.
struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Measure perplexity on a text file (llama.cpp's method: chunks of CTX, second halves scored)."
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: [.customShort("f"), .customLong("file")], help: "Text file to score.")
    var textFile: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: textFile) else {
            throw ValidationError("\(textFile): cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let chunk = modelOptions.contextLength ?? 512
        let model = try modelOptions.load(contextLength: chunk)
        let result = try model.perplexity(of: text, chunkLength: chunk) { done, total, running in
            FileHandle.standardError.write(Data(String(format: "[%d/%d] %.4f\n", done, total, running).utf8))
        }
        print("chunks = \(result.chunks), tokens = \(result.tokens), scored = \(result.scored)")
        print(String(format: "PPL = %.6f", result.perplexity))
    }
}
