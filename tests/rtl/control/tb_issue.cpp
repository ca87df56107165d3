// SPDX-License-Identifier: Apache-2.0
// loom_issue x3 + loom_tokens (tb_issue.sv) with C++ stub engines of random latency and
// readiness. A scoreboard checks, every cycle: pops only at issue, equal to the issued
// instruction's flags and only from non-empty counters; pushes only at completion, in
// program order per queue, after the engine's done (SYNC: after everything before it);
// the two compute engines never overlap; counters and overflow exactly as a model.
// Random token programs that are valid in program order must run to completion.
// Directed: SYNC ordering, overflow, the blocked/deadlock flags, engine switch, clear.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vtb_issue.h"
#include "verilated.h"
#include "loom/loom_isa.h"

static const unsigned TOKEN_MAX = 7;
static int fails = 0;
#define CHECK(c, ...)                                                       \
    do {                                                                    \
        if (!(c)) {                                                         \
            if (fails++ < 20) {                                             \
                fprintf(stderr, "FAIL %s:%d cycle %lu: ", __FILE__, __LINE__, (unsigned long)now); \
                fprintf(stderr, __VA_ARGS__);                               \
                fprintf(stderr, "\n");                                      \
            }                                                               \
        }                                                                   \
    } while (0)

enum { PP = 1, PN = 2, UP = 4, UN = 8 };   // pop_prev, pop_next, push_prev, push_next

struct Insn {
    unsigned q;       // queue
    unsigned opc;     // LOOM_OP_*
    unsigned flags;   // PP|PN|UP|UN
    unsigned lat;     // engine latency (cycles)
    uint16_t slot;
    // scoreboard
    bool issued = false, done = false, completed = false;
    uint64_t t_issue = 0, t_done = 0, t_complete = 0;
};

// Counter touched by a queue's flag: pop_prev/pop_next/push_prev/push_next -> index.
static int pop_ctr(unsigned q, bool next) {
    if (q == 0) return next ? 1 : -1;
    if (q == 1) return next ? 3 : 0;
    return next ? -1 : 2;
}
static int push_ctr(unsigned q, bool next) {
    if (q == 0) return next ? 0 : -1;
    if (q == 1) return next ? 2 : 1;
    return next ? -1 : 3;
}
static int engine_of(const Insn &i) {
    if (i.q == 0) return 0;
    if (i.q == 2) return 3;
    return i.opc == LOOM_OP_MATMUL ? 2 : 1;
}

struct Bench {
    Vtb_issue *top;
    uint64_t now = 0;
    std::mt19937 rng;
    std::vector<Insn> prog;
    size_t feed = 0;
    std::deque<size_t> eng[4];            // accepted, not done: prog index
    std::deque<size_t> order[3];          // dispatched, not completed, per queue
    std::deque<size_t> to_issue[3];       // dispatched, not issued
    unsigned cnt[4] = {0, 0, 0, 0};
    unsigned ready_pct = 70;
    bool overflowed = false;
    uint64_t overflow_cycle = 0;

    Bench(VerilatedContext *ctx, unsigned seed) : rng(seed) {
        top = new Vtb_issue{ctx};
        top->clk_i = 0;
        top->rst_ni = 1;
        top->eval();
        top->rst_ni = 0;   // falling edge: asynchronous reset
        top->eval();
        for (int k = 0; k < 2; k++) {
            top->clk_i = 1; top->eval(); top->clk_i = 0; top->eval();
        }
        top->rst_ni = 1;
        top->eval();
    }
    ~Bench() { top->final(); delete top; }

    void add(unsigned q, unsigned opc, unsigned flags, unsigned lat = 1) {
        Insn i;
        i.q = q; i.opc = opc; i.flags = flags; i.lat = lat;
        i.slot = (uint16_t)prog.size();
        prog.push_back(i);
    }

    void cycle() {
        // ---- inputs
        top->in_valid_i = 0;
        top->in_op_i = 0;
        top->in_slot_i = 0;
        if (feed < prog.size()) {
            const Insn &i = prog[feed];
            top->in_valid_i = 1u << i.q;
            top->in_op_i = (uint32_t)(i.opc | (i.flags << 4)) << (8 * i.q);
            top->in_slot_i = (uint64_t)i.slot << (16 * i.q);
        }
        unsigned ready = 0, done = 0;
        for (int e = 0; e < 4; e++) {
            if (rng() % 100 < ready_pct) ready |= 1u << e;
            if (!eng[e].empty() && prog[eng[e].front()].t_issue + prog[eng[e].front()].lat <= now)
                done |= 1u << e;
        }
        top->eng_ready_i = ready;
        top->eng_done_i = done;
        top->clk_i = 0;
        top->eval();

        // ---- observe
        bool pushed_in = feed < prog.size() && ((top->in_ready_o >> prog[feed].q) & 1);
        unsigned exp_pop = 0, exp_push = 0;
        for (unsigned q = 0; q < 3; q++) {
            if ((top->issue_o >> q) & 1) {
                CHECK(!to_issue[q].empty(), "queue %u issued with nothing dispatched", q);
                if (to_issue[q].empty()) continue;
                Insn &i = prog[to_issue[q].front()];
                to_issue[q].pop_front();
                i.issued = true;
                i.t_issue = now;
                if (i.flags & PP) exp_pop |= 1u << pop_ctr(q, false);
                if (i.flags & PN) exp_pop |= 1u << pop_ctr(q, true);
                if (i.opc != LOOM_OP_SYNC) {
                    int e = engine_of(i);
                    bool hs = ((top->eng_valid_o >> e) & 1) && ((ready >> e) & 1);
                    uint16_t s = (uint16_t)(top->eng_slot_o >> (16 * e));
                    CHECK(hs && s == i.slot, "insn %u issued without handshake on engine %d", i.slot, e);
                    eng[e].push_back(i.slot);
                }
            }
        }
        for (int e = 0; e < 4; e++) {
            bool hs = ((top->eng_valid_o >> e) & 1) && ((ready >> e) & 1);
            bool mine = !eng[e].empty() && prog[eng[e].back()].t_issue == now && prog[eng[e].back()].issued;
            CHECK(!hs || mine, "engine %d handshake without an issue", e);
        }
        CHECK(eng[1].empty() || eng[2].empty(), "compute engines overlap");
        for (unsigned q = 0; q < 3; q++) {
            if ((top->complete_o >> q) & 1) {
                CHECK(!order[q].empty(), "queue %u completed with nothing in flight", q);
                if (order[q].empty()) continue;
                Insn &i = prog[order[q].front()];
                order[q].pop_front();
                CHECK(i.issued, "insn %u completed before issue", i.slot);
                CHECK(i.opc == LOOM_OP_SYNC || i.done || ((done >> engine_of(i)) & 1 && eng[engine_of(i)].front() == i.slot),
                      "insn %u completed before its engine finished", i.slot);
                uint16_t ps = (uint16_t)(top->push_slot_o >> (16 * q));
                CHECK(ps == i.slot, "push slot %u, expected %u", ps, i.slot);
                unsigned pf = (top->push_o >> (2 * q)) & 3;
                CHECK(pf == (((i.flags & UN) ? 2u : 0u) | ((i.flags & UP) ? 1u : 0u)),
                      "insn %u push flags %u", i.slot, pf);
                if (i.flags & UP) exp_push |= 1u << push_ctr(q, false);
                if (i.flags & UN) exp_push |= 1u << push_ctr(q, true);
                i.completed = true;
                i.t_complete = now;
            } else {
                CHECK(((top->push_o >> (2 * q)) & 3) == 0, "queue %u pushes without completion", q);
            }
        }
        CHECK(top->tok_pop_o == exp_pop, "pops %x expected %x", top->tok_pop_o, exp_pop);
        CHECK(top->tok_push_o == exp_push, "pushes %x expected %x", top->tok_push_o, exp_push);
        unsigned exp_ovf = 0;
        for (int c = 0; c < 4; c++) {
            bool pop = (exp_pop >> c) & 1, push = (exp_push >> c) & 1;
            CHECK(!pop || cnt[c] > 0, "pop of empty counter %d", c);
            if (push && !pop && cnt[c] == TOKEN_MAX) exp_ovf |= 1u << c;
            else cnt[c] = cnt[c] + push - pop;
        }
        CHECK(top->tok_overflow_o == exp_ovf, "overflow %x expected %x", top->tok_overflow_o, exp_ovf);
        if (exp_ovf && !overflowed) {
            overflowed = true;
            overflow_cycle = now;
        }

        // ---- edge
        top->clk_i = 1;
        top->eval();
        for (int e = 0; e < 4; e++) {
            if ((done >> e) & 1) {
                Insn &i = prog[eng[e].front()];
                i.done = true;
                i.t_done = now;
                eng[e].pop_front();
            }
        }
        if (pushed_in) {
            order[prog[feed].q].push_back(feed);
            to_issue[prog[feed].q].push_back(feed);
            feed++;
        }
        now++;
        for (int c = 0; c < 4; c++) {
            unsigned got = (top->tok_count_o >> (8 * c)) & 0xFF;
            CHECK(got == cnt[c], "counter %d = %u, model %u", c, got, cnt[c]);
        }
        CHECK(top->tok_all_zero_o == (cnt[0] + cnt[1] + cnt[2] + cnt[3] == 0), "all_zero");
    }

    bool all_done() const {
        if (feed < prog.size()) return false;
        for (const auto &i : prog)
            if (!i.completed) return false;
        return true;
    }
    // Runs until everything completed (true) or max cycles / overflow (false).
    bool run(uint64_t max) {
        for (uint64_t n = 0; n < max; n++) {
            if (all_done()) return true;
            if (overflowed) return false;
            cycle();
        }
        return all_done();
    }
    void idle(unsigned n) {
        for (unsigned k = 0; k < n; k++) cycle();
    }
};

// A random program valid in program order: every pop has a token pushed earlier, and
// every token is popped by the end.
static void random_program(Bench &b, std::mt19937 &rng, unsigned n, unsigned maxlat) {
    unsigned seq[4] = {0, 0, 0, 0};
    for (unsigned k = 0; k < n; k++) {
        unsigned q = rng() % 3, opc;
        if (rng() % 6 == 0) opc = LOOM_OP_SYNC;
        else if (q == 0) opc = LOOM_OP_LOAD;
        else if (q == 2) opc = LOOM_OP_STORE;
        else opc = rng() % 3 ? LOOM_OP_MATMUL : LOOM_OP_LOAD;
        unsigned f = 0;
        for (int next = 0; next < 2; next++) {
            int c = pop_ctr(q, next);
            if (c >= 0 && seq[c] > 0 && rng() % 2) {
                seq[c]--;
                f |= next ? PN : PP;
            }
            c = push_ctr(q, next);
            if (c >= 0 && seq[c] < 2 && rng() % 5 < 2) {
                seq[c]++;
                f |= next ? UN : UP;
            }
        }
        b.add(q, opc, f, 1 + rng() % maxlat);
    }
    // Drain: the popping queue takes every token left.
    for (int c = 0; c < 4; c++) {
        unsigned q = c == 0 ? 1 : c == 1 ? 0 : c == 2 ? 2 : 1;
        bool next = c == 1 || c == 3;
        while (seq[c]--) b.add(q, LOOM_OP_SYNC, next ? PN : PP);
    }
}

int main(int argc, char **argv) {
    VerilatedContext ctx;
    ctx.commandArgs(argc, argv);
    uint64_t now = 0;   // for CHECK in main
    std::mt19937 rng(7);

    // ---- random programs
    unsigned completed = 0, ovf = 0;
    for (unsigned run = 0; run < 300; run++) {
        Bench b(&ctx, 1000 + run);
        b.ready_pct = 30 + rng() % 71;
        random_program(b, rng, 20 + rng() % 200, 1 + rng() % 40);
        bool ok = b.run(200000);
        now = b.now;
        if (b.overflowed) {
            ovf++;
        } else {
            CHECK(ok, "random run %u did not finish (%zu insns, fed %zu)", run, b.prog.size(), b.feed);
            if (ok) {
                completed++;
                for (int c = 0; c < 4; c++) CHECK(b.cnt[c] == 0, "run %u: counter %d left %u", run, c, b.cnt[c]);
                b.idle(3);
                CHECK(b.top->empty_o == 7, "run %u: queues not empty at the end", run);
            }
        }
    }
    printf("random: %u programs completed, %u stopped at a (correctly flagged) overflow\n", completed, ovf);
    CHECK(completed > 200, "too few random programs completed");

    // ---- SYNC: its push waits for the long MATMUL before it; the store SYNC waits for it
    {
        Bench b(&ctx, 1);
        b.ready_pct = 100;
        b.add(1, LOOM_OP_MATMUL, 0, 50);
        b.add(1, LOOM_OP_SYNC, UN);
        b.add(2, LOOM_OP_SYNC, PP);
        b.add(2, LOOM_OP_STORE, 0, 3);
        now = b.now;
        CHECK(b.run(1000), "sync program did not finish");
        now = b.now;
        CHECK(b.prog[1].t_issue < 5, "compute SYNC should issue at once (took its slot in flight)");
        CHECK(b.prog[1].t_complete >= b.prog[0].t_done, "SYNC pushed before the MATMUL completed");
        CHECK(b.prog[2].t_issue > b.prog[0].t_done, "store SYNC issued before the token existed");
    }

    // ---- overflow at exactly TOKEN_MAX+1 pushes
    {
        Bench b(&ctx, 2);
        for (unsigned k = 0; k <= TOKEN_MAX; k++) b.add(0, LOOM_OP_SYNC, UN);
        b.run(1000);
        now = b.now;
        CHECK(b.overflowed, "no overflow after %u pushes", TOKEN_MAX + 1);
        CHECK(b.cnt[0] == TOKEN_MAX, "counter %u at overflow", b.cnt[0]);
        CHECK(b.prog[TOKEN_MAX].completed, "overflow not on the last push");
    }
    {
        Bench b(&ctx, 3);   // TOKEN_MAX pushes: no overflow
        for (unsigned k = 0; k < TOKEN_MAX; k++) b.add(0, LOOM_OP_SYNC, UN);
        for (unsigned k = 0; k < TOKEN_MAX; k++) b.add(1, LOOM_OP_SYNC, PP);
        now = b.now;
        CHECK(b.run(1000) && !b.overflowed, "TOKEN_MAX tokens must not overflow");
    }

    // ---- blocked / deadlock flags
    {
        Bench b(&ctx, 4);
        b.ready_pct = 100;
        b.add(1, LOOM_OP_MATMUL, PP, 5);   // nobody ever pushes L2C
        b.idle(10);
        now = b.now;
        CHECK(b.top->stall_token_o == 2 && b.top->blocked_o == 2, "compute must be blocked (stall %u blocked %u)",
              b.top->stall_token_o, b.top->blocked_o);
        CHECK((b.top->empty_o & 5) == 5, "load and store queues must be empty");
    }
    {
        Bench b(&ctx, 5);
        b.ready_pct = 100;
        b.add(1, LOOM_OP_MATMUL, 0, 30);    // in flight
        b.add(1, LOOM_OP_MATMUL, PP, 5);    // waits for a token; queue not idle
        b.add(0, LOOM_OP_LOAD, UN, 60);     // will push it
        b.idle(8);
        now = b.now;
        CHECK(b.top->stall_token_o == 2 && b.top->blocked_o == 0, "stall but not blocked while MATMUL in flight");
        b.idle(30);
        now = b.now;
        CHECK(b.top->blocked_o == 2 && (b.top->empty_o & 1) == 0,
              "blocked with the pushing LOAD still in flight (no deadlock for the dispatcher)");
        CHECK(b.run(1000), "program with a late token did not finish");
        now = b.now;
        CHECK(b.prog[1].t_issue > b.prog[2].t_done, "MATMUL issued before the LOAD pushed");
    }

    // ---- engine switch: MATMUL waits until the ACC load is done, and back
    {
        Bench b(&ctx, 6);
        b.ready_pct = 100;
        b.add(1, LOOM_OP_LOAD, 0, 30);
        b.add(1, LOOM_OP_MATMUL, 0, 20);
        b.add(1, LOOM_OP_MATMUL, 0, 20);
        b.add(1, LOOM_OP_LOAD, 0, 5);
        now = b.now;
        CHECK(b.run(1000), "engine switch program did not finish");
        now = b.now;
        CHECK(b.prog[1].t_issue > b.prog[0].t_done, "MATMUL overlapped the ACC load");
        CHECK(b.prog[2].t_issue < b.prog[1].t_done, "same-engine MATMULs should pipeline");
        CHECK(b.prog[3].t_issue > b.prog[2].t_done, "ACC load overlapped the MATMUL");
    }

    // ---- clear in flight empties everything
    {
        Bench b(&ctx, 7);
        b.add(0, LOOM_OP_SYNC, UN);
        b.add(0, LOOM_OP_LOAD, UN, 1000);
        b.add(1, LOOM_OP_MATMUL, PP, 4);
        b.add(1, LOOM_OP_MATMUL, PP, 4);
        b.idle(20);
        b.top->clear_i = 1;
        b.top->clk_i = 0; b.top->eval();
        b.top->clk_i = 1; b.top->eval();
        b.top->clear_i = 0;
        b.top->clk_i = 0; b.top->eval();
        now = b.now;
        CHECK(b.top->empty_o == 7 && b.top->tok_all_zero_o && b.top->stall_token_o == 0,
              "clear left state behind (empty %u)", b.top->empty_o);
    }

    printf("loom_issue + loom_tokens: %d failures\n", fails);
    return fails ? 1 : 0;
}
