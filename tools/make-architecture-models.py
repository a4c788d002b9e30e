#!/usr/bin/env python3
"""Writes the small random-weight models, one per architecture family, that the architecture
tests run (Tests/LlamaTests/Fixtures/architectures/), and their exact-arithmetic fixtures.

Each family gets the structure of a real model at a size CI can afford: 2 layers, width 256,
the family's head layout, norms, biases and rope, and a 512-token SentencePiece vocabulary (the
first 512 pieces of Llama 2's, bytes included). Written as F16 (norms and biases F32), then
quantized by llama.cpp's own quantizer (Q4_K_M; the Llama 3 shape to every type in QUANTIZED). For every file, tools/exact/make-fixtures.py
records exact arithmetic's top logits on essay.txt and the distance of two llama.cpp builds, and
../shared/fixtures/make/reference.py records llama.cpp's outputs for the three fixture prompts
(greedy continuations with their margins; the layout of the shared `*.ref.json` files).

    V512=…/venv512/bin/python V2=…/venv-avx2/bin/python tools/make-architecture-models.py [FAMILY…]

(V512 / V2: llama-cpp-python 0.3.36 built for AVX-512 and for AVX2; see tools/exact/README.md.)
"""
import math
import os
import subprocess
import sys

import numpy as np
import gguf

from llama_vocab import add_vocabulary, read_vocabulary

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.environ.get("GHOSTCHAT_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures"))
OUT = os.path.join(ROOT, "Tests", "LlamaTests", "Fixtures", "architectures")
VOCAB = 512

# family: the random seed (fixed per family, so one family rewritten alone comes out the same),
# architecture, what it is shaped after, heads, kv heads, head width, ffn, rope base, eps, extras
FAMILIES = {
    "llama3": dict(seed=1, arch="llama", after="Llama 3.2 1B: GQA, rope base 500 000 with Llama 3.1 rope scaling (rope_freqs)",
                   heads=4, kv=2, head=64, ffn=512, base=500000.0, eps=1e-5, rope_freqs=True, tied=True),
    "qwen2": dict(seed=2, arch="qwen2", after="Qwen 2.5 0.5B: QKV biases, neox rope, base 1e6, tied embeddings",
                  heads=4, kv=2, head=64, ffn=512, base=1000000.0, eps=1e-6, qkv_bias=True, tied=True),
    "qwen3": dict(seed=3, arch="qwen3", after="Qwen3 0.6B: QK norm, neox rope, heads wider than the model (4 × 128 > 256)",
                  heads=4, kv=2, head=128, ffn=512, base=1000000.0, eps=1e-6, qk_norm=True, tied=True),
    "phi3": dict(seed=1, arch="phi3", after="Phi-3 mini: fused QKV and gate/up tensors, neox rope, separate output",
                 heads=4, kv=4, head=64, ffn=512, base=10000.0, eps=1e-5, fused=True, tied=False,
                 special_tokens=["<|end|>", "<|endoftext|>"]),
    "gemma3": dict(seed=1, arch="gemma3", after="Gemma 3 270M: embedding scale, QK norm, post-norms, GELU-tanh, 5 sliding-window layers "
                   "(rope base 10 000) to 1 global (base 1e6, linear scaling 8)", layers=6, window=32, scaling=8.0,
                   heads=4, kv=1, head=64, ffn=256, base=1000000.0, eps=1e-6, qk_norm=True, post_norms=True,
                   # Untied, unlike the real one: with random weights the scaled input embedding dominates
                   # the residual stream, and a tied unembedding would just predict the input token.
                   tied=False,
                   special_tokens=["<end_of_turn>", "<start_of_turn>"]),
    "falcon": dict(seed=1, arch="falcon", after="Falcon 7B: parallel attention and MLP on one LayerNorm (with bias), multi-query "
                   "attention, fused QKV, ungated GELU MLP", heads=4, kv=1, head=64, ffn=512, base=10000.0, eps=1e-5,
                   layer_norm=True, fused=True, ungated=True, parallel=True, tied=False),
    "mpt": dict(seed=1, arch="mpt", after="MPT 7B: ALiBi instead of rope (max bias 8), LayerNorm without bias, fused QKV clipped "
                "to ±clamp_kqv, ungated GELU MLP, tied embeddings", heads=4, kv=4, head=64, ffn=512, base=10000.0, eps=1e-5,
                layer_norm=True, norm_bias=False, fused=True, ungated=True, tied=True, alibi=8.0, clamp=6.0),
}
DIM, LAYERS, CTX = 256, 2, 512


def llama3_rope_factors(head, base, factor=32.0, low=1.0, high=4.0, original=8192):
    """The divisors Llama 3.1's converter writes as rope_freqs.weight."""
    factors = []
    for i in range(0, head, 2):
        wavelength = 2 * math.pi * base ** (i / head)
        if wavelength < original / high:
            factors.append(1.0)
        elif wavelength > original / low:
            factors.append(factor)
        else:
            smooth = (original / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def write(name, spec, path, seed):
    tokens, scores, types = read_vocabulary(os.path.join(FIXTURES, "llama2-vocab.gguf"), VOCAB)
    for index, piece in enumerate(spec.get("special_tokens", [])):
        # llama.cpp looks some families' end tokens up by name (Phi-3: <|end|>).
        tokens[VOCAB - 1 - index], types[VOCAB - 1 - index], scores[VOCAB - 1 - index] = piece, 3, 0.0
    arch, heads, kv, head, ffn = spec["arch"], spec["heads"], spec["kv"], spec["head"], spec["ffn"]
    w = gguf.GGUFWriter(path, arch)
    w.add_name(f"random {name} ({spec['after']})")
    w.add_context_length(CTX)
    w.add_embedding_length(DIM)
    layers = spec.get("layers", LAYERS)
    w.add_block_count(layers)
    if "window" in spec:
        w.add_sliding_window(spec["window"])
    if "alibi" in spec:
        w.add_max_alibi_bias(spec["alibi"])
    if "clamp" in spec:
        w.add_clamp_kqv(spec["clamp"])
    if "scaling" in spec:
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(spec["scaling"])
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_key_length(head)
    w.add_value_length(head)
    if spec.get("layer_norm"):
        w.add_layer_norm_eps(spec["eps"])
    else:
        w.add_layer_norm_rms_eps(spec["eps"])
    w.add_rope_freq_base(spec["base"])
    w.add_rope_dimension_count(head)
    w.add_vocab_size(VOCAB)
    w.add_file_type(1)
    add_vocabulary(w, tokens, scores, types)

    rng = np.random.default_rng(seed)

    def matrix(rows, cols, scale=1.0):
        return (scale * rng.standard_normal((rows, cols), dtype=np.float32) / np.sqrt(cols)).astype(np.float16)

    def norm(n):
        return (1.0 + 0.2 * rng.standard_normal(n)).astype(np.float32)

    def add_norm(name, n):
        w.add_tensor(name + ".weight", norm(n))
        if spec.get("layer_norm") and spec.get("norm_bias", True):
            w.add_tensor(name + ".bias", (0.2 * rng.standard_normal(n)).astype(np.float32))

    # Element std 0.15: a (tied) unembedding then gives logits of std ≈ 2.4, a real model's spread.
    w.add_tensor("token_embd.weight", matrix(VOCAB, DIM, scale=0.15 * np.sqrt(DIM)))
    if spec.get("rope_freqs"):
        w.add_tensor("rope_freqs.weight", llama3_rope_factors(head, spec["base"]))
    for i in range(layers):
        p = f"blk.{i}."
        add_norm(p + "attn_norm", DIM)
        if spec.get("fused"):
            w.add_tensor(p + "attn_qkv.weight", matrix((heads + 2 * kv) * head, DIM))
        else:
            w.add_tensor(p + "attn_q.weight", matrix(heads * head, DIM))
            w.add_tensor(p + "attn_k.weight", matrix(kv * head, DIM))
            w.add_tensor(p + "attn_v.weight", matrix(kv * head, DIM))
        if spec.get("qkv_bias"):
            w.add_tensor(p + "attn_q.bias", (0.5 * rng.standard_normal(heads * head)).astype(np.float32))
            w.add_tensor(p + "attn_k.bias", (0.5 * rng.standard_normal(kv * head)).astype(np.float32))
            w.add_tensor(p + "attn_v.bias", (0.5 * rng.standard_normal(kv * head)).astype(np.float32))
        if spec.get("qk_norm"):
            w.add_tensor(p + "attn_q_norm.weight", norm(head))
            w.add_tensor(p + "attn_k_norm.weight", norm(head))
        w.add_tensor(p + "attn_output.weight", matrix(DIM, heads * head))
        if spec.get("post_norms"):
            w.add_tensor(p + "post_attention_norm.weight", norm(DIM))
            w.add_tensor(p + "post_ffw_norm.weight", norm(DIM))
        if not spec.get("parallel"):
            add_norm(p + "ffn_norm", DIM)
        if spec.get("ungated"):
            w.add_tensor(p + "ffn_up.weight", matrix(ffn, DIM))
        elif spec.get("fused"):
            w.add_tensor(p + "ffn_up.weight", matrix(2 * ffn, DIM))
        else:
            w.add_tensor(p + "ffn_gate.weight", matrix(ffn, DIM))
            w.add_tensor(p + "ffn_up.weight", matrix(ffn, DIM))
        w.add_tensor(p + "ffn_down.weight", matrix(DIM, ffn))
    add_norm("output_norm", DIM)
    if not spec.get("tied"):
        w.add_tensor("output.weight", matrix(VOCAB, DIM, scale=0.15 * np.sqrt(DIM)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# Every family is quantized to Q4_K_M; the Llama 3 shape also to each of the other types the
# engine reads, so every block type is checked against llama.cpp on a whole model.
QUANTIZED = {"llama3": ["Q4_K_M", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_M", "IQ4_NL"]}


def main():
    """Arguments: FAMILY (F16 and all its quantized files) or FAMILY:TYPE (that one quantized
    file from the F16 already written; the F16 writer is deterministic either way)."""
    v512, v2 = os.environ["V512"], os.environ["V2"]
    os.makedirs(OUT, exist_ok=True)
    essay = os.path.join(FIXTURES, "essay.txt")
    for argument in sys.argv[1:] or FAMILIES:
        name, _, only = argument.partition(":")
        f16 = os.path.join(OUT, f"{name}-f16.gguf")
        models = []
        if not only or not os.path.exists(f16):
            write(name, FAMILIES[name], f16, FAMILIES[name]["seed"])
        if not only:
            models.append(f16)
        for kind in [only.upper()] if only else QUANTIZED.get(name, ["Q4_K_M"]):
            quantized = os.path.join(OUT, f"{name}-{kind.lower()}.gguf")
            subprocess.run([v512, os.path.join(HERE, "quantize-with-llamacpp.py"), f16, quantized, kind], check=True)
            models.append(quantized)
        for model in models:
            subprocess.run([v512, os.path.join(FIXTURES, "make", "reference.py"), model, model.replace(".gguf", ".ref.json"),
                            "--prompts", os.path.join(FIXTURES, "prompts.json"), "--text", essay], check=True)
            fixture = model.replace(".gguf", "-essay.topk")
            for python, extra in ((v512, []), (v2, ["--add"])):
                subprocess.run([python, os.path.join(HERE, "exact", "make-fixtures.py"), *extra, model, essay, "128", fixture], check=True)


if __name__ == "__main__":
    main()
