#ifndef GK_INTERNAL_H
#define GK_INTERNAL_H

#include "ghost_kernels.h"
#include <string.h>

#define GK_QK 32
#define GK_QKK 256

// Weight block layouts as stored in GGUF (packed, little-endian).
typedef struct { uint16_t d; uint8_t qs[16]; } gk_block_q4_0;
typedef struct { uint16_t d; int8_t qs[32]; } gk_block_q8_0;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } gk_block_q4_K;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } gk_block_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } gk_block_q6_K;

_Static_assert(sizeof(gk_block_q4_0) == 18, "q4_0 size");
_Static_assert(sizeof(gk_block_q8_0) == 34, "q8_0 size");
_Static_assert(sizeof(gk_block_q4_K) == 144, "q4_K size");
_Static_assert(sizeof(gk_block_q5_K) == 176, "q5_K size");
_Static_assert(sizeof(gk_block_q6_K) == 210, "q6_K size");
_Static_assert(sizeof(gk_act_q8_K) == 308, "act q8_K size");
_Static_assert(sizeof(gk_act_q8_0) == 40, "act q8_0 size");

typedef void (*gk_tile_fn)(int64_t n, const void *w, size_t wstride, int nr, const void *a,
                           size_t astride, int nt, float *out, size_t ostride);

/// One implementation of every dispatched kernel.
typedef struct {
    gk_tile_fn tile_f32, tile_f16, tile_bf16, tile_q4_0, tile_q8_0, tile_q4_K, tile_q5_K, tile_q6_K;
    void (*quant_q8_0)(const float *, gk_act_q8_0 *, int64_t);
    void (*quant_q8_K)(const float *, gk_act_q8_K *, int64_t);
    void (*to_f16)(const float *, uint16_t *, int64_t);
    void (*from_f16)(const uint16_t *, float *, int64_t);
    void (*to_bf16)(const float *, uint16_t *, int64_t);
    float (*dot_f16)(const uint16_t *, const uint16_t *, int64_t);
    void (*axpy_f16)(float, const uint16_t *, float *, int64_t);
    int mv_rows;            // rows per tile for one token (matvec)
    int mm_rows, mm_tokens; // tile shape for several tokens (fits the register file)
} gk_kernel_table;

extern const gk_kernel_table gk_table_portable;
#if defined(__x86_64__)
extern const gk_kernel_table gk_table_avx2;
extern const gk_kernel_table gk_table_avx512;
#endif
#if defined(__aarch64__) || defined(GK_NEON_EMULATE)
extern const gk_kernel_table gk_table_neon;     // without the dot-product extension
extern const gk_kernel_table gk_table_neondot;  // with sdot (ARMv8.2 dotprod)
#endif

extern const gk_kernel_table *gk_active;

/// fp16 bits → f32 for every half, so SIMD kernels can broadcast a block scale straight from
/// memory (a load-port operation) instead of converting it on the busy shuffle port.
extern float gk_fp16_table[65536];

/// The active tile kernel for weights of `type`, or NULL.
gk_tile_fn gk_tile_for(int type);

static inline uint32_t gk_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float gk_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static inline float gk_h2f(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return gk_bits_f32(sign | 0x7f800000u | (m << 13));
    if (e == 0) {
        // Subnormal or zero: m·2^-24 is exact in f32.
        const float v = (float)m * 0x1p-24f;
        return sign ? -v : v;
    }
    return gk_bits_f32(sign | ((e + 112) << 23) | (m << 13));
}

static inline uint16_t gk_f2h(float f) {
    uint32_t x = gk_f32_bits(f);
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return sign | 0x7e00 | (uint16_t)((ax >> 13) & 0x3ff);  // NaN stays quiet
    if (ax >= 0x477ff000u) return sign | 0x7c00;  // ≥ 65520 rounds to infinity
    if (ax < 0x38800000u) {
        // Below the smallest normal half: adding 0.5 makes the FPU round at 2^-24 (RNE).
        const float r = gk_bits_f32(ax) + 0.5f;
        return sign | (uint16_t)(gk_f32_bits(r) - 0x3f000000u);
    }
    // Rebias the exponent (127 → 15) and round the 13 dropped bits to nearest even.
    ax += 0xc8000fffu + ((ax >> 13) & 1);
    return sign | (uint16_t)(ax >> 13);
}

static inline float gk_bf2f(uint16_t h) { return gk_bits_f32((uint32_t)h << 16); }

static inline uint16_t gk_f2bf(float f) {
    const uint32_t x = gk_f32_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

/// Round to nearest, ties to even, for |v| < 2^22 (the float magic-number trick).
static inline int gk_nearest_int(float v) {
    const float t = v + 12582912.f;
    return (int)(gk_f32_bits(t) & 0x007fffffu) - 0x00400000;
}

/// The 6-bit scale and min of sub-block j of a Q4_K/Q5_K block.
static inline void gk_scale_min_k4(int j, const uint8_t *s, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

/// All 8 scales and mins of a Q4_K/Q5_K block.
static inline void gk_unpack_scales_k4(const uint8_t *s, uint8_t sc[8], uint8_t m[8]) {
    for (int j = 0; j < 8; j++) gk_scale_min_k4(j, s, &sc[j], &m[j]);
}

#endif
