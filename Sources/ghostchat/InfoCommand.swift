import ArgumentParser
import Chat
import Foundation
import GGUF
import Kernels
import Llama
import SafeText
import Tokenizer

/// `ghostchat info`: what a model file holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's architecture, shapes, parameter count, tensor types, vocabulary and template."
    )

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF file (default: the model chat would use).")
    var model: String?

    func run() throws {
        let model = try ModelChoice.resolve(flag: self.model, config: try UserConfig.load()).path
        let file = try GGUFFile(path: model)
        var rows: [(String, String)] = []
        rows.append(("file", "\((model as NSString).lastPathComponent) (\(formatBytes(file.fileSize)), GGUF v\(file.version))"))
        rows.append(("architecture", file.architecture ?? "unknown"))
        if let name = file.modelName { rows.append(("name", name)) }
        if file.tensors.isEmpty {
            rows.append(("tensors", "none (vocabulary-only file)"))
        } else {
            rows.append(("parameters", formatCount(file.parameterCount)))
            if let type = file.fileType { rows.append(("file type", type.name)) }
            rows.append(("tensor types", file.tensorTypeHistogram.map { "\($0.type.name) ×\($0.count)" }.joined(separator: ", ")))
        }
        if let config = try? LlamaConfig(gguf: file) {
            let gqa = config.kvHeadCount == config.headCount ? "" : " (GQA \(config.headCount / config.kvHeadCount):1)"
            rows.append(("shape", "dim \(config.dim), layers \(config.layerCount), heads \(config.headCount), kv heads \(config.kvHeadCount)\(gqa), head dim \(config.headDim), ffn \(config.ffnDim)"))
            rows.append(("context", "\(config.trainedContextLength) tokens (trained)"))
            rows.append(("rope", "base \(formatNumber(Double(config.ropeFreqBase))), scale \(formatNumber(Double(config.ropeFreqScale))), \(config.ropeDimensions) dims"))
            rows.append(("embeddings", file.tensor(named: "output.weight") == nil ? "tied (no output.weight)" : "separate output.weight"))
        } else if let arch = file.architecture {
            let dim = file.int("\(arch).embedding_length").map(String.init) ?? "?"
            let layers = file.int("\(arch).block_count").map(String.init) ?? "?"
            rows.append(("shape", "dim \(dim), layers \(layers) (from metadata)"))
            if let ctx = file.int("\(arch).context_length") { rows.append(("context", "\(ctx) tokens (trained)")) }
        }
        if let tokens = file["tokenizer.ggml.tokens"]?.arrayValue {
            let kind = file.string("tokenizer.ggml.model") ?? "unknown"
            var vocab = "\(tokens.count) tokens (\(kind))"
            if let bos = file.int("tokenizer.ggml.bos_token_id") { vocab += ", bos \(bos)" }
            if let eos = file.int("tokenizer.ggml.eos_token_id") { vocab += ", eos \(eos)" }
            rows.append(("vocabulary", vocab))
            if let tokenizer = try? Tokenizer(gguf: file) {
                rows.append(("tokenizer", tokenizer.modelName + (tokenizer.preTokenizer.map { ", pre-tokenizer \($0)" } ?? "")))
                let ends = tokenizer.endOfGenerationTokens.sorted().map { "\($0) \(SafeText.quoted(tokenizer.piece($0), escapingBackslashes: true))" }
                rows.append(("end of generation", ends.joined(separator: ", ")))
                for warning in tokenizer.warnings { rows.append(("tokenizer warning", SafeText.quoted(warning, escapingBackslashes: true))) }
            }
        } else {
            rows.append(("vocabulary", "none"))
        }
        if let template = file.string("tokenizer.chat_template") {
            rows.append(("chat template", "\(ChatTemplateSniffer.guess(template)) (\(template.count) characters of Jinja)"))
        } else {
            rows.append(("chat template", "none in file"))
        }
        rows.append(("kernels", "\(Kernels.path) (this CPU can run: \(Kernels.availablePaths.joined(separator: ", ")))"))
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows {
            // Names and keys come from the file: escape control characters so a hostile
            // file cannot drive the terminal.
            print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + SafeText.quoted(value))
        }
    }
}

/// Names the chat format a Jinja template looks like, by the markers it contains.
enum ChatTemplateSniffer {
    static func guess(_ template: String) -> String {
        if template.contains("<|im_start|>") { return "chatml" }
        if template.contains("<|start_header_id|>") { return "llama3" }
        if template.contains("[INST]") { return template.contains("<<SYS>>") ? "llama2" : "mistral-instruct" }
        if template.contains("<|user|>") { return "zephyr" }
        if template.contains("USER:") && template.contains("ASSISTANT:") { return "vicuna" }
        return "unknown"
    }
}

func formatBytes(_ n: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(n), unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(n) B" : String(format: "%.2f %@", value, units[unit])
}

func formatCount(_ n: Int) -> String {
    if n >= 1_000_000_000 { return String(format: "%.2f B", Double(n) / 1e9) }
    if n >= 1_000_000 { return String(format: "%.2f M", Double(n) / 1e6) }
    if n >= 1_000 { return String(format: "%.1f K", Double(n) / 1e3) }
    return "\(n)"
}

func formatNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}
