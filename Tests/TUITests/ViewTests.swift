import XCTest
@testable import TUI

final class ViewTests: XCTestCase {
    func testWholeScreenGolden() {
        let screen = AppView.render(Fixtures.chat())
        XCTAssertEqual(screen.text, """
        ghostchat · tinyllama-1.1b · Q4_0 · lla…
        You
          Hi there

        Assistant
          Hello! How can I help you today?




         ● idle │ ctx █▓░░░░░░ 340/2048
        ›
        """)
        XCTAssertEqual(screen.cursor?.row, 11)
        XCTAssertEqual(screen.cursor?.column, 2)
        XCTAssertEqual(screen[0, 0].role, .header)
        XCTAssertEqual(screen[1, 0].role, .userLabel)
        XCTAssertEqual(screen[5, 2].role, .assistantText)
    }

    func testHeaderShowsSystemPromptWhenWide() {
        let screen = AppView.render(Fixtures.chat(rows: 8, columns: 80))
        XCTAssertEqual(screen.rowText(0), "ghostchat · tinyllama-1.1b · Q4_0 · llama2 │ system: You are a helpful, respect…")
    }

    func testHeaderExpandsWithF2() {
        var state = Fixtures.chat(rows: 12, columns: 30)
        Fixtures.press([.function(2)], &state)
        let screen = AppView.render(state)
        XCTAssertEqual(Array(screen.text.split(separator: "\n", omittingEmptySubsequences: false).prefix(4)), [
            "ghostchat · tinyllama-1.1b · …",
            "system: You are a helpful,",
            "respectful and honest",
            "assistant.",
        ])
    }

    func testWrappingWideCharactersAndInterruptedMarker() {
        var state = Fixtures.chat(rows: 10, columns: 20)
        state.entries = [
            TranscriptEntry(kind: .assistant, text: "漢字漢字漢字漢字漢字 👋🏽 done", interrupted: true),
        ]
        let screen = AppView.render(state)
        XCTAssertEqual(screen.text, """
        ghostchat · tinylla…
        Assistant
          漢字漢字漢字漢字漢
          字 👋🏽 done
          ⏹ interrupted



         ● idle │ F1 help
        ›
        """)
    }

    func testSystemPromptChangeAndEvictedTurns() {
        var state = Fixtures.chat(rows: 14, columns: 40)
        _ = state.update(.driver(.evicted(count: 1)))
        _ = state.update(.driver(.systemPromptChanged("Speak in French.")))
        _ = state.update(.driver(.error("disk full")))
        let screen = AppView.render(state)
        XCTAssertEqual(screen.rowText(1), "You · evicted from context")
        XCTAssertEqual(screen[1, 0].role, .evicted)
        XCTAssertEqual(screen[2, 2].role, .evicted)
        XCTAssertEqual(screen[5, 2].role, .assistantText, "only one message was evicted")
        XCTAssertEqual(screen.rowText(7), "⚙ system prompt: Speak in French.")
        XCTAssertEqual(screen.rowText(9), "✗ disk full")
        XCTAssertEqual(state.header.systemPrompt, "Speak in French.")
    }

    func testModelOutputControlsRenderVisibly() {
        var state = Fixtures.chat(rows: 8, columns: 40)
        state.entries = [TranscriptEntry(kind: .assistant, text: "hi \u{1B}[2J\u{1B}]0;x\u{07}")]
        XCTAssertEqual(AppView.render(state).rowText(2), "  hi ␛[2J␛]0;x␇")
    }

    func testStatusBarWhileGenerating() {
        var state = Fixtures.chat(rows: 8, columns: 100)
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        _ = state.update(.driver(.replyToken("Bon")))
        _ = state.update(.driver(.replyToken("jour")))
        let screen = AppView.render(state)
        // The reply's tokens count in the bar as they stream (340 placed + 2).
        XCTAssertEqual(screen.rowText(6), " ⠋ generating (Esc stops) │ ctx ████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓ 342/2048 │ 2 tok │ F1 help".replacingOccurrences(of: "████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓", with: bar(ContextUsage(capacity: 2048, system: 40, live: 302), 20)))
        XCTAssertTrue(screen.text.contains("  Bonjour▍"), "streaming cursor after the partial reply")
    }

    func testStatusBarSpeedAndEvictionWarning() {
        var state = Fixtures.chat(rows: 6, columns: 120)
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 64, tokensPerSecond: 17.94))))
        _ = state.update(.driver(.context(ContextUsage(capacity: 1000, system: 100, live: 780, evictionThreshold: 900))))
        let line = AppView.render(state).rowText(4)
        XCTAssertEqual(line, " ● idle │ ctx ██▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓░░░ 880/1000 │ ⚠ near limit: evicts next turn │ 64 tok · 17.9 tok/s │ F1 help",
                       "the warning leaves room for F1 help at 120 columns")
        XCTAssertEqual(AppView.render(state).roleRow(4, legend: [.barSystem: "s", .barLive: "l", .barFree: "f", .warning: "w"]).filter { $0 != "." },
                       "ss" + String(repeating: "l", count: 19) + "fff" + String(repeating: "w", count: 30))
        // Narrower, F1 help is the first segment to go.
        _ = state.update(.resize(rows: 6, columns: 100))
        XCTAssertEqual(AppView.render(state).rowText(4), " ● idle │ ctx ██▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓░░ 880/1000 │ ⚠ near limit: evicts next turn │ 64 tok · 17.9 tok/s")
    }

    func testContextBarSegments() {
        XCTAssertTrue(ContextBar.segments(ContextUsage(capacity: 100, system: 10, live: 40), width: 10) == (1, 4, 5))
        XCTAssertTrue(ContextBar.segments(ContextUsage(capacity: 4096, system: 5, live: 5), width: 10) == (1, 1, 8), "tiny segments stay visible")
        XCTAssertTrue(ContextBar.segments(ContextUsage(capacity: 100, system: 50, live: 49), width: 10) == (5, 4, 1), "not full until full")
        XCTAssertTrue(ContextBar.segments(ContextUsage(capacity: 100, system: 50, live: 50), width: 10) == (5, 5, 0))
        XCTAssertTrue(ContextBar.segments(ContextUsage(capacity: 100, system: 10, live: 500), width: 10) == (1, 9, 0), "over capacity")
        XCTAssertTrue(ContextBar.segments(.empty, width: 4) == (0, 0, 4))
    }

    /// Wrapped errors and system-prompt markers continue indented, not at column 0.
    func testWrappedMarkersKeepAHangingIndent() {
        var state = Fixtures.chat(rows: 20, columns: 40)
        _ = state.update(.driver(.error("the message is too long: it needs 900 tokens, but the context has room for 10")))
        _ = state.update(.driver(.systemPromptChanged("Always answer with emojis and never use any words at all please")))
        let text = AppView.render(state).text
        XCTAssertTrue(text.contains("""
            ✗ the message is too long: it needs
              900 tokens, but the context has room
              for 10
            """), text)
        XCTAssertTrue(text.contains("""
            ⚙ system prompt: Always answer with
              emojis and never use any words at all
              please
            """), text)
    }

    func testHelpOverlay() {
        var state = Fixtures.chat(rows: 40, columns: 100)
        Fixtures.press([.function(1)], &state)
        var screen = AppView.render(state)
        XCTAssertTrue(screen.text.contains("┌─ help · Esc closes ─"))
        XCTAssertTrue(screen.text.contains("│ /retry              generate the last reply again"), screen.text)
        XCTAssertTrue(screen.text.contains("│ /stats              counters of the last reply"), screen.text)
        XCTAssertNil(screen.cursor)
        Fixtures.press([.escape], &state)
        screen = AppView.render(state)
        XCTAssertFalse(screen.text.contains("help · Esc closes"))

        // /help opens it too, and it survives a window far smaller than its content.
        Fixtures.type("/help", &state)
        Fixtures.press([.enter], &state)
        state.rows = 6
        state.columns = 12
        XCTAssertEqual(AppView.render(state).rowText(0), "┌─ help · ─┐")
    }

    /// At 40 columns a description that does not fit goes under its command, whole.
    func testNarrowHelpWrapsDescriptionsInsteadOfCuttingThem() {
        var state = Fixtures.chat(rows: 200, columns: 40)
        Fixtures.press([.function(1)], &state)
        let rows = AppView.render(state).text.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " │")) }
        XCTAssertTrue(rows.contains("/check on|off [N]"), rows.joined(separator: "\n"))
        let words = rows.joined(separator: " ").split(separator: " ").joined(separator: " ")
        for spec in state.commands {
            XCTAssertTrue(words.contains(spec.summary), "\(spec.name): \(spec.summary)")
        }
    }

    func testConfirmQuitOverlay() {
        var state = Fixtures.chat(rows: 12, columns: 40)
        XCTAssertEqual(Fixtures.press([.control("c")], &state), [])
        XCTAssertTrue(AppView.render(state).text.contains("Quit ghostchat? (y/n)"))
        Fixtures.press([.character("n")], &state)
        XCTAssertNil(state.overlay)
        XCTAssertFalse(state.shouldQuit)
        XCTAssertEqual(Fixtures.press([.control("c"), .character("y")], &state), [.quit])
        XCTAssertTrue(state.shouldQuit)
    }

    func testLoadingProgress() {
        var state = AppState(rows: 8, columns: 30)
        _ = state.update(.driver(.loading(progress: 0.5, label: "loading weights")))
        let screen = AppView.render(state)
        XCTAssertTrue(screen.text.contains("loading weights"))
        XCTAssertTrue(screen.text.contains("███████████░░░░░░░░░░░ 50%"), screen.text)
        XCTAssertTrue(screen.rowText(6).contains("loading 50%"))
    }

    func testMultiLineInputGrowsAndKeepsCursorVisible() {
        var state = Fixtures.chat(rows: 12, columns: 20)
        Fixtures.type("line one", &state)
        Fixtures.press([.newline], &state)
        Fixtures.type("line two is longer than the row", &state)
        let screen = AppView.render(state)
        let rows = screen.text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(Array(rows.suffix(3)), ["› line one", "  line two is longer", "   than the row"])
        XCTAssertEqual(screen.cursor?.row, 11)
        XCTAssertEqual(screen.cursor?.column, 15)
    }

    func testTinyWindowsDoNotCrash() {
        var state = Fixtures.chat()
        state.entries.append(TranscriptEntry(kind: .assistant, text: "漢字👨‍👩‍👧‍👦 e\u{301} " + String(repeating: "word ", count: 50)))
        Fixtures.type("漢字 typing", &state)
        for rows in 0...6 {
            for columns in 0...8 {
                state.rows = rows
                state.columns = columns
                let screen = AppView.render(state)
                XCTAssertEqual(screen.height, rows)
                if let cursor = screen.cursor { XCTAssertTrue(screen.contains(row: cursor.row, column: cursor.column)) }
                for overlay in [AppState.Overlay.help(scroll: 3), .confirmQuit] {
                    var withOverlay = state
                    withOverlay.overlay = overlay
                    _ = AppView.render(withOverlay)
                }
            }
        }
        state.rows = 5
        state.columns = 20
        XCTAssertEqual(AppView.render(state).text, """
        ghostchat · tinylla…
          word word word
          word word word
         ● idle │ F1 help
        › 漢字 typing
        """)
        state.rows = 1
        state.columns = 1
        XCTAssertEqual(AppView.render(state).text, "", "the cursor's (continuation) line of the input")
        Fixtures.press([.control("u")], &state)
        XCTAssertEqual(AppView.render(state).text, "›")
    }

    private func bar(_ usage: ContextUsage, _ width: Int) -> String {
        ContextBar.spans(usage, width: width).map(\.text).joined()
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(target).joined(separator: replacement)
    }

    func components(_ separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
