import Foundation
import TUI

/// Opens the full-screen chat on the current terminal and restores it afterwards.
enum TUILauncher {
    /// True when both stdin and stdout are terminals (otherwise plain mode is the answer).
    static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }

    static func run(driver: ChatDriver, theme: String) throws {
        let catalog = ThemeCatalog.standard()
        // Fail before entering full-screen mode, so the message lands on a normal terminal.
        _ = try catalog.load(theme)
        let terminal = try NcursesTerminal()
        ChatScreen(driver: driver, catalog: catalog, theme: theme).run(terminal: terminal)
    }
}
