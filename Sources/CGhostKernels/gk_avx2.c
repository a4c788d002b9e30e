// AVX2 + FMA + F16C kernels for x86-64 CPUs without AVX-512 VNNI. Selected at run time.

#include "gk_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

// maddubs saturates pairs to int16; every caller keeps |u·s + u·s| < 2^15 (see the ranges
// in gk_x86_quant.inc), so the saturation never triggers.
#define GK_DPBUSD(acc, u, s) _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), _mm256_set1_epi16(1)))
#define GK_DPWSSD(acc, x, y) _mm256_add_epi32((acc), _mm256_madd_epi16((x), (y)))
#define GK_SUFFIX(name) name##_avx2
#define GK_OPAQUE(v) __asm__("" : "+x"(v))
#include "gk_x86_quant.inc"

// MARK: Float tiles (8 lanes; scalar tail)

GK_INLINE __m256 load_f32_256(const float *p) { return _mm256_loadu_ps(p); }
GK_INLINE __m256 load_f16_256(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
GK_INLINE __m256 load_bf16_256(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}
GK_INLINE float sc_f32(const float *p) { return *p; }
GK_INLINE float sc_f16(const uint16_t *p) { return _cvtsh_ss(*p); }
GK_INLINE float sc_bf16(const uint16_t *p) { return gk_bf2f(*p); }

#define GK_FLOAT_TILE_IMPL(name, T, LOAD, SCALAR)                                                  \
    GK_INLINE void name(int64_t n, const void *w, size_t ws, const void *a, size_t as, float *out, \
                        size_t os, const int NR, const int NT) {                                    \
        __m256 acc[4][4];                                                                          \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) acc[r][t] = _mm256_setzero_ps();                          \
        int64_t i = 0;                                                                             \
        for (; i + 8 <= n; i += 8) {                                                               \
            __m256 av[4];                                                                          \
            for (int t = 0; t < NT; t++) av[t] = LOAD(GK_ROW(a, as, t, T) + i);                    \
            for (int r = 0; r < NR; r++) {                                                         \
                if ((i * sizeof(T)) % 64 == 0) GK_PREFETCH_NEXT(GK_ROW(w, ws, r, T) + i, NR, ws);  \
                const __m256 wv = LOAD(GK_ROW(w, ws, r, T) + i);                                   \
                for (int t = 0; t < NT; t++) acc[r][t] = _mm256_fmadd_ps(wv, av[t], acc[r][t]);    \
            }                                                                                      \
        }                                                                                          \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) {                                                         \
                float s = hsum256_avx2(acc[r][t]);                                                 \
                for (int64_t j = i; j < n; j++)                                                    \
                    s += SCALAR(GK_ROW(w, ws, r, T) + j) * SCALAR(GK_ROW(a, as, t, T) + j);        \
                out[t * os + r] = s;                                                               \
            }                                                                                      \
    }

GK_FLOAT_TILE_IMPL(f32_impl_avx2, float, load_f32_256, sc_f32)
GK_FLOAT_TILE_IMPL(f16_impl_avx2, uint16_t, load_f16_256, sc_f16)
GK_FLOAT_TILE_IMPL(bf16_impl_avx2, uint16_t, load_bf16_256, sc_bf16)
GK_DEFINE_TILE(tile_f32_avx2, f32_impl_avx2)
GK_DEFINE_TILE(tile_f16_avx2, f16_impl_avx2)
GK_DEFINE_TILE(tile_bf16_avx2, bf16_impl_avx2)

// MARK: Activation quantization

static void quant_q8_0_avx2(const float *x, gk_act_q8_0 *y, int64_t n) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        __m256 v[4];
        __m256 mx = _mm256_setzero_ps();
        for (int k = 0; k < 4; k++) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            mx = _mm256_max_ps(mx, _mm256_andnot_ps(signbit, v[k]));
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = _cvtsh_ss(_cvtss_sh(amax / 127.0f, 0));
        const __m256 mul = _mm256_set1_ps(id);
        __m256i q[4];
        for (int k = 0; k < 4; k++)
            q[k] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[k], mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        const __m256i s = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        y[b].offset = -8 * hsum256i_avx2(s);
        // Pack 32 int32 → 32 int8 in order (packs interleave 128-bit lanes; undo with a permute).
        const __m256i p01 = _mm256_packs_epi32(q[0], q[1]);
        const __m256i p23 = _mm256_packs_epi32(q[2], q[3]);
        __m256i p = _mm256_packs_epi16(p01, p23);
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)y[b].qs, p);
    }
}

/// Bit-identical to gk_quantize_act_q8_K (see the AVX-512 version).
static void quant_q8_K_avx2(const float *x, gk_act_q8_K *y, int64_t n) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    const __m256i q127 = _mm256_set1_epi32(127);
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        __m256 mx = _mm256_setzero_ps();
        for (int k = 0; k < 32; k++) mx = _mm256_max_ps(mx, _mm256_andnot_ps(signbit, _mm256_loadu_ps(x + 8 * k)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        if (amax == 0.0f) {
            memset(&y[b], 0, sizeof(gk_act_q8_K));
            continue;
        }
        float max = 0.0f;
        const __m256 va = _mm256_set1_ps(amax);
        for (int k = 0; k < 32; k++) {
            const int m = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(signbit, _mm256_loadu_ps(x + 8 * k)), va, _CMP_EQ_OQ));
            if (m) { max = x[8 * k + __builtin_ctz((unsigned)m)]; break; }
        }
        const float iscale = -127.0f / max;
        const __m256 vs = _mm256_set1_ps(iscale);
        for (int g = 0; g < 16; g++) {
            const __m256i q0 = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(x + 16 * g)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)), q127);
            const __m256i q1 = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(x + 16 * g + 8)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)), q127);
            y[b].bsums[g] = (int16_t)hsum256i_avx2(_mm256_add_epi32(q0, q1));
            // 16 int32 → 16 int8 in order: packs work per 128-bit lane, so fix the order after.
            const __m256i p16 = _mm256_permute4x64_epi64(_mm256_packs_epi32(q0, q1), 0xD8);
            const __m128i p8 = _mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
            _mm_storeu_si128((__m128i *)(y[b].qs + 16 * g), p8);
        }
        for (int j = 0; j < 8; j++) y[b].bsums32[j] = (int16_t)(y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        y[b].d = 1.0f / iscale;
    }
}

// MARK: Half rows

static void to_f16_avx2(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = _cvtss_sh(x[i], 0);
}

static void from_f16_avx2(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, load_f16_256(x + i));
    for (; i < n; i++) y[i] = _cvtsh_ss(x[i]);
}

static void to_bf16_avx2(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_f2bf(x[i]);
}

static float dot_f16_avx2(const uint16_t *a, const uint16_t *b, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(load_f16_256(a + i), load_f16_256(b + i), acc0);
        acc1 = _mm256_fmadd_ps(load_f16_256(a + i + 8), load_f16_256(b + i + 8), acc1);
    }
    for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(load_f16_256(a + i), load_f16_256(b + i), acc0);
    float s = hsum256_avx2(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) s += _cvtsh_ss(a[i]) * _cvtsh_ss(b[i]);
    return s;
}

static void axpy_f16_avx2(float alpha, const uint16_t *x, float *y, int64_t n) {
    const __m256 va = _mm256_set1_ps(alpha);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, load_f16_256(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += alpha * _cvtsh_ss(x[i]);
}

#pragma clang attribute pop

const gk_kernel_table gk_table_avx2 = {
    .tile_f32 = tile_f32_avx2,
    .tile_f16 = tile_f16_avx2,
    .tile_bf16 = tile_bf16_avx2,
    .tile_q4_0 = tile_q4_0_avx2,
    .tile_q8_0 = tile_q8_0_avx2,
    .tile_q4_K = tile_q4_K_avx2,
    .tile_q5_K = tile_q5_K_avx2,
    .tile_q6_K = tile_q6_K_avx2,
    .tile_q4_1 = tile_q4_1_avx2,
    .tile_q5_0 = tile_q5_0_avx2,
    .tile_q5_1 = tile_q5_1_avx2,
    .tile_q2_K = tile_q2_K_avx2,
    .tile_q3_K = tile_q3_K_avx2,
    .tile_iq4_nl = tile_iq4_nl_avx2,
    .tile_iq4_xs = tile_iq4_xs_avx2,
    .quant_q8_0 = quant_q8_0_avx2,
    .quant_q8_K = quant_q8_K_avx2,
    .to_f16 = to_f16_avx2,
    .from_f16 = from_f16_avx2,
    .to_bf16 = to_bf16_avx2,
    .dot_f16 = dot_f16_avx2,
    .axpy_f16 = axpy_f16_avx2,
    .mv_rows = 4,
    .mm_rows = 4,
    .mm_tokens = 3,
    .packed = &gk_layout_avx2,
};

#endif
