// Matrix × activations: quantize the activations once, then integer-dot tiles of weight
// rows × tokens, with row chunks spread over the pool.

#include "gk_internal.h"

#define GK_ALIGN 64

static size_t act_stride(int type, int64_t cols) {
    return (gk_act_row_size(type, cols) + GK_ALIGN - 1) & ~(size_t)(GK_ALIGN - 1);
}

size_t gk_matmul_scratch_size(int type, int64_t cols, int64_t tokens) {
    if (type == GK_TYPE_F32) return 0;  // f32 activations are used in place
    return act_stride(type, cols) * (size_t)tokens;
}

typedef struct {
    int type;
    gk_tile_fn tile;
    const char *w;
    size_t wstride;
    int64_t rows, cols, tokens;
    const float *x;
    char *act;
    size_t astride;
    float *out;
    int64_t chunk;  // rows per task
    int nr, nt;
} mm_job;

static void quant_task(void *ctx, int64_t t) {
    mm_job *j = ctx;
    gk_quantize_act(j->type, j->x + t * j->cols, j->act + (size_t)t * j->astride, j->cols);
}

static void rows_task(void *ctx, int64_t i) {
    const mm_job *j = ctx;
    const int64_t r0 = i * j->chunk;
    const int64_t r1 = r0 + j->chunk < j->rows ? r0 + j->chunk : j->rows;
    // Token groups outside, rows inside: the chunk's weights stay in L2 across token groups.
    for (int64_t t = 0; t < j->tokens; t += j->nt) {
        const int nt = (int)(j->tokens - t < j->nt ? j->tokens - t : j->nt);
        const char *a = j->act + (size_t)t * j->astride;
        float *o = j->out + t * j->rows;
        for (int64_t r = r0; r < r1; r += j->nr) {
            const int nr = (int)(r1 - r < j->nr ? r1 - r : j->nr);
            j->tile(j->cols, j->w + (size_t)r * j->wstride, j->wstride, nr, a, j->astride, nt, o + r, (size_t)j->rows);
        }
    }
}

int gk_matmul(gk_pool *pool, int type, const void *w, int64_t rows, int64_t cols, const float *x, int64_t tokens,
              float *out, void *scratch) {
    const gk_tile_fn tile = gk_tile_for(type);
    if (!tile || rows <= 0 || tokens <= 0) return tile != 0;
    const gk_kernel_table *k = gk_active;
    const int threads = pool ? gk_pool_threads(pool) : 1;

    mm_job j;
    j.type = type;
    j.tile = tile;
    j.w = w;
    j.rows = rows;
    j.cols = cols;
    j.tokens = tokens;
    j.x = x;
    j.out = out;
    j.wstride = gk_row_size(type, cols);

    if (type == GK_TYPE_F32) {
        j.act = (char *)x;
        j.astride = (size_t)cols * 4;
    } else {
        j.act = scratch;
        j.astride = act_stride(type, cols);
        if (tokens >= 4 && threads > 1) gk_pool_run(pool, tokens, quant_task, &j);
        else for (int64_t t = 0; t < tokens; t++) quant_task(&j, t);
    }

    if (tokens == 1) {
        j.nr = k->mv_rows;
        j.nt = 1;
    } else {
        j.nr = k->mm_rows;
        j.nt = k->mm_tokens;
    }
    // Contiguous chunks of whole 16-row groups, about four per thread so a preempted thread
    // (the machine is shared) delays only a small part of the work.
    int64_t chunk = rows / ((int64_t)threads * 4);
    chunk = (chunk + 15) & ~(int64_t)15;
    if (chunk < 16) chunk = 16;
    j.chunk = chunk;
    const int64_t tasks = (rows + chunk - 1) / chunk;
    if (threads > 1 && tasks > 1) gk_pool_run(pool, tasks, rows_task, &j);
    else for (int64_t i = 0; i < tasks; i++) rows_task(&j, i);
    return 1;
}
