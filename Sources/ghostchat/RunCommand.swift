import ArgumentParser
import Foundation
import Llama
import Tokenizer

/// `ghostchat run`: raw completion of a prompt, no chat template.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Complete a prompt as plain text (BOS added, no chat template)."
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: [.customShort("p"), .customLong("prompt")], help: "The text to complete.")
    var prompt: String
    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Tokens to generate (-1 = until end of text or a full context).")
    var count: Int = -1
    @OptionGroup var sampling: SamplingOptions

    func run() throws {
        let model = try modelOptions.load()
        let tokens = model.tokenizer.encode(prompt, addBOS: true)
        guard tokens.count < model.contextLength else {
            throw ModelError("the prompt has \(tokens.count) tokens; the context holds \(model.contextLength) (use -c)")
        }
        var sampler = Sampler(settings: sampling.settings)
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        let output = FileHandle.standardOutput
        let started = Date()
        var generated = 0
        try model.generate(prompt: tokens, maxTokens: count, sampler: &sampler) { token in
            generated += 1
            let text = decoder.append(token)
            if !text.isEmpty { output.write(Data(text.utf8)) }
            return true
        }
        let rest = decoder.flush()
        output.write(Data((rest + "\n").utf8))
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data(String(
            format: "ghostchat: %d prompt + %d generated tokens in %.2f s (%.1f tokens/s overall)\n",
            tokens.count, generated, seconds, Double(tokens.count + generated) / max(seconds, 1e-9)).utf8))
    }
}
