import ChatTUI
@testable import TUI

/// Builders shared by the view and update tests.
enum Fixtures {
    static let header = HeaderInfo(model: "tinyllama-1.1b", quantization: "Q4_0", template: "llama2",
                                   systemPrompt: "You are a helpful, respectful and honest assistant.")

    /// A ready, idle chat of `rows`×`columns` with one exchange.
    static func chat(rows: Int = 12, columns: Int = 40) -> AppState {
        var state = AppState(rows: rows, columns: columns, themeName: "dark", themeNames: ["dark", "gruvbox", "light"])
        state.commands = CommandSpec.session + CommandSpec.screen
        _ = state.update(.driver(.ready(header)))
        _ = state.update(.driver(.context(ContextUsage(capacity: 2048, system: 40, live: 300, evictionThreshold: 1792))))
        state.entries = [
            TranscriptEntry(kind: .user, text: "Hi there"),
            TranscriptEntry(kind: .assistant, text: "Hello! How can I help you today?"),
        ]
        return state
    }

    /// Sends keys through `update`, collecting effects.
    @discardableResult
    static func press(_ keys: [KeyEvent], _ state: inout AppState) -> [Effect] {
        keys.flatMap { state.update(.key($0)) }
    }

    static func type(_ text: String, _ state: inout AppState) {
        for c in text { _ = state.update(.key(.character(c))) }
    }
}
