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
// x = d·q + m, q = 0…15
typedef struct { uint16_t d, m; uint8_t qs[16]; } gk_block_q4_1;
// 5-bit q: nibble from qs plus bit j of qh (element j; elements 16…31 use bits 16…31)
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_0;  // x = d·(q − 16)
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_1; // x = d·q + m
// 16 sub-blocks of 16; scales[j]: low nibble scale, high nibble min; x = d·sc·q − dmin·m
typedef struct { uint8_t scales[16]; uint8_t qs[64]; uint16_t d, dmin; } gk_block_q2_K;
// q = 2 bits from qs + high bit from hmask, minus 4; 16 six-bit scales (minus 32) in 12 bytes
typedef struct { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; uint16_t d; } gk_block_q3_K;
// x = d·table[q] with the 16-value non-linear table gk_iq4nl_values
typedef struct { uint16_t d; uint8_t qs[16]; } gk_block_iq4_nl;
// 8 sub-blocks of 32 like IQ4_NL, each with a 6-bit scale (minus 32)
typedef struct { uint16_t d; uint16_t scales_h; uint8_t scales_l[4]; uint8_t qs[128]; } gk_block_iq4_xs;

_Static_assert(sizeof(gk_block_q4_0) == 18, "q4_0 size");
_Static_assert(sizeof(gk_block_q8_0) == 34, "q8_0 size");
_Static_assert(sizeof(gk_block_q4_K) == 144, "q4_K size");
_Static_assert(sizeof(gk_block_q5_K) == 176, "q5_K size");
_Static_assert(sizeof(gk_block_q6_K) == 210, "q6_K size");
_Static_assert(sizeof(gk_block_q4_1) == 20, "q4_1 size");
_Static_assert(sizeof(gk_block_q5_0) == 22, "q5_0 size");
_Static_assert(sizeof(gk_block_q5_1) == 24, "q5_1 size");
_Static_assert(sizeof(gk_block_q2_K) == 84, "q2_K size");
_Static_assert(sizeof(gk_block_q3_K) == 110, "q3_K size");
_Static_assert(sizeof(gk_block_iq4_nl) == 18, "iq4_nl size");
_Static_assert(sizeof(gk_block_iq4_xs) == 136, "iq4_xs size");
_Static_assert(sizeof(gk_act_q8_K) == 308, "act q8_K size");
_Static_assert(sizeof(gk_act_q8_1) == 40, "act q8_1 size");
_Static_assert(sizeof(gk_act_q8_0) == 40, "act q8_0 size");

typedef void (*gk_tile_fn)(int64_t n, const void *w, size_t wstride, int nr, const void *a,
                           size_t astride, int nt, float *out, size_t ostride);

/// A packed tile: the rows of one interleaved group (`nb` blocks from `pw`) × `nt` tokens of
/// quantized activations `as` bytes apart, written to out[t·os + r].
typedef void (*gk_packed_tile_fn)(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os);

/// Unpacks a packed group's `nb` blocks into a strip buffer (see gk_pack_layout.strip_for).
typedef void (*gk_strip_unpack_fn)(const uint8_t *pw, int64_t nb, uint8_t *strip);

/// A kernel path's interleaved weight layout (see gk_packed.c): per type, groups of rows whose
/// blocks are stored together, 4 bytes of each row side by side, so one SIMD register holds
/// the same 4 columns of every row of the group; and the tiles that read it.
typedef struct {
    /// Q8_0 quants stored +128 (for unsigned × signed dot instructions) instead of as is.
    int q8_0_biased;
    /// The tile for `type`, the rows of its groups and the most tokens it takes, or NULL if
    /// the type is not packed on this path.
    gk_packed_tile_fn (*tile_for)(int type, int *rows, int *max_nt);
    /// For types whose quant registers take many operations to assemble, or NULL: the function
    /// that unpacks a group's `nb` blocks into a strip (`block_bytes` per block) and, in `tile`,
    /// the tile that reads strips (up to `max_nt` tokens). A batch unpacks each group once for
    /// all its token tiles.
    gk_strip_unpack_fn (*strip_for)(int type, size_t *block_bytes, gk_packed_tile_fn *tile, int *max_nt);
} gk_pack_layout;

#if defined(__x86_64__)
extern const gk_pack_layout gk_layout_avx512;
extern const gk_pack_layout gk_layout_avx2;
gk_strip_unpack_fn gk_strip_for_avx2(int type, size_t *block_bytes, gk_packed_tile_fn *tile, int *max_nt);
#endif
#if defined(__aarch64__) || defined(GK_NEON_EMULATE)
extern const gk_pack_layout gk_layout_neon;     // widening multiplies
extern const gk_pack_layout gk_layout_neondot;  // sdot by lane
#endif

/// One implementation of every dispatched kernel.
typedef struct {
    gk_tile_fn tile_f32, tile_f16, tile_bf16, tile_q4_0, tile_q8_0, tile_q4_K, tile_q5_K, tile_q6_K;
    gk_tile_fn tile_q4_1, tile_q5_0, tile_q5_1, tile_q2_K, tile_q3_K, tile_iq4_nl, tile_iq4_xs;
    void (*quant_q8_0)(const float *, gk_act_q8_0 *, int64_t);
    void (*quant_q8_K)(const float *, gk_act_q8_K *, int64_t);
    void (*to_f16)(const float *, uint16_t *, int64_t);
    void (*from_f16)(const uint16_t *, float *, int64_t);
    void (*to_bf16)(const float *, uint16_t *, int64_t);
    float (*dot_f16)(const uint16_t *, const uint16_t *, int64_t);
    void (*axpy_f16)(float, const uint16_t *, float *, int64_t);
    int mv_rows;            // rows per tile for one token (matvec)
    int mm_rows, mm_tokens; // tile shape for several tokens (fits the register file)
    const gk_pack_layout *packed;  // the interleaved layout this path repacks into, or NULL
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

/// IQ4_NL / IQ4_XS: the 16 non-linear values a 4-bit index stands for.
extern const int8_t gk_iq4nl_values[16];

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

/// The 16 scales of a Q3_K block, 0…63 (subtract 32 for the signed scale), unpacked from
/// its 12 bytes: low 4 bits in bytes 0–7 (two per byte), high 2 bits in bytes 8–11.
static inline void gk_unpack_scales_q3_K(const uint8_t *s, int8_t out[16]) {
    uint32_t aux[4], tmp;
    memcpy(aux, s, 12);
    tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & 0x0f0f0f0fu) | (((tmp >> 4) & 0x03030303u) << 4);
    aux[3] = ((aux[1] >> 4) & 0x0f0f0f0fu) | (((tmp >> 6) & 0x03030303u) << 4);
    aux[0] = (aux[0] & 0x0f0f0f0fu) | (((tmp >> 0) & 0x03030303u) << 4);
    aux[1] = (aux[1] & 0x0f0f0f0fu) | (((tmp >> 2) & 0x03030303u) << 4);
    memcpy(out, aux, 16);
}

/// The signed 6-bit scale (−32…31) of sub-block ib of an IQ4_XS block.
static inline int gk_iq4_xs_scale(const gk_block_iq4_xs *b, int ib) {
    return (((b->scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((b->scales_h >> (2 * ib)) & 3) << 4)) - 32;
}

#endif
