import SafeText

/// The status line: state, context bar with an eviction warning, token counts and speed.
/// Segments are dropped from the least important end when the window is narrow.
public enum StatusBarView {
    static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public static func line(for state: AppState, width: Int) -> StyledLine {
        var line = StyledLine([], fill: .status)
        guard width > 0 else { return line }
        if !state.completions.isEmpty {
            let items = state.completions.enumerated().map { index, name in
                index == state.completionIndex ? "[\(name)]" : name
            }
            line.spans = [.init(" Tab: " + items.joined(separator: "  "), .statusAccent)]
            return line
        }
        if let search = state.historySearch {
            let text = " search history: \(search.query)" + (search.failing ? " (no match)" : "")
                + " · Ctrl-R older · Enter keeps · Esc cancels"
            line.spans = [.init(SafeText.shown(text, newlines: false, tabWidth: 4), .statusAccent)]
            return line
        }
        if let flash = state.flash {
            line.spans = [.init(" " + SafeText.shown(flash, newlines: false, tabWidth: 4), .statusAccent)]
            return line
        }

        // (priority, spans): lower number = more important.
        var segments: [(Int, [StyledLine.Span])] = []
        segments.append((0, [.init(" " + stateLabel(state), .statusAccent)]))
        if state.editingLast { segments.append((0, [.init("✎ editing your last message (Esc cancels)", .warning)])) }
        let usage = state.shownContext
        if usage.capacity > 0 {
            let barWidth = max(6, min(24, width / 5))
            var spans: [StyledLine.Span] = [.init("ctx ", .status)]
            spans += ContextBar.spans(usage, width: barWidth)
            spans.append(.init(" \(usage.used)/\(usage.capacity)", .status))
            segments.append((1, spans))
            if usage.nearEviction {
                segments.append((2, [.init("⚠ near limit: evicts next turn", .warning)]))
            }
        }
        if state.phase == .generating {
            segments.append((3, [.init("\(state.streamingTokens) tok", .status)]))
        } else if let stats = state.lastStats {
            let speed = stats.tokensPerSecond.isFinite ? stats.tokensPerSecond : 0
            let rate = (speed * 10).rounded() / 10
            segments.append((3, [.init("\(stats.tokens) tok · \(rate) tok/s", .status)]))
        }
        segments.append((4, [.init("F1 help", .status)]))

        // Keep the most important segments that fit, in their original order.
        let separatorWidth = 3
        var kept = Set<Int>()
        var used = 0
        for (index, segment) in segments.enumerated().sorted(by: { $0.element.0 < $1.element.0 }) {
            let w = segment.1.reduce(0) { $0 + DisplayWidth.of($1.text) } + (kept.isEmpty ? 0 : separatorWidth)
            if used + w <= width || kept.isEmpty {
                kept.insert(index)
                used += w
            }
        }
        for (index, segment) in segments.enumerated() where kept.contains(index) {
            if !line.spans.isEmpty { line.spans.append(.init(" │ ", .status)) }
            line.spans += segment.1
        }
        return line
    }

    static func stateLabel(_ state: AppState) -> String {
        let frame = spinner[state.spinnerFrame % spinner.count]
        switch state.phase {
        case .loading(let progress, _): return "\(frame) loading \(Int((progress * 100).rounded()))%"
        case .idle: return "● idle"
        case .generating: return "\(frame) generating (Esc stops)"
        case .stopping: return "\(frame) stopping"
        }
    }
}
