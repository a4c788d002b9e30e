import Chat
import Foundation
import TestSupport
import XCTest

/// A 1 000-turn chat in one real `ghostchat chat --plain` process at `-c 256`: memory stays
/// flat once warm and the database grows in proportion to the turns. The series is printed
/// (and written to $TMPDIR/ghostchat-long-session.tsv) for the record.
final class LongSessionTests: XCTestCase {
    func testThousandTurnsKeepMemoryFlatAndStorageLinear() throws {
        let home = try temporaryDirectory(self)
        let chat = try LiveProcess(["chat", "--plain", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-t", "1", "-c", "256", "-n", "16",
                                    "--seed", "5", "--system-preset", "napoleon+emoji"], home: home)
        // Opened once the chat has created the database, and only read from.
        var store: SessionStore?
        var random = SeededRandom(seed: 3)
        let words = "apple river mountain quick blue song table window garden silver".split(separator: " ")
        struct Sample { var turn: Int; var rss: Int; var peak: Int; var database: Int; var files: Int }
        var samples: [Sample] = []
        let database = home.appendingPathComponent("data/sessions.sqlite").path
        func fileBytes() -> Int {
            ["", "-wal"].reduce(0) { total, suffix in
                total + ((try? FileManager.default.attributesOfItem(atPath: database + suffix)[.size] as? Int) ?? 0)
            }
        }
        for batch in 1...10 {
            var input = ""
            for i in ((batch - 1) * 100)..<(batch * 100) {
                input += "message \(i): " + (0..<(1 + Int(random.next() % 8))).map { _ in String(words[Int(random.next() % 10)]) }.joined(separator: " ") + "\n"
            }
            chat.send(input)
            try chat.waitForLines(batch * 100)
            guard let memory = chat.memory() else { throw XCTSkip("no /proc/PID/status here (Linux only)") }
            if store == nil { store = try SessionStore(directory: home.appendingPathComponent("data")) }
            samples.append(Sample(turn: batch * 100, rss: memory.rss, peak: memory.peak, database: try store!.byteSize(), files: fileBytes()))
        }
        XCTAssertEqual(chat.finish(), 0, chat.stderr)
        XCTAssertEqual(chat.stdoutLines.count, 1000)
        XCTAssertFalse(chat.stderr.contains("memory only"), chat.stderr)

        var report = "turn\tVmRSS_KiB\tVmHWM_KiB\tdb_bytes\tdb+wal_file_bytes\n"
        for s in samples { report += "\(s.turn)\t\(s.rss)\t\(s.peak)\t\(s.database)\t\(s.files)\n" }
        print("long session (1000 turns, -c 256 -n 16):\n" + report + "stderr:\n" + chat.stderr.prefix(2000))
        try? report.write(to: FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-long-session.tsv"), atomically: true, encoding: .utf8)

        // Memory: after warm-up (turn 200) peak and current RSS stay within 15% (+4 MiB for
        // allocator noise) of their turn-200 values.
        let warm = samples[1]
        for s in samples.dropFirst(2) {
            XCTAssertLessThanOrEqual(s.peak, warm.peak + warm.peak * 15 / 100 + 4096, "peak RSS at turn \(s.turn)")
            XCTAssertLessThanOrEqual(s.rss, warm.rss + warm.rss * 15 / 100 + 4096, "RSS at turn \(s.turn)")
        }
        // Storage: every 100 turns add about the same number of bytes (within a factor of 2
        // of the median step; SQLite grows in pages, so small wobbles are expected).
        let steps = zip(samples.dropFirst(), samples).map { $0.database - $1.database }
        let median = steps.sorted()[steps.count / 2]
        XCTAssertGreaterThan(median, 0)
        for (k, step) in steps.enumerated() {
            XCTAssertTrue(step * 2 >= median && step <= median * 2, "turns \(samples[k].turn)–\(samples[k + 1].turn) added \(step) bytes; median \(median)")
        }
        let reader = try SessionStore(directory: home.appendingPathComponent("data"))
        XCTAssertEqual(try reader.integrityCheck(), ["ok"])
        XCTAssertEqual(try reader.load(id: try reader.resolve("last")).messages.filter { $0.role == .assistant }.count, 1000)
    }
}
