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
    /// Put text on the system clipboard through the terminal (OSC 52).
    case copyToClipboard(String)
    /// Turn the mouse wheel on (scrolls the chat) or off (the terminal's own selection works).
    case setMouse(Bool)
    /// Stop like a shell job (Ctrl-Z) and carry on when continued.
    case suspend
    case redraw
    case quit
}
