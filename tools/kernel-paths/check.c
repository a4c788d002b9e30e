// Every kernel table (portable, NEON with and without sdot under SIMDe emulation, AVX2,
// AVX-512 VNNI) against the portable tiles, for every integer weight type and tile shape, and
// each table's packed (row-interleaved) layout against its own row-major tiles.
// Run by tools/kernel-paths/run.sh (and by .ci/run, which installs libsimde-dev). An x86 table
// this CPU cannot run (AVX-512 on an AVX2-only machine) is skipped and said so.
#include "gk_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
extern const gk_kernel_table gk_table_neon, gk_table_neondot;
static uint32_t rs = 12345;
static uint32_t rnd(void) { rs = rs * 1664525u + 1013904223u; return rs >> 8; }
static float frand(float a) { return ((float)(rnd() % 100000) / 50000.0f - 1.0f) * a; }
typedef struct { int type; int bsz; int elems; int h[2]; } tinfo;
static gk_tile_fn pick(const gk_kernel_table *k, int type) {
    switch (type) {
    case GK_TYPE_Q4_0: return k->tile_q4_0; case GK_TYPE_Q8_0: return k->tile_q8_0;
    case GK_TYPE_Q4_K: return k->tile_q4_K; case GK_TYPE_Q5_K: return k->tile_q5_K; case GK_TYPE_Q6_K: return k->tile_q6_K;
    case GK_TYPE_Q4_1: return k->tile_q4_1; case GK_TYPE_Q5_0: return k->tile_q5_0; case GK_TYPE_Q5_1: return k->tile_q5_1;
    case GK_TYPE_Q2_K: return k->tile_q2_K; case GK_TYPE_Q3_K: return k->tile_q3_K;
    case GK_TYPE_IQ4_NL: return k->tile_iq4_nl; case GK_TYPE_IQ4_XS: return k->tile_iq4_xs;
    }
    return 0;
}
/// Each table's packed (row-interleaved) matmul against the same table's row-major one (itself
/// checked against the portable tiles above), so both quantize the activations alike: every
/// packed type, row counts that are and are not a multiple of the interleave, 1…70 tokens.
static int check_packed(const gk_kernel_table *const *tables, const char *const *names, const int *runnable, int ntab) {
    static const int types[] = {GK_TYPE_Q4_0, GK_TYPE_Q8_0, GK_TYPE_Q4_1, GK_TYPE_Q5_0, GK_TYPE_Q5_1, GK_TYPE_IQ4_NL,
                                GK_TYPE_Q2_K, GK_TYPE_Q3_K, GK_TYPE_IQ4_XS, GK_TYPE_Q4_K, GK_TYPE_Q5_K, GK_TYPE_Q6_K};
    static const int bsz[] = {18, 34, 20, 22, 24, 18, 84, 110, 136, 144, 176, 210};
    static const int elems[] = {32, 32, 32, 32, 32, 32, 256, 256, 256, 256, 256, 256};
    static const int halves[][2] = {{0, -1}, {0, -1}, {0, 2}, {0, -1}, {0, 2}, {0, -1}, {80, 82}, {108, -1}, {0, -1}, {0, 2}, {0, 2}, {208, -1}};
    const gk_kernel_table *saved = gk_active;
    int bad = 0;
    for (int k = 0; k < ntab; k++) {
        if (!runnable[k]) continue;
        const gk_pack_layout *L = tables[k]->packed;
        if (!L) {
            printf("%s packed: no interleaved layout\n", names[k]);
            continue;
        }
        int checked = 0;
        for (unsigned ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
            int R, max_nt;
            if (!L->tile_for(types[ti], &R, &max_nt)) continue;
            const int n = 512, nb = n / elems[ti];
            const int row_counts[] = {R, R + 1, 2 * R + 3, 3 * R - 1, 5 * R};
            for (unsigned rc = 0; rc < sizeof row_counts / sizeof row_counts[0]; rc++) {
                const int rows = row_counts[rc], toks = 70;
                const size_t ws = (size_t)nb * bsz[ti];
                uint8_t *w = malloc(ws * rows);
                for (size_t i = 0; i < ws * rows; i++) w[i] = (uint8_t)rnd();
                for (int r = 0; r < rows; r++)
                    for (int b = 0; b < nb; b++)
                        for (int h = 0; h < 2; h++)
                            if (halves[ti][h] >= 0) {
                                uint16_t v = gk_f2h(frand(0.05f));
                                memcpy(w + r * ws + (size_t)b * bsz[ti] + halves[ti][h], &v, 2);
                            }
                float *x = malloc(sizeof(float) * n * toks);
                for (int i = 0; i < n * toks; i++) x[i] = frand(1.0f) * ((rnd() % 50) ? 1 : 40);
                gk_active = tables[k];
                const size_t psize = gk_packed_size(types[ti], rows, n);
                void *packed = aligned_alloc(64, (psize + 63) & ~(size_t)63);
                void *scratch = aligned_alloc(64, gk_matmul_scratch_size(types[ti], n, toks) + 64);
                float *want = malloc(sizeof(float) * rows * toks), *got = malloc(sizeof(float) * rows * toks);
                if (!psize || !gk_pack(0, types[ti], w, rows, n, packed)) {
                    printf("MISMATCH %s packed type %d rows %d: not packed\n", names[k], types[ti], rows);
                    bad++;
                } else {
                    // 8 and more: Q5_K/Q6_K strips on AVX2; 70: more than one strip token block.
                    const int token_counts[] = {1, 2, 3, 4, 5, 8, 13, 70};
                    for (unsigned tc = 0; tc < sizeof token_counts / sizeof token_counts[0]; tc++) {
                        const int nt = token_counts[tc];
                        for (int i = 0; i < rows * nt; i++) got[i] = NAN;
                        gk_matmul(0, types[ti], w, rows, n, x, nt, want, scratch);
                        gk_matmul_packed(0, types[ti], packed, rows, n, x, nt, got, scratch);
                        for (int i = 0; i < rows * nt; i++) {
                            checked++;
                            if (!(fabsf(got[i] - want[i]) <= 1e-4f * fabsf(want[i]) + 1e-3f)) {
                                if (bad < 20) printf("MISMATCH %s packed type %d rows %d tokens %d at %d: %g vs %g\n", names[k], types[ti], rows, nt, i, got[i], want[i]);
                                bad++;
                            }
                        }
                    }
                }
                gk_active = saved;
                free(w); free(x); free(packed); free(scratch); free(want); free(got);
            }
        }
        printf("%s packed: %d outputs checked\n", names[k], checked);
    }
    return bad;
}

int main(void) {
    tinfo types[] = {
        {GK_TYPE_Q4_0, 18, 32, {0, -1}}, {GK_TYPE_Q8_0, 34, 32, {0, -1}}, {GK_TYPE_Q4_1, 20, 32, {0, 2}},
        {GK_TYPE_Q5_0, 22, 32, {0, -1}}, {GK_TYPE_Q5_1, 24, 32, {0, 2}}, {GK_TYPE_IQ4_NL, 18, 32, {0, -1}},
        {GK_TYPE_Q2_K, 84, 256, {80, 82}}, {GK_TYPE_Q3_K, 110, 256, {108, -1}}, {GK_TYPE_IQ4_XS, 136, 256, {0, -1}},
        {GK_TYPE_Q4_K, 144, 256, {0, 2}}, {GK_TYPE_Q5_K, 176, 256, {0, 2}}, {GK_TYPE_Q6_K, 210, 256, {208, -1}},
    };
    const gk_kernel_table *tables[] = {&gk_table_portable, &gk_table_neon, &gk_table_neondot,
#ifdef __x86_64__
        0, 0
#endif
    };
    const char *names[] = {"portable", "neon", "neondot", "avx2", "avx512"};
    int ntab = 3;
#ifdef WITH_X86
    extern const gk_kernel_table gk_table_avx2, gk_table_avx512;
    tables[3] = &gk_table_avx2; tables[4] = &gk_table_avx512; ntab = 5;
#endif
    int runnable[5] = {1, 1, 1, 0, 0};
#ifdef WITH_X86
    runnable[3] = gk_path_supported(GK_PATH_AVX2);
    runnable[4] = gk_path_supported(GK_PATH_AVX512_VNNI);
#endif
    for (int k = 0; k < ntab; k++) printf("%s: %s\n", names[k], runnable[k] ? "checked" : "skipped (this CPU lacks it)");
    int bad = 0;
    for (unsigned ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        const tinfo T = types[ti];
        const int n = 1024, nb = n / T.elems, rows = 4, toks = 4;
        const size_t ws = (size_t)nb * T.bsz;
        for (int pattern = 0; pattern < 3; pattern++) {
            uint8_t *w = malloc(ws * rows);
            for (size_t i = 0; i < ws * rows; i++) w[i] = pattern == 2 ? 0xFF : (uint8_t)rnd();
            for (int r = 0; r < rows; r++)
                for (int b = 0; b < nb; b++)
                    for (int k = 0; k < 2; k++)
                        if (T.h[k] >= 0) {
                            uint16_t h = gk_f2h(pattern == 2 ? 0.05f : frand(0.05f));
                            memcpy(w + r * ws + (size_t)b * T.bsz + T.h[k], &h, 2);
                        }
            float *x = malloc(sizeof(float) * n * toks);
            for (int i = 0; i < n * toks; i++) x[i] = pattern == 2 ? (i % 3 ? 1e4f : -1e4f) : frand(1.0f) * ((rnd() % 50) ? 1 : 40);
            const size_t as = (gk_act_row_size(T.type, n) + 63) & ~(size_t)63;
            void *act = aligned_alloc(64, as * toks);
            gk_set_path(GK_PATH_PORTABLE);
            for (int t = 0; t < toks; t++) gk_quantize_act(T.type, x + t * n, (char *)act + t * as, n);
            float ref[16];
            pick(&gk_table_portable, T.type)(n, w, ws, rows, act, as, toks, ref, rows);
            for (int k = 1; k < ntab; k++) {
                if (!runnable[k]) continue;
                gk_tile_fn f = pick(tables[k], T.type);
                for (int nr = 1; nr <= 4; nr++)
                    for (int nt = 1; nt <= 4; nt++) {
                        float out[16];
                        for (int i = 0; i < 16; i++) out[i] = NAN;
                        f(n, w, ws, nr, act, as, nt, out, rows);
                        for (int t = 0; t < nt; t++)
                            for (int r = 0; r < nr; r++) {
                                float a = out[t * rows + r], e = ref[t * rows + r];
                                if (!(a == e || fabsf(a - e) <= 1e-4f * fabsf(e) + 1e-3f)) {
                                    if (bad < 20) printf("MISMATCH %s type %d pat %d nr %d nt %d r %d t %d: %g vs %g\n", names[k], T.type, pattern, nr, nt, r, t, a, e);
                                    bad++;
                                }
                            }
                    }
            }
            free(w); free(x); free(act);
        }
    }
    bad += check_packed(tables, names, runnable, ntab);
    printf("%s: %d mismatches\n", bad ? "FAIL" : "OK", bad);
    return bad != 0;
}
