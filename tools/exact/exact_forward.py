#!/usr/bin/env python3
"""The forward pass in exact arithmetic: the executable specification of what ghostchat computes.

Weights are dequantized from the GGUF file (with `gguf`'s reference dequantizers) and everything
after that is float64: no activation quantization, no f16 KV cache, no fused kernels. ghostchat
and llama.cpp both approximate this; the one closer to it is the more correct.

Architectures are a table of names and features (FEATURES, as ghostchat's and llama.cpp's
architecture tables), read by one decoder loop; a family whose structure truly differs gets a
function of its own in ARCHITECTURES.

    python tools/exact/exact_forward.py MODEL.gguf 1 415 2 ...     # prints the argmax per position

Needs numpy and gguf (../shared/tools/setup-llamacpp.sh makes a venv with both).
"""
import sys
from dataclasses import dataclass

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


@dataclass(frozen=True)
class Features:
    """What a family's blocks contain beyond Llama's."""
    rope: str = "norm"          # "norm": rotate pairs (2i, 2i+1); "neox": pairs (i, i + d/2)
    qkv_bias: bool = False      # Qwen 2: biases on the Q, K and V projections
    qk_norm: bool = False       # Qwen 3: RMS norm over each head of Q and K, before rope
    fused_qkv: bool = False     # Phi-3: attn_qkv.weight holds Q, K, V rows in that order
    fused_gate_up: bool = False # Phi-3: ffn_up.weight holds the gate rows, then the up rows
    embed_scale: bool = False   # Gemma: embeddings times sqrt(dim)
    post_norms: bool = False    # Gemma 2/3: RMS norm on each block's output before the residual add
    activation: str = "silu"    # "gelu_tanh": Gemma's GELU (tanh approximation) on the gate
    swa_pattern: int = 0        # Gemma 3: of every n layers the first n-1 attend within a sliding window
    swa_rope_base: float = 0.0  # ... and rotate with this base instead of rope.freq_base
    norm: str = "rms"           # "layer": LayerNorm with bias (Falcon)
    parallel: bool = False      # Falcon: attention and feed-forward both read norm(x), both add to x
    gated: bool = True          # False: up → activation → down, no gate (Falcon, MPT)
    alibi: bool = False         # MPT: no rope; attention scores get −slope(head)·distance (ALiBi)


FEATURES = {
    "llama": Features(),
    "mistral": Features(),
    "qwen2": Features(rope="neox", qkv_bias=True),
    "qwen3": Features(rope="neox", qk_norm=True),
    "phi3": Features(rope="neox", fused_qkv=True, fused_gate_up=True),
    "gemma3": Features(rope="neox", qk_norm=True, embed_scale=True, post_norms=True, activation="gelu_tanh",
                       swa_pattern=6, swa_rope_base=10000.0),
    "falcon": Features(rope="neox", fused_qkv=True, activation="gelu_tanh", norm="layer", parallel=True, gated=False),
    "mpt": Features(rope="none", fused_qkv=True, activation="gelu_tanh", norm="layer", gated=False, alibi=True),
}


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
    rope_scale: float = 1.0
    window: int = 0
    max_alibi_bias: float = 0.0
    clamp_kqv: float = 0.0


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
        head_dim = int(self.value(f"{arch}.attention.key_length", dim // heads))
        vocab = len(self.fields["tokenizer.ggml.tokens"].contents())
        self.config = Config(
            architecture=arch, dim=dim, layers=int(self.value(f"{arch}.block_count")), heads=heads,
            kv_heads=int(self.value(f"{arch}.attention.head_count_kv", heads)), head_dim=head_dim,
            ffn=int(self.value(f"{arch}.feed_forward_length")), vocab=vocab,
            rope_base=float(self.value(f"{arch}.rope.freq_base", 10000.0)),
            rope_dims=int(self.value(f"{arch}.rope.dimension_count", head_dim)),
            norm_eps=float(self.value(f"{arch}.attention.layer_norm_rms_epsilon",
                                      self.value(f"{arch}.attention.layer_norm_epsilon", 1e-5))),
            rope_scale=1.0 / float(self.value(f"{arch}.rope.scaling.factor", 1.0)),
            window=int(self.value(f"{arch}.attention.sliding_window", 0)),
            max_alibi_bias=float(self.value(f"{arch}.attention.max_alibi_bias", 0.0)),
            clamp_kqv=float(self.value(f"{arch}.attention.clamp_kqv", 0.0)))

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


def layer_norm(x, weight, bias, eps):
    centered = x - x.mean(axis=-1, keepdims=True)
    return centered / np.sqrt(np.mean(centered * centered, axis=-1, keepdims=True) + eps) * weight + bias


def silu(x):
    return x / (1.0 + np.exp(-x))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def rope(x, positions, base, dims, style, factors=None, scale=1.0):
    """Rotary embedding of the first `dims` features of every head. x: (T, H, D).
    Pair i turns by position * base^(-2i/dims) / factors[i] (factors: Llama 3.1's
    `rope_freqs.weight`). "norm" pairs features (2i, 2i+1) (llama.cpp's default; the converter
    permutes Llama's Q/K rows to match), "neox" pairs (i, i + dims/2) (Qwen, Gemma, Phi-3)."""
    half = dims // 2
    inverse = base ** (-2.0 * np.arange(half) / dims)
    if factors is not None:
        inverse = inverse / factors
    theta = scale * positions[:, None] * inverse                               # (T, half)
    cos, sin = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]
    first, second = (slice(0, dims, 2), slice(1, dims, 2)) if style == "norm" else (slice(0, half), slice(half, dims))
    a, b = x[..., first], x[..., second]
    out = x.copy()
    out[..., first] = a * cos - b * sin
    out[..., second] = a * sin + b * cos
    return out


def alibi_slopes(heads, max_bias):
    """ALiBi's per-head slopes, as llama.cpp computes them for any head count."""
    n = 2 ** int(np.floor(np.log2(heads)))
    m0, m1 = 2.0 ** (-max_bias / n), 2.0 ** (-max_bias / 2.0 / n)
    return np.array([m0 ** (h + 1) if h < n else m1 ** (2 * (h - n) + 1) for h in range(heads)])


def causal_attention(q, k, v, window=0, slopes=None):
    """Softmax attention of every query over the keys at its position and before (only the
    last `window` positions, itself included, when window > 0), minus slope · distance per
    head when ALiBi `slopes` are given.
    q: (T, H, D); k, v: (T, H_kv, D). Query head h reads key/value head h // (H / H_kv)."""
    group = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
    scores = np.einsum("thd,shd->hts", q, k) / np.sqrt(q.shape[2])
    t = q.shape[0]
    allowed = np.tril(np.ones((t, t), dtype=bool))
    if window > 0:
        allowed &= ~np.tril(np.ones((t, t), dtype=bool), -window)
    if slopes is not None:
        distance = np.arange(t)[:, None] - np.arange(t)[None, :]
        scores = scores - slopes[:, None, None] * distance[None]
    scores = np.where(allowed[None], scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    return np.einsum("hts,shd->thd", probs, v)


# ---- architectures ---------------------------------------------------------------------------

def decoder(model, tokens, on_layer=None):
    """Llama-style decoder (Llama 1/2/3, Mistral, SmolLM2, TinyLlama, Qwen 2/2.5/3, Phi-3, Gemma 3, Falcon, MPT): pre-norm
    blocks, rotary attention with grouped KV heads, SwiGLU feed-forward, optional tied output;
    the family's Features switch its extras on. Returns logits (T, vocab)."""
    c = model.config
    f = FEATURES[c.architecture]
    w = model.weight
    t = len(tokens)
    positions = np.arange(t, dtype=np.float64)
    factors = w("rope_freqs.weight") if model.has("rope_freqs.weight") else None
    def norm(x, name):
        if f.norm == "layer":
            bias = w(name + ".bias") if model.has(name + ".bias") else 0.0
            return layer_norm(x, w(name + ".weight"), bias, c.norm_eps)
        return rms_norm(x, w(name + ".weight"), c.norm_eps)

    x = w("token_embd.weight")[np.asarray(tokens)]
    if f.embed_scale:
        x = x * np.sqrt(c.dim)
    for layer in range(c.layers):
        p = f"blk.{layer}."
        local = f.swa_pattern > 0 and layer % f.swa_pattern < f.swa_pattern - 1
        base, scale = (f.swa_rope_base, 1.0) if local else (c.rope_base, c.rope_scale)
        h = norm(x, p + "attn_norm")
        if f.fused_qkv:
            qkv = h @ w(p + "attn_qkv.weight").T
            if c.clamp_kqv > 0:
                qkv = np.clip(qkv, -c.clamp_kqv, c.clamp_kqv)
            q, k, v = np.split(qkv, [c.heads * c.head_dim, (c.heads + c.kv_heads) * c.head_dim], axis=1)
        else:
            q, k, v = (h @ w(p + f"attn_{n}.weight").T for n in "qkv")
        if f.qkv_bias:
            q, k, v = q + w(p + "attn_q.bias"), k + w(p + "attn_k.bias"), v + w(p + "attn_v.bias")
        q = q.reshape(t, c.heads, c.head_dim)
        k = k.reshape(t, c.kv_heads, c.head_dim)
        v = v.reshape(t, c.kv_heads, c.head_dim)
        if f.qk_norm:
            q = rms_norm(q, w(p + "attn_q_norm.weight"), c.norm_eps)
            k = rms_norm(k, w(p + "attn_k_norm.weight"), c.norm_eps)
        if f.rope != "none":
            q = rope(q, positions, base, c.rope_dims, f.rope, factors, scale)
            k = rope(k, positions, base, c.rope_dims, f.rope, factors, scale)
        slopes = alibi_slopes(c.heads, c.max_alibi_bias) if f.alibi else None
        attended = causal_attention(q, k, v, c.window if local else 0, slopes).reshape(t, c.heads * c.head_dim)
        out = attended @ w(p + "attn_output.weight").T
        if f.post_norms:
            out = rms_norm(out, w(p + "post_attention_norm.weight"), c.norm_eps)
        x = x + out

        # Parallel blocks (Falcon) feed the attention's normed input to the feed-forward too.
        h = h if f.parallel else norm(x, p + "ffn_norm")
        act = gelu_tanh if f.activation == "gelu_tanh" else silu
        if not f.gated:
            hidden = act(h @ w(p + "ffn_up.weight").T)
        elif f.fused_gate_up:
            gate, up = np.split(h @ w(p + "ffn_up.weight").T, 2, axis=1)
            hidden = act(gate) * up
        else:
            hidden = act(h @ w(p + "ffn_gate.weight").T) * (h @ w(p + "ffn_up.weight").T)
        out = hidden @ w(p + "ffn_down.weight").T
        if f.post_norms:
            out = rms_norm(out, w(p + "post_ffw_norm.weight"), c.norm_eps)
        x = x + out
        if on_layer:
            on_layer(layer, x)
    x = norm(x, "output_norm")
    output = w("output.weight") if model.has("output.weight") else w("token_embd.weight")
    return x @ output.T


ARCHITECTURES = {name: decoder for name in FEATURES}


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
