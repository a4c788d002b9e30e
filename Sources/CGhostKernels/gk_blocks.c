// Scalar block formats: reference quantizers, dequantizers, half/bfloat16 conversion.
// Everything here is the definition the SIMD paths are tested against.

#include "gk_internal.h"
#include <float.h>
#include <math.h>

const int8_t gk_iq4nl_values[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

uint16_t gk_fp32_to_fp16(float f) { return gk_f2h(f); }
float gk_fp16_to_fp32(uint16_t h) { return gk_h2f(h); }
uint16_t gk_fp32_to_bf16(float f) { return gk_f2bf(f); }
float gk_bf16_to_fp32(uint16_t h) { return gk_bf2f(h); }

// MARK: - Reference weight quantizers (bit-exact with llama.cpp's *_ref quantizers)

static void quantize_q8_0_ref(const float *x, gk_block_q8_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float amax = 0.0f;
        for (int j = 0; j < GK_QK; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = gk_f2h(d);
        // roundf: halves go away from zero, unlike the activation quantizer.
        for (int j = 0; j < GK_QK; j++) y[b].qs[j] = (int8_t)roundf(x[j] * id);
    }
}

static void quantize_q4_0_ref(const float *x, gk_block_q4_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        // The signed element of largest magnitude (first one on ties) maps to −8.
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < GK_QK; j++) {
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = gk_f2h(d);
        for (int j = 0; j < 16; j++) {
            // +8.5 then truncation = round half up into 0...16; 16 only for the max itself.
            int lo = (int)(int8_t)(x[j] * id + 8.5f);
            int hi = (int)(int8_t)(x[j + 16] * id + 8.5f);
            lo = lo < 15 ? lo : 15;
            hi = hi < 15 ? hi : 15;
            y[b].qs[j] = (uint8_t)(lo | (hi << 4));
        }
    }
}

// Q4_1 / Q5_1: the block's min and max span 2^bits − 1 steps; +0.5 then truncation rounds
// half up (the values are ≥ 0 here).
static void quantize_q4_1_ref(const float *x, gk_block_q4_1 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < GK_QK; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = gk_f2h(d);
        y[b].m = gk_f2h(min);
        for (int j = 0; j < 16; j++) {
            int lo = (int)(int8_t)((x[j] - min) * id + 0.5f);
            int hi = (int)(int8_t)((x[j + 16] - min) * id + 0.5f);
            lo = lo < 15 ? lo : 15;
            hi = hi < 15 ? hi : 15;
            y[b].qs[j] = (uint8_t)(lo | (hi << 4));
        }
    }
}

static void quantize_q5_1_ref(const float *x, gk_block_q5_1 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < GK_QK; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = gk_f2h(d);
        y[b].m = gk_f2h(min);
        uint32_t qh = 0;
        for (int j = 0; j < 16; j++) {
            // No clamp, as in llama.cpp: the max lands on 31 exactly (31.5 truncates to 31).
            const uint8_t lo = (uint8_t)((x[j] - min) * id + 0.5f);
            const uint8_t hi = (uint8_t)((x[j + 16] - min) * id + 0.5f);
            y[b].qs[j] = (uint8_t)((lo & 0xF) | ((hi & 0xF) << 4));
            qh |= (uint32_t)((lo >> 4) & 1) << j;
            qh |= (uint32_t)((hi >> 4) & 1) << (j + 16);
        }
        memcpy(y[b].qh, &qh, 4);
    }
}

// Q5_0: like Q4_0 with 32 levels, the signed max maps to −16.
static void quantize_q5_0_ref(const float *x, gk_block_q5_0 *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, x += GK_QK) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < GK_QK; j++) {
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        }
        const float d = max / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = gk_f2h(d);
        uint32_t qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = (int)(int8_t)(x[j] * id + 16.5f);
            int hi = (int)(int8_t)(x[j + 16] * id + 16.5f);
            lo = lo < 31 ? lo : 31;
            hi = hi < 31 ? hi : 31;
            y[b].qs[j] = (uint8_t)((lo & 0xF) | ((hi & 0xF) << 4));
            qh |= (uint32_t)((lo >> 4) & 1) << j;
            qh |= (uint32_t)((hi >> 4) & 1) << (j + 16);
        }
        memcpy(y[b].qh, &qh, 4);
    }
}

// Q6_K: llama.cpp's make_qx_quants (weights x², a ±0.9 search around the amax scale) per
// sub-block of 16, then 8-bit sub-block scales against the largest and a final requantize.
static float make_qx_quants_w2(int n, int nmax, const float *x, int8_t *L) {
    float max = 0.0f, amax = 0.0f;
    for (int i = 0; i < n; i++) {
        const float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < 1e-15f) {
        for (int i = 0; i < n; i++) L[i] = 0;
        return 0.0f;
    }
    float iscale = -(float)nmax / max;
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < n; i++) {
        int l = gk_nearest_int(iscale * x[i]);
        l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
        L[i] = (int8_t)(l + nmax);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * (float)l;
        suml2 += w * (float)l * (float)l;
    }
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
        if (is == 0) continue;
        iscale = -((float)nmax + 0.1f * (float)is) / max;
        sumlx = suml2 = 0.0f;
        for (int i = 0; i < n; i++) {
            int l = gk_nearest_int(iscale * x[i]);
            l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
            const float w = x[i] * x[i];
            sumlx += w * x[i] * (float)l;
            suml2 += w * (float)l * (float)l;
        }
        if (suml2 > 0.0f && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; i++) {
                int l = gk_nearest_int(iscale * x[i]);
                l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
                L[i] = (int8_t)(l + nmax);
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

static void quantize_q6_K_ref(const float *x, gk_block_q6_K *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        int8_t L[GK_QKK];
        float scales[16];
        float max_scale = 0.0f, max_abs_scale = 0.0f;
        for (int ib = 0; ib < 16; ib++) {
            scales[ib] = make_qx_quants_w2(16, 32, x + 16 * ib, L + 16 * ib);
            if (fabsf(scales[ib]) > max_abs_scale) {
                max_abs_scale = fabsf(scales[ib]);
                max_scale = scales[ib];
            }
        }
        memset(&y[b], 0, sizeof(gk_block_q6_K));
        if (max_abs_scale < 1e-15f) continue;
        const float iscale = -128.0f / max_scale;
        y[b].d = gk_f2h(1.0f / iscale);
        for (int ib = 0; ib < 16; ib++) {
            const int l = gk_nearest_int(iscale * scales[ib]);
            y[b].scales[ib] = (int8_t)(l < 127 ? l : 127);
        }
        for (int j = 0; j < 16; j++) {
            const float d = gk_h2f(y[b].d) * (float)y[b].scales[j];
            if (d == 0.0f) continue;
            for (int i = 0; i < 16; i++) {
                int l = gk_nearest_int(x[16 * j + i] / d);
                l = l < -32 ? -32 : l > 31 ? 31 : l;
                L[16 * j + i] = (int8_t)(l + 32);
            }
        }
        // Elements 128h + 32k + l: low nibbles in ql (k = 0, 1 low halves, k = 2, 3 high),
        // the two high bits of all four in qh[32h + l].
        for (int h = 0; h < 2; h++) {
            uint8_t *ql = y[b].ql + 64 * h, *qh = y[b].qh + 32 * h;
            const int8_t *q = L + 128 * h;
            for (int l = 0; l < 32; l++) {
                ql[l] = (uint8_t)((q[l] & 0xF) | ((q[l + 64] & 0xF) << 4));
                ql[l + 32] = (uint8_t)((q[l + 32] & 0xF) | ((q[l + 96] & 0xF) << 4));
                qh[l] = (uint8_t)((q[l] >> 4) | ((q[l + 32] >> 4) << 2) | ((q[l + 64] >> 4) << 4) | ((q[l + 96] >> 4) << 6));
            }
        }
    }
}

/// Fits x[i] ≈ scale·L[i] − min with L in 0…nmax, minimising the weighted squared error:
/// a first guess from the range, then `steps + 1` trial scales around it, each refined by
/// weighted least squares (the search llama.cpp's K-quant reference quantizers use, same
/// constants). Returns the scale; *neg_min = −min.
static float fit_scale_min(int n, int nmax, const float *x, const float *w, uint8_t *L, float *neg_min,
                           float first_step, float step, int steps) {
    float lo = x[0], hi = x[0];
    float sum_w = w[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (lo > 0) lo = 0;
    if (hi == lo) {
        for (int i = 0; i < n; i++) L[i] = 0;
        *neg_min = -lo;
        return 0.0f;
    }
    float iscale = nmax / (hi - lo);
    float scale = 1 / iscale;
    float best = 0;
    for (int i = 0; i < n; i++) {
        const int l = gk_nearest_int(iscale * (x[i] - lo));
        L[i] = (uint8_t)(l < 0 ? 0 : l > nmax ? nmax : l);
        const float diff = scale * L[i] + lo - x[i];
        best += w[i] * (diff * diff);
    }
    // Each trial starts from the best fit so far: the range below uses the current min.
    float min = lo;
    uint8_t trial[32];
    for (int is = 0; is <= steps; is++) {
        iscale = (first_step + step * is + nmax) / (hi - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; i++) {
            int l = gk_nearest_int(iscale * (x[i] - min));
            l = l < 0 ? 0 : l > nmax ? nmax : l;
            trial[i] = (uint8_t)l;
            const float wl = w[i] * (float)l;
            sum_l += wl;
            sum_l2 += wl * l;
            sum_xl += wl * x[i];
        }
        const float det = sum_w * sum_l2 - sum_l * sum_l;
        if (det > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / det;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / det;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float err = 0;
            for (int i = 0; i < n; i++) {
                const float diff = this_scale * trial[i] + this_min - x[i];
                err += w[i] * (diff * diff);
            }
            if (err < best) {
                for (int i = 0; i < n; i++) L[i] = trial[i];
                best = err;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *neg_min = -min;
    return scale;
}

/// Q4_K (nmax 15) and Q5_K (nmax 31): per 32-element sub-block a scale and a min, both
/// stored as 6-bit multiples of the block's f16 `d` and `dmin`; then every element is
/// requantized against the stored values.
static void quantize_k4_scales(const float *x, int nmax, float first_step, int steps, uint16_t *d, uint16_t *dmin,
                               uint8_t packed[12], uint8_t L[GK_QKK]) {
    float scales[8], mins[8], w[32];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; j++) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; l++) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; l++) w[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = fit_scale_min(32, nmax, x + 32 * j, w, L + 32 * j, &mins[j], first_step, 0.1f, steps);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    memset(packed, 0, 12);
    for (int j = 0; j < 8; j++) {
        int ls = gk_nearest_int(inv_scale * scales[j]), lm = gk_nearest_int(inv_min * mins[j]);
        ls = ls > 63 ? 63 : ls;
        lm = lm > 63 ? 63 : lm;
        // Low 6 bits of sub-blocks 0–3 in bytes 0–7; sub-blocks 4–7 split into a nibble in
        // bytes 8–11 and two high bits on top of bytes 0–7.
        if (j < 4) {
            packed[j] = (uint8_t)ls;
            packed[j + 4] = (uint8_t)lm;
        } else {
            packed[j + 4] = (uint8_t)((ls & 0xF) | ((lm & 0xF) << 4));
            packed[j - 4] |= (uint8_t)((ls >> 4) << 6);
            packed[j] |= (uint8_t)((lm >> 4) << 6);
        }
    }
    *d = gk_f2h(max_scale / 63.f);
    *dmin = gk_f2h(max_min / 63.f);
    for (int j = 0; j < 8; j++) {
        uint8_t sc, m;
        gk_scale_min_k4(j, packed, &sc, &m);
        const float dj = gk_h2f(*d) * sc;
        if (dj == 0.0f) continue;
        const float mj = gk_h2f(*dmin) * m;
        for (int i = 0; i < 32; i++) {
            int l = gk_nearest_int((x[32 * j + i] + mj) / dj);
            L[32 * j + i] = (uint8_t)(l < 0 ? 0 : l > nmax ? nmax : l);
        }
    }
}

static void quantize_q4_K_ref(const float *x, gk_block_q4_K *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        uint8_t L[GK_QKK];
        quantize_k4_scales(x, 15, -1.0f, 20, &y[b].d, &y[b].dmin, y[b].scales, L);
        // Each 32 bytes hold 64 elements: the first 32 in the low nibbles, the next 32 high.
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) y[b].qs[32 * c + l] = (uint8_t)(L[64 * c + l] | (L[64 * c + l + 32] << 4));
        }
    }
}

static void quantize_q5_K_ref(const float *x, gk_block_q5_K *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++, x += GK_QKK) {
        uint8_t L[GK_QKK];
        quantize_k4_scales(x, 31, -0.5f, 15, &y[b].d, &y[b].dmin, y[b].scales, L);
        // As Q4_K, plus the fifth bit of element 64c + l in bit 2c of qh[l] (+32: bit 2c+1).
        memset(y[b].qh, 0, 32);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int lo = L[64 * c + l], hi = L[64 * c + l + 32];
                if (lo > 15) { lo -= 16; y[b].qh[l] |= (uint8_t)(1u << (2 * c)); }
                if (hi > 15) { hi -= 16; y[b].qh[l] |= (uint8_t)(2u << (2 * c)); }
                y[b].qs[32 * c + l] = (uint8_t)(lo | (hi << 4));
            }
        }
    }
}

int gk_quantize_ref(int type, const float *src, void *dst, int64_t n) {
    switch (type) {
    case GK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); return 1;
    case GK_TYPE_F16: for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = gk_f2h(src[i]); return 1;
    case GK_TYPE_BF16: for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = gk_f2bf(src[i]); return 1;
    case GK_TYPE_Q8_0: quantize_q8_0_ref(src, dst, n); return 1;
    case GK_TYPE_Q4_0: quantize_q4_0_ref(src, dst, n); return 1;
    case GK_TYPE_Q4_1: quantize_q4_1_ref(src, dst, n); return 1;
    case GK_TYPE_Q5_0: quantize_q5_0_ref(src, dst, n); return 1;
    case GK_TYPE_Q5_1: quantize_q5_1_ref(src, dst, n); return 1;
    case GK_TYPE_Q4_K: quantize_q4_K_ref(src, dst, n); return 1;
    case GK_TYPE_Q5_K: quantize_q5_K_ref(src, dst, n); return 1;
    case GK_TYPE_Q6_K: quantize_q6_K_ref(src, dst, n); return 1;
    default: return 0;
    }
}

// MARK: - Dequantizers

static void dequantize_q4_0(const gk_block_q4_0 *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)((x[b].qs[j] & 0xF) - 8);
            y[j + 16] = d * (float)((x[b].qs[j] >> 4) - 8);
        }
    }
}

static void dequantize_q8_0(const gk_block_q8_0 *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d);
        for (int j = 0; j < GK_QK; j++) y[j] = d * (float)x[b].qs[j];
    }
}

static void dequantize_q4_1(const gk_block_q4_1 *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d), m = gk_h2f(x[b].m);
        for (int j = 0; j < 16; j++) {
            y[j] = (float)(x[b].qs[j] & 0xF) * d + m;
            y[j + 16] = (float)(x[b].qs[j] >> 4) * d + m;
        }
    }
}

/// The 5-bit values of a Q5_0/Q5_1 block: element j's high bit is bit j of qh.
static inline void unpack_q5(const uint8_t *qs, const uint8_t *qh4, int q[32]) {
    uint32_t qh;
    memcpy(&qh, qh4, 4);
    for (int j = 0; j < 16; j++) {
        q[j] = (qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
        q[j + 16] = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
    }
}

static void dequantize_q5_0(const gk_block_q5_0 *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d);
        int q[32];
        unpack_q5(x[b].qs, x[b].qh, q);
        for (int j = 0; j < GK_QK; j++) y[j] = (float)(q[j] - 16) * d;
    }
}

static void dequantize_q5_1(const gk_block_q5_1 *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d), m = gk_h2f(x[b].m);
        int q[32];
        unpack_q5(x[b].qs, x[b].qh, q);
        for (int j = 0; j < GK_QK; j++) y[j] = (float)q[j] * d + m;
    }
}

static void dequantize_iq4_nl(const gk_block_iq4_nl *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QK; b++, y += GK_QK) {
        const float d = gk_h2f(x[b].d);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)gk_iq4nl_values[x[b].qs[j] & 0xF];
            y[j + 16] = d * (float)gk_iq4nl_values[x[b].qs[j] >> 4];
        }
    }
}

static void dequantize_iq4_xs(const gk_block_iq4_xs *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const float dl = d * (float)gk_iq4_xs_scale(&x[b], ib);
            const uint8_t *qs = x[b].qs + 16 * ib;
            for (int j = 0; j < 16; j++) {
                y[j] = dl * (float)gk_iq4nl_values[qs[j] & 0xF];
                y[j + 16] = dl * (float)gk_iq4nl_values[qs[j] >> 4];
            }
        }
    }
}

// Q2_K / Q3_K: each 32-byte group of qs holds four 2-bit planes (shift 0, 2, 4, 6) of 32
// elements each; plane k of group n covers elements 128n + 32k … +31, in two sub-blocks of 16.
static void dequantize_q2_K(const gk_block_q2_K *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d), dmin = gk_h2f(x[b].dmin);
        for (int g = 0; g < 2; g++) {
            const uint8_t *q = x[b].qs + 32 * g;
            for (int k = 0; k < 4; k++) {
                for (int half = 0; half < 2; half++) {
                    const uint8_t sc = x[b].scales[8 * g + 2 * k + half];
                    const float dl = d * (float)(sc & 0xF), ml = dmin * (float)(sc >> 4);
                    for (int l = 0; l < 16; l++) *y++ = dl * (float)((q[16 * half + l] >> (2 * k)) & 3) - ml;
                }
            }
        }
    }
}

static void dequantize_q3_K(const gk_block_q3_K *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d);
        int8_t sc[16];
        gk_unpack_scales_q3_K(x[b].scales, sc);
        for (int g = 0; g < 2; g++) {
            const uint8_t *q = x[b].qs + 32 * g;
            for (int k = 0; k < 4; k++) {
                // The high bit of plane k of group g is bit 4g + k of hmask[l].
                const uint8_t hbit = (uint8_t)(1u << (4 * g + k));
                for (int half = 0; half < 2; half++) {
                    const float dl = d * (float)(sc[8 * g + 2 * k + half] - 32);
                    for (int l = 16 * half; l < 16 * half + 16; l++) {
                        const int v = ((q[l] >> (2 * k)) & 3) - ((x[b].hmask[l] & hbit) ? 0 : 4);
                        *y++ = dl * (float)v;
                    }
                }
            }
        }
    }
}

static void dequantize_q4_K(const gk_block_q4_K *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d), dmin = gk_h2f(x[b].dmin);
        uint8_t sc[8], m[8];
        gk_unpack_scales_k4(x[b].scales, sc, m);
        for (int c = 0; c < 4; c++) {
            const uint8_t *q = x[b].qs + 32 * c;
            const float d1 = d * sc[2 * c], m1 = dmin * m[2 * c];
            const float d2 = d * sc[2 * c + 1], m2 = dmin * m[2 * c + 1];
            for (int l = 0; l < 32; l++) *y++ = d1 * (float)(q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (float)(q[l] >> 4) - m2;
        }
    }
}

static void dequantize_q5_K(const gk_block_q5_K *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d), dmin = gk_h2f(x[b].dmin);
        uint8_t sc[8], m[8];
        gk_unpack_scales_k4(x[b].scales, sc, m);
        for (int c = 0; c < 4; c++) {
            const uint8_t *q = x[b].qs + 32 * c;
            const float d1 = d * sc[2 * c], m1 = dmin * m[2 * c];
            const float d2 = d * sc[2 * c + 1], m2 = dmin * m[2 * c + 1];
            for (int l = 0; l < 32; l++) {
                const int v = (q[l] & 0xF) | (((x[b].qh[l] >> (2 * c)) & 1) << 4);
                *y++ = d1 * (float)v - m1;
            }
            for (int l = 0; l < 32; l++) {
                const int v = (q[l] >> 4) | (((x[b].qh[l] >> (2 * c + 1)) & 1) << 4);
                *y++ = d2 * (float)v - m2;
            }
        }
    }
}

static void dequantize_q6_K(const gk_block_q6_K *x, float *y, int64_t n) {
    for (int64_t b = 0; b < n / GK_QKK; b++) {
        const float d = gk_h2f(x[b].d);
        for (int h = 0; h < 2; h++, y += 128) {
            const uint8_t *ql = x[b].ql + 64 * h, *qh = x[b].qh + 32 * h;
            const int8_t *sc = x[b].scales + 8 * h;
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * (float)sc[is] * (float)q1;
                y[l + 32] = d * (float)sc[is + 2] * (float)q2;
                y[l + 64] = d * (float)sc[is + 4] * (float)q3;
                y[l + 96] = d * (float)sc[is + 6] * (float)q4;
            }
        }
    }
}

int gk_dequantize(int type, const void *src, float *dst, int64_t n) {
    switch (type) {
    case GK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); return 1;
    case GK_TYPE_F16: gk_active->from_f16(src, dst, n); return 1;
    case GK_TYPE_BF16: for (int64_t i = 0; i < n; i++) dst[i] = gk_bf2f(((const uint16_t *)src)[i]); return 1;
    case GK_TYPE_Q4_0: dequantize_q4_0(src, dst, n); return 1;
    case GK_TYPE_Q8_0: dequantize_q8_0(src, dst, n); return 1;
    case GK_TYPE_Q4_K: dequantize_q4_K(src, dst, n); return 1;
    case GK_TYPE_Q5_K: dequantize_q5_K(src, dst, n); return 1;
    case GK_TYPE_Q6_K: dequantize_q6_K(src, dst, n); return 1;
    case GK_TYPE_Q4_1: dequantize_q4_1(src, dst, n); return 1;
    case GK_TYPE_Q5_0: dequantize_q5_0(src, dst, n); return 1;
    case GK_TYPE_Q5_1: dequantize_q5_1(src, dst, n); return 1;
    case GK_TYPE_Q2_K: dequantize_q2_K(src, dst, n); return 1;
    case GK_TYPE_Q3_K: dequantize_q3_K(src, dst, n); return 1;
    case GK_TYPE_IQ4_NL: dequantize_iq4_nl(src, dst, n); return 1;
    case GK_TYPE_IQ4_XS: dequantize_iq4_xs(src, dst, n); return 1;
    default: return 0;
    }
}

size_t gk_row_size(int type, int64_t cols) {
    switch (type) {
    case GK_TYPE_F32: return (size_t)cols * 4;
    case GK_TYPE_F16: case GK_TYPE_BF16: return (size_t)cols * 2;
    case GK_TYPE_Q4_0: return (size_t)(cols / GK_QK) * sizeof(gk_block_q4_0);
    case GK_TYPE_Q4_1: return (size_t)(cols / GK_QK) * sizeof(gk_block_q4_1);
    case GK_TYPE_Q5_0: return (size_t)(cols / GK_QK) * sizeof(gk_block_q5_0);
    case GK_TYPE_Q5_1: return (size_t)(cols / GK_QK) * sizeof(gk_block_q5_1);
    case GK_TYPE_Q8_0: return (size_t)(cols / GK_QK) * sizeof(gk_block_q8_0);
    case GK_TYPE_IQ4_NL: return (size_t)(cols / GK_QK) * sizeof(gk_block_iq4_nl);
    case GK_TYPE_Q2_K: return (size_t)(cols / GK_QKK) * sizeof(gk_block_q2_K);
    case GK_TYPE_Q3_K: return (size_t)(cols / GK_QKK) * sizeof(gk_block_q3_K);
    case GK_TYPE_Q4_K: return (size_t)(cols / GK_QKK) * sizeof(gk_block_q4_K);
    case GK_TYPE_Q5_K: return (size_t)(cols / GK_QKK) * sizeof(gk_block_q5_K);
    case GK_TYPE_Q6_K: return (size_t)(cols / GK_QKK) * sizeof(gk_block_q6_K);
    case GK_TYPE_IQ4_XS: return (size_t)(cols / GK_QKK) * sizeof(gk_block_iq4_xs);
    default: return 0;
    }
}

int gk_type_supported(int type) { return gk_row_size(type, 256) != 0; }
