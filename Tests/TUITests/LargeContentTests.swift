import TestSupport
import XCTest
@testable import TUI

/// A 100 000-token reply and a 10 000-line paste: the screen stays exact and each frame does
/// a bounded amount of work (counted in characters wrapped, never timed).
final class LargeContentTests: XCTestCase {
    // MARK: Growing wrap

    /// Random text built from words, long words, wide and combining characters, spaces,
    /// indentation and newlines, appended in random pieces: the incremental wrap always
    /// equals wrapping everything from scratch.
    func testGrowingWrapEqualsWrappingFromScratch() {
        var random = SeededRandom(seed: 42)
        let pieces = ["word", " ", "  ", "\n", "a", "longlonglonglonglongword", "漢字", "e\u{301}", "\u{301}", "👋🏽", "   indented",
                      "x", ",", "\n\n", "supercalifragilisticexpialidocious"]
        for width in [1, 2, 3, 5, 8, 13, 40] {
            for _ in 0..<40 {
                var wrap = GrowingWrap(width: width)
                var text = ""
                for _ in 0..<Int(random.next() % 60) {
                    var piece = ""
                    for _ in 0...Int(random.next() % 3) { piece += pieces[Int(random.next() % UInt64(pieces.count))] }
                    text += piece
                    wrap.append(piece)
                    XCTAssertEqual(wrap.lines(), TextWrapper.wrap(text, width: width), "width \(width): \(text.debugDescription)")
                    XCTAssertEqual(wrap.lines(suffix: "▍"), TextWrapper.wrap(text + "▍", width: width), "width \(width), cursor")
                }
            }
        }
    }

    // MARK: A 100 000-token reply

    func testHundredThousandTokenReplyRewrapsOnlyItsEnd() {
        var state = Fixtures.chat(rows: 30, columns: 100)
        // Fifty earlier exchanges that must not be wrapped again while the reply streams.
        for i in 0..<50 {
            state.entries.append(TranscriptEntry(kind: .user, text: "question \(i)"))
            state.entries.append(TranscriptEntry(kind: .assistant, text: String(repeating: "an earlier answer \(i) ", count: 30)))
        }
        _ = AppView.render(state)
        state.entries.append(TranscriptEntry(kind: .user, text: "write a very long answer"))
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        XCTAssertEqual(state.phase, .generating)
        let layout = state.conversationLayout
        _ = AppView.render(state)
        let laidOut = layout.entriesLaidOut

        var random = SeededRandom(seed: 9)
        let words = ["the", "model", "keeps", "talking", "about", "wrapping", "lines,", "and", "then", "some", "more.\n", "漢字", "👋🏽"]
        var worstFrame = 0
        var reply = ""
        for token in 0..<100_000 {
            let piece = " " + words[Int(random.next() % UInt64(words.count))]
            reply += piece
            _ = state.update(.driver(.replyToken(piece)))
            // A frame every 10 tokens (the screen draws at most every poll, 30 ms).
            if token % 10 == 9 {
                let before = layout.wrappedCharacters
                let screen = AppView.render(state)
                worstFrame = max(worstFrame, layout.wrappedCharacters - before)
                if token % 20_000 == 19_999 {
                    XCTAssertEqual(state.conversationLines(), ConversationView.lines(for: state.entries, width: 100, streaming: true),
                                   "after \(token + 1) tokens the cached layout is exact")
                    XCTAssertTrue(screen.text.contains("▍"), "the cursor follows the end of the reply")
                }
            }
        }
        XCTAssertEqual(layout.entriesLaidOut, laidOut, "no message was laid out again while the reply streamed")
        XCTAssertLessThan(worstFrame, 8 * 100, "a frame wraps a few lines, not the 100 000-token reply")
        XCTAssertEqual(state.entries.last?.text, reply)

        // Finished: scrolling the whole reply stays exact and cheap.
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 100_000, tokensPerSecond: 1, interrupted: false))))
        let lines = ConversationView.lines(for: state.entries, width: 100, streaming: false)
        XCTAssertEqual(state.conversationLines(), lines)
        let height = state.layout().conversation.count
        _ = Fixtures.press([.pageUp, .pageUp], &state)
        XCTAssertEqual(state.scrollTop, lines.count - height - 2 * (height - 1))
        let screen = AppView.render(state)
        XCTAssertTrue(screen.text.contains(lines[state.scrollTop!].plainText.trimmingCharacters(in: .whitespaces)))
        _ = Fixtures.press([.home], &state)
        XCTAssertEqual(state.scrollTop, 0, "Home with an empty input goes to the top")
        XCTAssertTrue(AppView.render(state).text.contains("Hi there"))
        _ = Fixtures.press([.end], &state)
        XCTAssertNil(state.scrollTop)

        // A resize lays everything out again, once.
        let before = layout.entriesLaidOut
        _ = state.update(.resize(rows: 30, columns: 80))
        _ = AppView.render(state)
        XCTAssertEqual(layout.entriesLaidOut - before, state.entries.count)
        XCTAssertEqual(state.conversationLines(), ConversationView.lines(for: state.entries, width: 80, streaming: false))
    }

    func testCachedLayoutFollowsEveryKindOfChange() {
        var state = Fixtures.chat(rows: 20, columns: 50)
        func check(_ label: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(state.conversationLines(),
                           ConversationView.lines(for: state.entries, width: state.columns, streaming: state.phase == .generating),
                           label, file: file, line: line)
        }
        check("start")
        state.entries.append(TranscriptEntry(kind: .user, text: "tab\there and\r\nCRLF"))
        check("user with tab and CRLF")
        _ = state.update(.driver(.replyStarted(replacingLast: false)))
        check("empty reply with cursor")
        for piece in ["Hello", " wor", "ld\r", "\nnext", " \u{1B}[2J", "e", "\u{301}", "   ", "\n", "verylongwordthatdoesnotfitinfiftycolumnsatallreally"] {
            _ = state.update(.driver(.replyToken(piece)))
            check("after \(piece.debugDescription)")
        }
        _ = state.update(.driver(.evicted(count: 2)))
        check("evicted")
        _ = state.update(.key(.escape))
        check("stopping")
        _ = state.update(.driver(.replyFinished(ReplyStats(tokens: 10, tokensPerSecond: 1, interrupted: true))))
        check("interrupted")
        _ = state.update(.driver(.notice("a notice")))
        _ = state.update(.driver(.systemPromptChanged("Speak French")))
        check("notice and system prompt")
        _ = state.update(.driver(.transcript([TranscriptEntry(kind: .user, text: "only this")])))
        check("replaced transcript")
        _ = state.update(.resize(rows: 10, columns: 7))
        check("narrow")
    }

    // MARK: A 10 000-line paste

    func testTenThousandLinePasteLandsWholeAndTypingGoesOn() {
        var state = Fixtures.chat(rows: 30, columns: 80)
        let pasted = (0..<10_000).map { "line \($0): some pasted text that is long enough to wrap at eighty columns, maybe." }
            .joined(separator: "\n")
        // Through the key decoder, as the terminal sends it (bracketed paste).
        var decoder = KeyDecoder()
        var events: [KeyEvent] = []
        for scalar in "\u{1B}[200~\(pasted)\u{1B}[201~".unicodeScalars { events += decoder.feed(.scalar(scalar)) }
        XCTAssertEqual(events.count, 1)
        Fixtures.press(events, &state)
        XCTAssertEqual(state.editor.text, pasted, "the whole paste is in the input")

        let screen = AppView.render(state)
        let layout = state.layout()
        XCTAssertEqual(layout.input.count, (30 - layout.header.count - 1) / 3, "the input pane grows to its limit, no further")
        XCTAssertTrue(screen.text.contains("line 9999: some pasted"), "the end of the paste (where the cursor is) is shown")
        XCTAssertEqual(screen.cursor?.row, layout.input.upperBound - 1)

        Fixtures.type(" and more", &state)
        XCTAssertTrue(state.editor.text.hasSuffix("maybe. and more"))
        XCTAssertTrue(AppView.render(state).text.contains("and more"), "typing after the paste shows")

        // Moving through the text: the view follows the cursor.
        for _ in 0..<5000 { Fixtures.press([.up], &state) }
        let middle = AppView.render(state)
        XCTAssertTrue(middle.text.contains("line 4999:"), middle.text)
        for _ in 0..<5000 { Fixtures.press([.up], &state) }
        let top = AppView.render(state)
        XCTAssertTrue(top.text.contains("› line 0:"), "the prompt line is back at the top: \(top.text)")

        // The view near the cursor is exactly the full layout's.
        for cursorMoves in [0, 3, 700] {
            for _ in 0..<cursorMoves { Fixtures.press([.down], &state) }
            let window = InputView.window(state.editor, width: 80, rows: layout.input.count)
            let full = InputView.layout(state.editor, width: 80)
            let firstShown = full.cursor.line - window.cursor.line
            XCTAssertEqual(Array(full.lines[firstShown..<(firstShown + window.lines.count)]), window.lines)
            XCTAssertEqual(full.cursor.column, window.cursor.column)
        }

        // Sending it delivers every line.
        let effects = Fixtures.press([.enter], &state)
        guard case .send(let sent)? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(sent.split(separator: "\n").count, 10_000)
        XCTAssertTrue(state.editor.isEmpty)
    }

    func testWindowedInputEqualsTheFullLayout() {
        var random = SeededRandom(seed: 4)
        let pieces = ["a", "b", " ", "\n", "漢", "\n\n", "👋🏽", "xxxxxxxxxx"]
        for width in [3, 4, 7, 12] {
            for _ in 0..<60 {
                var text = ""
                for _ in 0..<Int(random.next() % 80) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
                var editor = LineEditor(text: text)
                for _ in 0..<Int(random.next() % UInt64(text.count + 1)) { editor.moveLeft() }
                let full = InputView.layout(editor, width: width)
                for rows in [1, 2, 5] {
                    XCTAssertEqual(InputView.lineCount(editor, width: width, limit: rows), min(rows, full.lines.count))
                    var windowed = ScreenBuffer(width: width, height: rows)
                    var reference = ScreenBuffer(width: width, height: rows)
                    let a = InputView.draw(editor, placeholder: nil, into: &windowed, rows: 0..<rows)
                    let b = Self.drawFull(editor, into: &reference, rows: 0..<rows)
                    XCTAssertEqual(windowed.text, reference.text, "\(text.debugDescription) width \(width) rows \(rows)")
                    XCTAssertEqual(a?.row, b.row)
                    XCTAssertEqual(a?.column, b.column)
                }
            }
        }
    }

    /// The drawing before windowing: lay out everything, show the rows around the cursor.
    static func drawFull(_ editor: LineEditor, into buffer: inout ScreenBuffer, rows: Range<Int>) -> (row: Int, column: Int) {
        let (lines, cursor) = InputView.layout(editor, width: buffer.width)
        let first = max(0, min(cursor.line - rows.count + 1, lines.count - rows.count))
        for (offset, row) in rows.enumerated() {
            buffer.fill(row: row, role: .input)
            let index = first + offset
            guard index < lines.count else { continue }
            let x = buffer.put(index == 0 ? InputView.prompt : InputView.continuation, row: row, column: 0, role: .inputPrompt)
            buffer.put(lines[index], row: row, column: x, role: .input)
        }
        return (rows.lowerBound + cursor.line - first, min(buffer.width - 1, 2 + cursor.column))
    }
}
