import Foundation
import XCTest

/// A running `ghostchat` process fed line by line, with stdout and stderr collected as they
/// arrive: for tests that act while it runs (kill it mid-reply, fill its disk, sample its
/// memory). Waits poll with a generous deadline; nothing depends on timing.
final class LiveProcess: @unchecked Sendable {
    let process = Process()
    private let stdin = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let drained = DispatchGroup()
    let deadline: TimeInterval = 120

    /// Starts `ghostchat arguments` with `GHOSTCHAT_DATA_DIR` = `home/data` unless `environment`
    /// names another. `shell`, when given, wraps the command: `sh -c "<shell> exec ghostchat …"`
    /// (used to set resource limits on the child only).
    init(_ arguments: [String], home: URL, environment extra: [String: String] = [:], shell: String? = nil) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["GHOSTCHAT_DATA_DIR"] = home.appendingPathComponent("data").path
        environment["GHOSTCHAT_CONFIG_DIR"] = home.appendingPathComponent("config").path
        environment.merge(extra) { _, new in new }
        process.environment = environment
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let quoted = ([GhostchatProcess.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            process.arguments = ["-c", shell + " exec " + quoted.joined(separator: " ")]
        } else {
            process.executableURL = GhostchatProcess.binary
            process.arguments = arguments
        }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = stdin
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: drained) { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.withLock { if isOut { out.append(chunk) } else { err.append(chunk) } }
                }
            }
        }
    }

    /// A test that failed half-way must not leave its chat running.
    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }

    var pid: pid_t { process.processIdentifier }
    var stdoutData: Data { lock.withLock { out } }
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    var stderr: String { String(decoding: lock.withLock { err }, as: UTF8.self) }
    /// Complete stdout lines (the text after the last newline is a reply still streaming).
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    /// Writes to stdin; a closed pipe (the process died) is ignored.
    func send(_ text: String) {
        let data = Data(text.utf8)
        let fd = stdin.fileHandleForWriting.fileDescriptor
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    func closeInput() { try? stdin.fileHandleForWriting.close() }

    /// Polls `condition` until it holds; fails with `reason` and the output after the deadline.
    func waitUntil(_ reason: String, pause microseconds: UInt32 = 2_000, _ condition: () -> Bool) throws {
        let end = Date().addingTimeInterval(deadline)
        while Date() < end {
            if condition() { return }
            if !process.isRunning { if condition() { return }; break }
            if microseconds > 0 { usleep(microseconds) }
        }
        throw LiveProcessError("\(reason): not reached (running: \(process.isRunning)); stderr:\n\(stderr)")
    }

    func waitForLines(_ count: Int) throws {
        try waitUntil("\(count) reply lines") { stdoutLines.count >= count }
    }

    /// SIGKILL, then waits for the process and its output pipes.
    func kill9() {
        kill(pid, SIGKILL)
        finish()
    }

    /// Closes stdin and waits for a normal exit.
    @discardableResult
    func finish() -> Int32 {
        closeInput()
        process.waitUntilExit()
        drained.wait()
        return process.terminationStatus
    }

    /// (VmRSS, VmHWM) in KiB from /proc, or nil off Linux.
    func memory() -> (rss: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        guard let rss = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (rss, peak)
    }
}

struct LiveProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
