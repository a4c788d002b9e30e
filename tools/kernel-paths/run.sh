#!/bin/sh
# Builds the C kernels outside SwiftPM with the NEON path emulated by SIMDe (apt-get install
# libsimde-dev) and checks every table against the portable one: the only way to exercise the
# NEON kernels on an x86 machine. Prints "OK: 0 mismatches" on success.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CGhostKernels"
out=${TMPDIR:-/tmp}/ghostchat-kernel-paths
cd "$src"
clang -O1 -DGK_NEON_EMULATE -DWITH_X86 -w -I include -I . gk_neon.c gk_portable.c gk_blocks.c gk_dispatch.c \
    gk_avx2.c gk_avx512.c gk_packed.c gk_packed_neon.c gk_packed_avx2.c gk_packed_avx512.c gk_matmul.c gk_pool.c \
    "$here/check.c" -lm -lpthread -o "$out"
"$out"
