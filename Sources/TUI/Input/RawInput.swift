/// What the terminal adapter hands over, before escape-sequence decoding.
public enum RawInput: Equatable, Sendable {
    case scalar(Unicode.Scalar)
    case key(SpecialKey)
    case wheelUp, wheelDown
    case resize(rows: Int, columns: Int)
}

/// Keys the terminal library already recognised from terminfo.
public enum SpecialKey: Equatable, Sendable {
    case up, down, left, right, home, end, pageUp, pageDown
    case backspace, delete, enter, backTab
    case function(Int)
}
