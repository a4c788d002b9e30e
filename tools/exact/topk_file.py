"""Top-k logits files (`.topk`): what `ghostchat perplexity --kl-divergence-base FILE` writes and
reads, and what tools/exact writes for exact arithmetic. Sources/Llama/Evaluation/TopLogitsFile.swift
is the other implementation of this format; keep the two in step.

Layout, little-endian:
    8 bytes   b"GCTOPK01"
    u32       length of the JSON header, then the header (UTF-8):
              {"vocab": V, "ctx": N, "k": K, "tokens": [...], "meta": {...}}
    records   one per scored position, in order: chunk c = 0, 1, ...; position j = N/2 ... N-2
              (llama.cpp's perplexity positions), each
              f32 lse, f32 std, f32 target_logit, i32 ids[K], f32 logits[K] (logits descending)
where lse is the log-sum-exp of all V logits, std their standard deviation, and target_logit
the logit of the next token tokens[c*N + j + 1].
"""
import json
import struct

import numpy as np

MAGIC = b"GCTOPK01"


def record_dtype(k):
    return np.dtype([("lse", "<f4"), ("std", "<f4"), ("target", "<f4"), ("ids", "<i4", (k,)), ("logits", "<f4", (k,))])


def scored_positions(ctx):
    return range(ctx // 2, ctx - 1)


def chunks(tokens, ctx, bos):
    """llama.cpp's perplexity chunks: consecutive runs of ctx tokens, the first replaced by BOS when
    the vocabulary adds one (bos is None otherwise)."""
    out = []
    for c in range(len(tokens) // ctx):
        chunk = list(tokens[c * ctx:(c + 1) * ctx])
        if bos is not None:
            chunk[0] = bos
        out.append(chunk)
    return out


def records_for(logits, chunk, ctx, k):
    """The records of one chunk from its (ctx, V) logits in float64."""
    rows = []
    for j in scored_positions(ctx):
        row = np.asarray(logits[j], dtype=np.float64)
        top = np.argsort(-row, kind="stable")[:k]
        m = row.max()
        lse = m + np.log(np.exp(row - m).sum())
        rows.append((lse, row.std(), row[chunk[j + 1]], top.astype(np.int32), row[top]))
    return rows


def write(path, vocab, ctx, k, tokens, records, meta):
    header = json.dumps({"vocab": vocab, "ctx": ctx, "k": k, "tokens": [int(t) for t in tokens], "meta": meta}).encode()
    array = records if isinstance(records, np.ndarray) else np.array(records, dtype=record_dtype(k))
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<I", len(header)))
        f.write(header)
        f.write(array.tobytes())


def read(path):
    data = open(path, "rb").read()
    assert data[:8] == MAGIC, f"{path}: not a top-k logits file"
    (length,) = struct.unpack("<I", data[8:12])
    header = json.loads(data[12:12 + length])
    records = np.frombuffer(data[12 + length:], dtype=record_dtype(header["k"]))
    return header, records


def distance(base, rows, targets):
    """How far full logit rows (one per base record, with the target token of each) are from
    `base`, with the definitions ghostchat's `perplexity --kl-divergence` uses:
    - KLD per position over the base's top-k tokens plus one bucket for the rest of the
      vocabulary (a lower bound of the full KL divergence, equal to it when the top k hold all
      the mass);
    - same top token: the row's argmax equals base's top-1; counted also over the positions
      where base's margin (top-1 minus top-2 logit, over the std) is at least 0.15;
    - perplexity from lse - target logit, for base and for the rows, and the standard error of
      ln(ppl / ppl_base) from the per-position differences (as llama.cpp prints it)."""
    klds, nll, same, clear, clear_same = [], [], 0, 0, 0
    for b, row, target in zip(base, rows, targets):
        row = np.asarray(row, dtype=np.float64)
        m = row.max()
        lse = m + np.log(np.exp(row - m).sum())
        nll.append(lse - row[target])
        p = np.exp(b["logits"].astype(np.float64) - float(b["lse"]))
        q = np.exp(row[b["ids"]] - lse)
        kld = float(np.sum(p * (np.log(p) - np.log(q))))
        rest_p, rest_q = 1.0 - p.sum(), max(1.0 - q.sum(), 1e-30)
        if rest_p > 1e-12:
            kld += rest_p * (np.log(rest_p) - np.log(rest_q))
        klds.append(kld)
        top_equal = int(row.argmax()) == int(b["ids"][0])
        same += top_equal
        if (float(b["logits"][0]) - float(b["logits"][1])) / float(b["std"]) >= 0.15:
            clear += 1
            clear_same += top_equal
    klds = np.sort(np.array(klds))
    base_nll = base["lse"].astype(np.float64) - base["target"].astype(np.float64)
    difference = np.array(nll) - base_nll
    n = len(klds)
    p99_index = min(n - 1, int(np.ceil(0.99 * n)) - 1)
    return {"positions": n, "ppl_base": float(np.exp(base_nll.mean())), "ppl": float(np.exp(np.mean(nll))),
            "kld_mean": float(klds.mean()), "kld_p99": float(klds[p99_index]), "kld_max": float(klds[-1]),
            "same_top": same, "clear": clear, "clear_same_top": clear_same,
            # standard errors of ln(ppl / ppl_base) and of the mean KLD
            "ln_ppl_ratio_se": float(difference.std(ddof=1) / np.sqrt(n)), "kld_mean_se": float(klds.std(ddof=1) / np.sqrt(n))}
