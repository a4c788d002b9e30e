import ArgumentParser
import Foundation
import GGUF
import Tokenizer

/// `ghostchat tokenize`: print token ids (works on vocabulary-only files).
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of TEXT, space-separated."
    )

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model or vocabulary file.")
    var model: String
    @Flag(name: .customLong("no-bos"), help: "Do not add the beginning-of-sequence token.")
    var noBOS = false
    @Argument(help: "The text to tokenize.")
    var text: String

    func run() throws {
        let file = try GGUFFile(path: model)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: file)
        } catch {
            throw ValidationError("\(model): \(error)")
        }
        let ids = tokenizer.encode(text, addBOS: noBOS ? false : nil)
        print(ids.map(String.init).joined(separator: " "))
    }
}
