/// Who wrote a message.
public enum ChatRole: String, Codable, Sendable, CaseIterable {
    case system
    case user
    case assistant
}
