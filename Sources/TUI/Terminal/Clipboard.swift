import Foundation

/// The system clipboard as a terminal reaches it: OSC 52 ("set selection c to this base64"),
/// which xterm, kitty, WezTerm, iTerm2, Windows Terminal, foot and tmux (`set-clipboard`)
/// act on, also over SSH. The text travels base64-encoded, so nothing in it is interpreted.
public enum Clipboard {
    /// The sequence that asks the terminal to put `text` on the clipboard.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }
}
