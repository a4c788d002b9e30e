#!/usr/bin/env bash
# Runs tests under the sanitizers (README.md, Development). Each mode has its own scratch
# path, so a full build (10–20 min on two cores) is only paid once.
#
#   tools/sanitizers/run.sh address   the whole suite with AddressSanitizer (Swift and C) and
#                                     UndefinedBehaviorSanitizer on the C kernels
#   tools/sanitizers/run.sh thread    ThreadSanitizer over the threaded code: the thread pool,
#                                     matmul, the Llama forward pass with 2 threads, the chat
#                                     engine, and the TUI with its generation thread (tmux)
#
# Swift itself has no -sanitize=undefined on Linux; its own arithmetic, bounds and cast
# checks stay on in release builds, so UBSan covers the C kernels (CGhostKernels, CNcurses).
# Fails if a test fails or a sanitizer reports anything; reports are in $logs.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v swift >/dev/null 2>&1; then export PATH="/opt/swift/usr/bin:$PATH"; fi
mode="${1:-}"
logs="${SANITIZER_LOGS:-/tmp/ghostchat-sanitizers}/$mode"
rm -rf "$logs"; mkdir -p "$logs"

case "$mode" in
  address)
    # detect_leaks=0: LeakSanitizer reports the Swift runtime's never-freed metadata caches
    # and XCTest's own objects, which are not the code under test.
    ASAN_OPTIONS="detect_leaks=0:log_path=$logs/asan" UBSAN_OPTIONS="print_stacktrace=1:suppressions=$PWD/tools/sanitizers/ubsan.supp:log_path=$logs/ubsan" \
      swift test -c release --sanitize=address -Xcc -fsanitize=undefined \
      --scratch-path "${SANITIZER_SCRATCH:-/tmp/build-ghostchat-asan}" 2>&1 | tee "$logs/test.log"
    status=${PIPESTATUS[0]}
    ;;
  thread)
    TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$logs/tsan" \
      swift test -c release --sanitize=thread --scratch-path "${SANITIZER_SCRATCH:-/tmp/build-ghostchat-tsan}" \
      --filter 'KernelsTests.ThreadPoolTests|KernelsTests.MatMulTests|KernelsTests.PackedMatMulTests|LlamaTests.ModelShapeTests|LlamaTests.ConformanceTests|ChatTests.LlamaEngineTests|TUITests' \
      2>&1 | tee "$logs/test.log"
    status=${PIPESTATUS[0]}
    ;;
  *) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac

reports=$(find "$logs" -name 'asan.*' -o -name 'ubsan.*' -o -name 'tsan.*' | sort)
grep -h "runtime error:" "$logs/test.log" >"$logs/inline-ubsan.txt" 2>/dev/null || true
if [ -n "$reports" ] || [ -s "$logs/inline-ubsan.txt" ]; then
  echo "sanitizers: $mode reported problems:" >&2
  for r in $reports; do echo "--- $r" >&2; head -40 "$r" >&2; done
  cat "$logs/inline-ubsan.txt" >&2
  exit 1
fi
[ "$status" -eq 0 ] || { echo "sanitizers: swift test failed with status $status" >&2; exit "$status"; }
echo "sanitizers: $mode clean ($(grep -E 'Executed [0-9]+ tests' "$logs/test.log" | tail -1))"
