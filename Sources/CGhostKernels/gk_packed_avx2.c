// The AVX2 packed layout: groups of 8 rows, so one ymm holds 4 consecutive bytes of each of
// 8 rows. `vpmaddubsw` with a broadcast activation dword gives each row's two pair sums in
// its lane; for Q4_0 eight of those add up in int16 without overflow (8 · 2 · 15 · 127 <
// 2^15) before one `vpmaddwd` turns them into the 8 rows' block sums, so a 32-column block
// costs about 20 uops per token for 8 rows (the row-major tile: about 48), and each unpacked
// weight register serves a tile of up to 4 tokens. Byte layout in gk_packed.c; Q8_0 is
// stored as is (signed), multiplied as |w| × (a with w's sign). Every block type: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL,
// IQ4_XS, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K.

#include "gk_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define GK_INLINE static inline __attribute__((always_inline))
#define R8 8
#define NT_MAX 4

GK_INLINE __m256i bcast32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

/// Prefetch distance in groups' blocks for one token, where the tile reads from memory.
#define GK_PF_BLOCKS 8
/// Prefetches part `part` of `parts` of the cache lines of the block `ahead` bytes past pw: a
/// large block's lines spread over its steps instead of issued in one burst.
GK_INLINE void prefetch_part(const uint8_t *pw, int bytes, int ahead, int part, int parts) {
    const int lines = (bytes + 63) / 64;
    for (int l = part * lines / parts; l < (part + 1) * lines / parts; l++) _mm_prefetch((const char *)pw + ahead + 64 * l, _MM_HINT_T0);
}

/// The fifth bits of a Q5_0/Q5_1 register of 4 columns × 8 rows, moved to bit 4 of each byte:
/// qh holds each row's 32 high bits in its lane; column 4k+j (`upper` = 0) or 16+4k+j
/// (`upper` = 1) is bit 4k+j or 16+4k+j, i.e. bit 4·(k&1)+j of byte k/2 (+2 for upper).
GK_INLINE __m256i q5_fifth_bits(__m256i qh, int k, int upper) {
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12,
                                            0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12);
    const __m256i idx = _mm256_add_epi8(spread, _mm256_set1_epi8((char)(k / 2 + 2 * upper)));
    const __m256i bits = _mm256_set1_epi32((k & 1) ? (int)0x80402010u : 0x08040201);
    const __m256i h = _mm256_and_si256(_mm256_shuffle_epi8(qh, idx), bits);
    return _mm256_and_si256(_mm256_cmpeq_epi8(h, bits), _mm256_set1_epi8(0x10));
}

/// Q4_0 (x = d·(q − 8)), Q4_1 (MIN = 1: x = d·q + m, its fp16 m[8] after d[8]), Q5_0
/// (FIFTH = 1: x = d·(q − 16), each row's 32 high bits after d) and Q5_1 (both). The −8 or −16
/// comes from the activation's precomputed −8·Σa; gk_act_q8_0 and gk_act_q8_1 share their
/// layout (d, then −8·Σa or s = d·Σa, then qs). Quants up to 15 let the maddubs of a whole
/// block add up in int16 (8 · 2 · 15 · 127 < 2^15), up to 31 four of them.
GK_INLINE void nibble_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT,
                           const int MIN, const int FIFTH) {
    const int QH = MIN ? 4 * R8 : 2 * R8, QS = FIFTH ? QH + 4 * R8 : QH, BYTES = QS + 16 * R8;
    const int K = FIFTH ? 2 : 4;  // register loads per int16 sum
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        if (NT == 1) {
            for (int l = 0; l < BYTES; l += 64) _mm_prefetch((const char *)pw + GK_PF_BLOCKS * BYTES + l, _MM_HINT_T0);
        }
        const __m256i qh = FIFTH ? _mm256_loadu_si256((const __m256i *)(pw + QH)) : _mm256_setzero_si256();
        __m256i s[NT_MAX];
        for (int t = 0; t < NT; t++) s[t] = _mm256_setzero_si256();
        for (int k0 = 0; k0 < 4; k0 += K) {
            __m256i s16[NT_MAX];
            for (int t = 0; t < NT; t++) s16[t] = _mm256_setzero_si256();
            for (int k = k0; k < k0 + K; k++) {
                const __m256i p = _mm256_loadu_si256((const __m256i *)(pw + QS + 32 * k));
                __m256i lo = _mm256_and_si256(p, m4), hi = _mm256_and_si256(_mm256_srli_epi16(p, 4), m4);
                if (FIFTH) {
                    lo = _mm256_or_si256(lo, q5_fifth_bits(qh, k, 0));
                    hi = _mm256_or_si256(hi, q5_fifth_bits(qh, k, 1));
                }
                for (int t = 0; t < NT; t++) {
                    const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
                    s16[t] = _mm256_add_epi16(s16[t], _mm256_maddubs_epi16(lo, bcast32(ab->qs + 4 * k)));
                    s16[t] = _mm256_add_epi16(s16[t], _mm256_maddubs_epi16(hi, bcast32(ab->qs + 16 + 4 * k)));
                }
            }
            for (int t = 0; t < NT; t++) s[t] = _mm256_add_epi32(s[t], _mm256_madd_epi16(s16[t], ones));
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            __m256i sum = s[t];
            if (!MIN) sum = _mm256_add_epi32(sum, _mm256_set1_epi32(FIFTH ? 2 * ab->offset : ab->offset));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(dw, _mm256_broadcast_ss(&ab->d)), acc[t]);
            if (MIN) {
                const __m256 mw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(pw + 2 * R8)));
                acc[t] = _mm256_fmadd_ps(mw, _mm256_broadcast_ss(&((const gk_act_q8_1 *)ab)->s), acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

GK_INLINE void q4_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    nibble_tile(pw, nb, a, as, out, os, NT, 0, 0);
}

GK_INLINE void q4_1_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    nibble_tile(pw, nb, a, as, out, os, NT, 1, 0);
}

GK_INLINE void q5_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    nibble_tile(pw, nb, a, as, out, os, NT, 0, 1);
}

GK_INLINE void q5_1_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    nibble_tile(pw, nb, a, as, out, os, NT, 1, 1);
}

GK_INLINE void q8_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    enum { BYTES = R8 * 34 };
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        if (NT == 1) {
            for (int l = 0; l < BYTES; l += 64) _mm_prefetch((const char *)pw + GK_PF_BLOCKS * BYTES + l, _MM_HINT_T0);
        }
        __m256i s[NT_MAX];
        for (int t = 0; t < NT; t++) s[t] = _mm256_setzero_si256();
        for (int k = 0; k < 8; k++) {
            const __m256i w = _mm256_loadu_si256((const __m256i *)(pw + 2 * R8 + 32 * k));
            // maddubs wants an unsigned operand: |w| (≤ 128) × (a with w's sign) ≤ 2 · 128 · 127.
            const __m256i wa = _mm256_abs_epi8(w);
            for (int t = 0; t < NT; t++) {
                const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
                const __m256i p = _mm256_maddubs_epi16(wa, _mm256_sign_epi8(bcast32(ab->qs + 4 * k), w));
                s[t] = _mm256_add_epi32(s[t], _mm256_madd_epi16(p, ones));
            }
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s[t]), _mm256_mul_ps(dw, _mm256_broadcast_ss(&ab->d)), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

/// Q4_K: per sub-block of 32, the 8 maddubs of a row add up in int16 (≤ 8 · 3810), and one
/// `vpmaddwd` with the row's 6-bit scale in both halves of its lane applies the scale and
/// widens in one step. Mins come from the activation's sums over 32 (bsums32).
/// Q5_K (Q5 = 1): the fifth bit of each quant from H (bit j for sub-block j) moved to bit 4;
/// with quants up to 31 only 4 maddubs fit in int16, so two `vpmaddwd` per sub-block.
GK_INLINE void k_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT,
                      const int Q5) {
    enum { SC = 4 * R8, MN = 12 * R8, Q = 20 * R8, H = 148 * R8 };
    const int BYTES = Q5 ? 180 * R8 : 148 * R8, K = Q5 ? 4 : 8;
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), pair = _mm256_set1_epi32(0x10001), bit4 = _mm256_set1_epi8(0x10);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        const gk_act_q8_K *ab[NT_MAX];
        for (int t = 0; t < NT; t++) ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
        __m256i isum[NT_MAX];
        for (int t = 0; t < NT; t++) isum[t] = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            if (NT == 1) prefetch_part(pw, BYTES, 2 * BYTES, c, 4);
            // Sub-blocks 2c (low nibbles of q[c]) and 2c+1 (high nibbles): each load serves both.
            const uint8_t *q = pw + Q + 32 * R8 * c;
            int64_t sc8;
            memcpy(&sc8, pw + SC + R8 * 2 * c, 8);
            const __m256i sc8x2 = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(sc8));
            memcpy(&sc8, pw + SC + R8 * (2 * c + 1), 8);
            const __m256i sc_lo = _mm256_mullo_epi32(sc8x2, pair);
            const __m256i sc_hi = _mm256_mullo_epi32(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(sc8)), pair);
            for (int k0 = 0; k0 < 8; k0 += K) {
                __m256i s_lo[NT_MAX], s_hi[NT_MAX];
                for (int t = 0; t < NT; t++) s_lo[t] = s_hi[t] = _mm256_setzero_si256();
                for (int k = k0; k < k0 + K; k++) {
                    const __m256i p = _mm256_loadu_si256((const __m256i *)(q + 32 * k));
                    __m256i lo = _mm256_and_si256(p, m4), hi = _mm256_and_si256(_mm256_srli_epi16(p, 4), m4);
                    if (Q5) {
                        // Bits 2c and 2c+1 of each byte to bit 4 (16-bit shifts of at most 4
                        // keep bit 4 clean).
                        const __m256i h = _mm256_loadu_si256((const __m256i *)(pw + H + 32 * k));
                        const int j = 2 * c;
                        const __m256i hl = j < 4 ? _mm256_slli_epi16(h, 4 - j) : _mm256_srli_epi16(h, j - 4);
                        const __m256i hh = j + 1 < 4 ? _mm256_slli_epi16(h, 3 - j) : _mm256_srli_epi16(h, j - 3);
                        lo = _mm256_or_si256(lo, _mm256_and_si256(hl, bit4));
                        hi = _mm256_or_si256(hi, _mm256_and_si256(hh, bit4));
                    }
                    for (int t = 0; t < NT; t++) {
                        s_lo[t] = _mm256_add_epi16(s_lo[t], _mm256_maddubs_epi16(lo, bcast32(ab[t]->qs + 64 * c + 4 * k)));
                        s_hi[t] = _mm256_add_epi16(s_hi[t], _mm256_maddubs_epi16(hi, bcast32(ab[t]->qs + 64 * c + 32 + 4 * k)));
                    }
                }
                for (int t = 0; t < NT; t++)
                    isum[t] = _mm256_add_epi32(isum[t], _mm256_add_epi32(_mm256_madd_epi16(s_lo[t], sc_lo), _mm256_madd_epi16(s_hi[t], sc_hi)));
            }
        }
        const __m256 dv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        const __m256 dmv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(pw + 2 * R8)));
        for (int t = 0; t < NT; t++) {
            __m256i mm = _mm256_setzero_si256();
            for (int i = 0; i < 4; i++) {
                const __m256i mins = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(pw + MN + 2 * R8 * i)));
                int32_t sums;
                memcpy(&sums, ab[t]->bsums32 + 2 * i, 4);
                mm = _mm256_add_epi32(mm, _mm256_madd_epi16(mins, _mm256_set1_epi32(sums)));
            }
            const __m256 ad = _mm256_broadcast_ss(&ab[t]->d);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(dv, ad), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mm), _mm256_mul_ps(dmv, ad), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

/// The 6-bit quants of column group i (0…3) of a Q6_K half, chunk l: a nibble of A or B
/// and two bits of H moved to bits 4–5 (16-bit shifts keep each byte's bits in place).
GK_INLINE __m256i q6_unpack(const uint8_t *half, int i, int l, __m256i m4, __m256i m30) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(half + ((i & 1) ? 32 * R8 : 0) + 4 * R8 * l));
    const __m256i h = _mm256_loadu_si256((const __m256i *)(half + 64 * R8 + 4 * R8 * l));
    const __m256i lo = i < 2 ? _mm256_and_si256(v, m4) : _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
    const __m256i hs = i == 0 ? _mm256_slli_epi16(h, 4) : i == 1 ? _mm256_slli_epi16(h, 2) : i == 2 ? h : _mm256_srli_epi16(h, 2);
    return _mm256_or_si256(lo, _mm256_and_si256(hs, m30));
}

/// Q6_K: x = d·sc·(q − 32) over sub-blocks of 16. Two maddubs of q (≤ 63) add up in int16
/// (≤ 2 · 2 · 63 · 127), one `vpmaddwd` applies the row's signed scale; the −32 comes off
/// once per block through the activation's sums over 16 (bsums).
GK_INLINE void q6_K_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    enum { BYTES = R8 * 210, SC = 2 * R8, QS = 18 * R8 };
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        const gk_act_q8_K *ab[NT_MAX];
        __m256i isum[NT_MAX];
        for (int t = 0; t < NT; t++) {
            ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
            isum[t] = _mm256_setzero_si256();
        }
        for (int h = 0; h < 2; h++) {
            const uint8_t *half = pw + QS + 96 * R8 * h;
            for (int i = 0; i < 4; i++) {
                if (NT == 1) prefetch_part(pw, BYTES, 2 * BYTES, 4 * h + i, 8);
                // Scales 2m, 2m+1 (m = 4h + i) of each row: sub-blocks of columns 128h+32i+0…15, 16…31.
                const __m256i pairs = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(pw + SC + 2 * R8 * (4 * h + i))));
                for (int lh = 0; lh < 2; lh++) {
                    const __m256i sc = lh ? _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(pairs, 0xF5), 0xF5)
                                          : _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(pairs, 0xA0), 0xA0);
                    for (int p = 0; p < 2; p++) {
                        const int l0 = 4 * lh + 2 * p;
                        const __m256i q0 = q6_unpack(half, i, l0, m4, m30), q1 = q6_unpack(half, i, l0 + 1, m4, m30);
                        for (int t = 0; t < NT; t++) {
                            const int8_t *y = ab[t]->qs + 128 * h + 32 * i + 4 * l0;
                            const __m256i s16 = _mm256_add_epi16(_mm256_maddubs_epi16(q0, bcast32(y)), _mm256_maddubs_epi16(q1, bcast32(y + 4)));
                            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(s16, sc));
                        }
                    }
                }
            }
        }
        const __m256 dv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++) {
            __m256i corr = _mm256_setzero_si256();
            for (int m = 0; m < 8; m++) {
                const __m256i pairs = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(pw + SC + 2 * R8 * m)));
                int32_t sums;
                memcpy(&sums, ab[t]->bsums + 2 * m, 4);
                corr = _mm256_add_epi32(corr, _mm256_madd_epi16(pairs, _mm256_set1_epi32(sums)));
            }
            const __m256i sum = _mm256_sub_epi32(isum[t], _mm256_slli_epi32(corr, 5));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(dv, _mm256_broadcast_ss(&ab[t]->d)), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

static void tile_q6_K_r8(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    switch (nt) {
    case 1: q6_K_tile(pw, nb, a, as, out, os, 1); break;
    case 2: q6_K_tile(pw, nb, a, as, out, os, 2); break;
    case 3: q6_K_tile(pw, nb, a, as, out, os, 3); break;
    default: q6_K_tile(pw, nb, a, as, out, os, 4); break;
    }
}

static void tile_q4_K_r8(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    switch (nt) {
    case 1: k_tile(pw, nb, a, as, out, os, 1, 0); break;
    case 2: k_tile(pw, nb, a, as, out, os, 2, 0); break;
    default: k_tile(pw, nb, a, as, out, os, 3, 0); break;
    }
}

static void tile_q5_K_r8(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    switch (nt) {
    case 1: k_tile(pw, nb, a, as, out, os, 1, 1); break;
    case 2: k_tile(pw, nb, a, as, out, os, 2, 1); break;
    default: k_tile(pw, nb, a, as, out, os, 3, 1); break;
    }
}

/// IQ4_NL: Q4_0's bytes, each nibble an index into 16 signed values (`vpshufb`). Signed ×
/// signed goes through |w| × (a with w's sign), as Q8_0; with |w| up to 127 each maddubs
/// needs its own `vpmaddwd`.
GK_INLINE void iq4_nl_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    enum { BYTES = R8 * 18 };
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    const __m256i values = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_iq4nl_values));
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        if (NT == 1) {
            for (int l = 0; l < BYTES; l += 64) _mm_prefetch((const char *)pw + GK_PF_BLOCKS * BYTES + l, _MM_HINT_T0);
        }
        __m256i s[NT_MAX];
        for (int t = 0; t < NT; t++) s[t] = _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {
            const __m256i p = _mm256_loadu_si256((const __m256i *)(pw + 2 * R8 + 32 * k));
            const __m256i lo = _mm256_shuffle_epi8(values, _mm256_and_si256(p, m4));
            const __m256i hi = _mm256_shuffle_epi8(values, _mm256_and_si256(_mm256_srli_epi16(p, 4), m4));
            const __m256i lo_abs = _mm256_abs_epi8(lo), hi_abs = _mm256_abs_epi8(hi);
            for (int t = 0; t < NT; t++) {
                const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
                const __m256i pl = _mm256_maddubs_epi16(lo_abs, _mm256_sign_epi8(bcast32(ab->qs + 4 * k), lo));
                const __m256i ph = _mm256_maddubs_epi16(hi_abs, _mm256_sign_epi8(bcast32(ab->qs + 16 + 4 * k), hi));
                s[t] = _mm256_add_epi32(s[t], _mm256_add_epi32(_mm256_madd_epi16(pl, ones), _mm256_madd_epi16(ph, ones)));
            }
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s[t]), _mm256_mul_ps(dw, _mm256_broadcast_ss(&ab->d)), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

/// IQ4_XS: IQ4_NL's values in 8 sub-blocks of 32 with a signed 6-bit scale each; the
/// `vpmaddwd` after each maddubs multiplies by the row's scale (both halves of its lane)
/// instead of by 1, so the scales cost nothing per token.
GK_INLINE void iq4_xs_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    enum { BYTES = R8 * 138, SC = 2 * R8, Q = 10 * R8 };
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), low16 = _mm256_set1_epi32(0xFFFF);
    const __m256i values = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_iq4nl_values));
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        const gk_act_q8_K *ab[NT_MAX];
        __m256i isum[NT_MAX];
        for (int t = 0; t < NT; t++) {
            ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
            isum[t] = _mm256_setzero_si256();
        }
        for (int ib = 0; ib < 8; ib++) {
            if (NT == 1) prefetch_part(pw, BYTES, 2 * BYTES, ib, 8);
            int64_t sc8;
            memcpy(&sc8, pw + SC + R8 * ib, 8);
            const __m256i sc32 = _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(sc8));
            const __m256i scale = _mm256_or_si256(_mm256_and_si256(sc32, low16), _mm256_slli_epi32(sc32, 16));
            for (int k = 0; k < 4; k++) {
                const __m256i p = _mm256_loadu_si256((const __m256i *)(pw + Q + 32 * (4 * ib + k)));
                const __m256i lo = _mm256_shuffle_epi8(values, _mm256_and_si256(p, m4));
                const __m256i hi = _mm256_shuffle_epi8(values, _mm256_and_si256(_mm256_srli_epi16(p, 4), m4));
                const __m256i lo_abs = _mm256_abs_epi8(lo), hi_abs = _mm256_abs_epi8(hi);
                for (int t = 0; t < NT; t++) {
                    const int8_t *q = ab[t]->qs + 32 * ib + 4 * k;
                    const __m256i pl = _mm256_maddubs_epi16(lo_abs, _mm256_sign_epi8(bcast32(q), lo));
                    const __m256i ph = _mm256_maddubs_epi16(hi_abs, _mm256_sign_epi8(bcast32(q + 16), hi));
                    isum[t] = _mm256_add_epi32(isum[t], _mm256_add_epi32(_mm256_madd_epi16(pl, scale), _mm256_madd_epi16(ph, scale)));
                }
            }
        }
        const __m256 dv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(dv, _mm256_broadcast_ss(&ab[t]->d)), acc[t]);
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

/// Q2_K (Q3 = 0: x = d·sc·q − dmin·m, q = 0…3) and Q3_K (Q3 = 1: x = d·(sc − 32)·(q − 4),
/// q = 0…7 with the hmask bit as bit 2): 16 sub-blocks of 16, step (g, k) covering
/// sub-blocks 8g+2k (chunks m = 0…3) and 8g+2k+1 (m = 4…7) with the crumbs at bit 2k of
/// Q[g][m]. Four maddubs add up in int16 (≤ 4 · 2 · 7 · 127); one `vpmaddwd` per sub-block
/// applies the row's scale. The mins (Q2_K) and the −4 (Q3_K) come from the activation's sums
/// over 16 (bsums) against the rows' scale pairs.
GK_INLINE void low_bit_k_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os,
                              const int NT, const int Q3) {
    const int BYTES = Q3 ? 114 * R8 : 84 * R8, P = Q3 ? 2 * R8 : 4 * R8, QS = P + 16 * R8, H = QS + 64 * R8;
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m3 = _mm256_set1_epi8(3), bit2 = _mm256_set1_epi8(4), low16 = _mm256_set1_epi32(0xFFFF);
    const __m256i m15 = _mm256_set1_epi16(15);
    for (int64_t b = 0; b < nb; b++, pw += BYTES) {
        const gk_act_q8_K *ab[NT_MAX];
        __m256i isum[NT_MAX], msum[NT_MAX];
        for (int t = 0; t < NT; t++) {
            ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
            isum[t] = msum[t] = _mm256_setzero_si256();
        }
        for (int g = 0; g < 2; g++)
            for (int k = 0; k < 4; k++) {
                const int i = 4 * g + k;  // the scale pair of sub-blocks 2i, 2i+1
                if (NT == 1) prefetch_part(pw, BYTES, 2 * BYTES, i, 8);
                const __m256i pair = Q3 ? _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(pw + P + 2 * R8 * i)))
                                        : _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(pw + P + 2 * R8 * i)));
                const __m256i sc = Q3 ? pair : _mm256_and_si256(pair, m15);
                const __m256i sc_lo = _mm256_or_si256(_mm256_and_si256(sc, low16), _mm256_slli_epi32(sc, 16));
                const __m256i sc_hi = _mm256_or_si256(_mm256_srli_epi32(sc, 16), _mm256_andnot_si256(low16, sc));
                // Q2_K: the mins, Q3_K: the scales (times −4 below), against the bsums pair.
                const __m256i against_bsums = Q3 ? sc : _mm256_srli_epi16(pair, 4);
                __m256i s_lo[NT_MAX], s_hi[NT_MAX];
                for (int t = 0; t < NT; t++) s_lo[t] = s_hi[t] = _mm256_setzero_si256();
                for (int m = 0; m < 8; m++) {
                    const __m256i p = _mm256_loadu_si256((const __m256i *)(pw + QS + 32 * R8 / 8 * (8 * g + m)));
                    __m256i q = _mm256_and_si256(_mm256_srli_epi16(p, 2 * k), m3);
                    if (Q3) {
                        const __m256i h = _mm256_loadu_si256((const __m256i *)(pw + H + 32 * m));
                        const int bit = 4 * g + k;
                        const __m256i hb = bit >= 2 ? _mm256_srli_epi16(h, bit - 2) : _mm256_slli_epi16(h, 2 - bit);
                        q = _mm256_or_si256(q, _mm256_and_si256(hb, bit2));
                    }
                    for (int t = 0; t < NT; t++) {
                        const __m256i d = _mm256_maddubs_epi16(q, bcast32(ab[t]->qs + 128 * g + 32 * k + 4 * m));
                        if (m < 4) s_lo[t] = _mm256_add_epi16(s_lo[t], d);
                        else s_hi[t] = _mm256_add_epi16(s_hi[t], d);
                    }
                }
                for (int t = 0; t < NT; t++) {
                    isum[t] = _mm256_add_epi32(isum[t], _mm256_add_epi32(_mm256_madd_epi16(s_lo[t], sc_lo), _mm256_madd_epi16(s_hi[t], sc_hi)));
                    int32_t sums;
                    memcpy(&sums, ab[t]->bsums + 2 * i, 4);
                    msum[t] = _mm256_add_epi32(msum[t], _mm256_madd_epi16(against_bsums, _mm256_set1_epi32(sums)));
                }
            }
        const __m256 dv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)pw));
        for (int t = 0; t < NT; t++) {
            const __m256 ad = _mm256_broadcast_ss(&ab[t]->d);
            if (Q3) {
                const __m256i sum = _mm256_sub_epi32(isum[t], _mm256_slli_epi32(msum[t], 2));
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(dv, ad), acc[t]);
            } else {
                const __m256 dmv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(pw + 2 * R8)));
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(dv, ad), acc[t]);
                acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(msum[t]), _mm256_mul_ps(dmv, ad), acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

GK_INLINE void q2_K_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    low_bit_k_tile(pw, nb, a, as, out, os, NT, 0);
}

GK_INLINE void q3_K_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    low_bit_k_tile(pw, nb, a, as, out, os, NT, 1);
}

#define GK_NT_SWITCH(fn)                                                                           \
    switch (nt) {                                                                                  \
    case 1: fn(pw, nb, a, as, out, os, 1); break;                                                  \
    case 2: fn(pw, nb, a, as, out, os, 2); break;                                                  \
    case 3: fn(pw, nb, a, as, out, os, 3); break;                                                  \
    default: fn(pw, nb, a, as, out, os, 4); break;                                                 \
    }

/// tile_NAME_r8: the packed tile entry for NAME_tile, specialised per token count.
#define GK_PACKED_TILE(name)                                                                        \
    static void tile_##name##_r8(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, \
                                 size_t os) {                                                       \
        GK_NT_SWITCH(name##_tile)                                                                   \
    }

GK_PACKED_TILE(q4_0)
GK_PACKED_TILE(q4_1)
GK_PACKED_TILE(q5_0)
GK_PACKED_TILE(q5_1)
GK_PACKED_TILE(q8_0)
GK_PACKED_TILE(iq4_nl)
GK_PACKED_TILE(iq4_xs)
GK_PACKED_TILE(q2_K)
GK_PACKED_TILE(q3_K)

// MARK: Strips: Q5_K and Q6_K unpacked once per batch
//
// Assembling a Q5_K or Q6_K quant register (two loads, shifts, masks, an or) costs about as
// much as using it for a tile of 4 tokens. In a batch, each group's blocks are unpacked once
// into a strip of plain bytes that every token tile of the batch then reads. Per 256 columns
// (STRIP_BYTES): f32 d[8]; f32 dm[8]; i16 sc[16][8][2] (the scale of 16-column sub-block j
// of row r, twice); i16 mn[8][8][2] (the mins of sub-blocks 2m and 2m+1 of row r);
// u8 q[64][32] (q[l][4r+j]: the quant of column 4l+j of row r). x = d·sc·q − dm·mn.
enum { ST_D = 0, ST_DM = 32, ST_SC = 64, ST_MN = ST_SC + 512, ST_Q = ST_MN + 256, STRIP_BYTES = ST_Q + 2048 };

/// Stores the fp16 values at `src` (8 rows) as f32 at `dst`.
GK_INLINE void strip_put_f16(const uint8_t *src, uint8_t *dst) {
    _mm256_storeu_ps((float *)dst, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)));
}

/// Q6_K: quants 0…63 as they are, d = dm, mins 32·scale (the −32).
static void unpack_q6_K_strip(const uint8_t *pw, int64_t nb, uint8_t *st) {
    enum { BYTES = R8 * 210, SC = 2 * R8, QS = 18 * R8 };
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    for (int64_t b = 0; b < nb; b++, pw += BYTES, st += STRIP_BYTES) {
        strip_put_f16(pw, st + ST_D);
        strip_put_f16(pw, st + ST_DM);
        for (int m = 0; m < 8; m++) {
            const __m256i pairs = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(pw + SC + 2 * R8 * m)));
            _mm256_storeu_si256((__m256i *)(st + ST_SC + 32 * (2 * m)), _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(pairs, 0xA0), 0xA0));
            _mm256_storeu_si256((__m256i *)(st + ST_SC + 32 * (2 * m + 1)), _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(pairs, 0xF5), 0xF5));
            _mm256_storeu_si256((__m256i *)(st + ST_MN + 32 * m), _mm256_slli_epi16(pairs, 5));
        }
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 4; i++)
                for (int l = 0; l < 8; l++)
                    _mm256_storeu_si256((__m256i *)(st + ST_Q + 32 * (32 * h + 8 * i + l)), q6_unpack(pw + QS + 96 * R8 * h, i, l, m4, m30));
    }
}

/// Q5_K: quants 0…31 with the fifth bit in place, the per-32 scales and mins per 16. (Q4_K's
/// own tile is faster than a strip: its nibbles take two operations to unpack.)
static void unpack_q5_K_strip(const uint8_t *pw, int64_t nb, uint8_t *st) {
    enum { BYTES = 180 * R8, SC = 4 * R8, MN = 12 * R8, Q = 20 * R8, H = 148 * R8 };
    const __m256i m4 = _mm256_set1_epi8(0x0F), bit4 = _mm256_set1_epi8(0x10);
    for (int64_t b = 0; b < nb; b++, pw += BYTES, st += STRIP_BYTES) {
        strip_put_f16(pw, st + ST_D);
        strip_put_f16(pw + 2 * R8, st + ST_DM);
        for (int jj = 0; jj < 8; jj++)
            for (int r = 0; r < R8; r++) {
                const int16_t sc = pw[SC + R8 * jj + r], mn = pw[MN + 2 * R8 * (jj / 2) + 2 * r + (jj & 1)];
                const int16_t scs[2] = {sc, sc}, mns[2] = {mn, mn};
                memcpy(st + ST_SC + 32 * (2 * jj) + 4 * r, scs, 4);
                memcpy(st + ST_SC + 32 * (2 * jj + 1) + 4 * r, scs, 4);
                memcpy(st + ST_MN + 32 * jj + 4 * r, mns, 4);
            }
        for (int c = 0; c < 4; c++)
            for (int k = 0; k < 8; k++) {
                const __m256i p = _mm256_loadu_si256((const __m256i *)(pw + Q + 32 * R8 * c + 32 * k));
                const __m256i h = _mm256_loadu_si256((const __m256i *)(pw + H + 32 * k));
                const int j = 2 * c;
                const __m256i hl = j < 4 ? _mm256_slli_epi16(h, 4 - j) : _mm256_srli_epi16(h, j - 4);
                const __m256i hh = j + 1 < 4 ? _mm256_slli_epi16(h, 3 - j) : _mm256_srli_epi16(h, j - 3);
                const __m256i lo = _mm256_or_si256(_mm256_and_si256(p, m4), _mm256_and_si256(hl, bit4));
                const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(p, 4), m4), _mm256_and_si256(hh, bit4));
                _mm256_storeu_si256((__m256i *)(st + ST_Q + 32 * (16 * c + k)), lo);
                _mm256_storeu_si256((__m256i *)(st + ST_Q + 32 * (16 * c + 8 + k)), hi);
            }
    }
}

/// The strip tile: per 16-column sub-block, maddubs sums of `PER` quant registers add up in
/// int16 (Q6_K, q ≤ 63: 2 · 2 · 63 · 127; Q5_K, q ≤ 31: 4 · 2 · 31 · 127) before one
/// `vpmaddwd` applies the row's scale; the mins come off once per block through bsums.
GK_INLINE void strip_tile(const uint8_t *st, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT,
                          const int PER) {
    __m256 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++, st += STRIP_BYTES) {
        const gk_act_q8_K *ab[NT_MAX];
        __m256i isum[NT_MAX];
        for (int t = 0; t < NT; t++) {
            ab[t] = (const gk_act_q8_K *)(a + (size_t)t * as) + b;
            isum[t] = _mm256_setzero_si256();
        }
        for (int j = 0; j < 16; j++) {
            const __m256i sc = _mm256_loadu_si256((const __m256i *)(st + ST_SC + 32 * j));
            for (int p = 0; p < 4; p += PER) {
                __m256i s16[NT_MAX];
                for (int t = 0; t < NT; t++) s16[t] = _mm256_setzero_si256();
                for (int l = 4 * j + p; l < 4 * j + p + PER; l++) {
                    const __m256i q = _mm256_loadu_si256((const __m256i *)(st + ST_Q + 32 * l));
                    for (int t = 0; t < NT; t++) s16[t] = _mm256_add_epi16(s16[t], _mm256_maddubs_epi16(q, bcast32(ab[t]->qs + 4 * l)));
                }
                for (int t = 0; t < NT; t++) isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(s16[t], sc));
            }
        }
        const __m256 dv = _mm256_loadu_ps((const float *)(st + ST_D)), dmv = _mm256_loadu_ps((const float *)(st + ST_DM));
        for (int t = 0; t < NT; t++) {
            __m256i corr = _mm256_setzero_si256();
            for (int m = 0; m < 8; m++) {
                int32_t sums;
                memcpy(&sums, ab[t]->bsums + 2 * m, 4);
                corr = _mm256_add_epi32(corr, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(st + ST_MN + 32 * m)), _mm256_set1_epi32(sums)));
            }
            const __m256 ad = _mm256_broadcast_ss(&ab[t]->d);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(dv, ad), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(corr), _mm256_mul_ps(dmv, ad), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + (size_t)t * os, acc[t]);
}

GK_INLINE void strip6_tile(const uint8_t *st, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    strip_tile(st, nb, a, as, out, os, NT, 2);
}

GK_INLINE void strip5_tile(const uint8_t *st, int64_t nb, const char *a, size_t as, float *out, size_t os, const int NT) {
    strip_tile(st, nb, a, as, out, os, NT, 4);
}

GK_PACKED_TILE(strip6)
GK_PACKED_TILE(strip5)

#pragma clang attribute pop

static gk_packed_tile_fn tile_for_avx2(int type, int *rows, int *max_nt) {
    *rows = R8;
    *max_nt = NT_MAX;
    switch (type) {
    case GK_TYPE_Q4_0: return tile_q4_0_r8;
    case GK_TYPE_Q8_0: return tile_q8_0_r8;
    case GK_TYPE_Q4_1: return tile_q4_1_r8;
    case GK_TYPE_IQ4_NL: return tile_iq4_nl_r8;
    case GK_TYPE_IQ4_XS: return tile_iq4_xs_r8;
    case GK_TYPE_Q5_0: return tile_q5_0_r8;
    case GK_TYPE_Q5_1: return tile_q5_1_r8;
    case GK_TYPE_Q2_K: return tile_q2_K_r8;
    case GK_TYPE_Q3_K: return tile_q3_K_r8;
    case GK_TYPE_Q4_K: *max_nt = 3; return tile_q4_K_r8;
    case GK_TYPE_Q5_K: *max_nt = 3; return tile_q5_K_r8;
    case GK_TYPE_Q6_K: return tile_q6_K_r8;
    default: return 0;
    }
}

gk_strip_unpack_fn gk_strip_for_avx2(int type, size_t *block_bytes, gk_packed_tile_fn *tile, int *max_nt) {
    *block_bytes = STRIP_BYTES;
    *max_nt = NT_MAX;
    switch (type) {
    case GK_TYPE_Q5_K: *tile = tile_strip5_r8; return unpack_q5_K_strip;
    case GK_TYPE_Q6_K: *tile = tile_strip6_r8; return unpack_q6_K_strip;
    default: return 0;
    }
}

const gk_pack_layout gk_layout_avx2 = {.q8_0_biased = 0, .tile_for = tile_for_avx2, .strip_for = gk_strip_for_avx2};

#endif
