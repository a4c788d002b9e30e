/// A key press (or paste / wheel step) after escape sequences have been decoded.
public enum KeyEvent: Equatable, Sendable {
    case character(Character)
    case enter
    /// Alt-Enter or Ctrl-J: insert a newline instead of sending.
    case newline
    case control(Character)  // lower-case letter: .control("a") is Ctrl-A
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case backspace, delete, tab, backTab, escape
    case function(Int)
    case paste(String)
    case wheelUp, wheelDown
}
