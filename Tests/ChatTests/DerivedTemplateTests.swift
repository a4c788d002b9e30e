import Chat
import XCTest

/// Layout learning from renderings, with hand-written renderers standing in for templates
/// (the Jinja-backed ones are tested against llama.cpp in ModelTemplateTests).
final class DerivedTemplateTests: XCTestCase {
    /// A renderer from a closure over the messages.
    struct Rendering: ConversationRenderer {
        var templateName = "test"
        var body: ([RenderMessage], Bool) throws -> [RenderedRun]
        func render(_ messages: [RenderMessage], addGenerationPrompt: Bool) throws -> [RenderedRun] {
            try body(messages, addGenerationPrompt)
        }
    }

    /// Splits the markers these tests use into `.special`, like the tokenizer's partition.
    static func split(_ text: String) -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var rest = Substring(text)
        let markers = ["<|im_start|>", "<|im_end|>", "<s>", "</s>", "<start_of_turn>", "<end_of_turn>"]
        while !rest.isEmpty {
            let hits = markers.compactMap { m in rest.range(of: m).map { (m, $0) } }
            guard let (marker, range) = hits.min(by: { $0.1.lowerBound < $1.1.lowerBound }) else { parts.append(.text(String(rest))); break }
            if range.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<range.lowerBound]))) }
            parts.append(marker == "<s>" ? .bos : marker == "</s>" ? .eos : .special(marker))
            rest = rest[range.upperBound...]
        }
        return parts
    }

    static func t(_ s: String) -> RenderedRun { RenderedRun(s, isMessage: false) }
    static func m(_ s: String) -> RenderedRun { RenderedRun(s, isMessage: true) }

    static let chatML = Rendering { messages, generation in
        var runs: [RenderedRun] = []
        for message in messages { runs += [t("<|im_start|>\(message.role.rawValue)\n"), m(message.content), t("<|im_end|>\n")] }
        if generation { runs.append(t("<|im_start|>assistant\n")) }
        return runs
    }

    /// Llama 2-Chat as its Jinja template renders: system inside the first [INST], a space
    /// before EOS that the model does not write itself.
    static let llama2 = Rendering { messages, _ in
        var runs: [RenderedRun] = []
        var system: String?
        for message in messages {
            switch message.role {
            case .system: system = message.content
            case .user:
                runs.append(t("<s>[INST] "))
                if let s = system { runs += [t("<<SYS>>\n"), m(s), t("\n<</SYS>>\n\n")]; system = nil }
                runs += [m(message.content), t(" [/INST]")]
            case .assistant: runs += [t(" "), m(message.content), t(" </s>")]
            }
        }
        return runs
    }

    /// Gemma 2: raises on a system message.
    static let gemma2 = Rendering { messages, generation in
        var runs: [RenderedRun] = [t("<s>")]
        for message in messages {
            if message.role == .system { throw ChatError("System role not supported") }
            let role = message.role == .assistant ? "model" : "user"
            runs += [t("<start_of_turn>\(role)\n"), m(message.content), t("<end_of_turn>\n")]
        }
        if generation { runs.append(t("<start_of_turn>model\n")) }
        return runs
    }

    /// Mistral v0.3: the system message goes into the last user turn.
    static let mistral3 = Rendering { messages, _ in
        let system = messages.first { $0.role == .system }?.content
        let rest = messages.filter { $0.role != .system }
        var runs: [RenderedRun] = [t("<s>")]
        let lastUser = rest.lastIndex { $0.role == .user }
        for (index, message) in rest.enumerated() {
            if message.role == .user {
                runs.append(t("[INST] "))
                if index == lastUser, let system { runs += [m(system), t("\n\n")] }
                runs += [m(message.content), t("[/INST]")]
            } else {
                runs += [m(message.content), t("</s>")]
            }
        }
        return runs
    }

    func testChatMLLayout() throws {
        let template = try DerivedChatTemplate(renderer: Self.chatML, split: Self.split)
        // The pinned turn runs up to the first user message, its header included.
        XCTAssertEqual(template.systemParts(system: "S"), [.special("<|im_start|>"), .text("system\n"), .text("S"), .special("<|im_end|>"), .text("\n"),
                                                            .special("<|im_start|>"), .text("user\n")])
        XCTAssertEqual(template.systemParts(system: ""), [.special("<|im_start|>"), .text("user\n")])
        XCTAssertEqual(template.userParts("hi", followsSystem: true, hasSystem: true),
                       [.text("hi"), .special("<|im_end|>"), .text("\n"), .special("<|im_start|>"), .text("assistant\n")])
        XCTAssertEqual(template.replyEndParts, [.special("<|im_end|>"), .text("\n"), .special("<|im_start|>"), .text("user\n")])
        XCTAssertEqual(template.stopPieces, ["<|im_end|>"])
        XCTAssertFalse(template.layout.systemInFirstUser)
    }

    func testLlama2LayoutDropsTheTemplatesSpaceBeforeEOS() throws {
        let template = try DerivedChatTemplate(renderer: Self.llama2, addBOS: true, split: Self.split)
        XCTAssertEqual(template.systemParts(system: "S"), [.bos, .text("[INST] <<SYS>>\n"), .text("S"), .text("\n<</SYS>>\n\n")])
        // The space after [INST] travels with the user's text, which it joins in tokenization.
        XCTAssertEqual(template.systemParts(system: ""), [.bos, .text("[INST]")])
        XCTAssertEqual(template.userParts("hi", followsSystem: false, hasSystem: true), [.text(" hi"), .text(" [/INST]")])
        XCTAssertEqual(template.userParts("hi", followsSystem: true, hasSystem: true), [.text("hi"), .text(" [/INST]")])
        XCTAssertEqual(template.userParts("hi", followsSystem: true, hasSystem: false), [.text(" hi"), .text(" [/INST]")])
        XCTAssertEqual(template.replyEndParts, [.eos, .bos, .text("[INST]")])
        XCTAssertEqual(template.layout.userToReply.text, " [/INST] ")
    }

    func testTemplateWithoutSystemRoleGetsItInTheFirstUserTurn() throws {
        let template = try DerivedChatTemplate(renderer: Self.gemma2, addBOS: true, split: Self.split)
        XCTAssertTrue(template.layout.systemInFirstUser)
        XCTAssertEqual(template.systemParts(system: "S"), [.bos, .special("<start_of_turn>"), .text("user\n"), .text("S"), .text("\n\n")])
        XCTAssertEqual(template.replyEndParts, [.special("<end_of_turn>"), .text("\n"), .special("<start_of_turn>"), .text("user\n")])
    }

    func testSystemMessageOutsideThePrefixIsPinnedInTheFirstUserTurn() throws {
        let template = try DerivedChatTemplate(renderer: Self.mistral3, addBOS: true, split: Self.split)
        XCTAssertTrue(template.layout.systemInFirstUser)
        XCTAssertEqual(template.systemParts(system: "S"), [.bos, .text("[INST] "), .text("S"), .text("\n\n")])
        XCTAssertEqual(template.systemParts(system: ""), [.bos, .text("[INST]")])
    }

    func testContentDependentTemplateIsRefused() {
        // Renders a message differently when it is long: no fixed layout can follow it.
        let odd = Rendering { messages, generation in
            var runs: [RenderedRun] = []
            for message in messages { runs += [Self.t(message.content.count > 12 ? "<long>" : "<short>"), Self.m(message.content)] }
            return runs + (generation ? [Self.t("<go>")] : [])
        }
        XCTAssertThrowsError(try DerivedChatTemplate(renderer: odd, split: Self.split)) { error in
            XCTAssertTrue("\(error)".contains("test:"), "\(error)")
        }
    }

    func testTemplateThatRaisesOnEverythingIsAnError() {
        let broken = Rendering { _, _ in throw ChatError("test: boom") }
        XCTAssertThrowsError(try DerivedChatTemplate(renderer: broken, split: Self.split))
    }
}
