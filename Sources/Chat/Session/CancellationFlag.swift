import Foundation

/// Stops a reply from another thread (a key press in the TUI, SIGINT in plain mode).
///
/// The flag is cleared when a reply starts, so a cancel that arrives between replies does not
/// stop the next one.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
    func reset() { lock.withLock { cancelled = false } }
}
