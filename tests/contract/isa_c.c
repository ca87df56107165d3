// SPDX-License-Identifier: Apache-2.0
// The generated C header is self-consistent: for every opcode its fields and its
// reserved mask are disjoint and cover all 128 bits, and loom_insn_set/get round-trip.
#include <stdio.h>
#include <stdlib.h>
#include "loom/loom_isa.h"

struct fld { unsigned lo, w; };
#define F(op, name) { LOOM_##op##_##name##_LO, LOOM_##op##_##name##_W }
#define COMMON { LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W }, { LOOM_F_POP_PREV_LO, 1 }, \
    { LOOM_F_POP_NEXT_LO, 1 }, { LOOM_F_PUSH_PREV_LO, 1 }, { LOOM_F_PUSH_NEXT_LO, 1 }

static int failures;

static void check_op(const char *name, const struct fld *f, size_t n, const uint32_t rsvd[4])
{
    uint32_t used[4] = {0};
    for (size_t i = 0; i < n; i++) {
        uint32_t one[4] = {0};
        loom_insn_set(one, f[i].lo, f[i].w, ~0ull);
        for (int j = 0; j < 4; j++) {
            if (used[j] & one[j]) {
                printf("%s: field at bit %u overlaps another\n", name, f[i].lo);
                failures++;
            }
            used[j] |= one[j];
        }
        if (loom_insn_get(one, f[i].lo, f[i].w) != ((f[i].w == 64) ? ~0ull : (1ull << f[i].w) - 1)) {
            printf("%s: field at bit %u does not round-trip\n", name, f[i].lo);
            failures++;
        }
    }
    for (int j = 0; j < 4; j++) {
        if ((used[j] & rsvd[j]) || ((used[j] | rsvd[j]) != 0xFFFFFFFFu)) {
            printf("%s: word %d fields %08x reserved %08x do not partition it\n", name, j,
                   (unsigned)used[j], (unsigned)rsvd[j]);
            failures++;
        }
    }
}

int main(void)
{
    static const struct fld load[] = { COMMON, F(LOAD, MEM), F(LOAD, SRAM_ADDR), F(LOAD, DRAM_OFF),
                                       F(LOAD, ROWS), F(LOAD, COLS), F(LOAD, STRIDE) };
    static const struct fld mm[] = { COMMON, F(MATMUL, MODE), F(MATMUL, ACCUMULATE),
                                     F(MATMUL, ACC_ADDR), F(MATMUL, APAD_ADDR),
                                     F(MATMUL, WPAD_ADDR), F(MATMUL, ROWS) };
    static const struct fld st[] = { COMMON, F(STORE, OUT_I32), F(STORE, RELU), F(STORE, BIAS_EN),
                                     F(STORE, ACC_ADDR), F(STORE, DRAM_OFF), F(STORE, ROWS),
                                     F(STORE, PP_ADDR), F(STORE, COLS), F(STORE, STRIDE) };
    static const struct fld sy[] = { COMMON, F(SYNC, QUEUE) };
    static const struct fld fe[] = { COMMON, F(FENCE, IRQ) };
    static const struct fld en[] = { COMMON };
#define RS(op) (const uint32_t[4]){ LOOM_##op##_RSVD_W0, LOOM_##op##_RSVD_W1, \
                                    LOOM_##op##_RSVD_W2, LOOM_##op##_RSVD_W3 }
    check_op("LOAD", load, sizeof load / sizeof load[0], RS(LOAD));
    check_op("MATMUL", mm, sizeof mm / sizeof mm[0], RS(MATMUL));
    check_op("STORE", st, sizeof st / sizeof st[0], RS(STORE));
    check_op("SYNC", sy, sizeof sy / sizeof sy[0], RS(SYNC));
    check_op("FENCE", fe, sizeof fe / sizeof fe[0], RS(FENCE));
    check_op("END", en, sizeof en / sizeof en[0], RS(END));

    /* Random set/get round trip against a plain 128-bit shadow. */
    srand(1);
    for (int it = 0; it < 100000; it++) {
        uint32_t w[4] = { (uint32_t)rand(), (uint32_t)rand(), (uint32_t)rand(), (uint32_t)rand() };
        unsigned lo = (unsigned)rand() % 128, wd = 1 + (unsigned)rand() % 32;
        if (lo + wd > 128)
            wd = 128 - lo;
        uint64_t v = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) & ((1ull << wd) - 1);
        uint32_t before[4] = { w[0], w[1], w[2], w[3] };
        loom_insn_set(w, lo, wd, v);
        if (loom_insn_get(w, lo, wd) != v) {
            printf("set/get mismatch lo=%u w=%u\n", lo, wd);
            return 1;
        }
        for (unsigned b = 0; b < 128; b++) {
            if (b >= lo && b < lo + wd)
                continue;
            if (((w[b / 32] ^ before[b / 32]) >> (b % 32)) & 1u) {
                printf("set touched bit %u outside [%u,%u)\n", b, lo, lo + wd);
                return 1;
            }
        }
    }
    if (failures)
        return 1;
    printf("loom_isa.h: 6 opcodes partition 128 bits; set/get round-trip ok\n");
    return 0;
}
