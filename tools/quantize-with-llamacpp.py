#!/usr/bin/env python3
"""Quantize a GGUF model with llama.cpp's own quantizer (llama-cpp-python 0.3.36).

    python3 tools/quantize-with-llamacpp.py IN.gguf OUT.gguf Q4_K_M

Types: the names of llama.cpp's LLAMA_FTYPE_MOSTLY_* constants (Q4_0, Q8_0, Q4_K_M, Q5_K_M,
Q6_K, …). Used to make reference files for conformance and speed comparisons; not part of CI.
"""
import sys

import llama_cpp


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, target, kind = sys.argv[1], sys.argv[2], sys.argv[3].upper()
    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind}", None)
    if ftype is None:
        sys.exit(f"unknown type {kind}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = 2
    status = llama_cpp.llama_model_quantize(source.encode(), target.encode(), params)
    if status != 0:
        sys.exit(f"llama_model_quantize failed with status {status}")
    print(f"wrote {target} ({kind})")


if __name__ == "__main__":
    main()
