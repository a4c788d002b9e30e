import TestSupport
@testable import TUI
import XCTest

final class InputHistoryTests: XCTestCase {
    private func history(_ entries: [String]) -> InputHistory {
        var history = InputHistory()
        for entry in entries { history.record(entry) }
        return history
    }

    func testSearchIgnoresCaseAndFindsTheNewestFirst() {
        let history = history(["Hello there", "tell me MORE", "hello again"])
        XCTAssertEqual(history.search("HELLO"), 2)
        XCTAssertEqual(history.search("hello", before: 2), 0)
        XCTAssertEqual(history.search("more"), 1)
        XCTAssertNil(history.search("absent"))
        XCTAssertEqual(history.search(""), 2)
    }

    /// Ctrl-R trapped inside Foundation's case-insensitive search ("String index is out of
    /// bounds", found by the `keys` fuzzer). Text whose case mapping changes its length, lone
    /// combining marks, joiners and controls: every query against every entry returns.
    func testSearchNeverTrapsOnAnyText() {
        let awkward = ["ß", "İstanbul", "ﬃ", "ΐ", "e\u{301}", "\u{301}", "👨‍👩‍👧‍👦", "\u{0}", "ŉ", "ǰ", "\r\n", "ﬀ\u{345}", "Straße", "ǅ"]
        let history = history(awkward)
        for query in awkward + ["SS", "i\u{307}", "FFI", "STRASSE", "\u{345}", "j\u{30C}"] {
            _ = history.search(query)
        }
        var random = SeededRandom(seed: 41)
        let pool: [Unicode.Scalar] = ["a", "S", "s", "ß", "İ", "ı", "ﬃ", "\u{301}", "\u{345}", "\u{200D}", "\u{0}", "\n", "Σ", "ς", "ŉ", "ǰ", "👍", "\u{1F3FD}"]
        func text() -> String { String(String.UnicodeScalarView((0..<Int(random.next() % 6)).map { _ in pool[Int(random.next() % UInt64(pool.count))] })) }
        for _ in 0..<2000 {
            _ = self.history([text(), text(), text()]).search(text())
        }
    }
}
