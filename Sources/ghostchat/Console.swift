import Foundation

/// Plain mode's output: replies on stdout, everything else on stderr, so a script can take
/// stdout as the model's words alone.
struct Console {
    let interactive = isatty(STDIN_FILENO) == 1

    func notice(_ line: String) {
        FileHandle.standardError.write(Data("ghostchat: \(line)\n".utf8))
    }

    func prompt(_ text: String) {
        guard interactive else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    func reply(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
