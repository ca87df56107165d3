/* SPDX-License-Identifier: Apache-2.0 */
/* make demo: GEMMs and a two-layer int8 MLP on the Verilated Loom core, driven through
 * the ring by the driver core, each result checked bit for bit against the golden
 * interpreter and the optimised CPU fallback. Prints cycles and array utilisation. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loom/loom_cpu.h"
#include "loom/loom_error.h"
#include "loom/loom_gemm_plan.h"
#include "loom/loom_ref.h"

typedef struct layer {
    const char *name;
    uint32_t m, n, k;
    unsigned mode, pp;
    const int8_t *a;     /* [m][k] */
    int8_t *b;           /* [k][n] */
    int32_t *bias, *mult;
    uint8_t *shift;
    int8_t *zp;
    void *out;           /* [m][n] int32 or int8 */
} layer;

static uint64_t rng = 7;

static int8_t *rand_i8(size_t n, int lo, int hi)
{
    int8_t *p = malloc(n);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (int8_t)(lo + (int)(h_rand(&rng) % (uint64_t)(hi - lo + 1)));
    return p;
}

/* One layer on the accelerator; returns 0 and fills l->out, or prints why not. */
static int run_layer(harness *h, layer *l, loom_perf *perf)
{
    const loom_caps *caps = &h->core.caps;
    const uint32_t es = (l->pp & LOOM_PP_I32) ? 4 : 1;
    loom_gemm g = {.m = l->m, .n = l->n, .k = l->k, .mode = l->mode, .pp = l->pp,
                   .lda = l->k, .ldc = l->n * es, .a_off = H_DATA_OFF};
    size_t bb = loom_gemm_b_size(caps, l->mode, l->k, l->n), pb = loom_gemm_params_size(caps, l->n, l->pp);
    g.b_off = (g.a_off + l->m * l->k + 63u) & ~63u;
    g.p_off = (uint32_t)((g.b_off + bb + 63u) & ~(size_t)63u);
    g.c_off = (uint32_t)((g.p_off + pb + 63u) & ~(size_t)63u);
    memcpy(h->mem + g.a_off, l->a, (size_t)l->m * l->k);
    loom_gemm_pack_b(caps, l->mode, l->k, l->n, l->b, l->n, h->mem + g.b_off);
    if (pb)
        loom_gemm_pack_params(caps, l->n, l->pp, l->bias, l->mult, l->shift, l->zp, h->mem + g.p_off);
    size_t cap, len;
    uint32_t *insns = NULL;
    int err = loom_gemm_plan_size(caps, &g, &cap);
    if (!err && !(insns = malloc(cap * 16)))
        err = LOOM_ERR_NO_MEM;
    if (!err)
        err = loom_gemm_plan(caps, &g, insns, cap, &len, NULL);
    loom_interp_result ir;
    if (!err)
        loom_core_perf(&h->core, perf, 1);
    if (!err)
        err = h_run_both(h, insns, len, &ir);
    free(insns);
    if (err) {
        printf("%s: %s (%s)\n", l->name, loom_strerror(err), loom_hw_errname(h->core.hw_err));
        return 1;
    }
    loom_core_perf(&h->core, perf, 1);
    if (memcmp(h->mem + g.c_off, h->shadow + g.c_off, (size_t)l->m * l->n * es)) {
        printf("%s: accelerator and interpreter differ\n", l->name);
        return 1;
    }
    memcpy(l->out, h->mem + g.c_off, (size_t)l->m * l->n * es);
    return 0;
}

/* The same layer on the CPU fallback: int32 GEMM, then the STORE post-processing. */
static int cpu_layer(loom_cpu_ctx *ctx, const layer *l, void *out)
{
    loom_cpu_packed_b *pb;
    int32_t *acc = malloc((size_t)l->m * l->n * 4);
    if (!acc || loom_cpu_pack_b(&pb, l->b, l->mode == LOOM_MODE_W4A8 ? LOOM_CPU_INT4 : LOOM_CPU_INT8,
                                LOOM_CPU_B_KN, (int)l->k, (int)l->n, l->n)) {
        free(acc);
        return 1;
    }
    int err = loom_cpu_gemm(ctx, (int)l->m, l->a, l->k, LOOM_CPU_INT8, 0, pb, 0, acc, l->n, 0);
    for (size_t i = 0; !err && i < (size_t)l->m * l->n; i++) {
        size_t c = i % l->n;
        int32_t v = acc[i];
        if (l->pp & LOOM_PP_BIAS)
            v = (int32_t)((uint32_t)v + (uint32_t)l->bias[c]);
        if (l->pp & LOOM_PP_I32)
            ((int32_t *)out)[i] = (l->pp & LOOM_PP_RELU) && v < 0 ? 0 : v;
        else
            ((int8_t *)out)[i] = loom_requant(v, l->mult[c], l->shift[c], l->zp[c], (l->pp & LOOM_PP_RELU) != 0);
    }
    loom_cpu_packed_b_destroy(pb);
    free(acc);
    return err;
}

static int check(harness *h, loom_cpu_ctx *ctx, layer *l)
{
    const size_t bytes = (size_t)l->m * l->n * ((l->pp & LOOM_PP_I32) ? 4 : 1);
    void *cpu = malloc(bytes);
    loom_perf perf;
    int bad = !cpu || run_layer(h, l, &perf) || cpu_layer(ctx, l, cpu) || memcmp(cpu, l->out, bytes);
    const double peak = (double)h->core.caps.rows * h->core.caps.cols * (l->mode == LOOM_MODE_W4A8 ? 2 : 1);
    printf("%-28s %4ux%-4ux%-4u %-4s %9llu %7.1f%%  %s\n", l->name, l->m, l->n, l->k,
           l->mode == LOOM_MODE_W4A8 ? "W4A8" : "W8A8", (unsigned long long)perf.cycles,
           100.0 * l->m * l->n * (double)l->k / ((double)perf.cycles * peak),
           bad ? "MISMATCH" : "= interpreter = CPU");
    free(cpu);
    return bad;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    harness h;
    loom_cpu_ctx *ctx = NULL;
    if (h_open(&h, NULL, 1) || loom_cpu_ctx_create(&ctx, 1))
        return 1;
    const loom_caps *c = &h.core.caps;
    printf("Loom demo: Verilated %ux%u core (%u int8 MACs/cycle, %u int4), memory 16 B/cycle, 64-cycle latency\n"
           "CPU fallback path: %s\n\n", c->rows, c->cols, c->rows * c->cols, 2 * c->rows * c->cols,
           loom_cpu_path_name(loom_cpu_ctx_path(ctx)));
    printf("%-28s %-14s %-4s %9s %8s  %s\n", "job", "MxNxK", "mode", "cycles", "util", "check");
    int bad = 0;
    const uint32_t M = 128, D = 256, H = 512, O = 128;
    int8_t *x = rand_i8((size_t)M * D, -64, 63);
    for (unsigned mode = 0; mode < 2; mode++) {
        layer l = {.name = "GEMM, int32 out", .m = M, .n = D, .k = D, .mode = mode,
                   .pp = LOOM_PP_I32, .a = x, .b = rand_i8((size_t)D * D, mode ? -8 : -128, mode ? 7 : 127)};
        l.out = malloc((size_t)M * D * 4);
        bad += check(&h, ctx, &l);
        free(l.b), free(l.out);
    }
    /* MLP: y = W2 . relu(requant(W1 . x + b1)), int8 hidden activations. */
    layer l1 = {.name = "MLP layer 1 (bias,ReLU,int8)", .m = M, .n = H, .k = D,
                .mode = LOOM_MODE_W8A8, .pp = LOOM_PP_BIAS | LOOM_PP_RELU, .a = x,
                .b = rand_i8((size_t)D * H, -128, 127)};
    l1.bias = malloc(H * 4), l1.mult = malloc(H * 4), l1.shift = malloc(H), l1.zp = calloc(H, 1);
    for (uint32_t i = 0; i < H; i++)
        l1.bias[i] = (int32_t)(h_rand(&rng) % 20001) - 10000, l1.mult[i] = 1 << 30, l1.shift[i] = 40;
    l1.out = malloc((size_t)M * H);
    bad += check(&h, ctx, &l1);
    layer l2 = {.name = "MLP layer 2 (int32 out)", .m = M, .n = O, .k = H, .mode = LOOM_MODE_W8A8,
                .pp = LOOM_PP_I32, .a = l1.out, .b = rand_i8((size_t)H * O, -128, 127)};
    l2.out = malloc((size_t)M * O * 4);
    bad += check(&h, ctx, &l2);
    printf("\n%s\n", bad ? "DEMO FAILED: results differ" : "All results bit-exact on accelerator, interpreter and CPU.");
    free(x), free(l1.b), free(l1.bias), free(l1.mult), free(l1.shift), free(l1.zp), free(l1.out);
    free(l2.b), free(l2.out);
    loom_cpu_ctx_destroy(ctx);
    h_close(&h);
    return bad ? 1 : 0;
}
