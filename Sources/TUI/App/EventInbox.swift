import Foundation

/// Driver events posted from any thread, drained by the UI thread each loop turn.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [DriverEvent] = []

    func post(_ event: DriverEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    func drain() -> [DriverEvent] {
        lock.lock()
        defer { lock.unlock() }
        let drained = events
        events.removeAll(keepingCapacity: true)
        return drained
    }
}
