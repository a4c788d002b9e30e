"""A small Llama in JAX, laid out the way GGUF's llama architecture computes it.

RMSNorm, rotary attention, SwiGLU feed-forward, tied token embedding. RoPE rotates
*adjacent* pairs (x[2i], x[2i+1]) with theta_i = base^(-2i/head_dim): the GGUF convention,
so Q and K export without the permutation llama.cpp's converter applies to HF weights.
Weights are kept as x @ W (shape [n_in, n_out]); GGUF stores them transposed.
"""

import json
import math

import jax
import jax.numpy as jnp
import numpy as np


class Config:
    def __init__(self, vocab, dim=256, layers=4, heads=4, kv_heads=4, ffn=704, context=1280,
                 eps=1e-5, rope_base=10000.0):
        self.vocab, self.dim, self.layers, self.heads, self.kv_heads = vocab, dim, layers, heads, kv_heads
        self.ffn, self.context, self.eps, self.rope_base = ffn, context, eps, rope_base

    @property
    def head_dim(self):
        return self.dim // self.heads

    def to_json(self):
        return json.dumps(self.__dict__, indent=1)

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


def init_params(cfg, seed):
    key = jax.random.PRNGKey(seed)
    keys = iter(jax.random.split(key, 1 + 7 * cfg.layers))
    std = 0.02
    out_std = std / math.sqrt(2 * cfg.layers)
    kv = cfg.kv_heads * cfg.head_dim

    def normal(shape, s):
        return jax.random.normal(next(keys), shape, jnp.float32) * s

    p = {"embed": normal((cfg.vocab, cfg.dim), std), "norm": jnp.ones((cfg.dim,), jnp.float32), "layers": []}
    for _ in range(cfg.layers):
        p["layers"].append({
            "attn_norm": jnp.ones((cfg.dim,), jnp.float32),
            "wq": normal((cfg.dim, cfg.dim), std), "wk": normal((cfg.dim, kv), std), "wv": normal((cfg.dim, kv), std),
            "wo": normal((cfg.dim, cfg.dim), out_std),
            "ffn_norm": jnp.ones((cfg.dim,), jnp.float32),
            "w_gate": normal((cfg.dim, cfg.ffn), std), "w_up": normal((cfg.dim, cfg.ffn), std),
            "w_down": normal((cfg.ffn, cfg.dim), out_std),
        })
    return p


def rms_norm(x, w, eps):
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope(x, pos, base):
    """x [..., T, H, D]; pos [..., T]. Rotates adjacent pairs."""
    d = x.shape[-1]
    theta = base ** (-jnp.arange(0, d, 2, dtype=jnp.float32) / d)          # [D/2]
    ang = pos[..., :, None, None].astype(jnp.float32) * theta               # [..., T, 1, D/2]
    cos, sin = jnp.cos(ang), jnp.sin(ang)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    y0 = x0 * cos - x1 * sin
    y1 = x0 * sin + x1 * cos
    return jnp.stack([y0, y1], axis=-1).reshape(x.shape)


def forward(params, cfg, tokens, pos, seg):
    """tokens, pos, seg: [B, T] int32. Attention stays inside one segment (packed rows).
    Returns logits [B, T, V]."""
    B, T = tokens.shape
    H, KV, D = cfg.heads, cfg.kv_heads, cfg.head_dim
    x = params["embed"][tokens]
    causal = jnp.tril(jnp.ones((T, T), bool))
    mask = causal[None] & (seg[:, :, None] == seg[:, None, :])             # [B, T, T]
    for layer in params["layers"]:
        h = rms_norm(x, layer["attn_norm"], cfg.eps)
        q = (h @ layer["wq"]).reshape(B, T, H, D)
        k = (h @ layer["wk"]).reshape(B, T, KV, D)
        v = (h @ layer["wv"]).reshape(B, T, KV, D)
        q, k = rope(q, pos, cfg.rope_base), rope(k, pos, cfg.rope_base)
        if KV != H:
            k = jnp.repeat(k, H // KV, axis=2)
            v = jnp.repeat(v, H // KV, axis=2)
        att = jnp.einsum("bthd,bshd->bhts", q, k) / math.sqrt(D)
        att = jnp.where(mask[:, None], att, -1e30)
        att = jax.nn.softmax(att, axis=-1)
        o = jnp.einsum("bhts,bshd->bthd", att, v).reshape(B, T, H * D)
        x = x + o @ layer["wo"]
        h = rms_norm(x, layer["ffn_norm"], cfg.eps)
        x = x + (jax.nn.silu(h @ layer["w_gate"]) * (h @ layer["w_up"])) @ layer["w_down"]
    x = rms_norm(x, params["norm"], cfg.eps)
    return x @ params["embed"].T


def count_params(params):
    return sum(int(np.prod(a.shape)) for a in jax.tree_util.tree_leaves(params))


def save(params, path):
    flat = {"/".join(str(getattr(k, "key", getattr(k, "idx", k))) for k in kp): np.asarray(v)
            for kp, v in jax.tree_util.tree_flatten_with_path(params)[0]}
    np.savez(path, **flat)


def load(path, cfg):
    z = np.load(path)
    p = {"embed": z["embed"], "norm": z["norm"], "layers": []}
    for i in range(cfg.layers):
        p["layers"].append({k: z[f"layers/{i}/{k}"] for k in
                            ["attn_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w_gate", "w_up", "w_down"]})
    return jax.tree_util.tree_map(jnp.asarray, p)
