import ArgumentParser
import ChatTUI
import Foundation
import TUI
import TUIDemo

/// `ghostchat tui-demo` (hidden): the full-screen chat over the demo driver, no model.
/// Lets the tmux end-to-end tests drive the real binary in a real terminal.
struct TUIDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui-demo",
        abstract: "Open the full-screen chat with a canned demo driver (no model).",
        shouldDisplay: false
    )

    @Option(help: "Theme name (themes/*.toml, ~/.config/ghostchat/themes) or a path to a .toml file.")
    var theme: String = "dark"

    @Option(name: .customLong("token-ms"), help: "Delay between streamed demo tokens, in milliseconds.")
    var tokenMilliseconds: Int = 30

    @Option(name: .customLong("load-ms"), help: "How long the pretend model takes to load, in milliseconds.")
    var loadMilliseconds: Int = 500

    @Option(help: ArgumentHelp("Crash when a message is sent (for the terminal-restore tests): "
                               + DemoChatDriver.Fault.allCases.map(\.rawValue).joined(separator: ", "), visibility: .hidden))
    var fault: DemoChatDriver.Fault?

    func run() throws {
        let driver = DemoChatDriver(tokenDelay: Double(max(0, tokenMilliseconds)) / 1000,
                                    loadDelay: Double(max(0, loadMilliseconds)) / 10_000, commands: CommandSpec.session)
        driver.fault = fault
        try TUILauncher.run(driver: driver, theme: theme, remembersTheme: false)
    }
}

extension DemoChatDriver.Fault: ExpressibleByArgument {}
