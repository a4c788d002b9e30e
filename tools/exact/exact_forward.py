#!/usr/bin/env python3
"""The forward pass in exact arithmetic: the executable specification of what ghostchat computes.

Weights are dequantized from the GGUF file (with `gguf`'s reference dequantizers) and everything
after that is float64: no activation quantization, no f16 KV cache, no fused kernels. ghostchat
and llama.cpp both approximate this; the one closer to it is the more correct.

One readable function per architecture, registered in ARCHITECTURES by `general.architecture`.

    python tools/exact/exact_forward.py MODEL.gguf 1 415 2 ...     # prints the argmax per position

Needs numpy and gguf (../shared/tools/setup-llamacpp.sh makes a venv with both).
"""
import sys
from dataclasses import dataclass

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


@dataclass
class Config:
    architecture: str
    dim: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int
    vocab: int
    rope_base: float
    rope_dims: int
    norm_eps: float


class Model:
    """A GGUF file's metadata as a Config and its tensors as float64 arrays (rows = outputs)."""

    def __init__(self, path):
        self.reader = GGUFReader(path)
        self.fields = {name: field for name, field in self.reader.fields.items()}
        self.tensors = {t.name: t for t in self.reader.tensors}
        self._cache = {}
        arch = self.value("general.architecture")
        dim = int(self.value(f"{arch}.embedding_length"))
        heads = int(self.value(f"{arch}.attention.head_count"))
        head_dim = dim // heads
        vocab = len(self.fields["tokenizer.ggml.tokens"].contents())
        self.config = Config(
            architecture=arch, dim=dim, layers=int(self.value(f"{arch}.block_count")), heads=heads,
            kv_heads=int(self.value(f"{arch}.attention.head_count_kv", heads)), head_dim=head_dim,
            ffn=int(self.value(f"{arch}.feed_forward_length")), vocab=vocab,
            rope_base=float(self.value(f"{arch}.rope.freq_base", 10000.0)),
            rope_dims=int(self.value(f"{arch}.rope.dimension_count", head_dim)),
            norm_eps=float(self.value(f"{arch}.attention.layer_norm_rms_epsilon", 1e-5)))

    def value(self, key, default=None):
        field = self.fields.get(key)
        return default if field is None else field.contents()

    def has(self, name):
        return name in self.tensors

    def weight(self, name):
        """The tensor in float64, numpy order: (rows, columns) = (ne1, ne0)."""
        if name not in self._cache:
            t = self.tensors[name]
            values = dequantize(t.data, t.tensor_type).astype(np.float64)
            self._cache[name] = values.reshape([int(n) for n in reversed(t.shape)])
        return self._cache[name]


# ---- building blocks -------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def silu(x):
    return x / (1.0 + np.exp(-x))


def rope_adjacent(x, positions, base, dims):
    """Rotary embedding on pairs (2i, 2i+1) of the first `dims` features of every head
    (llama.cpp's "norm" rope; the converter permutes Llama's Q/K rows to match). x: (T, H, D)."""
    half = dims // 2
    theta = positions[:, None] * base ** (-2.0 * np.arange(half) / dims)      # (T, half)
    cos, sin = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]
    even, odd = x[..., 0:dims:2], x[..., 1:dims:2]
    out = x.copy()
    out[..., 0:dims:2] = even * cos - odd * sin
    out[..., 1:dims:2] = even * sin + odd * cos
    return out


def causal_attention(q, k, v):
    """Softmax attention of every query over the keys at its position and before.
    q: (T, H, D); k, v: (T, H_kv, D). Query head h reads key/value head h // (H / H_kv)."""
    group = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
    scores = np.einsum("thd,shd->hts", q, k) / np.sqrt(q.shape[2])
    t = q.shape[0]
    scores = np.where(np.tril(np.ones((t, t), dtype=bool))[None], scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    return np.einsum("hts,shd->thd", probs, v)


# ---- architectures ---------------------------------------------------------------------------

def llama(model, tokens, on_layer=None):
    """Llama 1/2/3, Mistral, SmolLM2, TinyLlama: pre-norm blocks, rotary attention with grouped
    KV heads, SwiGLU feed-forward, optional tied output. Returns logits (T, vocab)."""
    c = model.config
    w = model.weight
    t = len(tokens)
    positions = np.arange(t, dtype=np.float64)
    x = w("token_embd.weight")[np.asarray(tokens)]
    for layer in range(c.layers):
        p = f"blk.{layer}."
        h = rms_norm(x, w(p + "attn_norm.weight"), c.norm_eps)
        q = (h @ w(p + "attn_q.weight").T).reshape(t, c.heads, c.head_dim)
        k = (h @ w(p + "attn_k.weight").T).reshape(t, c.kv_heads, c.head_dim)
        v = (h @ w(p + "attn_v.weight").T).reshape(t, c.kv_heads, c.head_dim)
        q = rope_adjacent(q, positions, c.rope_base, c.rope_dims)
        k = rope_adjacent(k, positions, c.rope_base, c.rope_dims)
        attended = causal_attention(q, k, v).reshape(t, c.heads * c.head_dim)
        x = x + attended @ w(p + "attn_output.weight").T

        h = rms_norm(x, w(p + "ffn_norm.weight"), c.norm_eps)
        gated = silu(h @ w(p + "ffn_gate.weight").T) * (h @ w(p + "ffn_up.weight").T)
        x = x + gated @ w(p + "ffn_down.weight").T
        if on_layer:
            on_layer(layer, x)
    x = rms_norm(x, w("output_norm.weight"), c.norm_eps)
    output = w("output.weight") if model.has("output.weight") else w("token_embd.weight")
    return x @ output.T


ARCHITECTURES = {"llama": llama}


def forward(model, tokens, on_layer=None):
    """Logits (T, vocab) in float64 for `tokens` evaluated from an empty context."""
    arch = model.config.architecture
    if arch not in ARCHITECTURES:
        raise SystemExit(f"exact_forward: no exact forward pass for architecture '{arch}' yet")
    return ARCHITECTURES[arch](model, tokens, on_layer)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    logits = forward(Model(sys.argv[1]), [int(a) for a in sys.argv[2:]])
    print(" ".join(str(int(i)) for i in logits.argmax(axis=1)))
