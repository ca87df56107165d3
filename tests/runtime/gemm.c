// SPDX-License-Identifier: Apache-2.0
// GEMMs planned by loom_gemm_plan and run on the golden interpreter, compared bit for
// bit with a naive C GEMM: both modes, int32 and requantised int8 out, bias and ReLU,
// 300 random shapes (M, N, K in 1..300, fixed seed) plus edge shapes, at three array
// shapes. Every plan must also pass loom_cmd_validate and the interpreter's race
// check, and its stats must match what the interpreter counted. Last, the race check
// itself must catch a plan whose tokens were removed.
#include <stdlib.h>
#include <string.h>

#include "loom/loom_cmd.h"
#include "loom/loom_gemm_plan.h"
#include "loom/loom_interp.h"
#include "loom/loom_ref.h"
#include "rt_test.h"

#define SENTINEL 0xA5

typedef struct gcase {
    uint32_t m, n, k;
    unsigned mode, pp;
} gcase;

static int32_t s32(uint32_t v)
{
    return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Builds the window, plans, runs; returns 0 on success. strip_tokens: clear every
 * token flag and expect the race check to fire instead. */
static int run_case(const loom_caps *caps, loom_interp *it, const gcase *gc, rt_rng *r,
                    int strip_tokens, loom_gemm_stats *st_out)
{
    const uint32_t M = gc->m, N = gc->n, K = gc->k;
    int w4 = gc->mode == LOOM_MODE_W4A8, i32 = (gc->pp & LOOM_PP_I32) != 0;
    int bias = (gc->pp & LOOM_PP_BIAS) != 0, relu = (gc->pp & LOOM_PP_RELU) != 0;
    size_t esize = i32 ? 4 : 1;

    int8_t *A = malloc((size_t)M * K), *B = malloc((size_t)K * N);
    int32_t *bv = malloc(N * sizeof *bv), *mult = malloc(N * sizeof *mult);
    uint8_t *shift = malloc(N);
    int8_t *zp = malloc(N);
    for (size_t i = 0; i < (size_t)M * K; i++)
        A[i] = (int8_t)rt_range(r, -128, 127);
    for (size_t i = 0; i < (size_t)K * N; i++)
        B[i] = (int8_t)(w4 ? rt_range(r, -8, 7) : rt_range(r, -128, 127));
    for (uint32_t n = 0; n < N; n++) {
        bv[n] = (int32_t)(rt_next(r) % 8 == 0 ? (int64_t)(int32_t)rt_next(r) : rt_range(r, -100000, 100000));
        mult[n] = (int32_t)rt_range(r, -(1 << 20), 1 << 20);
        shift[n] = (uint8_t)rt_range(r, 0, 40);
        zp[n] = (int8_t)rt_range(r, -128, 127);
    }

    /* Window: A (byte-aligned odd offset, padded rows) | B | params | C (padded rows). */
    loom_gemm g = { .m = M, .n = N, .k = K, .mode = gc->mode, .pp = gc->pp };
    g.a_off = 3;
    g.lda = K + (uint32_t)rt_range(r, 0, 5);
    g.b_off = g.a_off + (M - 1) * g.lda + K + (uint32_t)rt_range(r, 0, 3);
    size_t bsize = loom_gemm_b_size(caps, gc->mode, K, N);
    size_t psize = loom_gemm_params_size(caps, N, gc->pp);
    g.p_off = (uint32_t)((g.b_off + bsize + 3) & ~(size_t)3);
    g.c_off = (uint32_t)((g.p_off + psize + 4 + 3) & ~(size_t)3);
    g.ldc = (uint32_t)(N * esize + 4 * (size_t)rt_range(r, 0, 2));
    size_t wbytes = g.c_off + (size_t)(M - 1) * g.ldc + N * esize + 8;
    uint8_t *win = malloc(wbytes);
    memset(win, SENTINEL, wbytes);
    memcpy(win + g.a_off, A, K); /* row 0 then the rest at lda */
    for (uint32_t m = 0; m < M; m++)
        memcpy(win + g.a_off + (size_t)m * g.lda, A + (size_t)m * K, K);
    int rc = loom_gemm_pack_b(caps, gc->mode, K, N, B, N, win + g.b_off);
    CHECK(rc == LOOM_OK, "pack_b %d", rc);
    if (psize) {
        rc = loom_gemm_pack_params(caps, N, gc->pp, bv, mult, shift, zp, win + g.p_off);
        CHECK(rc == LOOM_OK, "pack_params %d", rc);
    }

    size_t n_insns = 0;
    rc = loom_gemm_plan_size(caps, &g, &n_insns);
    CHECK(rc == LOOM_OK && n_insns > 0, "plan_size %d", rc);
    uint32_t *prog = malloc(n_insns * 16);
    size_t n_out = 0;
    loom_gemm_stats st;
    rc = loom_gemm_plan(caps, &g, prog, n_insns, &n_out, &st);
    CHECK(rc == LOOM_OK && n_out == n_insns, "plan %d n %zu/%zu", rc, n_out, n_insns);
    if (st_out)
        *st_out = st;
    int fail0 = rt_failures;

    size_t bad = 0;
    unsigned hw = 0;
    rc = loom_cmd_validate(caps, wbytes, prog, n_out, &bad, &hw);
    CHECK(rc == LOOM_OK, "%ux%ux%u mode %u pp %u: validate %d hw %u at %zu", M, N, K, gc->mode,
          gc->pp, rc, hw, bad);

    if (strip_tokens)
        for (size_t i = 0; i < n_out; i++)
            prog[4 * i] &= ~(LOOM_DEP_ALL << LOOM_F_POP_PREV_LO);

    loom_interp_result res;
    rc = loom_interp_run(it, win, wbytes, prog, n_out, &res);
    if (strip_tokens) {
        CHECK(rc == LOOM_ERR_BAD_PROGRAM && res.race, "%ux%ux%u: stripped tokens not caught (%d)",
              M, N, K, rc);
        goto out;
    }
    CHECK(rc == LOOM_OK && !res.race && res.hw_err == 0,
          "%ux%ux%u mode %u pp %u: run %d hw %u at %zu race %d (%zu vs %zu)", M, N, K, gc->mode,
          gc->pp, rc, res.hw_err, res.err_index, res.race, res.race_index, res.race_other);
    CHECK(res.executed == n_out && res.macs == st.macs && res.dma_rd_bytes == st.rd_bytes &&
              res.dma_wr_bytes == st.wr_bytes,
          "stats: executed %zu/%zu macs %llu/%llu rd %llu/%llu wr %llu/%llu", res.executed, n_out,
          (unsigned long long)res.macs, (unsigned long long)st.macs,
          (unsigned long long)res.dma_rd_bytes, (unsigned long long)st.rd_bytes,
          (unsigned long long)res.dma_wr_bytes, (unsigned long long)st.wr_bytes);

    /* Naive reference and comparison, including the row padding (untouched). */
    int32_t *acc = calloc(N, sizeof *acc);
    for (uint32_t m = 0; m < M && rt_failures == fail0; m++) {
        memset(acc, 0, N * sizeof *acc);
        for (uint32_t k = 0; k < K; k++) {
            int32_t a = A[(size_t)m * K + k];
            const int8_t *brow = B + (size_t)k * N;
            for (uint32_t n = 0; n < N; n++)
                acc[n] += a * brow[n];
        }
        const uint8_t *row = win + g.c_off + (size_t)m * g.ldc;
        for (uint32_t n = 0; n < N; n++) {
            uint32_t v = (uint32_t)acc[n] + (bias ? (uint32_t)bv[n] : 0u);
            uint8_t want[4];
            if (i32) {
                put32(want, relu && s32(v) < 0 ? 0u : v);
            } else {
                want[0] = (uint8_t)loom_requant(s32(v), mult[n], shift[n], zp[n], relu);
            }
            CHECK(memcmp(row + n * esize, want, esize) == 0,
                  "%ux%ux%u mode %u pp %u: C[%u][%u] differs", M, N, K, gc->mode, gc->pp, m, n);
        }
        for (size_t x = N * esize; x < g.ldc && m + 1 < M; x++)
            CHECK(row[x] == SENTINEL, "C row %u padding byte %zu overwritten", m, x);
    }
    CHECK(win[g.c_off + (size_t)(M - 1) * g.ldc + N * esize] == SENTINEL, "byte after C written");
    free(acc);
out:
    free(prog);
    free(win);
    free(A);
    free(B);
    free(bv);
    free(mult);
    free(shift);
    free(zp);
    return rt_failures != fail0;
}

static unsigned pick_pp(rt_rng *r)
{
    static const unsigned pps[] = { LOOM_PP_I32, LOOM_PP_I32 | LOOM_PP_BIAS,
                                    LOOM_PP_I32 | LOOM_PP_RELU | LOOM_PP_BIAS, 0, LOOM_PP_BIAS,
                                    LOOM_PP_BIAS | LOOM_PP_RELU };
    return pps[rt_next(r) % (sizeof pps / sizeof pps[0])];
}

static uint32_t dim(rt_rng *r, int uniform)
{
    if (uniform)
        return (uint32_t)rt_range(r, 1, 300);
    /* roughly log-uniform: an octave [2^i, 2^(i+1)) at random, then uniform in it */
    uint32_t lo = 1u << rt_range(r, 0, 8), hi = 2 * lo - 1 < 300 ? 2 * lo - 1 : 300;
    return (uint32_t)rt_range(r, lo, hi);
}

int main(int argc, char **argv)
{
    int shapes = argc > 1 ? atoi(argv[1]) : 300;
    rt_rng r = { 0x10011001u };
    loom_caps caps[3];
    loom_interp *it[3];
    for (int c = 0; c < 3; c++) {
        caps[c] = rt_caps(c);
        if (loom_interp_create(&caps[c], &it[c]) != LOOM_OK) {
            printf("interp_create failed\n");
            return 1;
        }
    }
    int cases = 0, failed = 0;

    /* Edge shapes at every array shape, both modes. */
    static const uint32_t edge[][3] = {
        { 1, 1, 1 },     { 1, 300, 1 },  { 300, 1, 1 },  { 1, 1, 300 },   { 16, 16, 16 },
        { 17, 17, 17 },  { 15, 15, 15 }, { 33, 31, 48 }, { 600, 20, 40 }, { 5, 70, 3000 },
        { 40, 700, 33 }, { 9, 33, 17 },  { 1100, 3, 2 }, { 64, 64, 1000 }, { 2, 2, 520 },
    };
    for (int c = 0; c < 3; c++)
        for (size_t e = 0; e < sizeof edge / sizeof edge[0]; e++)
            for (unsigned mode = 0; mode < 2; mode++) {
                gcase gc = { edge[e][0], edge[e][1], edge[e][2], mode, pick_pp(&r) };
                failed += run_case(&caps[c], it[c], &gc, &r, 0, NULL);
                cases++;
            }

    /* Random shapes: each runs at one array shape, mode and output kind in turn. One
     * in three draws M, N, K uniformly from 1..300, the others log-uniformly (more
     * small and ragged sizes, and a test run that stays short under the sanitizers). */
    for (int i = 0; i < shapes; i++) {
        gcase gc = { dim(&r, i % 3 == 0), dim(&r, i % 3 == 0), dim(&r, i % 3 == 0),
                     (unsigned)(i / 3) % 2, pick_pp(&r) };
        failed += run_case(&caps[i % 3], it[i % 3], &gc, &r, 0, NULL);
        cases++;
    }

    /* The race check catches a real GEMM plan without its tokens. */
    for (int c = 0; c < 3; c++) {
        gcase gc = { 70, 40, 90, LOOM_MODE_W8A8, LOOM_PP_I32 };
        failed += run_case(&caps[c], it[c], &gc, &r, 1, NULL);
    }

    printf("%d GEMM cases, %d failed\n", cases, failed);
    for (int c = 0; c < 3; c++)
        loom_interp_destroy(it[c]);
    return rt_finish("gemm");
}
