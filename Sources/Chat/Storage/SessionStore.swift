import Foundation
import GRDB
import SafeText

/// Stored chats in SQLite (WAL): one row per chat, one per transcript entry.
///
/// Each entry is written in its own transaction the moment it is final, so a crash loses at
/// most the reply being generated. The full entry is kept as JSON beside the queryable
/// columns: the columns serve listings and ad-hoc SQL, the JSON restores a chat exactly.
public final class SessionStore {
    public let url: URL
    private let queue: DatabaseQueue

    /// What the user is told when chats cannot be stored: the chat goes on, and how to keep it.
    public static let inMemoryAdvice = "the chat continues in memory only; /save FILE.json keeps it"

    /// Opens (creating if needed) `sessions.sqlite` in `directory`, which is created with
    /// mode 0700; the database files get 0600.
    public init(directory: URL = ChatPaths.dataDirectory()) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ChatError("cannot create \(directory.path): \(error.localizedDescription)")
        }
        url = directory.appendingPathComponent("sessions.sqlite")
        // Setting up a new database (WAL mode, tables) is not safe to race: two chats started
        // together both found no tables and one failed ("table already exists", "database is
        // locked"). Openers take turns on a lock on the directory itself.
        let lock = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 { while flock(lock, LOCK_EX) != 0 && errno == EINTR {} }
        defer { if lock >= 0 { close(lock) } }
        // SQLite creates the -wal and -shm files itself; a tight umask makes them 0600 too.
        let oldMask = umask(0o077)
        defer { umask(oldMask) }
        do {
            var config = Configuration()
            config.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: url.path, configuration: config)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw ChatError("cannot open \(url.path): \(error.message ?? error.description)")
        }
        chmod(url.path, 0o600)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("title", .text).notNull().defaults(to: "")
                t.column("modelFile", .text)
                t.column("modelSize", .integer)
                t.column("modelHash", .text)
                t.column("template", .text).notNull()
                t.column("sampling", .text).notNull()
                t.column("metadata", .text).notNull()
            }
            try db.create(table: "message") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("role", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("content", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("systemVersion", .integer).notNull()
                t.column("tokenCount", .integer).notNull()
                t.column("evicted", .boolean).notNull()
                t.column("interrupted", .boolean).notNull()
                t.column("seed", .text)
                t.column("json", .text).notNull()
                t.primaryKey(["sessionId", "seq"])
            }
        }
        return migrator
    }

    /// Creates or updates the chat's row.
    public func save(metadata: SessionMetadata, title: String) throws {
        let row = try Self.metadataRow(metadata)
        try write { db in try Self.upsert(metadata, row: row, title: title, into: db) }
    }

    private static func metadataRow(_ metadata: SessionMetadata) throws -> (sampling: String, json: String) {
        let encoder = Transcript.makeEncoder(pretty: false)
        return (String(decoding: try encoder.encode(metadata.sampling), as: UTF8.self),
                String(decoding: try encoder.encode(metadata), as: UTF8.self))
    }

    private static func upsert(_ metadata: SessionMetadata, row: (sampling: String, json: String), title: String, into db: Database) throws {
        let (sampling, json) = row
        try db.execute(sql: """
                INSERT INTO session (id, createdAt, updatedAt, title, modelFile, modelSize, modelHash, template, sampling, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET updatedAt = excluded.updatedAt, title = excluded.title,
                  template = excluded.template, sampling = excluded.sampling, metadata = excluded.metadata
                """, arguments: [metadata.id, metadata.createdAt, metadata.updatedAt, title, metadata.model?.fileName,
                                 metadata.model?.fileSize, metadata.model?.headerHash, metadata.template.rawValue, sampling, json])
    }

    /// Inserts or replaces entry `seq` of chat `id`.
    public func save(message: TranscriptMessage, seq: Int, session id: String) throws {
        let json = String(decoding: try Transcript.makeEncoder(pretty: false).encode(message), as: UTF8.self)
        try write { db in
            try Self.insert(message, json: json, seq: seq, session: id, into: db)
            try db.execute(sql: "UPDATE session SET updatedAt = ? WHERE id = ?", arguments: [TranscriptDates.now(), id])
        }
    }

    /// Inserts or replaces several entries of chat `id` in one transaction.
    public func save(messages: [(message: TranscriptMessage, seq: Int)], session id: String) throws {
        let encoder = Transcript.makeEncoder(pretty: false)
        let rows = try messages.map { String(decoding: try encoder.encode($0.message), as: UTF8.self) }
        try write { db in
            for (k, item) in messages.enumerated() {
                try Self.insert(item.message, json: rows[k], seq: item.seq, session: id, into: db)
            }
            try db.execute(sql: "UPDATE session SET updatedAt = ? WHERE id = ?", arguments: [TranscriptDates.now(), id])
        }
    }

    private static func insert(_ message: TranscriptMessage, json: String, seq: Int, session id: String, into db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO message (sessionId, seq, role, kind, content, createdAt, finishedAt, systemVersion,
              tokenCount, evicted, interrupted, seed, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, seq, message.role.rawValue, message.kind.rawValue, message.content, message.createdAt,
                             message.finishedAt, message.systemVersion, message.tokenCount, message.evicted,
                             message.interrupted, message.seed.map { String($0) }, json])
    }

    /// Stores a whole chat in one transaction (a new chat with its system entry, a loaded
    /// export becoming a stored chat): a crash leaves all of it or none, never a chat row
    /// without the system entry it needs to be continued.
    public func save(transcript: Transcript, title: String) throws {
        let row = try Self.metadataRow(transcript.metadata)
        let encoder = Transcript.makeEncoder(pretty: false)
        let rows = try transcript.messages.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let id = transcript.metadata.id
        try write { db in
            try Self.upsert(transcript.metadata, row: row, title: title, into: db)
            for (seq, message) in transcript.messages.enumerated() {
                try Self.insert(message, json: rows[seq], seq: seq, session: id, into: db)
            }
        }
    }

    /// Stored chats, most recently used first. Rows that cannot be read (a hand-edited date,
    /// a BLOB where text belongs, a NULL) are left out; `listing()` says which.
    public func list() throws -> [SessionSummary] { try listing().chats }

    /// Stored chats, and a one-line description of each row that could not be read. Every
    /// column is decoded fallibly: a damaged row never stops the others from listing.
    public func listing() throws -> (chats: [SessionSummary], damaged: [String]) {
        try read { db in
            var chats: [SessionSummary] = []
            var damaged: [String] = []
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.createdAt, s.updatedAt, s.title, s.modelFile, s.template,
                       (SELECT COUNT(*) FROM message m WHERE m.sessionId = s.id AND m.kind = 'message' AND m.role != 'system') AS n
                FROM session s ORDER BY s.updatedAt DESC, s.rowid DESC
                """)
            for row in rows {
                do {
                    chats.append(SessionSummary(
                        id: try Self.column(row, "id", as: String.self), createdAt: try Self.column(row, "createdAt", as: Date.self),
                        updatedAt: try Self.column(row, "updatedAt", as: Date.self), title: try Self.column(row, "title", as: String.self),
                        messageCount: try Self.column(row, "n", as: Int.self), modelFile: try Self.optionalColumn(row, "modelFile", as: String.self),
                        template: try Self.column(row, "template", as: String.self)))
                } catch {
                    let id = (row["id"] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
                    damaged.append("chat \(SafeText.quoted(String(id.prefix(40)), escapingBackslashes: true)): \(error)")
                }
            }
            return (chats, damaged)
        }
    }

    /// The value of `name` in `row` as `T`, or a one-line error naming the column.
    private static func column<T: DatabaseValueConvertible>(_ row: Row, _ name: String, as type: T.Type) throws -> T {
        let value: DatabaseValue = row[name]
        guard let decoded = T.fromDatabaseValue(value) else {
            throw ChatError("unreadable \(name) (\(value.isNull ? "NULL" : Self.describe(value)))")
        }
        if let date = decoded as? Date, !TranscriptDates.isPlausible(date) {
            throw ChatError("\(name) out of range (\(Self.describe(value)))")
        }
        return decoded
    }

    private static func optionalColumn<T: DatabaseValueConvertible>(_ row: Row, _ name: String, as type: T.Type) throws -> T? {
        let value: DatabaseValue = row[name]
        return value.isNull ? nil : try column(row, name, as: type)
    }

    /// A stored value in a few escaped characters, for error messages.
    private static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .blob(let data): return "a \(data.count)-byte BLOB"
        case .string(let text): return "'\(SafeText.quoted(String(text.prefix(40)), escapingBackslashes: true))'"
        default: return value.description
        }
    }

    /// Finds a chat by id, unique id prefix, or "last".
    public func resolve(_ reference: String) throws -> String {
        let all = try list()
        if reference == "last" {
            guard let first = all.first else { throw ChatError("there are no stored chats to resume") }
            return first.id
        }
        let matches = all.filter { $0.id.hasPrefix(reference.lowercased()) }
        if let exact = matches.first(where: { $0.id == reference.lowercased() }) { return exact.id }
        guard matches.count == 1 else {
            throw ChatError(matches.isEmpty ? "no stored chat has id '\(reference)' (see ghostchat sessions)"
                                            : "'\(reference)' matches \(matches.count) chats; give more of the id")
        }
        return matches[0].id
    }

    /// Loads a whole chat. A damaged row is an error naming the chat, never a trap.
    public func load(id: String) throws -> Transcript {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT metadata FROM session WHERE id = ?", arguments: [id]) else {
                throw ChatError("no stored chat has id '\(id)'")
            }
            let decoder = Transcript.makeDecoder()
            do {
                let metadata = try decoder.decode(SessionMetadata.self, from: Data(try Self.column(row, "metadata", as: String.self).utf8))
                let messages = try Row.fetchAll(db, sql: "SELECT json FROM message WHERE sessionId = ? ORDER BY seq", arguments: [id]).map {
                    try decoder.decode(TranscriptMessage.self, from: Data(try Self.column($0, "json", as: String.self).utf8))
                }
                let transcript = Transcript(metadata: metadata, messages: messages)
                try transcript.validate()
                return transcript
            } catch {
                throw ChatError("stored chat \(id.prefix(8)) is damaged (\(Transcript.describe(error)))")
            }
        }
    }

    /// Gives chat `id` a title (kept in its metadata, so a resumed chat keeps it too).
    public func rename(id: String, title: String) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT metadata FROM session WHERE id = ?", arguments: [id]) else {
                throw ChatError("no stored chat has id '\(id)'")
            }
            let json = try Self.column(row, "metadata", as: String.self)
            var metadata = try Transcript.makeDecoder().decode(SessionMetadata.self, from: Data(json.utf8))
            metadata.title = title
            let updated = String(decoding: try Transcript.makeEncoder(pretty: false).encode(metadata), as: UTF8.self)
            try db.execute(sql: "UPDATE session SET title = ?, metadata = ? WHERE id = ?", arguments: [title, updated, id])
        }
    }

    /// Deletes chat `id` and all its messages.
    public func delete(id: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM message WHERE sessionId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw ChatError("no stored chat has id '\(id)'") }
        }
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent().appendingPathComponent("locks/\(id).lock"))
    }

    /// The database's size in bytes (pages in use, whether still in the WAL or not).
    public func byteSize() throws -> Int {
        do {
            return try queue.read { db in
                try Int.fetchOne(db, sql: "PRAGMA page_count")! * Int.fetchOne(db, sql: "PRAGMA page_size")!
            }
        } catch let error as DatabaseError {
            throw ChatError("cannot read \(url.path): \(error.message ?? error.description)")
        }
    }

    /// SQLite's own consistency check: ["ok"] for a sound database, else its findings.
    public func integrityCheck() throws -> [String] {
        do {
            return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        } catch let error as DatabaseError {
            throw ChatError("cannot read \(url.path): \(error.message ?? error.description)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw ChatError("cannot read \(url.path): \(error.message ?? error.description)")
        }
    }

    private func write(_ body: (Database) throws -> Void) throws {
        do {
            try queue.write(body)
        } catch let error as DatabaseError {
            throw ChatError("cannot write to \(url.path): \(error.message ?? error.description)")
        }
    }
}
