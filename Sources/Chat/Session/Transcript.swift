import Foundation

/// A whole chat: metadata and messages. Its JSON form is the `/save x.json` export: the
/// metadata at top level beside a `messages` array of `{"role", "content", …}` objects in
/// order, the shape chat APIs use, so other tools can read it.
public struct Transcript: Sendable, Equatable, Codable {
    public var metadata: SessionMetadata
    public var messages: [TranscriptMessage]

    public init(metadata: SessionMetadata, messages: [TranscriptMessage]) {
        self.metadata = metadata
        self.messages = messages
    }

    private enum CodingKeys: String, CodingKey { case messages }

    public init(from decoder: Decoder) throws {
        metadata = try SessionMetadata(from: decoder)
        messages = try decoder.container(keyedBy: CodingKeys.self).decode([TranscriptMessage].self, forKey: .messages)
    }

    public func encode(to encoder: Encoder) throws {
        // Both write into the same top-level object.
        try metadata.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messages, forKey: .messages)
    }
}
