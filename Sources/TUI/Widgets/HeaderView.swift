import SafeText

/// The top line(s): model, quantization, template and the active system prompt, truncated
/// to one line or expanded (F2) to show the whole prompt.
public enum HeaderView {
    /// The lines the header wants at `width` (the layout may give it fewer).
    public static func lines(for header: HeaderInfo, expanded: Bool, width: Int) -> [StyledLine] {
        var facts: [String] = []
        if !header.model.isEmpty { facts.append(header.model) }
        if !header.quantization.isEmpty { facts.append(header.quantization) }
        if !header.template.isEmpty { facts.append(header.template) }
        let left = "ghostchat" + (facts.isEmpty ? "" : " · " + facts.joined(separator: " · "))
        let prompt = SafeText.shown(header.systemPrompt, newlines: false, tabWidth: 4)
        let preset = header.preset.map { "[\($0)] " } ?? ""
        let system = prompt.isEmpty && preset.isEmpty ? "" : "system: " + preset + prompt
        guard expanded, !system.isEmpty else {
            var line = StyledLine([.init(left, .header)], fill: .header)
            if !system.isEmpty {
                let room = width - DisplayWidth.of(left) - 3
                if room >= 8 {
                    line.spans.append(.init(" │ ", .header))
                    line.spans.append(.init(truncate(system, to: room), .headerAccent))
                }
            }
            return [StyledLine(truncateSpans(line, width: width), fill: .header)]
        }
        var lines = [StyledLine([.init(truncate(left, to: width), .header)], fill: .header)]
        for wrapped in TextWrapper.wrap(system, width: max(1, width)) {
            lines.append(StyledLine([.init(wrapped, .headerAccent)], fill: .header))
        }
        return lines
    }

    /// Cuts `text` to `width` columns, ending in "…" when anything was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let (kept, cut) = DisplayWidth.clip(text, to: width)
        return cut ? kept + "…" : kept
    }

    private static func truncateSpans(_ line: StyledLine, width: Int) -> [StyledLine.Span] {
        var remaining = width
        var spans: [StyledLine.Span] = []
        for span in line.spans where remaining > 0 {
            let text = truncate(span.text, to: remaining)
            remaining -= DisplayWidth.of(text)
            spans.append(.init(text, span.role))
        }
        return spans
    }
}
