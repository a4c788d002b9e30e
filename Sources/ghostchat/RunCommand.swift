import ArgumentParser
import Chat
import Foundation
import Llama
import SafeText
import Tokenizer

/// `ghostchat run`: raw completion of a prompt, no chat template.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Complete a prompt as plain text (no chat template; BOS only where the vocabulary adds one)."
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: [.customShort("p"), .customLong("prompt")], help: "The text to complete.")
    var prompt: String
    @Option(name: [.customShort("n"), .customLong("n-predict")], parsing: .unconditional, help: "Tokens to generate (-1 = until end of text or a full context).")
    var count: Int = -1
    @OptionGroup var sampling: SamplingOptions
    @Flag(name: .long, help: "Write the model's text as it is, control characters included (for programs that want the bytes); by default they are written as visible symbols, as the chat does.")
    var raw = false
    @Option(name: .customLong("dump-layers"), help: ArgumentHelp("Debugging: write the prompt's ids and its hidden state after every layer into DIR (tools/exact/compare-layers.py reads them).", visibility: .hidden))
    var dumpDirectory: String?

    func run() throws {
        let model = try modelOptions.load()
        // As llama.cpp: BOS (and EOS) only where the vocabulary asks for them; SmolLM2's does not.
        let tokens = model.tokenizer.encode(prompt)
        guard !tokens.isEmpty else { throw ValidationError("the prompt is empty (and this vocabulary adds no BOS)") }
        guard tokens.count < model.contextLength else {
            throw ModelError("the prompt has \(tokens.count) tokens; the context holds \(model.contextLength) (use -c)")
        }
        if let dumpDirectory { try dumpLayers(of: model, prompt: tokens, into: dumpDirectory) }
        var sampler = Sampler(settings: sampling.settings)
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        let output = FileHandle.standardOutput
        let started = Date()
        var generated = 0
        try model.generate(prompt: tokens, maxTokens: count, sampler: &sampler) { token in
            generated += 1
            let text = decoder.append(token)
            if !text.isEmpty { output.write(Data(shown(text).utf8)) }
            return true
        }
        let rest = decoder.flush()
        output.write(Data((shown(rest) + "\n").utf8))
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data(String(
            format: "ghostchat: %d prompt + %d generated tokens in %.2f s (%.1f tokens/s overall)\n",
            tokens.count, generated, seconds, Double(tokens.count + generated) / max(seconds, 1e-9)).utf8))
    }

    /// The model's text as written: control characters (escape sequences, clipboard writes)
    /// made visible unless `--raw`.
    private func shown(_ text: String) -> String { raw ? text : SafeText.shown(text) }

    /// Evaluates the prompt once with a layer observer and writes `tokens.json` and
    /// `layer-NN.f32` (tokens × dim little-endian Float32) into `directory`.
    private func dumpLayers(of model: LlamaModel, prompt: [Token], into directory: String) throws {
        guard prompt.count <= model.batchSize else { throw ValidationError("--dump-layers takes at most \(model.batchSize) prompt tokens") }
        let url = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try JSONEncoder().encode(prompt).write(to: url.appendingPathComponent("tokens.json"))
            var failure: Error?
            model.layerObserver = { layer, hidden in
                do {
                    try Data(buffer: hidden).write(to: url.appendingPathComponent(String(format: "layer-%02d.f32", layer)))
                } catch { failure = error }
            }
            defer { model.layerObserver = nil; model.reset() }
            try model.evaluate(prompt, logits: .none)
            if let failure { throw failure }
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError("--dump-layers \(directory): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("ghostchat: wrote \(model.config.layerCount) layers of \(prompt.count) tokens to \(directory)\n".utf8))
    }
}
