// Portable scalar kernels: the reference every SIMD path must agree with, and the fallback
// on CPUs without a dedicated path.

#include "gk_internal.h"
#include <math.h>
#include <stddef.h>

// MARK: - Activation quantizers

void gk_quantize_act_q8_0(const float *x, gk_act_q8_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float amax = 0.0f;
        for (int j = 0; j < GK_QK; j++) amax = fmaxf(amax, fabsf(x[j]));
        // llama.cpp's x86 activation quantizer: 127/amax (not 1/d) and round half to even.
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = gk_h2f(gk_f2h(amax / 127.0f));
        int32_t sum = 0;
        for (int j = 0; j < GK_QK; j++) {
            const int q = gk_nearest_int(x[j] * id);
            y[b].qs[j] = (int8_t)q;
            sum += q;
        }
        y[b].offset = -8 * sum;
    }
}

void gk_quantize_act_q8_1(const float *x, gk_act_q8_1 *y, int64_t n) {
    // The qs and d are Q8_0's (same layout up to the second field), from the active SIMD
    // quantizer; only s needs the unrounded d = amax/127, so amax is found again.
    _Static_assert(offsetof(gk_act_q8_0, qs) == offsetof(gk_act_q8_1, qs), "q8_1 layout");
    gk_active->quant_q8_0(x, (gk_act_q8_0 *)y, n);
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float amax = 0.0f;
        for (int j = 0; j < GK_QK; j++) amax = fmaxf(amax, fabsf(x[j]));
        int32_t offset;
        memcpy(&offset, &y[b].s, 4);
        // llama.cpp stores s as fp16, which overflows to infinity past 65504 (|x| in the
        // thousands); there the exact value is kept instead, everywhere else the rounded one.
        const float s = amax / 127.0f * (float)(offset / -8);
        y[b].s = fabsf(s) < 65504.0f ? gk_h2f(gk_f2h(s)) : s;
    }
}

void gk_quantize_act_q8_K(const float *x, gk_act_q8_K *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < GK_QKK; j++) {
            if (fabsf(x[j]) > amax) { amax = fabsf(x[j]); max = x[j]; }
        }
        if (amax == 0.0f) {
            memset(&y[b], 0, sizeof(gk_act_q8_K));
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < GK_QKK; j++) {
            const int v = gk_nearest_int(iscale * x[j]);
            y[b].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int l = 0; l < 16; l++) s += y[b].qs[16 * g + l];
            y[b].bsums[g] = (int16_t)s;
        }
        for (int j = 0; j < 8; j++) y[b].bsums32[j] = (int16_t)(y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        y[b].d = 1.0f / iscale;
    }
}

// MARK: - Half rows

static void to_f16_portable(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_f2h(x[i]);
}
static void from_f16_portable(const uint16_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_h2f(x[i]);
}
static void to_bf16_portable(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_f2bf(x[i]);
}
static float dot_f16_portable(const uint16_t *a, const uint16_t *b, int64_t n) {
    float s[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += gk_h2f(a[i + k]) * gk_h2f(b[i + k]);
    for (; i < n; i++) s[0] += gk_h2f(a[i]) * gk_h2f(b[i]);
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}
static void axpy_f16_portable(float alpha, const uint16_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += alpha * gk_h2f(x[i]);
}

// MARK: - Row dot products

static float vec_dot_f32(int64_t n, const float *w, const float *a) {
    float s[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += w[i + k] * a[i + k];
    for (; i < n; i++) s[0] += w[i] * a[i];
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static float vec_dot_bf16(int64_t n, const uint16_t *w, const uint16_t *a) {
    float s[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += gk_bf2f(w[i + k]) * gk_bf2f(a[i + k]);
    for (; i < n; i++) s[0] += gk_bf2f(w[i]) * gk_bf2f(a[i]);
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static float vec_dot_q4_0(int64_t n, const gk_block_q4_0 *w, const gk_act_q8_0 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += ((w[b].qs[j] & 0xF) - 8) * a[b].qs[j];
            sumi += ((w[b].qs[j] >> 4) - 8) * a[b].qs[j + 16];
        }
        sum += (float)sumi * (gk_h2f(w[b].d) * a[b].d);
    }
    return sum;
}

static float vec_dot_q8_0(int64_t n, const gk_block_q8_0 *w, const gk_act_q8_0 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        int sumi = 0;
        for (int j = 0; j < GK_QK; j++) sumi += w[b].qs[j] * a[b].qs[j];
        sum += (float)sumi * (gk_h2f(w[b].d) * a[b].d);
    }
    return sum;
}

static float vec_dot_q4_K(int64_t n, const gk_block_q4_K *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        uint8_t sc[8], m[8];
        gk_unpack_scales_k4(w[b].scales, sc, m);
        int sumi = 0, summ = 0;
        for (int c = 0; c < 4; c++) {
            const uint8_t *q = w[b].qs + 32 * c;
            const int8_t *y = a[b].qs + 64 * c;
            int s1 = 0, s2 = 0;
            for (int l = 0; l < 32; l++) {
                s1 += (q[l] & 0xF) * y[l];
                s2 += (q[l] >> 4) * y[l + 32];
            }
            sumi += sc[2 * c] * s1 + sc[2 * c + 1] * s2;
        }
        for (int j = 0; j < 8; j++) summ += m[j] * a[b].bsums32[j];
        sum += a[b].d * gk_h2f(w[b].d) * (float)sumi - a[b].d * gk_h2f(w[b].dmin) * (float)summ;
    }
    return sum;
}

static float vec_dot_q5_K(int64_t n, const gk_block_q5_K *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        uint8_t sc[8], m[8];
        gk_unpack_scales_k4(w[b].scales, sc, m);
        int sumi = 0, summ = 0;
        for (int c = 0; c < 4; c++) {
            const uint8_t *q = w[b].qs + 32 * c;
            const int8_t *y = a[b].qs + 64 * c;
            int s1 = 0, s2 = 0;
            for (int l = 0; l < 32; l++) {
                s1 += ((q[l] & 0xF) | (((w[b].qh[l] >> (2 * c)) & 1) << 4)) * y[l];
                s2 += ((q[l] >> 4) | (((w[b].qh[l] >> (2 * c + 1)) & 1) << 4)) * y[l + 32];
            }
            sumi += sc[2 * c] * s1 + sc[2 * c + 1] * s2;
        }
        for (int j = 0; j < 8; j++) summ += m[j] * a[b].bsums32[j];
        sum += a[b].d * gk_h2f(w[b].d) * (float)sumi - a[b].d * gk_h2f(w[b].dmin) * (float)summ;
    }
    return sum;
}

static float vec_dot_q6_K(int64_t n, const gk_block_q6_K *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        int sumi = 0;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = w[b].ql + 64 * h, *qh = w[b].qh + 32 * h;
            const int8_t *sc = w[b].scales + 8 * h;
            const int8_t *y = a[b].qs + 128 * h;
            int s[8] = {0};
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                s[is + 0] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * y[l];
                s[is + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * y[l + 32];
                s[is + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * y[l + 64];
                s[is + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * y[l + 96];
            }
            for (int g = 0; g < 8; g++) sumi += sc[g] * s[g];
        }
        sum += gk_h2f(w[b].d) * a[b].d * (float)sumi;
    }
    return sum;
}

static float vec_dot_q4_1(int64_t n, const gk_block_q4_1 *w, const gk_act_q8_1 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) sumi += (w[b].qs[j] & 0xF) * a[b].qs[j] + (w[b].qs[j] >> 4) * a[b].qs[j + 16];
        sum += (gk_h2f(w[b].d) * a[b].d) * (float)sumi + gk_h2f(w[b].m) * a[b].s;
    }
    return sum;
}

/// Σ q·a over one Q5 block (q the unsigned 5-bit values).
static inline int dot_q5(const uint8_t *qs, const uint8_t *qh4, const int8_t *a) {
    uint32_t qh;
    memcpy(&qh, qh4, 4);
    int sumi = 0;
    for (int j = 0; j < 16; j++) {
        sumi += ((qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4)) * a[j];
        sumi += ((qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4)) * a[j + 16];
    }
    return sumi;
}

static float vec_dot_q5_0(int64_t n, const gk_block_q5_0 *w, const gk_act_q8_0 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        // Σ(q − 16)·a = Σ q·a − 16·Σa, and offset = −8·Σa.
        const int sumi = dot_q5(w[b].qs, w[b].qh, a[b].qs) + 2 * a[b].offset;
        sum += (float)sumi * (gk_h2f(w[b].d) * a[b].d);
    }
    return sum;
}

static float vec_dot_q5_1(int64_t n, const gk_block_q5_1 *w, const gk_act_q8_1 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        const int sumi = dot_q5(w[b].qs, w[b].qh, a[b].qs);
        sum += (gk_h2f(w[b].d) * a[b].d) * (float)sumi + gk_h2f(w[b].m) * a[b].s;
    }
    return sum;
}

static float vec_dot_iq4_nl(int64_t n, const gk_block_iq4_nl *w, const gk_act_q8_0 *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QK; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += gk_iq4nl_values[w[b].qs[j] & 0xF] * a[b].qs[j];
            sumi += gk_iq4nl_values[w[b].qs[j] >> 4] * a[b].qs[j + 16];
        }
        sum += (float)sumi * (gk_h2f(w[b].d) * a[b].d);
    }
    return sum;
}

static float vec_dot_iq4_xs(int64_t n, const gk_block_iq4_xs *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        int sumi = 0;
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *qs = w[b].qs + 16 * ib;
            const int8_t *y = a[b].qs + 32 * ib;
            int s = 0;
            for (int j = 0; j < 16; j++) s += gk_iq4nl_values[qs[j] & 0xF] * y[j] + gk_iq4nl_values[qs[j] >> 4] * y[j + 16];
            sumi += gk_iq4_xs_scale(&w[b], ib) * s;
        }
        sum += gk_h2f(w[b].d) * a[b].d * (float)sumi;
    }
    return sum;
}

static float vec_dot_q2_K(int64_t n, const gk_block_q2_K *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        int sumi = 0, summ = 0;
        for (int g = 0; g < 2; g++) {
            const uint8_t *q = w[b].qs + 32 * g;
            for (int k = 0; k < 4; k++) {
                for (int half = 0; half < 2; half++) {
                    const int is = 8 * g + 2 * k + half;
                    const int8_t *y = a[b].qs + 128 * g + 32 * k + 16 * half;
                    int s = 0;
                    for (int l = 0; l < 16; l++) s += ((q[16 * half + l] >> (2 * k)) & 3) * y[l];
                    sumi += (w[b].scales[is] & 0xF) * s;
                }
            }
        }
        for (int j = 0; j < 16; j++) summ += (w[b].scales[j] >> 4) * a[b].bsums[j];
        sum += a[b].d * gk_h2f(w[b].d) * (float)sumi - a[b].d * gk_h2f(w[b].dmin) * (float)summ;
    }
    return sum;
}

static float vec_dot_q3_K(int64_t n, const gk_block_q3_K *w, const gk_act_q8_K *a) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        int8_t sc[16];
        gk_unpack_scales_q3_K(w[b].scales, sc);
        int sumi = 0;
        for (int g = 0; g < 2; g++) {
            const uint8_t *q = w[b].qs + 32 * g;
            for (int k = 0; k < 4; k++) {
                const uint8_t hbit = (uint8_t)(1u << (4 * g + k));
                for (int half = 0; half < 2; half++) {
                    const int8_t *y = a[b].qs + 128 * g + 32 * k + 16 * half;
                    int s = 0;
                    for (int l = 0; l < 16; l++) {
                        const int i = 16 * half + l;
                        s += (((q[i] >> (2 * k)) & 3) - ((w[b].hmask[i] & hbit) ? 0 : 4)) * y[l];
                    }
                    sumi += (sc[8 * g + 2 * k + half] - 32) * s;
                }
            }
        }
        sum += gk_h2f(w[b].d) * a[b].d * (float)sumi;
    }
    return sum;
}

static float vec_dot_f16_portable(int64_t n, const uint16_t *w, const uint16_t *a) {
    return dot_f16_portable(w, a, n);
}

// One generic tile per type: the portable path gains nothing from register tiling.
#define GK_PORTABLE_TILE(name, dotfn, wty, aty)                                                  \
    static void name(int64_t n, const void *w, size_t wstride, int nr, const void *a,             \
                     size_t astride, int nt, float *out, size_t ostride) {                        \
        for (int t = 0; t < nt; t++)                                                              \
            for (int r = 0; r < nr; r++)                                                          \
                out[t * ostride + r] = dotfn(n, (const wty *)((const char *)w + r * wstride),     \
                                             (const aty *)((const char *)a + t * astride));       \
    }

GK_PORTABLE_TILE(tile_f32, vec_dot_f32, float, float)
GK_PORTABLE_TILE(tile_f16, vec_dot_f16_portable, uint16_t, uint16_t)
GK_PORTABLE_TILE(tile_bf16, vec_dot_bf16, uint16_t, uint16_t)
GK_PORTABLE_TILE(tile_q4_0, vec_dot_q4_0, gk_block_q4_0, gk_act_q8_0)
GK_PORTABLE_TILE(tile_q8_0, vec_dot_q8_0, gk_block_q8_0, gk_act_q8_0)
GK_PORTABLE_TILE(tile_q4_K, vec_dot_q4_K, gk_block_q4_K, gk_act_q8_K)
GK_PORTABLE_TILE(tile_q5_K, vec_dot_q5_K, gk_block_q5_K, gk_act_q8_K)
GK_PORTABLE_TILE(tile_q6_K, vec_dot_q6_K, gk_block_q6_K, gk_act_q8_K)
GK_PORTABLE_TILE(tile_q4_1, vec_dot_q4_1, gk_block_q4_1, gk_act_q8_1)
GK_PORTABLE_TILE(tile_q5_0, vec_dot_q5_0, gk_block_q5_0, gk_act_q8_0)
GK_PORTABLE_TILE(tile_q5_1, vec_dot_q5_1, gk_block_q5_1, gk_act_q8_1)
GK_PORTABLE_TILE(tile_q2_K, vec_dot_q2_K, gk_block_q2_K, gk_act_q8_K)
GK_PORTABLE_TILE(tile_q3_K, vec_dot_q3_K, gk_block_q3_K, gk_act_q8_K)
GK_PORTABLE_TILE(tile_iq4_nl, vec_dot_iq4_nl, gk_block_iq4_nl, gk_act_q8_0)
GK_PORTABLE_TILE(tile_iq4_xs, vec_dot_iq4_xs, gk_block_iq4_xs, gk_act_q8_K)

const gk_kernel_table gk_table_portable = {
    .tile_f32 = tile_f32,
    .tile_f16 = tile_f16,
    .tile_bf16 = tile_bf16,
    .tile_q4_0 = tile_q4_0,
    .tile_q8_0 = tile_q8_0,
    .tile_q4_K = tile_q4_K,
    .tile_q5_K = tile_q5_K,
    .tile_q6_K = tile_q6_K,
    .tile_q4_1 = tile_q4_1,
    .tile_q5_0 = tile_q5_0,
    .tile_q5_1 = tile_q5_1,
    .tile_q2_K = tile_q2_K,
    .tile_q3_K = tile_q3_K,
    .tile_iq4_nl = tile_iq4_nl,
    .tile_iq4_xs = tile_iq4_xs,
    .quant_q8_0 = gk_quantize_act_q8_0,
    .quant_q8_K = gk_quantize_act_q8_K,
    .to_f16 = to_f16_portable,
    .from_f16 = from_f16_portable,
    .to_bf16 = to_bf16_portable,
    .dot_f16 = dot_f16_portable,
    .axpy_f16 = axpy_f16_portable,
    .mv_rows = 4,
    .mm_rows = 1,
    .mm_tokens = 1,
};
