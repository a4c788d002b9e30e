// Run-time selection of the kernel table and the dispatched public entry points.

#include "gk_internal.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

const gk_kernel_table *gk_active = 0;
float gk_fp16_table[65536];
static int gk_active_path = -1;

int gk_path_supported(int path) {
    switch (path) {
    case GK_PATH_PORTABLE: return 1;
#if defined(__x86_64__)
    case GK_PATH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case GK_PATH_AVX512_VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#endif
#if defined(__aarch64__)
    case GK_PATH_NEON: return 1;  // Advanced SIMD is part of the AArch64 baseline
#endif
    default: return 0;
    }
}

#if defined(__aarch64__)
/// Whether the CPU has the ARMv8.2 dot-product instructions (sdot/udot).
static int has_dotprod(void) {
#if defined(__APPLE__)
    return 1;  // every Apple Silicon Mac (ARMv8.5+)
#elif defined(__linux__)
    return (getauxval(AT_HWCAP) & (1ul << 20)) != 0;  // HWCAP_ASIMDDP
#else
    return 0;
#endif
}
#endif

int gk_best_path(void) {
    if (gk_path_supported(GK_PATH_AVX512_VNNI)) return GK_PATH_AVX512_VNNI;
    if (gk_path_supported(GK_PATH_AVX2)) return GK_PATH_AVX2;
    if (gk_path_supported(GK_PATH_NEON)) return GK_PATH_NEON;
    return GK_PATH_PORTABLE;
}

static const gk_kernel_table *table_for(int path) {
    switch (path) {
#if defined(__x86_64__)
    case GK_PATH_AVX2: return &gk_table_avx2;
    case GK_PATH_AVX512_VNNI: return &gk_table_avx512;
#endif
#if defined(__aarch64__)
    case GK_PATH_NEON: return has_dotprod() ? &gk_table_neondot : &gk_table_neon;
#endif
    default: return &gk_table_portable;
    }
}

int gk_set_path(int path) {
    if (!gk_path_supported(path)) return 0;
    gk_active = table_for(path);
    gk_active_path = path;
    return 1;
}

// Runs before main so that every entry point can use gk_active without checking.
__attribute__((constructor)) static void gk_init_dispatch(void) {
    for (uint32_t h = 0; h < 65536; h++) gk_fp16_table[h] = gk_h2f((uint16_t)h);
    gk_set_path(gk_best_path());
}

int gk_current_path(void) { return gk_active_path; }

void gk_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) { gk_active->to_f16(src, dst, n); }
void gk_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) { gk_active->from_f16(src, dst, n); }
void gk_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n) { gk_active->to_bf16(src, dst, n); }
float gk_dot_f16(const uint16_t *a, const uint16_t *b, int64_t n) { return gk_active->dot_f16(a, b, n); }
void gk_axpy_f16(float alpha, const uint16_t *x, float *y, int64_t n) { gk_active->axpy_f16(alpha, x, y, n); }

size_t gk_act_row_size(int type, int64_t cols) {
    switch (type) {
    case GK_TYPE_F32: return (size_t)cols * 4;
    case GK_TYPE_F16: case GK_TYPE_BF16: return (size_t)cols * 2;
    case GK_TYPE_Q4_0: case GK_TYPE_Q8_0: case GK_TYPE_Q5_0: case GK_TYPE_IQ4_NL:
        return (size_t)(cols / GK_QK) * sizeof(gk_act_q8_0);
    case GK_TYPE_Q4_1: case GK_TYPE_Q5_1: return (size_t)(cols / GK_QK) * sizeof(gk_act_q8_1);
    case GK_TYPE_Q2_K: case GK_TYPE_Q3_K: case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: case GK_TYPE_Q6_K: case GK_TYPE_IQ4_XS:
        return (size_t)(cols / GK_QKK) * sizeof(gk_act_q8_K);
    default: return 0;
    }
}

void gk_quantize_act(int type, const float *x, void *y, int64_t cols) {
    switch (type) {
    case GK_TYPE_F32: memcpy(y, x, (size_t)cols * 4); break;
    case GK_TYPE_F16: gk_active->to_f16(x, y, cols); break;
    case GK_TYPE_BF16: gk_active->to_bf16(x, y, cols); break;
    case GK_TYPE_Q4_0: case GK_TYPE_Q8_0: case GK_TYPE_Q5_0: case GK_TYPE_IQ4_NL: gk_active->quant_q8_0(x, y, cols); break;
    case GK_TYPE_Q4_1: case GK_TYPE_Q5_1: gk_quantize_act_q8_1(x, y, cols); break;
    case GK_TYPE_Q2_K: case GK_TYPE_Q3_K: case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: case GK_TYPE_Q6_K: case GK_TYPE_IQ4_XS:
        gk_active->quant_q8_K(x, y, cols);
        break;
    default: break;
    }
}

gk_tile_fn gk_tile_for(int type) {
    switch (type) {
    case GK_TYPE_F32: return gk_active->tile_f32;
    case GK_TYPE_F16: return gk_active->tile_f16;
    case GK_TYPE_BF16: return gk_active->tile_bf16;
    case GK_TYPE_Q4_0: return gk_active->tile_q4_0;
    case GK_TYPE_Q8_0: return gk_active->tile_q8_0;
    case GK_TYPE_Q4_K: return gk_active->tile_q4_K;
    case GK_TYPE_Q5_K: return gk_active->tile_q5_K;
    case GK_TYPE_Q6_K: return gk_active->tile_q6_K;
    case GK_TYPE_Q4_1: return gk_active->tile_q4_1;
    case GK_TYPE_Q5_0: return gk_active->tile_q5_0;
    case GK_TYPE_Q5_1: return gk_active->tile_q5_1;
    case GK_TYPE_Q2_K: return gk_active->tile_q2_K;
    case GK_TYPE_Q3_K: return gk_active->tile_q3_K;
    case GK_TYPE_IQ4_NL: return gk_active->tile_iq4_nl;
    case GK_TYPE_IQ4_XS: return gk_active->tile_iq4_xs;
    default: return 0;
    }
}

void gk_dot_tile(int type, int64_t n, const void *w, size_t wstride, int nr, const void *a, size_t astride,
                 int nt, float *out, size_t ostride) {
    const gk_tile_fn f = gk_tile_for(type);
    if (f && nr >= 1 && nr <= 4 && nt >= 1 && nt <= 4) f(n, w, wstride, nr, a, astride, nt, out, ostride);
}
