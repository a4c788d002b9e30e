import Chat
import ChatLlama
import Foundation
import GGUF
import Llama
import TestSupport
import Tokenizer
import XCTest

/// A real trained chat model (SmolLM2-135M-Instruct Q4_1) through the session manager with its
/// own Jinja template, against llama.cpp's chat (`smollm2-chat.ref.json`: greedy replies with
/// the margin of every reply token).
///
/// This 135M model has many near ties (for "What is the capital of France?" the first reply
/// token is "La" 24.07 against "The" 23.93), so free-running text can be compared only up to
/// the first step whose margin is under 0.15 logit std (`safe_prefix`, 0–2 tokens here).
/// Coverage comes from teacher forcing llama.cpp's reply and comparing the argmax wherever its
/// margin is clear.
final class SmolLM2ChatTests: XCTestCase {
    static let clearMargin = 0.15

    struct Conversation: Decodable {
        struct Message: Decodable { var role: String; var content: String }
        var messages: [Message]
        var reply: String
        var reply_ids: [Token]
        var margins: [Double]
        var safe_prefix: String
        var safe_tokens: Int

        var system: String { messages.first { $0.role == "system" }?.content ?? "" }
        var user: String { messages.last { $0.role == "user" }?.content ?? "" }
    }

    struct Prompt: Decodable {
        var prompt_ids: [Token]
    }

    func conversations() throws -> [(Conversation, Prompt)] {
        let chats = try JSONDecoder().decode([Conversation].self, from: Data(contentsOf: URL(fileURLWithPath: try FixtureLocator.shared("smollm2-chat.ref.json"))))
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/smollm2-chat-prompts.ref.json")
        let prompts = try JSONDecoder().decode([Prompt].self, from: Data(contentsOf: url))
        XCTAssertEqual(chats.count, prompts.count)
        XCTAssertFalse(chats.isEmpty)
        return Array(zip(chats, prompts))
    }

    /// The prompt the session manager plans for the conversation, with the model's own template.
    func plannedPrompt(_ conversation: Conversation, tokenizer: Tokenizer, template source: String) throws -> [Token] {
        let choice = TemplateChoice.resolve(.model, source: source, origin: "SmolLM2's template", tokenizer: tokenizer)
        XCTAssertNil(choice.fallback)
        let planner = ContextPlanner(renderer: TemplateRenderer(tokenizer: tokenizer, template: choice.template), contextLength: 512, reserve: 64)
        return try planner.plan(system: conversation.system, live: [], user: conversation.user).tokens
    }

    func testPromptIdsAndTeacherForcedReplyMatchLlamaCpp() throws {
        let model = try LlamaModel(path: try FixtureLocator.smolLM2(), contextLength: 512, threads: 2)
        let source = try XCTUnwrap(model.file.string("tokenizer.chat_template"))
        let vocab = model.config.vocabularySize
        var checked = 0
        for (conversation, reference) in try conversations() {
            let prompt = try plannedPrompt(conversation, tokenizer: model.tokenizer, template: source)
            XCTAssertEqual(prompt, reference.prompt_ids, "\(conversation.user): prompt ids")
            model.reset()
            let sequence = prompt + conversation.reply_ids
            let logits = try model.evaluate(sequence, logits: .all)
            for (step, margin) in conversation.margins.enumerated() where margin >= Self.clearMargin {
                let row = UnsafeBufferPointer(rebasing: logits[((prompt.count - 1 + step) * vocab)..<((prompt.count + step) * vocab)])
                let argmax = Token(LogitRow(row).argmax)
                if step < conversation.reply_ids.count {
                    XCTAssertEqual(argmax, conversation.reply_ids[step], "\(conversation.user): reply step \(step) (margin \(margin))")
                } else {
                    // llama.cpp stopped here: its top token ended the reply.
                    XCTAssertTrue(model.tokenizer.endOfGenerationTokens.contains(argmax), "\(conversation.user): end of reply at step \(step)")
                }
                checked += 1
            }
        }
        print("SmolLM2 chat: \(checked) clear reply positions compared, teacher-forced")
        XCTAssertGreaterThan(checked, 40)
    }

    /// Greedy replies through the whole session manager start with llama.cpp's safe prefix.
    func testGreedyRepliesStartWithLlamaCppsSafePrefix() throws {
        let model = try LlamaModel(path: try FixtureLocator.smolLM2(), contextLength: 512, threads: 2)
        for (conversation, _) in try conversations() {
            var sampling = SamplingParameters()
            sampling.temperature = 0
            let session = ChatSession(engine: LlamaChatEngine(model: model),
                                      options: SessionOptions(template: .model, system: SystemPrompt(text: conversation.system), sampling: sampling, maxReplyTokens: 16),
                                      store: nil)
            XCTAssertTrue(session.templateLabel.contains("jinja"), session.templateLabel)
            let reply = try session.reply(to: conversation.user)
            print("SmolLM2 \(conversation.user.debugDescription): ours \(reply.text.debugDescription) | llama.cpp \(conversation.reply.prefix(60).debugDescription)")
            XCTAssertTrue(reply.text.hasPrefix(conversation.safe_prefix), "\(conversation.user): \(reply.text.debugDescription) should start with \(conversation.safe_prefix.debugDescription)")
        }
    }

    /// The plain chat runs the real model end to end and answers (whatever this tiny model says).
    func testPlainChatAnswers() throws {
        let home = try temporaryDirectory(self)
        let result = try GhostchatProcess.run(
            ["chat", "--plain", "-m", try FixtureLocator.smolLM2(), "--temp", "0", "-t", "2", "-n", "16",
             "--system", "You are a helpful assistant."],
            input: "What is the capital of France?\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, result.stderr)
    }
}
