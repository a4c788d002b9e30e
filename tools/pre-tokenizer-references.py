#!/usr/bin/env python3
"""Writes Tests/TokenizerTests/Fixtures/pre-tokenizer-tokens.ref.json: llama.cpp's ids for a set
of hard strings with the Llama 3 vocabulary (../shared/fixtures/llama3-vocab.gguf) relabelled
with each `tokenizer.ggml.pre` value below, so every pre-tokenizer's splitting is checked on
the same merges. add_bos=False, special=False. Needs llama-cpp-python 0.3.36 and gguf; CI uses
the committed JSON."""
import json, os, subprocess, sys, tempfile
import gguf

fixtures = os.environ.get("GHOSTCHAT_FIXTURES", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures"))
source = os.path.join(fixtures, "llama3-vocab.gguf")
pres = ["default", "gpt-2", "llama-bpe", "dbrx", "qwen2", "deepseek-r1-qwen", "stablelm2", "smollm", "starcoder",
        "falcon", "tekken", "gpt-4o", "glm4"]
texts = [
    "Hello world", "HelloWorld HELLOworld helloWORLD", "École ÉCOLE éCOLE HelloÉcole ÀBCdef aÉb ÉA", "ǅemal ǈ Ǆǅǆ ﬁx ß ΣΑΣ σας",
    "e\u0301\u0301 a\u0300b \u0301x", "path/to/file\n/x a/\n/b //", "x\u0378y !\u0378? \U000E0080z", "don't I'LL 'S 's We'RE they'Ve",
    "1234567 12345678901 ٣٤٥ ١٢", "   \n\n  x  ", "Tab\there\r\n\r\nCRLF  ", "$+<=>^~|` !?.", "日本語のテキスト、中文文本。한국어",
    "👩‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽", "مرحبا بالعالم", "नमस्ते दुनिया क्षत्रिय", "x\u2028y\u0085z \u00a0nbsp \u3000ideo",
    "<|im_end|> typed", "CamelCaseWord iPhone McDONALD'S", "\u0001\u001f\u007f control",
]
essay = open(os.path.join(fixtures, "essay.txt"), encoding="utf-8").read()
texts.append(essay[:4000])

TOKENIZE = """
import json, sys, llama_cpp
llm = llama_cpp.Llama(model_path=sys.argv[1], vocab_only=True, verbose=False)
print(json.dumps([llm.tokenize(t.encode("utf-8"), add_bos=False, special=False) for t in json.load(sys.stdin)]))
"""


def relabel(src, dst, pre):
    reader = gguf.GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(dst, arch)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        value = pre if name == "tokenizer.ggml.pre" else field.contents()
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, value, vtype, sub_type=sub)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

out = {"texts": texts, "ids": {}}
with tempfile.TemporaryDirectory() as tmp:
    for pre in pres:
        path = os.path.join(tmp, f"{pre}.gguf")
        relabel(source, path, pre)
        # In a child process: llama.cpp can fail inside C++ (0.3.36's gpt-4o pattern does not
        # compile with std::regex), which would take this script down.
        child = subprocess.run([sys.executable, "-c", TOKENIZE, path], input=json.dumps(texts), capture_output=True, text=True)
        if child.returncode == 0:
            out["ids"][pre] = json.loads(child.stdout)
        else:
            print(f"{pre}: llama.cpp failed: {child.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
dest = os.path.join(os.path.dirname(__file__), "..", "Tests", "TokenizerTests", "Fixtures", "pre-tokenizer-tokens.ref.json")
with open(dest, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
print("wrote", dest, file=sys.stderr)
