/* SPDX-License-Identifier: Apache-2.0 */
/* Random GEMMs through the ring on the Verilated core, bit-exact against the golden
 * interpreter running the same program and against a naive C GEMM.
 *   top_gemm [--count N] [--seed S] [--max-dim D] */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loom/loom_error.h"
#include "loom/loom_gemm_plan.h"
#include "loom/loom_ref.h"

typedef struct shape {
    uint32_t m, n, k;
    unsigned mode, pp;
} shape;

/* Dimensions near the tile edges are where tilers break: favour them. */
static uint32_t pick_dim(uint64_t *s, uint32_t tile, uint32_t max)
{
    uint32_t v;
    switch (h_range(s, 0, 5)) {
    case 0: v = 1; break;
    case 1: v = tile * h_range(s, 1, 4); break;
    case 2: v = tile * h_range(s, 1, 4) + 1; break;
    case 3: v = tile * h_range(s, 1, 4) - 1; break;
    default: v = h_range(s, 1, max); break;
    }
    return v < 1 ? 1 : v > max ? max : v;
}

static int run_one(harness *h, const shape *sh, uint64_t *rng, uint64_t *cycles)
{
    const loom_caps *caps = &h->core.caps;
    const uint32_t m = sh->m, n = sh->n, k = sh->k;
    const int i32 = (sh->pp & LOOM_PP_I32) != 0;
    const uint32_t esize = i32 ? 4 : 1;
    int8_t *a = malloc((size_t)m * k), *b = malloc((size_t)k * n);
    int32_t *bias = malloc(n * 4u), *mult = malloc(n * 4u);
    uint8_t *shift = malloc(n);
    int8_t *zp = malloc(n);
    uint32_t *insns = NULL;
    int rc = 1;
    if (!a || !b || !bias || !mult || !shift || !zp)
        goto out;
    for (size_t i = 0; i < (size_t)m * k; i++)
        a[i] = (int8_t)h_rand(rng);
    for (size_t i = 0; i < (size_t)k * n; i++)
        b[i] = sh->mode == LOOM_MODE_W4A8 ? (int8_t)((int)(h_rand(rng) % 16) - 8)
                                          : (int8_t)h_rand(rng);
    for (uint32_t i = 0; i < n; i++) {
        bias[i] = (int32_t)(h_rand(rng) % 200001) - 100000;
        mult[i] = (int32_t)h_range(rng, 1u << 20, 1u << 30);
        shift[i] = (uint8_t)h_range(rng, 24, 44);
        zp[i] = (int8_t)h_range(rng, 0, 40) - 20;
    }

    /* Window layout after the ring: A, B packed, params, C (+ guard). */
    loom_gemm g = {
        .m = m, .n = n, .k = k, .mode = sh->mode, .pp = sh->pp,
        .lda = k + h_range(rng, 0, 3),
        .ldc = (n * esize + h_range(rng, 0, 2) * 4),
    };
    size_t b_bytes = loom_gemm_b_size(caps, sh->mode, k, n);
    size_t p_bytes = loom_gemm_params_size(caps, n, sh->pp);
    g.a_off = H_DATA_OFF + h_range(rng, 0, 15);
    g.b_off = (g.a_off + m * g.lda + 63u) & ~63u;
    g.p_off = (uint32_t)((g.b_off + b_bytes + 63u) & ~(size_t)63u);
    g.c_off = (uint32_t)((g.p_off + p_bytes + 63u) & ~(size_t)63u) + (i32 ? 0 : h_range(rng, 0, 7));
    size_t c_span = (size_t)(m - 1) * g.ldc + n * esize;
    if (g.c_off + c_span + 64 > h->mem_bytes) {
        printf("shape too large for the test memory\n");
        goto out;
    }
    for (uint32_t r = 0; r < m; r++)
        memcpy(h->mem + g.a_off + (size_t)r * g.lda, a + (size_t)r * k, k);
    if (loom_gemm_pack_b(caps, sh->mode, k, n, b, n, h->mem + g.b_off) ||
        (p_bytes && loom_gemm_pack_params(caps, n, sh->pp, bias, mult, shift, zp,
                                          h->mem + g.p_off))) {
        printf("packing failed\n");
        goto out;
    }
    memset(h->mem + g.c_off, 0xA5, c_span + 64);

    size_t cap, len;
    if (loom_gemm_plan_size(caps, &g, &cap) || !(insns = malloc(cap * 16)) ||
        loom_gemm_plan(caps, &g, insns, cap, &len, NULL)) {
        printf("planning failed\n");
        goto out;
    }
    loom_interp_result ir;
    uint64_t c0 = loom_vsim_cycles(h->sim);
    int err = h_run_both(h, insns, len, &ir);
    *cycles += loom_vsim_cycles(h->sim) - c0;
    if (err || ir.hw_err) {
        printf("run failed: core %s (%s at %zu), interpreter %s\n", loom_strerror(err),
               loom_hw_errname(h->core.hw_err), h->core.hw_err_index, loom_hw_errname(ir.hw_err));
        goto out;
    }
    /* RTL vs interpreter: the whole output span and the guard bytes after it. */
    for (size_t i = 0; i < c_span + 64; i++) {
        if (h->mem[g.c_off + i] != h->shadow[g.c_off + i]) {
            printf("rtl vs interpreter: byte %zu of C differs (%02x vs %02x)\n", i,
                   h->mem[g.c_off + i], h->shadow[g.c_off + i]);
            goto out;
        }
    }
    /* RTL vs a naive GEMM written here, independent of both. */
    for (uint32_t r = 0; r < m; r++) {
        for (uint32_t c = 0; c < n; c++) {
            int32_t acc = 0;
            for (uint32_t i = 0; i < k; i++)
                acc = (int32_t)((uint32_t)acc + (uint32_t)(a[(size_t)r * k + i] * b[(size_t)i * n + c]));
            if (sh->pp & LOOM_PP_BIAS)
                acc = (int32_t)((uint32_t)acc + (uint32_t)bias[c]);
            const uint8_t *p = h->mem + g.c_off + (size_t)r * g.ldc + (size_t)c * esize;
            int32_t want, got;
            if (i32) {
                want = (sh->pp & LOOM_PP_RELU) && acc < 0 ? 0 : acc;
                memcpy(&got, p, 4);
            } else {
                want = loom_requant(acc, mult[c], shift[c], zp[c], (sh->pp & LOOM_PP_RELU) != 0);
                got = (int8_t)p[0];
            }
            if (got != want) {
                printf("rtl vs naive: C[%u][%u] = %d, want %d\n", r, c, got, want);
                goto out;
            }
        }
    }
    rc = 0;
out:
    free(a), free(b), free(bias), free(mult), free(shift), free(zp), free(insns);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned count = 200, max_dim = 300;
    uint64_t seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--count"))
            count = (unsigned)strtoul(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--max-dim"))
            max_dim = (unsigned)strtoul(argv[i + 1], NULL, 0);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    harness h;
    if (h_open(&h, NULL, 1))
        return 1;
    const loom_caps *caps = &h.core.caps;
    printf("core %ux%u, %u modes, apad %u wpad %u acc %u\n", caps->rows, caps->cols, caps->modes,
           caps->apad_depth, caps->wpad_depth, caps->acc_depth);
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1, cycles = 0;
    unsigned done[2] = {0, 0};
    for (unsigned t = 0; t < count; t++) {
        shape sh;
        sh.mode = (t & 1) ? LOOM_MODE_W4A8 : LOOM_MODE_W8A8;
        if (!(caps->modes & (1u << sh.mode)))
            sh.mode = LOOM_MODE_W8A8;
        uint32_t tk = caps->rows * (sh.mode == LOOM_MODE_W4A8 ? 2 : 1);
        sh.m = pick_dim(&rng, caps->rows, max_dim);
        sh.n = pick_dim(&rng, caps->cols, max_dim);
        sh.k = pick_dim(&rng, tk, max_dim);
        static const unsigned pps[] = {LOOM_PP_I32, LOOM_PP_I32 | LOOM_PP_BIAS,
                                       LOOM_PP_I32 | LOOM_PP_RELU, 0, LOOM_PP_BIAS,
                                       LOOM_PP_BIAS | LOOM_PP_RELU};
        sh.pp = pps[h_range(&rng, 0, 5)];
        if (run_one(&h, &sh, &rng, &cycles)) {
            printf("FAIL gemm %u: M=%u N=%u K=%u mode %s pp %#x (seed %llu)\n", t, sh.m, sh.n,
                   sh.k, sh.mode ? "W4A8" : "W8A8", sh.pp, (unsigned long long)seed);
            h_close(&h);
            return 1;
        }
        done[sh.mode]++;
    }
    printf("%u W8A8 + %u W4A8 GEMMs bit-exact (rtl = interpreter = naive), %llu cycles\n",
           done[0], done[1], (unsigned long long)cycles);
    h_close(&h);
    return 0;
}
