import Chat
import Foundation

/// A transcript as `--load` reads it: decoded and validated, or refused with one `ChatError`
/// line. What is accepted must survive a save and a load unchanged, and its Markdown export
/// and every stored field must be printable once shown.
enum TranscriptProbe {
    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        let transcript: Transcript
        do {
            transcript = try Transcript.decode(json: Data(bytes))
        } catch {
            return "refused: " + ProbeCheck.message(of: error, expecting: ChatError.self)
        }
        let saved: Data
        do {
            saved = try transcript.jsonData()
        } catch {
            fatalError("an accepted transcript could not be saved: \(error)")
        }
        do {
            let again = try Transcript.decode(json: saved)
            guard again == transcript else { fatalError("a saved transcript reads back different") }
        } catch {
            fatalError("a saved transcript is refused on loading: \(error)")
        }
        _ = transcript.markdown()
        return "accepted \(transcript.messages.count) messages"
    }
}
