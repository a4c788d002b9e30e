#!/usr/bin/env python3
"""Write a random-weight Llama-architecture GGUF (F16 matrices, F32 norms) of a real shape.

The vocabulary, scores and token types come from a vocabulary GGUF (by default the Llama 2
vocabulary in ../shared/fixtures), so the model tokenizes like the real thing. Weights are
streamed to disk one tensor at a time, so a 7B-shape file needs little memory.

    python3 tools/make-random-model.py --shape tinyllama-1.1b -o /tmp/tinyllama-f16.gguf
    python3 tools/make-random-model.py --shape llama2-7b -o /tmp/llama2-7b-f16.gguf

Needs numpy and the `gguf` package from PyPI.
"""
import argparse
import os

import numpy as np
import gguf

from llama_vocab import add_vocabulary, read_vocabulary

SHAPES = {
    # dim, layers, heads, kv heads, ffn, context
    "tinyllama-1.1b": (2048, 22, 32, 4, 5632, 2048),
    "llama2-7b": (4096, 32, 32, 32, 11008, 4096),
    "mistral-7b": (4096, 32, 32, 8, 14336, 4096),
    "tiny": (256, 2, 4, 2, 768, 512),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="tinyllama-1.1b")
    parser.add_argument("--vocab", default=os.path.join(here, "..", "..", "shared", "fixtures", "llama2-vocab.gguf"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()

    dim, layers, heads, kv_heads, ffn, ctx = SHAPES[args.shape]
    head_dim = dim // heads
    tokens, scores, types = read_vocabulary(args.vocab)
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(args.output, "llama")
    w.add_name(f"random-{args.shape}")
    w.add_context_length(ctx)
    w.add_embedding_length(dim)
    w.add_block_count(layers)
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_rope_dimension_count(head_dim)
    w.add_vocab_size(n_vocab)
    w.add_file_type(1)
    add_vocabulary(w, tokens, scores, types)

    # (name, numpy shape (rows, cols), dtype)
    plan = [("token_embd.weight", (n_vocab, dim), np.float16)]
    for i in range(layers):
        p = f"blk.{i}."
        plan += [
            (p + "attn_norm.weight", (dim,), np.float32),
            (p + "attn_q.weight", (heads * head_dim, dim), np.float16),
            (p + "attn_k.weight", (kv_heads * head_dim, dim), np.float16),
            (p + "attn_v.weight", (kv_heads * head_dim, dim), np.float16),
            (p + "attn_output.weight", (dim, heads * head_dim), np.float16),
            (p + "ffn_norm.weight", (dim,), np.float32),
            (p + "ffn_gate.weight", (ffn, dim), np.float16),
            (p + "ffn_up.weight", (ffn, dim), np.float16),
            (p + "ffn_down.weight", (dim, ffn), np.float16),
        ]
    plan += [("output_norm.weight", (dim,), np.float32), ("output.weight", (n_vocab, dim), np.float16)]

    for name, shape, dtype in plan:
        w.add_tensor_info(name, shape, np.dtype(dtype), int(np.prod(shape)) * np.dtype(dtype).itemsize)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()

    rng = np.random.default_rng(args.seed)
    for name, shape, dtype in plan:
        if len(shape) == 1:
            data = (1.0 + 0.1 * rng.standard_normal(shape)).astype(dtype)
        else:
            data = (rng.standard_normal(shape, dtype=np.float32) / np.sqrt(shape[1])).astype(dtype)
        w.write_tensor_data(data)
    w.close()
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 2**30:.2f} GiB)")


if __name__ == "__main__":
    main()
