/// What a cell *means*; the theme decides how each role looks, so views and their golden
/// tests never depend on colours.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
    case normal
    case header
    case headerAccent = "header_accent"
    case userLabel = "user_label"
    case userText = "user_text"
    case assistantLabel = "assistant_label"
    case assistantText = "assistant_text"
    case systemNote = "system_note"
    case notice
    case error
    case evicted
    case interrupted
    case input
    case inputPrompt = "input_prompt"
    case hint
    case status
    case statusAccent = "status_accent"
    case barSystem = "bar_system"
    case barLive = "bar_live"
    case barFree = "bar_free"
    case warning
    case overlay
    case overlayBorder = "overlay_border"
    case overlayTitle = "overlay_title"
    case selection
    /// Markdown in replies: headings, **strong**, *emphasis*, `code`, fenced code blocks,
    /// > quotes, and the markers (bullets, quote bars, rules, the clipped-code arrow).
    case mdHeading = "md_heading"
    case mdStrong = "md_strong"
    case mdEmphasis = "md_emphasis"
    case mdCode = "md_code"
    case mdCodeBlock = "md_code_block"
    case mdQuote = "md_quote"
    case mdMarker = "md_marker"
}
