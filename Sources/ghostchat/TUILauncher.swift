import Chat
import Foundation
import TUI

/// Opens the full-screen chat on the current terminal and restores it afterwards.
enum TUILauncher {
    /// True when both stdin and stdout are terminals (otherwise plain mode is the answer).
    static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }

    /// `remembersTheme`: a theme switched to with `/theme` goes into config.toml (the chat;
    /// the demo leaves your settings alone).
    /// `upEditsLast`: Up on an empty prompt edits your last message (config `up-edits-last`).
    static func run(driver: ChatDriver, theme: String, remembersTheme: Bool, upEditsLast: Bool = false) throws {
        let catalog = ThemeCatalog.standard()
        // Fail before entering full-screen mode, so the message lands on a normal terminal.
        _ = try catalog.load(theme)
        let terminal = try NcursesTerminal()
        let remember: ((String) throws -> String)? = remembersTheme ? { name in
            try UserConfig.set("theme", to: name)
            return ChatPaths.configFile().path
        } : nil
        ChatScreen(driver: driver, catalog: catalog, theme: theme, rememberTheme: remember, upEditsLast: upEditsLast).run(terminal: terminal)
    }
}
