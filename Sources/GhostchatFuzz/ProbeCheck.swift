/// What every probe demands of an error or warning it meets: the type the step documents,
/// and one line with no control characters, since it is shown to the user as it is.
/// A violation stops the process, which is what the fuzzer looks for.
enum ProbeCheck {
    /// The error's message, after checking its type and that it is one clean line.
    static func message<E: Error>(of error: Error, expecting _: E.Type) -> String {
        guard error is E else { fatalError("expected a \(E.self), got \(type(of: error)): \(error)") }
        let message = String(describing: error)
        requireOneLine(message, what: "\(E.self)")
        return message
    }

    /// Stops the process when `message` holds a control character or a line break.
    /// Written out here rather than calling `SafeText`: the check must not share the code
    /// it checks.
    static func requireOneLine(_ message: String, what: String) {
        for scalar in message.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator:
                fatalError("\(what) holds control character U+\(String(scalar.value, radix: 16)): \(message.debugDescription)")
            default:
                if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                    fatalError("\(what) holds bidi control U+\(String(scalar.value, radix: 16)): \(message.debugDescription)")
                }
            }
        }
    }

    /// Stops the process when `text`, meant for a terminal, holds a character a terminal
    /// would obey (newlines and tabs allowed).
    static func requireDrawable(_ text: String, what: String) {
        for scalar in text.unicodeScalars where scalar != "\n" && scalar != "\t" {
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                fatalError("\(what) would send U+\(String(value, radix: 16)) to the terminal: \(text.debugDescription)")
            }
        }
    }
}
