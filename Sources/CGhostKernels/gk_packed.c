// Interleaved 16-row weight layouts for Q4_0 and Q8_0 and their AVX-512 VNNI matmul.
//
// Why: with GGUF's row-major blocks, a VNNI dot yields 8 int32 partial sums of ONE row that
// must be reduced, converted and scaled per row, block and token (≈ 4 uops per 32 MACs), and
// multi-token tiles were only ~1.3× cheaper per token. Interleaving 16 rows so that one zmm
// holds 4 consecutive bytes of each of 16 rows lets `vpdpbusd` with a broadcast activation
// dword produce the 16 rows' block sums directly in 16 lanes: 8 dpbusd + convert + scale +
// FMA per block and token for 16 rows (≈ 0.4 uops per 32 MACs), no horizontal sums, and the
// unpacked weight block is reused for up to GK_PK_NT tokens.
//
// Layout, per group g of 16 rows and block b (groups outer, blocks inner, so a chunk of
// rows is one contiguous stream):
//   Q4_0 (288 bytes): fp16 d[16]; u8 q[4][64], q[k][4r+j] = qs_r[4k+j]
//        (low nibble = element 4k+j, high nibble = element 16+4k+j of row r)
//   Q8_0 (544 bytes): fp16 d[16]; u8 q[8][64], q[k][4r+j] = qs_r[4k+j] + 128
// Same bytes as the file, so repacking costs no memory once the file pages are released.
// The −8 (Q4_0) / −128 (Q8_0) offsets come from the activation's precomputed −8·Σa.

#include "gk_internal.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define GK_PK_ROWS 16
#define GK_PK_NT 8

//   Q4_K (2368 bytes per 256 columns): fp16 d[16]; fp16 dmin[16]; u8 sc[8][16] (sc[j][r]);
//        u8 m[4][16][2] (m[i][r] = mins 2i, 2i+1 of row r); u8 q[4][8][64],
//        q[c][k][4r+j] = qs_r[32c+4k+j] (low nibble: sub-block 2c, high: 2c+1)
static size_t group_block_bytes(int type) {
    return type == GK_TYPE_Q4_0 ? 32 + 256 : type == GK_TYPE_Q8_0 ? 32 + 512 : type == GK_TYPE_Q4_K ? 2368 : 0;
}

static int64_t block_elems(int type) { return type == GK_TYPE_Q4_K ? GK_QKK : GK_QK; }

size_t gk_packed_size(int type, int64_t rows, int64_t cols) {
    // The packed layout is read by the AVX-512 VNNI kernels only: with another path in use (a
    // forced `--kernels avx2`, or a test of that path) matrices stay in file order, exactly as
    // on a CPU without AVX-512.
    if (gk_current_path() != GK_PATH_AVX512_VNNI) return 0;
    const size_t gb = group_block_bytes(type);
    if (!gb || rows <= 0 || rows % GK_PK_ROWS || cols <= 0 || cols % block_elems(type)) return 0;
    return gb * (size_t)(rows / GK_PK_ROWS) * (size_t)(cols / block_elems(type));
}

typedef struct {
    int type;
    const char *w;
    char *dst;
    int64_t rows, cols;
} pack_job;

static void pack_group(const pack_job *j, int64_t g) {
    const int64_t nb = j->cols / block_elems(j->type);
    const size_t gb = group_block_bytes(j->type);
    char *out = j->dst + (size_t)g * (size_t)nb * gb;
    if (j->type == GK_TYPE_Q4_K) {
        const size_t ws = (size_t)nb * sizeof(gk_block_q4_K);
        for (int64_t b = 0; b < nb; b++, out += gb) {
            uint16_t *d = (uint16_t *)out, *dmin = (uint16_t *)(out + 32);
            uint8_t *sc = (uint8_t *)out + 64, *mn = (uint8_t *)out + 192, *q = (uint8_t *)out + 320;
            for (int r = 0; r < GK_PK_ROWS; r++) {
                const gk_block_q4_K *src = (const gk_block_q4_K *)(j->w + (size_t)(g * GK_PK_ROWS + r) * ws) + b;
                memcpy(&d[r], &src->d, 2);
                memcpy(&dmin[r], &src->dmin, 2);
                uint8_t s8[8], m8[8];
                gk_unpack_scales_k4(src->scales, s8, m8);
                for (int jj = 0; jj < 8; jj++) {
                    sc[16 * jj + r] = s8[jj];
                    mn[32 * (jj / 2) + 2 * r + (jj & 1)] = m8[jj];
                }
                for (int c = 0; c < 4; c++)
                    for (int k = 0; k < 8; k++) memcpy(q + 64 * (8 * c + k) + 4 * r, src->qs + 32 * c + 4 * k, 4);
            }
        }
    } else if (j->type == GK_TYPE_Q4_0) {
        const size_t ws = (size_t)nb * sizeof(gk_block_q4_0);
        for (int64_t b = 0; b < nb; b++, out += gb) {
            uint16_t *d = (uint16_t *)out;
            uint8_t *q = (uint8_t *)out + 32;
            for (int r = 0; r < GK_PK_ROWS; r++) {
                const gk_block_q4_0 *src = (const gk_block_q4_0 *)(j->w + (size_t)(g * GK_PK_ROWS + r) * ws) + b;
                memcpy(&d[r], &src->d, 2);
                for (int k = 0; k < 4; k++) memcpy(q + 64 * k + 4 * r, src->qs + 4 * k, 4);
            }
        }
    } else {
        const size_t ws = (size_t)nb * sizeof(gk_block_q8_0);
        for (int64_t b = 0; b < nb; b++, out += gb) {
            uint16_t *d = (uint16_t *)out;
            uint8_t *q = (uint8_t *)out + 32;
            for (int r = 0; r < GK_PK_ROWS; r++) {
                const gk_block_q8_0 *src = (const gk_block_q8_0 *)(j->w + (size_t)(g * GK_PK_ROWS + r) * ws) + b;
                memcpy(&d[r], &src->d, 2);
                for (int k = 0; k < 8; k++)
                    for (int i = 0; i < 4; i++) q[64 * k + 4 * r + i] = (uint8_t)(src->qs[4 * k + i] ^ 0x80);
            }
        }
    }
}

static void pack_task(void *ctx, int64_t i) {
    const pack_job *j = ctx;
    const int64_t groups = j->rows / GK_PK_ROWS;
    for (int64_t g = i * 16; g < groups && g < (i + 1) * 16; g++) pack_group(j, g);
}

int gk_pack(gk_pool *pool, int type, const void *w, int64_t rows, int64_t cols, void *dst) {
    if (!gk_packed_size(type, rows, cols)) return 0;
    pack_job j = {type, w, dst, rows, cols};
    const int64_t tasks = (rows / GK_PK_ROWS + 15) / 16;
    if (pool) gk_pool_run(pool, tasks, pack_task, &j);
    else for (int64_t i = 0; i < tasks; i++) pack_task(&j, i);
    return 1;
}

void gk_release_pages(const void *p, size_t n) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
    const uintptr_t end = ((uintptr_t)p + n) & ~(page - 1);
    if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
}

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"))), apply_to = function)

#define GK_INLINE static inline __attribute__((always_inline))

GK_INLINE __m512i bcast32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/// 16 rows (one group, `nb` blocks from `pw`) × NT tokens.
GK_INLINE void q4_0_tile(const uint8_t *pw, int64_t nb, const char *a, size_t as, float *out, size_t os,
                         const int NT, const int pf) {
    __m512 acc[GK_PK_NT];
    for (int t = 0; t < NT; t++) acc[t] = _mm512_setzero_ps();
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int64_t b = 0; b < nb; b++, pw += 288) {
        if (pf) {
            for (int l = 0; l < 288; l += 64) _mm_prefetch((const char *)pw + 8 * 288 + l, _MM_HINT_T0);
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)pw));
        __m512i w[8];
        for (int k = 0; k < 4; k++) {
            const __m512i p = _mm512_loadu_si512(pw + 32 + 64 * k);
            w[k] = _mm512_and_si512(p, m4);
            w[k + 4] = _mm512_and_si512(_mm512_srli_epi16(p, 4), m4);
        }
        for (int t = 0; t < NT; t++) {
            const gk_act_q8_0 *ab = (const gk_act_q8_0 *)(a + (size_t)t * as) + b;
            __m512i s0 = _mm512_set1_epi32(ab->offset), s1 = _mm512_setzero_si512();
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
        }
    }
    for (int t = 0; t < NT; t++) _mm512_storeu_ps(out + (size_t)t * os, acc[t]);
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

static void tile_q8_0_packed(const uint8_t *pw, int64_t nb, const char *a, size_t as, int nt, float *out, size_t os) {
    GK_NT_CASES(q8_0_tile)
}

#pragma clang attribute pop

#define GK_ALIGN 64

typedef struct {
    void (*tile)(const uint8_t *, int64_t, const char *, size_t, int, float *, size_t);
    int type;
    const uint8_t *w;
    size_t gstride;  // bytes per 16-row group
    int64_t rows, cols, tokens, nb;
    const float *x;
    char *act;
    size_t astride;
    float *out;
    int64_t chunk;  // groups per task
    int max_nt;     // tokens per tile
} pk_job;

typedef void (*pk_tile_fn)(const uint8_t *, int64_t, const char *, size_t, int, float *, size_t);

static pk_tile_fn pk_tile_for(int type, int *max_nt) {
    *max_nt = type == GK_TYPE_Q4_K ? 4 : GK_PK_NT;
    return type == GK_TYPE_Q4_0 ? tile_q4_0_packed : type == GK_TYPE_Q8_0 ? tile_q8_0_packed : tile_q4_K_packed;
}

static void pk_quant_task(void *ctx, int64_t t) {
    pk_job *j = ctx;
    gk_quantize_act(j->type, j->x + t * j->cols, j->act + (size_t)t * j->astride, j->cols);
}

static void pk_rows_task(void *ctx, int64_t i) {
    const pk_job *j = ctx;
    const int64_t groups = j->rows / GK_PK_ROWS;
    const int64_t g0 = i * j->chunk, g1 = g0 + j->chunk < groups ? g0 + j->chunk : groups;
    // Token tiles outside, row groups inside: the chunk's weights stay in L2.
    for (int64_t t = 0; t < j->tokens; t += j->max_nt) {
        const int nt = (int)(j->tokens - t < j->max_nt ? j->tokens - t : j->max_nt);
        const char *a = j->act + (size_t)t * j->astride;
        float *o = j->out + t * j->rows;
        for (int64_t g = g0; g < g1; g++)
            j->tile(j->w + (size_t)g * j->gstride, j->nb, a, j->astride, nt, o + g * GK_PK_ROWS, (size_t)j->rows);
    }
}

typedef struct {
    pk_job m[3];
    int count;
    int64_t first[4];  // first task of each matrix
} pk_multi;

static void pk_multi_task(void *ctx, int64_t i) {
    const pk_multi *mj = ctx;
    int k = 0;
    while (i >= mj->first[k + 1]) k++;
    pk_rows_task((void *)&mj->m[k], i - mj->first[k]);
}

int gk_matmul_packed3(gk_pool *pool, int type, int64_t cols, const float *x, int64_t tokens, void *scratch,
                      const void *p0, int64_t r0, float *o0, const void *p1, int64_t r1, float *o1,
                      const void *p2, int64_t r2, float *o2) {
    const void *ps[3] = {p0, p1, p2};
    const int64_t rs[3] = {r0, r1, r2};
    float *os[3] = {o0, o1, o2};
    const int count = p2 ? 3 : 2;
    for (int k = 0; k < count; k++)
        if (!ps[k] || !gk_packed_size(type, rs[k], cols)) return 0;
    if (tokens <= 0) return 1;
    const int threads = pool ? gk_pool_threads(pool) : 1;
    pk_multi mj;
    mj.count = count;
    mj.first[0] = 0;
    int64_t total_groups = 0;
    for (int k = 0; k < count; k++) total_groups += rs[k] / GK_PK_ROWS;
    int64_t chunk = total_groups / ((int64_t)threads * 4);
    if (chunk < 1) chunk = 1;
    for (int k = 0; k < count; k++) {
        pk_job *j = &mj.m[k];
        j->tile = pk_tile_for(type, &j->max_nt);
        j->type = type;
        j->w = ps[k];
        j->nb = cols / block_elems(type);
        j->gstride = group_block_bytes(type) * (size_t)j->nb;
        j->rows = rs[k];
        j->cols = cols;
        j->tokens = tokens;
        j->x = x;
        j->out = os[k];
        j->act = scratch;
        j->astride = (gk_act_row_size(type, cols) + GK_ALIGN - 1) & ~(size_t)(GK_ALIGN - 1);
        j->chunk = chunk;
        mj.first[k + 1] = mj.first[k] + (rs[k] / GK_PK_ROWS + chunk - 1) / chunk;
    }
    // The input is quantized once for all matrices.
    if (tokens >= 4 && threads > 1) gk_pool_run(pool, tokens, pk_quant_task, &mj.m[0]);
    else for (int64_t t = 0; t < tokens; t++) pk_quant_task(&mj.m[0], t);
    const int64_t tasks = mj.first[count];
    if (threads > 1 && tasks > 1) gk_pool_run(pool, tasks, pk_multi_task, &mj);
    else for (int64_t i = 0; i < tasks; i++) pk_multi_task(&mj, i);
    return 1;
}

int gk_matmul_packed(gk_pool *pool, int type, const void *packed, int64_t rows, int64_t cols, const float *x,
                     int64_t tokens, float *out, void *scratch) {
    if (!gk_packed_size(type, rows, cols)) return 0;
    if (tokens <= 0) return 1;
    const int threads = pool ? gk_pool_threads(pool) : 1;
    pk_job j;
    j.tile = pk_tile_for(type, &j.max_nt);
    j.type = type;
    j.w = packed;
    j.nb = cols / block_elems(type);
    j.gstride = group_block_bytes(type) * (size_t)j.nb;
    j.rows = rows;
    j.cols = cols;
    j.tokens = tokens;
    j.x = x;
    j.out = out;
    j.act = scratch;
    j.astride = (gk_act_row_size(type, cols) + GK_ALIGN - 1) & ~(size_t)(GK_ALIGN - 1);
    if (tokens >= 4 && threads > 1) gk_pool_run(pool, tokens, pk_quant_task, &j);
    else for (int64_t t = 0; t < tokens; t++) pk_quant_task(&j, t);

    const int64_t groups = rows / GK_PK_ROWS;
    // About four chunks per thread, so a preempted thread delays only a small part.
    int64_t chunk = groups / ((int64_t)threads * 4);
    if (chunk < 1) chunk = 1;
    j.chunk = chunk;
    const int64_t tasks = (groups + chunk - 1) / chunk;
    if (threads > 1 && tasks > 1) gk_pool_run(pool, tasks, pk_rows_task, &j);
    else for (int64_t i = 0; i < tasks; i++) pk_rows_task(&j, i);
    return 1;
}

#else
int gk_matmul_packed3(gk_pool *pool, int type, int64_t cols, const float *x, int64_t tokens, void *scratch,
                      const void *p0, int64_t r0, float *o0, const void *p1, int64_t r1, float *o1,
                      const void *p2, int64_t r2, float *o2) {
    (void)pool; (void)type; (void)cols; (void)x; (void)tokens; (void)scratch; (void)p0; (void)r0; (void)o0;
    (void)p1; (void)r1; (void)o1; (void)p2; (void)r2; (void)o2;
    return 0;
}
int gk_matmul_packed(gk_pool *pool, int type, const void *packed, int64_t rows, int64_t cols, const float *x,
                     int64_t tokens, float *out, void *scratch) {
    (void)pool; (void)type; (void)packed; (void)rows; (void)cols; (void)x; (void)tokens; (void)out; (void)scratch;
    return 0;
}
#endif
