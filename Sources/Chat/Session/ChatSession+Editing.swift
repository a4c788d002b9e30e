import Foundation

extension ChatSession {
    /// Takes back the latest user message and its reply, if it got one (a message too long
    /// for the context did not): they stay in the transcript, marked withdrawn, and leave the
    /// model's context. Returns the user's text (a front end can put it back in the editor).
    @discardableResult
    public func undo() throws -> String {
        let messages = transcript.messages
        func live(_ i: Int, _ role: ChatRole) -> Bool {
            messages[i].kind == .message && messages[i].role == role && !messages[i].isWithdrawn
        }
        guard let user = messages.indices.last(where: { live($0, .user) }) else { throw ChatError("nothing to undo") }
        let reply = messages.indices[(user + 1)...].first { live($0, .assistant) }
        for index in [user] + (reply.map { [$0] } ?? []) {
            transcript.messages[index].withdrawn = true
            persist(messageAt: index)
        }
        persistMetadata()
        return messages[user].content
    }

    /// Your last message still in the chat (not taken back), if any.
    public var lastUserMessage: String? {
        transcript.messages.last { $0.kind == .message && $0.role == .user && !$0.isWithdrawn }?.content
    }

    /// What a front end says after `undo()` took back `text`.
    public static func tookBackNotice(_ text: String) -> String {
        "took back \"\(text.prefix(40))\" and its reply, if any"
    }

    /// Generates the latest reply again. The old exchange is withdrawn (kept for the record)
    /// and the same user text is sent anew; the new reply gets a seed of its own, so it differs.
    @discardableResult
    public func retry(onText: (String) -> Void = { _ in }) throws -> ReplyResult {
        guard exchanges().last != nil else { throw ChatError("nothing to retry yet") }
        let text = try undo()
        return try reply(to: text, onText: onText)
    }

    /// A new chat with this one's engine, storage, system message and settings.
    public func fresh() -> ChatSession {
        let options = SessionOptions(
            template: metadata.template, templateSource: metadata.templateSource, system: system, sampling: metadata.sampling,
            maxReplyTokens: metadata.maxReplyTokens, reinforceSystem: metadata.reinforceSystem,
            checkReplies: metadata.checkReplies, checkRetries: metadata.checkRetries)
        let chat = ChatSession(engine: engine, options: options, store: store)
        chat.onEvent = onEvent
        chat.contextLog = contextLog
        // The KV cache still holds this chat's tokens; the new chat starts from the same
        // pinned system turn, so let it reuse them.
        chat.cachedTokens = cachedTokens
        return chat
    }

    /// Switches the chat template from the next reply on. What the model sees is rendered
    /// anew (the cache keeps whatever prefix still matches).
    public func setTemplate(_ name: TemplateName) {
        transcript.metadata.template = name
        let choice = Self.chooseTemplate(name, source: metadata.templateSource, engine: engine)
        renderer = TemplateRenderer(tokenizer: engine.tokenizer, template: choice.template)
        templateLabel = choice.label
        for warning in choice.warnings + renderer.warnings { emit(.warning(warning)) }
        persistMetadata()
    }

    /// Names accepted by `set(_:to:)`.
    public static let settingNames = ["temp", "top-k", "top-p", "min-p", "repeat-penalty", "repeat-last-n", "seed", "n"]

    /// Changes one sampler setting (names as on the command line) from the next reply on.
    public func set(_ name: String, to value: String) throws {
        var sampling = metadata.sampling
        var maxReply = metadata.maxReplyTokens
        func number<T: LosslessStringConvertible>(_: T.Type) throws -> T {
            guard let parsed = T(value) else { throw ChatError("/set \(name): '\(value)' is not a number") }
            return parsed
        }
        switch name.lowercased() {
        case "temp", "temperature": sampling.temperature = try number(Float.self)
        case "top-k", "top_k": sampling.topK = try number(Int.self)
        case "top-p", "top_p": sampling.topP = try number(Float.self)
        case "min-p", "min_p": sampling.minP = try number(Float.self)
        case "repeat-penalty": sampling.repeatPenalty = try number(Float.self)
        case "repeat-last-n": sampling.repeatLastN = try number(Int.self)
        case "seed": sampling.seed = try number(UInt64.self)
        case "n", "n-predict":
            maxReply = try number(Int.self)
            // As -n on the command line: a reply of no tokens is not a reply.
            guard maxReply > 0 || maxReply == -1 else { throw ChatError("/set n: must be positive or -1 (until the model stops)") }
        default:
            throw ChatError("/set: unknown setting '\(name)' (one of: \(Self.settingNames.joined(separator: ", ")))")
        }
        if let problem = sampling.problem() { throw ChatError("/set \(name): \(problem)") }
        transcript.metadata.sampling = sampling
        transcript.metadata.maxReplyTokens = maxReply
        persistMetadata()
    }
}

extension SamplingParameters {
    /// A one-line description of an out-of-range value, or nil.
    public func problem() -> String? {
        if !temperature.isFinite { return "temperature must be a finite number" }
        if topK < 0 { return "top-k must be 0 (off) or positive" }
        if !(0...1).contains(topP) { return "top-p must be between 0 and 1" }
        if !(0...1).contains(minP) { return "min-p must be between 0 and 1" }
        if !(repeatPenalty > 0) || !repeatPenalty.isFinite { return "repeat penalty must be positive" }
        if repeatLastN < 0 { return "repeat-last-n must be 0 or positive" }
        return nil
    }
}
