/// What a session command did, for a front end to show: plain mode prints it, the full
/// screen turns it into events. Front ends keep only what is theirs (help, quit, streaming a
/// retry, swapping in a replaced session).
public enum CommandOutcome {
    /// Done; say this.
    case notice(String)
    /// Done; the session's own events (a system change) already said so.
    case changed
    /// The chat was replaced (`/load`, `/clear`): continue with `session`, then say `notice`.
    case replaced(by: ChatSession, notice: String)
    /// `/undo` took back this user message (and its reply, if it had one).
    case tookBack(String)
    /// `/edit` alone: the front end offers this (your last message) for editing.
    case editLast(String)
    /// `/edit TEXT`: the last exchange was taken back (`replaced`, kept on record as
    /// withdrawn); the front end streams `session.reply(to: text)`.
    case resend(String, replaced: String)
    /// `/retry`: the front end streams `session.retry(onText:)`.
    case retry
    /// `/copy`: the front end puts `text` on the clipboard (OSC 52 on a terminal); it is also
    /// in the file at `savedTo` (nil if that could not be written), for terminals that
    /// ignore OSC 52.
    case copy(String, savedTo: String?)
    /// `/sessions`: the stored chats, newest first (`current` is the one open here), and after
    /// a rename or delete what was done.
    case sessions([SessionSummary], current: String, notice: String?)
    /// `/help`: the front end shows its help.
    case help
    /// `/quit`: the front end ends the chat.
    case quit
}
