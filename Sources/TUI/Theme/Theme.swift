import SafeText
import TOML
import TOMLKit

/// A named set of styles, one per `StyleRole`, read from a `themes/*.toml` file:
///
///     name = "dark"
///     [styles]
///     normal = { fg = "#d0d0d0", bg = "default" }
///     header = { fg = "white", bg = "#303a4a", bold = true }
///
/// Roles a theme leaves out inherit from a parent role (see `parent`), so a user theme can
/// be a few lines.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [StyleRole: TextStyle]

    public init(name: String, styles: [StyleRole: TextStyle]) {
        self.name = name
        self.styles = styles
    }

    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public let message: String
        /// The message with whatever it quotes from the file escaped, on one line.
        public var description: String { SafeText.quoted(message) }
    }

    /// Reads a theme file's text; `fallbackName` is used when it has no `name`.
    public init(toml text: String, fallbackName: String) throws {
        // The one TOML parser of the project (TOMLKit, toml++): it bounds nesting depth, so a
        // hostile file is an error, never a stack overflow.
        let root: TOMLTable
        do {
            root = try TOMLDocument.parse(text)
        } catch {
            throw LoadError(message: "\(fallbackName): \(error)")
        }
        name = root["name"]?.string ?? fallbackName
        styles = [:]
        guard let table = root["styles"]?.table ?? (root["styles"] == nil ? TOMLTable() : nil) else {
            throw LoadError(message: "\(fallbackName): 'styles' must be a table")
        }
        for key in table.keys {
            guard let value = table[key] else { continue }
            guard let role = StyleRole(rawValue: key) else {
                throw LoadError(message: "\(fallbackName): unknown style '\(key)' (known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let fields = value.table else { throw LoadError(message: "\(fallbackName): style '\(key)' must be a table") }
            var style = TextStyle()
            for field in fields.keys {
                guard let v = fields[field] else { continue }
                switch field {
                case "fg", "bg":
                    guard let text = v.string ?? v.int.map(String.init), let color = ThemeColor.parse(text) else {
                        throw LoadError(message: "\(fallbackName): \(key).\(field): not a colour")
                    }
                    if field == "fg" { style.foreground = color } else { style.background = color }
                case "bold": style.bold = v.bool ?? false
                case "dim": style.dim = v.bool ?? false
                case "italic": style.italic = v.bool ?? false
                case "underline": style.underline = v.bool ?? false
                case "reverse": style.reverse = v.bool ?? false
                default: throw LoadError(message: "\(fallbackName): \(key): unknown field '\(field)'")
                }
            }
            styles[role] = style
        }
    }

    /// The role a missing style (or a missing colour) comes from.
    static func parent(of role: StyleRole) -> StyleRole? {
        switch role {
        case .normal: return nil
        case .headerAccent: return .header
        case .statusAccent, .barSystem, .barLive, .barFree, .warning: return .status
        case .overlayBorder, .overlayTitle: return .overlay
        case .inputPrompt: return .input
        case .mdHeading, .mdStrong, .mdEmphasis, .mdCode, .mdCodeBlock, .mdQuote, .mdMarker: return .assistantText
        default: return .normal
        }
    }

    /// The style for `role` with colours filled in from its parents.
    public func resolved(_ role: StyleRole) -> TextStyle {
        // A theme written before the markdown roles still shows headings bold, and so on.
        var style = styles[role] ?? (role.rawValue.hasPrefix("md_") ? Self.monochromeStyle(for: role) : TextStyle())
        var ancestor = Self.parent(of: role)
        while let current = ancestor, style.foreground == nil || style.background == nil {
            if let parentStyle = styles[current] {
                if style.foreground == nil { style.foreground = parentStyle.foreground }
                if style.background == nil { style.background = parentStyle.background }
            }
            ancestor = Self.parent(of: current)
        }
        return style
    }

    /// Attributes that carry the meaning when there is no colour (NO_COLOR, mono terminals).
    public static func monochromeStyle(for role: StyleRole) -> TextStyle {
        switch role {
        case .header, .status, .statusAccent, .barSystem, .barLive, .barFree, .selection: return TextStyle(reverse: true)
        case .userLabel, .assistantLabel, .overlayTitle, .error, .warning, .inputPrompt: return TextStyle(bold: true)
        case .evicted, .hint, .interrupted, .notice: return TextStyle(dim: true)
        case .headerAccent: return TextStyle(reverse: true)
        case .mdHeading, .mdStrong: return TextStyle(bold: true)
        case .mdEmphasis, .mdQuote: return TextStyle(italic: true)
        case .mdCode: return TextStyle(underline: true)
        case .mdMarker: return TextStyle(dim: true)
        default: return TextStyle()
        }
    }
}
