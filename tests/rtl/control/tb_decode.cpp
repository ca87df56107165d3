// SPDX-License-Identifier: Apache-2.0
// loom_decode: every error code from hand-built instructions (and the check order when
// several rules fail), legal instructions at the exact range edges, then random
// instructions against an independent C++ reading of docs/isa.md.
// Parameters come from the build: LOOM_ROWS, LOOM_COLS, LOOM_APAD, LOOM_WPAD, LOOM_ACC,
// LOOM_MODES (must match the -G flags in control.mk).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "Vloom_decode.h"
#include "verilated.h"
#include "loom/loom_isa.h"

static const uint64_t ROWS = LOOM_ROWS, COLS = LOOM_COLS;
static const uint64_t APAD = LOOM_APAD, WPAD = LOOM_WPAD, ACC = LOOM_ACC;
static const unsigned MODES = LOOM_MODES;

struct Insn {
    uint32_t w[4] = {0, 0, 0, 0};
    Insn &f(unsigned lo, unsigned width, uint64_t v) { loom_insn_set(w, lo, width, v); return *this; }
    uint64_t g(unsigned lo, unsigned width) const { return loom_insn_get(w, lo, width); }
};

static Insn op(unsigned opcode) { return Insn().f(LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W, opcode); }

static Insn load(unsigned mem, uint64_t sram, uint64_t off, uint64_t rows, uint64_t cols, uint64_t stride) {
    return op(LOOM_OP_LOAD).f(LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W, mem)
        .f(LOOM_LOAD_SRAM_ADDR_LO, LOOM_LOAD_SRAM_ADDR_W, sram)
        .f(LOOM_LOAD_DRAM_OFF_LO, LOOM_LOAD_DRAM_OFF_W, off)
        .f(LOOM_LOAD_ROWS_LO, LOOM_LOAD_ROWS_W, rows)
        .f(LOOM_LOAD_COLS_LO, LOOM_LOAD_COLS_W, cols)
        .f(LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W, stride);
}
static Insn matmul(unsigned mode, uint64_t acc, uint64_t apad, uint64_t wpad, uint64_t rows) {
    return op(LOOM_OP_MATMUL).f(LOOM_MATMUL_MODE_LO, LOOM_MATMUL_MODE_W, mode)
        .f(LOOM_MATMUL_ACC_ADDR_LO, LOOM_MATMUL_ACC_ADDR_W, acc)
        .f(LOOM_MATMUL_APAD_ADDR_LO, LOOM_MATMUL_APAD_ADDR_W, apad)
        .f(LOOM_MATMUL_WPAD_ADDR_LO, LOOM_MATMUL_WPAD_ADDR_W, wpad)
        .f(LOOM_MATMUL_ROWS_LO, LOOM_MATMUL_ROWS_W, rows);
}
static Insn store(bool i32, bool bias, uint64_t acc, uint64_t off, uint64_t rows, uint64_t pp,
                  uint64_t cols, uint64_t stride) {
    return op(LOOM_OP_STORE).f(LOOM_STORE_OUT_I32_LO, 1, i32).f(LOOM_STORE_BIAS_EN_LO, 1, bias)
        .f(LOOM_STORE_ACC_ADDR_LO, LOOM_STORE_ACC_ADDR_W, acc)
        .f(LOOM_STORE_DRAM_OFF_LO, LOOM_STORE_DRAM_OFF_W, off)
        .f(LOOM_STORE_ROWS_LO, LOOM_STORE_ROWS_W, rows)
        .f(LOOM_STORE_PP_ADDR_LO, LOOM_STORE_PP_ADDR_W, pp)
        .f(LOOM_STORE_COLS_LO, LOOM_STORE_COLS_W, cols)
        .f(LOOM_STORE_STRIDE_LO, LOOM_STORE_STRIDE_W, stride);
}
static Insn sync_(unsigned q) { return op(LOOM_OP_SYNC).f(LOOM_SYNC_QUEUE_LO, LOOM_SYNC_QUEUE_W, q); }
static Insn flags(Insn i, unsigned f4) { return i.f(LOOM_F_POP_PREV_LO, 4, f4); }  // bits 7:4
static Insn bit(Insn i, unsigned b) { return i.f(b, 1, 1); }

// ------------------------------------------------------------------ reference
// Written from docs/isa.md without looking at the RTL.
struct Ref { unsigned err; int queue; };   // queue: 0..2, 3 fence/end

static Ref ref_decode(const Insn &in, uint32_t base, uint32_t limit) {
    unsigned opc = (unsigned)in.g(0, 4);
    if (opc < 1 || opc > 6) return {LOOM_HWERR_ILLEGAL_OPCODE, 3};
    const uint32_t *rs = nullptr;
    static const uint32_t r_load[4] = {LOOM_LOAD_RSVD_W0, LOOM_LOAD_RSVD_W1, LOOM_LOAD_RSVD_W2, LOOM_LOAD_RSVD_W3};
    static const uint32_t r_mm[4] = {LOOM_MATMUL_RSVD_W0, LOOM_MATMUL_RSVD_W1, LOOM_MATMUL_RSVD_W2, LOOM_MATMUL_RSVD_W3};
    static const uint32_t r_st[4] = {LOOM_STORE_RSVD_W0, LOOM_STORE_RSVD_W1, LOOM_STORE_RSVD_W2, LOOM_STORE_RSVD_W3};
    static const uint32_t r_sy[4] = {LOOM_SYNC_RSVD_W0, LOOM_SYNC_RSVD_W1, LOOM_SYNC_RSVD_W2, LOOM_SYNC_RSVD_W3};
    static const uint32_t r_fe[4] = {LOOM_FENCE_RSVD_W0, LOOM_FENCE_RSVD_W1, LOOM_FENCE_RSVD_W2, LOOM_FENCE_RSVD_W3};
    static const uint32_t r_en[4] = {LOOM_END_RSVD_W0, LOOM_END_RSVD_W1, LOOM_END_RSVD_W2, LOOM_END_RSVD_W3};
    switch (opc) {
    case LOOM_OP_LOAD: rs = r_load; break;
    case LOOM_OP_MATMUL: rs = r_mm; break;
    case LOOM_OP_STORE: rs = r_st; break;
    case LOOM_OP_SYNC: rs = r_sy; break;
    case LOOM_OP_FENCE: rs = r_fe; break;
    default: rs = r_en; break;
    }
    for (int k = 0; k < 4; k++)
        if (in.w[k] & rs[k]) return {LOOM_HWERR_RESERVED_BITS, 3};

    int q = 3;
    if (opc == LOOM_OP_LOAD) q = in.g(LOOM_LOAD_MEM_LO, 2) == LOOM_MEM_ACC ? 1 : 0;
    if (opc == LOOM_OP_MATMUL) q = 1;
    if (opc == LOOM_OP_STORE) q = 2;
    if (opc == LOOM_OP_SYNC) q = (int)in.g(LOOM_SYNC_QUEUE_LO, 2);
    bool pp = in.g(4, 1), pn = in.g(5, 1), up = in.g(6, 1), un = in.g(7, 1);
    if (opc == LOOM_OP_FENCE || opc == LOOM_OP_END) {
        if (pp || pn || up || un) return {LOOM_HWERR_BAD_FIELD, q};
    } else if (q == 0 && (pp || up)) return {LOOM_HWERR_BAD_FIELD, q};
    else if (q == 2 && (pn || un)) return {LOOM_HWERR_BAD_FIELD, q};

    uint64_t window = limit >= base ? (uint64_t)limit - base : 0;
    if (opc == LOOM_OP_MATMUL) {
        unsigned mode = (unsigned)in.g(LOOM_MATMUL_MODE_LO, 4);
        if (mode > 1 || !((MODES >> mode) & 1)) return {LOOM_HWERR_BAD_MODE, q};
        uint64_t acc = in.g(16, 16), ap = in.g(32, 16), wp = in.g(48, 16), m = in.g(64, 16);
        if (m == 0 || (mode == 1 && (ap & 1))) return {LOOM_HWERR_BAD_FIELD, q};
        if (acc + m > ACC || wp + ROWS > WPAD || ap + (mode == 1 ? 2 * m : m) > APAD)
            return {LOOM_HWERR_SRAM_RANGE, q};
        return {0, q};
    }
    if (opc == LOOM_OP_LOAD) {
        unsigned mem = (unsigned)in.g(8, 2);
        uint64_t sram = in.g(16, 16), off = in.g(32, 32), rows = in.g(64, 16), cols = in.g(80, 16),
                 stride = in.g(96, 24);
        if (mem == 3 || rows == 0 || cols == 0) return {LOOM_HWERR_BAD_FIELD, q};
        if (mem == LOOM_MEM_ACC && ((off % 4) || (stride % 4))) return {LOOM_HWERR_BAD_FIELD, q};
        uint64_t e = mem == LOOM_MEM_APAD ? ROWS : COLS;
        uint64_t depth = mem == LOOM_MEM_APAD ? APAD : mem == LOOM_MEM_WPAD ? WPAD : ACC;
        uint64_t epr = (cols + e - 1) / e;
        if (sram + rows * epr > depth) return {LOOM_HWERR_SRAM_RANGE, q};
        uint64_t esize = mem == LOOM_MEM_ACC ? 4 : 1;
        if (off + (rows - 1) * stride + cols * esize > window) return {LOOM_HWERR_DMA_WINDOW, q};
        return {0, q};
    }
    if (opc == LOOM_OP_STORE) {
        bool i32 = in.g(8, 1), bias = in.g(10, 1);
        uint64_t acc = in.g(16, 16), off = in.g(32, 32), rows = in.g(64, 16), pp_ = in.g(80, 16),
                 cols = in.g(96, 8), stride = in.g(104, 24);
        if (rows == 0 || cols == 0 || cols > COLS) return {LOOM_HWERR_BAD_FIELD, q};
        if (i32 && ((off % 4) || (stride % 4))) return {LOOM_HWERR_BAD_FIELD, q};
        if (acc + rows > ACC) return {LOOM_HWERR_SRAM_RANGE, q};
        if (!i32 && pp_ + 3 > ACC) return {LOOM_HWERR_SRAM_RANGE, q};
        if (i32 && bias && pp_ + 1 > ACC) return {LOOM_HWERR_SRAM_RANGE, q};
        if (off + (rows - 1) * stride + cols * (i32 ? 4 : 1) > window) return {LOOM_HWERR_DMA_WINDOW, q};
        return {0, q};
    }
    if (opc == LOOM_OP_SYNC && q == 3) return {LOOM_HWERR_BAD_FIELD, q};
    return {0, q};
}

// ------------------------------------------------------------------ DUT
static Vloom_decode *dut;
static int fails = 0, checks = 0;

static Ref run(const Insn &in, uint32_t base, uint32_t limit) {
    for (int k = 0; k < 4; k++) dut->insn_i[k] = in.w[k];
    dut->dma_base_i = base;
    dut->dma_limit_i = limit;
    dut->eval();
    int q = (dut->fence_o || dut->end_o) ? 3 : dut->queue_o;
    return {dut->err_o, q};
}

static void show(const Insn &in) {
    fprintf(stderr, "insn %08x_%08x_%08x_%08x", in.w[3], in.w[2], in.w[1], in.w[0]);
}

static const uint32_t BASE = 0x10000000u, LIMIT = 0x10100000u, WIN = LIMIT - BASE;

static void expect(const char *name, const Insn &in, unsigned err, int queue = -1,
                   uint32_t base = BASE, uint32_t limit = LIMIT) {
    checks++;
    Ref r = run(in, base, limit);
    Ref m = ref_decode(in, base, limit);
    bool ok = r.err == err && m.err == err && (queue < 0 || err != 0 || r.queue == queue);
    if (!ok) {
        fails++;
        fprintf(stderr, "FAIL %s: rtl err %u q %d, ref err %u, expected %u q %d: ", name, r.err, r.queue,
                m.err, err, queue);
        show(in);
        fprintf(stderr, "\n");
    }
}

int main(int argc, char **argv) {
    VerilatedContext ctx;
    ctx.commandArgs(argc, argv);
    dut = new Vloom_decode{&ctx};
    const unsigned OK = LOOM_HWERR_NONE, ILL = LOOM_HWERR_ILLEGAL_OPCODE, RSV = LOOM_HWERR_RESERVED_BITS,
                   MOD = LOOM_HWERR_BAD_MODE, SRAM = LOOM_HWERR_SRAM_RANGE, DMA = LOOM_HWERR_DMA_WINDOW,
                   BAD = LOOM_HWERR_BAD_FIELD;
    const Insn ld_ok = load(LOOM_MEM_APAD, 0, 0, 1, ROWS, 0);
    const Insn mm_ok = matmul(LOOM_MODE_W8A8, 0, 0, 0, 1);
    const Insn st_ok = store(false, false, 0, 0, 1, 0, COLS, 0);

    // ---- queue routing of legal instructions
    expect("load apad -> load q", ld_ok, OK, 0);
    expect("load wpad -> load q", load(LOOM_MEM_WPAD, 0, 0, 1, COLS, 0), OK, 0);
    expect("load acc -> compute q", load(LOOM_MEM_ACC, 0, 0, 1, COLS, 0), OK, 1);
    expect("matmul -> compute q", mm_ok, OK, 1);
    expect("store -> store q", st_ok, OK, 2);
    for (unsigned q = 0; q < 3; q++) expect("sync -> named q", sync_(q), OK, (int)q);
    expect("fence", op(LOOM_OP_FENCE), OK, 3);
    expect("fence irq", bit(op(LOOM_OP_FENCE), LOOM_FENCE_IRQ_LO), OK, 3);
    expect("end", op(LOOM_OP_END), OK, 3);

    // ---- ILLEGAL_OPCODE (first check: wins over everything)
    expect("opcode 0 (zeroed memory)", Insn(), ILL);
    for (unsigned o = 7; o < 16; o++) expect("opcode 7..15", op(o), ILL);
    {
        Insn all;
        for (auto &w : all.w) w = 0xFFFFFFFFu;
        expect("opcode 15, every bit set", all, ILL);
        all.f(0, 4, 0);
        expect("opcode 0, every other bit set", all, ILL);
    }

    // ---- RESERVED_BITS, each opcode, lowest and highest reserved bit; beats later rules
    expect("load rsvd bit 10", bit(ld_ok, 10), RSV);
    expect("load rsvd bit 15", bit(ld_ok, 15), RSV);
    expect("load rsvd bit 120", bit(ld_ok, 120), RSV);
    expect("load rsvd bit 127", bit(ld_ok, 127), RSV);
    expect("matmul rsvd bit 13", bit(mm_ok, 13), RSV);
    expect("matmul rsvd bit 80", bit(mm_ok, 80), RSV);
    expect("matmul rsvd bit 127", bit(mm_ok, 127), RSV);
    expect("store rsvd bit 11", bit(st_ok, 11), RSV);
    expect("store rsvd bit 15", bit(st_ok, 15), RSV);
    expect("sync rsvd bit 10", bit(sync_(0), 10), RSV);
    expect("sync rsvd bit 127", bit(sync_(0), 127), RSV);
    expect("fence rsvd bit 9", bit(op(LOOM_OP_FENCE), 9), RSV);
    expect("end rsvd bit 8", bit(op(LOOM_OP_END), 8), RSV);
    expect("end rsvd bit 127", bit(op(LOOM_OP_END), 127), RSV);
    expect("order: rsvd before token flags", bit(flags(op(LOOM_OP_END), 0xF), 100), RSV);
    expect("order: rsvd before bad mode", bit(matmul(9, 0, 0, 0, 0), 13), RSV);
    expect("order: rsvd before bad field", bit(load(3, 0, 0, 0, 0, 0), 10), RSV);

    // ---- token-flag direction (BAD_FIELD), before mode / fields / ranges
    expect("load apad pop_prev", flags(ld_ok, 0x1), BAD);
    expect("load wpad push_prev", flags(load(LOOM_MEM_WPAD, 0, 0, 1, 1, 0), 0x4), BAD);
    expect("load apad pop_next+push_next ok", flags(ld_ok, 0xA), OK, 0);
    expect("load acc (compute) all flags ok", flags(load(LOOM_MEM_ACC, 0, 0, 1, 1, 0), 0xF), OK, 1);
    expect("matmul all flags ok", flags(mm_ok, 0xF), OK, 1);
    expect("store pop_next", flags(st_ok, 0x2), BAD);
    expect("store push_next", flags(st_ok, 0x8), BAD);
    expect("store pop_prev+push_prev ok", flags(st_ok, 0x5), OK, 2);
    for (unsigned f = 1; f < 16; f++) {
        expect("fence with a flag", flags(op(LOOM_OP_FENCE), f), BAD);
        expect("end with a flag", flags(op(LOOM_OP_END), f), BAD);
    }
    expect("sync load pop_prev", flags(sync_(0), 0x1), BAD);
    expect("sync load push_prev", flags(sync_(0), 0x4), BAD);
    expect("sync load next ok", flags(sync_(0), 0xA), OK, 0);
    expect("sync compute all ok", flags(sync_(1), 0xF), OK, 1);
    expect("sync store push_next", flags(sync_(2), 0x8), BAD);
    expect("sync store prev ok", flags(sync_(2), 0x5), OK, 2);
    expect("order: token flag before SRAM_RANGE", flags(load(LOOM_MEM_APAD, 0xFFFF, 0, 1, 1, 0), 1), BAD);
    expect("order: token flag before DMA_WINDOW", flags(store(false, false, 0, WIN, 1, 0, 1, 0), 2), BAD);

    // ---- BAD_MODE
    for (unsigned m = 2; m < 16; m++) expect("mode reserved", matmul(m, 0, 0, 0, 1), MOD);
    expect("W8A8", matmul(LOOM_MODE_W8A8, 0, 0, 0, 1), (MODES & 1) ? OK : MOD, 1);
    expect("W4A8", matmul(LOOM_MODE_W4A8, 0, 0, 0, 1), (MODES & 2) ? OK : MOD, 1);
    expect("order: mode before rows==0", matmul(7, 0, 0, 0, 0), MOD);
    expect("order: mode before SRAM_RANGE", matmul(2, 0xFFFF, 0xFFFF, 0xFFFF, 1), MOD);

    // ---- other BAD_FIELD
    expect("load mem 3", load(3, 0, 0, 1, 1, 0), BAD);
    expect("load rows 0", load(LOOM_MEM_APAD, 0, 0, 0, 1, 0), BAD);
    expect("load cols 0", load(LOOM_MEM_WPAD, 0, 0, 1, 0, 0), BAD);
    expect("load acc off%4", load(LOOM_MEM_ACC, 0, 2, 1, 1, 0), BAD);
    expect("load acc stride%4", load(LOOM_MEM_ACC, 0, 0, 2, 1, 6), BAD);
    expect("load acc aligned ok", load(LOOM_MEM_ACC, 0, 4, 2, 1, 8), OK, 1);
    expect("load pad byte-aligned ok", load(LOOM_MEM_APAD, 0, 3, 2, 1, 7), OK, 0);
    expect("matmul rows 0", matmul(LOOM_MODE_W8A8, 0, 0, 0, 0), BAD);
    if (MODES & 2) {
        expect("W4A8 odd apad", matmul(LOOM_MODE_W4A8, 0, 1, 0, 1), BAD);
        expect("order: W4A8 odd apad before SRAM", matmul(LOOM_MODE_W4A8, 0, APAD - 1, 0, 1), BAD);
    }
    expect("W8A8 odd apad ok", matmul(LOOM_MODE_W8A8, 0, 1, 0, 1), (MODES & 1) ? OK : MOD, 1);
    expect("store rows 0", store(false, false, 0, 0, 0, 0, 1, 0), BAD);
    expect("store cols 0", store(false, false, 0, 0, 1, 0, 0, 0), BAD);
    expect("store cols COLS+1", store(false, false, 0, 0, 1, 0, COLS + 1, 0), BAD);
    expect("store cols 255", store(false, false, 0, 0, 1, 0, 255, 0), COLS >= 255 ? OK : BAD);
    expect("store cols COLS ok", store(false, false, 0, 0, 1, 0, COLS, 0), OK, 2);
    expect("store i32 off%4", store(true, false, 0, 1, 1, 0, 1, 0), BAD);
    expect("store i32 stride%4", store(true, false, 0, 0, 2, 0, 1, 2), BAD);
    expect("store i8 unaligned ok", store(false, false, 0, 1, 2, 0, 1, 3), OK, 2);
    expect("sync queue 3", sync_(3), BAD);
    expect("order: BAD_FIELD before SRAM", load(LOOM_MEM_APAD, 0xFFFF, 0, 0, 1, 0), BAD);
    expect("order: BAD_FIELD before DMA", store(true, false, 0, 0xFFFFFFFE, 1, 0, 1, 0), BAD);

    // ---- SRAM_RANGE at the exact edges
    expect("apad last entry", load(LOOM_MEM_APAD, APAD - 1, 0, 1, ROWS, 0), OK, 0);
    expect("apad last entry, 2 entries/row", load(LOOM_MEM_APAD, APAD - 1, 0, 1, ROWS + 1, 0), SRAM);
    expect("apad past end", load(LOOM_MEM_APAD, APAD, 0, 1, 1, 0), SRAM);
    expect("apad whole pad", load(LOOM_MEM_APAD, 0, 0, APAD, 1, 0), OK, 0);
    expect("apad one row too many", load(LOOM_MEM_APAD, 0, 0, APAD + 1, 1, 0), SRAM);
    expect("apad epr 2, last fits", load(LOOM_MEM_APAD, APAD - 4, 0, 2, 2 * ROWS, 0), OK, 0);
    expect("apad epr 3 overflows", load(LOOM_MEM_APAD, APAD - 4, 0, 2, 2 * ROWS + 1, 0), SRAM);
    expect("wpad last entry", load(LOOM_MEM_WPAD, WPAD - 1, 0, 1, COLS, 0), OK, 0);
    expect("wpad past", load(LOOM_MEM_WPAD, WPAD - 1, 0, 1, COLS + 1, 0), SRAM);
    expect("acc last entry", load(LOOM_MEM_ACC, ACC - 1, 0, 1, COLS, 0), OK, 1);
    expect("acc past", load(LOOM_MEM_ACC, ACC, 0, 1, 1, 0), SRAM);
    expect("acc epr 2 fits", load(LOOM_MEM_ACC, ACC - 2, 0, 1, COLS + 1, 0), OK, 1);
    expect("acc epr 2 past", load(LOOM_MEM_ACC, ACC - 1, 0, 1, COLS + 1, 0), SRAM);
    expect("load product rows*epr huge", load(LOOM_MEM_APAD, 0, 0, 0xFFFF, 0xFFFF, 0), SRAM);
    expect("mm acc edge", matmul(LOOM_MODE_W8A8, ACC - 3, 0, 0, 3), (MODES & 1) ? OK : MOD, 1);
    expect("mm acc past", matmul(LOOM_MODE_W8A8, ACC - 3, 0, 0, 4), (MODES & 1) ? SRAM : MOD);
    expect("mm wpad edge", matmul(LOOM_MODE_W8A8, 0, 0, WPAD - ROWS, 1), (MODES & 1) ? OK : MOD, 1);
    expect("mm wpad past", matmul(LOOM_MODE_W8A8, 0, 0, WPAD - ROWS + 1, 1), (MODES & 1) ? SRAM : MOD);
    expect("mm apad W8 edge", matmul(LOOM_MODE_W8A8, 0, APAD - 5, 0, 5), (MODES & 1) ? OK : MOD, 1);
    expect("mm apad W8 past", matmul(LOOM_MODE_W8A8, 0, APAD - 5, 0, 6), (MODES & 1) ? SRAM : MOD);
    if (MODES & 2) {
        expect("mm apad W4 edge", matmul(LOOM_MODE_W4A8, 0, APAD - 6, 0, 3), OK, 1);
        expect("mm apad W4 past", matmul(LOOM_MODE_W4A8, 0, APAD - 6, 0, 4), SRAM);
        expect("mm all max", matmul(LOOM_MODE_W4A8, 0xFFFF, 0xFFFE, 0xFFFF, 0xFFFF), SRAM);
    }
    expect("store acc edge", store(false, false, ACC - 2, 0, 2, 0, 1, 0), OK, 2);
    expect("store acc past", store(false, false, ACC - 2, 0, 3, 0, 1, 0), SRAM);
    expect("store requant pp edge", store(false, false, 0, 0, 1, ACC - 3, 1, 0), OK, 2);
    expect("store requant pp past", store(false, false, 0, 0, 1, ACC - 2, 1, 0), SRAM);
    expect("store requant+bias pp past", store(false, true, 0, 0, 1, ACC - 2, 1, 0), SRAM);
    expect("store i32 bias pp edge", store(true, true, 0, 0, 1, ACC - 1, 1, 0), OK, 2);
    expect("store i32 bias pp past", store(true, true, 0, 0, 1, ACC, 1, 0), SRAM);
    expect("store i32 no pp: pp ignored", store(true, false, 0, 0, 1, 0xFFFF, 1, 0), OK, 2);
    expect("order: SRAM before DMA", load(LOOM_MEM_WPAD, WPAD, 0xFFFFFFFF, 1, 1, 0), SRAM);

    // ---- DMA_WINDOW at the exact edges, and with values that wrap 32-bit arithmetic
    expect("pad last window byte", load(LOOM_MEM_APAD, 0, WIN - ROWS, 1, ROWS, 0), OK, 0);
    expect("pad one byte past", load(LOOM_MEM_APAD, 0, WIN - ROWS + 1, 1, ROWS, 0), DMA);
    expect("rows*stride edge", load(LOOM_MEM_APAD, 0, 0, 3, WIN - 2 * 0x7FFF0, 0x7FFF0), OK, 0);
    expect("rows*stride past", load(LOOM_MEM_APAD, 0, 0, 3, WIN - 2 * 0x7FFF0 + 1, 0x7FFF0), DMA);
    expect("stride 0 repeats", load(LOOM_MEM_APAD, 0, WIN - 1, APAD, 1, 0), OK, 0);
    expect("acc bytes = 4*cols edge", load(LOOM_MEM_ACC, 0, WIN - 4 * COLS, 1, COLS, 0), OK, 1);
    expect("acc bytes = 4*cols past", load(LOOM_MEM_ACC, 0, WIN - 4 * COLS + 4, 1, COLS, 0), DMA);
    expect("off wraps 32 bit", load(LOOM_MEM_APAD, 0, 0xFFFFFFF0u, 1, 32, 0), DMA);
    expect("(rows-1)*stride = 2^32 exactly", load(LOOM_MEM_APAD, 0, 0, 2049, 1, 0x200000), DMA);
    expect("max everything", load(LOOM_MEM_WPAD, 0, 0xFFFFFFFF, 1, 1, 0xFFFFFF), DMA);
    expect("store i8 edge", store(false, false, 0, WIN - COLS, 1, 0, COLS, 0), OK, 2);
    expect("store i8 past", store(false, false, 0, WIN - COLS + 1, 1, 0, COLS, 0), DMA);
    expect("store i32 edge", store(true, false, 0, WIN - 4 * COLS, 1, 0, COLS, 0), OK, 2);
    expect("store i32 past", store(true, false, 0, WIN - 4 * COLS + 4, 1, 0, COLS, 0), DMA);
    expect("store rows*stride edge", store(false, false, 0, 0, 2, 0, 1, WIN - 1), OK, 2);
    expect("store rows*stride past", store(false, false, 0, 0, 2, 0, 2, WIN - 1), DMA);
    expect("limit == base: empty window", ld_ok, DMA, -1, BASE, BASE);
    expect("limit < base", ld_ok, DMA, -1, BASE, BASE - 1);
    expect("full 4 GiB window, last byte", load(LOOM_MEM_APAD, 0, 0xFFFFFFFEu, 1, 1, 0), OK, 0, 0, 0xFFFFFFFFu);
    expect("full 4 GiB window, past", load(LOOM_MEM_APAD, 0, 0xFFFFFFFEu, 1, 2, 0), DMA, -1, 0, 0xFFFFFFFFu);
    expect("matmul ignores the window", mm_ok, (MODES & 1) ? OK : MOD, 1, BASE, BASE);

    // ---- random instructions against the reference (fields biased to the edges)
    std::mt19937_64 rng(12345);
    auto edge = [&](uint64_t lim, unsigned bits) -> uint64_t {
        switch (rng() % 6) {
        case 0: return 0;
        case 1: return lim;
        case 2: return lim ? lim - 1 : 0;
        case 3: return lim + 1;
        case 4: return rng() % (lim + 2);
        default: return rng() & ((1ull << bits) - 1);
        }
    };
    int rnd_fail = 0;
    for (int n = 0; n < 400000; n++) {
        Insn in;
        unsigned opc = (rng() % 10 == 0) ? (unsigned)(rng() % 16) : 1 + (unsigned)(rng() % 6);
        in = op(opc).f(4, 4, (rng() % 3 == 0) ? rng() : 0);
        uint32_t base = (rng() % 4 == 0) ? (uint32_t)rng() : BASE;
        uint32_t limit = (rng() % 4 == 0) ? (uint32_t)rng() : LIMIT;
        uint64_t win = limit >= base ? limit - base : 0;
        switch (opc) {
        case LOOM_OP_LOAD: {
            unsigned mem = (unsigned)(rng() % 4);
            uint64_t depth = mem == 0 ? APAD : mem == 1 ? WPAD : ACC;
            in = load(mem, edge(depth, 16), edge(win, 32), edge(rng() % 2 ? 64 : depth, 16),
                      edge(rng() % 2 ? ROWS : COLS, 16), edge(rng() % 2 ? 256 : win / 4, 24));
            if (mem == 2 && rng() % 2) {   // mostly aligned
                in.f(32, 2, 0).f(96, 2, 0);
            }
            break;
        }
        case LOOM_OP_MATMUL:
            in = matmul((unsigned)(rng() % 3 ? rng() % 2 : rng() % 16), edge(ACC, 16), edge(APAD, 16),
                        edge(WPAD - ROWS, 16), edge(rng() % 2 ? 64 : ACC, 16));
            break;
        case LOOM_OP_STORE:
            in = store(rng() % 2, rng() % 2, edge(ACC, 16), edge(win, 32), edge(rng() % 2 ? 64 : ACC, 16),
                       edge(ACC - 3, 16), edge(COLS, 8), edge(rng() % 2 ? 256 : win / 4, 24));
            if (rng() % 2) in.f(32, 2, 0).f(104, 2, 0);
            break;
        case LOOM_OP_SYNC: in = sync_((unsigned)(rng() % 4)); break;
        case LOOM_OP_FENCE: in = op(opc).f(8, 1, rng()); break;
        default: break;
        }
        in.f(0, 4, opc);
        if (rng() % 4 == 0) in.f(4, 4, rng());
        if (rng() % 16 == 0) in.f((unsigned)(rng() % 128), 1, 1);
        Ref r = run(in, base, limit), m = ref_decode(in, base, limit);
        checks++;
        if (r.err != m.err || (m.err == 0 && r.queue != m.queue)) {
            fails++;
            if (rnd_fail++ < 10) {
                fprintf(stderr, "FAIL random: rtl %u/%d ref %u/%d base %08x limit %08x ", r.err, r.queue,
                        m.err, m.queue, base, limit);
                show(in);
                fprintf(stderr, "\n");
            }
        }
    }

    dut->final();
    delete dut;
    printf("loom_decode (ROWS=%u COLS=%u MODES=%u): %d checks, %d failures\n", (unsigned)ROWS,
           (unsigned)COLS, MODES, checks, fails);
    return fails ? 1 : 0;
}
