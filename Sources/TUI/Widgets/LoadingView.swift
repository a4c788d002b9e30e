import SafeText

/// Model loading: a centred label and progress bar in the conversation pane.
public enum LoadingView {
    public static func draw(progress: Double, label: String, into buffer: inout ScreenBuffer, rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        let middle = rows.lowerBound + rows.count / 2
        let barWidth = max(0, min(40, buffer.width - 8))
        let clamped = min(1, max(0, progress.isFinite ? progress : 0))
        let filled = Int((Double(barWidth) * clamped).rounded(.down))
        let title = HeaderView.truncate(SafeText.shown(label, newlines: false, tabWidth: 4), to: buffer.width)
        if middle - 1 >= rows.lowerBound {
            buffer.put(title, row: middle - 1, column: max(0, (buffer.width - DisplayWidth.of(title)) / 2), role: .notice)
        }
        let left = max(0, (buffer.width - barWidth - 5) / 2)
        var x = buffer.put(String(repeating: ContextBar.systemGlyph, count: filled), row: middle, column: left, role: .barLive)
        x = buffer.put(String(repeating: ContextBar.freeGlyph, count: barWidth - filled), row: middle, column: x, role: .barFree)
        buffer.put(" \(Int((clamped * 100).rounded()))%", row: middle, column: x, role: .notice)
    }
}
