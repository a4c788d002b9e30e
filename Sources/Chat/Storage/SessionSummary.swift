import Foundation

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
