// Scalar block formats: reference quantizers, dequantizers, half/bfloat16 conversion.
// Everything here is the definition the SIMD paths are tested against.

#include "gk_internal.h"
#include <math.h>

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

int gk_quantize_ref(int type, const float *src, void *dst, int64_t n) {
    switch (type) {
    case GK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); return 1;
    case GK_TYPE_F16: for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = gk_f2h(src[i]); return 1;
    case GK_TYPE_BF16: for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = gk_f2bf(src[i]); return 1;
    case GK_TYPE_Q8_0: quantize_q8_0_ref(src, dst, n); return 1;
    case GK_TYPE_Q4_0: quantize_q4_0_ref(src, dst, n); return 1;
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
    default: return 0;
    }
}

int gk_type_supported(int type) {
    switch (type) {
    case GK_TYPE_F32: case GK_TYPE_F16: case GK_TYPE_BF16: case GK_TYPE_Q4_0: case GK_TYPE_Q8_0:
    case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: case GK_TYPE_Q6_K:
        return 1;
    default: return 0;
    }
}
