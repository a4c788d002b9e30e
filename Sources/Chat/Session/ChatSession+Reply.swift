import Foundation
import Tokenizer

extension ChatSession {
    /// Sends a user message and generates the reply, passing text to `onText` as it is
    /// decoded (raw: sanitize before printing).
    ///
    /// The user message is recorded first, so it is kept even when the reply fails. Throws
    /// `ChatError` when the message cannot fit the context (it stays in the transcript,
    /// marked as not sent) and engine errors as they come.
    @discardableResult
    public func reply(to text: String, onText: (String) -> Void = { _ in }) throws -> ReplyResult {
        cancellation.reset()
        var user = TranscriptMessage(role: .user, content: text, systemVersion: systemVersion)
        user.tokenCount = engine.tokenizer.encode(text, addBOS: false, addEOS: false).count
        transcript.messages.append(user)
        let userIndex = transcript.messages.count - 1
        if transcript.messages.filter({ $0.role == .user }).count == 1 { persistMetadata() }  // the title
        persist(messageAt: userIndex)

        let prompt = system
        let all = exchanges()
        let live = all.filter { !$0.evicted }
        let reinforced = transcript.metadata.reinforceSystem && !prompt.terse.isEmpty
        // GAtt at inference time: the model sees the terse constraint with the newest message;
        // the transcript keeps what the user wrote.
        let seen = reinforced ? "\(text)\n\n(\(prompt.terse))" : text
        let plan: ContextPlan
        do {
            plan = try planner.plan(system: prompt.text, live: live.map(\.exchange), user: seen)
        } catch {
            transcript.messages[userIndex].excluded = true
            persist(messageAt: userIndex)
            throw error
        }
        if !plan.newlyEvicted.isEmpty {
            var marked: [Int] = []
            for exchange in plan.newlyEvicted {
                let item = all[exchange]
                for index in [item.user, item.assistant] {
                    transcript.messages[index].evicted = true
                    marked.append(index)
                }
            }
            // One transaction: a long loaded chat can evict hundreds of exchanges at once.
            persist(messagesAt: marked)
            emit(.evicted(exchanges: plan.newlyEvicted.count, totalEvicted: all.count - live.count + plan.newlyEvicted.count))
        }

        var stats = TurnStats()
        stats.evictedExchanges = plan.newlyEvicted.count
        stats.contextTokens = plan.tokens.count
        (stats.cacheHit, stats.evaluated) = try load(plan.tokens)
        emit(.promptPlaced(pinned: plan.pinnedCount, tokens: plan.tokens.count))
        let replyIndex = replyCount
        contextLog?.record(turn: replyIndex + 1, plan: plan, stats: stats, systemVersion: systemVersion)

        var checkOutcome: TranscriptMessage.CheckOutcome?
        let rules = transcript.metadata.checkReplies ? prompt.rules : []
        var attempt = 0
        var generation: Generation
        while true {
            let seed = transcript.metadata.sampling.replySeed(index: replyIndex, attempt: attempt)
            generation = try generate(after: plan.tokens, seed: seed, onText: onText)
            generation.seed = seed
            guard !rules.isEmpty, !generation.interrupted else { break }
            let violation = rules.lazy.compactMap { $0.violation(in: generation.text) }.first
            if checkOutcome == nil { checkOutcome = .init(rules: rules, violations: []) }
            checkOutcome!.violations.append(violation)
            guard let violation, attempt < transcript.metadata.checkRetries else { break }
            attempt += 1
            emit(.regenerating(attempt: attempt, reason: violation))
            // Back to the prompt: the rejected reply leaves the cache.
            let (_, evaluated) = try load(plan.tokens)
            stats.evaluated += evaluated
        }
        stats.generated = generation.tokens.count
        stats.attempts = attempt + 1
        stats.stop = generation.stop
        lastStats = stats

        var reply = TranscriptMessage(role: .assistant, content: generation.text, systemVersion: systemVersion)
        reply.createdAt = transcript.messages[userIndex].createdAt
        reply.finishedAt = TranscriptDates.now()
        reply.tokens = generation.tokens
        reply.tokenCount = generation.tokens.count
        reply.interrupted = generation.interrupted
        reply.seed = generation.seed
        reply.check = checkOutcome
        reply.stats = stats
        transcript.messages.append(reply)
        persist(messageAt: transcript.messages.count - 1)
        persistMetadata()
        if generation.stop == "context-full" { emit(.contextFull(contextLength: engine.contextLength)) }
        if contextReport().evictionAhead { emit(.evictionAhead) }
        return ReplyResult(text: generation.text, stats: stats, interrupted: generation.interrupted, check: checkOutcome)
    }

    struct Generation {
        var tokens: [Token] = []
        var text = ""
        var interrupted = false
        var stop = "eos"
        var seed: UInt64 = 0
    }

    /// Makes the KV cache hold exactly `tokens`, reusing the longest cached prefix and
    /// computing the rest. Returns (reused, evaluated).
    func load(_ tokens: [Token]) throws -> (Int, Int) {
        if engine.cachedCount != cachedTokens.count {
            // Someone else used the engine; trust nothing.
            engine.truncate(to: 0)
            cachedTokens = []
        }
        var common = 0
        let limit = min(tokens.count, cachedTokens.count)
        while common < limit && tokens[common] == cachedTokens[common] { common += 1 }
        // Logits come from evaluating something: with everything cached, redo the last token.
        if common == tokens.count { common -= 1 }
        engine.truncate(to: common)
        // A sliding-window cache may not be able to stop exactly there and keep less.
        common = min(common, engine.cachedCount)
        cachedTokens.removeSubrange(common...)
        let rest = Array(tokens[common...])
        do {
            try engine.evaluate(rest)
        } catch {
            engine.truncate(to: 0)
            cachedTokens = []
            throw error
        }
        cachedTokens += rest
        return (common, rest.count)
    }

    /// Samples a reply after `prompt` (already in the cache).
    func generate(after prompt: [Token], seed: UInt64, onText: (String) -> Void) throws -> Generation {
        let settings = transcript.metadata.sampling
        engine.beginReply(settings: settings, seed: seed, history: Array(prompt.suffix(max(0, settings.repeatLastN))))
        let stops = renderer.stopTokens
        let limit = transcript.metadata.maxReplyTokens
        var decoder = StreamingDecoder(tokenizer: engine.tokenizer)
        // The decoder drops a leading space after BOS only; a reply's first token usually
        // carries the space that separates it from the header ("▁Hello"), which is not text.
        var atStart = true
        var stopText = StopTextFilter(stops: renderer.template.stopTexts)
        var result = Generation()
        // The finished exchange (prompt, reply, the template's end of turn) must fit the
        // context, or the next turn's rendering of it would not.
        let room = engine.contextLength - renderer.tokens(for: renderer.template.replyEndParts).count
        func show(_ text: String) {
            var piece = text
            if atStart {
                if piece.isEmpty { return }
                atStart = false
                if piece.first == " " { piece.removeFirst() }
            }
            guard !piece.isEmpty else { return }
            result.text += piece
            onText(piece)
        }
        func emitText(_ decoded: String) { show(stopText.append(decoded)) }
        while true {
            if cancellation.isCancelled { result.interrupted = true; result.stop = "interrupted"; break }
            let token = engine.sample()
            if stops.contains(token) { result.stop = "eos"; break }
            guard cachedTokens.count < room else { result.stop = "context-full"; break }
            result.tokens.append(token)
            emitText(decoder.append(token))
            if stopText.stopped { result.stop = "eos"; break }
            if limit >= 0 && result.tokens.count >= limit { result.stop = "limit"; break }
            guard cachedTokens.count + 1 < room else { result.stop = "context-full"; break }
            if cancellation.isCancelled { result.interrupted = true; result.stop = "interrupted"; break }
            try engine.evaluate([token])
            cachedTokens.append(token)
        }
        emitText(decoder.flush())
        show(stopText.flush())
        if stopText.stopped { result.tokens = tokens(result.tokens, coveringOnly: result.text) }
        return result
    }

    /// The generated tokens cut back to those that make up `text` (a reply that ended at a
    /// stop text, which is neither shown nor kept): whole tokens as generated, and the part
    /// of a token that crosses the cut encoded again.
    private func tokens(_ generated: [Token], coveringOnly text: String) -> [Token] {
        let tokenizer = engine.tokenizer
        func shown(_ tokens: [Token]) -> String {
            let decoded = tokenizer.decode(tokens)
            return decoded.first == " " ? String(decoded.dropFirst()) : decoded
        }
        var kept = generated
        while !kept.isEmpty && !text.hasPrefix(shown(kept)) { kept.removeLast() }
        let rest = text.dropFirst(shown(kept).count)
        return rest.isEmpty ? kept : kept + tokenizer.encode(String(rest), addBOS: false, addEOS: false)
    }
}
