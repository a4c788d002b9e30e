/// A colour as a theme file writes it: the terminal's default, an ANSI number (0–15), a
/// 256-colour index, or 24-bit RGB. Rendering maps it down to what the terminal has.
public enum ThemeColor: Equatable, Sendable {
    case terminalDefault
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads "#rrggbb", "default", a name ("red", "bright-blue"), or "123"/"color123".
    public static func parse(_ text: String) -> ThemeColor? {
        let lower = text.lowercased()
        if lower == "default" || lower == "none" { return .terminalDefault }
        if lower.hasPrefix("#"), lower.count == 7, let value = UInt32(lower.dropFirst(), radix: 16) {
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        if let index = names.firstIndex(of: lower) { return .indexed(index) }
        if lower.hasPrefix("bright-"), let index = names.firstIndex(of: String(lower.dropFirst(7))) { return .indexed(index + 8) }
        let digits = lower.hasPrefix("color") ? String(lower.dropFirst(5)) : lower
        if let n = Int(digits), (0...255).contains(n) { return .indexed(n) }
        return nil
    }

    /// The colour number for a terminal with `mode`'s palette; -1 is the default colour.
    public func index(for mode: ColorMode) -> Int {
        switch (self, mode) {
        case (_, .monochrome), (.terminalDefault, _): return -1
        case (.indexed(let n), .palette256): return n
        case (.rgb(let r, let g, let b), .palette256): return Self.nearest256(r, g, b)
        case (.indexed(let n), .palette16) where n < 16: return n
        case (.indexed(let n), .palette8) where n < 8: return n
        case (.indexed(let n), .palette8) where n < 16: return n - 8
        case (_, .palette16), (_, .palette8):
            let (r, g, b) = rgbValue
            return Self.nearestBasic(r, g, b, count: mode == .palette16 ? 16 : 8)
        }
    }

    /// Approximate RGB for any colour (xterm's default palette for indices).
    var rgbValue: (Int, Int, Int) {
        switch self {
        case .terminalDefault: return (0, 0, 0)
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .indexed(let n):
            if n < 16 { return Self.basic[n] }
            if n >= 232 { let v = 8 + (n - 232) * 10; return (v, v, v) }
            let i = n - 16
            return (Self.levels[i / 36], Self.levels[(i / 6) % 6], Self.levels[i % 6])
        }
    }

    static let levels = [0, 95, 135, 175, 215, 255]
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { levels.indices.min(by: { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) })! }
        let (ri, gi, bi) = (level(r), level(g), level(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grayIndex = min(23, max(0, (average - 3) / 10))
        let gray = 232 + grayIndex
        let grayValue = 8 + grayIndex * 10
        let cubeDistance = distance((levels[ri], levels[gi], levels[bi]), (Int(r), Int(g), Int(b)))
        let grayDistance = distance((grayValue, grayValue, grayValue), (Int(r), Int(g), Int(b)))
        return grayDistance < cubeDistance ? gray : cube
    }

    static func nearestBasic(_ r: Int, _ g: Int, _ b: Int, count: Int) -> Int {
        (0..<count).min(by: { distance(basic[$0], (r, g, b)) < distance(basic[$1], (r, g, b)) })!
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr * 3 + dg * dg * 4 + db * db * 2
    }
}

/// How many colours the terminal can show (after NO_COLOR).
public enum ColorMode: Equatable, Sendable {
    case monochrome, palette8, palette16, palette256

    /// `NO_COLOR` (any non-empty value, per no-color.org) wins over what terminfo says.
    public static func detect(colors: Int, hasColors: Bool, environment: [String: String]) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colors >= 256 { return .palette256 }
        if colors >= 16 { return .palette16 }
        if colors >= 8 { return .palette8 }
        return .monochrome
    }
}
