#!/usr/bin/env python3
"""Compare ghostchat with llama.cpp (llama-cpp-python 0.3.36) on any GGUF model.

For each model: tokenization of the prompt, the greedy continuation, and perplexity with
llama.cpp's method on a text file. llama.cpp runs in-process through llama-cpp-python;
ghostchat runs as the release binary. Not part of CI.

    python3 tools/compare-with-llamacpp.py MODEL.gguf [MODEL2.gguf …] [--ctx 128] [-n 16] [--kernels avx2]
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GHOSTCHAT = os.path.join(ROOT, ".build", "release", "ghostchat")


def adds_bos(llm):
    return llm.tokenize(b"a", add_bos=True)[0] == llm.token_bos()


def llamacpp_perplexity(llm, tokens, ctx):
    nll, scored = 0.0, 0
    for c in range(len(tokens) // ctx):
        chunk = list(tokens[c * ctx:(c + 1) * ctx])
        if adds_bos(llm):  # as llama.cpp's perplexity tool: only where the vocabulary adds BOS
            chunk[0] = llm.token_bos()
        llm.reset()
        llm.eval(chunk)
        logits = np.array(llm.scores[:ctx], dtype=np.float64)
        for j in range(ctx // 2, ctx - 1):
            row = logits[j]
            m = row.max()
            nll += math.log(np.exp(row - m).sum()) - (row[chunk[j + 1]] - m)
            scored += 1
    return math.exp(nll / scored)


def ghostchat(*args):
    out = subprocess.run([GHOSTCHAT, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ghostchat {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="+")
    p.add_argument("--text", default=os.path.join(ROOT, "..", "shared", "fixtures", "essay.txt"))
    p.add_argument("--prompt", default="Once upon a time, in a land far away,")
    p.add_argument("--ctx", type=int, default=128)
    p.add_argument("-n", type=int, default=16)
    p.add_argument("-t", "--threads", type=int, default=2)
    p.add_argument("--kernels", help="ghostchat's kernel path (default: the fastest this CPU has)")
    args = p.parse_args()
    kernels = ["--kernels", args.kernels] if args.kernels else []
    text = open(args.text, encoding="utf-8").read()

    print(f"{'model':40} {'tokens':>7} {'greedy (all; up to first margin < 0.15 std)':>24} {'ppl llama.cpp':>14} {'ppl ghostchat':>14} {'Δ %':>8}")
    for model in args.models:
        llm = Llama(model_path=model, n_ctx=max(args.ctx, 512), n_batch=512, n_threads=args.threads,
                    logits_all=True, verbose=False)
        ids = llm.tokenize(args.prompt.encode(), add_bos=True, special=False)
        ours = [int(x) for x in ghostchat("tokenize", "-m", model, args.prompt).split()]
        same_tokens = ids == ours

        llm.reset()
        llm.eval(ids)
        greedy, clear = [], None
        for step in range(args.n):
            row = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64)
            tok = int(np.argmax(row))
            top2 = np.sort(row)[-2:]
            if clear is None and (top2[1] - top2[0]) / row.std() < 0.15:
                clear = step  # past a near tie two correct implementations may part
            if tok == llm.token_eos():
                break
            greedy.append(tok)
            llm.eval([tok])
        clear = len(greedy) if clear is None else clear
        reference_text = llm.detokenize(greedy).decode("utf-8", errors="replace")
        our_text = ghostchat("run", "-m", model, "-p", args.prompt, "-n", str(args.n), "--temp", "0", "--raw",
                             "-t", str(args.threads), *kernels).rstrip("\n")
        common = os.path.commonprefix([reference_text, our_text])
        clear_text = llm.detokenize(greedy[:clear]).decode("utf-8", errors="replace")
        greedy_report = ("equal" if reference_text == our_text else f"{len(common)}/{len(reference_text)} ch") + \
            f", {clear} clear {'equal' if our_text.startswith(clear_text) else 'DIFF'}"

        all_tokens = llm.tokenize(text.encode(), add_bos=True, special=False)
        ppl_ref = llamacpp_perplexity(llm, all_tokens, args.ctx)
        last = ghostchat("perplexity", "-m", model, "-f", args.text, "-c", str(args.ctx), "-t", str(args.threads), *kernels)
        ppl_ours = float(last.strip().splitlines()[-1].split("=")[1])
        delta = 100 * abs(ppl_ours - ppl_ref) / ppl_ref
        print(f"{os.path.basename(model):40} {'same' if same_tokens else 'DIFF':>7} {greedy_report:>24} "
              f"{ppl_ref:14.4f} {ppl_ours:14.4f} {delta:8.4f}")


if __name__ == "__main__":
    main()
