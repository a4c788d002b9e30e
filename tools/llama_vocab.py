"""The SentencePiece vocabulary the random test models carry: read from a vocabulary GGUF
(../shared/fixtures/llama2-vocab.gguf) and written into a new model's metadata. Shared by
make-random-model.py and make-architecture-models.py."""
import gguf


def read_vocabulary(path, limit=None):
    """(tokens, scores, token types) of the vocabulary in `path`, the first `limit` of them."""
    fields = gguf.GGUFReader(path).fields
    tokens = [bytes(fields["tokenizer.ggml.tokens"].parts[i]).decode("utf-8") for i in fields["tokenizer.ggml.tokens"].data]
    scores = [float(fields["tokenizer.ggml.scores"].parts[i][0]) for i in fields["tokenizer.ggml.scores"].data]
    types = [int(fields["tokenizer.ggml.token_type"].parts[i][0]) for i in fields["tokenizer.ggml.token_type"].data]
    return tokens[:limit], scores[:limit], types[:limit]


def add_vocabulary(writer, tokens, scores, types):
    """Llama 2's tokenizer keys: SentencePiece, BOS 1 added, EOS 2, UNK 0."""
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
