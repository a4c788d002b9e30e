// AArch64 NEON kernels. Two variants of the integer tiles: with the dot-product extension
// (sdot, ARMv8.2; every Apple Silicon Mac) and without it. Selected at run time.
// Also builds on x86 with -DGK_NEON_EMULATE and SIMDe, so the kernels can be tested there.

#include "gk_internal.h"

#if defined(__aarch64__) || defined(GK_NEON_EMULATE)

#if defined(GK_NEON_EMULATE)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
#include <math.h>
// SIMDe 0.7 lacks fcvtns; emulate it (round to nearest even under the default mode).
static inline int32x4_t gk_emul_cvtnq_s32_f32(float32x4_t v) {
    float f[4];
    int32_t r[4];
    vst1q_f32(f, v);
    for (int i = 0; i < 4; i++) r[i] = (int32_t)nearbyintf(f[i]);
    return vld1q_s32(r);
}
#define vcvtnq_s32_f32 gk_emul_cvtnq_s32_f32
#else
#include <arm_neon.h>
#endif

// MARK: Integer tiles without sdot: widening multiplies, pairs summed into int32 lanes.
// Each int16 sum of two products stays within ±2·128·127.

static inline __attribute__((always_inline)) int32x4_t gk_sdot_emul(int32x4_t acc, int8x16_t a, int8x16_t b) {
    const int16x8_t p0 = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    const int16x8_t p1 = vmull_high_s8(a, b);
    return vpadalq_s16(acc, vaddq_s16(p0, p1));
}

#define GK_SDOT(acc, a, b) gk_sdot_emul((acc), (a), (b))
#define GK_SUFFIX(name) name##_neon
#include "gk_neon_quant.inc"
#undef GK_SDOT
#undef GK_SUFFIX

// MARK: Integer tiles with sdot

#if !defined(GK_NEON_EMULATE)
#pragma clang attribute push(__attribute__((target("dotprod"))), apply_to = function)
#endif
#define GK_SDOT(acc, a, b) vdotq_s32((acc), (a), (b))
#define GK_SUFFIX(name) name##_neondot
#include "gk_neon_quant.inc"
#undef GK_SDOT
#undef GK_SUFFIX
#if !defined(GK_NEON_EMULATE)
#pragma clang attribute pop
#endif

#define GK_INLINE static inline __attribute__((always_inline))
#define GK_ROW(base, stride, i, T) ((const T *)((const char *)(base) + (size_t)(i) * (stride)))
#define GK_PREFETCH_NEXT(p, NR, ws) __builtin_prefetch((const char *)(p) + (size_t)(NR) * (ws))

// MARK: Float tiles (4 lanes × 2 per step; scalar tail)

GK_INLINE float32x4_t ld_f32(const float *p) { return vld1q_f32(p); }
GK_INLINE float32x4_t ld_f16(const uint16_t *p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
GK_INLINE float32x4_t ld_bf16(const uint16_t *p) { return vreinterpretq_f32_u32(vshlq_n_u32(vmovl_u16(vld1_u16(p)), 16)); }
GK_INLINE float sc_f32(const float *p) { return *p; }
GK_INLINE float sc_f16(const uint16_t *p) { return gk_fp16_table[*p]; }
GK_INLINE float sc_bf16(const uint16_t *p) { return gk_bf2f(*p); }

#define GK_FLOAT_TILE_IMPL(name, T, LOAD, SCALAR)                                                  \
    GK_INLINE void name(int64_t n, const void *w, size_t ws, const void *a, size_t as, float *out, \
                        size_t os, const int NR, const int NT) {                                    \
        float32x4_t acc[4][4];                                                                     \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) acc[r][t] = vdupq_n_f32(0.0f);                            \
        int64_t i = 0;                                                                             \
        for (; i + 4 <= n; i += 4) {                                                               \
            float32x4_t av[4];                                                                     \
            for (int t = 0; t < NT; t++) av[t] = LOAD(GK_ROW(a, as, t, T) + i);                    \
            for (int r = 0; r < NR; r++) {                                                         \
                if ((i * sizeof(T)) % 64 == 0) GK_PREFETCH_NEXT(GK_ROW(w, ws, r, T) + i, NR, ws);  \
                const float32x4_t wv = LOAD(GK_ROW(w, ws, r, T) + i);                              \
                for (int t = 0; t < NT; t++) acc[r][t] = vfmaq_f32(acc[r][t], wv, av[t]);          \
            }                                                                                      \
        }                                                                                          \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) {                                                         \
                float s = vaddvq_f32(acc[r][t]);                                                   \
                for (int64_t j = i; j < n; j++)                                                    \
                    s += SCALAR(GK_ROW(w, ws, r, T) + j) * SCALAR(GK_ROW(a, as, t, T) + j);        \
                out[t * os + r] = s;                                                               \
            }                                                                                      \
    }

GK_FLOAT_TILE_IMPL(f32_impl_neon, float, ld_f32, sc_f32)
GK_FLOAT_TILE_IMPL(f16_impl_neon, uint16_t, ld_f16, sc_f16)
GK_FLOAT_TILE_IMPL(bf16_impl_neon, uint16_t, ld_bf16, sc_bf16)

#define GK_DEFINE_FLOAT_TILE(name, impl)                                                           \
    static void name(int64_t n, const void *w, size_t ws, int nr, const void *a, size_t as,        \
                     int nt, float *out, size_t os) {                                              \
        /* Float tiles gain little from token tiling on 32 registers; rows × 1 token loops. */    \
        for (int t = 0; t < nt; t++) {                                                             \
            const void *at = (const char *)a + (size_t)t * as;                                     \
            switch (nr) {                                                                          \
            case 1: impl(n, w, ws, at, as, out + t * os, os, 1, 1); break;                         \
            case 2: impl(n, w, ws, at, as, out + t * os, os, 2, 1); break;                         \
            case 3: impl(n, w, ws, at, as, out + t * os, os, 3, 1); break;                         \
            default: impl(n, w, ws, at, as, out + t * os, os, 4, 1); break;                        \
            }                                                                                      \
        }                                                                                          \
    }

GK_DEFINE_FLOAT_TILE(tile_f32_neon, f32_impl_neon)
GK_DEFINE_FLOAT_TILE(tile_f16_neon, f16_impl_neon)
GK_DEFINE_FLOAT_TILE(tile_bf16_neon, bf16_impl_neon)

// MARK: Activation quantization (bit-identical to the portable quantizers)

static void quant_q8_0_neon(const float *x, gk_act_q8_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float32x4_t v[8];
        float32x4_t mx = vdupq_n_f32(0.0f);
        for (int k = 0; k < 8; k++) {
            v[k] = vld1q_f32(x + 4 * k);
            mx = vmaxq_f32(mx, vabsq_f32(v[k]));
        }
        const float amax = vmaxvq_f32(mx);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = gk_h2f(gk_f2h(amax / 127.0f));
        int32x4_t sum = vdupq_n_s32(0);
        for (int k = 0; k < 8; k += 2) {
            // fcvtns rounds to nearest, ties to even, like the scalar quantizer.
            const int32x4_t q0 = vcvtnq_s32_f32(vmulq_n_f32(v[k], id));
            const int32x4_t q1 = vcvtnq_s32_f32(vmulq_n_f32(v[k + 1], id));
            sum = vaddq_s32(sum, vaddq_s32(q0, q1));
            const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
            vst1_s8(y[b].qs + 4 * k, vqmovn_s16(q16));
        }
        y[b].offset = -8 * vaddvq_s32(sum);
    }
}

static void quant_q8_K_neon(const float *x, gk_act_q8_K *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        float32x4_t mx = vdupq_n_f32(0.0f);
        for (int k = 0; k < 64; k++) mx = vmaxq_f32(mx, vabsq_f32(vld1q_f32(x + 4 * k)));
        const float amax = vmaxvq_f32(mx);
        if (amax == 0.0f) {
            memset(&y[b], 0, sizeof(gk_act_q8_K));
            continue;
        }
        // The first element of largest magnitude gives the sign, as in the scalar quantizer.
        float max = 0.0f;
        for (int j = 0; j < GK_QKK; j++) {
            if ((x[j] < 0 ? -x[j] : x[j]) == amax) { max = x[j]; break; }
        }
        const float iscale = -127.0f / max;
        const int32x4_t q127 = vdupq_n_s32(127);
        for (int g = 0; g < 16; g++) {
            int32x4_t q[4];
            for (int k = 0; k < 4; k++) q[k] = vminq_s32(vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(x + 16 * g + 4 * k), iscale)), q127);
            y[b].bsums[g] = (int16_t)vaddvq_s32(vaddq_s32(vaddq_s32(q[0], q[1]), vaddq_s32(q[2], q[3])));
            const int16x8_t lo = vcombine_s16(vqmovn_s32(q[0]), vqmovn_s32(q[1]));
            const int16x8_t hi = vcombine_s16(vqmovn_s32(q[2]), vqmovn_s32(q[3]));
            vst1q_s8(y[b].qs + 16 * g, vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi)));
        }
        for (int j = 0; j < 8; j++) y[b].bsums32[j] = (int16_t)(y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        y[b].d = 1.0f / iscale;
    }
}

// MARK: Half rows (fcvtn/fcvtl round to nearest even under the default FPCR)

static void to_f16_neon(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_u16(y + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(x + i))));
    for (; i < n; i++) y[i] = gk_f2h(x[i]);
}

static void from_f16_neon(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, ld_f16(x + i));
    for (; i < n; i++) y[i] = gk_h2f(x[i]);
}

static void to_bf16_neon(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_f2bf(x[i]);
}

static float dot_f16_neon(const uint16_t *a, const uint16_t *b, int64_t n) {
    float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        acc0 = vfmaq_f32(acc0, ld_f16(a + i), ld_f16(b + i));
        acc1 = vfmaq_f32(acc1, ld_f16(a + i + 4), ld_f16(b + i + 4));
    }
    float s = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; i++) s += gk_h2f(a[i]) * gk_h2f(b[i]);
    return s;
}

static void axpy_f16_neon(float alpha, const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vfmaq_n_f32(vld1q_f32(y + i), ld_f16(x + i), alpha));
    for (; i < n; i++) y[i] += alpha * gk_h2f(x[i]);
}

#define GK_NEON_TABLE(name, sfx)                                                                   \
    const gk_kernel_table name = {                                                                 \
        .tile_f32 = tile_f32_neon,                                                                 \
        .tile_f16 = tile_f16_neon,                                                                 \
        .tile_bf16 = tile_bf16_neon,                                                               \
        .tile_q4_0 = tile_q4_0_##sfx,                                                              \
        .tile_q8_0 = tile_q8_0_##sfx,                                                              \
        .tile_q4_K = tile_q4_K_##sfx,                                                              \
        .tile_q5_K = tile_q5_K_##sfx,                                                              \
        .tile_q6_K = tile_q6_K_##sfx,                                                              \
        .tile_q4_1 = tile_q4_1_##sfx,                                                              \
        .tile_q5_0 = tile_q5_0_##sfx,                                                              \
        .tile_q5_1 = tile_q5_1_##sfx,                                                              \
        .tile_q2_K = tile_q2_K_##sfx,                                                              \
        .tile_q3_K = tile_q3_K_##sfx,                                                              \
        .tile_iq4_nl = tile_iq4_nl_##sfx,                                                          \
        .tile_iq4_xs = tile_iq4_xs_##sfx,                                                          \
        .quant_q8_0 = quant_q8_0_neon,                                                             \
        .quant_q8_K = quant_q8_K_neon,                                                             \
        .to_f16 = to_f16_neon,                                                                     \
        .from_f16 = from_f16_neon,                                                                 \
        .to_bf16 = to_bf16_neon,                                                                   \
        .dot_f16 = dot_f16_neon,                                                                   \
        .axpy_f16 = axpy_f16_neon,                                                                 \
        .mv_rows = 4,                                                                              \
        .mm_rows = 4,                                                                              \
        .mm_tokens = 4,                                                                            \
        .packed = &gk_layout_##sfx,                                                                \
    };

GK_NEON_TABLE(gk_table_neon, neon)
GK_NEON_TABLE(gk_table_neondot, neondot)

#endif
