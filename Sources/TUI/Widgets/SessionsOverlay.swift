import Foundation
import SafeText

/// The sessions picker as a centred box: a column header, one row per stored chat (the
/// selected one highlighted, this window's marked ●), and a footer line with the keys, the
/// title being typed, or the delete question.
public enum SessionsOverlay {
    static let footerKeys = "Enter open · r rename · d delete · Esc close"

    /// List rows that fit on a screen of `screenRows` (a row of margin above and below the
    /// box, its border, the column header and the footer).
    static func listHeight(screenRows: Int) -> Int { max(1, screenRows - 6) }

    /// Draws the picker; returns where the cursor goes (in the title field while renaming).
    @discardableResult
    public static func draw(_ picker: SessionPicker, into buffer: inout ScreenBuffer,
                            timeZone: TimeZone = .current) -> (row: Int, column: Int)? {
        let list = min(max(1, picker.rows.count), listHeight(screenRows: buffer.height))
        let box = Box.centered(height: list + 4, width: 100, in: buffer)
        let title = picker.rows.isEmpty ? "chats" : "chats · \(picker.rows.count) stored"
        let inner = box.draw(into: &buffer, title: title)
        guard inner.rows.count >= 3, inner.width > 0 else { return nil }
        let columns = Columns(width: inner.width)
        let headerRow = inner.rows.lowerBound, footerRow = inner.rows.upperBound - 1
        let listRows = (headerRow + 1)..<footerRow

        columns.line(title: "title", model: "model", date: "updated", count: "msgs", marker: " ")
            .draw(into: &buffer, row: headerRow, column: inner.left, width: inner.width)
        if picker.rows.isEmpty {
            buffer.put("no stored chats yet", row: listRows.lowerBound, column: inner.left, role: .hint, limit: inner.width)
        }
        let top = min(max(0, picker.selected - listRows.count + 1), max(0, picker.rows.count - listRows.count))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        for (offset, row) in listRows.enumerated() where top + offset < picker.rows.count {
            let index = top + offset
            let chat = picker.rows[index]
            var line = columns.line(title: chat.title.isEmpty ? "(no message yet)" : chat.title, model: chat.model,
                                    date: formatter.string(from: chat.updatedAt), count: String(chat.messages),
                                    marker: chat.isCurrent ? "●" : " ")
            if index == picker.selected {
                line.spans = line.spans.map { StyledLine.Span($0.text, .selection) }
                line.fill = .selection
            }
            line.draw(into: &buffer, row: row, column: inner.left, width: inner.width)
        }
        // More above or below: arrows in the margin beside the list.
        if top > 0 { buffer.put("↑", row: listRows.lowerBound, column: inner.left + inner.width, role: .overlayBorder) }
        if top + listRows.count < picker.rows.count {
            buffer.put("↓", row: listRows.upperBound - 1, column: inner.left + inner.width, role: .overlayBorder)
        }

        switch picker.mode {
        case .browsing:
            buffer.put(footerKeys, row: footerRow, column: inner.left, role: .hint, limit: inner.width)
            return nil
        case .confirmingDelete:
            let name = picker.selectedRow.map { $0.title.isEmpty ? String($0.id.prefix(8)) : $0.title } ?? ""
            let question = "delete “\(DisplayWidth.clip(name, to: max(1, inner.width - 20)).text)” and its messages? (y/n)"
            buffer.put(question, row: footerRow, column: inner.left, role: .warning, limit: inner.width)
            return nil
        case .renaming(let editor):
            let label = "new title: "
            let start = buffer.put(label, row: footerRow, column: inner.left, role: .overlayTitle, limit: inner.width)
            let field = max(1, inner.left + inner.width - start)
            // Keep the cursor inside the field: show the end of a title longer than the field.
            let before = String(editor.characters[..<editor.cursor])
            var skip = 0
            while DisplayWidth.of(before.dropFirst(skip)) > field - 1 { skip += 1 }
            let shown = String(editor.text.dropFirst(skip))
            buffer.fill(row: footerRow, column: start, count: field, role: .input)
            buffer.put(shown, row: footerRow, column: start, role: .input, limit: field)
            return (footerRow, start + DisplayWidth.of(before.dropFirst(skip)))
        }
    }

    /// How the inner width is shared: the title takes what the fixed columns leave, and the
    /// model and then the date go away on narrow screens.
    struct Columns {
        let titleWidth: Int
        let modelWidth: Int
        let dateWidth: Int
        static let countWidth = 5

        init(width: Int) {
            let marker = 2
            dateWidth = width >= 44 ? 16 : 0
            modelWidth = width >= 64 ? min(24, (width - 40) / 2) : 0
            let fixed = marker + Self.countWidth + (dateWidth > 0 ? dateWidth + 2 : 0) + (modelWidth > 0 ? modelWidth + 2 : 0)
            titleWidth = max(1, width - fixed - 1)
        }

        func line(title: String, model: String, date: String, count: String, marker: String) -> StyledLine {
            var text = marker + " " + pad(title, titleWidth) + " "
            if modelWidth > 0 { text += " " + pad(model, modelWidth) + " " }
            if dateWidth > 0 { text += " " + pad(date, dateWidth) + " " }
            text += String(repeating: " ", count: max(0, Self.countWidth - DisplayWidth.of(count))) + count
            var line = StyledLine(text, .overlay)
            line.fill = .overlay
            return line
        }

        /// `text` in exactly `width` columns: cut with "…" or padded.
        private func pad(_ text: String, _ width: Int) -> String {
            // Sanitized first, so the widths measured are those drawn.
            let safe = SafeText.shown(text.replacingOccurrences(of: "\n", with: " "), newlines: false, tabWidth: 4)
            let (kept, cut) = DisplayWidth.clip(safe, to: width)
            let shown = cut ? kept + "…" : kept
            return shown + String(repeating: " ", count: max(0, width - DisplayWidth.of(shown)))
        }
    }
}
