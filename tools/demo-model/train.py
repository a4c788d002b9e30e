"""Trains the demo model on one dialogue layout (gatt or baseline), loss on reply tokens.

Dialogues are packed into rows of `--seq` tokens; attention and positions restart at every
dialogue. Checkpoints (params + step) go to OUT/ckpt.npz every `--ckpt-every` steps and at
the end, so a usable model exists whenever the run is stopped. `--max-minutes` ends the run
early (recorded in OUT/train.json) if the machine is slower than planned.

Usage: python train.py --data work/data/gatt.jsonl --tokenizer work/tokenizer/demo.model \
           --out work/gatt --steps 900 --batch 4 --seq 1280 --seed 1
"""

import argparse
import json
import os
import time

import jax
import jax.numpy as jnp
import numpy as np
import sentencepiece as spm

import model as M
import template


def encode_all(sp, path, seq):
    out = []
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            ids, mask = template.render(sp, d["system"], d["turns"])
            # A dialogue longer than a row keeps its first whole turns.
            while len(ids) > seq + 1 and len(d["turns"]) > 1:
                d["turns"] = d["turns"][:-1]
                ids, mask = template.render(sp, d["system"], d["turns"])
            if len(ids) <= seq + 1:
                out.append((np.array(ids, np.int32), np.array(mask, np.int8)))
    return out


def batches(dialogues, batch, seq, rng):
    """Endless packed batches: x, y, loss mask, positions, segment ids, all [batch, seq]."""
    order, at = rng.permutation(len(dialogues)), 0
    while True:
        X = np.zeros((batch, seq + 1), np.int32)
        W = np.zeros((batch, seq + 1), np.float32)
        P = np.zeros((batch, seq + 1), np.int32)
        S = np.full((batch, seq + 1), -1, np.int32)
        for b in range(batch):
            fill, segment = 0, 0
            while True:
                if at == len(order):
                    order, at = rng.permutation(len(dialogues)), 0
                ids, mask = dialogues[order[at]]
                if fill + len(ids) > seq + 1:
                    if fill == 0:
                        at += 1
                        continue
                    break
                at += 1
                X[b, fill:fill + len(ids)] = ids
                W[b, fill:fill + len(ids)] = mask
                P[b, fill:fill + len(ids)] = np.arange(len(ids))
                S[b, fill:fill + len(ids)] = segment
                fill += len(ids)
                segment += 1
        yield X[:, :-1], X[:, 1:], W[:, 1:], P[:, :-1], S[:, :-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default=os.path.join(os.path.dirname(__file__), "config.json"))
    ap.add_argument("--steps", type=int, default=900)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=1280)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--init", help="start from these weights (a ckpt.npz) instead of random ones")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    sp = spm.SentencePieceProcessor(model_file=a.tokenizer)
    with open(a.config) as f:
        arch = json.load(f)
    cfg = M.Config(vocab=sp.get_piece_size(), context=a.seq, **arch)
    with open(f"{a.out}/config.json", "w") as f:
        f.write(cfg.to_json())

    t0 = time.time()
    dialogues = encode_all(sp, a.data, a.seq)
    print(f"{len(dialogues)} dialogues, {sum(len(d[0]) for d in dialogues)} tokens, encoded in {time.time() - t0:.0f}s", flush=True)
    params = M.load(a.init, cfg) if a.init else M.init_params(cfg, a.seed)
    print(f"{M.count_params(params)} parameters", flush=True)

    def loss_fn(p, x, y, w, pos, seg):
        logits = M.forward(p, cfg, x, pos, seg)
        logp = jax.nn.log_softmax(logits, axis=-1)
        nll = -jnp.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
        return jnp.sum(nll * w) / jnp.maximum(jnp.sum(w), 1.0)

    b1, b2, wd = 0.9, 0.95, 0.01

    def lr_at(step):
        warm = jnp.minimum(1.0, (step + 1) / a.warmup)
        prog = jnp.clip((step - a.warmup) / max(1, a.steps - a.warmup), 0.0, 1.0)
        return a.lr * warm * (0.1 + 0.9 * 0.5 * (1 + jnp.cos(jnp.pi * prog)))

    @jax.jit
    def train_step(p, m, v, step, x, y, w, pos, seg):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y, w, pos, seg)
        gnorm = jnp.sqrt(sum(jnp.sum(t * t) for t in jax.tree_util.tree_leaves(g)))
        scale = jnp.minimum(1.0, 1.0 / (gnorm + 1e-6))
        g = jax.tree_util.tree_map(lambda t: t * scale, g)
        m = jax.tree_util.tree_map(lambda a_, t: b1 * a_ + (1 - b1) * t, m, g)
        v = jax.tree_util.tree_map(lambda a_, t: b2 * a_ + (1 - b2) * t * t, v, g)
        lr = lr_at(step)
        t = step + 1.0

        def upd(pp, mm, vv):
            mh, vh = mm / (1 - b1 ** t), vv / (1 - b2 ** t)
            decay = wd * pp if pp.ndim == 2 else 0.0
            return pp - lr * (mh / (jnp.sqrt(vh) + 1e-8) + decay)

        p = jax.tree_util.tree_map(upd, p, m, v)
        return p, m, v, loss, gnorm

    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    rng = np.random.default_rng(a.seed)
    gen = batches(dialogues, a.batch, a.seq, rng)
    log = open(f"{a.out}/train.log", "a")
    start = time.time()
    step, stopped_early, avg = 0, False, None

    def checkpoint():
        M.save(params, f"{a.out}/ckpt.tmp.npz")
        os.replace(f"{a.out}/ckpt.tmp.npz", f"{a.out}/ckpt.npz")
        with open(f"{a.out}/train.json", "w") as f:
            json.dump({"init": a.init, "steps_done": step, "steps_planned": a.steps, "batch": a.batch, "seq": a.seq,
                       "lr": a.lr, "seed": a.seed, "minutes": (time.time() - start) / 60,
                       "loss": avg, "stopped_early": stopped_early}, f, indent=1)

    for step in range(a.steps):
        x, y, w, pos, seg = next(gen)
        params, m, v, loss, gnorm = train_step(params, m, v, jnp.float32(step), x, y, w, pos, seg)
        loss = float(loss)
        avg = loss if avg is None else 0.95 * avg + 0.05 * loss
        el = time.time() - start
        line = f"step {step + 1}/{a.steps} loss {loss:.4f} avg {avg:.4f} gnorm {float(gnorm):.2f} lr {float(lr_at(step)):.2e} elapsed {el:.0f}s"
        log.write(line + "\n")
        log.flush()
        if step % 10 == 0 or step == a.steps - 1:
            print(line, flush=True)
        if (step + 1) % a.ckpt_every == 0:
            step += 1
            checkpoint()
            step -= 1
        if a.max_minutes and el > a.max_minutes * 60 and step + 1 < a.steps:
            stopped_early = True
            print(f"time limit: stopping after {step + 1} steps", flush=True)
            break
    step += 1
    checkpoint()
    print(f"done: {step} steps in {(time.time() - start) / 60:.1f} min, loss {avg:.4f}", flush=True)


if __name__ == "__main__":
    main()
