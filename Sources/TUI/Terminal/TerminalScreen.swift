/// What the runner needs from a terminal. `NcursesTerminal` is the only implementation
/// that touches a real terminal; everything above it works on `ScreenBuffer`s.
public protocol TerminalScreen: AnyObject {
    /// Current size in rows and columns.
    var size: (rows: Int, columns: Int) { get }
    /// Waits up to `timeoutMilliseconds` for input, then returns everything available.
    func read(timeoutMilliseconds: Int) -> [RawInput]
    /// Makes the terminal show `buffer`, writing only what changed since the last draw.
    func draw(_ buffer: ScreenBuffer)
    /// Forgets what is on screen so the next draw repaints everything (Ctrl-L, theme change).
    func invalidate()
    /// Switches colours, mapped down to what the terminal has (after NO_COLOR).
    func apply(_ theme: Theme)
    /// Puts `text` on the system clipboard: an OSC 52 sequence the terminal (or tmux) acts on.
    func copyToClipboard(_ text: String)
    /// Reports the mouse wheel as keys (true), or leaves the mouse to the terminal (false).
    func setMouseWheel(_ on: Bool)
    /// Ctrl-Z: gives the terminal back to the shell until the job is continued (`fg`).
    func suspend()
    /// Leaves full-screen mode and restores the terminal. Idempotent.
    func close()
}
