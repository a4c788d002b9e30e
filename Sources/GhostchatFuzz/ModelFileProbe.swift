import GGUF
import Kernels
import Llama
import Tokenizer

/// What ghostchat does with a model file it has never seen, applied to arbitrary bytes:
/// parse the GGUF container, describe it as `ghostchat info` does, build the tokenizer,
/// load the model (config, shape and type checks, repacking) and run a few tokens through
/// it. Every step must either succeed or throw one of the project's error types with a
/// one-line message; anything else (a trap, a sanitizer report, a multi-line or foreign
/// error) stops the process, which is what the fuzzer looks for.
enum ModelFileProbe {
    /// The name the bytes are parsed under (errors name it).
    static let fileName = "fuzz-input.gguf"

    /// Largest model (in parameters) the probe runs tokens through; loading is checked for
    /// any size, but a forward pass over a big replayed file would only cost time.
    static let maxForwardParameters = 64 << 20

    /// Runs the whole pipeline on `bytes` and returns a one-line account of how far it got.
    @discardableResult
    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        let file: GGUFFile
        do {
            file = try GGUFFile(mapping: GGUFMapping(copying: bytes, path: fileName))
        } catch {
            return "refused: " + ProbeCheck.message(of: error, expecting: GGUFError.self)
        }
        describe(file)
        var steps = ["parsed \(file.tensors.count) tensors, \(file.metadata.count) keys"]

        do {
            let tokenizer = try Tokenizer(gguf: file)
            exercise(tokenizer)
            steps.append("tokenizer \(tokenizer.vocabularySize) tokens")
        } catch {
            steps.append("no tokenizer: " + ProbeCheck.message(of: error, expecting: TokenizerError.self))
        }

        do {
            let model = try LlamaModel(file: file, contextLength: 8, threads: 1, batchSize: 4)
            steps.append("model loaded")
            if file.parameterCount <= maxForwardParameters {
                try generate(with: model)
                steps.append("generated")
            }
        } catch {
            steps.append("no model: " + ProbeCheck.message(of: error, expecting: ModelError.self))
        }
        return steps.joined(separator: "; ")
    }

    /// Reads everything `ghostchat info` and the transcript header read, and every value.
    private static func describe(_ file: GGUFFile) {
        var sink = 0
        for (key, value) in file.metadata {
            precondition(file[key] != nil, "metadata key \(key) not found by lookup")
            sink &+= touch(value)
            sink &+= value.description.utf8.count
        }
        for tensor in file.tensors {
            precondition(file.tensor(named: tensor.name) == tensor, "tensor lookup disagrees")
            precondition(tensor.fileOffset + tensor.byteCount <= file.fileSize, "tensor past the end")
            let bytes = file.bytes(for: tensor)
            if let first = bytes.first, let last = bytes.last { sink &+= Int(first) &+ Int(last) }
            sink &+= tensor.elementCount &+ tensor.rowCount &+ tensor.rowByteCount
        }
        sink &+= file.parameterCount &+ file.tensorTypeHistogram.count
        sink &+= file.summary.utf8.count &+ (file.fileType?.name.utf8.count ?? 0)
        ProbeCheck.requireOneLine(file.summary, what: "summary")
        // `ghostchat info` prints the shape when the config reads, and derives GQA from it.
        if let config = try? LlamaConfig(gguf: file) {
            sink &+= config.headCount / config.kvHeadCount &+ config.qDim &+ config.kvDim
        }
        blackHole(sink)
    }

    /// Decodes `value` completely (arrays stay in the mapping until asked), the way the
    /// loader asks for them: as strings, floats or integers; nested arrays element by element.
    private static func touch(_ value: GGUFValue) -> Int {
        var sink = (value.intValue ?? 0) &+ (value.stringValue?.utf8.count ?? 0)
        sink &+= value.doubleValue.map { Int($0.isFinite ? 1 : 0) } ?? 0
        if let array = value.arrayValue {
            switch array.elementType {
            case .string: sink &+= array.strings?.count ?? 0
            case .array: for element in array.values { sink &+= touch(element) }
            default: sink &+= (array.floats?.count ?? 0) &+ (array.ints?.count ?? 0)
            }
        }
        return sink
    }

    /// Texts that reach the tokenizer's odd corners: empty, spaces, multi-byte characters,
    /// byte fallback, control characters, text that looks like special tokens.
    static let texts = [
        "", " ", "  ", "Hello, world!", "héllo wörld ✓ 🎉 日本語", "<s>[INST] <<SYS>>\nhi\n<</SYS>> [/INST]",
        "\u{0}\u{1b}[2J\u{7f}\t\r\n", String(repeating: "ab ", count: 20), "\u{202e}txt.exe",
    ]

    private static func exercise(_ tokenizer: Tokenizer) {
        for text in texts {
            let ids = tokenizer.encode(text)
            for id in ids { precondition(tokenizer.isValid(id), "encode produced an invalid id \(id)") }
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            let streamed = ids.map { decoder.append($0) }.joined() + decoder.flush()
            precondition(streamed == tokenizer.decode(ids), "streaming and whole decoding disagree")
        }
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var sink = 0
        for id in 0..<Token(min(tokenizer.vocabularySize, 512)) {
            sink &+= tokenizer.piece(id).utf8.count &+ tokenizer.bytes(of: id).count
            sink &+= decoder.append(id).utf8.count &+ (tokenizer.isControl(id) ? 1 : 0)
        }
        sink &+= decoder.flush().utf8.count
        _ = tokenizer.token(forPiece: "▁the")
        blackHole(sink)
    }

    /// A short prompt, all its logits, then a few sampled tokens, as a chat turn does.
    private static func generate(with model: LlamaModel) throws {
        let tokenizer = model.tokenizer
        let prompt = Array(tokenizer.encode("Hello, ghost!").prefix(5))
        let logits = try model.evaluate(prompt, logits: .all)
        precondition(logits.count == prompt.count * model.config.vocabularySize, "wrong logits count")
        model.reset()
        for temperature: Float in [0, 0.8] {
            var settings = SamplerSettings()
            settings.temperature = temperature
            settings.repeatPenalty = 1.1
            settings.seed = 7
            var sampler = Sampler(settings: settings)
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            try model.generate(prompt: prompt, maxTokens: 2, sampler: &sampler) { token in
                precondition(tokenizer.isValid(token), "sampled token \(token) is outside the vocabulary")
                _ = decoder.append(token)
                return true
            }
            _ = decoder.flush()
            model.truncate(to: 1)
        }
    }

    /// Keeps computed values alive so the optimizer cannot drop the reads.
    @inline(never)
    private static func blackHole(_ value: Int) {
        if value == 0x5eed_f00d { print("") }
    }
}
