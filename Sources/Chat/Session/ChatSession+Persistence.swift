import Foundation

extension ChatSession {
    /// A one-line title for listings: the one given with `/sessions rename`, else the start
    /// of the first user message.
    public var title: String {
        if let given = transcript.metadata.title { return given }
        guard let first = transcript.messages.first(where: { $0.role == .user }) else { return "" }
        let line = first.content.split(separator: "\n").first.map(String.init) ?? ""
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    func persistMetadata() {
        transcript.metadata.updatedAt = TranscriptDates.now()
        guard let store else { return }
        do { try store.save(metadata: transcript.metadata, title: title) } catch { storageFailed(error) }
    }

    func persist(messageAt index: Int) {
        guard let store else { return }
        do { try store.save(message: transcript.messages[index], seq: index, session: transcript.metadata.id) } catch { storageFailed(error) }
    }

    func persist(messagesAt indices: [Int]) {
        guard let store, !indices.isEmpty else { return }
        do {
            try store.save(messages: indices.map { (transcript.messages[$0], $0) }, session: transcript.metadata.id)
        } catch { storageFailed(error) }
    }

    func persistAll() {
        transcript.metadata.updatedAt = TranscriptDates.now()
        guard let store else { return }
        do { try store.save(transcript: transcript, title: title) } catch { storageFailed(error) }
    }

    /// Storage is a convenience: losing it must not lose the chat, which goes on in memory
    /// (and can still be exported with /save).
    private func storageFailed(_ error: Error) {
        store = nil
        emit(.warning("\(error); \(SessionStore.inMemoryAdvice)"))
    }

    /// Exports the transcript to `path` (`.json` complete, `.md` readable).
    public func save(to path: String) throws {
        try transcript.export(to: path)
    }
}
