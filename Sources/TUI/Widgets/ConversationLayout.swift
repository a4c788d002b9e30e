import Foundation
import SafeText

/// The conversation's lines, kept between frames: an entry is wrapped again only when its
/// text, flags or the width change, and a reply that grows (streaming) re-wraps only its
/// last line or two. Gives exactly the lines of `ConversationView.lines`.
///
/// A cache, not state: two `AppState`s are equal whatever their caches hold.
public final class ConversationLayout: @unchecked Sendable, Equatable {
    private struct Item {
        /// As laid out. For messages the text is kept in `raw` instead, in storage of its own:
        /// sharing the entry's would make every streamed token copy the whole reply.
        var entry: TranscriptEntry
        var raw: String
        var width: Int
        var showCursor: Bool
        var lines: [StyledLine]
        /// Your messages: the growing wrap of the sanitized text and its final lines, styled.
        var wrap: GrowingWrap?
        var stableLines: [StyledLine] = []
        /// Replies: their growing Markdown layout (its final lines indented in `stableLines`).
        var markdown: GrowingMarkdown?
    }

    private var items: [Item] = []
    private let lock = NSLock()
    /// Characters run through the word wrapper so far (for tests and benchmarks).
    public private(set) var wrappedCharacters = 0
    /// Entries laid out from scratch so far.
    public private(set) var entriesLaidOut = 0

    public init() {}

    public static func == (lhs: ConversationLayout, rhs: ConversationLayout) -> Bool { true }

    /// `ConversationView.lines(for:width:streaming:)`, from the cache where it can.
    public func lines(for entries: [TranscriptEntry], width: Int, streaming: Bool) -> [StyledLine] {
        lock.lock()
        defer { lock.unlock() }
        guard width > 0 else { return [] }
        if items.count > entries.count { items.removeLast(items.count - entries.count) }
        var lines: [StyledLine] = []
        for (index, entry) in entries.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            let showCursor = ConversationView.showsCursor(entries, index, streaming)
            if index < items.count {
                update(&items[index], to: entry, width: width, showCursor: showCursor)
            } else {
                items.append(layOut(entry, width: width, showCursor: showCursor))
            }
            lines += items[index].lines
        }
        return lines
    }

    private func update(_ item: inout Item, to entry: TranscriptEntry, width: Int, showCursor: Bool) {
        let old = item.entry
        let sameFlags = old.kind == entry.kind && old.evicted == entry.evicted && old.interrupted == entry.interrupted
        // Compared byte for byte: String == would call "é" and "e\u{301}" the same.
        let added = Self.addition(from: item.raw, to: entry.text)
        if sameFlags, item.width == width, item.showCursor == showCursor, added == "" { return }
        guard item.width == width, item.wrap != nil || item.markdown != nil, old.kind == entry.kind, old.evicted == entry.evicted,
              !item.raw.hasSuffix("\r"), let added else {
            item = layOut(entry, width: width, showCursor: showCursor)
            return
        }
        if var markdown = item.markdown {
            let before = markdown.laidOutCharacters
            markdown.append(SafeText.shown(added, tabWidth: 4))
            wrappedCharacters += markdown.laidOutCharacters - before
            for line in markdown.stable.dropFirst(item.stableLines.count) {
                item.stableLines.append(ConversationView.replyLine(line, entry, width: width))
            }
            item.raw += added
            item.entry = Self.withoutText(entry)
            item.showCursor = showCursor
            item.markdown = markdown
            item.lines = lines(of: item)
            return
        }
        guard var wrap = item.wrap else { return }
        // The same message with text added at its end: wrap only the addition.
        let before = wrap.wrappedCharacters
        wrap.append(SafeText.shown(added, tabWidth: 4))
        wrappedCharacters += wrap.wrappedCharacters - before
        for line in wrap.stable.dropFirst(item.stableLines.count) {
            item.stableLines.append(ConversationView.bodyLine(line, entry, width: width))
        }
        item.raw += added
        item.entry = Self.withoutText(entry)
        item.showCursor = showCursor
        item.wrap = wrap
        item.lines = lines(of: item)
    }

    private func layOut(_ entry: TranscriptEntry, width: Int, showCursor: Bool) -> Item {
        entriesLaidOut += 1
        wrappedCharacters += entry.text.count
        guard entry.kind == .user || entry.kind == .assistant else {
            return Item(entry: entry, raw: entry.text, width: width, showCursor: showCursor,
                        lines: ConversationView.block(for: entry, width: width, showCursor: showCursor))
        }
        if entry.kind == .assistant {
            let markdown = GrowingMarkdown(width: ConversationView.textWidth(width), text: SafeText.shown(entry.text, tabWidth: 4))
            var item = Item(entry: Self.withoutText(entry), raw: String(decoding: Array(entry.text.utf8), as: UTF8.self),
                            width: width, showCursor: showCursor, lines: [], markdown: markdown)
            item.stableLines = markdown.stable.map { ConversationView.replyLine($0, entry, width: width) }
            item.lines = lines(of: item)
            return item
        }
        let wrap = GrowingWrap(width: ConversationView.textWidth(width), text: SafeText.shown(entry.text, tabWidth: 4))
        var item = Item(entry: Self.withoutText(entry), raw: String(decoding: Array(entry.text.utf8), as: UTF8.self),
                        width: width, showCursor: showCursor, lines: [], wrap: wrap)
        item.stableLines = wrap.stable.map { ConversationView.bodyLine($0, entry, width: width) }
        item.lines = lines(of: item)
        return item
    }

    /// Label, final lines, the changing tail (with the cursor), the interrupted marker.
    private func lines(of item: Item) -> [StyledLine] {
        let entry = item.entry
        if let markdown = item.markdown {
            let suffix = markdown.text.isEmpty ? (item.showCursor ? ConversationView.streamingCursor : " ")
                : (item.showCursor ? ConversationView.streamingCursor : "")
            let tail = markdown.tailLines(suffix: suffix)
            wrappedCharacters += markdown.tailCharacters + suffix.count
            return ConversationView.head(entry) + item.stableLines + tail.map { ConversationView.replyLine($0, entry, width: item.width) }
                + ConversationView.foot(entry, width: item.width)
        }
        guard let wrap = item.wrap else { return item.lines }
        let tail: [String]
        if wrap.text.isEmpty {
            tail = TextWrapper.wrap(item.showCursor ? ConversationView.streamingCursor : " ", width: wrap.width)
        } else {
            tail = wrap.tailLines(suffix: item.showCursor ? ConversationView.streamingCursor : "")
        }
        wrappedCharacters += tail.reduce(0) { $0 + $1.count }
        return ConversationView.head(entry) + item.stableLines + tail.map { ConversationView.bodyLine($0, entry, width: item.width) }
            + ConversationView.foot(entry, width: item.width)
    }

    static func withoutText(_ entry: TranscriptEntry) -> TranscriptEntry {
        var copy = entry
        copy.text = ""
        return copy
    }

    /// What was appended to `old` to make `new`, or nil when `new` is not `old` plus more.
    static func addition(from old: String, to new: String) -> String? {
        let oldCount = old.utf8.count
        guard new.utf8.count >= oldCount else { return nil }
        var old = old, new = new
        let same = old.withUTF8 { a in new.withUTF8 { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
        guard same else { return nil }
        return String(new.utf8.dropFirst(oldCount))
    }
}
