#!/usr/bin/env python3
"""Where does ghostchat drift? Compares its hidden state after every layer with the float64 pass.

    ghostchat run -m MODEL.gguf -p "some prompt" -n 0 --dump-layers /tmp/layers [--kernels avx2]
    VENV/bin/python tools/exact/compare-layers.py MODEL.gguf /tmp/layers

Prints, per layer, the relative RMS error ||ghostchat - exact|| / ||exact|| over all positions and
the worst position's. A kernel bug shows as a jump at one layer; quantization noise grows smoothly.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exact_forward import Model, forward  # noqa: E402


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    model, directory = Model(sys.argv[1]), sys.argv[2]
    tokens = json.load(open(os.path.join(directory, "tokens.json")))
    exact = {}
    forward(model, tokens, on_layer=lambda layer, x: exact.__setitem__(layer, x.copy()))
    dim = model.config.dim
    print(f"{len(tokens)} tokens, {len(exact)} layers; relative RMS error of the hidden state")
    print("layer   all positions   worst position")
    for layer in sorted(exact):
        path = os.path.join(directory, f"layer-{layer:02d}.f32")
        ours = np.fromfile(path, dtype="<f4").astype(np.float64).reshape(len(tokens), dim)
        want = exact[layer]
        total = np.linalg.norm(ours - want) / np.linalg.norm(want)
        per_position = np.linalg.norm(ours - want, axis=1) / np.linalg.norm(want, axis=1)
        print(f"{layer:5d}   {total:13.6f}   {per_position.max():.6f} (position {per_position.argmax()})")


if __name__ == "__main__":
    main()
