@testable import Chat
import Tokenizer
import XCTest

/// Replies that end where the model writes the next plain-text role marker itself.
final class StopTextTests: XCTestCase {
    func shown(_ pieces: [String], stops: [String] = ["\nUser:"]) -> (text: String, stopped: Bool, steps: [String]) {
        var filter = StopTextFilter(stops: stops)
        var steps: [String] = []
        for piece in pieces { steps.append(filter.append(piece)) }
        steps.append(filter.flush())
        return (steps.joined(), filter.stopped, steps)
    }

    func testTheStopTextAndWhatFollowsAreNeverShown() {
        let cut = shown(["Paris", ".\n", "Us", "er: and", " more"])
        XCTAssertEqual(cut.text, "Paris.")
        XCTAssertTrue(cut.stopped)
        XCTAssertEqual(cut.steps, ["Paris", ".", "", "", "", ""], "the newline waits until it is clear it does not start the stop")
    }

    func testAlmostAStopIsShownInFull() {
        let near = shown(["a\n", "Us", "age"])
        XCTAssertEqual(near.text, "a\nUsage")
        XCTAssertFalse(near.stopped)
        XCTAssertEqual(shown(["ends with\n", "Us"]).text, "ends with\nUs", "held text comes out when the reply ends")
        XCTAssertEqual(shown(["no stops\nUser:"], stops: []).text, "no stops\nUser:")
    }

    /// Through the session: the reply stops at "\nUser:", the stored text and the tokens the
    /// next turn renders are the reply without it, and the next context is valid Falcon.
    func testASessionReplyEndsAtTheStopText() throws {
        let tokenizer = try Fixtures.llamaTokenizer()
        let engine = ScriptedEngine(tokenizer: tokenizer, contextLength: 512)
        engine.scriptedReply = tokenizer.encode("Paris is the capital.\nUser: and Spain?", addBOS: false, addEOS: false)
        let session = ChatSession(engine: engine, options: SessionOptions(template: .falcon, system: SystemPrompt(text: "Be brief.")), store: nil)
        var streamed = ""
        let reply = try session.reply(to: "Capital of France?") { streamed += $0 }
        XCTAssertEqual(reply.text, "Paris is the capital.")
        XCTAssertEqual(streamed, "Paris is the capital.")
        XCTAssertEqual(reply.stats.stop, "eos")
        let stored = try XCTUnwrap(session.transcript.messages.last)
        XCTAssertEqual(stored.content, "Paris is the capital.")
        XCTAssertEqual(tokenizer.decode(stored.tokens ?? []), " Paris is the capital.")
        engine.scriptedReply = tokenizer.encode("Madrid.", addBOS: false, addEOS: false)
        _ = try session.reply(to: "Spain?")
        // (The space before the newline is SentencePiece's prefix after a special token, EOS
        // here, which llama.cpp adds too.)
        XCTAssertEqual(tokenizer.decode(session.cachedTokens),
                       "Be brief.\n\nUser: Capital of France?\nAssistant: Paris is the capital. \nUser: Spain?\nAssistant: Madrid.")
    }
}
