// SPDX-License-Identifier: Apache-2.0
// loom_store bench (tb_store_top.sv): random int8/int32 STOREs (bias, relu, per-lane
// mult/shift/zp, byte-aligned offsets and strides, stride 0 and overlapping rows) under
// random ACC grants and AXI back-pressure. The whole memory image (guard bytes around
// and between the destination rows included) is compared with one computed by
// loom_requant() from loom_ref.h. BRESP error -> BUS_ERROR; abort; throughput.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vtb_store_top.h"
#include "axi_mem.h"
#include "loom/loom_ref.h"
#include "verilated.h"

#ifndef TB_COLS
#define TB_COLS 16
#endif
#ifndef TB_PP
#define TB_PP 4
#endif

static const unsigned COLS = TB_COLS, BUSB = 16, ACC_DEPTH = 256;
static const uint64_t MEM_BASE = 0x20000000, MEM_SIZE = 1u << 18;

static std::mt19937 rng(4242);
static unsigned urand(unsigned lo, unsigned hi) { return std::uniform_int_distribution<unsigned>(lo, hi)(rng); }
static double frand() { return std::uniform_real_distribution<double>(0, 1)(rng); }

struct Insn {
    bool i32, relu, bias;
    unsigned acc, off, rows, pp, cols, stride, slot;
};

static std::unique_ptr<Vtb_store_top> top;
static std::unique_ptr<AxiMem> mem;
static AxiPins pins;
static std::vector<uint8_t> image;   // expected memory
static std::vector<std::vector<int32_t>> acc(ACC_DEPTH, std::vector<int32_t>(COLS));
static unsigned fails = 0;
static uint32_t dma_base = MEM_BASE + 3;
static double gnt_p = 0.8;
static bool abort_line = false;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (fails < 30) {                                                                          \
            fprintf(stderr, "FAIL cycle %llu: ", (unsigned long long)mem->cycle);                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
        fails++;                                                                                   \
    } while (0)

static void apply(const Insn &in) {
    for (unsigned m = 0; m < in.rows; m++)
        for (unsigned n = 0; n < in.cols; n++) {
            int32_t v = acc[in.acc + m][n];
            if (in.bias)
                v = (int32_t)((uint32_t)v + (uint32_t)acc[in.pp][n]);
            uint64_t a = (uint64_t)dma_base + in.off + (uint64_t)m * in.stride - MEM_BASE;
            if (in.i32) {
                int32_t y = in.relu && v < 0 ? 0 : v;
                for (int b = 0; b < 4; b++)
                    image[a + 4 * n + b] = (uint8_t)((uint32_t)y >> (8 * b));
            } else {
                uint32_t sz = (uint32_t)acc[in.pp + 2][n];
                int8_t y = loom_requant(v, acc[in.pp + 1][n], sz & 63, (int8_t)(sz >> 8), in.relu);
                image[a + n] = (uint8_t)y;
            }
        }
}

static bool touches(const Insn &in, uint64_t lo, uint64_t hi) {
    unsigned n = in.cols * (in.i32 ? 4 : 1);
    for (unsigned r = 0; r < in.rows; r++) {
        uint64_t a = (uint64_t)dma_base + in.off + (uint64_t)r * in.stride;
        uint64_t s = a & ~(uint64_t)(BUSB - 1), e = (a + n + BUSB - 1) & ~(uint64_t)(BUSB - 1);
        if (s < hi && e > lo)
            return true;
    }
    return false;
}

static Insn rand_insn(unsigned slot) {
    Insn in{};
    in.slot = slot;
    in.i32 = frand() < 0.4;
    in.relu = frand() < 0.5;
    in.bias = frand() < 0.5;
    in.cols = frand() < 0.5 ? COLS : urand(1, COLS);
    in.rows = frand() < 0.2 ? 1 : urand(1, 40);
    in.acc = urand(0, ACC_DEPTH - in.rows);
    in.pp = urand(0, ACC_DEPTH - 3);
    unsigned n = in.cols * (in.i32 ? 4 : 1);
    switch (urand(0, 4)) {
    case 0: in.stride = 0; break;
    case 1: in.stride = urand(1, n); break;
    case 2: in.stride = n; break;
    default: in.stride = urand(n, n + 200); break;
    }
    in.off = urand(0, 150000);
    if (in.i32) {
        in.off &= ~3u;
        in.stride &= ~3u;
    }
    return in;
}

static void encode(VlWide<4> &w, const Insn &in) {
    w[0] = 3u | (in.i32 << 8) | (in.relu << 9) | (in.bias << 10) | (in.acc << 16);
    w[1] = in.off;
    w[2] = in.rows | (in.pp << 16);
    w[3] = in.cols | (in.stride << 8);
}

static std::deque<Insn> to_issue;
static unsigned accepted = 0, done = 0;
static bool offering = false;
static double p_offer = 0.7;

static void tick() {
    Vtb_store_top &t = *top;
    t.dma_base_i = dma_base;
    t.abort_i = abort_line;
    t.gnt_allow_i = frand() < gnt_p;
    t.tb_we_i = 0;
    if (!offering && !to_issue.empty() && !abort_line && frand() < p_offer)
        offering = true;
    t.insn_valid_i = offering;
    if (offering) {
        encode(t.insn_i, to_issue.front());
        t.slot_i = to_issue.front().slot;
    }
    mem->drive(pins);
    t.m_axi_awready_i = pins.awready;
    t.m_axi_wready_i = pins.wready;
    t.m_axi_bvalid_i = pins.bvalid;
    t.m_axi_bid_i = pins.bid;
    t.m_axi_bresp_i = pins.bresp;
    t.clk_i = 0;
    t.eval();
    pins.awvalid = t.m_axi_awvalid_o;
    pins.awid = t.m_axi_awid_o;
    pins.awaddr = t.m_axi_awaddr_o;
    pins.awlen = t.m_axi_awlen_o;
    pins.awsize = t.m_axi_awsize_o;
    pins.awburst = t.m_axi_awburst_o;
    pins.wvalid = t.m_axi_wvalid_o;
    to_bytes(t.m_axi_wdata_o, pins.wdata, BUSB);
    pins.wstrb = t.m_axi_wstrb_o;
    pins.wlast = t.m_axi_wlast_o;
    pins.bready = t.m_axi_bready_o;
    if (pins.awvalid && pins.awid != 0)
        FAIL("AWID %u", pins.awid);
    mem->sample(pins);
    if (offering && t.insn_ready_o) {
        apply(to_issue.front());
        to_issue.pop_front();
        offering = false;
        accepted++;
    }
    if (t.done_o) {
        if (abort_line)
            FAIL("done during abort");
        done++;
        if (done > accepted)
            FAIL("more done than accepted");
    }
    t.clk_i = 1;
    t.eval();
}

static void write_acc() {
    top->m_axi_bvalid_i = 0;
    top->m_axi_awready_i = 0;
    top->m_axi_wready_i = 0;
    top->insn_valid_i = 0;
    top->gnt_allow_i = 0;
    for (unsigned e = 0; e < ACC_DEPTH; e++) {
        for (unsigned n = 0; n < COLS; n++) {
            uint32_t r = rng();
            switch (urand(0, 5)) {
            case 0: acc[e][n] = (int32_t)r; break;
            case 1: acc[e][n] = (int32_t)r >> urand(0, 31); break;
            case 2: acc[e][n] = (int32_t)(r & 0xffff0000u) | (urand(0, 63)) | (urand(0, 255) << 8); break;
            case 3: acc[e][n] = urand(0, 63) | ((int)urand(0, 255) << 8); break;   // shift/zp-like
            case 4: acc[e][n] = (int32_t)(r % 2000) - 1000; break;
            default: acc[e][n] = (int32_t)(urand(1, 1u << 30)); break;               // mult-like
            }
        }
        top->tb_we_i = 1;
        top->tb_waddr_i = e;
        std::vector<uint8_t> b(4 * COLS);
        for (unsigned n = 0; n < COLS; n++)
            memcpy(&b[4 * n], &acc[e][n], 4);
        from_bytes(top->tb_wdata_i, b.data(), 4 * COLS);
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
    }
    top->tb_we_i = 0;
}

static bool idle() { return top->idle_o && mem->quiet() && !offering; }

static bool run_until(bool (*cond)(), uint64_t max_cycles, const char *what) {
    for (uint64_t i = 0; i < max_cycles; i++) {
        if (cond())
            return true;
        tick();
    }
    FAIL("timeout waiting for %s", what);
    return false;
}

static bool drained() { return to_issue.empty() && idle(); }

static void compare_image(const char *what) {
    unsigned bad = 0;
    for (size_t i = 0; i < MEM_SIZE; i++)
        if (*mem->at(MEM_BASE + i) != image[i]) {
            if (bad < 8)
                fprintf(stderr, "  %s: byte %#llx got %02x want %02x\n", what,
                        (unsigned long long)(MEM_BASE + i), *mem->at(MEM_BASE + i), image[i]);
            bad++;
        }
    if (bad)
        FAIL("%s: %u bytes differ", what, bad);
}

static void resync() { memcpy(image.data(), mem->at(MEM_BASE), MEM_SIZE); }

static unsigned slot_ctr = 0;

static void random_phase(unsigned n, const char *what) {
    for (unsigned i = 0; i < n; i++)
        to_issue.push_back(rand_insn(slot_ctr++ & 0xffff));
    run_until(drained, 2000000, what);
    if (done != accepted)
        FAIL("%s: %u done, %u accepted", what, done, accepted);
    compare_image(what);
}

static void do_abort() {
    abort_line = true;
    unsigned n = urand(1, 3);
    for (unsigned i = 0; i < n; i++)
        tick();
    abort_line = false;
    to_issue.clear();
    offering = false;
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    top = std::make_unique<Vtb_store_top>();
    mem = std::make_unique<AxiMem>(MEM_BASE, MEM_SIZE, 99);
    image.resize(MEM_SIZE);
    for (size_t i = 0; i < MEM_SIZE; i++)
        image[i] = *mem->at(MEM_BASE + i) = (uint8_t)rng();
    top->rst_ni = 1;   // a real negedge for the asynchronous reset
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 0;
    top->eval();
    top->clk_i = 1;
    top->eval();
    top->rst_ni = 1;
    write_acc();

    struct Timing {
        double aw, w, gnt;
        unsigned blat;
    } timings[] = {{1, 1, 1, 1}, {1, 1, 0.8, 3}, {0.5, 0.6, 0.7, 10}, {0.9, 0.3, 1, 2}, {0.3, 1, 0.5, 20}};
    for (auto &tm : timings) {
        mem->cfg.aw_ready = tm.aw;
        mem->cfg.w_ready = tm.w;
        mem->cfg.b_latency = tm.blat;
        gnt_p = tm.gnt;
        dma_base = MEM_BASE + urand(0, 64);
        random_phase(400, "random stores");
        write_acc();
    }
    printf("random stores: %u instructions, %llu beats\n", done, (unsigned long long)mem->w_beats);

    // BRESP errors.
    mem->cfg.aw_ready = 0.8;
    mem->cfg.w_ready = 0.8;
    mem->cfg.b_latency = 4;
    gnt_p = 0.9;
    for (int it = 0; it < 12; it++) {
        uint64_t lo = (dma_base + urand(40000, 80000)) & ~(uint64_t)(BUSB - 1), hi = lo + BUSB;
        unsigned k = urand(0, 5);
        std::vector<Insn> seq;
        for (unsigned i = 0; i < k; i++) {
            Insn in;
            do
                in = rand_insn(0x9000 + i);
            while (touches(in, lo, hi));
            seq.push_back(in);
        }
        Insn bad = rand_insn(0x9000 + k);
        bad.rows = 1;
        bad.off = (uint32_t)(lo - dma_base) + urand(0, BUSB - 1);
        if (bad.i32)
            bad.off &= ~3u;
        seq.push_back(bad);
        for (unsigned i = 0; i < 3; i++)
            seq.push_back(rand_insn(0x9100 + i));
        mem->cfg.err_en = true;
        mem->cfg.err_lo = lo;
        mem->cfg.err_hi = hi;
        unsigned done0 = done;
        for (auto &in : seq)
            to_issue.push_back(in);
        run_until(+[] { return (bool)top->err_o; }, 200000, "BUS_ERROR");
        if (top->err_slot_o != 0x9000 + k || top->err_code_o != 11)
            FAIL("error test %d: slot %#x code %u, want slot %#x code 11", it, top->err_slot_o, top->err_code_o,
                 0x9000 + k);
        if (done - done0 != k)
            FAIL("error test %d: %u done before the error, want %u", it, done - done0, k);
        to_issue.clear();
        offering = false;
        unsigned done1 = done;
        run_until(idle, 5000, "idle after BUS_ERROR");
        if (done != done1)
            FAIL("error test %d: done after the error", it);
        if (!top->err_o)
            FAIL("error test %d: err_o dropped", it);
        mem->cfg.err_en = false;
        do_abort();
        tick();
        if (top->err_o)
            FAIL("error test %d: err_o after abort", it);
        run_until(idle, 5000, "idle after abort");
        accepted = done;
        resync();
        random_phase(4, "stores after error");
    }
    printf("bus error tests: 12\n");

    // Abort mid-transfer.
    for (int it = 0; it < 25; it++) {
        mem->cfg.aw_ready = 0.5 + 0.5 * frand();
        mem->cfg.w_ready = 0.5 + 0.5 * frand();
        for (int j = 0; j < 8; j++)
            to_issue.push_back(rand_insn(slot_ctr++ & 0xffff));
        unsigned n = urand(1, 500);
        for (unsigned j = 0; j < n; j++)
            tick();
        do_abort();
        run_until(idle, 5000, "idle after abort");
        accepted = done;
        resync();
        random_phase(4, "stores after abort");
    }
    printf("abort tests: 25\n");

    // Throughput.
    mem->cfg.aw_ready = 1;
    mem->cfg.w_ready = 1;
    mem->cfg.b_latency = 4;
    gnt_p = 1.0;
    p_offer = 1.0;
    dma_base = MEM_BASE;
    struct Tp {
        const char *what;
        Insn in;
    } tps[] = {
        {"int32 64 rows x COLS, aligned", {true, false, true, 0, 0, 64, 200, COLS, 4 * COLS, 1}},
        {"int8  64 rows x COLS, dense  ", {false, true, true, 0, 0, 64, 200, COLS, COLS, 2}},
        {"int8  64 rows x COLS, stride 1000, offset 7", {false, true, true, 0, 7, 64, 200, COLS, 1000, 3}},
    };
    for (auto &tp : tps) {
        uint64_t c0 = mem->cycle, b0 = mem->w_beats;
        to_issue.push_back(tp.in);
        run_until(drained, 100000, "throughput store");
        compare_image("throughput store");
        uint64_t cyc = mem->cycle - c0, beats = mem->w_beats - b0;
        double lanes = (double)tp.in.rows * tp.in.cols;
        printf("throughput %s: %llu beats in %llu cycles = %.3f cycles/beat, %.2f lanes/cycle\n", tp.what,
               (unsigned long long)beats, (unsigned long long)cyc, (double)cyc / beats, lanes / cyc);
    }

    if (mem->violations)
        FAIL("%u AXI protocol violations", mem->violations);
    printf("%s: %u failures (COLS=%u PP_LANES=%u)\n", fails ? "FAIL" : "PASS", fails, COLS, TB_PP);
    top->final();
    top.reset();
    mem.reset();
    return fails ? 1 : 0;
}
