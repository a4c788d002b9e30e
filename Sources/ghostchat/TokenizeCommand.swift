import ArgumentParser
import Chat
import Foundation
import GGUF
import SafeText
import Tokenizer

/// `ghostchat tokenize`: print token ids or pieces (works on vocabulary-only files).
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the tokens of TEXT (ids, space-separated, by default)."
    )

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model or vocabulary file.")
    var model: String
    @Flag(name: .customLong("no-bos"), help: "Do not add the beginning-of-sequence token.")
    var noBOS = false
    @Flag(name: .customLong("special"), help: "Parse special tokens (like llama.cpp's --parse-special): <|im_end|> becomes its id.")
    var special = false
    @Flag(name: .customLong("ids"), help: "Print the ids, space-separated (the default).")
    var ids = false
    @Flag(name: .customLong("pieces"), help: "Print one 'id<TAB>piece' line per token, the piece escaped.")
    var pieces = false
    @Option(name: .customLong("file"), help: "Read the text from this file instead of the argument.")
    var file: String?
    @Flag(name: .customLong("timing"), help: "Print tokens/s and MB/s to stderr.")
    var timing = false
    @Argument(help: "The text to tokenize.")
    var text: String?

    func validate() throws {
        if file == nil && text == nil { throw ValidationError("give TEXT or --file PATH") }
        if file != nil && text != nil { throw ValidationError("give TEXT or --file PATH, not both") }
        if ids && pieces { throw ValidationError("--ids and --pieces exclude each other") }
    }

    func run() throws {
        let gguf = try GGUFFile(path: model)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: gguf)
        } catch {
            throw ValidationError("\(model): \(error)")
        }
        var input = text ?? ""
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            input = String(decoding: data, as: UTF8.self)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let tokens = tokenizer.encode(input, addBOS: noBOS ? false : nil, parseSpecial: special)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if pieces {
            var out = ""
            for token in tokens {
                let bytes = tokenizer.bytes(of: token)
                let piece = bytes.isEmpty ? tokenizer.piece(token) : String(decoding: bytes, as: UTF8.self)
                out += "\(token)\t\(SafeText.quoted(piece, escapingBackslashes: true))\n"
            }
            print(out, terminator: "")
        } else {
            print(tokens.map(String.init).joined(separator: " "))
        }
        if timing {
            let megabytes = Double(input.utf8.count) / 1e6
            let line = String(format: "%d tokens, %.3f MB in %.4f s: %.0f tokens/s, %.2f MB/s\n",
                              tokens.count, megabytes, seconds, Double(tokens.count) / max(seconds, 1e-9), megabytes / max(seconds, 1e-9))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
