@preconcurrency import CNcurses
import Foundation

/// The one adapter between ghostchat and ncursesw: draws buffer diffs with the wide API,
/// reads keys (wide characters, terminfo keys, wheel, resize), maps theme roles to colour
/// pairs. Every call happens on the thread that created it.
public final class NcursesTerminal: TerminalScreen {
    private var previous: ScreenBuffer?
    private var looks: [StyleRole: (attributes: attr_t, pair: Int16)] = [:]
    private var isOpen = false
    public let colorMode: ColorMode

    /// Call first on any thread that does work while the full screen is up (a driver's
    /// queue or thread): a stack overflow there then still runs the handler that gives the
    /// terminal back, on a signal stack of that thread's own.
    public static func prepareWorkerThread() { gc_prepare_thread_for_crashes() }

    /// Enters full-screen mode. Installs handlers that restore the terminal on exit,
    /// termination signals and crashes before anything else can go wrong.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw TerminalError(message: "the full-screen chat needs an interactive terminal")
        }
        setlocale(LC_ALL, "")
        // Short ESC delay: a lone Esc (stop the reply) must be seen well within 100 ms.
        if environment["ESCDELAY"] == nil { set_escdelay(25) }
        guard initscr() != nil else { throw TerminalError(message: "cannot initialise the terminal") }
        isOpen = true
        gc_install_restore_handlers()
        raw()          // Ctrl-C, Ctrl-Z, Ctrl-S arrive as keys, not signals
        noecho()
        nonl()         // keeps Enter (CR) apart from Ctrl-J (LF)
        keypad(gc_stdscr(), true)
        intrflush(gc_stdscr(), false)
        // The mouse stays the terminal's (selection, copy) until F4 asks for wheel scrolling.
        mousemask(0, nil)
        mouseinterval(0)
        let hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
        }
        colorMode = ColorMode.detect(colors: Int(gc_colors()), hasColors: hasColors, environment: environment)
        gc_enable_bracketed_paste(1)
    }

    deinit { close() }

    public var size: (rows: Int, columns: Int) { (Int(gc_rows()), Int(gc_cols())) }

    public func read(timeoutMilliseconds: Int) -> [RawInput] {
        var inputs: [RawInput] = []
        wtimeout(gc_stdscr(), Int32(timeoutMilliseconds))
        while inputs.count < 4096 {
            var value: UInt32 = 0
            let status = gc_get_wch(&value)
            if status == gc_err() { break }
            if status == gc_key_code_yes() {
                if let input = translate(key: Int32(bitPattern: value)) { inputs.append(input) }
            } else if let scalar = Unicode.Scalar(value) {
                inputs.append(.scalar(scalar))
            }
            // Whatever else is already buffered comes without waiting.
            wtimeout(gc_stdscr(), 0)
        }
        return inputs
    }

    private func translate(key: Int32) -> RawInput? {
        switch key {
        case KEY_RESIZE: return .resize(rows: Int(gc_rows()), columns: Int(gc_cols()))
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == gc_ok() else { return nil }
            if event.bstate & gc_wheel_up_mask() != 0 { return .wheelUp }
            if gc_wheel_down_mask() != 0, event.bstate & gc_wheel_down_mask() != 0 { return .wheelDown }
            return nil
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        default:
            for n in 1...12 where key == gc_key_f(Int32(n)) { return .key(.function(n)) }
            return nil
        }
    }

    public func draw(_ buffer: ScreenBuffer) {
        guard isOpen else { return }
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full {
            let normal = look(.normal)
            wbkgdset(gc_stdscr(), chtype(normal.attributes) | chtype(UInt32(normal.pair) << 8))
            erase()
        }
        for row in 0..<buffer.height {
            for column in 0..<buffer.width {
                let cell = buffer[row, column]
                if cell.isContinuation { continue }
                if !full, let old = previous, old[row, column] == cell,
                   cell.width != 2 || old[row, column + 1] == buffer[row, column + 1] { continue }
                let (attributes, pair) = look(cell.role)
                var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                if wide.isEmpty { wide = [wchar_t(32)] }
                gc_put(Int32(row), Int32(column), &wide, Int32(wide.count), attributes, pair)
            }
        }
        if let cursor = buffer.cursor, buffer.contains(row: cursor.row, column: cursor.column) {
            curs_set(1)
            move(Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        refresh()
        previous = buffer
    }

    public func copyToClipboard(_ text: String) {
        guard isOpen else { return }
        refresh()  // ncurses' own output first, so the sequence lands between frames
        FileHandle.standardOutput.write(Data(Clipboard.osc52(text).utf8))
    }

    public func setMouseWheel(_ on: Bool) {
        guard isOpen else { return }
        mousemask(on ? gc_wheel_up_mask() | gc_wheel_down_mask() : 0, nil)
    }

    public func suspend() {
        guard isOpen else { return }
        gc_suspend()
        // Continued: back in full-screen mode, everything drawn again.
        gc_enable_bracketed_paste(1)
        invalidate()
        refresh()
    }

    public func invalidate() {
        previous = nil
        clearok(gc_stdscr(), true)
    }

    public func apply(_ theme: Theme) {
        looks = [:]
        for (index, role) in StyleRole.allCases.enumerated() {
            var style = theme.resolved(role)
            if colorMode == .monochrome {
                let mono = Theme.monochromeStyle(for: role)
                style = TextStyle(bold: style.bold || mono.bold, dim: style.dim || mono.dim, italic: style.italic,
                                  underline: style.underline || mono.underline, reverse: style.reverse || mono.reverse)
            }
            var attributes = gc_a_normal()
            if style.bold { attributes |= gc_a_bold() }
            if style.dim { attributes |= gc_a_dim() }
            if style.italic { attributes |= gc_a_italic() }
            if style.underline { attributes |= gc_a_underline() }
            if style.reverse { attributes |= gc_a_reverse() }
            var pair: Int16 = 0
            if colorMode != .monochrome, index + 1 < Int(gc_color_pairs()) {
                pair = Int16(index + 1)
                let fg = Int16((style.foreground ?? .terminalDefault).index(for: colorMode))
                let bg = Int16((style.background ?? .terminalDefault).index(for: colorMode))
                init_pair(pair, fg, bg)
            }
            looks[role] = (attributes, pair)
        }
        invalidate()
    }

    private func look(_ role: StyleRole) -> (attributes: attr_t, pair: Int16) {
        looks[role] ?? (gc_a_normal(), 0)
    }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        gc_enable_bracketed_paste(0)
        curs_set(1)
        endwin()
        gc_mark_curses_inactive()
    }
}

/// The terminal could not be used for the full-screen UI.
public struct TerminalError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
