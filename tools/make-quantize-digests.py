#!/usr/bin/env python3
"""Digests of llama.cpp's own quantization of the tiny fixture model, for byte-identity tests.

    python3 tools/make-quantize-digests.py [F16.gguf] > Tests/Data/llamacpp-quantize-digests.json

Quantizes ../shared/fixtures/tiny-llama-f16.gguf with llama-cpp-python 0.3.36's
llama_model_quantize (no importance matrix) to each ftype below, in a temporary directory,
and records every tensor's type and the 64-bit FNV-1a digest of its bytes (the whole models
are not committed). Not part of CI.
"""
import json
import os
import sys
import tempfile

import gguf
import llama_cpp

HERE = os.path.dirname(os.path.abspath(__file__))
FTYPES = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q6_K", "Q8_0", "Q4_K_M", "Q5_K_M"]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def main():
    fixtures = os.environ.get("GHOSTCHAT_FIXTURES") or os.path.join(HERE, "..", "..", "shared", "fixtures")
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(fixtures, "tiny-llama-f16.gguf")
    result = {"source": os.path.basename(source), "llama_cpp_python": llama_cpp.__version__, "digest": "fnv1a64", "ftypes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in FTYPES:
            out = os.path.join(tmp, f"{kind}.gguf")
            params = llama_cpp.llama_model_quantize_default_params()
            params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind}")
            params.nthread = 2
            if llama_cpp.llama_model_quantize(source.encode(), out.encode(), params) != 0:
                sys.exit(f"llama_model_quantize failed for {kind}")
            reader = gguf.GGUFReader(out)
            result["ftypes"][kind.lower()] = {
                t.name: {"type": t.tensor_type.name, "fnv1a64": fnv1a64(bytes(t.data.tobytes()))} for t in reader.tensors
            }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
