#!/usr/bin/env bash
# Regenerates tools/fuzz/corpus/model, the model fuzzer's committed seeds (the other
# families' seeds are written by hand):
#  - the micro models cut from the fixtures (GhostchatFuzz --make-seeds), kept whole;
#  - every file the GGUF test suites write (the bad-file cases, the truncations, the
#    mutation test's inputs), reduced by libFuzzer's -merge to those that add coverage.
# Needs ../shared/fixtures. Takes a release build, a GGUFTests run and a fuzzer build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v swift >/dev/null 2>&1; then export PATH="/opt/swift/usr/bin:$PATH"; fi
scratch="${SCRATCH:-/tmp/build-ghostchat}"
fuzz_scratch="${FUZZ_SCRATCH:-/tmp/build-ghostchat-fuzz}"

raw="$(mktemp -d)"
trap 'rm -rf "$raw"' EXIT
mkdir -p "$raw/tests" "$raw/corpus"

swift build -c release --product GhostchatFuzz --scratch-path "$scratch" 2>&1 | tail -1
"$(swift build -c release --scratch-path "$scratch" --show-bin-path)/GhostchatFuzz" --make-seeds "$raw/corpus" ../shared/fixtures

GHOSTCHAT_SAVE_TEST_FILES="$raw/tests" swift test -c release --filter GGUFTests --scratch-path "$scratch" 2>&1 | tail -1
echo "make-corpus: $(ls "$raw/tests" | wc -l) files from the GGUF tests"

fuzz_build=(swift build -c release --product GhostchatFuzz --sanitize=fuzzer --sanitize=address
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path "$fuzz_scratch")
"${fuzz_build[@]}" 2>&1 | tail -1
SWIFT_BACKTRACE=enable=no "$("${fuzz_build[@]}" --show-bin-path)/GhostchatFuzz" \
  -merge=1 -max_len=131072 -timeout=10 "$raw/corpus" "$raw/tests" 2>&1 | grep -E "^MERGE-OUTER: [0-9]+ new files" || true

rm -rf tools/fuzz/corpus/model
mkdir -p tools/fuzz/corpus/model
# Content-named so regenerating leaves unchanged seeds alone.
for f in "$raw/corpus"/*; do
  case "$(basename "$f")" in
    micro-*|shape-*|vocab-only*|empty-*) cp "$f" tools/fuzz/corpus/model/ ;;
    *) cp "$f" "tools/fuzz/corpus/model/test-$(sha1sum "$f" | cut -c1-16).gguf" ;;
  esac
done
echo "make-corpus: $(ls tools/fuzz/corpus/model | wc -l) seeds, $(du -sh tools/fuzz/corpus/model | cut -f1)"
