import Foundation
import TestSupport
import XCTest

/// The full-screen chat over a real fixture model and the real session manager, in tmux:
/// stream a reply, switch the system prompt, interrupt and go on, resize, /save, quit.
final class TmuxRealModelTests: XCTestCase {
    private var tmux: TmuxSession!
    private var dataDirectory: URL!

    static let fixtures = FixtureLocator.sharedDirectory

    override func setUpWithError() throws {
        guard let tmuxPath = TmuxSession.findTmux() else {
            throw XCTSkip("tmux is not installed (apt-get install tmux); skipping end-to-end tests")
        }
        let bundle = Bundle(for: Self.self).bundleURL
        let candidates = [bundle.deletingLastPathComponent(), bundle].map { $0.appendingPathComponent("ghostchat") }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }) else {
            XCTFail("ghostchat binary not found at \(candidates.map(\.path))")
            return
        }
        let model = Self.fixtures.appendingPathComponent("tiny-llama-q4_0.gguf")
        guard FileManager.default.fileExists(atPath: model.path) else {
            XCTFail("fixture missing: \(model.path)")
            return
        }
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-tui-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        self.binary = binary.path
        tmux = TmuxSession(tmux: tmuxPath, binary: binary.path)
    }

    private var binary = ""

    override func tearDown() {
        tmux?.killServer()
        if let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }

    func testChatWithARealModel() throws {
        guard let tmux else { return }
        let model = Self.fixtures.appendingPathComponent("tiny-llama-q4_0.gguf").path
        let saved = dataDirectory.appendingPathComponent("chat.json").path
        let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m '\(model)' -c 4096 -t 1 --seed 5 --system-preset emoji; "
            + "echo EXIT=$?; stty -a; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 100, rows: 30)
        let ready = try tmux.waitFor("● idle", because: "the model loads")
        XCTAssertTrue(ready.contains("ghost-test") && ready.contains("Q4_0") && ready.contains("llama2"), "header: \(ready)")
        XCTAssertTrue(ready.contains("Always answer with emojis"), ready)

        // A short reply streams in and finishes.
        try tmux.type("/set n 12")
        tmux.keys("Enter")
        try tmux.type("Hello there")
        tmux.keys("Enter")
        try tmux.waitFor("tok/s", because: "the reply finishes and the status bar shows its speed")
        XCTAssertTrue(tmux.capture().contains("Assistant"))

        // Switch the system prompt mid-chat.
        try tmux.type("/preset french")
        tmux.keys("Enter")
        try tmux.waitFor("⚙ system prompt: Always speak in French", because: "the switch is shown in the conversation")

        // A long reply, interrupted, and the chat goes on.
        try tmux.type("/set n -1")
        tmux.keys("Enter")
        try tmux.type("Tell me a long story")
        tmux.keys("Enter")
        try tmux.waitFor("generating", because: "the long reply starts")
        tmux.keys("C-c")
        try tmux.waitFor("⏹ interrupted", because: "Ctrl-C stops the reply and keeps it")
        try tmux.waitFor("● idle", because: "idle again after the interrupt")
        try tmux.type("/set n 8")
        tmux.keys("Enter")
        try tmux.type("And now?")
        tmux.keys("Enter")
        try tmux.waitFor(because: "the next message gets a reply") { $0.contains("And now?") && $0.contains("● idle") }

        // Resize: everything is laid out again.
        tmux.resize(columns: 60, rows: 18)
        try tmux.waitFor(because: "the narrow layout shows the prompt and status") { screen in
            screen.contains("● idle") && screen.split(separator: "\n").allSatisfy { $0.count <= 60 }
        }
        tmux.resize(columns: 100, rows: 30)

        // /save writes the file.
        try tmux.type("/save \(saved)")
        tmux.keys("Enter")
        try tmux.waitFor("saved", because: "/save reports the file")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any]
        let messages = json?["messages"] as? [[String: Any]] ?? []
        XCTAssertTrue(messages.contains { ($0["content"] as? String) == "Tell me a long story" })
        XCTAssertTrue(messages.contains { ($0["interrupted"] as? Bool) == true }, "the interrupted reply is kept and marked")

        // Quit: the terminal is restored and the shell goes on.
        tmux.keys("C-d")
        let screen = try tmux.waitFor("DONE", because: "the shell runs after ghostchat exits")
        XCTAssertTrue(screen.contains("EXIT=0"), screen)
        XCTAssertTrue(screen.contains("ghostchat: continue this chat with: ghostchat chat --resume "), "the way back is named: \(screen)")
        let words = Set(screen.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
        XCTAssertTrue(words.contains("icanon") && words.contains("echo"), screen)
    }

    /// A model path that is not a model, or does not exist, is refused before the screen
    /// opens: one line on stderr, exit status 1, the terminal as it was.
    func testBadModelIsRefusedBeforeTheScreenOpens() throws {
        guard let tmux else { return }
        let notes = dataDirectory.appendingPathComponent("notes.txt")
        try "my notes, not a model\n".write(to: notes, atomically: true, encoding: .utf8)
        let missing = dataDirectory.appendingPathComponent("missing.gguf").path
        let script = "cd '\(dataDirectory.path)'; for m in '\(notes.path)' '\(missing)'; do "
            + "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m \"$m\" 2>err.txt; echo EXIT=$?; "
            + "echo LINES=$(wc -l < err.txt); cat err.txt; done; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 160, rows: 30)
        let screen = try tmux.waitFor("DONE", because: "ghostchat exits at once, twice")
        XCTAssertEqual(screen.components(separatedBy: "EXIT=1").count - 1, 2, screen)
        XCTAssertEqual(screen.components(separatedBy: "LINES=1").count - 1, 2, screen)
        XCTAssertTrue(screen.contains("not a GGUF file") && screen.contains("no such file"), screen)
        XCTAssertFalse(screen.contains("● idle") || screen.contains("loading model"), "the full screen never opened: \(screen)")
    }

    /// A damaged database under the full-screen chat: one notice says the chat is kept in
    /// memory and how to keep it; chatting and /save go on.
    func testCorruptDatabaseLeavesTheChatInMemoryWithANotice() throws {
        guard let tmux else { return }
        let model = Self.fixtures.appendingPathComponent("tiny-llama-q4_0.gguf").path
        let database = dataDirectory.appendingPathComponent("sessions.sqlite")
        try Data(repeating: 0x5A, count: 8192).write(to: database)
        let saved = dataDirectory.appendingPathComponent("kept.json").path
        let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m '\(model)' -c 256 -t 1 --seed 5 -n 8; "
            + "echo EXIT=$?; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 100, rows: 30)
        let ready = try tmux.waitFor("● idle", because: "the model loads")
        let flat = ready.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("memory only") && flat.contains("/save FILE.json keeps it") && flat.contains("sessions.sqlite"), ready)
        try tmux.type("Hello")
        tmux.keys("Enter")
        try tmux.waitFor("tok/s", because: "the reply comes all the same")
        try tmux.type("/save \(saved)")
        tmux.keys("Enter")
        try tmux.waitFor("saved", because: "/save writes the chat")
        let transcript = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any]
        XCTAssertTrue((transcript?["messages"] as? [[String: Any]] ?? []).contains { ($0["content"] as? String) == "Hello" })
        XCTAssertEqual(try Data(contentsOf: database), Data(repeating: 0x5A, count: 8192), "the damaged file is left alone")
        tmux.keys("C-d")
        XCTAssertTrue(try tmux.waitFor("DONE", because: "the chat quits").contains("EXIT=0"))
    }

    /// A real (scripted) model replying with terminal attacks, through the real engine,
    /// tokenizer, streaming decoder and session driver: the screen shows them, the terminal
    /// obeys none (no clipboard write, no retitle, no clear).
    func testHostileModelOutputIsShownNotObeyed() throws {
        guard tmux != nil else { return }
        let vocabulary = Self.fixtures.appendingPathComponent("llama2-vocab.gguf").path
        for attack in HostileReplies.all {
            let model = try ScriptedModel.write(replying: attack.bytes, vocabulary: vocabulary)
            defer { try? FileManager.default.removeItem(atPath: model) }
            if tmux == nil { tmux = TmuxSession(tmux: TmuxSession.findTmux()!, binary: binary) }
            let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m '\(model)' -c 128 -t 1 --temp 0 --template llama2 --no-store; "
                + "echo EXIT=$?; echo DONE; sleep 300"
            try tmux.start(command: script, columns: 100, rows: 30)
            tmux.run(["set-option", "-g", "set-clipboard", "on"])
            try tmux.waitFor("● idle", because: "the scripted model loads")
            let title = tmux.format("#{pane_title}")
            try tmux.type("keep this line")
            tmux.keys("Enter")
            let screen = try tmux.waitFor("tok/s", because: "\(attack.name): the reply finishes")
            XCTAssertTrue(screen.contains(attack.shown), "\(attack.name): shown as \(attack.shown.debugDescription):\n\(screen)")
            XCTAssertTrue(screen.contains("keep this line"), "\(attack.name): the screen was not cleared:\n\(screen)")
            XCTAssertEqual(tmux.run(["list-buffers"]).output, "", "\(attack.name): no clipboard write reached the terminal")
            XCTAssertEqual(tmux.format("#{pane_title}"), title, "\(attack.name): no retitle")
            tmux.keys("C-d")
            let after = try tmux.waitFor("DONE", because: "\(attack.name): the chat quits")
            XCTAssertTrue(after.contains("EXIT=0"), after)
            tmux.killServer()
            tmux = nil
        }
    }

    /// A turn that evicts old exchanges streams its reply into its own Assistant block: the
    /// eviction notice goes above it, and every reply on screen is the one that was stored.
    func testAReplyThatEvictsIsShownInFull() throws {
        guard let tmux else { return }
        let vocabulary = Self.fixtures.appendingPathComponent("llama2-vocab.gguf").path
        let model = try ScriptedModel.write(replying: Array("Fine, thanks!".utf8), vocabulary: vocabulary)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let saved = dataDirectory.appendingPathComponent("evicted.json").path
        let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m '\(model)' -c 96 -n 16 -t 1 --temp 0 --template llama2 --no-store; "
            + "echo EXIT=$?; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 100, rows: 40)
        try tmux.waitFor("● idle", because: "the scripted model loads")
        for (turn, message) in ["first question here", "second question here", "third question here", "fourth question here"].enumerated() {
            try tmux.type(message)
            tmux.keys("Enter")
            try tmux.waitFor(because: "reply \(turn + 1) finishes") { $0.contains(message) && $0.contains("● idle") }
        }
        let screen = tmux.capture()
        XCTAssertTrue(screen.contains("evicted the"), "the turns evicted old exchanges: \(screen)")
        XCTAssertEqual(screen.components(separatedBy: "Fine, thanks!").count - 1, 4, "every reply is on screen: \(screen)")
        let afterLast = screen.components(separatedBy: "fourth question here").last ?? ""
        XCTAssertTrue(afterLast.contains("Fine, thanks!"), "the last reply follows its question: \(screen)")
        try tmux.type("/save \(saved)")
        tmux.keys("Enter")
        try tmux.waitFor("saved", because: "/save writes the chat")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any]
        let replies = (json?["messages"] as? [[String: Any]] ?? []).filter { ($0["role"] as? String) == "assistant" }
        XCTAssertEqual(replies.compactMap { $0["content"] as? String }, Array(repeating: "Fine, thanks!", count: 4))
        tmux.keys("C-d")
        XCTAssertTrue(try tmux.waitFor("DONE", because: "the chat quits").contains("EXIT=0"))
    }

    /// A scripted reply in Markdown is drawn as such (a heading, a bullet, emphasis and code
    /// without their marks; the script allows each byte twice, a newline once), and F3 puts the reply's raw text on the clipboard through OSC 52, which
    /// tmux (set-clipboard on) stores as its paste buffer; it is also in copied.txt. Then
    /// `/theme` is remembered in config.toml.
    func testMarkdownReplyIsDrawnAndCopiedThroughOSC52() throws {
        guard let tmux else { return }
        let vocabulary = Self.fixtures.appendingPathComponent("llama2-vocab.gguf").path
        let reply = "# Hi\n- *Em*`cd`"
        let model = try ScriptedModel.write(replying: Array(reply.utf8), vocabulary: vocabulary)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let config = dataDirectory.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data("# mine\nthreads = 1\n".utf8).write(to: config.appendingPathComponent("config.toml"))
        let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' GHOSTCHAT_CONFIG_DIR='\(config.path)' '\(tmux.binary)' -m '\(model)' -c 256 -n 60 -t 1 --temp 0 --template llama2 --no-store; "
            + "echo EXIT=$?; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 80, rows: 24)
        tmux.run(["set-option", "-g", "set-clipboard", "on"])
        try tmux.waitFor("● idle", because: "the scripted model loads")
        try tmux.type("hello")
        tmux.keys("Enter")
        let screen = try tmux.waitFor(because: "the reply is drawn") { $0.contains("• Emcd") && $0.contains("● idle") }
        XCTAssertTrue(screen.contains("  Hi\n"), screen)
        XCTAssertFalse(screen.contains("*") || screen.contains("`") || screen.contains("#"), screen)
        tmux.keys("F3")
        try tmux.waitFor("copied the reply", because: "F3 copies the last reply")
        XCTAssertEqual(tmux.run(["show-buffer"]).output, reply, "tmux received the raw text through OSC 52")
        XCTAssertEqual(try String(contentsOf: dataDirectory.appendingPathComponent("copied.txt"), encoding: .utf8), reply)
        // /theme is kept for the next start, the rest of config.toml as it was.
        try tmux.type("/theme gruvbox")
        tmux.keys("Enter")
        try tmux.waitFor("kept in", because: "the theme is remembered")
        XCTAssertEqual(try String(contentsOf: config.appendingPathComponent("config.toml"), encoding: .utf8), "# mine\nthreads = 1\ntheme = \"gruvbox\"\n")
        tmux.keys("C-d")
        XCTAssertTrue(try tmux.waitFor("DONE", because: "the chat quits").contains("EXIT=0"))
    }

    /// A reply longer than the context stops inside it and says so: the bar and /context
    /// never show more than the capacity, and the next message still gets a reply.
    func testAReplyThatFillsTheContextStopsAtItsEnd() throws {
        guard let tmux else { return }
        let vocabulary = Self.fixtures.appendingPathComponent("llama2-vocab.gguf").path
        let model = try ScriptedModel.write(replying: Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP".utf8), vocabulary: vocabulary)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let script = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)' '\(tmux.binary)' -m '\(model)' -c 48 -n 40 -t 1 --temp 0 --template llama2 --no-store; "
            + "echo EXIT=$?; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 120, rows: 40)
        try tmux.waitFor("● idle", because: "the scripted model loads")
        for message in ["first question", "second question"] {
            try tmux.type(message)
            tmux.keys("Enter")
            let screen = try tmux.waitFor(because: "the reply to \(message) stops") { $0.contains(message) && $0.contains("● idle") }
            let flat = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            XCTAssertTrue(flat.contains("the 48-token context is full"), "the stop is explained: \(screen)")
            let used = screen.split(separator: "\n").last { $0.contains("/48") }.flatMap { line in
                line.split(separator: " ").first { $0.hasSuffix("/48") }.flatMap { Int($0.dropLast(3)) }
            }
            XCTAssertNotNil(used, screen)
            XCTAssertLessThanOrEqual(used ?? 99, 48, "the bar never passes the capacity: \(screen)")
        }
        try tmux.type("/context")
        tmux.keys("Enter")
        let report = try tmux.waitFor("free:", because: "/context reports the window")
        let free = report.components(separatedBy: "free: ").last.flatMap { Int($0.prefix { $0.isNumber || $0 == "-" }) }
        XCTAssertNotNil(free, report)
        XCTAssertGreaterThanOrEqual(free ?? -1, 0, report)
        tmux.keys("C-d")
        XCTAssertTrue(try tmux.waitFor("DONE", because: "the chat quits").contains("EXIT=0"))
    }

    /// F5 opens the stored chats: rename one (r), open it (Enter: its messages come back),
    /// delete the other (d, y); `ghostchat sessions` then lists what the picker left.
    func testSessionsPickerOpensRenamesAndDeletes() throws {
        guard let tmux else { return }
        let vocabulary = Self.fixtures.appendingPathComponent("llama2-vocab.gguf").path
        let model = try ScriptedModel.write(replying: Array("ok".utf8), vocabulary: vocabulary)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let env = "GHOSTCHAT_DATA_DIR='\(dataDirectory.path)'"
        let script = "\(env) '\(tmux.binary)' -m '\(model)' -c 256 -n 8 -t 1 --temp 0 --template llama2; echo EXIT=$?; "
            + "\(env) '\(tmux.binary)' sessions; echo DONE; sleep 300"
        try tmux.start(command: script, columns: 100, rows: 30)
        try tmux.waitFor("● idle", because: "the scripted model loads")
        try tmux.type("about the trip")
        tmux.keys("Enter")
        try tmux.waitFor(because: "the first chat's reply") { $0.contains("tok/s") && $0.contains("● idle") }
        try tmux.type("/clear")
        tmux.keys("Enter")
        try tmux.waitFor("new chat", because: "/clear starts a second chat")
        try tmux.type("second chat")
        tmux.keys("Enter")
        try tmux.waitFor(because: "the second chat's reply") { $0.contains("second chat") && $0.contains("tok/s") }

        tmux.keys("F5")
        var screen = try tmux.waitFor("chats · 2 stored", because: "F5 opens the picker")
        XCTAssertTrue(screen.contains("about the trip") && screen.contains("● second chat"), screen)
        tmux.keys("r")
        tmux.keys("C-u")
        tmux.keys("-l", "Trip plans")
        try tmux.waitFor("new title: Trip plans", because: "the title is typed in the picker")
        tmux.keys("Enter")
        screen = try tmux.waitFor(because: "the new title is listed") { $0.contains("Trip plans") && $0.contains("is now called") }
        tmux.keys("Enter")
        screen = try tmux.waitFor("“Trip plans” (2 messages)", because: "Enter opens the selected chat")
        XCTAssertTrue(screen.contains("about the trip") && !screen.contains("chats · "), screen)

        tmux.keys("F5")
        try tmux.waitFor("● Trip plans", because: "the picker marks the open chat")
        tmux.keys("d")
        try tmux.waitFor("(y/n)", because: "deleting asks first")
        tmux.keys("y")
        try tmux.waitFor("chats · 1 stored", because: "the other chat is deleted")
        tmux.keys("Escape")
        try tmux.waitFor(because: "Esc closes the picker") { !$0.contains("chats · ") }
        tmux.keys("C-d")
        screen = try tmux.waitFor("DONE", because: "the chat quits and the listing runs")
        XCTAssertTrue(screen.contains("EXIT=0"), screen)
        XCTAssertEqual(screen.components(separatedBy: " messages").count - 1, 1, "one chat is left: \(screen)")
        XCTAssertTrue(screen.contains("Trip plans"), screen)
    }
}
