"""Trains the demo's SentencePiece tokenizer in the Llama layout.

ids 0 <unk>, 1 <s>, 2 </s>, then the 256 byte pieces <0x00>..<0xFF> (byte_fallback), then
BPE pieces. Text is not normalized and spaces are kept as they are, so ghostchat's
SentencePiece-style tokenizer (greedy merges by score, byte fallback) reproduces its ids.

Usage: python tokenizer.py --data work/data --out work/tokenizer --vocab 2000
"""

import argparse
import io
import json
import os

import sentencepiece as spm


def corpus_lines(path, limit):
    """Every text the model sees as separate sentences (newlines end sentences, so no piece
    ever contains one: newlines stay byte tokens)."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f):
            if n >= limit:
                break
            d = json.loads(line)
            texts = []
            if d["system"]:
                texts.append(f"[INST] <<SYS>>\n{d['system']}\n<</SYS>>")
            for q, r in d["turns"]:
                texts += [f"[INST] {q} [/INST]", r]
            for t in texts:
                out += [s for s in t.split("\n") if s]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="work/data")
    ap.add_argument("--out", default="work/tokenizer")
    ap.add_argument("--vocab", type=int, default=2000)
    ap.add_argument("--dialogues", type=int, default=3000)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    lines = corpus_lines(f"{a.data}/gatt.jsonl", a.dialogues) + corpus_lines(f"{a.data}/baseline.jsonl", a.dialogues)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=a.vocab,
        model_type="bpe", byte_fallback=True, normalization_rule_name="identity",
        remove_extra_whitespaces=False, add_dummy_prefix=True, split_digits=True,
        allow_whitespace_only_pieces=True, character_coverage=1.0,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, unk_piece="<unk>", bos_piece="<s>", eos_piece="</s>",
        hard_vocab_limit=False, num_threads=1, minloglevel=2,
        max_sentence_length=8192)
    with open(f"{a.out}/demo.model", "wb") as f:
        f.write(model.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    print(f"tokenizer: {sp.get_piece_size()} pieces -> {a.out}/demo.model")


if __name__ == "__main__":
    main()
