import Foundation

/// `--log-context FILE`: one JSON line per reply with the token ids in the KV cache when
/// generation starts and what it cost.
public final class ContextLog {
    private let handle: FileHandle
    public let path: String

    /// Opens `path` for appending (created with mode 0600).
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ChatError("cannot open \(path) for the context log: \(String(cString: strerror(errno)))") }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    struct Line: Encodable {
        var turn: Int
        var context: [Int32]
        var evaluated: Int
        var evicted_turns: Int
        var cache_hit: Int
        var pinned: Int
        var segments: [[Int]]
        var open: [Int]
        var system_version: Int
    }

    func record(turn: Int, plan: ContextPlan, stats: TurnStats, systemVersion: Int) {
        let line = Line(turn: turn, context: plan.tokens, evaluated: stats.evaluated, evicted_turns: stats.evictedExchanges,
                        cache_hit: stats.cacheHit, pinned: plan.pinnedCount,
                        segments: plan.segments.map { [$0.exchange, $0.range.lowerBound, $0.range.upperBound] },
                        open: [plan.openRange.lowerBound, plan.openRange.upperBound], system_version: systemVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var data = try? encoder.encode(line) else { return }
        data.append(0x0A)
        handle.write(data)
    }
}
