import Foundation
import XCTest

/// Drives the real `ghostchat tui-demo` binary in a real terminal (tmux) and reads the
/// screen back with `capture-pane`. Every wait polls for text with a generous deadline;
/// nothing asserts on timing, so a busy CI machine only makes the tests slower.
final class TmuxEndToEndTests: XCTestCase {
    private var tmux: TmuxSession!

    override func setUpWithError() throws {
        guard let tmuxPath = TmuxSession.findTmux() else {
            throw XCTSkip("tmux is not installed (apt-get install tmux); skipping end-to-end tests")
        }
        // macOS: the .xctest bundle sits next to the binary; Linux: the bundle URL is the
        // directory holding the test executable, which also holds the binary.
        let bundle = Bundle(for: Self.self).bundleURL
        let candidates = [bundle.deletingLastPathComponent(), bundle].map { $0.appendingPathComponent("ghostchat") }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }) else {
            throw XCTSkip("ghostchat binary not found at \(candidates.map(\.path)); build the package first")
        }
        self.binary = binary.path
        tmux = TmuxSession(tmux: tmuxPath, binary: binary.path)
    }

    private var binary = ""

    override func tearDown() {
        tmux?.killServer()
    }

    /// Starts the demo inside `sh` so that, after it exits, the shell prints the exit status,
    /// the terminal modes and DONE: proof that the terminal came back usable.
    private func startDemo(extraEnvironment: String = "", extraArguments: String = "", loadMilliseconds: Int = 500, waitForIdle: Bool = true) throws {
        // No core file from SIGQUIT.
        let script = "ulimit -c 0; \(extraEnvironment) '\(tmux.binary)' tui-demo --token-ms 20 --load-ms \(loadMilliseconds) \(extraArguments); "
            + "echo EXIT=$?; stty -a; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 100, rows: 30)
        if waitForIdle { try tmux.waitFor("● idle", because: "the demo model loads") }
    }

    func testTypeAMessageAndSeeTheStreamedReply() throws {
        try startDemo()
        try tmux.type("Hello from tmux")
        tmux.keys("Enter")
        let screen = try tmux.waitFor("café.", because: "the reply streams in")
        XCTAssertTrue(screen.contains("You said: Hello from tmux."))
        try tmux.waitFor("tok/s", because: "the status bar shows the speed of the finished reply")

        try tmux.type("/system Speak in French")
        tmux.keys("Enter")
        let switched = try tmux.waitFor("⚙ system prompt: Speak in French", because: "the system prompt switch is shown")
        XCTAssertTrue(switched.split(separator: "\n").first!.contains("system: Speak in French"), "header follows")
    }

    /// /retry after another command's output leaves one Assistant block, the retried one
    /// (issue 13, item 2: the old reply stayed, and the new one had no You above it).
    func testRetryAfterACommandReplacesTheReply() throws {
        try startDemo()
        try tmux.type("hello")
        tmux.keys("Enter")
        try tmux.waitFor("tok/s", because: "the first reply finishes")
        try tmux.type("/context")
        tmux.keys("Enter")
        try tmux.waitFor("eviction at", because: "/context prints its notice")
        try tmux.type("/retry")
        tmux.keys("Enter")
        let screen = try tmux.waitFor("(again)", because: "the retried reply streams in")
        try tmux.waitFor(because: "the retried reply finishes") { $0.contains("(again)") && $0.contains("● idle") }
        let final = tmux.capture()
        XCTAssertEqual(final.components(separatedBy: "Assistant").count - 1, 1, final)
        XCTAssertTrue(final.contains("eviction at"), "the notice stays: \(screen)")
    }

    func testInterruptWithCtrlCAndKeepChatting() throws {
        try startDemo()
        try tmux.type("tell me something long")
        tmux.keys("Enter")
        try tmux.waitFor("generating", because: "the long reply starts")
        try tmux.waitFor("This is a long streamed", because: "tokens arrive")
        tmux.keys("C-c")
        try tmux.waitFor("⏹ interrupted", because: "Ctrl-C stops the reply and marks it")
        try tmux.waitFor("● idle", because: "the session is idle again")
        XCTAssertFalse(tmux.capture().contains("Quit ghostchat?"), "Ctrl-C while replying only stops the reply")

        try tmux.type("second message")
        tmux.keys("Enter")
        try tmux.waitFor("You said: second message.", because: "chatting continues after an interrupt")
    }

    func testEscapeAlsoInterrupts() throws {
        try startDemo()
        try tmux.type("another long one")
        tmux.keys("Enter")
        try tmux.waitFor("This is a long streamed", because: "tokens arrive")
        tmux.keys("Escape")
        try tmux.waitFor("⏹ interrupted", because: "Esc stops the reply")
    }

    func testResizeRelaysOutEverything() throws {
        try startDemo()
        try tmux.type("wrap me")
        tmux.keys("Enter")
        try tmux.waitFor("café.", because: "the reply is complete")
        tmux.resize(columns: 50, rows: 14)
        let screen = try tmux.waitFor(because: "the reply is re-wrapped at 50 columns") { screen in
            screen.contains("\n  the demo driver with emoji 👋")
        }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 50 })
        XCTAssertTrue(screen.contains("● idle"), "the status bar is still there")
        tmux.resize(columns: 12, rows: 4)
        try tmux.waitFor("›", because: "a tiny window still shows the input line")
        tmux.resize(columns: 100, rows: 30)
        try tmux.waitFor("You said: wrap me.", because: "growing back restores the conversation")
    }

    func testHelpOverlayOpensAndCloses() throws {
        try startDemo()
        tmux.keys("F1")
        try tmux.waitFor(because: "F1 opens help, which lists the keys and commands") {
            $0.contains("help · Esc closes") && $0.contains("F3 (Alt-C), F4") && $0.contains("/system")
        }
        tmux.keys("PageDown")
        try tmux.waitFor(because: "the rest of the commands are a page down") { $0.contains("/copy [N]") && $0.contains("/retry") }
        tmux.keys("Escape")
        try tmux.waitFor(because: "Esc closes help") { !$0.contains("help · Esc closes") }
        try tmux.type("/help")
        tmux.keys("Enter")
        try tmux.waitFor("help · Esc closes", because: "/help opens it too")
    }

    /// /edit brings the last message back into the input line; sent, it replaces that
    /// exchange on screen.
    func testEditReplacesTheLastExchange() throws {
        try startDemo()
        try tmux.type("hello there")
        tmux.keys("Enter")
        try tmux.waitFor(because: "the demo replies") { $0.contains("Assistant") && $0.contains("● idle") }
        try tmux.type("/edit")
        tmux.keys("Enter")
        try tmux.waitFor("› hello there", because: "/edit puts the last message in the input line")
        tmux.keys("C-u")
        try tmux.type("goodbye now")
        tmux.keys("Enter")
        let screen = try tmux.waitFor(because: "the edited message gets its reply") { $0.contains("goodbye now") && $0.contains("● idle") }
        XCTAssertFalse(screen.contains("hello there"), "the old exchange is gone from the screen: \(screen)")
    }

    /// Ctrl-Z in a shell with job control stops the chat and gives the terminal back (the
    /// alternate screen is left); `fg` brings it back, drawn again and taking keys.
    func testCtrlZSuspendsAndFgContinues() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { throw XCTSkip("no bash for job control") }
        try tmux.start(command: "PS1='$ ' exec /bin/bash --norc --noprofile -i", columns: 100, rows: 30)
        tmux.run(["send-keys", "-t", tmux.target, "-l", "'\(tmux.binary)' tui-demo --token-ms 20 --load-ms 100"])
        tmux.keys("Enter")
        try tmux.waitFor("● idle", because: "the demo starts from the shell")
        tmux.keys("C-z")
        let stopped = try tmux.waitFor(because: "the shell reports the stopped job") { $0.contains("Stopped") }
        XCTAssertEqual(tmux.format("#{alternate_on}"), "0", "the shell's screen is back: \(stopped)")
        tmux.run(["send-keys", "-t", tmux.target, "-l", "fg"])
        tmux.keys("Enter")
        try tmux.waitFor("● idle", because: "fg draws the chat again")
        XCTAssertEqual(tmux.format("#{alternate_on}"), "1")
        try tmux.type("still here")
        tmux.keys("C-d")
    }

    func testCtrlDQuitsAndRestoresTheTerminal() throws {
        try startDemo()
        tmux.keys("C-d")
        let screen = try tmux.waitFor("DONE", because: "the shell runs after ghostchat exits")
        XCTAssertTrue(screen.contains("EXIT=0"), screen)
        try assertSaneTerminal(screen)
    }

    func testCtrlCOnEmptyPromptAsksFirst() throws {
        try startDemo()
        tmux.keys("C-c")
        try tmux.waitFor("Quit ghostchat? (y/n)", because: "Ctrl-C on an idle empty prompt asks")
        tmux.keys("n")
        try tmux.waitFor(because: "n keeps chatting") { !$0.contains("Quit ghostchat?") }
        tmux.keys("C-c")
        try tmux.waitFor("Quit ghostchat? (y/n)", because: "asked again")
        tmux.keys("y")
        let screen = try tmux.waitFor("DONE", because: "y quits")
        try assertSaneTerminal(screen)
    }

    func testSIGTERMRestoresTheTerminal() throws {
        try startDemo()
        try tmux.type("tell me something long")
        tmux.keys("Enter")
        try tmux.waitFor("This is a long streamed", because: "a reply is streaming when the signal arrives")
        try tmux.signalChild(SIGTERM)
        let screen = try tmux.waitFor("DONE", because: "the shell runs after the signal")
        XCTAssertTrue(screen.contains("EXIT=143"), screen)
        try assertSaneTerminal(screen)
    }

    func testModelControlSequencesAreShownNotObeyed() throws {
        try startDemo()
        // A terminal that obeys OSC 52 would put the text in a tmux paste buffer.
        tmux.run(["set-option", "-g", "set-clipboard", "on"])
        let title = tmux.format("#{pane_title}")
        try tmux.type("show an escape")
        tmux.keys("Enter")
        let screen = try tmux.waitFor("drawn visibly.", because: "the reply with control bytes completes")
        XCTAssertTrue(screen.contains("You said") == false && screen.contains("show an escape"), "the screen was not cleared by ESC[2J")
        let flat = screen.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "  ", with: "")
        for shown in ["␛[2J␛]0;pwned␇", "␛]52;c;cHduZWQ=␇", "␛]8;;https://evil.example␛\\link␛]8;;␛\\", "\u{FFFD}31m", "\u{FFFD}2;c1\u{FFFD}",
                      "\u{FFFD}reversed\u{FFFD}", "\u{FFFD}isolate\u{FFFD}"] {
            XCTAssertTrue(flat.contains(shown), "\(shown.debugDescription) is drawn visibly:\n\(screen)")
        }
        XCTAssertEqual(tmux.run(["list-buffers"]).output, "", "no clipboard write (OSC 52) reached the terminal")
        XCTAssertEqual(tmux.format("#{pane_title}"), title, "no retitle (OSC 0) reached the terminal")
    }

    // MARK: Signals in every state

    enum ScreenState: CaseIterable { case loading, idle, streaming, help }

    /// Brings a fresh demo into `state`.
    private func enter(_ state: ScreenState) throws {
        switch state {
        case .loading:
            try startDemo(loadMilliseconds: 600_000, waitForIdle: false)
            try tmux.waitFor("loading demo-llama", because: "the loading view shows")
        case .idle:
            try startDemo()
        case .streaming:
            try startDemo()
            try tmux.type("tell me something long")
            tmux.keys("Enter")
            try tmux.waitFor("This is a long streamed", because: "a reply is streaming")
        case .help:
            try startDemo()
            tmux.keys("F1")
            try tmux.waitFor("help · Esc closes", because: "the help overlay is open")
        }
    }

    /// SIGINT, SIGTERM, SIGHUP and SIGQUIT (sent with kill: in raw mode the keyboard sends
    /// none of them) each end the chat with the terminal given back: the shell runs, the
    /// alternate screen is left, echo and canonical mode are on, keypad and mouse modes off.
    private func assertSignalsRestoreTheTerminal(in state: ScreenState) throws {
        for (signal, name) in [(SIGINT, "INT"), (SIGTERM, "TERM"), (SIGHUP, "HUP"), (SIGQUIT, "QUIT")] {
            if tmux == nil { tmux = TmuxSession(tmux: TmuxSession.findTmux()!, binary: binary) }
            try enter(state)
            XCTAssertEqual(tmux.format("#{alternate_on}"), "1", "\(state): full screen before SIG\(name)")
            try tmux.signalChild(signal)
            let screen = try tmux.waitFor("DONE", because: "the shell runs after SIG\(name) in the \(state) state")
            XCTAssertTrue(screen.contains("EXIT=\(128 + signal)"), "\(state), SIG\(name): killed by the signal:\n\(screen)")
            try assertSaneTerminal(screen)
            XCTAssertEqual(tmux.format("#{alternate_on}"), "0", "\(state), SIG\(name): alternate screen left")
            XCTAssertEqual(tmux.format("#{keypad_flag}#{keypad_cursor_flag}#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}"), "00000",
                           "\(state), SIG\(name): keypad and mouse modes are off")
            tmux.killServer()
            tmux = nil
        }
    }

    /// A stack overflow, on the UI thread or on the thread streaming a reply, still gives the
    /// terminal back: the restoring handler runs on a signal stack of that thread's own.
    func testAStackOverflowRestoresTheTerminal() throws {
        for fault in ["stack-overflow", "stack-overflow-while-replying"] {
            if tmux == nil { tmux = TmuxSession(tmux: TmuxSession.findTmux()!, binary: binary) }
            // Without the Swift runtime's backtrace: printing tens of thousands of frames takes a while.
            try startDemo(extraEnvironment: "SWIFT_BACKTRACE=enable=no", extraArguments: "--fault \(fault)")
            try tmux.type("overflow")
            tmux.keys("Enter")
            let screen = try tmux.waitFor("DONE", because: "the shell runs after the \(fault)")
            XCTAssertTrue(screen.contains("EXIT=139"), "\(fault): killed by SIGSEGV:\n\(screen)")
            try assertSaneTerminal(screen)
            XCTAssertEqual(tmux.format("#{alternate_on}"), "0", "\(fault): alternate screen left")
            tmux.killServer()
            tmux = nil
        }
    }

    func testSignalsWhileLoadingRestoreTheTerminal() throws { try assertSignalsRestoreTheTerminal(in: .loading) }
    func testSignalsWhileIdleRestoreTheTerminal() throws { try assertSignalsRestoreTheTerminal(in: .idle) }
    func testSignalsWhileStreamingRestoreTheTerminal() throws { try assertSignalsRestoreTheTerminal(in: .streaming) }
    func testSignalsWithHelpOpenRestoreTheTerminal() throws { try assertSignalsRestoreTheTerminal(in: .help) }

    private func assertSaneTerminal(_ screen: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let words = Set(screen.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
        XCTAssertTrue(words.contains("icanon"), "canonical mode restored:\n\(screen)", file: file, line: line)
        XCTAssertTrue(words.contains("echo"), "echo restored:\n\(screen)", file: file, line: line)
        XCTAssertFalse(screen.contains("help · Esc closes"), file: file, line: line)
    }
}

/// A tmux server on its own socket, one session, one pane.
final class TmuxSession {
    let tmux: String
    let binary: String
    let socket = "ghostchat-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let target = "chat"
    /// Generous: CI machines are shared and busy.
    let deadline: TimeInterval = 60

    init(tmux: String, binary: String) {
        self.tmux = tmux
        self.binary = binary
    }

    static func findTmux() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tmux client command and returns its status and output. Uses posix_spawn and
    /// waitpid rather than Foundation's Process: `new-session` forks the tmux server, which
    /// inherits descriptors and left Process.waitUntilExit hanging on Linux.
    @discardableResult
    func run(_ arguments: [String]) -> (status: Int32, output: String) {
        Self.spawn(tmux, ["-L", socket, "-f", "/dev/null"] + arguments)
    }

    static func spawn(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return (-1, "spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1, output)
    }

    func start(command: String, columns: Int, rows: Int) throws {
        let result = run(["new-session", "-d", "-s", target, "-x", "\(columns)", "-y", "\(rows)",
                          "env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=screen-256color", "sh", "-c", command])
        guard result.status == 0 else { throw TmuxError("tmux new-session failed with status \(result.status)") }
        // Wide enough regardless of the client: no client is attached to size the window.
        run(["set-option", "-t", target, "window-size", "manual"])
    }

    func keys(_ keys: String...) { run(["send-keys", "-t", target] + keys) }

    /// Types literally (no key-name lookup), then waits until the input line shows it.
    func type(_ text: String) throws {
        run(["send-keys", "-t", target, "-l", text])
        try waitFor("› " + text, because: "typed text appears in the input line")
    }

    func resize(columns: Int, rows: Int) {
        run(["resize-window", "-t", target, "-x", "\(columns)", "-y", "\(rows)"])
    }

    func capture() -> String { run(["capture-pane", "-p", "-t", target]).output }

    /// A tmux format expanded for the pane (`#{alternate_on}`, `#{pane_title}` …).
    func format(_ format: String) -> String {
        run(["display-message", "-p", "-t", target, format]).output.trimmingCharacters(in: .newlines)
    }

    /// Sends `signal` to the pane shell's child: the ghostchat process under test.
    func signalChild(_ signal: Int32) throws {
        let panePID = run(["display-message", "-p", "-t", target, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let children = Self.spawn("/usr/bin/pgrep", ["-P", panePID]).output.split(separator: "\n").compactMap { pid_t($0) }
        guard let child = children.first else { throw TmuxError("no child of pane pid \(panePID)") }
        kill(child, signal)
    }

    @discardableResult
    func waitFor(_ text: String, because reason: String) throws -> String {
        try waitFor(because: "\(reason) (waiting for \"\(text)\")") { $0.contains(text) }
    }

    @discardableResult
    func waitFor(because reason: String, _ predicate: (String) -> Bool) throws -> String {
        let end = Date().addingTimeInterval(deadline)
        var screen = ""
        while Date() < end {
            screen = capture()
            if predicate(screen) { return settled(screen, predicate) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TmuxError("timed out: \(reason). Screen:\n\(screen)")
    }

    /// A capture can catch ncurses halfway through a frame (the overlay's title drawn, its
    /// body not yet), so once the predicate holds, wait briefly for two identical captures
    /// that still satisfy it; a screen that keeps changing (a streaming reply) is returned as is.
    private func settled(_ first: String, _ predicate: (String) -> Bool) -> String {
        var previous = first
        for _ in 0..<10 {
            Thread.sleep(forTimeInterval: 0.05)
            let next = capture()
            guard predicate(next) else { return previous }
            if next == previous { return next }
            previous = next
        }
        return previous
    }

    func killServer() { run(["kill-server"]) }
}

struct TmuxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
