// SPDX-License-Identifier: Apache-2.0
// The GEMM planner's own numbers: for M=N=K=256 at 16x16 (both modes, int32 and int8
// out) it must load A once and each weight tile once per M block, need well under the
// bus bandwidth, and reach >= 90% array utilisation on a simple timing model of the
// micro-architecture (docs/microarch.md: 16 B/cycle read and write channels, 64-cycle
// memory latency, MATMUL max(rows, ROWS) cycles + ROWS+COLS drain, STORE limited by
// the bus and pp_lanes, queues of depth queue_depth, tokens at completion). The model
// is an estimate for catching bad schedules, not the RTL's cycle count; `make bench`
// measures that. Also prints the predicted DMA bytes per MAC and per cycle.
#include <stdlib.h>
#include <string.h>

#include "loom/loom_cmd.h"
#include "loom/loom_gemm_plan.h"
#include "rt_test.h"

#define LAT 64

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Beats of a 2-D transfer on a bus of `bus` bytes. */
static uint64_t beats(uint64_t off, uint64_t rows, uint64_t stride, uint64_t bytes, uint64_t bus)
{
    uint64_t n = 0;
    for (uint64_t r = 0; r < rows; r++) {
        uint64_t a = off + r * stride;
        n += (a % bus + bytes + bus - 1) / bus;
    }
    return n;
}

/* Cycles of the program on the model; 0 if a pop's push comes later in program order
 * (the model needs program order to be a legal order, which the planner promises). */
static uint64_t model(const loom_caps *c, const uint32_t *p, size_t n)
{
    uint64_t *start = calloc(n, sizeof *start), *done = calloc(n, sizeof *done);
    uint64_t *pushes[4];
    size_t npush[4] = { 0 }, npop[4] = { 0 };
    for (int k = 0; k < 4; k++)
        pushes[k] = calloc(n, sizeof(uint64_t));
    size_t *qhist = calloc(n, sizeof *qhist); /* program index of the j-th insn per queue */
    size_t qcount[3] = { 0 }, *qlist[3];
    for (int q = 0; q < 3; q++)
        qlist[q] = calloc(n, sizeof(size_t));
    static const int pop_prev[3] = { -1, 0, 2 }, pop_next[3] = { 1, 3, -1 };
    static const int push_prev[3] = { -1, 1, 3 }, push_next[3] = { 0, 2, -1 };
    uint64_t disp = 0, rd_free = 0, wr_free = 0, arr_free = 0, mm_done = 0, all_done = 0;
    uint64_t unit_ready[3] = { 0 }, last_done[3] = { 0 }, end = 0;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        loom_cmd_fields f;
        loom_cmd_decode(&p[4 * i], &f);
        rd_free += (16 + c->bus_bytes - 1) / c->bus_bytes; /* fetch: bandwidth only */
        if (f.opcode == LOOM_OP_FENCE || f.opcode == LOOM_OP_END) {
            disp = max64(disp, all_done);
            end = disp;
            continue;
        }
        unsigned q = loom_cmd_queue(&p[4 * i]);
        if (qcount[q] >= c->queue_depth)
            disp = max64(disp, start[qlist[q][qcount[q] - c->queue_depth]]);
        qlist[q][qcount[q]++] = i;
        uint64_t t = max64(disp, unit_ready[q]);
        int pops[2] = { (f.deps & LOOM_DEP_POP_PREV) ? pop_prev[q] : -1,
                        (f.deps & LOOM_DEP_POP_NEXT) ? pop_next[q] : -1 };
        for (int k = 0; k < 2; k++) {
            if (pops[k] < 0)
                continue;
            if (npop[pops[k]] >= npush[pops[k]]) {
                ok = 0;
                break;
            }
            t = max64(t, pushes[pops[k]][npop[pops[k]]++]);
        }
        start[i] = t;
        uint64_t d;
        if (f.opcode == LOOM_OP_LOAD && f.mem != LOOM_MEM_ACC) {
            uint64_t s = max64(t, rd_free);
            rd_free = s + beats(f.dram_off, f.rows, f.stride, f.cols, c->bus_bytes);
            unit_ready[q] = rd_free;
            d = rd_free + LAT;
        } else if (f.opcode == LOOM_OP_LOAD) { /* ACC load: the compute engine must be idle */
            uint64_t s = max64(max64(t, rd_free), mm_done);
            rd_free = s + beats(f.dram_off, f.rows, f.stride, 4ull * f.cols, c->bus_bytes);
            d = rd_free + LAT;
            unit_ready[q] = d;
        } else if (f.opcode == LOOM_OP_MATMUL) {
            uint64_t s = max64(t, arr_free);
            arr_free = s + max64(f.rows, c->rows);
            unit_ready[q] = arr_free;
            d = arr_free + c->rows + c->cols;
            mm_done = max64(mm_done, d);
        } else if (f.opcode == LOOM_OP_STORE) {
            uint64_t es = (f.pp & LOOM_PP_I32) ? 4 : 1;
            uint64_t s = max64(t, wr_free);
            uint64_t bus = beats(f.dram_off, f.rows, f.stride, es * f.cols, c->bus_bytes);
            uint64_t pp = ((uint64_t)f.rows * f.cols + c->pp_lanes - 1) / c->pp_lanes;
            wr_free = s + max64(bus, pp);
            unit_ready[q] = wr_free;
            d = wr_free + LAT;
        } else {
            d = t;
        }
        d = max64(d, last_done[q]); /* in-order completion */
        last_done[q] = done[i] = d;
        all_done = max64(all_done, d);
        if ((f.deps & LOOM_DEP_PUSH_PREV) && push_prev[q] >= 0)
            pushes[push_prev[q]][npush[push_prev[q]]++] = d;
        if ((f.deps & LOOM_DEP_PUSH_NEXT) && push_next[q] >= 0)
            pushes[push_next[q]][npush[push_next[q]]++] = d;
    }
    free(start);
    free(done);
    free(qhist);
    for (int k = 0; k < 4; k++)
        free(pushes[k]);
    for (int q = 0; q < 3; q++)
        free(qlist[q]);
    return ok ? end : 0;
}

static void one(const loom_caps *c, uint32_t m, uint32_t nn, uint32_t k, unsigned mode, unsigned pp,
                int must_hit)
{
    loom_gemm g = { .m = m, .n = nn, .k = k, .mode = mode, .pp = pp };
    uint32_t es = (pp & LOOM_PP_I32) ? 4 : 1;
    g.a_off = 0;
    g.lda = k;
    g.b_off = m * k;
    g.p_off = (uint32_t)((g.b_off + loom_gemm_b_size(c, mode, k, nn) + 63) & ~63u);
    g.c_off = (uint32_t)((g.p_off + loom_gemm_params_size(c, nn, pp) + 63) & ~63u);
    g.ldc = nn * es;
    size_t n = 0;
    loom_gemm_stats st;
    CHECK(loom_gemm_plan_size(c, &g, &n) == LOOM_OK, "plan_size");
    uint32_t *p = malloc(n * 16);
    CHECK(loom_gemm_plan(c, &g, p, n, &n, &st) == LOOM_OK, "plan");
    uint64_t win = (uint64_t)g.c_off + (uint64_t)m * g.ldc;
    CHECK(loom_cmd_validate(c, win, p, n, NULL, NULL) == LOOM_OK, "validate");

    uint64_t cyc = model(c, p, n);
    uint64_t peak = (uint64_t)c->rows * c->cols * (mode == LOOM_MODE_W4A8 ? 2 : 1);
    double util = cyc ? (double)st.macs / ((double)cyc * (double)peak) : 0;
    double bpc = (double)(st.rd_bytes + st.wr_bytes) / (double)st.array_cycles;
    printf("%ux%u %4ux%4ux%4u %s %-5s Mb %3u x%u, K panel %u/%u tiles, N group %u/%u, %u wslots, "
           "%6zu insns\n",
           c->rows, c->cols, m, nn, k, mode ? "W4A8" : "W8A8", es == 4 ? "int32" : "int8",
           st.m_block, st.m_blocks, st.k_panel, st.k_tiles, st.n_group, st.n_tiles, st.w_slots, n);
    printf("    DMA rd %llu B (A %llu, B %llu) wr %llu B: %.4f B/MAC, %.2f B/cycle at full array "
           "speed (bus %u)\n",
           (unsigned long long)st.rd_bytes, (unsigned long long)m * k,
           (unsigned long long)loom_gemm_b_size(c, mode, k, nn), (unsigned long long)st.wr_bytes,
           (double)(st.rd_bytes + st.wr_bytes) / (double)st.macs, bpc, c->bus_bytes);
    printf("    array %llu cycles, planner estimate %llu, timing model %llu -> utilisation %.1f%%\n",
           (unsigned long long)st.array_cycles, (unsigned long long)st.est_cycles,
           (unsigned long long)cyc, 100 * util);
    if (must_hit) {
        CHECK(cyc > 0, "model failed");
        CHECK(util >= 0.90, "utilisation %.3f < 0.90", util);
        CHECK(bpc <= 0.75 * c->bus_bytes, "%.2f B/cycle is too close to the bus", bpc);
        /* A once; each weight tile once per M block; C once. */
        uint64_t pbytes = loom_gemm_params_size(c, nn, pp);
        CHECK(st.rd_bytes == (uint64_t)m * k + st.m_blocks * loom_gemm_b_size(c, mode, k, nn) + pbytes,
              "rd bytes %llu", (unsigned long long)st.rd_bytes);
        CHECK(st.wr_bytes == (uint64_t)m * nn * es, "wr bytes");
    }
    free(p);
}

int main(void)
{
    loom_caps c16 = loom_caps_default();
    for (unsigned mode = 0; mode < 2; mode++) {
        one(&c16, 256, 256, 256, mode, LOOM_PP_I32, 1);
        one(&c16, 256, 256, 256, mode, LOOM_PP_BIAS | LOOM_PP_RELU, 1);
    }
    /* Information only: other shapes and arrays. */
    one(&c16, 1024, 1024, 1024, LOOM_MODE_W8A8, 0, 0);
    one(&c16, 64, 4096, 4096, LOOM_MODE_W4A8, 0, 0);
    one(&c16, 1, 4096, 4096, LOOM_MODE_W8A8, 0, 0);
    loom_caps c4 = rt_caps(1), c8 = rt_caps(2);
    one(&c4, 256, 256, 256, LOOM_MODE_W8A8, LOOM_PP_I32, 0);
    one(&c8, 256, 256, 256, LOOM_MODE_W4A8, 0, 0);

    /* Argument errors. */
    loom_gemm g = { .m = 4, .n = 4, .k = 4, .lda = 4, .ldc = 16, .pp = LOOM_PP_I32 };
    size_t n;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_OK, "small ok");
    g.ldc = 15;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_ERR_INVALID_ARG, "ldc too small");
    g.ldc = 18;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_ERR_INVALID_ARG, "int32 ldc unaligned");
    g.ldc = 16;
    g.lda = 3;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_ERR_INVALID_ARG, "lda < K");
    g.lda = 4;
    g.k = 0;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_ERR_INVALID_ARG, "K = 0");
    g.k = 4;
    g.a_off = 0xFFFFFFF1u;
    CHECK(loom_gemm_plan_size(&c16, &g, &n) == LOOM_ERR_INVALID_ARG, "A past 2^32");
    g.a_off = 0;
    loom_caps w8 = c16;
    w8.modes = 1;
    g.mode = LOOM_MODE_W4A8;
    CHECK(loom_gemm_plan_size(&w8, &g, &n) == LOOM_ERR_NOT_SUPPORTED, "mode unsupported");
    uint32_t tiny[4 * 2];
    CHECK(loom_gemm_plan(&c16, &g, tiny, 2, &n, NULL) == LOOM_ERR_INVALID_ARG, "cap too small");
    int8_t b = 8;
    uint8_t out[256];
    CHECK(loom_gemm_pack_b(&c16, LOOM_MODE_W4A8, 1, 1, &b, 1, out) == LOOM_ERR_INVALID_ARG,
          "int4 out of range");
    return rt_finish("plan_stats");
}
