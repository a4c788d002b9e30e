import Foundation
import XCTest
@testable import TUI
@testable import TUIDemo

final class DemoChatDriverTests: XCTestCase {
    /// Collects driver events and lets the test wait for one.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [DriverEvent] = []
        func post(_ e: DriverEvent) { lock.lock(); events.append(e); lock.unlock() }
        var all: [DriverEvent] { lock.lock(); defer { lock.unlock() }; return events }

        func wait(for predicate: (DriverEvent) -> Bool, timeout: TimeInterval = 20) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                // Searched under the lock: ThreadSanitizer reported searching a copy taken
                // under it as a race with the driver thread's next append.
                lock.lock()
                let found = events.contains(where: predicate)
                lock.unlock()
                if found { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
    }

    private func finished(_ e: DriverEvent) -> Bool { if case .replyFinished = e { return true } else { return false } }

    func testStreamsAReplyIntoTheState() {
        let driver = DemoChatDriver(tokenDelay: 0, loadDelay: 0)
        let recorder = Recorder()
        driver.start(sink: recorder.post)
        XCTAssertTrue(recorder.wait(for: { if case .ready = $0 { return true } else { return false } }))
        driver.send("hi")
        XCTAssertTrue(recorder.wait(for: finished))
        var state = AppState(rows: 20, columns: 60)
        for event in recorder.all { _ = state.update(.driver(event)) }
        XCTAssertEqual(state.phase, .idle)
        XCTAssertEqual(state.entries.last?.text, DemoChatDriver.reply(to: "hi"))
        XCTAssertGreaterThan(state.context.live, 0)
    }

    func testCancelStopsAndMarksInterrupted() {
        let driver = DemoChatDriver(tokenDelay: 0.05, loadDelay: 0)
        let recorder = Recorder()
        driver.start(sink: recorder.post)
        driver.send("something long")
        XCTAssertTrue(recorder.wait(for: { if case .replyToken = $0 { return true } else { return false } }))
        driver.cancel()
        XCTAssertTrue(recorder.wait(for: finished))
        guard case .replyFinished(let stats)? = recorder.all.first(where: finished) else { return XCTFail() }
        XCTAssertTrue(stats.interrupted)
        XCTAssertLessThan(stats.tokens, DemoChatDriver.tokens(DemoChatDriver.reply(to: "long")).count)
    }

    func testTokensSplitAtSpaces() {
        XCTAssertEqual(DemoChatDriver.tokens("a bc  d"), ["a", " bc", "  d"])
    }
}
