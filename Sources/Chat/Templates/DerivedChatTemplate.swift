/// A chat layout learned from a model's own template by rendering it.
///
/// The session manager needs a conversation split into a pinned system turn and uniform
/// exchanges (user text, the assistant header, the reply, what closes it). Rather than
/// guessing that from the Jinja source, the template is rendered with placeholder messages and
/// the text between the placeholders is read off: what comes before and after the system
/// message, what follows every user message when a reply is asked for, and what follows every
/// reply. The layout is then checked against renderings of ordinary conversations, so a
/// template whose output depends on the content in ways the split cannot express is refused
/// (and the caller falls back to a built-in format) instead of silently rendering wrongly.
///
/// Templates without a system role (they raise, or drop the system message) get it the way
/// llama.cpp polyfills it: prepended to the first user message, followed by a blank line. The
/// same happens to templates that place the system message anywhere but the front (Mistral
/// v0.3 repeats it in the last user turn), because only a prefix can stay pinned.
public struct DerivedChatTemplate: ChatTemplate {
    /// The learned text between the placeholders, as runs (for checks and `/context`).
    public struct Layout: Sendable, Equatable {
        /// Before the system message.
        public var lead: [RenderedRun]
        /// After the system message, up to the first user message.
        public var systemToUser: [RenderedRun]
        /// Before the first user message when there is no system message.
        public var leadWithoutSystem: [RenderedRun]
        /// After a user message when a reply is asked for (the assistant header).
        public var generationPrompt: [RenderedRun]
        /// After a reply up to the next user message, as the template writes it.
        public var replyToUser: [RenderedRun]
        /// What the template writes between a past user message and its reply (usually the
        /// generation prompt, sometimes followed by a space the model writes itself).
        public var userToReply: [RenderedRun]
        /// The system message travels inside the first user message.
        public var systemInFirstUser: Bool
    }

    public var name: TemplateName { .model }
    /// The template's name for messages.
    public let templateName: String
    public let layout: Layout
    public let stopPieces: [String]
    private let leadParts: [TemplatePart]
    private let systemToUserParts: [TemplatePart]
    private let leadWithoutSystemParts: [TemplatePart]
    private let generationParts: [TemplatePart]
    private let replyEnd: [TemplatePart]
    /// Spaces that end the text before a user message, moved into the user's turn: a
    /// tokenizer joins a space to the word after it (`▁How`, `Ġhow`), so cutting the
    /// conversation between them would tokenize differently from the whole rendering.
    private let spacesAfterSystem: String
    private let spacesAfterLead: String
    private let spacesAfterReply: String

    /// Learns the layout of `renderer`'s template. `split` turns template text into parts,
    /// special tokens as `.special` (the tokenizer's special-token partition). With `addBOS`
    /// (the vocabulary's `add_bos_token`) the rendering starts with exactly one BOS, whether or
    /// not the template writes one, as llama.cpp does.
    public init(renderer: any ConversationRenderer, addBOS: Bool = false, split: (String) -> [TemplatePart]) throws {
        templateName = renderer.templateName
        layout = try Self.learn(renderer)
        try Self.verify(layout, renderer: renderer)
        func parts(_ runs: [RenderedRun]) -> [TemplatePart] {
            runs.flatMap { $0.isMessage ? [.text($0.text)] : split($0.text) }
        }
        func opening(_ runs: [RenderedRun]) -> [TemplatePart] {
            var p = parts(runs)
            guard addBOS else { return p }
            if p.first == .bos { p.removeFirst() }
            return [.bos] + p
        }
        leadParts = opening(layout.lead)
        (systemToUserParts, spacesAfterSystem) = Self.trailingSpaces(parts(layout.systemToUser))
        (leadWithoutSystemParts, spacesAfterLead) = Self.trailingSpaces(opening(layout.leadWithoutSystem))
        generationParts = parts(layout.generationPrompt)
        // The model writes its own spacing before EOS; the template's spacing in front of the
        // closing marker (Llama 2's `' ' + eos_token`) is not what the model saw.
        var closing = layout.replyToUser
        while let first = closing.first, let scalar = first.text.unicodeScalars.first, scalar.properties.isWhitespace {
            let rest = String(first.text.unicodeScalars.drop { $0.properties.isWhitespace })
            if rest.isEmpty { closing.removeFirst() } else { closing[0].text = rest }
        }
        (replyEnd, spacesAfterReply) = Self.trailingSpaces(parts(closing))
        var stops: [String] = []
        for case .special(let piece) in replyEnd.prefix(1) { stops.append(piece) }
        stopPieces = stops
    }

    public func systemParts(system: String) -> [TemplatePart] {
        system.isEmpty ? leadWithoutSystemParts : leadParts + [.text(system)] + systemToUserParts
    }

    public func userParts(_ text: String, followsSystem: Bool, hasSystem: Bool) -> [TemplatePart] {
        let spaces = !followsSystem ? spacesAfterReply : hasSystem ? spacesAfterSystem : spacesAfterLead
        return [.text(spaces + text)] + generationParts
    }

    /// `parts` without the spaces its last text ends with, and those spaces.
    static func trailingSpaces(_ parts: [TemplatePart]) -> ([TemplatePart], String) {
        guard case .text(let text)? = parts.last else { return (parts, "") }
        let kept = String(text.reversed().drop { $0 == " " }.reversed())
        let spaces = String(repeating: " ", count: text.count - kept.count)
        var trimmed = parts
        if kept.isEmpty { trimmed.removeLast() } else { trimmed[trimmed.count - 1] = .text(kept) }
        return (trimmed, spaces)
    }

    public var replyEndParts: [TemplatePart] { replyEnd }
}

// MARK: Learning

extension DerivedChatTemplate {
    /// Placeholder message text: private-use scalars no template adds or trims.
    static func mark(_ tag: String) -> String { "\u{F0000}\(tag)\u{F0001}" }

    static func conversation(system: String?, users: [String], replies: [String]) -> [RenderMessage] {
        var messages: [RenderMessage] = []
        if let system { messages.append(RenderMessage(.system, system)) }
        for (index, user) in users.enumerated() {
            messages.append(RenderMessage(.user, user))
            if index < replies.count { messages.append(RenderMessage(.assistant, replies[index])) }
        }
        return messages
    }

    static func learn(_ renderer: any ConversationRenderer) throws -> Layout {
        let users = ["u1", "u2", "u3"].map(mark), replies = ["a1", "a2"].map(mark), system = mark("s")
        let name = renderer.templateName
        // Without a system message: lead, then the uniform exchanges.
        let bare = try renderer.render(conversation(system: nil, users: users, replies: replies), addGenerationPrompt: true)
        guard let b = cut(bare, at: users[0], replies[0], users[1], replies[1], users[2]) else {
            throw ChatError("\(name): the template does not render a plain user/assistant conversation in order")
        }
        let (userToReply, replyToUser, generation) = (b[1], b[2], b[5])
        guard b[3] == userToReply, b[4] == replyToUser else {
            throw ChatError("\(name): the template renders exchanges differently from one to the next")
        }
        // With one: natively if the system message comes first, else inside the first user turn.
        var systemInFirstUser = false
        var pieces: [[RenderedRun]]?
        if let native = try? renderer.render(conversation(system: system, users: users, replies: replies), addGenerationPrompt: true),
           let c = cut(native, at: system, users[0], replies[0], users[1], replies[1], users[2]),
           c[2] == userToReply, c[3] == replyToUser, c[4] == userToReply, c[5] == replyToUser, c[6] == generation {
            pieces = c
        }
        if pieces == nil {
            systemInFirstUser = true
            let first = [system + "\n\n" + users[0]] + users.dropFirst()
            let merged = try renderer.render(conversation(system: nil, users: first, replies: replies), addGenerationPrompt: true)
            guard let c = cut(merged, at: system, users[0], replies[0], users[1], replies[1], users[2]), c[6] == generation else {
                throw ChatError("\(name): cannot find a pinned place for the system message in this template")
            }
            pieces = c
        }
        let p = pieces!
        return Layout(lead: p[0], systemToUser: p[1], leadWithoutSystem: b[0], generationPrompt: generation,
                      replyToUser: replyToUser, userToReply: userToReply, systemInFirstUser: systemInFirstUser)
    }

    /// Splits `runs` at the placeholders (each exactly once, in order) into the runs between
    /// them: before the first, between each pair, after the last.
    static func cut(_ runs: [RenderedRun], at marks: String...) -> [[RenderedRun]]? {
        let text = Array(runs.text.utf8)
        var bounds: [Range<Int>] = []
        var from = 0
        for mark in marks {
            let needle = Array(mark.utf8)
            guard let at = find(needle, in: text, from: from) else { return nil }
            bounds.append(at..<(at + needle.count))
            from = at + needle.count
        }
        // Each placeholder exactly once: nothing echoes a message twice.
        for (mark, bound) in zip(marks, bounds) {
            let needle = Array(mark.utf8)
            guard find(needle, in: text, from: 0) == bound.lowerBound, find(needle, in: text, from: bound.lowerBound + 1) == nil else { return nil }
        }
        var gaps: [Range<Int>] = []
        var start = 0
        for bound in bounds {
            gaps.append(start..<bound.lowerBound)
            start = bound.upperBound
        }
        gaps.append(start..<text.count)
        return gaps.map { slice(runs, $0) }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// The runs covering UTF-8 offsets `range` of the joined text (cuts fall on scalar
    /// boundaries: they are placeholder edges).
    private static func slice(_ runs: [RenderedRun], _ range: Range<Int>) -> [RenderedRun] {
        var result: [RenderedRun] = []
        var offset = 0
        for run in runs {
            let bytes = Array(run.text.utf8)
            let lower = max(range.lowerBound, offset), upper = min(range.upperBound, offset + bytes.count)
            if lower < upper {
                let piece = String(decoding: bytes[(lower - offset)..<(upper - offset)], as: UTF8.self)
                if let last = result.last, last.isMessage == run.isMessage {
                    result[result.count - 1].text += piece
                } else {
                    result.append(RenderedRun(piece, isMessage: run.isMessage))
                }
            }
            offset += bytes.count
        }
        return result
    }

    /// Renders ordinary conversations with the template and with the layout; they must agree
    /// to the byte, with and without a system message.
    static func verify(_ layout: Layout, renderer: any ConversationRenderer) throws {
        let system = "You are a careful assistant. Answer briefly."
        let users = ["Hello! Who are you?", "What is 2 + 2?", "And in French, please."]
        let replies = ["I am an assistant.", "4"]
        for withSystem in [true, false] {
            let messages: [RenderMessage]
            if withSystem && layout.systemInFirstUser {
                messages = conversation(system: nil, users: [system + "\n\n" + users[0]] + users.dropFirst(), replies: replies)
            } else {
                messages = conversation(system: withSystem ? system : nil, users: users, replies: replies)
            }
            let expected = try renderer.render(messages, addGenerationPrompt: true).text
            var built = withSystem ? layout.lead.text + system + layout.systemToUser.text : layout.leadWithoutSystem.text
            for (index, user) in users.enumerated() {
                built += user
                if index < replies.count {
                    built += layout.userToReply.text + replies[index] + layout.replyToUser.text
                } else {
                    built += layout.generationPrompt.text
                }
            }
            guard built == expected else {
                throw ChatError("\(renderer.templateName): the template's output depends on the messages in a way a pinned system turn cannot follow")
            }
        }
    }
}
