// Interleaved ("packed") weight layouts: the one repacking seam for every kernel path.
//
// Why: with GGUF's row-major blocks, an integer dot yields the partial sums of ONE row that
// must be reduced, converted and scaled per row, block and token. Interleaving R rows so that
// one SIMD register holds 4 consecutive bytes of each of the R rows lets a multiply-add with
// a broadcast activation dword produce the R rows' block sums directly in R lanes, and each
// unpacked weight block serves a tile of tokens. Each path declares its layout (R and the
// tiles that read it) in its kernel table (`packed`); this file packs and runs them.
//
// Layout, per group g of R rows and block b (groups outer, blocks inner, so a chunk of rows
// is one contiguous stream), R × the file's block bytes (Q4_K: R × 148):
//   Q4_0: fp16 d[R]; u8 q[4][4R], q[k][4r+j] = qs_r[4k+j]
//         (low nibble = element 4k+j, high nibble = element 16+4k+j of row r)
//   IQ4_NL: as Q4_0 (the nibbles index gk_iq4nl_values)
//   Q4_1: fp16 d[R]; fp16 m[R]; u8 q[4][4R] as Q4_0
//   Q5_0: fp16 d[R]; u32 qh[R] (each row's high bits as in the file); u8 q[4][4R] as Q4_0
//   Q5_1: fp16 d[R]; fp16 m[R]; u32 qh[R]; u8 q[4][4R] as Q4_0
//   Q8_0: fp16 d[R]; u8 q[8][4R], q[k][4r+j] = qs_r[4k+j] (+128 where the layout says so)
//   Q4_K (per 256 columns): fp16 d[R]; fp16 dmin[R]; u8 sc[8][R] (sc[j][r]);
//         u8 m[4][R][2] (m[i][r] = mins 2i, 2i+1 of row r); u8 q[4][8][4R],
//         q[c][k][4r+j] = qs_r[32c+4k+j] (low nibble: sub-block 2c, high: 2c+1)
//   Q5_K (R × 180): Q4_K's layout, then u8 H[8][4R], H[k][4r+j] = qh_r[4k+j] (bit i: the fifth
//         bit of sub-block i's column 4k+j)
//   Q2_K (per 256 columns, R × 84): fp16 d[R]; fp16 dmin[R]; u8 P[8][R][2] (P[i][r] = scale
//         bytes 2i, 2i+1 of row r); u8 Q[2][8][4R], Q[g][m][4r+j] = qs_r[32g+4m+j] (bits 2k:
//         column 128g+32k+4m+j, of sub-block 8g+2k+(m ≥ 4))
//   Q3_K (per 256 columns, R × 114): fp16 d[R]; i8 P[8][R][2] (signed scales, 32 subtracted,
//         paired as Q2_K's); u8 Q[2][8][4R] as Q2_K; u8 H[8][4R], H[m][4r+j] = hmask_r[4m+j]
//         (bit 4g+k: the high bit of Q[g][m]'s crumb k)
//   IQ4_XS (per 256 columns, R × 138): fp16 d[R]; i8 sc[8][R] (sub-block scales, 32 already
//         subtracted); u8 q[8][4][4R], q[ib][k][4r+j] = qs_r[16ib+4k+j] (low nibble: column
//         32ib+4k+j, high: 32ib+16+4k+j; both index gk_iq4nl_values)
//   Q6_K (per 256 columns): fp16 d[R]; i8 sc[8][R][2] (sc[m][r] = scales 2m, 2m+1 of row r);
//         then per half h (128 columns): u8 A[8][4R], B[8][4R], H[8][4R] with
//         A[l][4r+j] = ql_r[64h+4l+j], B = ql_r[64h+32+4l+j], H = qh_r[32h+4l+j]
//         (A low/high nibble: columns 128h+4l+j and +64, B: +32 and +96; H bits 2i–2i+1:
//         the high bits of column 128h+32i+4l+j)
// The same bytes as the file (Q4_K: 3 % more, Q5_K 2 %, IQ4_XS 1.5 %), so repacking costs about no memory once the
// file pages are released.

#include "gk_internal.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define GK_ALIGN 64

static const gk_pack_layout *active_layout(void) { return gk_active->packed; }

static int64_t block_elems(int type) {
    switch (type) {
    case GK_TYPE_Q2_K: case GK_TYPE_Q3_K: case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: case GK_TYPE_Q6_K: case GK_TYPE_IQ4_XS:
        return GK_QKK;
    default: return GK_QK;
    }
}

/// Bytes of one row's block in the packed layout: the file's, except Q4_K, whose 6-bit
/// scales and mins are unpacked to a byte each (148 instead of 144).
static size_t packed_block_bytes(int type) {
    switch (type) {
    case GK_TYPE_Q4_0: return sizeof(gk_block_q4_0);
    case GK_TYPE_IQ4_NL: return sizeof(gk_block_iq4_nl);
    case GK_TYPE_Q4_1: return sizeof(gk_block_q4_1);
    case GK_TYPE_Q8_0: return sizeof(gk_block_q8_0);
    case GK_TYPE_Q4_K: return 148;
    case GK_TYPE_Q5_K: return 180;
    case GK_TYPE_Q6_K: return sizeof(gk_block_q6_K);
    case GK_TYPE_IQ4_XS: return 138;
    case GK_TYPE_Q2_K: return sizeof(gk_block_q2_K);
    case GK_TYPE_Q3_K: return 114;
    case GK_TYPE_Q5_0: return sizeof(gk_block_q5_0);
    case GK_TYPE_Q5_1: return sizeof(gk_block_q5_1);
    default: return 0;
    }
}

static size_t file_block_bytes(int type) {
    switch (type) {
    case GK_TYPE_Q4_K: return sizeof(gk_block_q4_K);
    case GK_TYPE_Q5_K: return sizeof(gk_block_q5_K);
    case GK_TYPE_IQ4_XS: return sizeof(gk_block_iq4_xs);
    case GK_TYPE_Q3_K: return sizeof(gk_block_q3_K);
    default: return packed_block_bytes(type);
    }
}

size_t gk_packed_size(int type, int64_t rows, int64_t cols) {
    // Packed matrices are read by the active path's tiles only: with another path in use (a
    // forced `--kernels`, or a test of that path) they stay in file order.
    const gk_pack_layout *layout = active_layout();
    int R, max_nt;
    if (!layout || !layout->tile_for(type, &R, &max_nt)) return 0;
    const size_t bytes = packed_block_bytes(type);
    if (!bytes || rows < R || cols <= 0 || cols % block_elems(type)) return 0;
    // Whole groups interleaved, then the rows that do not fill a group (a vocabulary of
    // 32 001, say) as they are in the file, read by the path's row-major tiles.
    const int64_t nb = cols / block_elems(type), tail = rows % R;
    return bytes * (size_t)(rows - tail) * (size_t)nb + file_block_bytes(type) * (size_t)tail * (size_t)nb;
}

typedef struct {
    int type;
    const char *w;
    char *dst;
    int64_t rows, cols;
    int R, q8_0_biased;
} pack_job;

static void pack_group(const pack_job *j, int64_t g) {
    const int R = j->R;
    const int64_t nb = j->cols / block_elems(j->type);
    const size_t gb = packed_block_bytes(j->type) * (size_t)R;
    const size_t ws = (size_t)nb * file_block_bytes(j->type);
    char *out = j->dst + (size_t)g * (size_t)nb * gb;
    for (int64_t b = 0; b < nb; b++, out += gb) {
        for (int r = 0; r < R; r++) {
            const char *row = j->w + (size_t)(g * R + r) * ws;
            if (j->type == GK_TYPE_Q6_K) {
                const gk_block_q6_K *src = (const gk_block_q6_K *)row + b;
                int8_t *sc = (int8_t *)out + 2 * R;
                uint8_t *q = (uint8_t *)out + 18 * R;
                memcpy(out + 2 * r, &src->d, 2);
                for (int m = 0; m < 8; m++) {
                    sc[2 * R * m + 2 * r] = src->scales[2 * m];
                    sc[2 * R * m + 2 * r + 1] = src->scales[2 * m + 1];
                }
                for (int h = 0; h < 2; h++)
                    for (int l = 0; l < 8; l++) {
                        uint8_t *half = q + 96 * R * h + 4 * R * l + 4 * r;
                        memcpy(half, src->ql + 64 * h + 4 * l, 4);
                        memcpy(half + 32 * R, src->ql + 64 * h + 32 + 4 * l, 4);
                        memcpy(half + 64 * R, src->qh + 32 * h + 4 * l, 4);
                    }
            } else if (j->type == GK_TYPE_Q4_K || j->type == GK_TYPE_Q5_K) {
                // Q5_K is Q4_K's layout with its high bits after: H[k][4r+j] = qh_r[4k+j].
                const int q5 = j->type == GK_TYPE_Q5_K;
                const gk_block_q5_K *src5 = (const gk_block_q5_K *)row + b;
                const gk_block_q4_K *src = (const gk_block_q4_K *)row + b;
                gk_block_q4_K as_q4;  // a Q5_K block's Q4_K fields
                if (q5) {
                    as_q4.d = src5->d;
                    as_q4.dmin = src5->dmin;
                    memcpy(as_q4.scales, src5->scales, 12);
                    memcpy(as_q4.qs, src5->qs, 128);
                    src = &as_q4;
                    for (int k = 0; k < 8; k++) memcpy(out + 148 * R + 4 * R * k + 4 * r, src5->qh + 4 * k, 4);
                }
                uint8_t *sc = (uint8_t *)out + 4 * R, *mn = (uint8_t *)out + 12 * R, *q = (uint8_t *)out + 20 * R;
                memcpy(out + 2 * r, &src->d, 2);
                memcpy(out + 2 * R + 2 * r, &src->dmin, 2);
                uint8_t s8[8], m8[8];
                gk_unpack_scales_k4(src->scales, s8, m8);
                for (int jj = 0; jj < 8; jj++) {
                    sc[R * jj + r] = s8[jj];
                    mn[2 * R * (jj / 2) + 2 * r + (jj & 1)] = m8[jj];
                }
                for (int c = 0; c < 4; c++)
                    for (int k = 0; k < 8; k++) memcpy(q + 4 * R * (8 * c + k) + 4 * r, src->qs + 32 * c + 4 * k, 4);
            } else if (j->type == GK_TYPE_Q2_K || j->type == GK_TYPE_Q3_K) {
                const int q3 = j->type == GK_TYPE_Q3_K;
                const gk_block_q2_K *src2 = (const gk_block_q2_K *)row + b;
                const gk_block_q3_K *src3 = (const gk_block_q3_K *)row + b;
                uint8_t *pairs = (uint8_t *)out + (q3 ? 2 : 4) * R, *q = pairs + 16 * R, *h = q + 64 * R;
                if (q3) {
                    int8_t sc[16];
                    gk_unpack_scales_q3_K(src3->scales, sc);
                    memcpy(out + 2 * r, &src3->d, 2);
                    for (int i = 0; i < 16; i++) pairs[2 * R * (i / 2) + 2 * r + (i & 1)] = (uint8_t)(int8_t)(sc[i] - 32);
                    for (int m = 0; m < 8; m++) memcpy(h + 4 * R * m + 4 * r, src3->hmask + 4 * m, 4);
                } else {
                    memcpy(out + 2 * r, &src2->d, 2);
                    memcpy(out + 2 * R + 2 * r, &src2->dmin, 2);
                    for (int i = 0; i < 16; i++) pairs[2 * R * (i / 2) + 2 * r + (i & 1)] = src2->scales[i];
                }
                const uint8_t *qs = q3 ? src3->qs : src2->qs;
                for (int g = 0; g < 2; g++)
                    for (int m = 0; m < 8; m++) memcpy(q + 4 * R * (8 * g + m) + 4 * r, qs + 32 * g + 4 * m, 4);
            } else if (j->type == GK_TYPE_IQ4_XS) {
                const gk_block_iq4_xs *src = (const gk_block_iq4_xs *)row + b;
                int8_t *sc = (int8_t *)out + 2 * R;
                uint8_t *q = (uint8_t *)out + 10 * R;
                memcpy(out + 2 * r, &src->d, 2);
                for (int ib = 0; ib < 8; ib++) {
                    sc[R * ib + r] = (int8_t)gk_iq4_xs_scale(src, ib);
                    for (int k = 0; k < 4; k++) memcpy(q + 4 * R * (4 * ib + k) + 4 * r, src->qs + 16 * ib + 4 * k, 4);
                }
            } else if (j->type == GK_TYPE_Q5_0 || j->type == GK_TYPE_Q5_1) {
                // Q5_1 is Q5_0 with m[R] after d[R].
                const int q51 = j->type == GK_TYPE_Q5_1;
                const gk_block_q5_0 *src0 = (const gk_block_q5_0 *)row + b;
                const gk_block_q5_1 *src1 = (const gk_block_q5_1 *)row + b;
                const int qh_at = q51 ? 4 * R : 2 * R;
                memcpy(out + 2 * r, q51 ? &src1->d : &src0->d, 2);
                if (q51) memcpy(out + 2 * R + 2 * r, &src1->m, 2);
                memcpy(out + qh_at + 4 * r, q51 ? src1->qh : src0->qh, 4);
                const uint8_t *qs = q51 ? src1->qs : src0->qs;
                for (int k = 0; k < 4; k++) memcpy(out + qh_at + 4 * R + 4 * R * k + 4 * r, qs + 4 * k, 4);
            } else if (j->type == GK_TYPE_Q4_1) {
                const gk_block_q4_1 *src = (const gk_block_q4_1 *)row + b;
                uint8_t *q = (uint8_t *)out + 4 * R;
                memcpy(out + 2 * r, &src->d, 2);
                memcpy(out + 2 * R + 2 * r, &src->m, 2);
                for (int k = 0; k < 4; k++) memcpy(q + 4 * R * k + 4 * r, src->qs + 4 * k, 4);
            } else if (j->type == GK_TYPE_Q4_0 || j->type == GK_TYPE_IQ4_NL) {  // the same block layout
                const gk_block_q4_0 *src = (const gk_block_q4_0 *)row + b;
                uint8_t *q = (uint8_t *)out + 2 * R;
                memcpy(out + 2 * r, &src->d, 2);
                for (int k = 0; k < 4; k++) memcpy(q + 4 * R * k + 4 * r, src->qs + 4 * k, 4);
            } else {
                const gk_block_q8_0 *src = (const gk_block_q8_0 *)row + b;
                uint8_t *q = (uint8_t *)out + 2 * R;
                const uint8_t bias = j->q8_0_biased ? 0x80 : 0;
                memcpy(out + 2 * r, &src->d, 2);
                for (int k = 0; k < 8; k++)
                    for (int i = 0; i < 4; i++) q[4 * R * k + 4 * r + i] = (uint8_t)src->qs[4 * k + i] ^ bias;
            }
        }
    }
}

static void pack_task(void *ctx, int64_t i) {
    const pack_job *j = ctx;
    const int64_t groups = j->rows / j->R;
    for (int64_t g = i * 16; g < groups && g < (i + 1) * 16; g++) pack_group(j, g);
}

int gk_pack(gk_pool *pool, int type, const void *w, int64_t rows, int64_t cols, void *dst) {
    if (!gk_packed_size(type, rows, cols)) return 0;
    const gk_pack_layout *layout = active_layout();
    int R, max_nt;
    layout->tile_for(type, &R, &max_nt);
    pack_job j = {type, w, dst, rows, cols, R, layout->q8_0_biased};
    const int64_t tasks = (rows / R + 15) / 16;
    if (pool) gk_pool_run(pool, tasks, pack_task, &j);
    else for (int64_t i = 0; i < tasks; i++) pack_task(&j, i);
    const int64_t tail = rows % R, nb = cols / block_elems(type);
    if (tail) {
        const size_t row_bytes = file_block_bytes(type) * (size_t)nb;
        memcpy((char *)dst + packed_block_bytes(type) * (size_t)(rows - tail) * (size_t)nb,
               (const char *)w + row_bytes * (size_t)(rows - tail), row_bytes * (size_t)tail);
    }
    return 1;
}

void gk_release_pages(const void *p, size_t n) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
    const uintptr_t end = ((uintptr_t)p + n) & ~(page - 1);
    if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
}

// MARK: Packed matmul

typedef struct {
    gk_packed_tile_fn tile;
    int type, R;
    const uint8_t *w;
    size_t gstride;  // bytes per group of R rows
    int64_t rows, cols, tokens, nb;
    const float *x;
    char *act;
    size_t astride;
    float *out;
    int64_t chunk;  // groups per task
    int max_nt;     // tokens per tile
    int64_t group_tasks;  // tasks over whole groups; one more runs the tail rows, if any
    int64_t tail;         // rows after the last whole group, stored as in the file
    gk_strip_unpack_fn unpack;    // batches of this type unpack each group into a strip, or NULL
    gk_packed_tile_fn strip_tile; // the tile that reads the strip
    size_t strip_bytes;           // bytes of one group's strip
    int strip_nt;                 // tokens per strip tile
} pk_job;

/// Batches of at least this many tokens unpack Q5_K/Q6_K groups into strips.
#define GK_STRIP_MIN_TOKENS 8
/// Tokens whose tiles read one unpacked strip before the next group is unpacked: their
/// activations stay in L2 while the chunk's groups go by.
#define GK_STRIP_TOKENS 64

static int pk_setup(pk_job *j, int type, const void *packed, int64_t rows, int64_t cols, const float *x, int64_t tokens,
                    float *out, void *scratch) {
    const gk_pack_layout *layout = active_layout();
    j->tile = layout->tile_for(type, &j->R, &j->max_nt);
    j->type = type;
    j->w = packed;
    j->nb = cols / block_elems(type);
    j->gstride = packed_block_bytes(type) * (size_t)j->R * (size_t)j->nb;
    j->rows = rows;
    j->cols = cols;
    j->tokens = tokens;
    j->x = x;
    j->out = out;
    j->act = scratch;
    j->astride = (gk_act_row_size(type, cols) + GK_ALIGN - 1) & ~(size_t)(GK_ALIGN - 1);
    j->tail = rows % j->R;
    j->unpack = 0;
    size_t block_bytes = 0;
    if (tokens >= GK_STRIP_MIN_TOKENS && layout->strip_for) {
        j->unpack = layout->strip_for(type, &block_bytes, &j->strip_tile, &j->strip_nt);
        j->strip_bytes = block_bytes * (size_t)j->nb;
    }
    return j->tile != 0;
}

/// Tasks for `j` with `chunk` groups each, the tail rows' task included.
static int64_t pk_tasks(pk_job *j, int64_t chunk) {
    j->chunk = chunk;
    j->group_tasks = (j->rows / j->R + chunk - 1) / chunk;
    return j->group_tasks + (j->tail ? 1 : 0);
}

/// The rows after the last whole group, in file order, with the path's row-major tile (the
/// activations are quantized the same way for both).
static void pk_tail_task(const pk_job *j) {
    const gk_kernel_table *k = gk_active;
    const gk_tile_fn tile = gk_tile_for(j->type);
    const int64_t first = j->rows - j->tail;
    const size_t ws = gk_row_size(j->type, j->cols);
    const char *w = (const char *)j->w + (size_t)first / (size_t)j->R * j->gstride;
    const int mr = j->tokens == 1 ? k->mv_rows : k->mm_rows, mt = j->tokens == 1 ? 1 : k->mm_tokens;
    for (int64_t t = 0; t < j->tokens; t += mt) {
        const int nt = (int)(j->tokens - t < mt ? j->tokens - t : mt);
        for (int64_t r = 0; r < j->tail; r += mr) {
            const int nr = (int)(j->tail - r < mr ? j->tail - r : mr);
            tile(j->cols, w + (size_t)r * ws, ws, nr, j->act + (size_t)t * j->astride, j->astride, nt,
                 j->out + t * j->rows + first + r, (size_t)j->rows);
        }
    }
}

static void pk_quant_task(void *ctx, int64_t t) {
    pk_job *j = ctx;
    gk_quantize_act(j->type, j->x + t * j->cols, j->act + (size_t)t * j->astride, j->cols);
}

static void pk_quantize(gk_pool *pool, int threads, pk_job *j) {
    if (j->tokens >= 4 && threads > 1) gk_pool_run(pool, j->tokens, pk_quant_task, j);
    else for (int64_t t = 0; t < j->tokens; t++) pk_quant_task(j, t);
}

/// This thread's strip buffer of at least `bytes`, or NULL if it cannot be allocated. Pool
/// threads keep theirs for the process's life (one group's strip: tens of KB).
static uint8_t *strip_buffer(size_t bytes) {
    static _Thread_local uint8_t *buffer;
    static _Thread_local size_t capacity;
    if (bytes > capacity) {
        free(buffer);
        buffer = 0;
        capacity = 0;
        void *p;
        if (posix_memalign(&p, GK_ALIGN, bytes)) return 0;
        buffer = p;
        capacity = bytes;
    }
    return buffer;
}

/// Groups g0..<g1 through strips: per block of GK_STRIP_TOKENS tokens, each group is unpacked
/// once and read by every token tile of the block. Returns 0 if there is no buffer.
static int pk_strip_rows(const pk_job *j, int64_t g0, int64_t g1) {
    uint8_t *strip = strip_buffer(j->strip_bytes);
    if (!strip) return 0;
    for (int64_t t0 = 0; t0 < j->tokens; t0 += GK_STRIP_TOKENS) {
        const int64_t t1 = t0 + GK_STRIP_TOKENS < j->tokens ? t0 + GK_STRIP_TOKENS : j->tokens;
        for (int64_t g = g0; g < g1; g++) {
            j->unpack(j->w + (size_t)g * j->gstride, j->nb, strip);
            for (int64_t t = t0; t < t1; t += j->strip_nt) {
                const int nt = (int)(t1 - t < j->strip_nt ? t1 - t : j->strip_nt);
                j->strip_tile(strip, j->nb, j->act + (size_t)t * j->astride, j->astride, nt, j->out + t * j->rows + g * j->R,
                              (size_t)j->rows);
            }
        }
    }
    return 1;
}

static void pk_rows_task(void *ctx, int64_t i) {
    const pk_job *j = ctx;
    if (i == j->group_tasks) {
        pk_tail_task(j);
        return;
    }
    const int64_t groups = j->rows / j->R;
    const int64_t g0 = i * j->chunk, g1 = g0 + j->chunk < groups ? g0 + j->chunk : groups;
    if (j->unpack && pk_strip_rows(j, g0, g1)) return;
    // Token tiles outside, row groups inside: the chunk's weights stay in L2.
    for (int64_t t = 0; t < j->tokens; t += j->max_nt) {
        const int nt = (int)(j->tokens - t < j->max_nt ? j->tokens - t : j->max_nt);
        const char *a = j->act + (size_t)t * j->astride;
        float *o = j->out + t * j->rows;
        for (int64_t g = g0; g < g1; g++) j->tile(j->w + (size_t)g * j->gstride, j->nb, a, j->astride, nt, o + g * j->R, (size_t)j->rows);
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
    for (int k = 0; k < count; k++) {
        pk_setup(&mj.m[k], type, ps[k], rs[k], cols, x, tokens, os[k], scratch);
        total_groups += rs[k] / mj.m[k].R;
    }
    int64_t chunk = total_groups / ((int64_t)threads * 4);
    if (chunk < 1) chunk = 1;
    for (int k = 0; k < count; k++) mj.first[k + 1] = mj.first[k] + pk_tasks(&mj.m[k], chunk);
    // The input is quantized once for all matrices.
    pk_quantize(pool, threads, &mj.m[0]);
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
    pk_setup(&j, type, packed, rows, cols, x, tokens, out, scratch);
    pk_quantize(pool, threads, &j);
    const int64_t groups = rows / j.R;
    // About four chunks per thread, so a preempted thread delays only a small part.
    int64_t chunk = groups / ((int64_t)threads * 4);
    if (chunk < 1) chunk = 1;
    const int64_t tasks = pk_tasks(&j, chunk);
    if (threads > 1 && tasks > 1) gk_pool_run(pool, tasks, pk_rows_task, &j);
    else for (int64_t i = 0; i < tasks; i++) pk_rows_task(&j, i);
    return 1;
}
