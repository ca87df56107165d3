// SPDX-License-Identifier: Apache-2.0
// loom_matmul + loom_apad + loom_sram_2p (weight pad) + loom_acc against a C++ model of
// the ISA MATMUL formula. Every ACC write of the engine is compared, in order, with the
// write the model expects; done_o must come with the last write of each instruction;
// store-port reads are issued at random and checked for arbitration and data; the whole
// accumulator is read back at the end of each phase. Also measures bubbles and latency.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <vector>

#include "Vtb_compute.h"
#include "loom/loom_isa.h"
#include "verilated.h"

namespace {

struct Insn {
    bool w4, acc;
    unsigned acc_addr, apad, wpad, rows;
};

struct ExpWrite {
    unsigned addr;
    std::vector<uint32_t> v;
    bool last;
};

template <typename T> void put_bytes(T &w, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t &word = w[i / 4];
        unsigned sh = 8 * (i % 4);
        word = (word & ~(0xFFu << sh)) | ((uint32_t)b[i] << sh);
    }
}

int s4lo(uint8_t b) { return (int8_t)(uint8_t)(b << 4) >> 4; }
int s4hi(uint8_t b) { return (int8_t)b >> 4; }

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng(seed)
    {
        m.clk_i = 0;
        m.rst_ni = 0;
        m.eval();
        m.clk_i = 1;
        m.eval();
        m.rst_ni = 1;
        m.clk_i = 0;
        m.eval();
        R = m.p_rows_o;
        C = m.p_cols_o;
        AP = m.p_apad_o;
        WP = m.p_wpad_o;
        AC = m.p_acc_o;
        apad.assign(AP, std::vector<uint8_t>(R));
        wpad.assign(WP, std::vector<uint8_t>(C));
        ref.assign(AC, std::vector<uint32_t>(C));
        mirror = ref;
        printf("tb_compute: ROWS=%u COLS=%u APAD=%u WPAD=%u ACC=%u\n", R, C, AP, WP, AC);
    }

    unsigned R, C, AP, WP, AC;
    int errors = 0;

    unsigned rnd(unsigned n) { return n ? (unsigned)(rng() % n) : 0; }

    void error(const char *what)
    {
        if (errors++ < 20)
            printf("ERROR cycle %llu: %s\n", (unsigned long long)cyc, what);
    }

    // --- one clock cycle: inputs are set, settle, observe, rising edge -------------
    void step()
    {
        m.clk_i = 0;
        m.eval();
        observe();
        m.clk_i = 1;
        m.eval();
        cyc++;
        drive();
    }

    // --- memories ----------------------------------------------------------------
    void fill_pads()
    {
        for (unsigned e = 0; e < AP; e++) {
            for (unsigned k = 0; k < R; k++)
                apad[e][k] = (uint8_t)rng();
            m.apad_we_i = 1;
            m.apad_waddr_i = e;
            put_bytes(m.apad_wdata_i, apad[e].data(), R);
            step();
        }
        m.apad_we_i = 0;
        for (unsigned e = 0; e < WP; e++) {
            for (unsigned n = 0; n < C; n++)
                wpad[e][n] = (uint8_t)rng();
            m.wpad_we_i = 1;
            m.wpad_waddr_i = e;
            put_bytes(m.wpad_wdata_i, wpad[e].data(), C);
            step();
        }
        m.wpad_we_i = 0;
    }

    void fill_acc()
    {
        for (unsigned e = 0; e < AC; e++) {
            std::vector<uint32_t> v(C);
            for (unsigned n = 0; n < C; n++)
                v[n] = (uint32_t)rng();
            m.ld_we_i = 1;
            m.ld_waddr_i = e;
            put_bytes(m.ld_wdata_i, (const uint8_t *)v.data(), 4 * C);
            ref[e] = v;
            step();
        }
        m.ld_we_i = 0;
    }

    // Read the whole accumulator through the store port and compare with the model.
    void check_acc(const char *phase)
    {
        bool agent = st_agent;
        st_agent = false;
        while (m.st_re_i || st_pend)
            step();
        int bad = 0;
        for (unsigned e = 0; e < AC; e++) {
            m.st_re_i = 1;
            m.st_raddr_i = e;
            do
                step();
            while (!m.st_gnt_o && (m.st_re_i = 1));
            m.st_re_i = 0;
            step(); // data checked against the mirror by the agent logic
            for (unsigned n = 0; n < C; n++) {
                if (mirror[e][n] != ref[e][n] && bad++ < 5)
                    printf("ERROR %s: ACC[%u][%u] = %08x, model %08x\n", phase, e, n, mirror[e][n],
                           ref[e][n]);
            }
        }
        if (bad)
            errors += bad;
        printf("  %s: accumulator read back, %s\n", phase, bad ? "MISMATCH" : "matches the model");
        st_agent = agent;
    }

    // --- instructions --------------------------------------------------------------
    void push(const Insn &i) { sendq.push_back(i); }

    void wait_idle(unsigned max = 200000)
    {
        for (unsigned t = 0; t < max; t++) {
            if (sendq.empty() && !m.insn_valid_i && expq.empty() && m.idle_o)
                return;
            step();
        }
        error("timeout waiting for idle");
    }

    Insn random_insn(const Insn *prev)
    {
        Insn i{};
        i.w4 = rnd(2);
        i.acc = rnd(10) < 7;
        unsigned r = rnd(100);
        if (r < 55)
            i.rows = 1 + rnd(40);
        else if (r < 80)
            i.rows = R - 2 + rnd(5);
        else
            i.rows = 41 + rnd(160);
        unsigned maxr = i.w4 ? AP / 2 : AP;
        if (i.rows > maxr)
            i.rows = maxr;
        if (i.rows > AC)
            i.rows = AC;
        if (i.rows < 1)
            i.rows = 1;
        i.acc_addr = rnd(AC - i.rows + 1);
        if (prev && rnd(100) < 40) {
            unsigned d = 1 + rnd(3);
            int a = (int)(prev->acc_addr + prev->rows) - (int)d;
            if (a < 0)
                a = 0;
            if ((unsigned)a + i.rows <= AC)
                i.acc_addr = (unsigned)a;
        }
        i.apad = i.w4 ? 2 * rnd((AP - 2 * i.rows) / 2 + 1) : rnd(AP - i.rows + 1);
        i.wpad = rnd(WP - R + 1);
        return i;
    }

    // --- measurement ---------------------------------------------------------------
    struct Span {
        long long first_issue = -1, last_issue = -1, rows = 0, first_accept = -1, last_done = -1;
    };
    Span span;
    void reset_span() { span = Span(); }
    long long bubbles() const { return span.last_issue - span.first_issue + 1 - span.rows; }

    bool st_agent = false;
    bool valid_gaps = true;
    unsigned abort_cycles = 0;
    uint64_t cyc = 0;
    uint64_t n_done = 0, n_accept = 0, n_st_reads = 0, n_st_blocked = 0;

  private:
    Vtb_compute m;
    std::mt19937 rng;
    std::vector<std::vector<uint8_t>> apad, wpad;
    std::vector<std::vector<uint32_t>> ref, mirror;
    std::deque<Insn> sendq;
    std::deque<ExpWrite> expq;
    uint64_t outstanding = 0;
    bool st_pend = false;
    std::vector<uint32_t> st_pend_val;

    void encode(const Insn &i)
    {
        uint32_t w[4] = {0, 0, 0, 0};
        loom_insn_set(w, LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W, LOOM_OP_MATMUL);
        loom_insn_set(w, LOOM_MATMUL_MODE_LO, LOOM_MATMUL_MODE_W, i.w4 ? LOOM_MODE_W4A8 : LOOM_MODE_W8A8);
        loom_insn_set(w, LOOM_MATMUL_ACCUMULATE_LO, LOOM_MATMUL_ACCUMULATE_W, i.acc);
        loom_insn_set(w, LOOM_MATMUL_ACC_ADDR_LO, LOOM_MATMUL_ACC_ADDR_W, i.acc_addr);
        loom_insn_set(w, LOOM_MATMUL_APAD_ADDR_LO, LOOM_MATMUL_APAD_ADDR_W, i.apad);
        loom_insn_set(w, LOOM_MATMUL_WPAD_ADDR_LO, LOOM_MATMUL_WPAD_ADDR_W, i.wpad);
        loom_insn_set(w, LOOM_MATMUL_ROWS_LO, LOOM_MATMUL_ROWS_W, i.rows);
        for (int k = 0; k < 4; k++)
            m.insn_i[k] = w[k];
    }

    // The ISA formula, applied to the model in program order.
    void model(const Insn &in)
    {
        std::vector<int> a(2 * R);
        for (unsigned mm = 0; mm < in.rows; mm++) {
            if (in.w4) {
                for (unsigned k = 0; k < 2 * R; k++)
                    a[k] = (int8_t)(k < R ? apad[in.apad + 2 * mm][k] : apad[in.apad + 2 * mm + 1][k - R]);
            } else {
                for (unsigned k = 0; k < R; k++)
                    a[k] = (int8_t)apad[in.apad + mm][k];
            }
            ExpWrite ew{in.acc_addr + mm, std::vector<uint32_t>(C), mm + 1 == in.rows};
            for (unsigned n = 0; n < C; n++) {
                int32_t s = 0;
                for (unsigned j = 0; j < R; j++) {
                    uint8_t b = wpad[in.wpad + j][n];
                    if (in.w4)
                        s += a[2 * j] * s4lo(b) + a[2 * j + 1] * s4hi(b);
                    else
                        s += a[j] * (int8_t)b;
                }
                uint32_t old = in.acc ? ref[ew.addr][n] : 0;
                ew.v[n] = old + (uint32_t)s;
            }
            ref[ew.addr] = ew.v;
            expq.push_back(ew);
        }
    }

    void observe()
    {
        char msg[200];
        // instruction port
        if (m.abort_i && m.insn_ready_o)
            error("insn_ready_o during abort");
        if (!m.abort_i && (bool)m.idle_o != (outstanding == 0)) {
            snprintf(msg, sizeof msg, "idle_o=%d with %llu outstanding", m.idle_o,
                     (unsigned long long)outstanding);
            error(msg);
        }
        if (m.insn_valid_i && m.insn_ready_o) {
            model(sendq.front());
            sendq.pop_front();
            outstanding++;
            n_accept++;
            if (span.first_accept < 0)
                span.first_accept = (long long)cyc;
        }
        // store port (before this cycle's writes: read-during-write returns old data)
        bool mm_bank = (m.mm_raddr_o >> (31 - __builtin_clz(AC) - 1)) & 1;
        bool st_bank = (m.st_raddr_i >> (31 - __builtin_clz(AC) - 1)) & 1;
        bool exp_gnt = m.st_re_i && !(m.mm_re_o && mm_bank == st_bank);
        if ((bool)m.st_gnt_o != exp_gnt) {
            snprintf(msg, sizeof msg, "st_gnt_o=%d, expected %d (mm_re=%d)", m.st_gnt_o, exp_gnt, m.mm_re_o);
            error(msg);
        }
        if (m.st_re_i && !m.st_gnt_o)
            n_st_blocked++;
        if ((bool)m.st_rvalid_o != st_pend)
            error("st_rvalid_o does not follow the grant by one cycle");
        if (st_pend && m.st_rvalid_o) {
            for (unsigned n = 0; n < C; n++) {
                if (m.st_rdata_o[n] != st_pend_val[n]) {
                    snprintf(msg, sizeof msg, "store read lane %u: %08x, expected %08x", n, m.st_rdata_o[n],
                             st_pend_val[n]);
                    error(msg);
                    break;
                }
            }
        }
        st_pend = m.st_gnt_o;
        if (m.st_gnt_o) {
            st_pend_val = mirror[m.st_raddr_i % AC];
            n_st_reads++;
        }
        // accumulator writes
        if (m.ld_we_i && m.mm_we_o)
            error("ld and mm write in the same cycle");
        if (m.ld_we_i) {
            for (unsigned n = 0; n < C; n++)
                mirror[m.ld_waddr_i % AC][n] = m.ld_wdata_i[n];
        }
        if (m.abort_i && (m.mm_we_o || m.done_o))
            error("ACC write or done_o during abort");
        if (m.mm_we_o) {
            std::vector<uint32_t> got(C);
            for (unsigned n = 0; n < C; n++)
                got[n] = m.mm_wdata_o[n];
            if (m.mm_waddr_o >= AC)
                error("ACC write address out of range");
            else
                mirror[m.mm_waddr_o] = got;
            if (expq.empty()) {
                error("unexpected ACC write");
            } else {
                const ExpWrite &e = expq.front();
                if (e.addr != m.mm_waddr_o) {
                    snprintf(msg, sizeof msg, "ACC write to %u, expected %u", m.mm_waddr_o, e.addr);
                    error(msg);
                }
                for (unsigned n = 0; n < C; n++) {
                    if (got[n] != e.v[n]) {
                        snprintf(msg, sizeof msg, "ACC[%u] lane %u written %08x, expected %08x", e.addr, n,
                                 got[n], e.v[n]);
                        error(msg);
                        break;
                    }
                }
                if ((bool)m.done_o != e.last)
                    error(e.last ? "missing done_o with the last write" : "done_o before the last write");
                expq.pop_front();
            }
        } else if (m.done_o) {
            error("done_o without an ACC write");
        }
        if (m.done_o) {
            n_done++;
            if (outstanding == 0)
                error("done_o with nothing outstanding");
            else
                outstanding--;
            span.last_done = (long long)cyc;
        }
        if (m.abort_i)
            outstanding = 0;
        if (m.row_issue_o) {
            if (span.first_issue < 0)
                span.first_issue = (long long)cyc;
            span.last_issue = (long long)cyc;
            span.rows++;
        }
    }

    // Inputs for the next cycle.
    void drive()
    {
        // abort: drop everything the engine holds; the model follows the hardware
        if (abort_cycles) {
            m.abort_i = 1;
            m.insn_valid_i = 0;
            sendq.clear();
            expq.clear();
            abort_cycles--;
            return;
        }
        if (m.abort_i) {
            m.abort_i = 0;
            ref = mirror;
        }
        // instruction valid: held until accepted
        bool accepted = m.insn_valid_i && m.insn_ready_o;
        if (!m.insn_valid_i || accepted) {
            m.insn_valid_i = 0;
            if (!sendq.empty() && (!valid_gaps || rnd(4) != 0)) {
                encode(sendq.front());
                m.insn_valid_i = 1;
            }
        }
        // store agent: request held until granted
        if (!m.st_re_i || m.st_gnt_o) {
            m.st_re_i = 0;
            if (st_agent && rnd(3) == 0) {
                m.st_re_i = 1;
                m.st_raddr_i = rnd(AC);
            }
        }
    }
};

} // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Bench b(argc > 1 ? (uint32_t)strtoul(argv[1], nullptr, 0) : 1u);
    const unsigned R = b.R;

    b.fill_pads();
    b.fill_acc();

    // 1. random instruction mix, store reads in parallel; with gaps in insn_valid_i,
    //    then back to back
    b.st_agent = true;
    for (int dense = 0; dense < 2; dense++) {
        b.valid_gaps = !dense;
        Insn prev{};
        for (int n = 0; n < 1500; n++) {
            Insn i = b.random_insn(n ? &prev : nullptr);
            b.push(i);
            prev = i;
        }
        b.wait_idle();
        printf("  random%s: %llu instructions done, %llu store reads (%llu cycles held off by compute)\n",
               dense ? " back-to-back" : "", (unsigned long long)b.n_done, (unsigned long long)b.n_st_reads,
               (unsigned long long)b.n_st_blocked);
        b.check_acc("random");
    }
    b.valid_gaps = true;

    // 2. abort in the middle of streams and loads, then carry on
    for (int t = 0; t < 20; t++) {
        Insn prev{};
        for (int n = 0; n < 6; n++) {
            Insn i = b.random_insn(n ? &prev : nullptr);
            b.push(i);
            prev = i;
        }
        for (unsigned c = 0, w = 5 + b.rnd(120); c < w; c++)
            b.step();
        b.abort_cycles = 1 + b.rnd(3);
        for (int c = 0; c < 6; c++)
            b.step();
        b.wait_idle();
        Insn prev2{};
        for (int n = 0; n < 20; n++) {
            Insn i = b.random_insn(n ? &prev2 : nullptr);
            b.push(i);
            prev2 = i;
        }
        b.wait_idle();
    }
    b.check_acc("abort");
    b.st_agent = false;

    // 3. latency of a single instruction
    b.valid_gaps = false;
    {
        b.reset_span();
        b.push({false, true, 0, 0, 0, 1});
        b.wait_idle();
        long long lat = b.span.last_done - b.span.first_accept;
        printf("  latency: accept -> last ACC write of a 1-row MATMUL = %lld cycles (2*ROWS+COLS+3 = %u)\n", lat,
               2 * R + b.C + 3);
        if (lat != (long long)(2 * R + b.C + 3))
            b.error("latency differs from the documented pipeline");
    }

    // 4. back-to-back runs: bubbles between instructions
    struct Run {
        const char *name;
        unsigned rows;
        bool expect_zero;
    };
    const Run runs[] = {{"rows=64", 64, true}, {"rows=ROWS", R, true}, {"rows=ROWS+1", R + 1, true},
                        {"rows=ROWS-1", R - 1, false}, {"rows=1", 1, false}};
    for (const Run &r : runs) {
        const unsigned N = 16;
        b.reset_span();
        for (unsigned n = 0; n < N; n++) {
            bool w4 = n & 1;
            unsigned rows = r.rows;
            if (rows * (w4 ? 2 : 1) > b.AP)
                rows = b.AP / 2;
            // a K-loop: every instruction accumulates into the same rows
            b.push({w4, n != 0, 0, w4 ? 2 * (n % 3) : n % 5, (n * 7) % (b.WP - R + 1), rows});
        }
        b.wait_idle();
        long long total = b.span.last_done - b.span.first_accept + 1;
        printf("  back-to-back %-12s x%u: %lld rows issued over %lld cycles, %lld bubbles; "
               "accept->last done %lld cycles = rows + %lld\n",
               r.name, N, b.span.rows, b.span.last_issue - b.span.first_issue + 1, b.bubbles(), total,
               total - b.span.rows);
        if (r.expect_zero && b.bubbles() != 0)
            b.error("bubbles between back-to-back MATMULs with rows >= ROWS");
        if (!r.expect_zero && b.bubbles() != (long long)(N - 1) * (R - r.rows))
            b.error("rows < ROWS: expected exactly ROWS-rows idle cycles per instruction");
    }

    // 5. read-after-write hazard: stalls only when an accumulating row would read an
    //    entry written by a row issued 1 or 2 cycles earlier
    {
        struct Haz {
            unsigned overlap;
            bool acc;
            long long expect;
        };
        const Haz hz[] = {{1, true, 2}, {2, true, 1}, {3, true, 0}, {0, true, 0}, {1, false, 0}};
        for (const Haz &h : hz) {
            b.reset_span();
            b.push({false, true, 0, 0, 0, 64});
            b.push({true, h.acc, 64 - h.overlap, 0, 0, 8});
            b.wait_idle();
            printf("  hazard: overlap %u accumulate %d -> %lld stall cycles (expected %lld)\n", h.overlap, h.acc,
                   b.bubbles(), h.expect);
            if (b.bubbles() != h.expect)
                b.error("unexpected hazard stall count");
        }
    }
    b.check_acc("final");

    if (b.errors) {
        printf("FAIL: %d errors\n", b.errors);
        return 1;
    }
    printf("PASS (%llu cycles)\n", (unsigned long long)b.cyc);
    return 0;
}
