/// Inputs to `AppState.update`.
public enum AppMessage: Equatable, Sendable {
    case key(KeyEvent)
    case resize(rows: Int, columns: Int)
    case driver(DriverEvent)
    /// Periodic tick while something animates (spinner).
    case tick
    /// The runner switched themes successfully.
    case themeChanged(String)
}

/// Work `update` asks the runner to do; the state machine itself does no I/O.
public enum Effect: Equatable, Sendable {
    case send(String)
    case cancel
    case command(name: String, argument: String)
    case setTheme(String)
    case redraw
    case quit
}
