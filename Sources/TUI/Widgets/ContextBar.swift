/// The segmented context bar: system prompt (█), live turns (▓), free (░). Distinct glyphs
/// keep it readable without colour (NO_COLOR, monochrome terminals).
public enum ContextBar {
    public static let systemGlyph: Character = "█"
    public static let liveGlyph: Character = "▓"
    public static let freeGlyph: Character = "░"

    /// Cells per segment for a bar `width` cells wide. Any non-zero segment gets at least
    /// one cell so a short system prompt never disappears.
    public static func segments(_ usage: ContextUsage, width: Int) -> (system: Int, live: Int, free: Int) {
        guard width > 0 else { return (0, 0, 0) }
        guard usage.capacity > 0 else { return (0, 0, width) }
        let capacity = Double(max(usage.capacity, usage.used))
        var system = Int((Double(usage.system) / capacity * Double(width)).rounded())
        var live = Int((Double(usage.live) / capacity * Double(width)).rounded())
        if usage.system > 0 { system = max(1, system) }
        if usage.live > 0 { live = max(1, live) }
        // Full only when really full; otherwise leave a free cell visible.
        let maxUsed = usage.free > 0 ? width - 1 : width
        while system + live > maxUsed {
            if live > (usage.live > 0 ? 1 : 0) { live -= 1 } else if system > (usage.system > 0 ? 1 : 0) { system -= 1 } else { break }
        }
        if system + live > width { live = max(0, width - system); system = min(system, width) }
        return (system, live, max(0, width - system - live))
    }

    /// The bar as styled spans.
    public static func spans(_ usage: ContextUsage, width: Int) -> [StyledLine.Span] {
        let s = segments(usage, width: width)
        var spans: [StyledLine.Span] = []
        if s.system > 0 { spans.append(.init(String(repeating: systemGlyph, count: s.system), .barSystem)) }
        if s.live > 0 { spans.append(.init(String(repeating: liveGlyph, count: s.live), .barLive)) }
        if s.free > 0 { spans.append(.init(String(repeating: freeGlyph, count: s.free), .barFree)) }
        return spans
    }
}
