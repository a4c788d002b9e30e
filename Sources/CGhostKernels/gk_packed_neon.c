// The NEON packed layout: groups of 4 rows, so one 128-bit register holds 4 consecutive bytes
// of each of 4 rows (byte layout in gk_packed.c). A dot product by lane (`sdot v.4s, w.16b,
// a.4b[lane]`) of such a register with one activation register gives the 4 rows' partial
// sums in the 4 lanes directly: a 32-column Q4_0 block costs 8 dots per token for 4 rows and
// no horizontal reductions (the row-major tile: 8 dots plus a reduction per row), and each
// unpacked weight register serves a tile of up to 4 tokens. Without the dot-product extension
// the same dot is two widening multiplies and two pairwise adds. Q4_0, Q4_1, IQ4_NL, Q8_0, Q4_K.
// Built on x86 under SIMDe (-DGK_NEON_EMULATE) by tools/kernel-paths, which checks it there.

#include "gk_internal.h"

#if defined(__aarch64__) || defined(GK_NEON_EMULATE)

#if defined(GK_NEON_EMULATE)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
#else
#include <arm_neon.h>
#endif

#define GK_INLINE static inline __attribute__((always_inline))
#define R4 4
#define NT_MAX 4

/// The 4 rows' fp16 values at p (d or m of a block) as floats.
GK_INLINE float32x4_t ld_d4(const uint8_t *p) {
    uint16_t h[4];
    memcpy(h, p, 8);
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(h)));
}

/// acc[r] += Σ_j w[4r+j]·b[4r+j] where b holds the same 4 activation bytes in every row's
/// place: products of int8 with activations in ±127 stay within int16 in pairs.
GK_INLINE int32x4_t gk_dot4_widening(int32x4_t acc, int8x16_t w, int8x16_t b) {
    const int16x8_t p01 = vmull_s8(vget_low_s8(w), vget_low_s8(b));
    const int16x8_t p23 = vmull_high_s8(w, b);
    return vpadalq_s16(acc, vpaddq_s16(p01, p23));
}

#define GK_DOT4(acc, w, a, lane) \
    gk_dot4_widening((acc), (w), vreinterpretq_s8_s32(vdupq_laneq_s32(vreinterpretq_s32_s8(a), lane)))
#define GK_SFX(name) name##_neon
#include "gk_packed_neon.inc"
#undef GK_DOT4
#undef GK_SFX

#if !defined(GK_NEON_EMULATE)
#pragma clang attribute push(__attribute__((target("dotprod"))), apply_to = function)
#endif
#define GK_DOT4(acc, w, a, lane) vdotq_laneq_s32((acc), (w), (a), lane)
#define GK_SFX(name) name##_neondot
#include "gk_packed_neon.inc"
#undef GK_DOT4
#undef GK_SFX
#if !defined(GK_NEON_EMULATE)
#pragma clang attribute pop
#endif

const gk_pack_layout gk_layout_neon = {.q8_0_biased = 0, .tile_for = tile_for_neon};
const gk_pack_layout gk_layout_neondot = {.q8_0_biased = 0, .tile_for = tile_for_neondot};

#endif
