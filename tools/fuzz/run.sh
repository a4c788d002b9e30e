#!/usr/bin/env bash
# Builds the libFuzzer binary of the GhostchatFuzz target (with AddressSanitizer) and fuzzes
# the model loader: GGUF parsing, `ghostchat info`'s reading, the tokenizer, model loading and
# a few generated tokens. See tools/fuzz/README.md.
#
#   tools/fuzz/run.sh -t 60            fuzz for 60 seconds (what .ci/run does)
#   tools/fuzz/run.sh -n 1000000       fuzz for a million executions
#   tools/fuzz/run.sh -t 600 -- -jobs=2 -workers=2    extra flags go to libFuzzer
#
# Exits non-zero when the fuzzer finds a crash, leak, timeout or out-of-memory; the input
# is saved in $FUZZ_ARTIFACTS (default /tmp/ghostchat-fuzz-artifacts) and printed in base64.
# New interesting inputs accumulate in $FUZZ_CORPUS (default /tmp/ghostchat-fuzz-corpus);
# the committed seeds in tools/fuzz/corpus are only read.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="" runs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -n) runs="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-t SECONDS] [-n RUNS] [-- LIBFUZZER-FLAGS...]" >&2; exit 2 ;;
  esac
done

if ! command -v swift >/dev/null 2>&1; then export PATH="/opt/swift/usr/bin:$PATH"; fi
scratch="${FUZZ_SCRATCH:-/tmp/build-ghostchat-fuzz}"
corpus="${FUZZ_CORPUS:-/tmp/ghostchat-fuzz-corpus}"
artifacts="${FUZZ_ARTIFACTS:-/tmp/ghostchat-fuzz-artifacts}"
mkdir -p "$corpus" "$artifacts"

# swiftc keeps only the last -sanitize= it is given, and SwiftPM passes one per --sanitize in
# no fixed order: without the combined -Xswiftc flag, the Swift modules came out with either
# AddressSanitizer or coverage (and then the fuzzer is blind), depending on the run.
build=(swift build -c release --product GhostchatFuzz --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path "$scratch")
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

# Seeds larger than -max_len would be cut short; the biggest committed seed is ~80 KB.
# -timeout: one input may take 10 s (a hang is a bug); -rss_limit_mb/-malloc_limit_mb: an
# input that makes the loader allocate gigabytes is a bug too, not a reason to swap.
# The Swift runtime's own backtracer is off so libFuzzer's crash report comes out whole.
set +e
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}" \
  "$binary" -max_len=131072 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -dict=tools/fuzz/gguf.dict -print_final_stats=1 -artifact_prefix="$artifacts/" "${limits[@]}" "$@" \
  "$corpus" tools/fuzz/corpus tools/fuzz/findings
status=$?
set -e

if [ "$status" -ne 0 ]; then
  echo "fuzz: FAILED (libFuzzer exit status $status)" >&2
  for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    echo "fuzz: input $f ($(wc -c <"$f") bytes), base64:" >&2
    base64 -w 0 "$f" >&2; echo >&2
  done
  echo "fuzz: reproduce with: swift build -c release --product GhostchatFuzz && .build/release/GhostchatFuzz FILE" >&2
  exit "$status"
fi
echo "fuzz: no crashes"
