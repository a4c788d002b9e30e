import Chat
import Foundation
import SafeText

/// Plain mode's output: replies on stdout, everything else on stderr, so a script can take
/// stdout as the model's words alone.
struct Console {
    let interactive = isatty(STDIN_FILENO) == 1
    /// Where notices go instead of stderr (the full-screen UI shows them in the chat).
    var redirect: ((String) -> Void)?

    init(redirect: ((String) -> Void)? = nil) {
        self.redirect = redirect
    }

    func notice(_ line: String) {
        if let redirect { return redirect(line) }
        // Notices can quote files (a bad transcript's fields, paths): never raw controls.
        FileHandle.standardError.write(Data("ghostchat: \(SafeText.shown(line))\n".utf8))
    }

    func prompt(_ text: String) {
        guard interactive else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    func reply(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
