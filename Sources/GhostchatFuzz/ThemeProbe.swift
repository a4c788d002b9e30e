import TUI

/// A theme file as `--theme FILE` or `/theme NAME` reads it: accepted, or refused with one
/// clean line. An accepted theme draws a whole chat screen.
enum ThemeProbe {
    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let theme: Theme
        do {
            theme = try Theme(toml: text, fallbackName: "fuzz")
        } catch {
            return "refused: " + ProbeCheck.message(of: error, expecting: Theme.LoadError.self)
        }
        var state = AppState(rows: 12, columns: 40, themeName: theme.name)
        _ = state.update(.themeChanged(theme.name))
        let screen = AppView.render(state)
        for cell in screen.cells { ProbeCheck.requireDrawable(cell.text, what: "a screen cell") }
        return "accepted theme with \(theme.styles.count) styles"
    }
}
