#!/bin/sh
# Requantizes the tiny fixture model with llama.cpp's own quantizer to every tensor type the
# kernels support beyond the shared fixtures, then compares ghostchat's perplexity on
# essay.txt (n_ctx 128) with llama.cpp's for each file. Needs llama-cpp-python 0.3.36 and
# gguf, and a release build (swift build -c release). Not part of CI; results in
# tools/compare-quant-types.md.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${GHOSTCHAT_FIXTURES:-$root/../shared/fixtures}
out=${TMPDIR:-/tmp}/ghostchat-quant-types
mkdir -p "$out"
for t in Q4_1 Q5_0 Q5_1 Q2_K Q3_K_M IQ4_NL IQ4_XS Q6_K; do
    python3 "$root/tools/quantize-with-llamacpp.py" "$fixtures/tiny-llama-f16.gguf" "$out/tiny-llama-$t.gguf" "$t" >/dev/null 2>&1
done
python3 "$root/tools/compare-with-llamacpp.py" --text "$fixtures/essay.txt" --ctx 128 "$out"/tiny-llama-*.gguf
