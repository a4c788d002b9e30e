// Attention of query heads over the f16 KV cache, and SwiGLU, with AVX-512 and AVX2 paths.
//
// Profiles of prompt processing showed the Swift attention loop (a C call per position
// for the dot and for the axpy, scalar expf, Float16 conversions through libcalls) and
// the scalar SwiGLU (one expf per element) at ~15 % of the time once matmuls got faster.

#include "gk_internal.h"
#include <math.h>

static void attend_scalar(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                          int64_t length, int64_t hd, float scale, float slope, float *scores, float *out) {
    float qh[512];
    for (int64_t i = 0; i < hd; i++) qh[i] = gk_h2f(gk_f2h(q[i]));
    float mx = -INFINITY;
    for (int64_t p = 0; p < length; p++) {
        const uint16_t *k = keys + p * stride;
        float s = 0;
        for (int64_t i = 0; i < hd; i++) s += qh[i] * gk_h2f(k[i]);
        scores[p] = s * scale - slope * (float)(length - 1 - p);
        if (scores[p] > mx) mx = scores[p];
    }
    double sum = 0;
    for (int64_t p = 0; p < length; p++) { scores[p] = expf(scores[p] - mx); sum += scores[p]; }
    const float inv = (float)(1 / sum);
    for (int64_t i = 0; i < hd; i++) out[i] = 0;
    for (int64_t p = 0; p < length; p++) {
        const float w = gk_h2f(gk_f2h(scores[p] * inv));
        const uint16_t *v = values + p * stride;
        for (int64_t i = 0; i < hd; i++) out[i] += w * gk_h2f(v[i]);
    }
}

static void swiglu_scalar(float *gate, const float *up, int64_t n) {
    for (int64_t i = 0; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c"))), apply_to = function)

/// e^x for 16 lanes, x ≤ 88.7 (below −87.3 gives 0): Cody–Waite reduction by ln 2 and a
/// degree-6 polynomial (Cephes expf coefficients), within 2 ulp of expf.
static inline __attribute__((always_inline)) __m512 exp512(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-103.0f));
    x = _mm512_min_ps(x, _mm512_set1_ps(88.7f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

static inline __attribute__((always_inline)) __m512 round_half(__m512 v) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/// scores[0..<length] ← e^(s − mx) / Σ, the sum in double and each weight rounded to half.
static void softmax_half512(float *scores, int64_t length, float mx) {
    const __m512 vm = _mm512_set1_ps(mx);
    __m512d sum0 = _mm512_setzero_pd(), sum1 = _mm512_setzero_pd();
    int64_t i;
    for (i = 0; i < length; i += 16) {
        const __mmask16 m = length - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - i)) - 1);
        const __m512 e = _mm512_maskz_mov_ps(m, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, scores + i), vm)));
        _mm512_mask_storeu_ps(scores + i, m, e);
        sum0 = _mm512_add_pd(sum0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum1 = _mm512_add_pd(sum1, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
    }
    const __m512 inv = _mm512_set1_ps((float)(1.0 / _mm512_reduce_add_pd(_mm512_add_pd(sum0, sum1))));
    for (i = 0; i < length; i += 16) {
        const __mmask16 m = length - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - i)) - 1);
        _mm512_mask_storeu_ps(scores + i, m, round_half(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, scores + i), inv)));
    }
}

/// out[qi][col…] = Σ_p scores[qi][p]·v[p] over W vectors of value columns starting at `values`,
/// p from 0 up (the order of a lone query's sum), for the NQ queries' own lengths.
static inline __attribute__((always_inline)) void values_pass512(const uint16_t *values, int64_t stride, int64_t maxlen,
                                                                  const int64_t *len, const float *scores, const int NQ, const int W,
                                                                  float *const *out, int64_t col) {
    __m512 acc[NQ][W];
    for (int qi = 0; qi < NQ; qi++)
        for (int c = 0; c < W; c++) acc[qi][c] = _mm512_setzero_ps();
    for (int64_t p = 0; p < maxlen; p++) {
        const uint16_t *v = values + p * stride;
        __m512 vc[W];
        for (int c = 0; c < W; c++) vc[c] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(v + 16 * c)));
        for (int qi = 0; qi < NQ; qi++) {
            if (p >= len[qi]) continue;
            const __m512 wt = _mm512_set1_ps(scores[qi * maxlen + p]);
            for (int c = 0; c < W; c++) acc[qi][c] = _mm512_fmadd_ps(wt, vc[c], acc[qi][c]);
        }
    }
    for (int qi = 0; qi < NQ; qi++)
        for (int c = 0; c < W; c++) _mm512_storeu_ps(out[qi] + col + 16 * c, acc[qi][c]);
}

/// NQ query heads over the same cached K/V head (gk_attend_f16_many); with NQ = 1, one head.
/// Each query's operations are those of a lone query, in the same order, so the bits agree;
/// what is shared is loading and converting each cached row.
static inline __attribute__((always_inline)) void attend_many512(const float *const *q, const int64_t *len, const float *slope,
                                                                 const int NQ, const uint16_t *keys, const uint16_t *values, int64_t stride,
                                                                 int64_t hd, float scale, float *scores, float *const *out) {
    const int nv = (int)(hd / 16);  // hd is a multiple of 16, at most 256
    int64_t maxlen = 0;
    for (int qi = 0; qi < NQ; qi++) maxlen = len[qi] > maxlen ? len[qi] : maxlen;
    __m512 qv[NQ][16];
    float mx[NQ];
    for (int qi = 0; qi < NQ; qi++) {
        for (int i = 0; i < nv; i++) qv[qi][i] = round_half(_mm512_loadu_ps(q[qi] + 16 * i));
        mx[qi] = -INFINITY;
    }
    for (int64_t p = 0; p < maxlen; p++) {
        const uint16_t *k = keys + p * stride;
        __m512 s[NQ];
        __m512 kc = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)k));
        for (int qi = 0; qi < NQ; qi++) s[qi] = _mm512_mul_ps(qv[qi][0], kc);
        for (int i = 1; i < nv; i++) {
            kc = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(k + 16 * i)));
            for (int qi = 0; qi < NQ; qi++) s[qi] = _mm512_fmadd_ps(qv[qi][i], kc, s[qi]);
        }
        for (int qi = 0; qi < NQ; qi++)
            if (p < len[qi]) {
                const float v = _mm512_reduce_add_ps(s[qi]) * scale - slope[qi] * (float)(len[qi] - 1 - p);
                scores[qi * maxlen + p] = v;
                if (v > mx[qi]) mx[qi] = v;
            }
    }
    for (int qi = 0; qi < NQ; qi++) softmax_half512(scores + qi * maxlen, len[qi], mx[qi]);
    if (NQ == 1) {
        __m512 acc[16];
        for (int j = 0; j < nv; j++) acc[j] = _mm512_setzero_ps();
        for (int64_t p = 0; p < maxlen; p++) {
            const __m512 w = _mm512_set1_ps(scores[p]);
            const uint16_t *v = values + p * stride;
            for (int j = 0; j < nv; j++) acc[j] = _mm512_fmadd_ps(w, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(v + 16 * j))), acc[j]);
        }
        for (int j = 0; j < nv; j++) _mm512_storeu_ps(out[0] + 16 * j, acc[j]);
        return;
    }
    // Several queries: passes over W value vectors at a time, NQ × W accumulators in registers.
    int j0 = 0;
    for (; j0 + 2 <= nv; j0 += 2) values_pass512(values + 16 * j0, stride, maxlen, len, scores, NQ, 2, out, 16 * j0);
    for (; j0 < nv; j0++) values_pass512(values + 16 * j0, stride, maxlen, len, scores, NQ, 1, out, 16 * j0);
}

static void attend_avx512(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                          int64_t length, int64_t hd, float scale, float slope, float *scores, float *out) {
    attend_many512(&q, &length, &slope, 1, keys, values, stride, hd, scale, scores, &out);
}

static void attend_many_avx512(const float *const *q, const int64_t *len, const float *slope, int nq, const uint16_t *keys,
                               const uint16_t *values, int64_t stride, int64_t hd, float scale, float *scores, float *const *out) {
    switch (nq) {
    case 1: attend_many512(q, len, slope, 1, keys, values, stride, hd, scale, scores, out); break;
    case 2: attend_many512(q, len, slope, 2, keys, values, stride, hd, scale, scores, out); break;
    case 3: attend_many512(q, len, slope, 3, keys, values, stride, hd, scale, scores, out); break;
    default: attend_many512(q, len, slope, 4, keys, values, stride, hd, scale, scores, out); break;
    }
}

static void swiglu_avx512(float *gate, const float *up, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        const __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
        const __m512 e = exp512(_mm512_sub_ps(_mm512_setzero_ps(), g));
        const __m512 s = _mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
        _mm512_mask_storeu_ps(gate + i, m, _mm512_mul_ps(s, _mm512_maskz_loadu_ps(m, up + i)));
    }
}

#pragma clang attribute pop

static int use_avx512(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("f16c");
    }
    return cached && gk_current_path() == GK_PATH_AVX512_VNNI;
}

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

/// e^x for 8 lanes, x clamped to [−87.3, 88.3] (so 2^n stays a normal float): the same
/// Cody–Waite reduction and Cephes polynomial as exp512, with 2^n built in the exponent bits.
static inline __attribute__((always_inline)) __m256 exp256(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    x = _mm256_min_ps(x, _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline __attribute__((always_inline)) __m256 round_half256(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

static inline __attribute__((always_inline)) float sum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// scores[0..<length] ← e^(s − mx) / Σ, the sum in double and each weight rounded to half;
/// the tail goes through an 8-lane buffer, so every weight uses the same exp.
static void softmax_half256(float *scores, int64_t length, float mx) {
    const __m256 vm = _mm256_set1_ps(mx);
    __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= length; i += 8) {
        const __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(scores + i), vm));
        _mm256_storeu_ps(scores + i, e);
        sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double sum = 0;
    if (i < length) {
        float tail[8];
        for (int j = 0; j < 8; j++) tail[j] = i + j < length ? scores[i + j] - mx : -INFINITY;
        _mm256_storeu_ps(tail, exp256(_mm256_loadu_ps(tail)));
        for (int j = 0; i + j < length; j++) { scores[i + j] = tail[j]; sum += tail[j]; }
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(sum0, sum1));
    sum += lanes[0] + lanes[1] + lanes[2] + lanes[3];
    const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
    for (i = 0; i + 8 <= length; i += 8) _mm256_storeu_ps(scores + i, round_half256(_mm256_mul_ps(_mm256_loadu_ps(scores + i), inv)));
    for (; i < length; i++) scores[i] = gk_h2f(gk_f2h(scores[i] * (float)(1.0 / sum)));
}

/// out[qi][col…] = Σ_p scores[qi][p]·v[p] over W vectors of value columns starting at `values`,
/// p from 0 up (the order of a lone query's sum), for the NQ queries' own lengths.
static inline __attribute__((always_inline)) void values_pass256(const uint16_t *values, int64_t stride, int64_t maxlen,
                                                                  const int64_t *len, const float *scores, const int NQ, const int W,
                                                                  float *const *out, int64_t col) {
    __m256 acc[NQ][W];
    for (int qi = 0; qi < NQ; qi++)
        for (int c = 0; c < W; c++) acc[qi][c] = _mm256_setzero_ps();
    for (int64_t p = 0; p < maxlen; p++) {
        const uint16_t *v = values + p * stride;
        __m256 vc[W];
        for (int c = 0; c < W; c++) vc[c] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8 * c)));
        for (int qi = 0; qi < NQ; qi++) {
            if (p >= len[qi]) continue;
            const __m256 wt = _mm256_set1_ps(scores[qi * maxlen + p]);
            for (int c = 0; c < W; c++) acc[qi][c] = _mm256_fmadd_ps(wt, vc[c], acc[qi][c]);
        }
    }
    for (int qi = 0; qi < NQ; qi++)
        for (int c = 0; c < W; c++) _mm256_storeu_ps(out[qi] + col + 8 * c, acc[qi][c]);
}

/// attend_many512 with 8-lane vectors; hd a multiple of 8, at most 512.
static inline __attribute__((always_inline)) void attend_many256(const float *const *q, const int64_t *len, const float *slope,
                                                                 const int NQ, const uint16_t *keys, const uint16_t *values, int64_t stride,
                                                                 int64_t hd, float scale, float *scores, float *const *out) {
    const int nv = (int)(hd / 8);
    int64_t maxlen = 0;
    for (int qi = 0; qi < NQ; qi++) maxlen = len[qi] > maxlen ? len[qi] : maxlen;
    __m256 qv[NQ][64];
    float mx[NQ];
    for (int qi = 0; qi < NQ; qi++) {
        for (int i = 0; i < nv; i++) qv[qi][i] = round_half256(_mm256_loadu_ps(q[qi] + 8 * i));
        mx[qi] = -INFINITY;
    }
    for (int64_t p = 0; p < maxlen; p++) {
        const uint16_t *k = keys + p * stride;
        __m256 s[NQ];
        __m256 kc = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)k));
        for (int qi = 0; qi < NQ; qi++) s[qi] = _mm256_mul_ps(qv[qi][0], kc);
        for (int i = 1; i < nv; i++) {
            kc = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + 8 * i)));
            for (int qi = 0; qi < NQ; qi++) s[qi] = _mm256_fmadd_ps(qv[qi][i], kc, s[qi]);
        }
        for (int qi = 0; qi < NQ; qi++)
            if (p < len[qi]) {
                const float v = sum256(s[qi]) * scale - slope[qi] * (float)(len[qi] - 1 - p);
                scores[qi * maxlen + p] = v;
                if (v > mx[qi]) mx[qi] = v;
            }
    }
    for (int qi = 0; qi < NQ; qi++) softmax_half256(scores + qi * maxlen, len[qi], mx[qi]);
    if (NQ == 1) {
        __m256 acc[64];
        for (int j = 0; j < nv; j++) acc[j] = _mm256_setzero_ps();
        for (int64_t p = 0; p < maxlen; p++) {
            const __m256 w = _mm256_set1_ps(scores[p]);
            const uint16_t *v = values + p * stride;
            for (int j = 0; j < nv; j++) acc[j] = _mm256_fmadd_ps(w, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8 * j))), acc[j]);
        }
        for (int j = 0; j < nv; j++) _mm256_storeu_ps(out[0] + 8 * j, acc[j]);
        return;
    }
    // Several queries: passes over W value vectors at a time, NQ × W accumulators in registers.
    int j0 = 0;
    for (; j0 + 2 <= nv; j0 += 2) values_pass256(values + 8 * j0, stride, maxlen, len, scores, NQ, 2, out, 8 * j0);
    for (; j0 < nv; j0++) values_pass256(values + 8 * j0, stride, maxlen, len, scores, NQ, 1, out, 8 * j0);
}

static void attend_avx2(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                        int64_t length, int64_t hd, float scale, float slope, float *scores, float *out) {
    attend_many256(&q, &length, &slope, 1, keys, values, stride, hd, scale, scores, &out);
}

static void attend_many_avx2(const float *const *q, const int64_t *len, const float *slope, int nq, const uint16_t *keys,
                             const uint16_t *values, int64_t stride, int64_t hd, float scale, float *scores, float *const *out) {
    switch (nq) {
    case 1: attend_many256(q, len, slope, 1, keys, values, stride, hd, scale, scores, out); break;
    case 2: attend_many256(q, len, slope, 2, keys, values, stride, hd, scale, scores, out); break;
    case 3: attend_many256(q, len, slope, 3, keys, values, stride, hd, scale, scores, out); break;
    default: attend_many256(q, len, slope, 4, keys, values, stride, hd, scale, scores, out); break;
    }
}

static void swiglu_avx2(float *gate, const float *up, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), g));
        const __m256 s = _mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(s, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

#pragma clang attribute pop

static int use_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    return cached && gk_current_path() == GK_PATH_AVX2;
}
#else
static int use_avx512(void) { return 0; }
static int use_avx2(void) { return 0; }
#endif

void gk_attend_f16(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride, int64_t length,
                   int64_t head_dim, float scale, float alibi_slope, float *scores, float *out) {
#if defined(__x86_64__)
    if (use_avx512() && head_dim % 16 == 0 && head_dim <= 256) {
        attend_avx512(q, keys, values, stride, length, head_dim, scale, alibi_slope, scores, out);
        return;
    }
    if (use_avx2() && head_dim % 8 == 0 && head_dim <= 512) {
        attend_avx2(q, keys, values, stride, length, head_dim, scale, alibi_slope, scores, out);
        return;
    }
#endif
    attend_scalar(q, keys, values, stride, length, head_dim, scale, alibi_slope, scores, out);
}

void gk_attend_f16_many(const float *const *q, const int64_t *lengths, const float *alibi_slopes, int nq,
                        const uint16_t *keys, const uint16_t *values, int64_t stride, int64_t head_dim, float scale,
                        float *scores, float *const *out) {
    if (nq < 1 || nq > GK_ATTEND_MANY) return;
#if defined(__x86_64__)
    if (use_avx512() && head_dim % 16 == 0 && head_dim <= 256) {
        attend_many_avx512(q, lengths, alibi_slopes, nq, keys, values, stride, head_dim, scale, scores, out);
        return;
    }
    if (use_avx2() && head_dim % 8 == 0 && head_dim <= 512) {
        attend_many_avx2(q, lengths, alibi_slopes, nq, keys, values, stride, head_dim, scale, scores, out);
        return;
    }
#endif
    for (int i = 0; i < nq; i++) attend_scalar(q[i], keys, values, stride, lengths[i], head_dim, scale, alibi_slopes[i], scores, out[i]);
}

void gk_swiglu(float *gate, const float *up, int64_t n) {
#if defined(__x86_64__)
    if (use_avx512()) { swiglu_avx512(gate, up, n); return; }
    if (use_avx2()) { swiglu_avx2(gate, up, n); return; }
#endif
    swiglu_scalar(gate, up, n);
}
