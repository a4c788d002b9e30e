#!/usr/bin/env bash
# Builds the libFuzzer binary of the GhostchatFuzz target (with AddressSanitizer) and fuzzes
# one input family or all of them (tools/fuzz/README.md):
#   model       a GGUF file: parsing, `ghostchat info`'s reading, tokenizer, loading, tokens
#   transcript  a JSON transcript for --load
#   config      config.toml and presets.toml
#   theme       a theme file
#   jinja       a chat template
#   keys        terminal input and reply text driving the full-screen chat
#
#   tools/fuzz/run.sh -t 60                 the model loader for 60 seconds
#   tools/fuzz/run.sh all -t 30             every family, 30 seconds each (what .ci/run does)
#   tools/fuzz/run.sh jinja -n 1000000      a million executions of one family
#   tools/fuzz/run.sh keys -t 600 -- -jobs=2 -workers=2    extra flags go to libFuzzer
#
# Exits non-zero when the fuzzer finds a crash, leak, timeout or out-of-memory; the input
# is saved in $FUZZ_ARTIFACTS/TARGET (default /tmp/ghostchat-fuzz-artifacts) and printed in
# base64. New interesting inputs accumulate in $FUZZ_CORPUS/TARGET (default
# /tmp/ghostchat-fuzz-corpus); the committed seeds are only read.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets=(model)
case "${1:-}" in
  all) targets=(model transcript config theme jinja keys); shift ;;
  model|transcript|config|theme|jinja|keys) targets=("$1"); shift ;;
esac
seconds="" runs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -n) runs="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [all|model|transcript|config|theme|jinja|keys] [-t SECONDS] [-n RUNS] [-- LIBFUZZER-FLAGS...]" >&2; exit 2 ;;
  esac
done

if ! command -v swift >/dev/null 2>&1; then export PATH="/opt/swift/usr/bin:$PATH"; fi
scratch="${FUZZ_SCRATCH:-/tmp/build-ghostchat-fuzz}"
corpus_root="${FUZZ_CORPUS:-/tmp/ghostchat-fuzz-corpus}"
artifacts_root="${FUZZ_ARTIFACTS:-/tmp/ghostchat-fuzz-artifacts}"

# swiftc keeps only the last -sanitize= it is given, and SwiftPM passes one per --sanitize in
# no fixed order: without the combined -Xswiftc flag, the Swift modules came out with either
# AddressSanitizer or coverage (and then the fuzzer is blind), depending on the run.
build=(swift build -c release --product GhostchatFuzz --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path "$scratch")
# FUZZ_ASAN=0: coverage only, no AddressSanitizer (Swift's own bounds and overflow traps stay
# on): several times faster, for long campaigns; CI always runs the AddressSanitizer build.
if [ "${FUZZ_ASAN:-1}" = 0 ]; then
  scratch="$scratch-noasan"
  build=(swift build -c release --product GhostchatFuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path "$scratch")
fi
echo "fuzz: building ($scratch)"
"${build[@]}" 2>&1 | tail -3
binary="$("${build[@]}" --show-bin-path)/GhostchatFuzz"
# A binary whose Swift code lost its coverage counters would "fuzz" blind and pass.
counters=$(SWIFT_BACKTRACE=enable=no "$binary" -runs=0 2>&1 | sed -nE 's/.*\(([0-9]+) inline 8-bit counters\).*/\1/p' | head -1)
if [ "${counters:-0}" -lt 8000 ]; then
  echo "fuzz: the binary has ${counters:-no} coverage counters; the Swift modules were not instrumented" >&2
  exit 1
fi
echo "fuzz: $counters coverage counters"

limits=()
[ -n "$seconds" ] && limits+=("-max_total_time=$seconds")
[ -n "$runs" ] && limits+=("-runs=$runs")

# Per family: the committed seeds (and files of the project that are valid inputs), the
# dictionary, and the longest input worth trying (the biggest model seed is ~125 KB).
# -timeout: one input may take 10 s (a hang is a bug); -rss_limit_mb/-malloc_limit_mb: an
# input that makes ghostchat allocate gigabytes is a bug too, not a reason to swap.
# The Swift runtime's own backtracer is off so libFuzzer's crash report comes out whole.
fuzz_one() {
  local target="$1" max_len dict seeds leaks=1
  case "$target" in
    model) max_len=131072; dict=gguf; seeds=(tools/fuzz/corpus/model tools/fuzz/findings) ;;
    transcript) max_len=16384; dict=transcript; seeds=(tools/fuzz/corpus/transcript) ;;
    config) max_len=16384; dict=toml; seeds=(tools/fuzz/corpus/config Sources/Chat/Resources) ;;
    theme) max_len=8192; dict=toml; seeds=(tools/fuzz/corpus/theme themes) ;;
    # No leak detection here: the template engine's syntax tree and values are indirect
    # enums, whose payload pointers Swift stores with tag bits set, which LeakSanitizer does
    # not recognise as pointers: everything reachable only through them is reported "leaked".
    jinja) max_len=65536; dict=jinja; seeds=(Tests/JinjaTests/Fixtures/templates); leaks=0 ;;
    keys) max_len=4096; dict=keys; seeds=(tools/fuzz/corpus/keys) ;;
  esac
  local corpus="$corpus_root/$target" artifacts="$artifacts_root/$target"
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz: $target"
  set +e
  GHOSTCHAT_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no \
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=$leaks:allocator_may_return_null=0}" \
    LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tools/fuzz/lsan.supp:print_suppressions=0}" \
    "$binary" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -dict="tools/fuzz/$dict.dict" -print_final_stats=1 -artifact_prefix="$artifacts/" "${limits[@]}" "${extra[@]}" \
    "$corpus" "${seeds[@]}"
  local status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target FAILED (libFuzzer exit status $status)" >&2
    for f in "$artifacts"/*; do
      [ -f "$f" ] || continue
      echo "fuzz: input $f ($(wc -c <"$f") bytes), base64:" >&2
      base64 -w 0 "$f" >&2; echo >&2
    done
    echo "fuzz: reproduce with: swift build -c release --product GhostchatFuzz && .build/release/GhostchatFuzz --target $target FILE" >&2
    return "$status"
  fi
}

extra=("$@")
for target in "${targets[@]}"; do
  fuzz_one "$target" || exit $?
done
echo "fuzz: no crashes (${targets[*]})"
