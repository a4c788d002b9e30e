import Foundation
import Jinja
import Tokenizer

/// Renders conversations with a Jinja chat template, in the environment llama.cpp and
/// Hugging Face give it: `messages`, `add_generation_prompt`, `bos_token`, `eos_token`.
///
/// Message content is passed as data, so the interpreter keeps track of which output came
/// from a message: that text is never parsed for special tokens, whatever it contains.
public struct JinjaConversationRenderer: ConversationRenderer {
    public let templateName: String
    private let template: JinjaTemplate
    private let bosToken: String
    private let eosToken: String

    public init(source: String, name: String, tokenizer: Tokenizer) throws {
        templateName = name
        do { template = try JinjaTemplate(source: source, name: name) } catch { throw ChatError(error.description) }
        bosToken = tokenizer.piece(tokenizer.bos)
        eosToken = tokenizer.piece(tokenizer.eos)
    }

    public func render(_ messages: [RenderMessage], addGenerationPrompt: Bool) throws -> [RenderedRun] {
        let list: [JinjaValue] = messages.map { message in
            .object([("role", .text(message.role.rawValue)), ("content", .data(message.content))])
        }
        let context: [String: JinjaValue] = [
            "messages": .array(list),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .text(bosToken),
            "eos_token": .text(eosToken),
        ]
        let output: JinjaOutput
        do {
            output = try template.render(context)
        } catch {
            if let raised = error.raisedMessage { throw ChatError("\(templateName): the template refused the conversation: \(raised)") }
            throw ChatError(error.description)
        }
        return output.runs.map { RenderedRun($0.text, isMessage: $0.isData) }
    }
}
