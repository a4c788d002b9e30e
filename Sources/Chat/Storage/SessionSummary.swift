import Foundation
import SafeText

/// One stored chat as `ghostchat sessions` lists it.
public struct SessionSummary: Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    public var updatedAt: Date
    public var title: String
    public var messageCount: Int
    public var modelFile: String?
    public var template: String
}

extension SessionSummary {
    /// One line for `ghostchat sessions` and `/sessions`: id, last change, size, model,
    /// template, title (sanitized: a title is user text).
    public var line: String {
        // Every column can come from a hand-edited database: one line, no raw controls.
        [id, ISO8601DateFormatter().string(from: updatedAt), "\(messageCount) messages", modelFile ?? "-", template, title]
            .map { SafeText.shown($0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")) }
            .joined(separator: "\t")
    }
}
