/// Slash commands the UI answers itself; the rest go to the driver.
extension AppState {
    mutating func run(command name: String, argument: String) -> [Effect] {
        switch name {
        case "help", "?":
            overlay = .help(scroll: 0)
            return []
        case "quit", "exit", "q":
            shouldQuit = true
            return isBusy ? [.cancel, .quit] : [.quit]
        case "theme":
            if argument.isEmpty {
                let list = themeNames.map { $0 == themeName ? "\($0) (current)" : $0 }.joined(separator: ", ")
                entries.append(TranscriptEntry(kind: .notice, text: "themes: " + list))
                return []
            }
            return [.setTheme(argument)]
        default:
            guard SlashCommand.all.contains(where: { $0.name == name }) else {
                entries.append(TranscriptEntry(kind: .error, text: "unknown command /\(name) (F1 lists commands; // sends a message starting with /)"))
                return []
            }
            // Commands that generate or rewrite history wait for the reply to end.
            if isBusy, ["retry", "undo", "clear", "load", "system", "preset", "template"].contains(name) {
                flash = "still replying: Esc stops it first"
                return []
            }
            scrollTop = nil
            return [.command(name: name, argument: argument)]
        }
    }
}
