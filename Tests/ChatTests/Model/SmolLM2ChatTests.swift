import Chat
import ChatLlama
import Foundation
import Llama
import TestSupport
import XCTest

/// A real trained chat model with its own Jinja template, end to end: the same greedy replies
/// as llama.cpp's chat completion (`smollm2-chat.ref.json`).
final class SmolLM2ChatTests: XCTestCase {
    struct Case: Decodable {
        struct Message: Decodable { var role: String; var content: String }
        var messages: [Message]
        var reply: String
    }

    func testGreedyRepliesMatchLlamaCpp() throws {
        let path = try FixtureLocator.smolLM2()
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: try FixtureLocator.shared("smollm2-chat.ref.json"))))
        let model = try LlamaModel(path: path, contextLength: 512, threads: 2)
        for item in cases {
            var sampling = SamplingParameters()
            sampling.temperature = 0
            let system = item.messages.first { $0.role == "system" }?.content ?? ""
            let session = ChatSession(engine: LlamaChatEngine(model: model),
                                      options: SessionOptions(template: .model, system: SystemPrompt(text: system), sampling: sampling, maxReplyTokens: 48),
                                      store: nil)
            XCTAssertEqual(session.setupWarnings, [])
            let user = try XCTUnwrap(item.messages.last?.content)
            let reply = try session.reply(to: user)
            XCTAssertEqual(reply.text, item.reply, "reply to \(user.debugDescription)")
        }
    }

    func testPlainChatAnswersParis() throws {
        let home = try temporaryDirectory(self)
        let result = try GhostchatProcess.run(["chat", "--plain", "-m", try FixtureLocator.smolLM2(), "--temp", "0", "-n", "48",
                                               "--system", "You are a helpful assistant."],
                                              input: "What is the capital of France?\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Paris"), result.stdout)
        XCTAssertFalse(result.stderr.contains("warning"), result.stderr)
    }
}
