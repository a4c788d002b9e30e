import Foundation

/// A one-line progress bar on stderr, redrawn in place on a terminal and printed only at
/// the end otherwise (so logs stay clean).
struct ProgressBar {
    let title: String
    let width = 30
    private let interactive = isatty(STDERR_FILENO) != 0

    init(title: String) { self.title = title }

    func update(_ done: Int, of total: Int, detail: String = "") {
        guard total > 0 else { return }
        let isLast = done >= total
        guard interactive || isLast else { return }
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(title) \(bar) \(done)/\(total) \(detail)"
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + line + (isLast ? "\n" : "")).utf8))
    }
}
