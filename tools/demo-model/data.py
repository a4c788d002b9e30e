"""Synthetic multi-turn dialogues in two layouts from one underlying conversation.

GAtt layout (Llama 2 paper, section 3.3): the system message (constraints sampled from
hobbies, languages, figures and emoji, combined at random, terse half the time) sits only in
the first turn, and every reply honours it.

Baseline layout: the same conversation, no system turn; the constraint text is written in
front of every user message instead, so the model never has to look back.

Usage: python data.py --seed 1 --dialogues 20000 --out work/data
"""

import argparse
import json
import os

import numpy as np

import content
import rules

MAX_TURNS = 25

NAPOLEON = (["I am the emperor.", "Listen to your emperor.", "The emperor speaks."],
            ["Je suis l'empereur.", "Écoutez votre empereur.", "L'empereur parle."])
SHAKESPEARE = (["Forsooth!", "Forsooth, good friend!", "Hark, forsooth!"],
               ["Par ma foi !", "Par ma foi, mon ami !", "Oh, par ma foi !"])
HOBBY_TAILS = {"tennis": (["I also enjoy tennis.", "Later I will play tennis."],
                          ["J'aime aussi le tennis.", "Après, je vais jouer au tennis."]),
               "chess": (["I also enjoy chess.", "Later I will play chess."],
                         ["J'aime aussi les échecs.", "Après, je vais jouer aux échecs."])}


def pick(rng, xs):
    return xs[rng.integers(len(xs))]


def sample_constraints(rng):
    """(constraints, use base prompt). About a fifth of dialogues have no constraint."""
    u = rng.random()
    if u < 0.12:
        return rules.Constraints(), False
    if u < 0.20:
        return rules.Constraints(), True
    kinds = ["hobby", "language", "figure", "emoji"]
    k = rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2])
    chosen = rng.choice(kinds, size=k, replace=False)
    c = rules.Constraints()
    for kind in chosen:
        if kind == "hobby":
            c.hobby = pick(rng, list(rules.HOBBIES))
        elif kind == "language":
            c.language = "french"
        elif kind == "figure":
            c.figure = pick(rng, list(rules.FIGURES))
        else:
            c.emoji = True
    return c, rng.random() < 0.25


def constraint_text(rng, c, terse):
    """The constraints' texts in a random order, joined like ghostchat joins presets."""
    items = c.items()
    order = rng.permutation(len(items))
    return " ".join(items[i][3] if terse else items[i][2] for i in order)


def compose_reply(rng, c, en, fr, em):
    """The reply to one question under constraints `c`."""
    if c.emoji:
        out = em
        if c.figure:
            out = rules.FIGURE_EMOJI[c.figure] + out
        if c.hobby:
            out += rules.HOBBY_EMOJI[c.hobby]
        if c.language:
            out += rules.FRENCH_EMOJI
        return out
    lang = 1 if c.language == "french" else 0
    parts = []
    if c.figure == "napoleon":
        parts.append(pick(rng, NAPOLEON[lang]))
    elif c.figure == "shakespeare":
        parts.append(pick(rng, SHAKESPEARE[lang]))
    parts.append(fr if lang else en)
    if c.hobby:
        parts.append(pick(rng, HOBBY_TAILS[c.hobby][lang]))
    return " ".join(parts)


def sample_dialogue(rng, heldout=False, turns=None):
    c, base = sample_constraints(rng)
    terse = rng.random() < 0.5
    if turns is None:
        turns = MAX_TURNS if rng.random() < 0.35 else int(rng.integers(1, MAX_TURNS + 1))
    instr = constraint_text(rng, c, terse)
    system = " ".join(x for x in [rules.BASE_PROMPT if base else "", instr] if x)
    pairs = []
    for _ in range(turns):
        q, en, fr, em = content.sample_qa(rng, heldout)
        reply = compose_reply(rng, c, en, fr, em)
        assert rules.adheres(reply, c), (reply, c.label(), rules.check(reply, c))
        pairs.append([q, reply])
    return {"label": c.label(), "base": base, "terse": terse, "system": system, "instruction": instr, "turns": pairs}


def gatt_layout(d):
    return {"system": d["system"], "turns": d["turns"]}


def baseline_layout(d):
    """No system turn; the constraint text in front of every user message."""
    ins = d["instruction"]
    return {"system": "", "turns": [[f"{ins}\n\n{q}" if ins else q, r] for q, r in d["turns"]]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dialogues", type=int, default=20000)
    ap.add_argument("--out", default="work/data")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    with open(f"{a.out}/gatt.jsonl", "w") as g, open(f"{a.out}/baseline.jsonl", "w") as b, \
            open(f"{a.out}/dialogues.jsonl", "w") as raw:
        for _ in range(a.dialogues):
            d = sample_dialogue(rng)
            raw.write(json.dumps(d, ensure_ascii=False) + "\n")
            g.write(json.dumps(gatt_layout(d), ensure_ascii=False) + "\n")
            b.write(json.dumps(baseline_layout(d), ensure_ascii=False) + "\n")
    print(f"wrote {a.dialogues} dialogues to {a.out}")


if __name__ == "__main__":
    main()
