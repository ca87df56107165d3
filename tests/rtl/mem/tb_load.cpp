// SPDX-License-Identifier: Apache-2.0
// loom_load x2 + loom_axi_rd_mux bench (tb_load_top.sv). Random 2-D LOADs on the pad
// and ACC units with traffic on raw client 0, against a C++ reference, entry by entry,
// under several memory timings; SLVERR -> BUS_ERROR; abort mid-transfer; throughput.
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vtb_load_top.h"
#include "axi_mem.h"
#include "verilated.h"

#ifndef TB_ROWS
#define TB_ROWS 16
#endif
#ifndef TB_COLS
#define TB_COLS 16
#endif

static const unsigned ROWS = TB_ROWS, COLS = TB_COLS, BUSB = 16;
static const unsigned PADB = ROWS > COLS ? ROWS : COLS, ACCB = 4 * COLS;
static const uint64_t MEM_BASE = 0x10000000, MEM_SIZE = 1u << 20;

static std::mt19937 rng(12345);
static unsigned urand(unsigned lo, unsigned hi) { return std::uniform_int_distribution<unsigned>(lo, hi)(rng); }
static double frand() { return std::uniform_real_distribution<double>(0, 1)(rng); }

struct Insn {
    unsigned mem, sram, off, rows, cols, stride, slot;
};
struct Wr {
    unsigned mem, addr;
    std::vector<uint8_t> data;
};
struct Pending {
    Insn in;
    std::deque<Wr> wr;
};

static std::unique_ptr<Vtb_load_top> top;
static std::unique_ptr<AxiMem> mem;
static AxiPins pins;
static unsigned fails = 0;
static uint32_t dma_base = MEM_BASE + 5;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (fails < 30) {                                                                          \
            fprintf(stderr, "FAIL cycle %llu: ", (unsigned long long)mem->cycle);                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
        fails++;                                                                                   \
    } while (0)

static unsigned ebytes(unsigned m) { return m == 0 ? ROWS : m == 1 ? COLS : 4 * COLS; }
static unsigned esize(unsigned m) { return m == 2 ? 4 : 1; }

static std::deque<Wr> reference(const Insn &in, unsigned outb) {
    std::deque<Wr> out;
    unsigned e = ebytes(in.mem), n = in.cols * esize(in.mem);
    unsigned epr = (n + e - 1) / e;
    for (unsigned r = 0; r < in.rows; r++) {
        uint64_t a = (uint64_t)dma_base + in.off + (uint64_t)r * in.stride;
        for (unsigned k = 0; k < epr; k++) {
            Wr w{in.mem, (in.sram + r * epr + k) & 0xffff, std::vector<uint8_t>(outb, 0)};
            for (unsigned i = 0; i < e && k * e + i < n; i++)
                w.data[i] = *mem->at(a + k * e + i);
            out.push_back(w);
        }
    }
    return out;
}

// Does the instruction read any beat touching [lo, hi)?
static bool touches(const Insn &in, uint64_t lo, uint64_t hi) {
    unsigned n = in.cols * esize(in.mem);
    for (unsigned r = 0; r < in.rows; r++) {
        uint64_t a = (uint64_t)dma_base + in.off + (uint64_t)r * in.stride;
        uint64_t s = a & ~(uint64_t)(BUSB - 1), e = (a + n + BUSB - 1) & ~(uint64_t)(BUSB - 1);
        if (s < hi && e > lo)
            return true;
    }
    return false;
}

static Insn rand_insn(bool acc, unsigned slot) {
    Insn in{};
    in.mem = acc ? 2 : urand(0, 1);
    unsigned e = ebytes(in.mem);
    in.slot = slot;
    in.sram = urand(0, 4000);
    unsigned maxcols = acc ? 3 * COLS + 5 : 3 * e + 7;
    in.cols = frand() < 0.3 ? urand(1, e / esize(in.mem) + 1) : urand(1, maxcols);
    in.rows = frand() < 0.2 ? 1 : urand(1, 50);
    unsigned n = in.cols * esize(in.mem);
    switch (urand(0, 4)) {
    case 0: in.stride = 0; break;
    case 1: in.stride = urand(1, n); break;            // overlapping rows
    case 2: in.stride = n; break;                      // dense
    default: in.stride = urand(n, n + 300); break;
    }
    in.off = urand(0, 60000);
    if (acc) {
        in.off &= ~3u;
        in.stride &= ~3u;
    }
    return in;
}

static void encode(VlWide<4> &w, const Insn &in) {
    w[0] = 1u | (in.mem << 8) | (in.sram << 16);
    w[1] = in.off;
    w[2] = in.rows | (in.cols << 16);
    w[3] = in.stride & 0xffffff;
}

// ------------------------------------------------------------------------------------
// One unit's driver and checker.
// ------------------------------------------------------------------------------------
struct Unit {
    const char *name;
    unsigned outb;
    std::deque<Insn> to_issue;
    std::deque<Pending> pend;   // accepted, not done
    unsigned done = 0, accepted = 0;
    bool offering = false;
    double p_offer = 0.7;
    bool checking = true;       // false after an abort until the queue is reset
};
static Unit pu{"pad", PADB}, au{"acc", ACCB};

// Client 0 raw traffic.
struct C0Burst {
    uint32_t addr;
    unsigned len, beat;
};
static std::deque<C0Burst> c0_out;
static bool c0_offer = false;
static C0Burst c0_req;
static bool c0_enable = true;
static uint64_t c0_beats = 0;

static bool abort_line = false;

template <typename Tin, typename Tw>
static void drive_unit(Unit &u, uint8_t &valid, Tin &insn, uint16_t &slot, Tw &) {
    if (!u.offering && !u.to_issue.empty() && !abort_line && frand() < u.p_offer)
        u.offering = true;
    valid = u.offering;
    if (u.offering) {
        encode(insn, u.to_issue.front());
        slot = u.to_issue.front().slot;
    }
}

template <typename Tw>
static void check_unit(Unit &u, bool ready, bool wr_valid, unsigned wr_mem, unsigned wr_addr,
                       const Tw &wr_data, bool done) {
    if (u.offering && ready) {
        Pending p;
        p.in = u.to_issue.front();
        p.wr = reference(p.in, u.outb);
        u.pend.push_back(p);
        u.to_issue.pop_front();
        u.offering = false;
        u.accepted++;
    }
    if (wr_valid) {
        if (abort_line)
            FAIL("%s: write during abort", u.name);
        if (u.pend.empty() || u.pend.front().wr.empty()) {
            FAIL("%s: unexpected write addr %u", u.name, wr_addr);
        } else {
            Wr &w = u.pend.front().wr.front();
            std::vector<uint8_t> got(u.outb);
            to_bytes(wr_data, got.data(), u.outb);
            if (w.mem != wr_mem || w.addr != wr_addr || got != w.data) {
                FAIL("%s: insn slot %u write mismatch: got mem %u addr %u, want mem %u addr %u%s", u.name,
                     u.pend.front().in.slot, wr_mem, wr_addr, w.mem, w.addr,
                     got != w.data ? " (data differs)" : "");
                for (unsigned i = 0; i < u.outb && fails < 5; i++)
                    fprintf(stderr, "  byte %2u got %02x want %02x\n", i, got[i], w.data[i]);
            }
            u.pend.front().wr.pop_front();
        }
    }
    if (done) {
        if (abort_line)
            FAIL("%s: done during abort", u.name);
        if (u.pend.empty())
            FAIL("%s: done with nothing pending", u.name);
        else {
            if (!u.pend.front().wr.empty())
                FAIL("%s: done with %zu writes missing (slot %u)", u.name, u.pend.front().wr.size(),
                     u.pend.front().in.slot);
            u.pend.pop_front();
            u.done++;
        }
    }
}

static void tick() {
    Vtb_load_top &t = *top;
    t.dma_base_i = dma_base;
    t.abort_i = abort_line;
    uint8_t v;
    uint16_t s;
    drive_unit(pu, v, t.p_insn_i, s, t.p_wr_data_o);
    t.p_insn_valid_i = v;
    t.p_slot_i = s;
    drive_unit(au, v, t.a_insn_i, s, t.a_wr_data_o);
    t.a_insn_valid_i = v;
    t.a_slot_i = s;
    // client 0
    if (!c0_offer && c0_enable && c0_out.size() < 3 && frand() < 0.05) {
        unsigned len = urand(0, 15);
        uint32_t a = (MEM_BASE + urand(0, 900000)) & ~(BUSB - 1);
        while (((a & 4095) + (len + 1) * BUSB) > 4096)
            len--;
        c0_req = {a, len, 0};
        c0_offer = true;
    }
    t.c0_req_valid_i = c0_offer;
    t.c0_req_addr_i = c0_req.addr;
    t.c0_req_len_i = c0_req.len;
    t.c0_ready_i = frand() < 0.7;

    mem->drive(pins);
    t.m_axi_arready_i = pins.arready;
    t.m_axi_rvalid_i = pins.rvalid;
    t.m_axi_rid_i = pins.rid;
    t.m_axi_rresp_i = pins.rresp;
    t.m_axi_rlast_i = pins.rlast;
    from_bytes(t.m_axi_rdata_i, pins.rdata, BUSB);

    t.clk_i = 0;
    t.eval();

    pins.arvalid = t.m_axi_arvalid_o;
    pins.arid = t.m_axi_arid_o;
    pins.araddr = t.m_axi_araddr_o;
    pins.arlen = t.m_axi_arlen_o;
    pins.arsize = t.m_axi_arsize_o;
    pins.arburst = t.m_axi_arburst_o;
    pins.rready = t.m_axi_rready_o;
    if (pins.arvalid && pins.arid > 2)
        FAIL("bad ARID %u", pins.arid);
    mem->sample(pins);

    check_unit(pu, t.p_insn_ready_o, t.p_wr_valid_o, t.p_wr_mem_o, t.p_wr_addr_o, t.p_wr_data_o, t.p_done_o);
    check_unit(au, t.a_insn_ready_o, t.a_wr_valid_o, t.a_wr_mem_o, t.a_wr_addr_o, t.a_wr_data_o, t.a_done_o);

    if (c0_offer && t.c0_req_ready_o) {
        c0_out.push_back(c0_req);
        c0_offer = false;
    }
    if (t.c0_valid_o && t.c0_ready_i) {
        if (c0_out.empty())
            FAIL("client 0: unexpected beat");
        else {
            C0Burst &b = c0_out.front();
            uint8_t got[16];
            to_bytes(t.c0_data_o, got, BUSB);
            uint32_t a = b.addr + b.beat * BUSB;
            if (memcmp(got, mem->at(a), BUSB))
                FAIL("client 0: data mismatch at %08x", a);
            if ((bool)t.c0_last_o != (b.beat == b.len))
                FAIL("client 0: rlast wrong");
            if (t.c0_err_o && !mem->in_err(a))
                FAIL("client 0: unexpected error");
            c0_beats++;
            if (++b.beat > b.len)
                c0_out.pop_front();
        }
    }
    t.clk_i = 1;
    t.eval();
}

static bool all_idle() {
    return top->p_idle_o && top->a_idle_o && top->mux_idle_o && mem->quiet() && !c0_offer && c0_out.empty() &&
           !pu.offering && !au.offering;
}

static bool run_until(bool (*cond)(), uint64_t max_cycles, const char *what) {
    for (uint64_t i = 0; i < max_cycles; i++) {
        if (cond())
            return true;
        tick();
    }
    FAIL("timeout waiting for %s", what);
    return false;
}

static bool units_drained() {
    return pu.to_issue.empty() && au.to_issue.empty() && pu.pend.empty() && au.pend.empty() && top->p_idle_o &&
           top->a_idle_o;
}
static bool quiet_all() {
    c0_enable = false;
    return all_idle();
}

static unsigned slot_ctr = 0;

static void random_phase(unsigned npad, unsigned nacc, const char *label) {
    for (unsigned i = 0; i < npad; i++)
        pu.to_issue.push_back(rand_insn(false, slot_ctr++ & 0xffff));
    for (unsigned i = 0; i < nacc; i++)
        au.to_issue.push_back(rand_insn(true, slot_ctr++ & 0xffff));
    c0_enable = true;
    run_until(units_drained, 2000000, label);
    run_until(quiet_all, 10000, "quiet");
    c0_enable = true;
}

static void do_abort() {
    abort_line = true;
    unsigned n = urand(1, 3);
    for (unsigned i = 0; i < n; i++)
        tick();
    abort_line = false;
    pu.pend.clear();
    au.pend.clear();
    pu.to_issue.clear();
    au.to_issue.clear();
    pu.offering = au.offering = false;
}

static void error_test(Unit &u, bool acc, int iter) {
    // Error range: two beats somewhere in the middle of the window.
    uint64_t lo = (dma_base + urand(20000, 40000)) & ~(uint64_t)(BUSB - 1), hi = lo + 2 * BUSB;
    unsigned k = urand(0, 6);
    std::vector<Insn> seq;
    for (unsigned i = 0; i < k; i++) {
        Insn in;
        do
            in = rand_insn(acc, 0x8000 + i);
        while (touches(in, lo, hi));
        seq.push_back(in);
    }
    Insn bad = rand_insn(acc, 0x8000 + k);
    unsigned r0 = urand(0, bad.rows - 1);
    int64_t off = (int64_t)(lo - dma_base) + urand(0, 2 * BUSB - 1) - (int64_t)r0 * bad.stride;
    if (off < 0) {
        bad.rows = 1;
        off = (int64_t)(lo - dma_base) + urand(0, 2 * BUSB - 1);
    }
    bad.off = (uint32_t)off & (acc ? ~3u : ~0u);
    if (!touches(bad, lo, hi))
        bad.off = (uint32_t)(lo - dma_base) & (acc ? ~3u : ~0u);
    seq.push_back(bad);
    for (unsigned i = 0; i < 3; i++)
        seq.push_back(rand_insn(acc, 0x8100 + i));
    mem->cfg.err_en = true;
    mem->cfg.err_lo = lo;
    mem->cfg.err_hi = hi;
    for (auto &in : seq)
        u.to_issue.push_back(in);
    unsigned done0 = u.done;
    bool (*err_seen)() = acc ? +[] { return (bool)top->a_err_o; } : +[] { return (bool)top->p_err_o; };
    c0_enable = false;
    run_until(err_seen, 200000, "BUS_ERROR");
    unsigned slot = acc ? top->a_err_slot_o : top->p_err_slot_o;
    unsigned code = acc ? top->a_err_code_o : top->p_err_code_o;
    if (slot != 0x8000 + k || code != 11)
        FAIL("error test %d (%s): err slot %#x code %u, want slot %#x code 11", iter, u.name, slot, code, 0x8000 + k);
    if (u.done - done0 != k)
        FAIL("error test %d (%s): %u done before the error, want %u", iter, u.name, u.done - done0, k);
    // No more writes or done; the unit drains and shows idle; the bus goes quiet.
    u.to_issue.clear();
    u.offering = false;
    unsigned done1 = u.done;
    for (unsigned i = 0; i < 3000; i++)
        tick();
    if (!(acc ? top->a_idle_o : top->p_idle_o) || !top->mux_idle_o || !mem->quiet())
        FAIL("error test %d: not idle after the error", iter);
    if (u.done != done1)
        FAIL("error test %d: done after the error", iter);
    if (!(acc ? top->a_err_o : top->p_err_o))
        FAIL("error test %d: err_o dropped before abort", iter);
    for (auto &p : u.pend)
        if (p.in.slot != 0x8000 + k)
            p.wr.clear();   // later instructions: must not have written (checked by the write checker)
    mem->cfg.err_en = false;
    do_abort();
    tick();
    if (top->a_err_o || top->p_err_o)
        FAIL("error test %d: err_o still set after abort", iter);
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    top = std::make_unique<Vtb_load_top>();
    mem = std::make_unique<AxiMem>(MEM_BASE, MEM_SIZE, 777);
    for (size_t i = 0; i < MEM_SIZE; i++)
        *mem->at(MEM_BASE + i) = (uint8_t)rng();
    top->rst_ni = 1;   // a real negedge for the asynchronous reset
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 0;
    top->eval();
    top->clk_i = 1;
    top->eval();
    top->rst_ni = 1;

    struct Timing {
        unsigned lat;
        double r, ar;
    } timings[] = {{1, 1.0, 1.0}, {12, 1.0, 1.0}, {25, 0.5, 0.5}, {3, 0.85, 0.7}, {40, 0.95, 1.0}};
    for (auto &tm : timings) {
        mem->cfg.rd_latency = tm.lat;
        mem->cfg.r_rate = tm.r;
        mem->cfg.ar_ready = tm.ar;
        dma_base = MEM_BASE + urand(0, 64);
        random_phase(400, 150, "random loads");
    }
    printf("random loads: pad %u, acc %u instructions, client-0 beats %llu\n", pu.done, au.done,
           (unsigned long long)c0_beats);

    // Bus errors.
    mem->cfg.rd_latency = 6;
    mem->cfg.r_rate = 0.9;
    for (int i = 0; i < 12; i++) {
        error_test(i & 1 ? au : pu, i & 1, i);
        random_phase(5, 3, "loads after error");
    }
    printf("bus error tests: 12\n");

    // Abort mid-transfer.
    for (int i = 0; i < 25; i++) {
        mem->cfg.rd_latency = urand(1, 20);
        mem->cfg.r_rate = 0.5 + 0.5 * frand();
        for (int j = 0; j < 8; j++) {
            pu.to_issue.push_back(rand_insn(false, slot_ctr++ & 0xffff));
            au.to_issue.push_back(rand_insn(true, slot_ctr++ & 0xffff));
        }
        unsigned n = urand(1, 600);
        for (unsigned j = 0; j < n; j++)
            tick();
        do_abort();
        run_until(quiet_all, 10000, "quiet after abort");
        if (mem->r_beats == 0)
            FAIL("no traffic?");
        random_phase(4, 2, "loads after abort");
    }
    printf("abort tests: 25\n");

    // Throughput: large aligned loads, memory at one beat per cycle, latency 10.
    mem->cfg.rd_latency = 10;
    mem->cfg.r_rate = 1.0;
    mem->cfg.ar_ready = 1.0;
    c0_enable = false;
    run_until(quiet_all, 10000, "quiet");
    struct Tp {
        const char *what;
        Insn in;
        uint32_t base;
    } tps[] = {
        {"WPAD 64x256 B aligned  ", {1, 0, 0, 64, 256, 256, 1}, (uint32_t)MEM_BASE},
        {"ACC  64x64 int32 aligned", {2, 0, 0, 64, 64, 256, 2}, (uint32_t)MEM_BASE},
        {"APAD 64x256 B offset 5 ", {0, 0, 5, 64, 256, 256, 3}, (uint32_t)MEM_BASE},
    };
    for (auto &tp : tps) {
        dma_base = tp.base;
        Unit &u = tp.in.mem == 2 ? au : pu;
        uint64_t c0 = mem->cycle, b0 = mem->r_beats;
        u.p_offer = 1.0;
        u.to_issue.push_back(tp.in);
        run_until(units_drained, 100000, "throughput load");
        uint64_t cyc = mem->cycle - c0, beats = mem->r_beats - b0;
        double cpb = (double)cyc / beats;
        printf("throughput %s: %llu beats in %llu cycles = %.3f cycles/beat\n", tp.what,
               (unsigned long long)beats, (unsigned long long)cyc, cpb);
        if (tp.in.off == 0 && ebytes(tp.in.mem) >= BUSB && cpb > 1.1)
            FAIL("aligned load slower than 1.1 cycles/beat");
    }

    if (mem->violations)
        FAIL("%u AXI protocol violations", mem->violations);
    printf("%s: %u failures (ROWS=%u COLS=%u)\n", fails ? "FAIL" : "PASS", fails, ROWS, COLS);
    top->final();
    top.reset();
    mem.reset();
    return fails ? 1 : 0;
}
