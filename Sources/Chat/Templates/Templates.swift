// The formats. Layouts follow llama.cpp's llama-chat.cpp; where a reply ends, only what the
// model itself produces (usually EOS) is used, so the tokens the KV cache holds after a reply
// are exactly the tokens of the rendering and the next turn reuses them.

/// Llama 2-Chat: `<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {reply}</s><s>[INST] {user} [/INST]`.
public struct Llama2Template: ChatTemplate {
    public init() {}
    public var name: TemplateName { .llama2 }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text("[INST] <<SYS>>\n\(system)\n<</SYS>>\n\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        // The first user message shares the system turn's [INST] block and its BOS.
        if followsSystem && hasSystem { return [.text("\(text) [/INST]")] }
        return followsSystem ? [.text("[INST] \(text) [/INST]")] : [.bos, .text("[INST] \(text) [/INST]")]
    }
    public var replyEndParts: [TemplatePart] { [.eos] }
}

/// Mistral instruct: no system slot, so the system text opens the first `[INST]` block.
public struct MistralTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .mistral }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text("[INST] \(system)\n\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        followsSystem && hasSystem ? [.text("\(text) [/INST]")] : [.text("[INST] \(text) [/INST]")]
    }
    public var replyEndParts: [TemplatePart] { [.eos] }
}

/// Vicuna v1.1: `{system}\n\nUSER: {user}\nASSISTANT: {reply}</s>\n`.
public struct VicunaTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .vicuna }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text("\(system)\n\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.text("USER: \(text)\nASSISTANT:")]
    }
    public var replyEndParts: [TemplatePart] { [.eos, .text("\n")] }
}

/// Falcon-Instruct (7B/40B): plain-text roles, `{system}\n\nUser: {user}\nAssistant: {reply}`
/// then EOS and a newline. Its roles are ordinary text, so a reply also ends where the model
/// starts the next `User:` line itself.
public struct FalconInstructTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .falcon }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text("\(system)\n\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.text("User: \(text)\nAssistant:")]
    }
    public var replyEndParts: [TemplatePart] { [.eos, .text("\n")] }
    public var stopTexts: [String] { ["\nUser:"] }
}

/// ChatML (MPT-chat, Qwen, many others): `<|im_start|>role\n{content}<|im_end|>\n`.
public struct ChatMLTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .chatml }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .special("<|im_start|>"), .text("system\n\(system)"), .special("<|im_end|>"), .text("\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.special("<|im_start|>"), .text("user\n\(text)"), .special("<|im_end|>"), .text("\n"),
         .special("<|im_start|>"), .text("assistant\n")]
    }
    public var replyEndParts: [TemplatePart] { [.special("<|im_end|>"), .text("\n")] }
    public var stopPieces: [String] { ["<|im_end|>"] }
}

/// Llama 3 instruct: header tokens around each role, `<|eot_id|>` after each message.
public struct Llama3Template: ChatTemplate {
    public init() {}
    public var name: TemplateName { .llama3 }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .special("<|start_header_id|>"), .text("system"), .special("<|end_header_id|>"),
                                   .text("\n\n\(system)"), .special("<|eot_id|>")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.special("<|start_header_id|>"), .text("user"), .special("<|end_header_id|>"), .text("\n\n\(text)"), .special("<|eot_id|>"),
         .special("<|start_header_id|>"), .text("assistant"), .special("<|end_header_id|>"), .text("\n\n")]
    }
    public var replyEndParts: [TemplatePart] { [.special("<|eot_id|>")] }
    public var stopPieces: [String] { ["<|eot_id|>"] }
}

/// Zephyr: `<|system|>\n{system}</s>\n<|user|>\n{user}</s>\n<|assistant|>\n{reply}</s>\n`.
/// Its role markers are ordinary text in Zephyr's vocabulary; only `</s>` is special.
public struct ZephyrTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .zephyr }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text("<|system|>\n\(system)"), .eos, .text("\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.text("<|user|>\n\(text)"), .eos, .text("\n<|assistant|>\n")]
    }
    public var replyEndParts: [TemplatePart] { [.eos, .text("\n")] }
}

/// Plain completion: the system text (if any) then each message as-is, no markers.
public struct CompletionTemplate: ChatTemplate {
    public init() {}
    public var name: TemplateName { .completion }
    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? [.bos] : [.bos, .text(system + "\n")]
    }
    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        [.text(text)]
    }
    public var replyEndParts: [TemplatePart] { [] }
}
