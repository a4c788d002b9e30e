// The NEON packed layout: groups of 4 rows, so one 128-bit register holds 4 consecutive bytes
// of each of 4 rows (byte layout in gk_packed.c). A dot product by lane (`sdot v.4s, w.16b,
// a.4b[lane]`) of such a register with one activation register gives the 4 rows' partial
// sums in the 4 lanes directly: a 32-column Q4_0 block costs 8 dots per token for 4 rows and
// no horizontal reductions (the row-major tile: 8 dots plus a reduction per row), and each
// unpacked weight register serves a tile of up to 4 tokens. Without the dot-product extension
// the same dot is two widening multiplies and two pairwise adds. Every block type: Q4_0, Q4_1,
// Q5_0, Q5_1, Q8_0, IQ4_NL, IQ4_XS, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K.
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

/// The fifth bits of a Q5_0/Q5_1 register of 4 columns × 4 rows, moved to bit 4: qh holds each
/// row's 32 high bits in its lane; column 4k+j (`upper` = 0) or 16+4k+j (`upper` = 1) is bit
/// 4·(k&1)+j of byte k/2 (+2 for upper).
GK_INLINE uint8x16_t q5_fifth_bits(uint8x16_t qh, int k, int upper) {
    static const uint8_t spread[16] = {0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12};
    const uint8x16_t idx = vaddq_u8(vld1q_u8(spread), vdupq_n_u8((uint8_t)(k / 2 + 2 * upper)));
    const uint8x16_t bits = vreinterpretq_u8_u32(vdupq_n_u32((k & 1) ? 0x80402010u : 0x08040201u));
    return vandq_u8(vtstq_u8(vqtbl1q_u8(qh, idx), bits), vdupq_n_u8(0x10));
}

/// The 4 rows' scales of sub-blocks 2i (`even`) and 2i+1 (`odd`) from their pairs r0a r0b r1a ….
GK_INLINE void scale_pairs(int16x8_t pairs, int32x4_t *even, int32x4_t *odd) {
    *even = vmovl_s16(vget_low_s16(vuzp1q_s16(pairs, pairs)));
    *odd = vmovl_s16(vget_low_s16(vuzp2q_s16(pairs, pairs)));
}

/// Each row's pair (r0a r0b r1a …) dotted with the activation's two sums at `sums`.
GK_INLINE int32x4_t pair_dot(int16x8_t pairs, const int16_t *sums) {
    int32_t pair;
    memcpy(&pair, sums, 4);
    const int16x8_t s = vreinterpretq_s16_s32(vdupq_n_s32(pair));
    return vpaddq_s32(vmull_s16(vget_low_s16(pairs), vget_low_s16(s)), vmull_high_s16(pairs, s));
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
