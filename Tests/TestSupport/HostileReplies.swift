/// Model replies that attack the terminal, with what a user must see instead: each control
/// drawn as a visible stand-in, never obeyed. Shared by the plain-mode and TUI tests, which
/// run them through `ScriptedModel`.
public enum HostileReplies {
    public struct Attack: Sendable {
        public let name: String
        public let bytes: [UInt8]
        /// The text shown on screen / stdout in place of the attack.
        public let shown: String
    }

    public static let all: [Attack] = [
        Attack(name: "clear screen (CSI 2J) and a C1 CSI", bytes: Array("\u{1B}[2J".utf8) + [0xC2, 0x9B] + Array("31m".utf8),
               shown: "␛[2J\u{FFFD}31m"),
        Attack(name: "OSC 52 clipboard write and a bidi override",
               bytes: Array("\u{1B}]52;c;SGk=\u{07}".utf8) + [0xE2, 0x80, 0xAE] + Array("ab".utf8), shown: "␛]52;c;SGk=␇\u{FFFD}ab"),
        Attack(name: "OSC 8 hyperlink", bytes: Array("\u{1B}]8;;ftp:e\u{07}link".utf8), shown: "␛]8;;ftp:e␇link"),
        Attack(name: "invalid UTF-8, a lone surrogate, C1 NEL", bytes: [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xC2, 0x85] + Array("ok".utf8),
               shown: "\u{FFFD}("),
    ]
}
