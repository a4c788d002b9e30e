// AVX-512 (F/BW/VL/VNNI) kernels. Only compiled for x86-64; selected at run time.

#include "gk_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"))), apply_to = function)

#define GK_DPBUSD(acc, u, s) _mm256_dpbusd_epi32((acc), (u), (s))
#define GK_DPWSSD(acc, x, y) _mm256_dpwssd_epi32((acc), (x), (y))
#define GK_SUFFIX(name) name##_avx512
#define GK_OPAQUE(v) __asm__("" : "+v"(v))
#include "gk_x86_quant.inc"

// MARK: Float tiles (16 lanes; masked loads for the tail so any length works)

GK_INLINE __m512 load_f32_512(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
GK_INLINE __m512 load_f16_512(const uint16_t *p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}
GK_INLINE __m512 load_bf16_512(const uint16_t *p, __mmask16 m) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
}

#define GK_FLOAT_TILE_IMPL(name, T, LOAD)                                                          \
    GK_INLINE void name(int64_t n, const void *w, size_t ws, const void *a, size_t as, float *out, \
                        size_t os, const int NR, const int NT) {                                    \
        __m512 acc[4][4];                                                                          \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) acc[r][t] = _mm512_setzero_ps();                          \
        for (int64_t i = 0; i < n; i += 16) {                                                      \
            const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1); \
            __m512 av[4];                                                                          \
            for (int t = 0; t < NT; t++) av[t] = LOAD(GK_ROW(a, as, t, T) + i, m);                 \
            for (int r = 0; r < NR; r++) {                                                         \
                if (sizeof(T) == 4 || (i & 31) == 0) GK_PREFETCH_NEXT(GK_ROW(w, ws, r, T) + i, NR, ws); \
                const __m512 wv = LOAD(GK_ROW(w, ws, r, T) + i, m);                                \
                for (int t = 0; t < NT; t++) acc[r][t] = _mm512_fmadd_ps(wv, av[t], acc[r][t]);    \
            }                                                                                      \
        }                                                                                          \
        for (int r = 0; r < NR; r++)                                                               \
            for (int t = 0; t < NT; t++) out[t * os + r] = _mm512_reduce_add_ps(acc[r][t]);        \
    }

GK_FLOAT_TILE_IMPL(f32_impl_avx512, float, load_f32_512)
GK_FLOAT_TILE_IMPL(f16_impl_avx512, uint16_t, load_f16_512)
GK_FLOAT_TILE_IMPL(bf16_impl_avx512, uint16_t, load_bf16_512)
GK_DEFINE_TILE(tile_f32_avx512, f32_impl_avx512)
GK_DEFINE_TILE(tile_f16_avx512, f16_impl_avx512)
GK_DEFINE_TILE(tile_bf16_avx512, bf16_impl_avx512)

// MARK: Activation quantization

static void quant_q8_0_avx512(const float *x, gk_act_q8_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = _cvtsh_ss(_cvtss_sh(amax / 127.0f, 0));
        const __m512 mul = _mm512_set1_ps(id);
        const __m512i q0 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(v0, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512i q1 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(v1, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *)y[b].qs, _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128((__m128i *)(y[b].qs + 16), _mm512_cvtepi32_epi8(q1));
        y[b].offset = -8 * _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
    }
}

/// Bit-identical to gk_quantize_act_q8_K: same max search (first element of largest
/// magnitude), the same float products, and cvt with round-to-nearest-even equals the
/// scalar magic-number rounding for these magnitudes.
static void quant_q8_K_avx512(const float *x, gk_act_q8_K *y, int64_t n) {
    const __m512i q127 = _mm512_set1_epi32(127);
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        __m512 mx = _mm512_setzero_ps();
        for (int k = 0; k < 16; k++) mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_loadu_ps(x + 16 * k)));
        const float amax = _mm512_reduce_max_ps(mx);
        if (amax == 0.0f) {
            memset(&y[b], 0, sizeof(gk_act_q8_K));
            continue;
        }
        float max = 0.0f;
        const __m512 va = _mm512_set1_ps(amax);
        for (int k = 0; k < 16; k++) {
            const __mmask16 m = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_loadu_ps(x + 16 * k)), va, _CMP_EQ_OQ);
            if (m) { max = x[16 * k + __builtin_ctz(m)]; break; }
        }
        const float iscale = -127.0f / max;
        const __m512 vs = _mm512_set1_ps(iscale);
        for (int k = 0; k < 16; k++) {
            __m512i q = _mm512_cvt_roundps_epi32(_mm512_mul_ps(vs, _mm512_loadu_ps(x + 16 * k)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            q = _mm512_min_epi32(q, q127);
            _mm_storeu_si128((__m128i *)(y[b].qs + 16 * k), _mm512_cvtepi32_epi8(q));
            y[b].bsums[k] = (int16_t)_mm512_reduce_add_epi32(q);
        }
        for (int j = 0; j < 8; j++) y[b].bsums32[j] = (int16_t)(y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        y[b].d = 1.0f / iscale;
    }
}

// MARK: Half rows

static void to_f16_avx512(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(y + i), _mm512_cvtps_ph(_mm512_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = _cvtss_sh(x[i], 0);
}

static void from_f16_avx512(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i))));
    for (; i < n; i++) y[i] = _cvtsh_ss(x[i]);
}

static void to_bf16_avx512(const float *x, uint16_t *y, int64_t n) {
    // Integer rounding rather than vcvtneps2bf16, which flushes subnormals to zero.
    int64_t i = 0;
    const __m512i bias = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1);
    const __m512i absmask = _mm512_set1_epi32(0x7fffffff), inf = _mm512_set1_epi32(0x7f800000);
    for (; i + 16 <= n; i += 16) {
        const __m512i u = _mm512_loadu_si512(x + i);
        const __m512i r = _mm512_srli_epi32(
            _mm512_add_epi32(u, _mm512_add_epi32(bias, _mm512_and_si512(_mm512_srli_epi32(u, 16), one))), 16);
        const __m512i q = _mm512_or_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(0x40));
        const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, absmask), inf);
        _mm256_storeu_si256((__m256i *)(y + i), _mm512_cvtepi32_epi16(_mm512_mask_blend_epi32(nan, r, q)));
    }
    for (; i < n; i++) y[i] = gk_f2bf(x[i]);
}

static float dot_f16_avx512(const uint16_t *a, const uint16_t *b, int64_t n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm512_fmadd_ps(load_f16_512(a + i, 0xFFFF), load_f16_512(b + i, 0xFFFF), acc0);
        acc1 = _mm512_fmadd_ps(load_f16_512(a + i + 16, 0xFFFF), load_f16_512(b + i + 16, 0xFFFF), acc1);
    }
    for (; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        acc0 = _mm512_fmadd_ps(load_f16_512(a + i, m), load_f16_512(b + i, m), acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

static void axpy_f16_avx512(float alpha, const uint16_t *x, float *y, int64_t n) {
    const __m512 va = _mm512_set1_ps(alpha);
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_fmadd_ps(va, load_f16_512(x + i, m), _mm512_maskz_loadu_ps(m, y + i)));
    }
}

#pragma clang attribute pop

const gk_kernel_table gk_table_avx512 = {
    .tile_f32 = tile_f32_avx512,
    .tile_f16 = tile_f16_avx512,
    .tile_bf16 = tile_bf16_avx512,
    .tile_q4_0 = tile_q4_0_avx512,
    .tile_q8_0 = tile_q8_0_avx512,
    .tile_q4_K = tile_q4_K_avx512,
    .tile_q5_K = tile_q5_K_avx512,
    .tile_q6_K = tile_q6_K_avx512,
    .tile_q4_1 = tile_q4_1_avx512,
    .tile_q5_0 = tile_q5_0_avx512,
    .tile_q5_1 = tile_q5_1_avx512,
    .tile_q2_K = tile_q2_K_avx512,
    .tile_q3_K = tile_q3_K_avx512,
    .tile_iq4_nl = tile_iq4_nl_avx512,
    .tile_iq4_xs = tile_iq4_xs_avx512,
    .quant_q8_0 = quant_q8_0_avx512,
    .quant_q8_K = quant_q8_K_avx512,
    .to_f16 = to_f16_avx512,
    .from_f16 = from_f16_avx512,
    .to_bf16 = to_bf16_avx512,
    .dot_f16 = dot_f16_avx512,
    .axpy_f16 = axpy_f16_avx512,
    .mv_rows = 4,
    .mm_rows = 4,
    .mm_tokens = 4,
    .packed = &gk_layout_avx512,
};

#endif
