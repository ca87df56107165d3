// SPDX-License-Identifier: Apache-2.0
// loom_csr over AXI4-Lite: identification and capability values, read/write registers
// with byte strobes, read-only and unknown offsets, CTRL pulses, IRQ_STATUS W1C and the
// irq line, perf counters (exact counts, PERF_CTRL clear, LO read latching HI across a
// carry into HI). Channel timing is randomised (AW/W skew, BREADY/RREADY delays).
// Built with ROWS=COLS=128 so one W4A8 row is 2^15 MACs and HI moves within ~131k cycles.
#include <cstdint>
#include <cstdio>
#include <random>

#include "Vloom_csr.h"
#include "verilated.h"
#include "loom/loom_isa.h"

static Vloom_csr *dut;
static uint64_t now = 0;
static int fails = 0;
static std::mt19937 rng(99);
static unsigned start_pulses = 0, reset_pulses = 0;

#define CHECK(c, ...)                                                             \
    do {                                                                          \
        if (!(c)) {                                                               \
            fails++;                                                              \
            fprintf(stderr, "FAIL line %d cycle %lu: ", __LINE__, (unsigned long)now); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fprintf(stderr, "\n");                                                \
        }                                                                         \
    } while (0)

// One clock: inputs are already set; sample combinational outputs, then the edge.
static void tick() {
    dut->clk_i = 0;
    dut->eval();
    start_pulses += dut->start_o;
    reset_pulses += dut->soft_reset_o;
    dut->clk_i = 1;
    dut->eval();
    now++;
    // Event inputs are single-cycle pulses unless a test holds them.
}

static void clear_events() {
    dut->perf_busy_i = 0; dut->perf_row_i = 0; dut->perf_row_w4_i = 0; dut->perf_rd_beat_i = 0;
    dut->perf_wr_bytes_i = 0; dut->perf_stall_token_i = 0; dut->perf_stall_mem_i = 0;
    dut->perf_stall_fetch_i = 0; dut->irq_done_i = 0; dut->irq_fence_i = 0; dut->irq_error_i = 0;
}

static void write(uint32_t addr, uint32_t data, unsigned strb = 0xF) {
    unsigned skew = rng() % 4;
    bool aw_first = rng() % 2;
    dut->s_axil_awaddr_i = addr;
    dut->s_axil_wdata_i = data;
    dut->s_axil_wstrb_i = strb;
    bool aw_done = false, w_done = false;
    for (unsigned k = 0; !(aw_done && w_done); k++) {
        CHECK(k < 50, "write 0x%03x: no AW/W handshake", addr);
        if (k >= 50) break;
        dut->s_axil_awvalid_i = !aw_done && (aw_first || k >= skew);
        dut->s_axil_wvalid_i = !w_done && (!aw_first || k >= skew);
        dut->clk_i = 0;
        dut->eval();
        bool aw = dut->s_axil_awvalid_i && dut->s_axil_awready_o;
        bool w = dut->s_axil_wvalid_i && dut->s_axil_wready_o;
        tick();
        aw_done |= aw;
        w_done |= w;
    }
    dut->s_axil_awvalid_i = 0;
    dut->s_axil_wvalid_i = 0;
    unsigned delay = rng() % 3;
    for (unsigned k = 0;; k++) {
        CHECK(k < 50, "write 0x%03x: no B", addr);
        if (k >= 50) break;
        dut->s_axil_bready_i = k >= delay;
        dut->clk_i = 0;
        dut->eval();
        bool b = dut->s_axil_bvalid_o && dut->s_axil_bready_i;
        if (b) CHECK(dut->s_axil_bresp_o == 0, "BRESP %u", dut->s_axil_bresp_o);
        tick();
        if (b) break;
    }
    dut->s_axil_bready_i = 0;
}

static uint32_t read(uint32_t addr) {
    dut->s_axil_araddr_i = addr;
    dut->s_axil_arvalid_i = 1;
    for (unsigned k = 0;; k++) {
        CHECK(k < 50, "read 0x%03x: no AR handshake", addr);
        if (k >= 50) break;
        dut->clk_i = 0;
        dut->eval();
        bool ar = dut->s_axil_arready_o;
        tick();
        if (ar) break;
    }
    dut->s_axil_arvalid_i = 0;
    unsigned delay = rng() % 3;
    uint32_t data = 0;
    bool seen = false;
    for (unsigned k = 0;; k++) {
        CHECK(k < 50, "read 0x%03x: no R", addr);
        if (k >= 50) break;
        dut->s_axil_rready_i = k >= delay;
        dut->clk_i = 0;
        dut->eval();
        if (dut->s_axil_rvalid_o) {
            CHECK(!seen || data == dut->s_axil_rdata_o, "RDATA changed while waiting");
            data = dut->s_axil_rdata_o;
            seen = true;
            CHECK(dut->s_axil_rresp_o == 0, "RRESP %u", dut->s_axil_rresp_o);
        }
        bool r = dut->s_axil_rvalid_o && dut->s_axil_rready_i;
        tick();
        if (r) break;
    }
    dut->s_axil_rready_i = 0;
    return data;
}

static void expect(uint32_t addr, uint32_t v, const char *what) {
    uint32_t got = read(addr);
    CHECK(got == v, "%s (0x%03x) = 0x%08x, expected 0x%08x", what, addr, got, v);
}

static uint64_t read64(uint32_t lo) {
    uint64_t l = read(lo);
    uint64_t h = read(lo + 4);
    return (h << 32) | l;
}

int main(int argc, char **argv) {
    VerilatedContext ctx;
    ctx.commandArgs(argc, argv);
    dut = new Vloom_csr{&ctx};
    clear_events();
    dut->clk_i = 0;
    dut->rst_ni = 1;
    dut->eval();
    dut->rst_ni = 0;   // falling edge: asynchronous reset
    dut->eval();
    for (int k = 0; k < 2; k++) {
        dut->clk_i = 1; dut->eval(); dut->clk_i = 0; dut->eval();
    }
    dut->rst_ni = 1;
    tick();

    // ---- identification, capabilities
    expect(LOOM_CSR_ID, LOOM_ID_MAGIC, "ID");
    expect(LOOM_CSR_VERSION, (1u << 16) | (LOOM_ISA_VERSION_MAJOR << 8) | LOOM_ISA_VERSION_MINOR, "VERSION");
    expect(LOOM_CSR_CAP0, (3u << 24) | (16u << 16) | (128u << 8) | 128u, "CAP0");
    expect(LOOM_CSR_CAP_APAD, 4096, "CAP_APAD");
    expect(LOOM_CSR_CAP_WPAD, 4096, "CAP_WPAD");
    expect(LOOM_CSR_CAP_ACC, 1024, "CAP_ACC");
    expect(LOOM_CSR_CAP1, (4u << 16) | (255u << 8) | 8u, "CAP1");

    // ---- read/write registers, byte strobes
    const uint32_t rw[] = {LOOM_CSR_RING_BASE, LOOM_CSR_RING_SIZE, LOOM_CSR_RING_TAIL, LOOM_CSR_DMA_BASE,
                           LOOM_CSR_DMA_LIMIT};
    for (uint32_t a : rw) {
        uint32_t v = (uint32_t)rng();
        write(a, v);
        expect(a, v, "rw register");
        write(a, 0x11223344u);
        write(a, 0xAABBCCDDu, 0x5);
        expect(a, 0x11BB33DDu, "rw register, strobes 0101");
        write(a, 0xFFFFFFFFu, 0x0);
        expect(a, 0x11BB33DDu, "rw register, no strobes");
    }
    CHECK(dut->ring_base_o == 0x11BB33DDu && dut->dma_limit_o == 0x11BB33DDu, "config outputs");
    write(LOOM_CSR_RING_TAIL, 5);
    CHECK(dut->ring_tail_o == 5, "RING_TAIL output");
    write(LOOM_CSR_IRQ_MASK, 0xFFFFFFFFu);
    expect(LOOM_CSR_IRQ_MASK, 7, "IRQ_MASK keeps its 3 bits");
    write(LOOM_CSR_IRQ_MASK, 0);

    // ---- read-only, write-only and unknown offsets
    write(LOOM_CSR_ID, 0);
    write(LOOM_CSR_CAP0, 0);
    write(LOOM_CSR_STATUS, 0xF);
    expect(LOOM_CSR_ID, LOOM_ID_MAGIC, "ID after write");
    expect(LOOM_CSR_CAP0, (3u << 24) | (16u << 16) | (128u << 8) | 128u, "CAP0 after write");
    expect(LOOM_CSR_STATUS, 0, "STATUS after write");
    const uint32_t unknown[] = {0x01C, 0x058, 0x05C, 0x0A0, 0x0FC, 0x100, 0x800, 0xFFC};
    for (uint32_t a : unknown) {
        write(a, 0xFFFFFFFFu);
        expect(a, 0, "unknown offset");
    }
    expect(LOOM_CSR_CTRL, 0, "CTRL reads 0");
    expect(LOOM_CSR_PERF_CTRL, 0, "PERF_CTRL reads 0");
    expect(LOOM_CSR_ID + 3, LOOM_ID_MAGIC, "unaligned address reads the word");

    // ---- engine state
    dut->busy_i = 1; dut->error_i = 0; dut->done_i = 1; dut->resetting_i = 1;
    dut->err_code_i = 9; dut->err_index_i = 0xBEEF; dut->ring_head_i = 0x1234; dut->done_count_i = 0xCAFEF00D;
    expect(LOOM_CSR_STATUS, 0xD, "STATUS");
    dut->busy_i = 0; dut->error_i = 1; dut->done_i = 0; dut->resetting_i = 0;
    expect(LOOM_CSR_STATUS, 0x2, "STATUS");
    expect(LOOM_CSR_ERR_CODE, 9, "ERR_CODE");
    expect(LOOM_CSR_ERR_INDEX, 0xBEEF, "ERR_INDEX");
    expect(LOOM_CSR_RING_HEAD, 0x1234, "RING_HEAD");
    expect(LOOM_CSR_DONE_COUNT, 0xCAFEF00D, "DONE_COUNT");

    // ---- CTRL pulses
    start_pulses = reset_pulses = 0;
    write(LOOM_CSR_CTRL, 1);
    CHECK(start_pulses == 1 && reset_pulses == 0, "start: %u/%u pulses", start_pulses, reset_pulses);
    write(LOOM_CSR_CTRL, 2);
    CHECK(start_pulses == 1 && reset_pulses == 1, "soft_reset: %u/%u pulses", start_pulses, reset_pulses);
    write(LOOM_CSR_CTRL, 3, 0xE);
    CHECK(start_pulses == 1 && reset_pulses == 1, "CTRL without strobe 0 must do nothing");
    write(LOOM_CSR_CTRL, 0);
    CHECK(start_pulses == 1 && reset_pulses == 1, "CTRL 0 must do nothing");
    write(LOOM_CSR_RING_BASE, 1);
    CHECK(start_pulses == 1, "other writes must not start");

    // ---- IRQ_STATUS W1C, mask, irq line
    dut->irq_done_i = 1; tick(); clear_events();
    expect(LOOM_CSR_IRQ_STATUS, 1, "IRQ_STATUS done");
    CHECK(dut->irq_o == 0, "irq with mask 0");
    write(LOOM_CSR_IRQ_MASK, 2);
    CHECK(dut->irq_o == 0, "irq with done masked");
    write(LOOM_CSR_IRQ_MASK, 1);
    CHECK(dut->irq_o == 1, "irq done unmasked");
    dut->irq_fence_i = 1; dut->irq_error_i = 1; tick(); clear_events();
    expect(LOOM_CSR_IRQ_STATUS, 7, "IRQ_STATUS all");
    write(LOOM_CSR_IRQ_STATUS, 0);
    expect(LOOM_CSR_IRQ_STATUS, 7, "writing 0 clears nothing");
    write(LOOM_CSR_IRQ_STATUS, 1);
    expect(LOOM_CSR_IRQ_STATUS, 6, "W1C done");
    CHECK(dut->irq_o == 0, "irq after clearing done");
    write(LOOM_CSR_IRQ_MASK, 4);
    CHECK(dut->irq_o == 1, "irq error");
    // An event in the same cycle as its W1C wins.
    dut->irq_error_i = 1;
    write(LOOM_CSR_IRQ_STATUS, 4);   // irq_error_i held through the whole write
    clear_events();
    expect(LOOM_CSR_IRQ_STATUS, 6, "event during W1C stays set");
    write(LOOM_CSR_IRQ_STATUS, 6);
    expect(LOOM_CSR_IRQ_STATUS, 0, "W1C both");
    CHECK(dut->irq_o == 0, "irq low at the end");

    // ---- perf counters: exact counts
    write(LOOM_CSR_PERF_CTRL, 1);
    for (uint32_t a = LOOM_CSR_PERF_CYCLES_LO; a <= LOOM_CSR_PERF_STALL_FETCH_HI; a += 4)
        expect(a, 0, "perf after clear");
    const uint64_t MR = 128 * 128;
    uint64_t exp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (unsigned c = 0; c < 500; c++) {
        clear_events();
        dut->perf_busy_i = rng() % 2;
        dut->perf_row_i = rng() % 3 == 0;
        dut->perf_row_w4_i = rng() % 2;
        dut->perf_rd_beat_i = rng() % 2;
        dut->perf_wr_bytes_i = rng() % 17;
        dut->perf_stall_token_i = rng() % 2;
        dut->perf_stall_mem_i = rng() % 2;
        dut->perf_stall_fetch_i = rng() % 2;
        exp[0] += dut->perf_busy_i;
        exp[1] += dut->perf_row_i;
        exp[2] += dut->perf_row_i ? (dut->perf_row_w4_i ? 2 * MR : MR) : 0;
        exp[3] += dut->perf_rd_beat_i ? 16 : 0;
        exp[4] += dut->perf_wr_bytes_i;
        exp[5] += dut->perf_stall_token_i;
        exp[6] += dut->perf_stall_mem_i;
        exp[7] += dut->perf_stall_fetch_i;
        tick();
    }
    clear_events();
    for (unsigned i = 0; i < 8; i++) {
        uint64_t got = read64(LOOM_CSR_PERF_CYCLES_LO + 8 * i);
        CHECK(got == exp[i], "perf %u = %lu, expected %lu", i, (unsigned long)got, (unsigned long)exp[i]);
    }

    // ---- LO read latches HI across a carry
    write(LOOM_CSR_PERF_CTRL, 1);
    dut->perf_row_i = 1;
    dut->perf_row_w4_i = 1;   // 2^15 per cycle
    for (unsigned c = 0; c < 140000; c++) tick();   // > 2^32: HI = 1
    uint32_t lo = read(LOOM_CSR_PERF_MACS_LO);      // latches HI = 1, events still running
    for (unsigned c = 0; c < 140000; c++) tick();   // HI becomes 2
    uint32_t hi = read(LOOM_CSR_PERF_MACS_HI);
    CHECK(hi == 1, "HI read after LO must be the latched 1, got %u", hi);
    CHECK(lo != 0, "LO");
    clear_events();
    uint64_t v = read64(LOOM_CSR_PERF_MACS_LO);
    CHECK((v >> 32) == 2, "fresh LO/HI pair: HI %lu", (unsigned long)(v >> 32));
    uint64_t rows = read64(LOOM_CSR_PERF_ARRAY_BUSY_LO);
    CHECK(v == rows * 2 * MR, "MACS %lu != rows %lu * 2^15", (unsigned long)v, (unsigned long)rows);
    CHECK(read(LOOM_CSR_PERF_CYCLES_HI) == 0, "HI of a counter whose LO was never read since clear");
    write(LOOM_CSR_PERF_CTRL, 1);
    CHECK(read64(LOOM_CSR_PERF_MACS_LO) == 0, "PERF_CTRL clear");
    write(LOOM_CSR_PERF_CTRL, 0);

    dut->final();
    delete dut;
    printf("loom_csr: %d failures\n", fails);
    return fails ? 1 : 0;
}
