// SPDX-License-Identifier: Apache-2.0
// Control path of loom_top through its real ports: ring fetch (wrap, read-ahead past
// END, doorbell), SYNC/FENCE/END, DONE_COUNT, IRQs, RING_HEAD, and every error the
// control path raises (ILLEGAL_OPCODE / decode errors with ERR_INDEX, RING_CONFIG,
// TOKEN_LEAK, TOKEN_UNDERFLOW by deadlock, TOKEN_OVERFLOW, BUS_ERROR on fetch), soft
// reset (idle, while waiting for a doorbell, after an error) and restart.
// Only SYNC/FENCE/END and rejected instructions are used: the datapath has its own
// benches. The AXI memory model randomises ready/valid timing.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "Vloom_top.h"
#include "verilated.h"
#include "loom/loom_isa.h"

#ifndef BUS_BYTES
#define BUS_BYTES 16
#endif

static Vloom_top *dut;
static uint64_t now = 0;
static int fails = 0;
static std::mt19937 rng(2024);

#define CHECK(c, ...)                                                             \
    do {                                                                          \
        if (!(c)) {                                                               \
            fails++;                                                              \
            fprintf(stderr, "FAIL line %d cycle %lu: ", __LINE__, (unsigned long)now); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fprintf(stderr, "\n");                                                \
        }                                                                         \
    } while (0)

// ------------------------------------------------------------------ memory model
static const uint32_t MEM_BASE = 0x40000000u, MEM_SIZE = 1u << 20;
static std::vector<uint8_t> mem(MEM_SIZE);
static uint32_t bad_lo = 1, bad_hi = 0;   // reads in [bad_lo, bad_hi) answer SLVERR

struct Burst { uint32_t id, addr, beats; };
static std::deque<Burst> rq, wq;
static unsigned r_beat = 0, w_beat = 0;
static std::deque<uint32_t> bq;
static unsigned ready_pct = 70;

static void set_wide(uint32_t *w, const uint8_t *src) {   // BUS_BYTES bytes -> words
    for (unsigned k = 0; k < (BUS_BYTES + 3) / 4; k++) {
        uint32_t v = 0;
        for (unsigned b = 0; b < 4 && 4 * k + b < BUS_BYTES; b++) v |= (uint32_t)src[4 * k + b] << (8 * b);
        w[k] = v;
    }
}
template <typename T> static void put_data(T &port, const uint8_t *src) {
    uint32_t w[(BUS_BYTES + 3) / 4];
    set_wide(w, src);
    if constexpr (sizeof(T) <= 8) {
        uint64_t v = 0;
        for (unsigned k = 0; k < (BUS_BYTES + 3) / 4; k++) v |= (uint64_t)w[k] << (32 * k);
        port = (T)v;
    } else {
        for (unsigned k = 0; k < (BUS_BYTES + 3) / 4; k++) port[k] = w[k];
    }
}

static uint8_t zero_beat[BUS_BYTES];

// Drive the memory side of the AXI master for this cycle (before eval).
static void mem_drive() {
    dut->m_axi_arready_i = rng() % 100 < ready_pct;
    dut->m_axi_rvalid_i = 0;
    dut->m_axi_rlast_i = 0;
    dut->m_axi_rresp_i = 0;
    dut->m_axi_rid_i = 0;
    put_data(dut->m_axi_rdata_i, zero_beat);
    if (!rq.empty() && rng() % 100 < ready_pct) {
        const Burst &b = rq.front();
        uint32_t a = b.addr + r_beat * BUS_BYTES;
        dut->m_axi_rvalid_i = 1;
        dut->m_axi_rid_i = b.id;
        dut->m_axi_rlast_i = r_beat + 1 == b.beats;
        bool inside = a >= MEM_BASE && a + BUS_BYTES <= MEM_BASE + MEM_SIZE;
        bool bad = !inside || (a < bad_hi && a + BUS_BYTES > bad_lo);
        dut->m_axi_rresp_i = bad ? 2 : 0;
        put_data(dut->m_axi_rdata_i, inside ? &mem[a - MEM_BASE] : zero_beat);
    }
    dut->m_axi_awready_i = rng() % 100 < ready_pct;
    dut->m_axi_wready_i = rng() % 100 < ready_pct;
    dut->m_axi_bvalid_i = !bq.empty();
    dut->m_axi_bid_i = bq.empty() ? 0 : bq.front();
    dut->m_axi_bresp_i = 0;
}

// Sample handshakes (after eval, before the edge) and advance the model.
static uint64_t rd_beats = 0;
static void mem_sample() {
    if (dut->m_axi_arvalid_o && dut->m_axi_arready_i) {
        CHECK(dut->m_axi_arburst_o == 1, "ARBURST %u", dut->m_axi_arburst_o);
        CHECK((1u << dut->m_axi_arsize_o) == BUS_BYTES, "ARSIZE %u", dut->m_axi_arsize_o);
        CHECK(dut->m_axi_araddr_o % BUS_BYTES == 0, "ARADDR unaligned %08x", dut->m_axi_araddr_o);
        uint32_t a = dut->m_axi_araddr_o, end = a + (dut->m_axi_arlen_o + 1u) * BUS_BYTES;
        CHECK((a >> 12) == ((end - 1) >> 12), "burst crosses 4 KiB: %08x len %u", a, dut->m_axi_arlen_o);
        rq.push_back({dut->m_axi_arid_o, a, dut->m_axi_arlen_o + 1u});
    }
    if (dut->m_axi_rvalid_i && dut->m_axi_rready_o) {
        rd_beats++;
        if (++r_beat == rq.front().beats) {
            rq.pop_front();
            r_beat = 0;
        }
    }
    if (dut->m_axi_awvalid_o && dut->m_axi_awready_i)
        wq.push_back({dut->m_axi_awid_o, (uint32_t)dut->m_axi_awaddr_o, dut->m_axi_awlen_o + 1u});
    if (dut->m_axi_wvalid_o && dut->m_axi_wready_i) {
        CHECK(false, "unexpected write beat (no STORE in this bench)");
        if (!wq.empty() && ++w_beat == wq.front().beats) {
            bq.push_back(wq.front().id);
            wq.pop_front();
            w_beat = 0;
        }
    }
    if (dut->m_axi_bvalid_i && dut->m_axi_bready_o) bq.pop_front();
}

static void tick() {
    mem_drive();
    dut->clk_i = 0;
    dut->eval();
    mem_sample();
    dut->clk_i = 1;
    dut->eval();
    now++;
}

// ------------------------------------------------------------------ CSR access
static void csr_write(uint32_t addr, uint32_t data) {
    dut->s_axil_awaddr_i = addr;
    dut->s_axil_wdata_i = data;
    dut->s_axil_wstrb_i = 0xF;
    dut->s_axil_awvalid_i = 1;
    dut->s_axil_wvalid_i = 1;
    dut->s_axil_bready_i = 1;
    for (unsigned k = 0; k < 20; k++) {
        mem_drive();
        dut->clk_i = 0;
        dut->eval();
        bool hs = dut->s_axil_awready_o;
        mem_sample();
        dut->clk_i = 1;
        dut->eval();
        now++;
        if (hs) break;
    }
    dut->s_axil_awvalid_i = 0;
    dut->s_axil_wvalid_i = 0;
    for (unsigned k = 0; k < 20 && !dut->s_axil_bvalid_o; k++) tick();
    tick();
    dut->s_axil_bready_i = 0;
}

static uint32_t csr_read(uint32_t addr) {
    dut->s_axil_araddr_i = addr;
    dut->s_axil_arvalid_i = 1;
    dut->s_axil_rready_i = 1;
    for (unsigned k = 0; k < 20; k++) {
        mem_drive();
        dut->clk_i = 0;
        dut->eval();
        bool hs = dut->s_axil_arready_o;
        mem_sample();
        dut->clk_i = 1;
        dut->eval();
        now++;
        if (hs) break;
    }
    dut->s_axil_arvalid_i = 0;
    uint32_t v = 0;
    for (unsigned k = 0; k < 20; k++) {
        mem_drive();
        dut->clk_i = 0;
        dut->eval();
        bool got = dut->s_axil_rvalid_o;
        v = dut->s_axil_rdata_o;
        mem_sample();
        dut->clk_i = 1;
        dut->eval();
        now++;
        if (got) break;
    }
    dut->s_axil_rready_i = 0;
    return v;
}

// ------------------------------------------------------------------ programs
struct Insn { uint32_t w[4] = {0, 0, 0, 0}; };
static Insn mk(unsigned opc, unsigned flags = 0) {
    Insn i;
    loom_insn_set(i.w, LOOM_F_OPCODE_LO, 4, opc);
    loom_insn_set(i.w, LOOM_F_POP_PREV_LO, 4, flags);   // bits 7:4: PP PN UP UN
    return i;
}
enum { PP = 1, PN = 2, UP = 4, UN = 8 };
static Insn sync_(unsigned q, unsigned flags) {
    Insn i = mk(LOOM_OP_SYNC, flags);
    loom_insn_set(i.w, LOOM_SYNC_QUEUE_LO, 2, q);
    return i;
}
static Insn fence(bool irq) {
    Insn i = mk(LOOM_OP_FENCE);
    loom_insn_set(i.w, LOOM_FENCE_IRQ_LO, 1, irq);
    return i;
}
static Insn end_() { return mk(LOOM_OP_END); }

static uint32_t ring_base = MEM_BASE + 0x1000;
static uint32_t ring_size = 64;

static void put(unsigned slot, const Insn &i) {
    memcpy(&mem[ring_base - MEM_BASE + 16 * slot], i.w, 16);
}

static void setup_ring(uint32_t base, uint32_t size) {
    ring_base = base;
    ring_size = size;
    csr_write(LOOM_CSR_RING_BASE, base);
    csr_write(LOOM_CSR_RING_SIZE, size);
}

// Start and wait until busy drops; returns STATUS.
static uint32_t run(uint32_t tail, unsigned max = 20000) {
    csr_write(LOOM_CSR_RING_TAIL, tail);
    csr_write(LOOM_CSR_CTRL, 1);
    uint32_t st = 0;
    for (unsigned k = 0; k < max; k += 20) {
        st = csr_read(LOOM_CSR_STATUS);
        if (!(st & 1)) break;
        for (int j = 0; j < 10; j++) tick();
    }
    return st;
}

static void soft_reset() {
    csr_write(LOOM_CSR_CTRL, 2);
    for (unsigned k = 0; k < 200 && (csr_read(LOOM_CSR_STATUS) & 8); k++) tick();
    CHECK(csr_read(LOOM_CSR_STATUS) == 0, "STATUS after soft reset = %x", csr_read(LOOM_CSR_STATUS));
    CHECK(csr_read(LOOM_CSR_RING_HEAD) == 0, "RING_HEAD after soft reset");
    CHECK(csr_read(LOOM_CSR_ERR_CODE) == 0, "ERR_CODE after soft reset");
}

static void expect_error(uint32_t st, unsigned code, unsigned index, const char *what) {
    CHECK(st == 2, "%s: STATUS %x, expected error", what, st);
    unsigned c = csr_read(LOOM_CSR_ERR_CODE), i = csr_read(LOOM_CSR_ERR_INDEX);
    CHECK(c == code, "%s: ERR_CODE %u, expected %u", what, c, code);
    CHECK(i == index, "%s: ERR_INDEX %u, expected %u", what, i, index);
    CHECK(csr_read(LOOM_CSR_IRQ_STATUS) & 4, "%s: IRQ_STATUS.error", what);
    csr_write(LOOM_CSR_IRQ_STATUS, 7);
}

int main(int argc, char **argv) {
    VerilatedContext ctx;
    ctx.commandArgs(argc, argv);
    dut = new Vloom_top{&ctx};
    // Asynchronous reset: a falling edge, a few clocks low, then release.
    dut->clk_i = 0;
    dut->rst_ni = 1;
    dut->eval();
    dut->rst_ni = 0;
    dut->eval();
    for (int k = 0; k < 4; k++) {
        dut->clk_i = 1; dut->eval(); dut->clk_i = 0; dut->eval();
    }
    dut->rst_ni = 1;
    tick();

    CHECK(csr_read(LOOM_CSR_ID) == LOOM_ID_MAGIC, "ID");
    unsigned tmax = (csr_read(LOOM_CSR_CAP1) >> 8) & 0xFF;
    CHECK(tmax >= 1, "CAP1.token_max");
    csr_write(LOOM_CSR_DMA_BASE, MEM_BASE);
    csr_write(LOOM_CSR_DMA_LIMIT, MEM_BASE + MEM_SIZE);
    csr_write(LOOM_CSR_IRQ_MASK, 7);
    setup_ring(MEM_BASE + 0x1000, 64);

    // ---- basic program: tokens across queues, FENCE irq, END
    put(0, sync_(0, UN));          // load -> compute
    put(1, sync_(1, PP | UN));     // compute takes it, gives to store
    put(2, sync_(2, PP | UP));     // store takes it, gives back to compute
    put(3, fence(true));
    put(4, sync_(1, PN | UP));     // compute takes store's, gives to load
    put(5, sync_(0, PN));
    put(6, end_());
    uint32_t st = run(7);
    CHECK(st == 4, "basic: STATUS %x, expected done", st);
    CHECK(csr_read(LOOM_CSR_RING_HEAD) == 7, "basic: RING_HEAD %u", csr_read(LOOM_CSR_RING_HEAD));
    CHECK(csr_read(LOOM_CSR_DONE_COUNT) == 2, "basic: DONE_COUNT %u", csr_read(LOOM_CSR_DONE_COUNT));
    CHECK(csr_read(LOOM_CSR_IRQ_STATUS) == 3, "basic: IRQ_STATUS %x", csr_read(LOOM_CSR_IRQ_STATUS));
    CHECK(dut->irq_o == 1, "irq line");
    csr_write(LOOM_CSR_IRQ_STATUS, 3);
    CHECK(dut->irq_o == 0, "irq line after W1C");
    CHECK(csr_read(LOOM_CSR_PERF_DMA_RD_BYTES_LO) >= 7 * 16, "fetched bytes counted");
    CHECK(csr_read(LOOM_CSR_PERF_CYCLES_LO) > 0, "busy cycles counted");

    // ---- read-ahead past END: RING_HEAD stops just past END, next start continues
    put(7, sync_(0, 0));
    put(8, end_());
    put(9, sync_(2, 0));
    put(10, sync_(1, 0));
    put(11, end_());
    st = run(12);
    CHECK(st == 4, "read-ahead: STATUS %x", st);
    CHECK(csr_read(LOOM_CSR_RING_HEAD) == 9, "read-ahead: RING_HEAD %u, expected 9", csr_read(LOOM_CSR_RING_HEAD));
    st = run(12);
    CHECK(st == 4 && csr_read(LOOM_CSR_RING_HEAD) == 12, "continue after END: head %u",
          csr_read(LOOM_CSR_RING_HEAD));
    CHECK(csr_read(LOOM_CSR_DONE_COUNT) == 4, "DONE_COUNT %u", csr_read(LOOM_CSR_DONE_COUNT));

    // ---- doorbell while running: start with head == tail, then ring it
    csr_write(LOOM_CSR_RING_TAIL, 12);
    csr_write(LOOM_CSR_CTRL, 1);
    for (int k = 0; k < 50; k++) tick();
    CHECK(csr_read(LOOM_CSR_STATUS) == 1, "waiting for a doorbell: busy");
    put(12, sync_(0, UN));
    put(13, sync_(1, PP));
    put(14, end_());
    st = run(15);   // the second start is ignored while busy
    CHECK(st == 4 && csr_read(LOOM_CSR_RING_HEAD) == 15, "doorbell: STATUS %x head %u", st,
          csr_read(LOOM_CSR_RING_HEAD));

    // ---- ring wrap, long program (fetch bursts, 4 KiB crossing with a base near a page end)
    soft_reset();
    setup_ring(MEM_BASE + 0x2000 - 16 * 5, 37);
    {
        unsigned slot = 0;
        for (unsigned k = 0; k < 30; k++) put(slot++, sync_(k % 3, 0));
        put(slot++, end_());
        st = run(slot);
        CHECK(st == 4 && csr_read(LOOM_CSR_RING_HEAD) == slot, "first lap");
        // wrap: slots 31..36, 0..9
        for (unsigned k = 0; k < 15; k++) {
            put(slot, k % 2 ? sync_(1, PP) : sync_(0, UN));
            slot = (slot + 1) % 37;
        }
        put(slot, sync_(1, PP));   // 8 UN and 8 PP in total
        slot = (slot + 1) % 37;
        put(slot, end_());
        slot = (slot + 1) % 37;
        st = run(slot);
        CHECK(st == 4, "wrap: STATUS %x (err %u at %u)", st, csr_read(LOOM_CSR_ERR_CODE),
              csr_read(LOOM_CSR_ERR_INDEX));
        CHECK(csr_read(LOOM_CSR_RING_HEAD) == slot, "wrap: head %u expected %u", csr_read(LOOM_CSR_RING_HEAD), slot);
    }

    // ---- decode errors report the slot; nothing after it runs
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, 64);
    uint32_t dc = csr_read(LOOM_CSR_DONE_COUNT);
    put(0, sync_(0, 0));
    put(1, fence(true));
    put(2, mk(9));
    put(3, end_());
    st = run(4);
    expect_error(st, LOOM_HWERR_ILLEGAL_OPCODE, 2, "illegal opcode");
    CHECK(csr_read(LOOM_CSR_DONE_COUNT) == dc + 1, "the FENCE before the error counted");
    st = run(4);
    CHECK(st == 2, "start ignored in the error state");
    soft_reset();
    CHECK(csr_read(LOOM_CSR_DONE_COUNT) == dc + 1, "soft reset keeps DONE_COUNT");
    {
        Insn ld = mk(LOOM_OP_LOAD);
        loom_insn_set(ld.w, LOOM_LOAD_ROWS_LO, 16, 1);
        loom_insn_set(ld.w, LOOM_LOAD_COLS_LO, 16, 1);
        loom_insn_set(ld.w, LOOM_LOAD_DRAM_OFF_LO, 32, MEM_SIZE);   // one byte past the window
        put(0, sync_(2, 0));
        put(1, ld);
        put(2, end_());
        st = run(3);
        expect_error(st, LOOM_HWERR_DMA_WINDOW, 1, "DMA window");
        soft_reset();
        Insn e = end_();
        loom_insn_set(e.w, 100, 1, 1);
        put(0, e);
        st = run(1);
        expect_error(st, LOOM_HWERR_RESERVED_BITS, 0, "reserved bit");
        soft_reset();
        put(0, mk(LOOM_OP_FENCE, UN));
        st = run(1);
        expect_error(st, LOOM_HWERR_BAD_FIELD, 0, "flag on FENCE");
        soft_reset();
    }

    // ---- RING_CONFIG
    put(0, end_());
    setup_ring(MEM_BASE + 0x1008, 64);
    expect_error(run(1), LOOM_HWERR_RING_CONFIG, 0, "misaligned ring");
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, 0);
    expect_error(run(0), LOOM_HWERR_RING_CONFIG, 0, "ring size 0");
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, 65537);
    expect_error(run(1), LOOM_HWERR_RING_CONFIG, 0, "ring size 65537");
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, 8);
    expect_error(run(8), LOOM_HWERR_RING_CONFIG, 0, "tail == size");
    soft_reset();
    setup_ring(MEM_BASE + MEM_SIZE - 16 * 8, 9);
    expect_error(run(1), LOOM_HWERR_RING_CONFIG, 0, "ring past DMA_LIMIT");
    soft_reset();
    setup_ring(MEM_BASE - 16, 4);
    expect_error(run(1), LOOM_HWERR_RING_CONFIG, 0, "ring below DMA_BASE");
    soft_reset();
    setup_ring(MEM_BASE + MEM_SIZE - 16 * 8, 8);   // exactly fits: legal
    put(0, end_());
    st = run(1);
    CHECK(st == 4, "ring ending at DMA_LIMIT: STATUS %x err %u", st, csr_read(LOOM_CSR_ERR_CODE));
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, 64);

    // ---- token errors
    put(0, sync_(0, UN));
    put(1, sync_(1, PP | UN));
    put(2, end_());
    expect_error(run(3), LOOM_HWERR_TOKEN_LEAK, 2, "token leak");
    soft_reset();
    put(0, sync_(0, 0));
    put(1, sync_(1, PP));   // nobody pushes L2C
    put(2, end_());
    expect_error(run(3), LOOM_HWERR_TOKEN_UNDERFLOW, 1, "underflow at END");
    soft_reset();
    put(1, sync_(2, PP));
    put(2, fence(false));
    expect_error(run(3), LOOM_HWERR_TOKEN_UNDERFLOW, 1, "underflow at FENCE");
    soft_reset();
    {
        // queue full: store pops forever; the dispatcher blocks on the full store queue
        for (unsigned k = 0; k < 40; k++) put(k, sync_(2, k == 3 ? PP : 0));
        put(40, end_());
        expect_error(run(41), LOOM_HWERR_TOKEN_UNDERFLOW, 3, "underflow with a full queue");
        soft_reset();
        // a pop that waits for a late push is not a deadlock
        put(0, sync_(1, PP));
        put(1, sync_(0, UN));
        put(2, end_());
        st = run(3);
        CHECK(st == 4, "late push: STATUS %x err %u", st, csr_read(LOOM_CSR_ERR_CODE));
    }
    soft_reset();
    setup_ring(MEM_BASE + 0x1000, tmax + 8);
    for (unsigned k = 0; k <= tmax; k++) put(k, sync_(0, UN));
    put(tmax + 1, end_());
    expect_error(run(tmax + 2, 100000), LOOM_HWERR_TOKEN_OVERFLOW, tmax, "token overflow");
    soft_reset();

    // ---- bus error on an instruction fetch: earlier ones run, the slot is reported
    setup_ring(MEM_BASE + 0x1000, 64);
    dc = csr_read(LOOM_CSR_DONE_COUNT);
    put(0, sync_(0, 0));
    put(1, fence(true));
    put(2, sync_(0, 0));
    put(3, sync_(0, 0));
    put(4, end_());
    bad_lo = ring_base + 16 * 3;
    bad_hi = bad_lo + 16;
    // RRESP is per beat: with beats wider than 16 bytes the first slot of the bad beat faults.
    const unsigned bad_slot = BUS_BYTES > 16 ? (3 * 16 / BUS_BYTES) * (BUS_BYTES / 16) : 3;
    expect_error(run(5), LOOM_HWERR_BUS_ERROR, bad_slot, "fetch bus error");
    CHECK(csr_read(LOOM_CSR_DONE_COUNT) == dc + 1, "FENCE before the bad slot ran");
    bad_lo = 1;
    bad_hi = 0;
    soft_reset();

    // ---- soft reset while waiting for a doorbell; then run from slot 0 again
    put(0, end_());
    csr_write(LOOM_CSR_RING_TAIL, 0);
    csr_write(LOOM_CSR_CTRL, 1);
    for (int k = 0; k < 30; k++) tick();
    CHECK(csr_read(LOOM_CSR_STATUS) == 1, "busy waiting for the doorbell");
    soft_reset();
    st = run(1);
    CHECK(st == 4 && csr_read(LOOM_CSR_RING_HEAD) == 1, "run after soft reset: STATUS %x", st);

    // ---- random SYNC programs, valid in program order, FENCEs sprinkled in
    for (unsigned t = 0; t < 20; t++) {
        soft_reset();
        setup_ring(MEM_BASE + 0x1000 + 16 * (rng() % 300), 200 + rng() % 50);
        ready_pct = 20 + rng() % 81;
        unsigned seq[4] = {0, 0, 0, 0};
        unsigned n = 50 + rng() % 140, slot = 0;
        static const int popc[3][2] = {{-1, 1}, {0, 3}, {2, -1}}, pushc[3][2] = {{-1, 0}, {1, 2}, {3, -1}};
        for (unsigned k = 0; k < n; k++) {
            if (rng() % 25 == 0) { put(slot++, fence(rng() % 2)); continue; }
            unsigned q = rng() % 3, f = 0;
            for (int nx = 0; nx < 2; nx++) {
                int c = popc[q][nx];
                if (c >= 0 && seq[c] && rng() % 2) { seq[c]--; f |= nx ? PN : PP; }
                c = pushc[q][nx];
                if (c >= 0 && seq[c] < 3 && rng() % 3 == 0) { seq[c]++; f |= nx ? UN : UP; }
            }
            put(slot++, sync_(q, f));
        }
        for (int c = 0; c < 4; c++)
            while (seq[c]--) put(slot++, sync_(c == 1 ? 0 : c == 2 ? 2 : 1, (c == 1 || c == 3) ? PN : PP));
        put(slot++, end_());
        st = run(slot, 200000);
        CHECK(st == 4, "random program %u: STATUS %x err %u at %u", t, st, csr_read(LOOM_CSR_ERR_CODE),
              csr_read(LOOM_CSR_ERR_INDEX));
        CHECK(csr_read(LOOM_CSR_RING_HEAD) == slot, "random program %u: head", t);
    }

    dut->final();
    delete dut;
    printf("loom_top control path (BUS_BYTES=%u): %d failures\n", BUS_BYTES, fails);
    return fails ? 1 : 0;
}
