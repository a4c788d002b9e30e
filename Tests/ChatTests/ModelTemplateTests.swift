import Chat
import Foundation
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// The model's own Jinja template, learned and planned by the session manager, gives the
/// token ids llama.cpp feeds the model for the same conversation
/// (`tools/templates/chat-token-references.py` wrote the references).
final class ModelTemplateTests: XCTestCase {
    struct Reference: Decodable {
        struct Conversation: Decodable {
            var rendered: String
            var ids: [Token]
            var reply_ids: [[Token]]
        }
        struct Vocabulary: Decodable {
            var add_bos: Bool
            var conversations: [String: Conversation]
        }
        var system: String
        var users: [String]
        var vocabularies: [String: Vocabulary]
    }

    static func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/chat-tokens.ref.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func check(_ name: String, path: String) throws {
        let reference = try Self.reference()
        let vocabulary = try XCTUnwrap(reference.vocabularies[name])
        let file = try GGUFFile(path: path)
        let tokenizer = try Tokenizer(gguf: file)
        let source = try XCTUnwrap(file.string("tokenizer.chat_template"))
        let choice = TemplateChoice.resolve(.model, source: source, origin: "\(name)'s template", tokenizer: tokenizer)
        XCTAssertEqual(choice.warnings, [], name)
        XCTAssertNil(choice.fallback, name)
        let planner = ContextPlanner(renderer: TemplateRenderer(tokenizer: tokenizer, template: choice.template), contextLength: 4096, reserve: 16)
        XCTAssertFalse(vocabulary.conversations.isEmpty)
        for (key, conversation) in vocabulary.conversations.sorted(by: { $0.key < $1.key }) {
            let system = key.hasPrefix("no-system") ? "" : reference.system
            let turns = conversation.reply_ids.count
            let live = (0..<turns).map { ContextPlanner.Exchange(index: $0, user: reference.users[$0], reply: conversation.reply_ids[$0]) }
            let plan = try planner.plan(system: system, live: live, user: reference.users[turns])
            XCTAssertEqual(plan.tokens, conversation.ids, "\(name) \(key): \(conversation.rendered.debugDescription)")
        }
    }

    func testLlama2() throws { try check("tiny-llama", path: try FixtureLocator.shared("tiny-llama-f16.gguf")) }
    func testSmolLM2ChatML() throws { try check("smollm2", path: try FixtureLocator.smolLM2()) }
    func testLlama3() throws { try check("llama3-vocab", path: try FixtureLocator.shared("llama3-vocab.gguf")) }

    func testBrokenTemplateFallsBackWithOneLineWarning() throws {
        let tokenizer = try Fixtures.llamaTokenizer()
        for source in ["{% if messages %}[INST] {{ messages[0]['content'] }}", "{% for m in messages %}{{ raise_exception('no') }}{% endfor %}"] {
            let choice = TemplateChoice.resolve(.model, source: source, origin: "broken.jinja", tokenizer: tokenizer)
            XCTAssertNotNil(choice.fallback)
            XCTAssertEqual(choice.warnings.count, 1)
            XCTAssertFalse(choice.warnings[0].contains("\n"), choice.warnings[0])
            XCTAssertTrue(choice.warnings[0].contains("broken.jinja"), choice.warnings[0])
        }
    }

    func testModelWithoutTemplateFallsBack() throws {
        let choice = TemplateChoice.resolve(.model, source: nil, origin: "x", tokenizer: try Fixtures.llamaTokenizer())
        XCTAssertEqual(choice.fallback, .llama2)
        XCTAssertTrue(choice.warnings[0].contains("no chat template"))
    }
}
