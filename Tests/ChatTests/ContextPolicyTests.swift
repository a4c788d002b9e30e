import Chat
import Tokenizer
import XCTest

/// The context policy with a scripted engine: pinning, eviction order, validity, counters.
final class ContextPolicyTests: XCTestCase {
    func makeSession(context: Int = 160, template: TemplateName = .llama2, system: String = "Always answer with emojis.",
                     replyLength: Int? = 6, maxReply: Int = 12) throws -> (ChatSession, ScriptedEngine) {
        let engine = ScriptedEngine(tokenizer: try Fixtures.llamaTokenizer(), contextLength: context, replyLength: replyLength)
        var sampling = SamplingParameters()
        sampling.seed = 42
        let session = ChatSession(engine: engine, options: SessionOptions(template: template, system: SystemPrompt(text: system),
                                                                          sampling: sampling, maxReplyTokens: maxReply), store: nil)
        return (session, engine)
    }

    func testNormalTurnsEvaluateOnlyNewTokens() throws {
        let (session, engine) = try makeSession(context: 512)
        var previousCache: [Token] = []
        for i in 0..<5 {
            let log = try captureContext(session) { try session.reply(to: "message number \(i)") }
            let stats = session.lastStats!
            XCTAssertEqual(stats.evictedExchanges, 0)
            XCTAssertEqual(stats.cacheHit, previousCache.count, "turn \(i): the whole previous cache is reused")
            XCTAssertEqual(Array(log.prefix(previousCache.count)), previousCache)
            XCTAssertEqual(stats.evaluated, log.count - previousCache.count)
            XCTAssertEqual(engine.cache, session.cachedTokens)
            previousCache = session.cachedTokens
        }
    }

    /// A sliding-window engine may keep less than asked when the session rewinds; the session
    /// then evaluates the rest and the reply is the same as with a full cache.
    func testAnEngineThatForgetsMoreOnARewindGetsTheWholeContext() throws {
        var replies: [[String]] = []
        for limit in [nil, 4] {
            let (session, engine) = try makeSession(context: 512)
            engine.rewindLimit = limit
            var texts = [try session.reply(to: "first message").text, try session.reply(to: "second message").text]
            engine.resetLog()
            texts.append(try session.retry().text)
            XCTAssertEqual(engine.cache, session.cachedTokens)
            if limit != nil {
                XCTAssertEqual(engine.evaluations.first?.count, session.lastStats!.evaluated)
                XCTAssertEqual(session.lastStats!.cacheHit, 0, "nothing was reusable after the long rewind")
            }
            replies.append(texts)
        }
        XCTAssertEqual(replies[0], replies[1])
    }

    /// A reply longer than the room left stops where its finished exchange (with the
    /// template's end of turn) still fits, says so, and the next turn evicts as usual.
    func testAReplyThatFillsTheContextStopsInsideIt() throws {
        let (session, _) = try makeSession(context: 96, replyLength: nil, maxReply: 80)
        var events: [SessionEvent] = []
        session.onEvent = { events.append($0) }
        for turn in 0..<3 {
            events.removeAll()
            try session.reply(to: "tell me everything, turn \(turn)")
            let report = session.contextReport()
            XCTAssertEqual(session.lastStats?.stop, "context-full", "turn \(turn)")
            XCTAssertTrue(events.contains(.contextFull(contextLength: 96)), "turn \(turn): \(events)")
            XCTAssertGreaterThanOrEqual(report.freeTokens, 0, "turn \(turn): \(report.summary)")
            XCTAssertLessThanOrEqual(report.cachedTokens, 96)
            XCTAssertTrue(events.contains { if case .promptPlaced(let pinned, let tokens) = $0 { return pinned > 0 && tokens > pinned }; return false })
        }
        XCTAssertEqual(SessionEvent.contextFull(contextLength: 96).notice,
                       "the reply stopped: the 96-token context is full (the next message evicts the oldest exchanges)")
    }

    func testEvictionKeepsPinnedPrefixAndWholeExchanges() throws {
        let (session, engine) = try makeSession(context: 128)
        let pinned = session.planner.pinnedTokens(system: session.system.text)
        var events: [SessionEvent] = []
        session.onEvent = { events.append($0) }
        var evictions = 0
        var sawWarningBeforeEviction = false
        for i in 0..<40 {
            let warnedBefore = events.contains(.evictionAhead)
            events.removeAll()
            let context = try captureContext(session) { try session.reply(to: "tell me about item \(i) please") }
            let stats = session.lastStats!
            XCTAssertEqual(Array(context.prefix(pinned.count)), pinned, "turn \(i) starts with the full system turn")
            XCTAssertLessThanOrEqual(context.count + session.reserve, engine.contextLength)
            if stats.evictedExchanges > 0 {
                evictions += 1
                if warnedBefore { sawWarningBeforeEviction = true }
                XCTAssertGreaterThanOrEqual(stats.cacheHit, pinned.count, "the pinned prefix stays cached")
            } else if i > 0 {
                XCTAssertEqual(stats.cacheHit + stats.evaluated, context.count)
            }
            // Evicted exchanges are always the oldest ones, user and reply together.
            let flags = session.exchanges().map(\.evicted)
            XCTAssertEqual(flags, flags.sorted(by: { $0 && !$1 }), "evictions are oldest first")
            for item in session.exchanges() {
                XCTAssertEqual(session.transcript.messages[item.user].evicted, session.transcript.messages[item.assistant].evicted)
            }
            // The context is exactly system + live exchanges + the new turn, i.e. valid.
            let live = session.exchanges().filter { !$0.evicted }.map(\.exchange).dropLast()
            let expected = try session.planner.plan(system: session.system.text, live: Array(live), user: "tell me about item \(i) please")
            XCTAssertEqual(expected.tokens, context)
            XCTAssertTrue(expected.newlyEvicted.isEmpty)
        }
        XCTAssertGreaterThan(evictions, 3)
        XCTAssertTrue(sawWarningBeforeEviction)
        XCTAssertEqual(session.contextReport().evictedExchanges, session.exchanges().filter(\.evicted).count)
    }

    func testTooLongMessageIsKeptButNotSent() throws {
        let (session, _) = try makeSession(context: 64)
        let long = String(repeating: "words and more words ", count: 30)
        XCTAssertThrowsError(try session.reply(to: long)) { error in
            XCTAssertTrue("\(error)".contains("too long"), "\(error)")
        }
        let kept = session.transcript.messages.last!
        XCTAssertEqual(kept.content, long)
        XCTAssertTrue(kept.excluded)
        // The chat goes on.
        XCTAssertNoThrow(try session.reply(to: "short"))
        XCTAssertEqual(session.transcript.messages.last?.role, .assistant)
    }

    func testSystemChangeTakesEffectNextReplyAndIsRecorded() throws {
        let (session, _) = try makeSession(context: 512)
        try session.reply(to: "hi")
        try session.setSystem(SystemPrompt(text: "Act as Napoleon.", terse: "Figure: Napoleon."))
        let change = session.transcript.messages.last!
        XCTAssertEqual(change.kind, .systemChange)
        XCTAssertEqual(change.systemVersion, 2)
        let context = try captureContext(session) { try session.reply(to: "who are you") }
        let pinned = session.planner.pinnedTokens(system: "Act as Napoleon.")
        XCTAssertEqual(Array(context.prefix(pinned.count)), pinned)
        XCTAssertEqual(session.transcript.messages.last?.systemVersion, 2)
        XCTAssertEqual(session.exchanges().filter { !$0.evicted }.count, 2, "earlier exchanges stay, re-rendered after the new system turn")
    }

    func testReinforcementIsSeenByTheModelButNotStored() throws {
        let (session, _) = try makeSession(context: 512)
        try session.setSystem(SystemPrompt(text: "Act as Napoleon.", terse: "Figure: Napoleon."))
        session.setReinforce(true)
        let tok = try Fixtures.llamaTokenizer()
        let context = try captureContext(session) { try session.reply(to: "hello") }
        let pinned = session.planner.pinnedTokens(system: "Act as Napoleon.").count
        XCTAssertTrue(tok.decode(Array(context[pinned...])).contains("hello\n\n(Figure: Napoleon.)"))
        // Only the newest user turn carries it.
        let next = try captureContext(session) { try session.reply(to: "again") }
        XCTAssertEqual(tok.decode(Array(next[pinned...])).components(separatedBy: "Figure: Napoleon.").count, 2)
        XCTAssertEqual(session.transcript.messages.first(where: { $0.role == .user })?.content, "hello")
    }

    func testCheckRegeneratesAndRecordsOutcome() throws {
        let (session, _) = try makeSession(context: 512)
        try session.setSystem(SystemPrompt(text: "Always answer with emojis.", terse: "Emojis only.", rules: [.emojiOnly]))
        session.setCheck(true, retries: 2)
        var events: [SessionEvent] = []
        session.onEvent = { events.append($0) }
        let result = try session.reply(to: "hi")
        // The scripted engine only knows English words: every attempt fails.
        XCTAssertEqual(result.check?.violations.count, 3)
        XCTAssertEqual(result.check?.passed, false)
        XCTAssertEqual(result.stats.attempts, 3)
        XCTAssertEqual(events.filter { if case .regenerating = $0 { true } else { false } }.count, 2)
        XCTAssertEqual(session.transcript.messages.last?.check, result.check)
    }

    func testCancellationKeepsPartialReplyMarkedInterrupted() throws {
        let (session, _) = try makeSession(context: 512, replyLength: nil, maxReply: 100)
        var pieces = 0
        let result = try session.reply(to: "go on forever") { _ in
            pieces += 1
            if pieces == 3 { session.cancellation.cancel() }
        }
        XCTAssertTrue(result.interrupted)
        XCTAssertEqual(result.stats.stop, "interrupted")
        let reply = session.transcript.messages.last!
        XCTAssertTrue(reply.interrupted)
        XCTAssertFalse(reply.content.isEmpty)
        XCTAssertLessThan(reply.tokenCount, 100)
        // The next reply starts uncancelled.
        XCTAssertFalse(try session.reply(to: "next").interrupted)
    }

    func testReplyLimitAndCounters() throws {
        let (session, _) = try makeSession(context: 512, replyLength: nil, maxReply: 7)
        let r1 = try session.reply(to: "a")
        XCTAssertEqual(r1.stats.generated, 7)
        XCTAssertEqual(r1.stats.stop, "limit")
        let before = session.cachedTokens.count
        let r2 = try session.reply(to: "b")
        XCTAssertEqual(r2.stats.cacheHit, before)
    }

    // MARK: helpers

    /// Runs `body` and returns the context the model saw (the cache when generation began).
    func captureContext(_ session: ChatSession, _ body: () throws -> Void) throws -> [Token] {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("log.jsonl").path
        session.contextLog = try ContextLog(path: path)
        try body()
        session.contextLog = nil
        let line = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").last!
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        XCTAssertNotNil(object["turn"]); XCTAssertNotNil(object["evaluated"]); XCTAssertNotNil(object["evicted_turns"])
        return (object["context"] as! [NSNumber]).map { Token($0.intValue) }
    }

    func containsRun<C: Collection>(_ haystack: C, _ needle: [Token]) -> Bool where C.Element == Token {
        let h = Array(haystack)
        guard needle.count <= h.count else { return false }
        return (0...(h.count - needle.count)).contains { Array(h[$0..<$0 + needle.count]) == needle }
    }
}
