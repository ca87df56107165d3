// SPDX-License-Identifier: Apache-2.0
// Instruction encoders and decoder (round trip, field placement checked with the
// generated loom_insn_get, width limits), and loom_cmd_check: every error code from
// hand-made instructions, the order of the checks, and the exact edges of every range.
#include <string.h>

#include "loom/loom_cmd.h"
#include "rt_test.h"

static loom_caps caps;
static const uint64_t WIN = 1u << 20;

static unsigned chk(const uint32_t insn[4])
{
    return loom_cmd_check(&caps, WIN, insn);
}

static uint32_t rnd_bits(rt_rng *r, unsigned w)
{
    return (uint32_t)(rt_next(r) & (w >= 32 ? 0xFFFFFFFFull : (1ull << w) - 1));
}

static void round_trip(rt_rng *r)
{
    for (int i = 0; i < 20000; i++) {
        loom_cmd_fields f, g;
        memset(&f, 0, sizeof f);
        f.opcode = (uint32_t)rt_range(r, 1, 6);
        f.deps = f.opcode >= LOOM_OP_FENCE ? 0 : rnd_bits(r, 4);
        switch (f.opcode) {
        case LOOM_OP_LOAD:
            f.mem = rnd_bits(r, 2), f.sram_addr = rnd_bits(r, 16), f.dram_off = rnd_bits(r, 32);
            f.rows = rnd_bits(r, 16), f.cols = rnd_bits(r, 16), f.stride = rnd_bits(r, 24);
            break;
        case LOOM_OP_MATMUL:
            f.mode = rnd_bits(r, 4), f.accumulate = rnd_bits(r, 1), f.acc_addr = rnd_bits(r, 16);
            f.apad_addr = rnd_bits(r, 16), f.wpad_addr = rnd_bits(r, 16), f.rows = rnd_bits(r, 16);
            break;
        case LOOM_OP_STORE:
            f.pp = rnd_bits(r, 3), f.acc_addr = rnd_bits(r, 16), f.dram_off = rnd_bits(r, 32);
            f.rows = rnd_bits(r, 16), f.pp_addr = rnd_bits(r, 16), f.cols = rnd_bits(r, 8);
            f.stride = rnd_bits(r, 24);
            break;
        case LOOM_OP_SYNC:
            f.queue = rnd_bits(r, 2);
            break;
        case LOOM_OP_FENCE:
            f.irq = rnd_bits(r, 1);
            break;
        }
        uint32_t insn[4];
        CHECK(loom_cmd_encode(insn, &f) == LOOM_OK, "encode op %u", f.opcode);
        CHECK(loom_cmd_decode(insn, &g) == LOOM_OK && memcmp(&f, &g, sizeof f) == 0,
              "round trip op %u", f.opcode);
        /* Placement, read back with the generated accessor. */
        CHECK(loom_insn_get(insn, LOOM_F_OPCODE_LO, 4) == f.opcode, "opcode bits");
        CHECK(loom_insn_get(insn, LOOM_F_POP_PREV_LO, 1) == (f.deps & 1) &&
                  loom_insn_get(insn, LOOM_F_PUSH_NEXT_LO, 1) == (f.deps >> 3),
              "dep bits");
        if (f.opcode == LOOM_OP_LOAD)
            CHECK(loom_insn_get(insn, LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W) == f.stride &&
                      loom_insn_get(insn, LOOM_LOAD_DRAM_OFF_LO, 32) == f.dram_off,
                  "LOAD placement");
        if (f.opcode == LOOM_OP_STORE)
            CHECK(loom_insn_get(insn, LOOM_STORE_BIAS_EN_LO, 1) == (f.pp >> 2) &&
                      loom_insn_get(insn, LOOM_STORE_COLS_LO, 8) == f.cols &&
                      loom_insn_get(insn, LOOM_STORE_STRIDE_LO, 24) == f.stride,
                  "STORE placement");
        if (f.opcode == LOOM_OP_MATMUL)
            CHECK(loom_insn_get(insn, LOOM_MATMUL_WPAD_ADDR_LO, 16) == f.wpad_addr &&
                      loom_insn_get(insn, LOOM_MATMUL_ACCUMULATE_LO, 1) == f.accumulate,
                  "MATMUL placement");
    }
    /* Width limits: the encoder refuses and leaves an illegal (all-zero) instruction. */
    uint32_t insn[4] = { 1, 2, 3, 4 };
    CHECK(loom_cmd_load(insn, 0, 1u << 16, 0, 1, 1, 0, 0) == LOOM_ERR_INVALID_ARG &&
              !(insn[0] | insn[1] | insn[2] | insn[3]),
          "sram_addr too wide");
    CHECK(loom_cmd_load(insn, 0, 0, 0, 1, 1, 1u << 24, 0) == LOOM_ERR_INVALID_ARG, "stride too wide");
    CHECK(loom_cmd_store(insn, 0, 0, 0, 1, 0, 256, 0, 0) == LOOM_ERR_INVALID_ARG, "cols too wide");
    CHECK(loom_cmd_matmul(insn, 16, 0, 0, 0, 0, 1, 0) == LOOM_ERR_INVALID_ARG, "mode too wide");
    CHECK(loom_cmd_sync(insn, 0, 16) == LOOM_ERR_INVALID_ARG, "deps too wide");
    loom_cmd_fields bad = { .opcode = 7 };
    CHECK(loom_cmd_encode(insn, &bad) == LOOM_ERR_INVALID_ARG, "opcode 7");
    CHECK(loom_cmd_end(insn) == LOOM_OK && insn[0] == LOOM_OP_END && !(insn[1] | insn[2] | insn[3]),
          "END encoding");
}

static void check_rules(void)
{
    uint32_t i[4];
    const uint32_t R = caps.rows, C = caps.cols;

    /* Opcode. */
    for (uint32_t op = 0; op < 16; op++) {
        uint32_t x[4] = { op, 0, 0, 0 };
        unsigned want = (op == 0 || op > 6) ? LOOM_HWERR_ILLEGAL_OPCODE : 0;
        if (want)
            CHECK(chk(x) == want, "opcode %u", op);
    }
    loom_cmd_end(i);
    CHECK(chk(i) == 0, "END");
    loom_cmd_fence(i, 1);
    CHECK(chk(i) == 0, "FENCE irq");

    /* Reserved bits: every reserved bit of every opcode, alone. */
    static const uint32_t rs[7][4] = {
        [1] = { LOOM_LOAD_RSVD_W0, LOOM_LOAD_RSVD_W1, LOOM_LOAD_RSVD_W2, LOOM_LOAD_RSVD_W3 },
        [2] = { LOOM_MATMUL_RSVD_W0, LOOM_MATMUL_RSVD_W1, LOOM_MATMUL_RSVD_W2, LOOM_MATMUL_RSVD_W3 },
        [3] = { LOOM_STORE_RSVD_W0, LOOM_STORE_RSVD_W1, LOOM_STORE_RSVD_W2, LOOM_STORE_RSVD_W3 },
        [4] = { LOOM_SYNC_RSVD_W0, LOOM_SYNC_RSVD_W1, LOOM_SYNC_RSVD_W2, LOOM_SYNC_RSVD_W3 },
        [5] = { LOOM_FENCE_RSVD_W0, LOOM_FENCE_RSVD_W1, LOOM_FENCE_RSVD_W2, LOOM_FENCE_RSVD_W3 },
        [6] = { LOOM_END_RSVD_W0, LOOM_END_RSVD_W1, LOOM_END_RSVD_W2, LOOM_END_RSVD_W3 },
    };
    int nrs = 0;
    for (int op = 1; op <= 6; op++) {
        uint32_t base[4];
        switch (op) { /* a valid instruction of each opcode */
        case 1: loom_cmd_load(base, 0, 0, 0, 1, 1, 0, 0); break;
        case 2: loom_cmd_matmul(base, 0, 0, 0, 0, 0, 1, 0); break;
        case 3: loom_cmd_store(base, LOOM_PP_I32, 0, 0, 1, 0, 1, 0, 0); break;
        case 4: loom_cmd_sync(base, 1, 0); break;
        case 5: loom_cmd_fence(base, 0); break;
        default: loom_cmd_end(base); break;
        }
        CHECK(chk(base) == 0, "valid base op %d", op);
        for (int w = 0; w < 4; w++)
            for (int b = 0; b < 32; b++)
                if (rs[op][w] >> b & 1) {
                    memcpy(i, base, sizeof i);
                    i[w] |= 1u << b;
                    CHECK(chk(i) == LOOM_HWERR_RESERVED_BITS, "op %d reserved bit %d", op, 32 * w + b);
                    nrs++;
                }
    }
    CHECK(nrs > 300, "reserved bits tested: %d", nrs);

    /* Token-flag direction. */
    static const struct { int kind; unsigned deps; unsigned want; } dirs[] = {
        { 0, LOOM_DEP_POP_PREV, LOOM_HWERR_BAD_FIELD },  { 0, LOOM_DEP_PUSH_PREV, LOOM_HWERR_BAD_FIELD },
        { 0, LOOM_DEP_POP_NEXT | LOOM_DEP_PUSH_NEXT, 0 },
        { 1, LOOM_DEP_ALL, 0 },                          /* ACC load: compute queue */
        { 2, LOOM_DEP_ALL, 0 },                          /* MATMUL */
        { 3, LOOM_DEP_POP_NEXT, LOOM_HWERR_BAD_FIELD },  { 3, LOOM_DEP_PUSH_NEXT, LOOM_HWERR_BAD_FIELD },
        { 3, LOOM_DEP_POP_PREV | LOOM_DEP_PUSH_PREV, 0 },
        { 4, LOOM_DEP_POP_PREV, LOOM_HWERR_BAD_FIELD },  { 5, LOOM_DEP_PUSH_NEXT, LOOM_HWERR_BAD_FIELD },
        { 6, LOOM_DEP_ALL, 0 },
    };
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        switch (dirs[d].kind) {
        case 0: loom_cmd_load(i, LOOM_MEM_WPAD, 0, 0, 1, 1, 0, dirs[d].deps); break;
        case 1: loom_cmd_load(i, LOOM_MEM_ACC, 0, 0, 1, 1, 0, dirs[d].deps); break;
        case 2: loom_cmd_matmul(i, 0, 1, 0, 0, 0, 1, dirs[d].deps); break;
        case 3: loom_cmd_store(i, LOOM_PP_I32, 0, 0, 1, 0, 1, 0, dirs[d].deps); break;
        case 4: loom_cmd_sync(i, LOOM_QUEUE_LOAD, dirs[d].deps); break;
        case 5: loom_cmd_sync(i, LOOM_QUEUE_STORE, dirs[d].deps); break;
        default: loom_cmd_sync(i, LOOM_QUEUE_COMPUTE, dirs[d].deps); break;
        }
        CHECK(chk(i) == dirs[d].want, "direction case %zu: %u", d, chk(i));
    }
    for (unsigned dep = 1; dep < 16; dep++) { /* any flag on FENCE / END */
        loom_cmd_end(i);
        i[0] |= dep << 4;
        CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "END deps %u", dep);
        loom_cmd_fence(i, 0);
        i[0] |= dep << 4;
        CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "FENCE deps %u", dep);
    }

    /* Mode. */
    for (unsigned m = 0; m < 16; m++) {
        loom_cmd_matmul(i, m, 0, 0, 0, 0, 1, 0);
        CHECK(chk(i) == (m < 2 ? 0u : LOOM_HWERR_BAD_MODE), "mode %u", m);
    }
    loom_caps only8 = caps;
    only8.modes = 1;
    loom_cmd_matmul(i, LOOM_MODE_W4A8, 0, 0, 0, 0, 1, 0);
    CHECK(loom_cmd_check(&only8, WIN, i) == LOOM_HWERR_BAD_MODE, "W4A8 unsupported");

    /* Other BAD_FIELD rules. */
    loom_cmd_load(i, 3, 0, 0, 1, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "mem 3");
    loom_cmd_load(i, 0, 0, 0, 0, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "LOAD rows 0");
    loom_cmd_load(i, 0, 0, 0, 1, 0, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "LOAD cols 0");
    loom_cmd_load(i, LOOM_MEM_ACC, 0, 2, 1, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "ACC dram_off misaligned");
    loom_cmd_load(i, LOOM_MEM_ACC, 0, 4, 2, 1, 6, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "ACC stride misaligned");
    loom_cmd_load(i, LOOM_MEM_APAD, 0, 3, 2, 1, 5, 0);
    CHECK(chk(i) == 0, "pads accept byte alignment");
    loom_cmd_matmul(i, 0, 0, 0, 0, 0, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "MATMUL rows 0");
    loom_cmd_matmul(i, LOOM_MODE_W4A8, 0, 0, 1, 0, 1, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "W4A8 odd apad_addr");
    loom_cmd_matmul(i, LOOM_MODE_W8A8, 0, 0, 1, 0, 1, 0);
    CHECK(chk(i) == 0, "W8A8 odd apad_addr fine");
    loom_cmd_store(i, LOOM_PP_I32, 0, 0, 0, 0, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "STORE rows 0");
    loom_cmd_store(i, LOOM_PP_I32, 0, 0, 1, 0, 0, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "STORE cols 0");
    loom_cmd_store(i, LOOM_PP_I32, 0, 0, 1, 0, C + 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "STORE cols > COLS");
    loom_cmd_store(i, LOOM_PP_I32, 0, 0, 1, 0, C, 0, 0);
    CHECK(chk(i) == 0, "STORE cols == COLS");
    loom_cmd_store(i, LOOM_PP_I32, 0, 2, 1, 0, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "int32 STORE misaligned");
    loom_cmd_store(i, LOOM_PP_I32, 0, 0, 2, 0, 1, 6, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "int32 STORE stride misaligned");
    loom_cmd_store(i, 0, 0, 3, 2, 0, 1, 5, 0);
    CHECK(chk(i) == 0, "int8 STORE byte aligned");
    loom_cmd_sync(i, 3, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "SYNC queue 3");

    /* SRAM_RANGE edges: sram_addr + rows*ceil(cols/E) <= depth. */
    uint32_t AD = caps.apad_depth, WD = caps.wpad_depth, CD = caps.acc_depth;
    loom_cmd_load(i, LOOM_MEM_APAD, AD - 6, 0, 3, R + 1, R + 1, 0); /* epr 2 -> 6 entries */
    CHECK(chk(i) == 0, "APAD load to the last entry");
    loom_cmd_load(i, LOOM_MEM_APAD, AD - 5, 0, 3, R + 1, R + 1, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "APAD load one past");
    loom_cmd_load(i, LOOM_MEM_WPAD, WD - 1, 0, 1, C, 0, 0);
    CHECK(chk(i) == 0, "WPAD last entry");
    loom_cmd_load(i, LOOM_MEM_WPAD, WD - 1, 0, 1, C + 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "WPAD epr 2 past the end");
    loom_cmd_load(i, LOOM_MEM_ACC, CD - 2, 0, 2, C, 4 * C, 0);
    CHECK(chk(i) == 0, "ACC last entries");
    loom_cmd_load(i, LOOM_MEM_ACC, CD - 1, 0, 2, C, 4 * C, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "ACC one past");
    loom_cmd_load(i, LOOM_MEM_APAD, 0xFFFF, 0, 0xFFFF, 0xFFFF, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "huge LOAD does not wrap");
    loom_cmd_matmul(i, 0, 0, CD - 4, AD - 4, WD - R, 4, 0);
    CHECK(chk(i) == 0, "MATMUL at every top edge");
    loom_cmd_matmul(i, 0, 0, CD - 3, 0, 0, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "MATMUL acc past");
    loom_cmd_matmul(i, 0, 0, 0, AD - 3, 0, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "MATMUL apad past");
    loom_cmd_matmul(i, 0, 0, 0, 0, WD - R + 1, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "MATMUL wpad past");
    loom_cmd_matmul(i, LOOM_MODE_W4A8, 0, 0, AD - 8, 0, 4, 0);
    CHECK(chk(i) == 0, "W4A8 apad 2M to the end");
    loom_cmd_matmul(i, LOOM_MODE_W4A8, 0, 0, AD - 6, 0, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "W4A8 apad 2M past");
    loom_cmd_store(i, LOOM_PP_I32, CD - 2, 0, 2, 0xFFFF, 1, 4, 0);
    CHECK(chk(i) == 0, "int32 STORE without bias ignores pp_addr");
    loom_cmd_store(i, LOOM_PP_I32, CD - 1, 0, 2, 0, 1, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "STORE acc past");
    loom_cmd_store(i, LOOM_PP_I32 | LOOM_PP_BIAS, 0, 0, 1, CD - 1, 1, 4, 0);
    CHECK(chk(i) == 0, "bias at the last entry");
    loom_cmd_store(i, LOOM_PP_I32 | LOOM_PP_BIAS, 0, 0, 1, CD, 1, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "bias past");
    loom_cmd_store(i, 0, 0, 0, 1, CD - 3, 1, 4, 0);
    CHECK(chk(i) == 0, "requant params at the end");
    loom_cmd_store(i, 0, 0, 0, 1, CD - 2, 1, 4, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "requant params past (bias off too)");

    /* DMA_WINDOW edges: dram_off + (rows-1)*stride + cols*esize <= window. */
    loom_cmd_load(i, LOOM_MEM_APAD, 0, (uint32_t)WIN - 10 - 2 * 100, 3, 10, 100, 0);
    CHECK(chk(i) == 0, "LOAD ends at the window end");
    loom_cmd_load(i, LOOM_MEM_APAD, 0, (uint32_t)WIN - 9 - 2 * 100, 3, 10, 100, 0);
    CHECK(chk(i) == LOOM_HWERR_DMA_WINDOW, "LOAD one byte past");
    loom_cmd_load(i, LOOM_MEM_ACC, 0, (uint32_t)WIN - 4 * C, 1, C, 0, 0);
    CHECK(chk(i) == 0, "ACC LOAD esize 4 to the end");
    loom_cmd_load(i, LOOM_MEM_ACC, 0, (uint32_t)WIN - 4 * C + 4, 1, C, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_DMA_WINDOW, "ACC LOAD esize 4 past");
    loom_cmd_load(i, LOOM_MEM_WPAD, 0, (uint32_t)WIN - 1, 7, 1, 0, 0);
    CHECK(chk(i) == 0, "stride 0 repeats the last byte");
    loom_cmd_load(i, LOOM_MEM_WPAD, 0, 0xFFFFFFFFu, 1, 1, 0xFFFFFF, 0);
    CHECK(chk(i) == LOOM_HWERR_DMA_WINDOW, "no 32-bit wrap");
    loom_cmd_store(i, LOOM_PP_I32, 0, (uint32_t)WIN - 4 * 3 - 64, 2, 0, 3, 64, 0);
    CHECK(chk(i) == 0, "int32 STORE to the end");
    loom_cmd_store(i, LOOM_PP_I32, 0, (uint32_t)WIN - 4 * 3 - 60, 2, 0, 3, 64, 0);
    CHECK(chk(i) == LOOM_HWERR_DMA_WINDOW, "int32 STORE past");
    loom_cmd_store(i, 0, 0, (uint32_t)WIN - 3 - 64, 2, 0, 3, 64, 0);
    CHECK(chk(i) == 0, "int8 STORE to the end");
    loom_cmd_store(i, 0, 0, (uint32_t)WIN - 2 - 64, 2, 0, 3, 64, 0);
    CHECK(chk(i) == LOOM_HWERR_DMA_WINDOW, "int8 STORE past");
    CHECK(loom_cmd_check(&caps, 0, (loom_cmd_load(i, 0, 0, 0, 1, 1, 0, 0), i)) ==
              LOOM_HWERR_DMA_WINDOW, "empty window");

    /* Check order: with several faults the earliest rule wins. */
    loom_cmd_load(i, 3, 0xFFFF, 0xFFFFFFFF, 0, 0, 0, LOOM_DEP_POP_PREV);
    i[3] |= 1u << 31; /* reserved */
    CHECK(chk(i) == LOOM_HWERR_RESERVED_BITS, "reserved before direction");
    i[3] &= ~(1u << 31);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "direction / mem");
    loom_cmd_matmul(i, 5, 0, 0xFFFF, 1, 0xFFFF, 0, LOOM_DEP_ALL);
    CHECK(chk(i) == LOOM_HWERR_BAD_MODE, "mode before BAD_FIELD and SRAM_RANGE");
    loom_cmd_matmul(i, LOOM_MODE_W4A8, 0, 0xFFFF, 1, 0, 1, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "odd apad before SRAM_RANGE");
    loom_cmd_load(i, LOOM_MEM_ACC, 0xFFFF, 2, 1, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "alignment before SRAM_RANGE");
    loom_cmd_load(i, LOOM_MEM_APAD, 0xFFFF, 0xFFFFFFFF, 2, 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_SRAM_RANGE, "SRAM_RANGE before DMA_WINDOW");
    loom_cmd_store(i, LOOM_PP_I32, 0xFFFF, 0xFFFFFFFF, 1, 0, C + 1, 0, 0);
    CHECK(chk(i) == LOOM_HWERR_BAD_FIELD, "STORE cols before SRAM_RANGE");
    uint32_t z[4] = { 0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF };
    CHECK(chk(z) == LOOM_HWERR_ILLEGAL_OPCODE, "opcode before everything");

    /* loom_cmd_queue */
    loom_cmd_load(i, LOOM_MEM_ACC, 0, 0, 1, 1, 0, 0);
    CHECK(loom_cmd_queue(i) == LOOM_QUEUE_COMPUTE, "ACC load queue");
    loom_cmd_load(i, LOOM_MEM_APAD, 0, 0, 1, 1, 0, 0);
    CHECK(loom_cmd_queue(i) == LOOM_QUEUE_LOAD, "APAD load queue");
    loom_cmd_sync(i, LOOM_QUEUE_STORE, 0);
    CHECK(loom_cmd_queue(i) == LOOM_QUEUE_STORE, "SYNC queue");
    loom_cmd_fence(i, 0);
    CHECK(loom_cmd_queue(i) == LOOM_QUEUE_NONE, "FENCE queue");
}

int main(void)
{
    rt_rng r = { 12345 };
    for (int c = 0; c < 3; c++) {
        caps = rt_caps(c);
        round_trip(&r);
        check_rules();
    }
    loom_caps bad = loom_caps_default();
    uint32_t regs[8] = { 0 };
    loom_caps_to_regs(&bad, regs);
    loom_caps back;
    CHECK(loom_caps_from_regs(&back, regs) == LOOM_OK && memcmp(&back, &bad, sizeof back) == 0,
          "caps register round trip");
    CHECK(regs[LOOM_CSR_CAP0 / 4] == 0x03101010u && regs[LOOM_CSR_CAP1 / 4] == 0x0004FF08u,
          "CAP0 %08x CAP1 %08x", (unsigned)regs[2], (unsigned)regs[6]);
    bad.rows = 0;
    CHECK(loom_caps_check(&bad) == LOOM_ERR_INVALID_ARG, "rows 0 rejected");
    return rt_finish("cmd");
}
