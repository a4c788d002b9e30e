#ifndef GHOST_KERNELS_H
#define GHOST_KERNELS_H

// Public C surface of the ghostchat CPU kernels. Everything is prefixed `gk_`.
// Type ids use ggml's numbering (GGMLType.rawValue in Swift).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GK_TYPE_F32 = 0,
    GK_TYPE_F16 = 1,
    GK_TYPE_Q4_0 = 2,
    GK_TYPE_Q4_1 = 3,
    GK_TYPE_Q5_0 = 6,
    GK_TYPE_Q5_1 = 7,
    GK_TYPE_Q8_0 = 8,
    GK_TYPE_Q8_1 = 9,
    GK_TYPE_Q2_K = 10,
    GK_TYPE_Q3_K = 11,
    GK_TYPE_Q4_K = 12,
    GK_TYPE_Q5_K = 13,
    GK_TYPE_Q6_K = 14,
    GK_TYPE_Q8_K = 15,
    GK_TYPE_IQ4_NL = 20,
    GK_TYPE_IQ4_XS = 23,
    GK_TYPE_BF16 = 30,
};

enum {
    GK_PATH_PORTABLE = 0,
    GK_PATH_AVX2 = 1,
    GK_PATH_AVX512_VNNI = 2,
    GK_PATH_NEON = 3,
};

// MARK: - Dispatch

/// 1 if this CPU (and build) can run `path`.
int gk_path_supported(int path);
/// The fastest supported path.
int gk_best_path(void);
/// The path in use (initially the best one).
int gk_current_path(void);
/// Switches every dispatched kernel to `path`; returns 0 (and changes nothing) if unsupported.
int gk_set_path(int path);

/// 1 if matmul/dequantize support weights of `type`.
int gk_type_supported(int type);

// MARK: - Half / bfloat16

uint16_t gk_fp32_to_fp16(float f);
float gk_fp16_to_fp32(uint16_t h);
uint16_t gk_fp32_to_bf16(float f);
float gk_bf16_to_fp32(uint16_t h);

void gk_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);
void gk_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n);
void gk_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n);
/// Σ a[i]·b[i] in f32.
float gk_dot_f16(const uint16_t *a, const uint16_t *b, int64_t n);
/// y[i] += alpha·x[i].
void gk_axpy_f16(float alpha, const uint16_t *x, float *y, int64_t n);

// MARK: - Blocks

/// Dequantizes `n` elements of `type` (a whole number of blocks). Returns 0 for unsupported types.
int gk_dequantize(int type, const void *src, float *dst, int64_t n);
/// Reference (bit-exact with llama.cpp's reference quantizers) weight quantization for
/// f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_K, q5_K, q6_K. Returns 0 for other types.
int gk_quantize_ref(int type, const float *src, void *dst, int64_t n);

/// Activation formats used internally by matmul, exposed for tests. Q8_0 activations are
/// stored as `gk_act_q8_0` blocks: d already rounded through fp16, and `offset` = −8·Σ qs,
/// the term Q4_0's implicit −8 contributes, so Q4_0 kernels can use the unsigned nibbles.
typedef struct {
    float d;
    int32_t offset;
    int8_t qs[32];
} gk_act_q8_0;

/// Q8_K activations: llama.cpp's block_q8_K (d, qs, bsums over 16) plus the sums over 32
/// that Q4_K/Q5_K mins need, computed once per activation instead of once per weight row.
typedef struct {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
    int16_t bsums32[8];
} gk_act_q8_K;

/// Q8_1 activations (for Q4_1/Q5_1 weights, whose per-block minimum m contributes m·Σx):
/// the same qs and d as gk_act_q8_0, and s = d·Σ qs rounded through fp16 as llama.cpp's
/// block_q8_1 stores it (d there is amax/127 before its own fp16 rounding).
typedef struct {
    float d;
    float s;
    int8_t qs[32];
} gk_act_q8_1;

void gk_quantize_act_q8_0(const float *x, gk_act_q8_0 *y, int64_t n);
void gk_quantize_act_q8_1(const float *x, gk_act_q8_1 *y, int64_t n);
void gk_quantize_act_q8_K(const float *x, gk_act_q8_K *y, int64_t n);

/// Bytes of one weight row of `cols` elements of `type` (0 for unsupported types).
size_t gk_row_size(int type, int64_t cols);
/// Bytes of one quantized activation row of `cols` elements for weights of `type`.
size_t gk_act_row_size(int type, int64_t cols);
/// Quantizes one activation row to the dot type of `type`.
void gk_quantize_act(int type, const float *x, void *y, int64_t cols);

/// Dot products of `nr` weight rows (row stride `wstride` bytes) with `nt` quantized
/// activation rows (stride `astride` bytes), `n` columns: out[t*ostride + r].
/// nr, nt in 1...4.
void gk_dot_tile(int type, int64_t n, const void *w, size_t wstride, int nr, const void *a,
                 size_t astride, int nt, float *out, size_t ostride);

// MARK: - Thread pool

typedef struct gk_pool gk_pool;
typedef void (*gk_task_fn)(void *ctx, int64_t index);

/// Starts `threads - 1` workers; the caller of gk_pool_run is the remaining one.
gk_pool *gk_pool_create(int threads);
void gk_pool_destroy(gk_pool *pool);
int gk_pool_threads(const gk_pool *pool);
/// Runs fn(ctx, i) for every i in [0, count) on all threads; returns when all are done.
/// A call made while another is in flight (nested, or from another thread) runs serially
/// on the calling thread.
void gk_pool_run(gk_pool *pool, int64_t count, gk_task_fn fn, void *ctx);
/// How long idle workers spin before sleeping (microseconds).
void gk_pool_set_spin_us(gk_pool *pool, int us);

// MARK: - Matmul

/// Scratch bytes needed by gk_matmul.
size_t gk_matmul_scratch_size(int type, int64_t cols, int64_t tokens);
/// out[t*rows + r] = Σ_c W[r,c]·x[t*cols + c]. `scratch` must hold gk_matmul_scratch_size
/// bytes, 64-byte aligned. Returns 0 for unsupported types.
int gk_matmul(gk_pool *pool, int type, const void *w, int64_t rows, int64_t cols, const float *x,
              int64_t tokens, float *out, void *scratch);

// MARK: - Packed (row-interleaved) weights, in the layout of the active path (gk_packed.c)

/// Bytes of the packed form of a rows × cols matrix of `type`, or 0 when this CPU or shape
/// has no packed kernel on the active path or fewer rows than one interleaved group (rows past
/// the last whole group are kept in file order; see gk_packed.c: AVX-512 VNNI packs Q4_0, Q4_1,
/// Q8_0 and Q4_K in groups of 16 rows and the other types as AVX2 does, AVX2 every block type
/// in groups of 8, NEON Q4_0, Q4_1, IQ4_NL, Q8_0 and Q4_K in groups of 4).
size_t gk_packed_size(int type, int64_t rows, int64_t cols);
/// Repacks `w` (GGUF row-major blocks) into `dst` (gk_packed_size bytes, 64-byte aligned),
/// spread over `pool` (may be NULL). Returns 0 if not packable.
int gk_pack(gk_pool *pool, int type, const void *w, int64_t rows, int64_t cols, void *dst);
/// gk_matmul for packed weights (same scratch size as gk_matmul). Returns 0 if not packable.
int gk_matmul_packed(gk_pool *pool, int type, const void *packed, int64_t rows, int64_t cols, const float *x,
                     int64_t tokens, float *out, void *scratch);
/// Two or three packed matrices of the same type and column count applied to the same
/// input (Q/K/V, gate/up): one activation quantization and one parallel region for all.
/// p2 may be NULL. Returns 0 (doing nothing) unless every matrix is packed.
int gk_matmul_packed3(gk_pool *pool, int type, int64_t cols, const float *x, int64_t tokens, void *scratch,
                      const void *p0, int64_t r0, float *o0, const void *p1, int64_t r1, float *o1,
                      const void *p2, int64_t r2, float *o2);
/// Drops the whole pages inside [p, p+n) of a read-only file mapping from this process's
/// resident set (they fault back in from the page cache if touched again).
void gk_release_pages(const void *p, size_t n);

// MARK: - Attention and activation

/// One query head (`head_dim` f32, rounded to half like llama.cpp's f16 matmul) over
/// `length` cached positions of f16 keys/values `stride` elements apart, the query at the
/// last of them: softmax(q·k·scale − alibi_slope·distance) with the weights rounded to half,
/// then Σ w·v into `out`. `scores` holds `length` floats. head_dim ≤ 512.
void gk_attend_f16(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride, int64_t length,
                   int64_t head_dim, float scale, float alibi_slope, float *scores, float *out);
/// Up to GK_ATTEND_MANY query heads that read the same cached K/V head, as gk_attend_f16 each:
/// query i at q[i] over the first lengths[i] positions, with its own ALiBi slope, into out[i].
/// Each cached row is loaded and converted once for all of them; the results are the same bits
/// as one gk_attend_f16 call per query. `scores` holds nq × max(lengths) floats.
#define GK_ATTEND_MANY 4
void gk_attend_f16_many(const float *const *q, const int64_t *lengths, const float *alibi_slopes, int nq,
                        const uint16_t *keys, const uint16_t *values, int64_t stride, int64_t head_dim, float scale,
                        float *scores, float *const *out);
/// gate[i] = silu(gate[i]) · up[i].
void gk_swiglu(float *gate, const float *up, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
