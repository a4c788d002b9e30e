import TUI

/// Terminal input and reply text driving the full-screen chat: bytes become raw input
/// (scalars, terminfo keys, wheel, resizes, idle gaps) through the key decoder, interleaved
/// with driver events carrying arbitrary text (streamed reply tokens, notices, errors), as
/// a model and a terminal would send them. Every screen drawn must hold only characters a
/// terminal draws, and no sequence may trap.
enum KeysProbe {
    static let specialKeys: [SpecialKey] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown,
                                            .backspace, .delete, .enter, .backTab] + (1...12).map { .function($0) }

    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        var reader = ByteStream(bytes)
        var state = AppState(rows: 10, columns: 32, themeName: "dark", themeNames: ["dark", "light"])
        var decoder = KeyDecoder()
        var messages = 0
        func send(_ message: AppMessage) {
            _ = state.update(message)
            messages += 1
            if messages % 16 == 0 { check(state) }
        }
        while let byte = reader.next() {
            switch byte {
            case 0xF0: for event in decoder.idle() { send(.key(event)) }
            case 0xF1: for event in decoder.feed(.wheelUp) { send(.key(event)) }
            case 0xF2: for event in decoder.feed(.wheelDown) { send(.key(event)) }
            case 0xF3:
                let rows = Int(reader.next() ?? 0) % 40 + 1, columns = Int(reader.next() ?? 0) % 120 + 1
                send(.resize(rows: rows, columns: columns))
            case 0xF4:
                let key = specialKeys[Int(reader.next() ?? 0) % specialKeys.count]
                for event in decoder.feed(.key(key)) { send(.key(event)) }
            case 0xF5: send(.driver(.replyStarted(replacingLast: reader.next().map { $0 & 1 == 1 } ?? false)))
            case 0xF6: send(.driver(.replyToken(reader.text())))
            case 0xF7:
                send(.driver(.replyFinished(ReplyStats(tokens: Int(reader.next() ?? 0), tokensPerSecond: 12.5,
                                                       interrupted: reader.next().map { $0 & 1 == 1 } ?? false))))
            case 0xF8: send(.driver(.notice(reader.text())))
            case 0xF9: send(.driver(.error(reader.text())))
            case 0xFA: send(.driver(.systemPromptChanged(reader.text())))
            case 0xFB: send(.driver(.editLast(reader.text())))
            case 0xFC: send(.driver(.evicted(count: Int(reader.next() ?? 0))))
            case 0xFD: send(.driver(.tookBack))
            case 0xFE: send(.tick)
            default:
                for event in decoder.feed(.scalar(reader.scalar(startingWith: byte))) { send(.key(event)) }
            }
        }
        check(state)
        return "\(messages) messages, \(state.rows)×\(state.columns)"
    }

    private static func check(_ state: AppState) {
        let screen = AppView.render(state)
        for cell in screen.cells { ProbeCheck.requireDrawable(cell.text, what: "a screen cell") }
    }
}

/// Reads the fuzzer's bytes as a stream of small values.
private struct ByteStream {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// A scalar: ASCII as it is; 0x80–0xEF with the next byte picks one of U+0080–U+6FFF
    /// (C1 controls, combining marks, bidi controls, joiners, CJK); 0xEF picks an emoji.
    mutating func scalar(startingWith byte: UInt8) -> Unicode.Scalar {
        if byte < 0x80 { return Unicode.Scalar(byte) }
        let low = UInt32(next() ?? 0)
        let value: UInt32 = byte == 0xEF ? 0x1F300 + low : (UInt32(byte - 0x80) << 8 | low) + 0x80
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Text: a length byte, then that many bytes decoded as UTF-8 (invalid bytes become U+FFFD).
    mutating func text() -> String {
        let count = Int(next() ?? 0)
        var collected: [UInt8] = []
        for _ in 0..<count { guard let byte = next() else { break }; collected.append(byte) }
        return String(decoding: collected, as: UTF8.self)
    }
}
