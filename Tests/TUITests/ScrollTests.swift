import XCTest
@testable import TUI

final class ScrollTests: XCTestCase {
    /// 30 numbered one-line notices in a 10-row window (conversation pane: 7 rows).
    private func longChat() -> AppState {
        var state = Fixtures.chat(rows: 10, columns: 30)
        state.entries = (1...30).map { TranscriptEntry(kind: .notice, text: "line \($0)") }
        return state
    }

    private func visibleNotices(_ state: AppState) -> [String] {
        let screen = AppView.render(state)
        return state.layout().conversation.map { screen.rowText($0) }.filter { $0.hasPrefix("  line") }
            .map { $0.trimmingCharacters().beforeMarker() }
    }

    func testFollowsTheBottomByDefault() {
        let state = longChat()
        XCTAssertEqual(state.layout().conversation, 1..<8)
        XCTAssertEqual(visibleNotices(state).last, "line 30")
    }

    func testPageUpPageDownHomeEnd() {
        var state = longChat()
        Fixtures.press([.pageUp], &state)
        XCTAssertNotNil(state.scrollTop)
        XCTAssertEqual(visibleNotices(state).last, "line 26", "the last row is the marker's")
        XCTAssertEqual(AppView.render(state).rowText(7).trimmingCharacters(), "↓ 7 more (End)", "7 lines below: line 27 on, with the blank lines between")
        Fixtures.press([.home], &state)
        XCTAssertEqual(visibleNotices(state).first, "line 1")
        Fixtures.press([.pageDown], &state)
        XCTAssertEqual(state.scrollTop, 6)
        Fixtures.press([.end], &state)
        XCTAssertNil(state.scrollTop)
        XCTAssertEqual(visibleNotices(state).last, "line 30")
        Fixtures.press([.pageUp, .pageDown, .pageDown], &state)
        XCTAssertNil(state.scrollTop, "paging past the bottom resumes following")
    }

    func testWheelScrollsThreeLines() {
        var state = longChat()
        Fixtures.press([.wheelUp], &state)
        XCTAssertEqual(state.scrollTop, 59 - 7 - 3)
        Fixtures.press([.wheelDown], &state)
        XCTAssertNil(state.scrollTop)
    }

    func testStreamingFollowsUnlessScrolledUp() {
        var state = longChat()
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyToken("first tokens")))
        XCTAssertTrue(AppView.render(state).text.contains("first tokens▍"))

        Fixtures.press([.pageUp], &state)
        let pinned = visibleNotices(state)
        for _ in 0..<20 { _ = state.update(.driver(.replyToken(" more words"))) }
        XCTAssertEqual(visibleNotices(state), pinned, "scrolled-up view stays put while tokens arrive")
        XCTAssertFalse(AppView.render(state).text.contains("▍"))

        Fixtures.press([.end], &state)
        XCTAssertTrue(AppView.render(state).text.contains("words▍"))
    }

    func testHomeAndEndEditWhenTyping() {
        var state = longChat()
        Fixtures.type("abc", &state)
        Fixtures.press([.home], &state)
        XCTAssertNil(state.scrollTop)
        XCTAssertEqual(state.editor.cursor, 0)
    }

    func testResizeKeepsScrollInRange() {
        var state = longChat()
        Fixtures.press([.home], &state)
        _ = state.update(.resize(rows: 80, columns: 30))
        XCTAssertNil(state.scrollTop, "everything fits: back to following")
    }
}

private extension String {
    func trimmingCharacters() -> String { String(drop(while: { $0 == " " })) }
    /// The text before the "↓ N more" marker, if any.
    func beforeMarker() -> String { String(prefix(while: { $0 != "↓" })).replacingTrailingSpaces() }
    func replacingTrailingSpaces() -> String { String(reversed().drop(while: { $0 == " " }).reversed()) }
}
