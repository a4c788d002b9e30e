#!/usr/bin/env python3
"""Writes the exact-arithmetic fixtures that ghostchat's tests measure themselves against:
for a model and a text, llama.cpp's perplexity chunks are evaluated by the float64 forward pass
(exact_forward.py), and the top-32 logits, log-sum-exp and std of every scored position go into
a top-k logits file (topk_file.py). llama.cpp (llama-cpp-python 0.3.36) is measured against the
same positions once, and its distance from exact is recorded in the file's header, so the tests
can hold ghostchat to "no farther from exact than llama.cpp" without Python in CI.

    VENV/bin/python tools/exact/make-fixtures.py MODEL.gguf TEXT.txt CTX OUT.topk
    VENV2/bin/python tools/exact/make-fixtures.py --add MODEL.gguf TEXT.txt CTX OUT.topk

The second form keeps OUT's exact logits and adds another llama.cpp build's distance (say an
AVX2-only build beside an AVX-512 one): builds differ from each other by as much as either differs
from exact, so the tests hold ghostchat to the farther build per measure. VENV from
../shared/tools/setup-llamacpp.sh. Prints the distance table for the closing notes.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topk_file  # noqa: E402
from exact_forward import Model, forward  # noqa: E402

K = 32


def build_isa():
    """What this llama.cpp build was compiled for, from ggml's system info."""
    import llama_cpp
    info = llama_cpp.llama_print_system_info().decode()
    return "AVX-512" if "AVX512 = 1" in info else "AVX2" if "AVX2 = 1" in info else info.strip()


def main():
    args = sys.argv[1:]
    add = args[:1] == ["--add"]
    if add:
        args = args[1:]
    if len(args) != 4:
        raise SystemExit(__doc__)
    model_path, text_path, ctx, out = args[0], args[1], int(args[2]), args[3]
    import llama_cpp

    llm = llama_cpp.Llama(model_path=model_path, n_ctx=ctx, n_batch=ctx, n_ubatch=ctx, logits_all=True,
                          n_threads=2, verbose=False)
    text = open(text_path, encoding="utf-8").read()
    tokens = llm.tokenize(text.encode(), add_bos=True, special=False)   # BOS only if the vocabulary adds it
    bos = llm.token_bos() if llm.tokenize(b"a", add_bos=True)[0] == llm.token_bos() else None
    chunks = topk_file.chunks(tokens, ctx, bos)
    model = Model(model_path)
    vocab = model.config.vocab
    if add:
        header, kept = topk_file.read(out)
        assert header["tokens"] == tokens and header["ctx"] == ctx, "OUT was made from another text, vocabulary or context"

    records, llama_rows, targets = [], [], []
    for index, chunk in enumerate(chunks):
        if not add:
            records += topk_file.records_for(forward(model, chunk), chunk, ctx, K)
        llm.reset()
        llm.eval(chunk)
        scores = np.array(llm.scores[:ctx], dtype=np.float64)
        for j in topk_file.scored_positions(ctx):
            llama_rows.append(scores[j])
            targets.append(chunk[j + 1])
        print(f"chunk {index + 1}/{len(chunks)}", file=sys.stderr)
    base = kept if add else np.array(records, dtype=topk_file.record_dtype(K))
    llama = topk_file.distance(base, llama_rows, targets)
    llama["build"] = f"llama-cpp-python {llama_cpp.__version__} built for {build_isa()}"
    if add:
        meta = header["meta"]
        meta["llamacpp"] = [b for b in meta["llamacpp"] if b["build"] != llama["build"]] + [llama]
    else:
        meta = {
            "source": "exact: float64 forward pass of the dequantized weights (tools/exact/exact_forward.py)",
            "model": os.path.basename(model_path), "text": os.path.basename(text_path),
            "ppl": llama["ppl_base"], "llamacpp": [llama],
        }
    topk_file.write(out, vocab, ctx, K, tokens, base, meta)
    print(f"wrote {out}: {len(tokens)} tokens, {len(chunks)} chunks, {len(base)} positions")
    print(f"exact ppl {llama['ppl_base']:.4f}")
    print(f"llama.cpp ppl {llama['ppl']:.4f} ({(llama['ppl'] / llama['ppl_base'] - 1) * 100:+.3f} %), KLD mean {llama['kld_mean']:.5f} "
          f"p99 {llama['kld_p99']:.5f} max {llama['kld_max']:.5f}, same top {llama['same_top']}/{llama['positions']}, "
          f"clear {llama['clear_same_top']}/{llama['clear']}")


if __name__ == "__main__":
    main()
