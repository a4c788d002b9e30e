import Foundation

/// One stored chat as the sessions picker lists it.
public struct SessionRow: Equatable, Sendable {
    public var id: String
    public var title: String
    public var model: String
    public var updatedAt: Date
    public var messages: Int
    /// The chat open in this window (it can be renamed, not deleted).
    public var isCurrent: Bool

    public init(id: String, title: String, model: String, updatedAt: Date, messages: Int, isCurrent: Bool = false) {
        self.id = id
        self.title = title
        self.model = model
        self.updatedAt = updatedAt
        self.messages = messages
        self.isCurrent = isCurrent
    }
}

/// The sessions picker (F5 or /sessions): the stored chats, one selected, and what is being
/// done to it. Enter opens it, `r` renames it, `d` deletes it after a yes.
public struct SessionPicker: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case browsing
        /// The new title being typed.
        case renaming(LineEditor)
        /// Asked "delete …? (y/n)".
        case confirmingDelete
    }

    public var rows: [SessionRow]
    public var selected = 0
    public var mode = Mode.browsing

    public init(rows: [SessionRow]) {
        self.rows = rows
        // Start on the newest chat that is not this one: the likeliest to open.
        selected = rows.firstIndex { !$0.isCurrent } ?? 0
    }

    public var selectedRow: SessionRow? { rows.indices.contains(selected) ? rows[selected] : nil }

    /// New rows after a rename or delete: the selection stays on the same chat, or on its
    /// place in the list when that chat is gone.
    mutating func refresh(_ newRows: [SessionRow]) {
        let id = selectedRow?.id
        rows = newRows
        selected = newRows.firstIndex { $0.id == id } ?? min(selected, max(0, newRows.count - 1))
        mode = .browsing
    }

    mutating func move(by delta: Int) {
        guard !rows.isEmpty else { return }
        selected = min(rows.count - 1, max(0, selected + delta))
    }
}

extension AppState {
    /// Keys while the sessions picker is open.
    mutating func handle(_ key: KeyEvent, in picker: SessionPicker) -> [Effect] {
        var picker = picker
        defer { if case .sessions = overlay { overlay = .sessions(picker) } }
        switch picker.mode {
        case .renaming(var editor):
            switch key {
            case .enter:
                picker.mode = .browsing
                let title = editor.text.trimmingCharacters(in: .whitespaces)
                guard let row = picker.selectedRow, !title.isEmpty, title != row.title else { return [] }
                return [.command(name: "sessions", argument: "rename \(row.id) \(title)")]
            case .escape, .control("c"), .control("g"):
                picker.mode = .browsing
                return []
            case .home: editor.moveToLineStart()
            case .end: editor.moveToLineEnd()
            case .control("d"): editor.deleteForward()
            default: _ = editor.apply(key, singleLine: true)
            }
            picker.mode = .renaming(editor)
            return []
        case .confirmingDelete:
            picker.mode = .browsing
            guard key == .character("y") || key == .character("Y"), let row = picker.selectedRow else { return [] }
            return [.command(name: "sessions", argument: "delete \(row.id)")]
        case .browsing:
            let page = max(1, SessionsOverlay.listHeight(screenRows: rows) - 1)
            switch key {
            case .up, .character("k"), .wheelUp: picker.move(by: -1)
            case .down, .character("j"), .wheelDown: picker.move(by: 1)
            case .pageUp: picker.move(by: -page)
            case .pageDown: picker.move(by: page)
            case .home, .character("g"): picker.move(by: -picker.rows.count)
            case .end, .character("G"): picker.move(by: picker.rows.count)
            case .enter:
                guard let row = picker.selectedRow else { overlay = nil; return [] }
                overlay = nil
                if row.isCurrent { return [] }
                if isBusy {
                    flash = "still replying: Esc stops it first"
                    return []
                }
                scrollTop = nil
                return [.command(name: "load", argument: row.id)]
            case .character("r"), .function(2):
                if let row = picker.selectedRow { picker.mode = .renaming(LineEditor(text: row.title)) }
            case .character("d"), .delete:
                guard let row = picker.selectedRow else { return [] }
                if row.isCurrent {
                    flash = "this chat is open here: /clear or open another before deleting it"
                } else {
                    picker.mode = .confirmingDelete
                }
            case .control("d"):
                shouldQuit = true
                return isBusy ? [.cancel, .quit] : [.quit]
            case .control("c") where isBusy:
                overlay = nil
                return stopReply()
            case .escape, .character("q"), .function(5), .control("c"):
                overlay = nil
            default:
                break
            }
            return []
        }
    }
}
