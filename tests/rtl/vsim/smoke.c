/* SPDX-License-Identifier: Apache-2.0 */
/* Top-level smoke test of the Verilated loom_top through loom_vsim.h:
 *  1. ID, VERSION and the capability registers against loom_isa.h and the build;
 *  2. a ring holding one END: STATUS.done, DONE_COUNT, RING_HEAD and the irq;
 *  3. one W8A8 GEMM, C[M][COLS] = A[M][ROWS] · W[ROWS][COLS] (int8 in, int32 out):
 *     LOAD A, LOAD W, MATMUL, STORE int32, END, with tokens, checked bit-exactly
 *     against a C reference, plus the perf counters that the ISA defines exactly;
 *  4. the same program with M = 1024 to measure simulated cycles per second.
 * Instructions are encoded here with loom_insn_set() from the generated header, so
 * this test does not depend on the runtime library. Exit 0 pass, 1 fail. */
#include "loom/loom_isa.h"
#include "loom_vsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int failures;

#define CHECK(c)                                                                       \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);      \
            failures++;                                                                \
        }                                                                              \
    } while (0)

#define CHECK_EQ(a, b)                                                                 \
    do {                                                                               \
        uint64_t a_ = (a), b_ = (b);                                                   \
        if (a_ != b_) {                                                                \
            fprintf(stderr, "%s:%d: %s = %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64     \
                    " (0x%" PRIx64 ")\n", __FILE__, __LINE__, #a, a_, a_, b_, b_);       \
            failures++;                                                                \
        }                                                                              \
    } while (0)

#define CHECK_RC(sim, expr)                                                            \
    do {                                                                               \
        int rc_ = (expr);                                                              \
        if (rc_ != 0) {                                                                \
            fprintf(stderr, "%s:%d: %s returned %d (%s: %s)\n", __FILE__, __LINE__,     \
                    #expr, rc_, loom_vsim_strerror(rc_), loom_vsim_last_error(sim));   \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* Memory map of the test, as offsets from DMA_BASE = the start of host memory. */
#define RING_OFF 0x0u      /* 64 slots */
#define RING_SLOTS 64u
#define A_OFF 0x10000u     /* M x ROWS int8 */
#define W_OFF 0x30000u     /* ROWS x COLS int8 */
#define C_OFF 0x40000u     /* M x COLS int32 */
#define MEM_BYTES (1u << 20)
#define MEM_BASE 0x80000000u

static uint32_t rd(loom_vsim *s, uint32_t off)
{
    uint32_t v = 0xDEADBEEF;
    CHECK_RC(s, loom_vsim_mmio_read(s, off, &v));
    return v;
}

static void wr(loom_vsim *s, uint32_t off, uint32_t v) { CHECK_RC(s, loom_vsim_mmio_write(s, off, v)); }

static uint64_t rd64(loom_vsim *s, uint32_t lo)
{
    uint64_t l = rd(s, lo); /* reading LO latches HI */
    return l | (uint64_t)rd(s, lo + 4) << 32;
}

static uint32_t field(uint32_t v, unsigned lo, unsigned w) { return (v >> lo) & ((1u << w) - 1); }

static void put_insn(uint8_t *mem, unsigned slot, const uint32_t insn[4])
{
    for (unsigned i = 0; i < 4; i++)
        for (unsigned b = 0; b < 4; b++)
            mem[RING_OFF + 16 * slot + 4 * i + b] = (uint8_t)(insn[i] >> (8 * b));
}

static void common(uint32_t insn[4], unsigned op, unsigned pop_prev, unsigned pop_next,
                   unsigned push_prev, unsigned push_next)
{
    memset(insn, 0, 16);
    loom_insn_set(insn, LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W, op);
    loom_insn_set(insn, LOOM_F_POP_PREV_LO, 1, pop_prev);
    loom_insn_set(insn, LOOM_F_POP_NEXT_LO, 1, pop_next);
    loom_insn_set(insn, LOOM_F_PUSH_PREV_LO, 1, push_prev);
    loom_insn_set(insn, LOOM_F_PUSH_NEXT_LO, 1, push_next);
}

/* Starts the engine on slots [head, tail) and runs it to idle. */
static uint64_t run_ring(loom_vsim *s, unsigned tail)
{
    uint64_t cyc = 0;
    wr(s, LOOM_CSR_RING_TAIL, tail);
    wr(s, LOOM_CSR_CTRL, 1u << LOOM_CTRL_START_LO);
    CHECK_RC(s, loom_vsim_run_until_idle(s, 50000000, &cyc));
    return cyc;
}

static void test_ids(loom_vsim *s, const loom_vsim_params *p)
{
    CHECK_EQ(rd(s, LOOM_CSR_ID), LOOM_ID_MAGIC);
    uint32_t v = rd(s, LOOM_CSR_VERSION);
    CHECK_EQ(field(v, LOOM_VERSION_MAJOR_LO, LOOM_VERSION_MAJOR_W), LOOM_ISA_VERSION_MAJOR);
    CHECK_EQ(field(v, LOOM_VERSION_MINOR_LO, LOOM_VERSION_MINOR_W), LOOM_ISA_VERSION_MINOR);
    uint32_t c0 = rd(s, LOOM_CSR_CAP0);
    CHECK_EQ(field(c0, LOOM_CAP0_ROWS_LO, LOOM_CAP0_ROWS_W), p->rows);
    CHECK_EQ(field(c0, LOOM_CAP0_COLS_LO, LOOM_CAP0_COLS_W), p->cols);
    CHECK_EQ(field(c0, LOOM_CAP0_BUS_BYTES_LO, LOOM_CAP0_BUS_BYTES_W), p->bus_bytes);
    CHECK_EQ(field(c0, LOOM_CAP0_MODES_LO, LOOM_CAP0_MODES_W), p->modes);
    CHECK_EQ(rd(s, LOOM_CSR_CAP_APAD), p->apad_depth);
    CHECK_EQ(rd(s, LOOM_CSR_CAP_WPAD), p->wpad_depth);
    CHECK_EQ(rd(s, LOOM_CSR_CAP_ACC), p->acc_depth);
    uint32_t c1 = rd(s, LOOM_CSR_CAP1);
    CHECK_EQ(field(c1, LOOM_CAP1_QUEUE_DEPTH_LO, LOOM_CAP1_QUEUE_DEPTH_W), p->queue_depth);
    CHECK(field(c1, LOOM_CAP1_TOKEN_MAX_LO, LOOM_CAP1_TOKEN_MAX_W) >= 1);
    CHECK_EQ(field(c1, LOOM_CAP1_PP_LANES_LO, LOOM_CAP1_PP_LANES_W), p->pp_lanes);
    CHECK_EQ(rd(s, LOOM_CSR_STATUS), 0);
    CHECK_EQ(rd(s, LOOM_CSR_DONE_COUNT), 0);
    CHECK(loom_vsim_irq(s) == 0);
}

static void test_end(loom_vsim *s, uint8_t *mem)
{
    uint32_t insn[4];
    common(insn, LOOM_OP_END, 0, 0, 0, 0);
    put_insn(mem, 0, insn);
    wr(s, LOOM_CSR_DMA_BASE, MEM_BASE);
    wr(s, LOOM_CSR_DMA_LIMIT, MEM_BASE + MEM_BYTES);
    wr(s, LOOM_CSR_RING_BASE, MEM_BASE + RING_OFF);
    wr(s, LOOM_CSR_RING_SIZE, RING_SLOTS);
    wr(s, LOOM_CSR_IRQ_MASK, 1u << LOOM_IRQ_STATUS_DONE_LO);
    uint64_t cyc = run_ring(s, 1);
    printf("END-only ring: %" PRIu64 " cycles\n", cyc);
    uint32_t st = rd(s, LOOM_CSR_STATUS);
    CHECK_EQ(st, 1u << LOOM_STATUS_DONE_LO);
    CHECK_EQ(rd(s, LOOM_CSR_DONE_COUNT), 1);
    CHECK_EQ(rd(s, LOOM_CSR_RING_HEAD), 1);
    CHECK_EQ(rd(s, LOOM_CSR_ERR_CODE), LOOM_HWERR_NONE);
    CHECK_EQ(rd(s, LOOM_CSR_IRQ_STATUS) & (1u << LOOM_IRQ_STATUS_DONE_LO),
             1u << LOOM_IRQ_STATUS_DONE_LO);
    CHECK(loom_vsim_irq(s) == 1);
    wr(s, LOOM_CSR_IRQ_STATUS, 1u << LOOM_IRQ_STATUS_DONE_LO); /* w1c */
    CHECK(loom_vsim_irq(s) == 0);
    CHECK_EQ(rd(s, LOOM_CSR_IRQ_STATUS), 0);
}

static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x >> 24;
}

/* One GEMM of m rows through the ring from slot head; returns the cycles. */
static uint64_t gemm(loom_vsim *s, uint8_t *mem, const loom_vsim_params *p, unsigned head,
                     unsigned m, uint32_t seed, int check_perf)
{
    const unsigned K = p->rows, N = p->cols;
    int8_t *a = (int8_t *)(mem + A_OFF), *w = (int8_t *)(mem + W_OFF);
    for (unsigned i = 0; i < m * K; i++)
        a[i] = (int8_t)lcg(&seed);
    for (unsigned i = 0; i < K * N; i++)
        w[i] = (int8_t)lcg(&seed);
    memset(mem + C_OFF, 0xCD, (size_t)m * N * 4 + 64);

    uint32_t insn[4];
    unsigned slot = head;
    common(insn, LOOM_OP_LOAD, 0, 0, 0, 0); /* A -> APAD[0..m) */
    loom_insn_set(insn, LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W, LOOM_MEM_APAD);
    loom_insn_set(insn, LOOM_LOAD_SRAM_ADDR_LO, LOOM_LOAD_SRAM_ADDR_W, 0);
    loom_insn_set(insn, LOOM_LOAD_DRAM_OFF_LO, LOOM_LOAD_DRAM_OFF_W, A_OFF);
    loom_insn_set(insn, LOOM_LOAD_ROWS_LO, LOOM_LOAD_ROWS_W, m);
    loom_insn_set(insn, LOOM_LOAD_COLS_LO, LOOM_LOAD_COLS_W, K);
    loom_insn_set(insn, LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W, K);
    put_insn(mem, slot++ % RING_SLOTS, insn);
    common(insn, LOOM_OP_LOAD, 0, 0, 0, 1); /* W -> WPAD[0..ROWS), push load->compute */
    loom_insn_set(insn, LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W, LOOM_MEM_WPAD);
    loom_insn_set(insn, LOOM_LOAD_SRAM_ADDR_LO, LOOM_LOAD_SRAM_ADDR_W, 0);
    loom_insn_set(insn, LOOM_LOAD_DRAM_OFF_LO, LOOM_LOAD_DRAM_OFF_W, W_OFF);
    loom_insn_set(insn, LOOM_LOAD_ROWS_LO, LOOM_LOAD_ROWS_W, K);
    loom_insn_set(insn, LOOM_LOAD_COLS_LO, LOOM_LOAD_COLS_W, N);
    loom_insn_set(insn, LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W, N);
    put_insn(mem, slot++ % RING_SLOTS, insn);
    common(insn, LOOM_OP_MATMUL, 1, 0, 0, 1); /* pop load->compute, push compute->store */
    loom_insn_set(insn, LOOM_MATMUL_MODE_LO, LOOM_MATMUL_MODE_W, LOOM_MODE_W8A8);
    loom_insn_set(insn, LOOM_MATMUL_ACCUMULATE_LO, LOOM_MATMUL_ACCUMULATE_W, 0);
    loom_insn_set(insn, LOOM_MATMUL_ACC_ADDR_LO, LOOM_MATMUL_ACC_ADDR_W, 0);
    loom_insn_set(insn, LOOM_MATMUL_APAD_ADDR_LO, LOOM_MATMUL_APAD_ADDR_W, 0);
    loom_insn_set(insn, LOOM_MATMUL_WPAD_ADDR_LO, LOOM_MATMUL_WPAD_ADDR_W, 0);
    loom_insn_set(insn, LOOM_MATMUL_ROWS_LO, LOOM_MATMUL_ROWS_W, m);
    put_insn(mem, slot++ % RING_SLOTS, insn);
    common(insn, LOOM_OP_STORE, 1, 0, 0, 0); /* pop compute->store */
    loom_insn_set(insn, LOOM_STORE_OUT_I32_LO, LOOM_STORE_OUT_I32_W, 1);
    loom_insn_set(insn, LOOM_STORE_ACC_ADDR_LO, LOOM_STORE_ACC_ADDR_W, 0);
    loom_insn_set(insn, LOOM_STORE_DRAM_OFF_LO, LOOM_STORE_DRAM_OFF_W, C_OFF);
    loom_insn_set(insn, LOOM_STORE_ROWS_LO, LOOM_STORE_ROWS_W, m);
    loom_insn_set(insn, LOOM_STORE_COLS_LO, LOOM_STORE_COLS_W, N);
    loom_insn_set(insn, LOOM_STORE_STRIDE_LO, LOOM_STORE_STRIDE_W, 4 * N);
    put_insn(mem, slot++ % RING_SLOTS, insn);
    common(insn, LOOM_OP_END, 0, 0, 0, 0);
    put_insn(mem, slot++ % RING_SLOTS, insn);

    uint32_t done0 = rd(s, LOOM_CSR_DONE_COUNT);
    wr(s, LOOM_CSR_PERF_CTRL, 1u << LOOM_PERF_CTRL_CLEAR_LO);
    uint64_t cyc = run_ring(s, slot % RING_SLOTS);

    CHECK_EQ(rd(s, LOOM_CSR_STATUS), 1u << LOOM_STATUS_DONE_LO);
    CHECK_EQ(rd(s, LOOM_CSR_ERR_CODE), LOOM_HWERR_NONE);
    CHECK_EQ(rd(s, LOOM_CSR_DONE_COUNT), done0 + 1);
    CHECK_EQ(rd(s, LOOM_CSR_RING_HEAD), slot % RING_SLOTS);

    /* C reference: sums of ROWS products of int8 never overflow int32 here */
    unsigned bad = 0;
    for (unsigned i = 0; i < m; i++)
        for (unsigned j = 0; j < N; j++) {
            int32_t ref = 0;
            for (unsigned k = 0; k < K; k++)
                ref += (int32_t)a[i * K + k] * (int32_t)w[k * N + j];
            const uint8_t *c = mem + C_OFF + 4 * ((size_t)i * N + j);
            int32_t got = (int32_t)((uint32_t)c[0] | (uint32_t)c[1] << 8 |
                                    (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24);
            if (got != ref && bad++ < 8)
                fprintf(stderr, "C[%u][%u] = %d, want %d\n", i, j, got, ref);
        }
    CHECK_EQ(bad, 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK(mem[C_OFF + (size_t)m * N * 4 + i] == 0xCD);

    if (check_perf) {
        uint64_t macs = rd64(s, LOOM_CSR_PERF_MACS_LO);
        uint64_t busy = rd64(s, LOOM_CSR_PERF_CYCLES_LO);
        uint64_t rows = rd64(s, LOOM_CSR_PERF_ARRAY_BUSY_LO);
        uint64_t wrb = rd64(s, LOOM_CSR_PERF_DMA_WR_BYTES_LO);
        uint64_t rdb = rd64(s, LOOM_CSR_PERF_DMA_RD_BYTES_LO);
        CHECK_EQ(macs, (uint64_t)m * K * N);
        CHECK_EQ(rows, m);
        CHECK_EQ(wrb, (uint64_t)m * N * 4);
        CHECK(rdb >= (uint64_t)m * K + (uint64_t)K * N + 5 * 16);
        CHECK(busy > 0 && busy <= cyc);
        printf("GEMM %ux%ux%u: %" PRIu64 " cycles, PERF_CYCLES %" PRIu64 ", %" PRIu64
               " B read, %" PRIu64 " B written\n",
               m, K, N, cyc, busy, rdb, wrb);
    }
    return cyc;
}

int main(void)
{
    const loom_vsim_params *p = loom_vsim_build_info();
    printf("build %s: top %s, %ux%u, bus %u B\n", p->cfg, p->top, p->rows, p->cols, p->bus_bytes);

    loom_vsim_config cfg = {0};
    cfg.mem_base = MEM_BASE;
    cfg.mem_bytes = MEM_BYTES;
    loom_vsim *s = NULL;
    int rc = loom_vsim_create(&cfg, &s);
    if (rc) {
        printf("FAIL: create: %s\n", loom_vsim_strerror(rc));
        return 1;
    }
    uint8_t *mem = loom_vsim_mem(s, NULL, NULL);

    test_ids(s, p);
    test_end(s, mem);
    unsigned head = 1;
    gemm(s, mem, p, head, 2 * p->rows + 3, 42, 1);
    head += 5;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t c0 = loom_vsim_cycles(s);
    uint64_t cyc = gemm(s, mem, p, head, 1024 < p->acc_depth ? 1024 : p->acc_depth, 7, 0);
    uint64_t total = loom_vsim_cycles(s) - c0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("GEMM 1024x%ux%u: %" PRIu64 " cycles; simulation %.0f cycles/s\n", p->rows, p->cols,
           cyc, (double)total / sec);

    loom_vsim_stats st;
    loom_vsim_get_stats(s, &st);
    CHECK_EQ(st.protocol_errors, 0);
    CHECK_EQ(st.decerr + st.slverr, 0);
    loom_vsim_destroy(s);
    if (failures) {
        printf("FAIL: %d checks failed\n", failures);
        return 1;
    }
    printf("PASS\n");
    return 0;
}
