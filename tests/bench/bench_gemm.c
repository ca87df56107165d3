/* SPDX-License-Identifier: Apache-2.0 */
/* GEMM benchmark on the Verilated core: transformer-shaped GEMMs through the ring,
 * results checked against the interpreter, performance read from the PERF_* counters.
 * Prints cycles, array utilisation (useful MACs / (cycles x peak MACs per cycle)),
 * the roofline lower bound (max of compute and memory time at the memory model's
 * bytes/cycle) and how close the run gets to it, and the simulator's speed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "loom/loom_error.h"
#include "loom/loom_gemm_plan.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int bench(harness *h, uint32_t m, uint32_t n, uint32_t k, unsigned mode, unsigned pp,
                 uint32_t bw)
{
    const loom_caps *caps = &h->core.caps;
    uint64_t rng = 42;
    loom_gemm g = {.m = m, .n = n, .k = k, .mode = mode, .pp = pp, .lda = k};
    const uint32_t esize = (pp & LOOM_PP_I32) ? 4 : 1;
    g.ldc = n * esize;
    size_t b_bytes = loom_gemm_b_size(caps, mode, k, n), p_bytes = loom_gemm_params_size(caps, n, pp);
    g.a_off = H_DATA_OFF;
    g.b_off = (g.a_off + m * k + 63u) & ~63u;
    g.p_off = (uint32_t)((g.b_off + b_bytes + 63u) & ~(size_t)63u);
    g.c_off = (uint32_t)((g.p_off + p_bytes + 63u) & ~(size_t)63u);
    if ((uint64_t)g.c_off + (uint64_t)m * g.ldc > h->mem_bytes) {
        printf("%ux%ux%u does not fit the simulated memory\n", m, n, k);
        return 1;
    }
    int8_t *b = malloc((size_t)k * n);
    int32_t *mult = malloc(4u * n);
    uint8_t *shift = malloc(n);
    int8_t *zp = calloc(n, 1);
    for (size_t i = 0; i < (size_t)m * k; i++)
        h->mem[g.a_off + i] = (uint8_t)h_rand(&rng);
    for (size_t i = 0; i < (size_t)k * n; i++)
        b[i] = mode == LOOM_MODE_W4A8 ? (int8_t)((int)(h_rand(&rng) % 16) - 8) : (int8_t)h_rand(&rng);
    for (uint32_t i = 0; i < n; i++)
        mult[i] = 1 << 30, shift[i] = 40;
    loom_gemm_pack_b(caps, mode, k, n, b, n, h->mem + g.b_off);
    if (p_bytes)
        loom_gemm_pack_params(caps, n, pp, NULL, mult, shift, zp, h->mem + g.p_off);
    size_t cap, len;
    uint32_t *insns = NULL;
    loom_gemm_stats st;
    int rc = 1;
    if (loom_gemm_plan_size(caps, &g, &cap) || !(insns = malloc(cap * 16)) ||
        loom_gemm_plan(caps, &g, insns, cap, &len, &st)) {
        printf("planning %ux%ux%u failed\n", m, n, k);
        goto out;
    }
    loom_perf perf;
    loom_interp_result ir;
    loom_core_perf(&h->core, &perf, 1);
    double t0 = now();
    uint64_t c0 = loom_vsim_cycles(h->sim);
    int err = h_run_both(h, insns, len, &ir);
    double dt = now() - t0;
    uint64_t sim_cycles = loom_vsim_cycles(h->sim) - c0;
    loom_core_perf(&h->core, &perf, 1);
    if (err) {
        printf("%ux%ux%u: %s (%s)\n", m, n, k, loom_strerror(err), loom_hw_strerror(h->core.hw_err));
        goto out;
    }
    if (memcmp(h->mem + g.c_off, h->shadow + g.c_off, (size_t)m * g.ldc)) {
        printf("%ux%ux%u: result differs from the interpreter\n", m, n, k);
        goto out;
    }
    const double peak = (double)caps->rows * caps->cols * (mode == LOOM_MODE_W4A8 ? 2 : 1);
    const double macs = (double)m * n * k;
    const double bytes = (double)m * k + (double)b_bytes + (double)m * n * esize;
    const double t_compute = macs / peak, t_mem = bytes / bw;
    const double bound = t_compute > t_mem ? t_compute : t_mem;
    char name[48];
    snprintf(name, sizeof name, "%ux%ux%u", m, n, k);
    printf("%-16s %-5s %-5s %10llu %7.1f%% %7.1f%% %10.0f %-7s %6.1f%% %8.2f\n", name,
           mode == LOOM_MODE_W4A8 ? "W4A8" : "W8A8", (pp & LOOM_PP_I32) ? "i32" : "i8",
           (unsigned long long)perf.cycles, 100.0 * macs / ((double)perf.cycles * peak),
           100.0 * (double)perf.macs / ((double)perf.cycles * peak), bound,
           t_compute >= t_mem ? "compute" : "memory", 100.0 * bound / (double)perf.cycles,
           (double)sim_cycles / dt / 1e6);
    rc = 0;
out:
    free(b), free(mult), free(shift), free(zp), free(insns);
    return rc;
}

int main(void)
{
    loom_vsim_config cfg;
    loom_vsim_config_init(&cfg);
    cfg.mem_bytes = 48u << 20;
    setvbuf(stdout, NULL, _IOLBF, 0);
    harness h;
    if (h_open(&h, &cfg, 1))
        return 1;
    const loom_caps *c = &h.core.caps;
    printf("Loom %ux%u core, memory model %u B/cycle, %u cycles latency, %u bursts in flight\n",
           c->rows, c->cols, cfg.mem_bytes_per_cycle, cfg.mem_latency, cfg.mem_outstanding);
    printf("%-16s %-5s %-5s %10s %8s %8s %10s %-7s %7s %8s\n", "MxNxK", "mode", "out", "cycles",
           "util", "util(hw)", "bound", "bound", "of bnd", "Mcyc/s");
    static const struct { uint32_t m, n, k; unsigned pp; } shapes[] = {
        {256, 256, 256, LOOM_PP_I32}, {256, 256, 256, 0},   {64, 768, 768, 0},
        {128, 768, 3072, 0},          {512, 2048, 512, 0},  {128, 2048, 2048, LOOM_PP_I32},
        {1, 768, 768, LOOM_PP_I32},   {1, 4096, 4096, LOOM_PP_I32},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (unsigned mode = 0; mode < 2; mode++)
            fails += bench(&h, shapes[i].m, shapes[i].n, shapes[i].k, mode, shapes[i].pp,
                           cfg.mem_bytes_per_cycle);
    printf("util: useful MACs / (PERF_CYCLES x peak); util(hw): PERF_MACS (padded tiles) likewise;\n"
           "bound: max(compute, memory) cycles for the bytes of A, B and C; of bnd: bound / cycles\n");
    h_close(&h);

    /* The DMA hides the 64-cycle latency with many bursts in flight; show what a
     * narrower interconnect (fewer outstanding bursts) costs. */
    static const uint32_t outst[] = {8, 16, 32};
    for (size_t i = 0; i < sizeof outst / sizeof outst[0]; i++) {
        cfg.mem_outstanding = outst[i];
        if (h_open(&h, &cfg, 1))
            return 1;
        printf("memory model with %u bursts in flight per direction:\n", outst[i]);
        for (unsigned mode = 0; mode < 2; mode++)
            fails += bench(&h, 256, 256, 256, mode, LOOM_PP_I32, cfg.mem_bytes_per_cycle);
        h_close(&h);
    }
    return fails ? 1 : 0;
}
