import Foundation
import SafeText

extension Transcript {
    /// Checks what JSON types alone cannot: an id that is safe as a key and in messages,
    /// dates a database can store and read back, sampler settings and sizes in range, and
    /// message fields that are never negative. Throws a one-line `ChatError`.
    ///
    /// Run on every transcript read from outside (`--load`, `/load`, the store), so a bad
    /// value is refused at the door and never stored.
    public func validate() throws {
        let id = metadata.id
        guard !id.isEmpty, id.count <= 64, id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }) else {
            throw ChatError("bad id '\(SafeText.quoted(String(id.prefix(70)), escapingBackslashes: true))' (letters, digits and '-', at most 64)")
        }
        for (name, date) in [("createdAt", metadata.createdAt), ("updatedAt", metadata.updatedAt)] where !TranscriptDates.isPlausible(date) {
            throw ChatError("\(name) is out of range (years 1970 to 9999)")
        }
        if let problem = metadata.sampling.problem() { throw ChatError("sampling: \(problem)") }
        guard (1...Self.contextLimit).contains(metadata.contextLength) else {
            throw ChatError("contextLength \(metadata.contextLength) is out of range (1 to \(Self.contextLimit))")
        }
        guard metadata.maxReplyTokens >= -1, metadata.maxReplyTokens <= Self.contextLimit else {
            throw ChatError("maxReplyTokens \(metadata.maxReplyTokens) is out of range (-1 to \(Self.contextLimit))")
        }
        guard (0...ChatSession.checkRetryLimit).contains(metadata.checkRetries) else {
            throw ChatError("checkRetries \(metadata.checkRetries) is out of range (0 to \(ChatSession.checkRetryLimit))")
        }
        for (index, message) in messages.enumerated() {
            func refuse(_ what: String) -> ChatError { ChatError("message \(index + 1): \(what)") }
            guard TranscriptDates.isPlausible(message.createdAt), message.finishedAt.map(TranscriptDates.isPlausible) ?? true else {
                throw refuse("a date is out of range (years 1970 to 9999)")
            }
            guard message.systemVersion >= 0 else { throw refuse("systemVersion is negative") }
            guard message.tokenCount >= 0 else { throw refuse("tokenCount is negative") }
            guard message.tokens?.allSatisfy({ $0 >= 0 }) ?? true else { throw refuse("a token id is negative") }
        }
    }

    /// The largest context a transcript may ask for (16 M tokens: beyond any model's).
    static let contextLimit = 1 << 24
}
