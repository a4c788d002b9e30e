import Foundation

/// The main loop: poll input briefly, drain driver events, update, draw. All terminal
/// calls happen here on the calling thread; the driver works on its own threads.
public final class ChatScreen {
    private let driver: ChatDriver
    private let catalog: ThemeCatalog
    private let initialTheme: String
    /// Input poll timeout: short enough that Esc and streamed tokens show within 100 ms.
    private let pollMilliseconds = 30

    /// Remembers a theme chosen with `/theme` for the next start; returns where, or throws.
    private let rememberTheme: ((String) throws -> String)?
    private let upEditsLast: Bool

    public init(driver: ChatDriver, catalog: ThemeCatalog = .standard(), theme: String = "dark",
                rememberTheme: ((String) throws -> String)? = nil, upEditsLast: Bool = false) {
        self.driver = driver
        self.upEditsLast = upEditsLast
        self.catalog = catalog
        self.initialTheme = theme
        self.rememberTheme = rememberTheme
    }

    /// Runs until the user quits. The terminal is restored before this returns or throws.
    public func run(terminal: TerminalScreen) {
        let inbox = EventInbox()
        let size = terminal.size
        var state = AppState(rows: size.rows, columns: size.columns, themeName: initialTheme, themeNames: catalog.names())
        state.commands = driver.commands + CommandSpec.screen
        state.upEditsLast = upEditsLast
        switchTheme(to: initialTheme, state: &state, terminal: terminal, fallback: true)
        for command in ["preset", "template", "load"] {
            state.commandArguments[command] = driver.completions(forCommand: command)
        }
        driver.start(sink: { inbox.post($0) })

        var decoder = KeyDecoder()
        var lastTick = Date()
        var needsDraw = true
        while !state.shouldQuit {
            let inputs = terminal.read(timeoutMilliseconds: pollMilliseconds)
            var messages: [AppMessage] = []
            for input in inputs {
                if case .resize(let rows, let columns) = input {
                    messages.append(.resize(rows: rows, columns: columns))
                } else {
                    messages += decoder.feed(input).map { .key($0) }
                }
            }
            if inputs.isEmpty { messages += decoder.idle().map { .key($0) } }
            messages += inbox.drain().map { .driver($0) }
            if (state.isBusy || state.isLoading), Date().timeIntervalSince(lastTick) >= 0.1 {
                lastTick = Date()
                messages.append(.tick)
            }
            for message in messages {
                for effect in state.update(message) {
                    perform(effect, state: &state, terminal: terminal)
                }
                needsDraw = true
            }
            if needsDraw {
                terminal.draw(AppView.render(state))
                needsDraw = false
            }
        }
        driver.shutdown()
        terminal.close()
    }

    private func perform(_ effect: Effect, state: inout AppState, terminal: TerminalScreen) {
        switch effect {
        case .send(let text): driver.send(text)
        case .cancel: driver.cancel()
        case .command(let name, let argument):
            driver.run(command: name, argument: argument)
            if ["load", "sessions", "preset", "template"].contains(name) {
                state.commandArguments[name] = driver.completions(forCommand: name)
            }
        case .setTheme(let name): switchTheme(to: name, state: &state, terminal: terminal, fallback: false)
        case .copyToClipboard(let text): terminal.copyToClipboard(text)
        case .setMouse(let on): terminal.setMouseWheel(on)
        case .suspend:
            terminal.suspend()
            let size = terminal.size
            _ = state.update(.resize(rows: size.rows, columns: size.columns))
        case .redraw: terminal.invalidate()
        case .quit: state.shouldQuit = true
        }
    }

    private func switchTheme(to name: String, state: inout AppState, terminal: TerminalScreen, fallback: Bool) {
        do {
            let theme = try catalog.load(name)
            terminal.apply(theme)
            _ = state.update(.themeChanged(name))
            state.flash = fallback ? nil : state.flash
            if !fallback, let rememberTheme {
                do {
                    state.flash = "theme: \(name) (kept in \(try rememberTheme(name)))"
                } catch {
                    state.entries.append(TranscriptEntry(kind: .error, text: "theme \(name) is on, but it could not be kept for next time: \(error)"))
                }
            }
        } catch {
            state.entries.append(TranscriptEntry(kind: .error, text: "theme: \(error)"))
            if fallback, let dark = try? catalog.load("dark") {
                terminal.apply(dark)
                state.themeName = "dark"
            }
        }
        state.themeNames = catalog.names()
    }
}
