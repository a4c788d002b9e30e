import Foundation

extension Transcript {
    /// The encoder used for every JSON form (export, database): stable key order, ISO dates.
    static func makeEncoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TranscriptDates.string(from: date))
        }
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = TranscriptDates.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text.prefix(40))"))
            }
            guard TranscriptDates.isPlausible(date) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "date \(text.prefix(40)) is out of range (years 1970 to 9999)"))
            }
            return date
        }
        return decoder
    }

    /// The complete JSON export.
    public func jsonData() throws -> Data {
        try Self.makeEncoder(pretty: true).encode(self)
    }

    /// Reads a JSON export.
    /// Reads an exported JSON transcript; errors name the file in one line.
    public static func read(path: String) throws -> Transcript {
        let url = URL(fileURLWithPath: ChatPaths.expandingTilde(path))
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ChatError("cannot read \(path): \(error.localizedDescription)") }
        do { return try decode(json: data) } catch { throw ChatError("\(path): \(error)") }
    }

    public static func decode(json data: Data) throws -> Transcript {
        do {
            let transcript = try makeDecoder().decode(Transcript.self, from: data)
            guard transcript.metadata.format == "ghostchat-transcript" else { throw ChatError("not a ghostchat transcript") }
            try transcript.validate()
            return transcript
        } catch let error as ChatError {
            throw error
        } catch {
            throw ChatError("not a ghostchat transcript (\(Self.describe(error)))")
        }
    }

    /// A readable Markdown rendering (not meant to be loaded back; JSON is).
    public func markdown() -> String {
        var lines: [String] = ["# ghostchat \(metadata.id)", ""]
        let dates = ISO8601DateFormatter()
        lines.append("- started: \(dates.string(from: metadata.createdAt))")
        if let model = metadata.model { lines.append("- model: \(model.fileName) (\(model.fileSize) bytes, header \(model.headerHash))") }
        lines.append("- template: \(metadata.template.rawValue); context: \(metadata.contextLength) tokens; seed: \(metadata.sampling.seed)")
        lines.append("")
        for message in messages {
            switch (message.role, message.kind) {
            case (.system, .systemChange):
                lines.append("## System message changed (v\(message.systemVersion))")
            case (.system, _):
                lines.append("## System")
            case (.user, _):
                lines.append("## User" + (message.excluded ? " (not sent)" : "") + (message.evicted ? " (evicted)" : "") + (message.isWithdrawn ? " (withdrawn)" : ""))
            case (.assistant, _):
                lines.append("## Assistant" + (message.interrupted ? " (interrupted)" : "") + (message.evicted ? " (evicted)" : "") + (message.isWithdrawn ? " (withdrawn)" : ""))
            }
            lines.append("")
            lines.append(message.content.isEmpty ? "_(empty)_" : message.content)
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes Markdown (`.md`, `.markdown`) or JSON (anything else) to `path` atomically: a
    /// temporary file beside it, mode 0600, then renamed over the target.
    public func export(to path: String) throws {
        let url = URL(fileURLWithPath: ChatPaths.expandingTilde(path))
        let ext = url.pathExtension.lowercased()
        let data: Data
        switch ext {
        case "md", "markdown": data = Data(markdown().utf8)
        case "json": data = try jsonData()
        default: throw ChatError("cannot tell the format of '\(path)': use a .json (complete) or .md (readable) name")
        }
        try AtomicFile.write(data, to: url)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}

/// ISO 8601 with milliseconds. Transcript times are taken at millisecond precision
/// (`TranscriptDates.now()`), so they survive a round trip through JSON unchanged.
public enum TranscriptDates {
    public static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func string(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Between 1970 and the end of 9999: what ISO 8601 and the database can write and read back.
    public static func isPlausible(_ date: Date) -> Bool {
        (0...253_402_300_799).contains(date.timeIntervalSince1970)
    }

    /// RFC 3339 as ghostchat writes it, with at most nanoseconds.
    nonisolated(unsafe) private static let wellFormed = try! Regex(
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})", as: Substring.self)

    static func date(from text: String) -> Date? {
        // Only a well-formed date reaches ICU's parser, which dies (SIGFPE) on some malformed
        // ones, such as a fraction hundreds of digits long (found by the `transcript` fuzzer).
        guard text.utf8.count <= 35, text.wholeMatch(of: wellFormed) != nil else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
