import Chat
import GGUF
import TestSupport
import Tokenizer
import XCTest

/// `ghostchat chat --plain` with the fixture models, driven through stdin/stdout.
final class PlainModeTests: XCTestCase {
    static let model = "tiny-llama-q4_0.gguf"
    // One thread: on a shared 2-core machine the tiny model runs fastest without handoffs.
    func chatArguments(_ extra: [String]) throws -> [String] {
        ["chat", "--plain", "-m", try Fixtures.path(Self.model), "-t", "1", "-c", "256", "-n", "16", "--seed", "5"] + extra
    }

    func testThousandTurnsAtContext256() throws {
        let home = try temporaryDirectory(self)
        let logPath = home.appendingPathComponent("context.jsonl").path
        let exportPath = home.appendingPathComponent("chat.json").path
        var generator = SeededRandom(seed: 3)
        let words = "apple river mountain quick blue song table window garden silver".split(separator: " ")
        let messages = (0..<1000).map { i in
            "message \(i): " + (0..<(1 + Int(generator.next() % 8))).map { _ in String(words[Int(generator.next() % 10)]) }.joined(separator: " ")
        }
        let input = messages.joined(separator: "\n") + "\n/save \(exportPath)\n"
        let result = try GhostchatProcess.run(try chatArguments(["--system-preset", "napoleon+emoji", "--log-context", logPath]),
                                              input: input, home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 1000, "one reply line per message")

        let transcript = try Transcript.decode(json: Data(contentsOf: URL(fileURLWithPath: exportPath)))
        let users = transcript.messages.filter { $0.role == .user }
        let replies = transcript.messages.filter { $0.role == .assistant }
        XCTAssertEqual(users.map(\.content), messages, "the export holds all 1000 turns")
        XCTAssertEqual(replies.count, 1000)

        let tokenizer = try Tokenizer(gguf: GGUFFile(path: try Fixtures.path(Self.model)))
        let system = "Act as Napoleon. Always answer with emojis."
        XCTAssertEqual(transcript.messages[0].content, system)
        let planner = ContextPlanner(renderer: TemplateRenderer(tokenizer: tokenizer, template: Llama2Template()), contextLength: 256, reserve: 16)
        let pinned = planner.pinnedTokens(system: system)
        let exchanges = zip(users, replies).enumerated().map { ContextPlanner.Exchange(index: $0, user: $1.0.content, reply: $1.1.tokens ?? []) }

        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1000)
        var evictionTurns = 0, normalTurns = 0
        var previous: [Token] = []
        var liveStart = 0
        for (n, line) in lines.enumerated() {
            let entry = try JSONDecoder().decode(LogLine.self, from: Data(line.utf8))
            XCTAssertEqual(entry.turn, n + 1)
            let context = entry.context
            // The full system turn leads every context.
            XCTAssertEqual(Array(context.prefix(pinned.count)), pinned, "turn \(n + 1)")
            XCTAssertEqual(entry.pinned, pinned.count)
            // The rest is whole exchanges, the newest ones in order, then this turn's message:
            // exactly what the template renders, so no exchange was split.
            let live = entry.segments.map { $0[0] }
            liveStart += entry.evicted_turns
            XCTAssertEqual(live, Array(liveStart..<n), "turn \(n + 1): evictions take the oldest; the rest are contiguous")
            var expected = pinned
            for (k, index) in live.enumerated() {
                expected += planner.exchangeTokens(exchanges[index], first: k == 0, hasSystem: true, system: system)
            }
            expected += planner.openTokens(messages[n], first: live.isEmpty, hasSystem: true, system: system)
            XCTAssertEqual(context, expected, "turn \(n + 1): a valid Llama 2 rendering")
            XCTAssertLessThanOrEqual(context.count + 16, 256)
            XCTAssertEqual(entry.evaluated + entry.cache_hit, context.count)

            if entry.evicted_turns > 0 {
                evictionTurns += 1
                XCTAssertGreaterThanOrEqual(entry.cache_hit, pinned.count, "the pinned prefix stays cached across evictions")
            } else if n > 0 {
                normalTurns += 1
                // A normal turn computes only what the cache lacks: the previous reply's last
                // token if generation stopped at the limit, its end marker, the new message.
                let reply = replies[n - 1]
                let replyCached = (reply.tokens ?? []).count - (reply.stats?.stop == "eos" ? 0 : 1)
                XCTAssertEqual(Array(context.prefix(previous.count)), previous, "turn \(n + 1)")
                XCTAssertEqual(entry.cache_hit, previous.count + replyCached, "turn \(n + 1): all of the cache is reused")
                XCTAssertEqual(entry.evaluated, context.count - previous.count - replyCached)
            }
            previous = context
        }
        XCTAssertGreaterThan(evictionTurns, 10, "evictions happen")
        XCTAssertGreaterThan(normalTurns, 100)
        XCTAssertEqual(transcript.messages.filter(\.evicted).count, 2 * liveStart, "evicted exchanges are flagged in the transcript")
    }

    func testSaveLoadAndResumeContinueWithTheSameReply() throws {
        let home = try temporaryDirectory(self)
        let saved = home.appendingPathComponent("two.json").path
        let straight = try GhostchatProcess.run(try chatArguments(["--system", "Speak like a pirate."]),
                                                input: "Hello\nWhat is your name?\n/save \(saved)\nTell me more\n", home: home)
        XCTAssertEqual(straight.status, 0, straight.stderr)
        XCTAssertEqual(straight.stdoutLines.count, 3)

        let loaded = try GhostchatProcess.run(["chat", "--plain", "-t", "1", "--load", saved], input: "Tell me more\n", home: home)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(loaded.stdoutLines, [straight.stdoutLines[2]], "same seed, same next reply")

        let first = try GhostchatProcess.run(try chatArguments(["--system", "Speak like a pirate."]), input: "Hello\nWhat is your name?\n", home: home)
        XCTAssertEqual(first.stdoutLines, Array(straight.stdoutLines.prefix(2)))
        let resumed = try GhostchatProcess.run(["chat", "--plain", "-t", "1", "--resume", "last"], input: "Tell me more\n", home: home)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.stdoutLines, [straight.stdoutLines[2]])

        let sessions = try GhostchatProcess.run(["sessions"], home: home)
        XCTAssertEqual(sessions.status, 0, sessions.stderr)
        XCTAssertEqual(sessions.stdoutLines.count, 3, sessions.stdout)  // straight, loaded copy, first (resumed in place)
    }

    func testBadInputFailsWithOneLine() throws {
        let home = try temporaryDirectory(self)
        let model = try Fixtures.path(Self.model)
        for (arguments, mention) in [
            (["chat", "-m", model, "--bogus"], "bogus"),
            (["chat", "-m", "/nonexistent/model.gguf"], "/nonexistent/model.gguf"),
            (["chat", "-m", model, "--system-preset", "emoji+klingon"], "klingon"),
            (["chat", "-m", model, "--template", "klingon"], "klingon"),
            (["chat", "-m", model, "-c", "4"], "-c must be at least 8"),
            (["chat", "--resume", "nope"], "nope"),
        ] {
            let result = try GhostchatProcess.run(arguments, home: home)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(mention), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
    }

    func testProblemsInsideTheChatAreNoticesAndTheChatGoesOn() throws {
        let home = try temporaryDirectory(self)
        let input = "/save /nonexistent-dir/x.json\n/preset klingon\n/frobnicate\n/check maybe\nHello\n/context\n/stats\n/preset emoji+french\n/check on 1\n/reinforce on\nBonjour\n"
        let result = try GhostchatProcess.run(try chatArguments([]), input: input, home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 2, "two replies, nothing else on stdout")
        // The checked reply on stdout is the accepted attempt only.
        let store = try SessionStore(directory: home.appendingPathComponent("data"))
        let stored = try store.load(id: try store.resolve("last"))
        XCTAssertEqual(result.stdoutLines[1], stored.messages.last?.content)
        XCTAssertEqual(stored.messages.last?.check?.violations.count, 2)
        for mention in ["cannot write /nonexistent-dir/x.json", "klingon", "unknown command /frobnicate", "usage: /check",
                        "pinned system turn", "tokens evaluated", "system message v2", "checking on"] {
            XCTAssertTrue(result.stderr.contains(mention), "missing '\(mention)' in: \(result.stderr)")
        }
    }

    func testUnwritableDataDirectoryWarnsAndChatsInMemory() throws {
        let home = try temporaryDirectory(self)
        let blocker = home.appendingPathComponent("blocker")
        try Data().write(to: blocker)
        let result = try GhostchatProcess.run(try chatArguments([]), input: "Hello\n", home: home,
                                              environment: ["GHOSTCHAT_DATA_DIR": blocker.appendingPathComponent("sub").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").filter { $0.contains("memory only") }.count, 1, result.stderr)
    }

    func testMultiLineInputAndStoredTurnsWithModelMetadata() throws {
        let home = try temporaryDirectory(self)
        let result = try GhostchatProcess.run(try chatArguments(["--system-preset", "concise"]), input: "first line \\\nsecond line\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        let store = try SessionStore(directory: home.appendingPathComponent("data"))
        let transcript = try store.load(id: try store.resolve("last"))
        XCTAssertEqual(transcript.messages[1].content, "first line \nsecond line")
        XCTAssertEqual(transcript.metadata.model?.fileName, Self.model)
        XCTAssertEqual(transcript.metadata.model?.headerHash.count, 16)
        XCTAssertEqual(transcript.metadata.template, .model)
        XCTAssertEqual(transcript.metadata.sampling.seed, 5)
        XCTAssertEqual(transcript.messages[2].role, .assistant)
        XCTAssertNotNil(transcript.messages[2].seed)
        XCTAssertEqual(transcript.messages[2].tokenCount, transcript.messages[2].tokens?.count)
    }

    struct LogLine: Decodable {
        var turn: Int
        var context: [Token]
        var evaluated: Int
        var evicted_turns: Int
        var cache_hit: Int
        var pinned: Int
        var segments: [[Int]]
    }

}
