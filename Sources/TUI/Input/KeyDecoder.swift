/// Turns raw scalars into key events: Alt-<key> arrives as ESC + key, bracketed paste as
/// `ESC [200~ … ESC [201~`, and a lone ESC is the Escape key once input goes quiet.
/// Pure state machine, so every sequence is unit-tested without a terminal.
public struct KeyDecoder: Sendable {
    private enum Mode: Sendable { case ground, escape, csi(String), paste(String) }
    private var mode: Mode = .ground
    private static let pasteEnd = "\u{1B}[201~"

    public init() {}

    /// True while a partial sequence waits for more input (the caller keeps polling).
    public var isPending: Bool {
        if case .ground = mode { return false }
        return true
    }

    /// Feeds one input; returns the events it completes.
    public mutating func feed(_ input: RawInput) -> [KeyEvent] {
        switch input {
        case .wheelUp: return flushPartial() + [.wheelUp]
        case .wheelDown: return flushPartial() + [.wheelDown]
        case .resize: return []
        case .key(let key):
            if case .paste(var text) = mode {
                // Inside a paste, terminfo keys are just text (Enter as newline).
                if key == .enter { text += "\n" }
                mode = .paste(text)
                return []
            }
            let alt: Bool
            if case .escape = mode { alt = true } else { alt = false }
            var events = alt ? [] : flushPartial()
            mode = .ground
            events.append(Self.event(for: key))
            return events
        case .scalar(let scalar):
            return feed(scalar)
        }
    }

    /// Called when no input arrived for a short while: a pending ESC becomes Escape.
    public mutating func idle() -> [KeyEvent] {
        if case .paste = mode { return [] }  // a paste may pause; wait for its end marker
        return flushPartial()
    }

    private mutating func feed(_ scalar: Unicode.Scalar) -> [KeyEvent] {
        switch mode {
        case .ground:
            if scalar == "\u{1B}" { mode = .escape; return [] }
            return [Self.event(for: scalar)]
        case .escape:
            if scalar == "[" { mode = .csi(""); return [] }
            mode = .ground
            if scalar == "\u{1B}" { mode = .escape; return [.escape] }
            if scalar == "\r" || scalar == "\n" { return [.newline] }
            if scalar == "\u{7F}" || scalar == "\u{08}" { return [.control("w")] }  // Alt-Backspace deletes a word
            if scalar == "O" { mode = .csi("O"); return [] }
            return [.alt(Character(scalar))]
        case .csi(var body):
            body.unicodeScalars.append(scalar)
            // A CSI ends with a byte in @…~ (after the intro); SS3 (ESC O x) ends after one byte.
            let isFinal = body.hasPrefix("O") ? body.count == 2 : (0x40...0x7E).contains(scalar.value)
            if !isFinal, body.count < 16 { mode = .csi(body); return [] }
            mode = .ground
            if body == "200~" { mode = .paste(""); return [] }
            return Self.decodeCSI(body).map { [$0] } ?? []
        case .paste(var text):
            text.unicodeScalars.append(scalar)
            if text.hasSuffix(Self.pasteEnd) {
                mode = .ground
                return [.paste(Self.normalizePaste(String(text.dropLast(Self.pasteEnd.count))))]
            }
            mode = .paste(text)
            return []
        }
    }

    private mutating func flushPartial() -> [KeyEvent] {
        defer { mode = .ground }
        switch mode {
        case .ground, .paste: return []
        case .escape: return [.escape]
        case .csi(let body): return [.alt(body.hasPrefix("O") ? "O" : "[")] + body.dropFirst(body.hasPrefix("O") ? 1 : 0).map { .character($0) }
        }
    }

    static func event(for key: SpecialKey) -> KeyEvent {
        switch key {
        case .up: return .up
        case .down: return .down
        case .left: return .left
        case .right: return .right
        case .home: return .home
        case .end: return .end
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .backspace: return .backspace
        case .delete: return .delete
        case .enter: return .enter
        case .backTab: return .backTab
        case .function(let n): return .function(n)
        }
    }

    static func event(for scalar: Unicode.Scalar) -> KeyEvent {
        switch scalar.value {
        case 0x0D: return .enter
        case 0x0A: return .newline  // Ctrl-J (the adapter turns off CR→NL so Enter stays CR)
        case 0x09: return .tab
        case 0x08, 0x7F: return .backspace
        case 0x01...0x1A: return .control(Character(Unicode.Scalar(scalar.value + 0x60)!))
        default: return .character(Character(scalar))
        }
    }

    /// Sequences terminfo may not know (tmux and xterm variants).
    static func decodeCSI(_ body: String) -> KeyEvent? {
        switch body {
        case "A", "OA": return .up
        case "B", "OB": return .down
        case "C", "OC": return .right
        case "D", "OD": return .left
        case "H", "OH", "1~", "7~": return .home
        case "F", "OF", "4~", "8~": return .end
        case "5~": return .pageUp
        case "6~": return .pageDown
        case "3~": return .delete
        case "Z": return .backTab
        case "OP", "11~": return .function(1)
        case "OQ", "12~": return .function(2)
        case "13~", "OR": return .function(3)
        case "1;3D": return .alt("b")  // Alt-Left
        case "1;3C": return .alt("f")  // Alt-Right
        default: return nil
        }
    }

    static func normalizePaste(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
