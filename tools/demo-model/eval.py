"""Scores GAtt vs baseline through ghostchat's own session manager.

Each conversation is one `ghostchat chat --plain --no-store` process: the system message
comes from ghostchat's presets (or --system for terse forms), 25 held-out questions arrive on
stdin, and `/save` writes the transcript whose assistant messages are scored with
rules.check. `--log-context` records, per reply, how many exchanges ghostchat evicted.
Runs at the model's full context and at a small one (-c 256) where evictions happen and
only the pinned system turn keeps the constraint in view.

Usage: python eval.py --model gatt=work/gatt/q8_0.gguf --model baseline=work/baseline/q8_0.gguf \
           --ghostchat PATH --out work/eval [--seeds 3] [--jobs 2]
Writes OUT/results.json, OUT/table.md, OUT/adherence.png.
"""

import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import tempfile

import numpy as np

import content
import rules

TURNS = 25

# (label, ghostchat arguments, constraints). Full texts come from ghostchat's presets; the
# terse forms ("Figure: Napoleon.") are passed as --system text.
CONFIGS = [
    ("emoji", ["--system-preset", "emoji"], "emoji"),
    ("french", ["--system-preset", "french"], "french"),
    ("napoleon", ["--system-preset", "napoleon"], "napoleon"),
    ("shakespeare", ["--system-preset", "shakespeare"], "shakespeare"),
    ("tennis", ["--system-preset", "tennis"], "tennis"),
    ("chess", ["--system-preset", "chess"], "chess"),
    ("french+tennis", ["--system-preset", "french+tennis"], "tennis+french"),
    ("napoleon+emoji", ["--system-preset", "napoleon+emoji"], "napoleon+emoji"),
    ("shakespeare+french+chess", ["--system-preset", "shakespeare+french+chess"], "chess+french+shakespeare"),
    ("llama2-chat+emoji", ["--system-preset", "llama2-chat+emoji"], "emoji"),
    ("terse: Figure: Napoleon. Language: French.", ["--system", "Figure: Napoleon. Language: French."], "french+napoleon"),
    ("terse: Emojis only. Hobby: tennis.", ["--system", "Emojis only. Hobby: tennis."], "tennis+emoji"),
]
# No constraint: replies should be plain English (the demo without presets).
SANITY = [
    ("no system", [], "none"),
    ("llama2-chat", ["--system-preset", "llama2-chat"], "none"),
]


def questions(seed):
    rng = np.random.default_rng(10_000 + seed)
    return [content.sample_qa(rng, heldout=True)[0] for _ in range(TURNS)]


def converse(ghostchat, gguf, args, qs, seed, ctx):
    with tempfile.TemporaryDirectory() as tmp:
        save, log = os.path.join(tmp, "chat.json"), os.path.join(tmp, "ctx.jsonl")
        cmd = [ghostchat, "chat", "--plain", "--no-store", "-m", gguf, "--seed", str(seed), "-t", "1",
               "-n", "64", "--log-context", log] + args
        if ctx:
            cmd += ["-c", str(ctx)]
        stdin = "".join(q + "\n" for q in qs) + f"/save {save}\n"
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600)
        if p.returncode != 0 or not os.path.exists(save):
            raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr[-500:]}")
        with open(save) as f:
            msgs = json.load(f)["messages"]
        with open(log) as f:
            evicted = [json.loads(line)["evicted_turns"] for line in f]
    replies = [m["content"] for m in msgs if m["role"] == "assistant"]
    return replies, evicted, p.stderr.count("evicted the")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append", required=True, help="name=path.gguf")
    ap.add_argument("--ghostchat", required=True)
    ap.add_argument("--out", default="work/eval")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--small-ctx", type=int, default=256)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = dict(m.split("=", 1) for m in a.model)
    contexts = [("full", 0), (f"c{a.small_ctx}", a.small_ctx)]

    jobs = []
    for name, path in models.items():
        for ctx_name, ctx in contexts:
            for group, configs in (("constraint", CONFIGS), ("sanity", SANITY)):
                for label, args, constraints in configs:
                    for seed in range(a.seeds):
                        jobs.append(dict(model=name, ctx=ctx_name, group=group, config=label,
                                         constraints=constraints, seed=seed, args=args, path=path, c=ctx))
    with cf.ThreadPoolExecutor(a.jobs) as pool:
        futures = {pool.submit(converse, a.ghostchat, j["path"], j["args"], questions(j["seed"]), j["seed"] + 1, j["c"]): j for j in jobs}
        for n, fut in enumerate(cf.as_completed(futures)):
            j = futures[fut]
            j["replies"], j["evicted"], j["eviction_notices"] = fut.result()
            c = rules.Constraints.from_label(j["constraints"])
            j["questions"] = questions(j["seed"])
            j["checks"] = [rules.check(r, c) for r in j["replies"]]
            j["ok"] = [all(x.values()) for x in j["checks"]]
            if n % 10 == 0:
                print(f"{n + 1}/{len(jobs)} conversations", flush=True)
    for j in jobs:
        del j["path"], j["args"], j["c"]
    with open(f"{a.out}/results.json", "w") as f:
        json.dump(jobs, f, ensure_ascii=False, indent=1)
    summarize(jobs, list(models), [c for c, _ in contexts], a.out)


def per_turn(jobs, model, ctx, group):
    sel = [j for j in jobs if j["model"] == model and j["ctx"] == ctx and j["group"] == group]
    ok = np.array([j["ok"] + [False] * (TURNS - len(j["ok"])) for j in sel], float)
    return ok.mean(axis=0), len(sel)


def summarize(jobs, models, contexts, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lines = ["| model | context | turns 1–20 | turns 21–25 | turn 1 | turn 5 | turn 10 | turn 20 | turn 25 | chats | evictions (first at turn) | no-system English (1–20) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    fig, axes = plt.subplots(1, len(contexts), figsize=(5.5 * len(contexts), 4), sharey=True)
    for ax, ctx in zip(np.atleast_1d(axes), contexts):
        for model in models:
            curve, n = per_turn(jobs, model, ctx, "constraint")
            sanity, _ = per_turn(jobs, model, ctx, "sanity")
            sel = [j for j in jobs if j["model"] == model and j["ctx"] == ctx]
            evictions = sum(j["eviction_notices"] for j in sel)
            firsts = [next((i + 1 for i, e in enumerate(j["evicted"]) if e), None) for j in sel]
            firsts = [f for f in firsts if f]
            ev = f"{evictions} ({min(firsts)}–{max(firsts)})" if firsts else "0"
            lines.append(f"| {model} | {ctx} | {curve[:20].mean():.0%} | {curve[20:].mean():.0%} | " +
                         " | ".join(f"{curve[t - 1]:.0%}" for t in (1, 5, 10, 20, 25)) +
                         f" | {n} | {ev} | {sanity[:20].mean():.0%} |")
            ax.plot(range(1, TURNS + 1), curve * 100, marker="o", ms=3, label=f"{model}")
        ax.set_title(f"context: {'model (1024)' if ctx == 'full' else ctx.replace('c', '') + ' tokens (evicting)'}")
        ax.set_xlabel("turn")
        ax.set_ylim(-3, 103)
        ax.grid(alpha=0.3)
        ax.legend()
    np.atleast_1d(axes)[0].set_ylabel("replies keeping the system message's rules (%)")
    fig.suptitle("Ghost Attention in miniature: adherence per turn (system message only in turn 1)")
    fig.tight_layout()
    fig.savefig(f"{out}/adherence.png", dpi=110)

    per_config = ["", "| config | " + " | ".join(f"{m} {c}" for m in models for c in contexts) + " |",
                  "|---|" + "---|" * (len(models) * len(contexts))]
    for label, _, _ in CONFIGS + SANITY:
        row = []
        for m in models:
            for c in contexts:
                sel = [j for j in jobs if j["model"] == m and j["ctx"] == c and j["config"] == label]
                ok = [x for j in sel for x in j["ok"][:20]]
                row.append(f"{np.mean(ok):.0%}" if ok else "–")
        per_config.append(f"| {label} | " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n\nAdherence over turns 1–20 per system message:\n" + "\n".join(per_config) + "\n"
    with open(f"{out}/table.md", "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
