/// One piece of a rendered chat turn, before tokenization.
///
/// Special tokens are named, never spelled out as text: the renderer looks them up as ids,
/// so text typed by a user can never turn into a control token.
public enum TemplatePart: Sendable, Equatable {
    /// Ordinary text, tokenized as plain text.
    case text(String)
    /// The vocabulary's beginning-of-sequence token.
    case bos
    /// The vocabulary's end-of-sequence token.
    case eos
    /// A special token looked up by its piece, such as `<|im_start|>`.
    case special(String)
}
