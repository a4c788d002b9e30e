"""Checks that ghostchat sees the model exactly as training did.

1. Tokenization: SentencePiece ids == `ghostchat tokenize --no-bos` ids for many training
   strings (system blocks, user turns, replies, whole first turns).
2. Chat rendering: the tokens ghostchat's session puts in front of the model
   (`--log-context`) == template.render for the same conversation.
3. Numerics: greedy continuations from the JAX model and from `ghostchat run --temp 0` on
   the GGUF agree.

Usage: python check.py --gguf work/gatt/f32.gguf --run work/gatt --tokenizer work/tokenizer/demo.model \
           --data work/data/gatt.jsonl --ghostchat PATH
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import jax
import jax.numpy as jnp
import numpy as np
import sentencepiece as spm

import model as M
import template


def tokenize(ghostchat, gguf, text):
    out = subprocess.run([ghostchat, "tokenize", "-m", gguf, "--no-bos", "--", text], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [int(t) for t in out.stdout.split()]


def check_tokenizer(a, sp, dialogues, n):
    rnd = random.Random(1)
    texts = []
    for d in rnd.sample(dialogues, min(n, len(dialogues))):
        q, r = d["turns"][0]
        if d["system"]:
            texts.append(f"[INST] <<SYS>>\n{d['system']}\n<</SYS>>\n\n{q} [/INST]")
        texts += [f"[INST] {q} [/INST]", r, q]
    texts += ["", " ", "  two  spaces", "tab\there", "1234567", "naïve café 🎾♟️ 🇫🇷", "\n\n", "ünïcödé 日本語"]
    bad = 0
    for t in texts:
        want, got = sp.encode(t), tokenize(a.ghostchat, a.gguf, t)
        if want != got:
            bad += 1
            if bad <= 5:
                print(f"  tokenize mismatch for {t!r}:\n    sp        {want}\n    ghostchat {got}")
    print(f"tokenizer: {len(texts) - bad}/{len(texts)} strings tokenize identically")
    return bad == 0


def check_render(a, sp, dialogues):
    """Feeds a multi-turn conversation to ghostchat's chat and walks the logged context: every
    user part must be exactly template.render's tokens; replies run up to their EOS."""
    ok, turns_seen = True, 0
    for d in [d for d in dialogues if len(d["turns"]) >= 3][:4]:
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "ctx.jsonl")
            questions = "".join(q + "\n" for q, _ in d["turns"][:3])
            args = [a.ghostchat, "chat", "--plain", "--no-store", "-m", a.gguf, "--temp", "0", "-n", "40", "--log-context", log]
            if d["system"]:
                args += ["--system", d["system"]]
            subprocess.run(args, input=questions, capture_output=True, text=True)
            with open(log) as f:
                entries = [json.loads(line) for line in f]
        for i, e in enumerate(entries):
            ctx = e["context"]
            users = [q for q, _ in d["turns"][:i + 1]]
            # The user parts alone (reply None) tell where each one starts.
            at, good = 0, True
            for j, u in enumerate(users):
                part, _ = template.render(sp, d["system"] if j == 0 else "", [[u, None]])
                if j > 0:
                    part = [template.BOS] + part[1:] if part[0] == template.BOS else part
                else:
                    part = part
                if ctx[at:at + len(part)] != part:
                    good = False
                    print(f"  render mismatch in turn {i + 1}, user part {j + 1}:\n    want {part}\n    got  {ctx[at:at + len(part)]}")
                    break
                at += len(part)
                if j < len(users) - 1:
                    while at < len(ctx) and ctx[at] != template.EOS:
                        at += 1
                    at += 1
            if good and at != len(ctx):
                good = False
                print(f"  render: {len(ctx) - at} unexpected trailing tokens in turn {i + 1}")
            ok &= good
            turns_seen += 1
    print(f"render: {'identical' if ok else 'DIFFERENT'} over {turns_seen} turns")
    return ok


def greedy_jax(params, cfg, ids, n):
    # One padded shape so the forward pass compiles once; causal attention ignores the pad.
    width = 256
    fwd = jax.jit(lambda p, x, pos, seg: M.forward(p, cfg, x, pos, seg))
    pos = jnp.arange(width, dtype=jnp.int32)[None]
    seg = jnp.zeros((1, width), jnp.int32)
    out = []
    for _ in range(n):
        seq = ids + out
        x = jnp.array([seq + [0] * (width - len(seq))], jnp.int32)
        t = int(jnp.argmax(fwd(params, x, pos, seg)[0, len(seq) - 1]))
        if t == template.EOS:
            break
        out.append(t)
    return out


def check_greedy(a, sp, params, cfg, prompts):
    ok = True
    for p in prompts:
        ids = [template.BOS] + sp.encode(p)
        mine = sp.decode(greedy_jax(params, cfg, ids, 24))
        run = subprocess.run([a.ghostchat, "run", "-m", a.gguf, "--temp", "0", "--raw", "-n", "24", "-p", p],
                             capture_output=True, text=True)
        theirs = run.stdout.strip()
        same = mine.strip() == theirs
        ok &= same
        print(f"  {'same' if same else 'DIFFERENT'}: {p!r}\n    jax       {mine.strip()!r}\n    ghostchat {theirs!r}")
    print(f"greedy: {'agree' if ok else 'DISAGREE'}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--ghostchat", required=True)
    ap.add_argument("--strings", type=int, default=60)
    a = ap.parse_args()
    sp = spm.SentencePieceProcessor(model_file=a.tokenizer)
    with open(a.data) as f:
        dialogues = [json.loads(line) for _, line in zip(range(2000), f)]
    with open(f"{a.run}/config.json") as f:
        cfg = M.Config.from_json(f.read())
    params = M.load(f"{a.run}/ckpt.npz", cfg)
    ok = check_tokenizer(a, sp, dialogues, a.strings)
    ok &= check_render(a, sp, dialogues)
    prompts = ["[INST] <<SYS>>\nAlways answer with emojis.\n<</SYS>>\n\nDo you like pizza? [/INST]",
               "[INST] Tell me about Paris. [/INST]",
               "[INST] <<SYS>>\nAlways speak in French.\n<</SYS>>\n\nHello! [/INST]"]
    ok &= check_greedy(a, sp, params, cfg, prompts)
    print("all checks passed" if ok else "CHECKS FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
