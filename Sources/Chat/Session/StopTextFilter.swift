/// Holds back streamed reply text that might be the start of a stop text (`"\nUser:"`), so
/// a reply that ends at one never shows any part of it.
struct StopTextFilter {
    let stops: [String]
    private var pending = ""
    /// A stop text was met; everything after it is dropped.
    private(set) var stopped = false

    init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Takes the next piece of text; returns what can be shown now.
    mutating func append(_ text: String) -> String {
        guard !stopped else { return "" }
        guard !stops.isEmpty else { return text }
        pending += text
        // Matched scalar by scalar with the standard library: Foundation's `range(of:)` traps
        // on some text (found by the `keys` fuzzer in its case-insensitive form).
        if let cut = stops.compactMap({ pending.unicodeScalars.firstRange(of: $0.unicodeScalars)?.lowerBound }).min() {
            stopped = true
            defer { pending = "" }
            return String(pending.unicodeScalars[..<cut])
        }
        // Keep the longest tail that could still grow into a stop text.
        let held = stops.map { stop in
            (1..<max(1, stop.count)).reversed().first { pending.hasSuffix(stop.prefix($0)) } ?? 0
        }.max() ?? 0
        let shown = String(pending.dropLast(held))
        pending = String(pending.suffix(held))
        return shown
    }

    /// The text still held back when the reply ends some other way.
    mutating func flush() -> String {
        defer { pending = "" }
        return stopped ? "" : pending
    }
}
