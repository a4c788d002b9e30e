"""Writes a trained checkpoint and the tokenizer as an F32 GGUF (llama architecture).

Quantize afterwards with `ghostchat quantize IN.gguf OUT.gguf q8_0`.

Usage: python export.py --run work/gatt --tokenizer work/tokenizer/demo.model --out work/gatt/f32.gguf
"""

import argparse
import json

import gguf
import numpy as np
import sentencepiece as spm

import model as M

# The Llama 2 chat template as Hugging Face ships it; ghostchat recognizes the format by its
# "[INST]" and "<<SYS>>" markers.
CHAT_TEMPLATE = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)


def token_types(sp):
    types = []
    for i in range(sp.get_piece_size()):
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    return types


def export(params, cfg, sp, path, name):
    w = gguf.GGUFWriter(path, "llama")
    w.add_name(name)
    w.add_context_length(cfg.context)
    w.add_embedding_length(cfg.dim)
    w.add_block_count(cfg.layers)
    w.add_feed_forward_length(cfg.ffn)
    w.add_head_count(cfg.heads)
    w.add_head_count_kv(cfg.kv_heads)
    w.add_rope_dimension_count(cfg.head_dim)
    w.add_layer_norm_rms_eps(cfg.eps)
    w.add_rope_freq_base(cfg.rope_base)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)

    n = sp.get_piece_size()
    w.add_tokenizer_model("llama")
    w.add_token_list([sp.id_to_piece(i).encode("utf-8") for i in range(n)])
    w.add_token_scores([float(sp.get_score(i)) for i in range(n)])
    w.add_token_types(token_types(sp))
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_unk_token_id(sp.unk_id())
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(True)
    w.add_chat_template(CHAT_TEMPLATE)

    def t(a):
        # x @ W with W [n_in, n_out] is GGUF's [n_in, n_out] tensor: n_out rows of n_in.
        return np.ascontiguousarray(np.asarray(a, np.float32).T)

    w.add_tensor("token_embd.weight", np.ascontiguousarray(np.asarray(params["embed"], np.float32)))
    for i, L in enumerate(params["layers"]):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.asarray(L["attn_norm"], np.float32))
        w.add_tensor(p + "attn_q.weight", t(L["wq"]))
        w.add_tensor(p + "attn_k.weight", t(L["wk"]))
        w.add_tensor(p + "attn_v.weight", t(L["wv"]))
        w.add_tensor(p + "attn_output.weight", t(L["wo"]))
        w.add_tensor(p + "ffn_norm.weight", np.asarray(L["ffn_norm"], np.float32))
        w.add_tensor(p + "ffn_gate.weight", t(L["w_gate"]))
        w.add_tensor(p + "ffn_up.weight", t(L["w_up"]))
        w.add_tensor(p + "ffn_down.weight", t(L["w_down"]))
    w.add_tensor("output_norm.weight", np.asarray(params["norm"], np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True, help="a training output directory (config.json, ckpt.npz)")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="ghostchat-demo")
    a = ap.parse_args()
    with open(f"{a.run}/config.json") as f:
        cfg = M.Config.from_json(f.read())
    params = M.load(f"{a.run}/ckpt.npz", cfg)
    sp = spm.SentencePieceProcessor(model_file=a.tokenizer)
    export(params, cfg, sp, a.out, a.name)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
