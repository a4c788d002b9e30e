// The AVX-512 VNNI packed layout: groups of 16 rows, so one zmm holds 4 consecutive bytes of
// each of 16 rows and `vpdpbusd` with a broadcast activation dword yields the 16 rows' block
// sums in 16 lanes: 8 dpbusd + convert + scale + FMA per block and token for 16 rows (≈ 0.4
// uops per 32 MACs), no horizontal sums, and each unpacked weight block serves up to
// GK_PK_NT tokens. Q4_0, Q4_1, Q8_0 (stored +128) and Q4_K; byte layout in gk_packed.c.

#include "gk_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define GK_PK_ROWS 16
#define GK_PK_NT 8

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"))), apply_to = function)

#define GK_INLINE static inline __attribute__((always_inline))

GK_INLINE __m512i bcast32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/// 16 rows (one group, `nb` blocks from `pw`) × NT tokens of Q4_0 (MIN = 0: x = d·(q − 8))
/// or Q4_1 (MIN = 1: x = d·q + m, its fp16 m[16] after d[16]). The activation blocks
/// (gk_act_q8_0 / gk_act_q8_1) share their layout: d, then −8·Σa or s = d·Σa, then qs.
GK_INLINE void q4_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os,
                       const int NT, const int pf, const int MIN) {
    const int BYTES = MIN ? 320 : 288, QS = MIN ? 64 : 32;
    __m512 acc[GK_PK_NT];
    for (int t = 0; t < NT; t++) acc[t] = _mm512_setzero_ps();
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        if (pf) {
            for (int l = 0; l < BYTES; l += 64) _mm_prefetch((const char *)pw + 8 * BYTES + l, _MM_HINT_T0);
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)pw));
        __m512i w[8];
        for (int k = 0; k < 4; k++) {
            const __m512i p = _mm512_loadu_si512(pw + QS + 64 * k);
            w[k] = _mm512_and_si512(p, m4);
            w[k + 4] = _mm512_and_si512(_mm512_srli_epi16(p, 4), m4);
        }
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            __m512i s0 = MIN ? _mm512_setzero_si512() : _mm512_set1_epi32(ab->offset), s1 = _mm512_setzero_si512();
            s0 = _mm512_dpbusd_epi32(s0, w[0], bcast32(ab->qs + 0));
            s1 = _mm512_dpbusd_epi32(s1, w[1], bcast32(ab->qs + 4));
            s0 = _mm512_dpbusd_epi32(s0, w[2], bcast32(ab->qs + 8));
            s1 = _mm512_dpbusd_epi32(s1, w[3], bcast32(ab->qs + 12));
            s0 = _mm512_dpbusd_epi32(s0, w[4], bcast32(ab->qs + 16));
            s1 = _mm512_dpbusd_epi32(s1, w[5], bcast32(ab->qs + 20));
            s0 = _mm512_dpbusd_epi32(s0, w[6], bcast32(ab->qs + 24));
            s1 = _mm512_dpbusd_epi32(s1, w[7], bcast32(ab->qs + 28));
            const __m512 sum = _mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1));
            acc[t] = _mm512_fmadd_ps(sum, _mm512_mul_ps(dw, _mm512_set1_ps(ab->d)), acc[t]);
            if (MIN) {
                const __m512 mw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(pw + 32)));
                acc[t] = _mm512_fmadd_ps(mw, _mm512_set1_ps(((const gk_act_q8_1 *)ab)->s), acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; t++) _mm512_storeu_ps(out + (size_t)t * os, acc[t]);
}

GK_INLINE void q4_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT, const int pf) {
    q4_tile(pw, nb, a, as, out, os, NT, pf, 0);
}

GK_INLINE void q4_1_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT, const int pf) {
    q4_tile(pw, nb, a, as, out, os, NT, pf, 1);
}

GK_INLINE void q8_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os,
                         const int NT, const int pf) {
    __m512 acc[GK_PK_NT];
    for (int t = 0; t < NT; t++) acc[t] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++, pw += 544) {
        if (pf) {
            for (int l = 0; l < 544; l += 64) _mm_prefetch((const char *)pw + 6 * 544 + l, _MM_HINT_T0);
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)pw));
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            // u = q + 128: Σ q·a = Σ u·a − 128·Σa = Σ u·a + 16·offset.
            __m512i s0 = _mm512_set1_epi32(ab->offset * 16), s1 = _mm512_setzero_si512();
            for (int k = 0; k < 8; k += 2) {
                s0 = _mm512_dpbusd_epi32(s0, _mm512_loadu_si512(pw + 32 + 64 * k), bcast32(ab->qs + 4 * k));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_loadu_si512(pw + 32 + 64 * (k + 1)), bcast32(ab->qs + 4 * k + 4));
            }
            const __m512 sum = _mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1));
            acc[t] = _mm512_fmadd_ps(sum, _mm512_mul_ps(dw, _mm512_set1_ps(ab->d)), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm512_storeu_ps(out + (size_t)t * os, acc[t]);
}

GK_INLINE void q4_K_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os,
                         const int NT, const int pf) {
    __m512 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm512_setzero_ps();
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int64_t b = 0; b < nb; b++, pw += 2368) {
        const gk_act_q8_K *ab[4];
        for (int t = 0; t < NT; t++) ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
        __m512i isum[4];
        for (int t = 0; t < NT; t++) isum[t] = _mm512_setzero_si512();
        for (int c = 0; c < 4; c++) {
            if (pf) {
                for (int l = 0; l < 640; l += 64) _mm_prefetch((const char *)pw + 2 * 2368 + 640 * c + l, _MM_HINT_T0);
            }
            __m512i slo[4], shi[4];
            for (int t = 0; t < NT; t++) slo[t] = shi[t] = _mm512_setzero_si512();
            const uint8_t *q = pw + 320 + 512 * c;
            for (int k = 0; k < 8; k++) {
                const __m512i p = _mm512_loadu_si512(q + 64 * k);
                const __m512i lo = _mm512_and_si512(p, m4), hi = _mm512_and_si512(_mm512_srli_epi16(p, 4), m4);
                for (int t = 0; t < NT; t++) {
                    slo[t] = _mm512_dpbusd_epi32(slo[t], lo, bcast32(ab[t]->qs + 64 * c + 4 * k));
                    shi[t] = _mm512_dpbusd_epi32(shi[t], hi, bcast32(ab[t]->qs + 64 * c + 32 + 4 * k));
                }
            }
            const __m512i sclo = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(pw + 64 + 32 * c)));
            const __m512i schi = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(pw + 64 + 32 * c + 16)));
            for (int t = 0; t < NT; t++)
                isum[t] = _mm512_add_epi32(isum[t], _mm512_add_epi32(_mm512_mullo_epi32(slo[t], sclo), _mm512_mullo_epi32(shi[t], schi)));
        }
        const __m512 dv = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)pw));
        const __m512 dmv = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(pw + 32)));
        __m512i mw[4];
        for (int i = 0; i < 4; i++) mw[i] = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(pw + 192 + 32 * i)));
        for (int t = 0; t < NT; t++) {
            __m512i mm = _mm512_setzero_si512();
            for (int i = 0; i < 4; i++) {
                int32_t pair;
                memcpy(&pair, ab[t]->bsums32 + 2 * i, 4);
                mm = _mm512_dpwssd_epi32(mm, mw[i], _mm512_set1_epi32(pair));
            }
            const __m512 ad = _mm512_set1_ps(ab[t]->d);
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_mul_ps(dv, ad), acc[t]);
            acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(mm), _mm512_mul_ps(dmv, ad), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm512_storeu_ps(out + (size_t)t * os, acc[t]);
}

static void tile_q4_K_packed(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    switch (nt) {
    case 1: q4_K_tile(pw, nb, a, as, out, os, 1, 1); break;
    case 2: q4_K_tile(pw, nb, a, as, out, os, 2, 0); break;
    case 3: q4_K_tile(pw, nb, a, as, out, os, 3, 0); break;
    default: q4_K_tile(pw, nb, a, as, out, os, 4, 0); break;
    }
}

#define GK_NT_CASES(fn)                                                                            \
    switch (nt) {                                                                                  \
    case 1: fn(pw, nb, a, as, out, os, 1, 1); break;                                               \
    case 2: fn(pw, nb, a, as, out, os, 2, 0); break;                                               \
    case 3: fn(pw, nb, a, as, out, os, 3, 0); break;                                               \
    case 4: fn(pw, nb, a, as, out, os, 4, 0); break;                                               \
    case 5: fn(pw, nb, a, as, out, os, 5, 0); break;                                               \
    case 6: fn(pw, nb, a, as, out, os, 6, 0); break;                                               \
    case 7: fn(pw, nb, a, as, out, os, 7, 0); break;                                               \
    default: fn(pw, nb, a, as, out, os, 8, 0); break;                                              \
    }

static void tile_q4_0_packed(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    GK_NT_CASES(q4_0_tile)
}

static void tile_q4_1_packed(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    GK_NT_CASES(q4_1_tile)
}

static void tile_q8_0_packed(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    GK_NT_CASES(q8_0_tile)
}

#pragma clang attribute pop

/// The 16-row VNNI tiles, and the AVX2 path's 8-row tiles (which this CPU runs too) for the
/// other types: those beat the row-major AVX-512 tiles in both prompt and generation speed.
static gk_packed_tile_fn tile_for_avx512(int type, int *rows, int *max_nt) {
    *rows = GK_PK_ROWS;
    switch (type) {
    case GK_TYPE_Q4_0: *max_nt = GK_PK_NT; return tile_q4_0_packed;
    case GK_TYPE_Q8_0: *max_nt = GK_PK_NT; return tile_q8_0_packed;
    case GK_TYPE_Q4_1: *max_nt = GK_PK_NT; return tile_q4_1_packed;
    case GK_TYPE_Q4_K: *max_nt = 4; return tile_q4_K_packed;
    default: return gk_layout_avx2.tile_for(type, rows, max_nt);
    }
}

/// Strips for the types this path borrows from AVX2 (its 16-row groups have none).
static gk_strip_unpack_fn strip_for_avx512(int type, size_t *block_bytes, gk_packed_tile_fn *tile, int *max_nt) {
    int rows;
    if (!tile_for_avx512(type, &rows, max_nt) || rows != 8) return 0;
    return gk_strip_for_avx2(type, block_bytes, tile, max_nt);
}

const gk_pack_layout gk_layout_avx512 = {.q8_0_biased = 1, .tile_for = tile_for_avx512, .strip_for = strip_for_avx512};

#endif
