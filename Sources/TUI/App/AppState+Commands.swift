/// Slash commands the UI answers itself; the rest go to the driver.
extension AppState {
    mutating func run(command typed: String, argument: String) -> [Effect] {
        guard let spec = commands.named(typed) else {
            entries.append(TranscriptEntry(kind: .error, text: "unknown command /\(typed) (F1 lists commands; // sends a message starting with /)"))
            return []
        }
        let name = spec.name
        switch name {
        case "help":
            overlay = .help(scroll: 0)
            return []
        case "quit":
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
            // Commands that generate or rewrite history wait for the reply to end.
            if isBusy, spec.waitsForReply {
                flash = "still replying: Esc stops it first"
                return []
            }
            scrollTop = nil
            // A bang alias (`/save!`) carries its meaning: passed on as typed.
            return [.command(name: typed.hasSuffix("!") ? typed : name, argument: argument)]
        }
    }
}
