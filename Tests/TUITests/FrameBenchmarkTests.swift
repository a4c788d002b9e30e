import Foundation
import TestSupport
import XCTest
@testable import TUI

/// Frame times with large content, run by hand:
/// `GHOSTCHAT_BENCH=1 swift test -c release --filter FrameBenchmarkTests`.
/// Prints numbers only; no timing assertions.
final class FrameBenchmarkTests: XCTestCase {
    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["GHOSTCHAT_BENCH"] != nil else { throw XCTSkip("set GHOSTCHAT_BENCH=1 to run") }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    func testStreamingAHundredThousandTokenReply() {
        var state = Fixtures.chat(rows: 50, columns: 120)
        state.entries.append(TranscriptEntry(kind: .user, text: "write a very long answer"))
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        var random = SeededRandom(seed: 9)
        let words = ["the", "model", "keeps", "talking", "about", "wrapping", "lines,", "and", "then", "some", "more.\n"]
        var frames: [Double] = []
        let start = Self.now()
        for token in 0..<100_000 {
            _ = state.update(.driver(.replyToken(" " + words[Int(random.next() % UInt64(words.count))])))
            if token % 10 == 9 {
                let t = Self.now()
                _ = AppView.render(state)
                frames.append(Self.now() - t)
            }
        }
        let total = Self.now() - start
        let sorted = frames.sorted()
        let last = frames.suffix(100).reduce(0, +) / 100
        // What one frame cost before the cache: the whole conversation wrapped again.
        let t = Self.now()
        let lines = ConversationView.lines(for: state.entries, width: 120, streaming: true)
        let uncached = Self.now() - t
        print(String(format: "100k-token reply at 120 columns (%d lines): %d frames, median %.3f ms, p99 %.3f ms, last 100 %.3f ms, worst %.3f ms; whole run %.1f s; one uncached layout %.1f ms",
                     lines.count, frames.count, sorted[sorted.count / 2] * 1e3, sorted[sorted.count * 99 / 100] * 1e3, last * 1e3,
                     sorted.last! * 1e3, total, uncached * 1e3))
    }

    func testTypingAfterATenThousandLinePaste() {
        var state = Fixtures.chat(rows: 50, columns: 120)
        let pasted = (0..<10_000).map { "line \($0): some pasted text that is long enough to wrap at a hundred and twenty columns, maybe more." }
            .joined(separator: "\n")
        // The terminal's bracketed paste, one scalar at a time through the key decoder.
        var decoder = KeyDecoder()
        var t = Self.now()
        var events: [KeyEvent] = []
        for scalar in "\u{1B}[200~\(pasted)\u{1B}[201~".unicodeScalars { events += decoder.feed(.scalar(scalar)) }
        let decode = Self.now() - t
        t = Self.now()
        for event in events { _ = state.update(.key(event)) }
        let paste = Self.now() - t
        t = Self.now()
        _ = AppView.render(state)
        let first = Self.now() - t
        var frames: [Double] = []
        for c in "typing after the paste" {
            t = Self.now()
            _ = state.update(.key(.character(c)))
            _ = AppView.render(state)
            frames.append(Self.now() - t)
        }
        t = Self.now()
        let full = InputView.layout(state.editor, width: 120)
        let fullLayout = Self.now() - t
        frames.sort()
        print(String(format: "10k-line paste (%d visual lines, %d characters): decoding %.1f ms, into the editor %.1f ms, first frame %.3f ms, key+frame median %.3f ms, worst %.3f ms; one full input layout %.1f ms",
                     full.lines.count, pasted.count, decode * 1e3, paste * 1e3, first * 1e3, frames[frames.count / 2] * 1e3, frames.last! * 1e3, fullLayout * 1e3))
    }
}
