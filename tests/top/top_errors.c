/* SPDX-License-Identifier: Apache-2.0 */
/* Malformed command streams on the Verilated core: each must stop the engine with the
 * right error code and instruction index (the same ones the validator and the golden
 * interpreter predict), within a bounded number of cycles, and after the driver core's
 * soft reset a real GEMM program must run correctly. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loom/loom_cmd.h"
#include "loom/loom_error.h"

#define MAXI 300

typedef struct prog {
    const char *name;
    uint32_t insns[MAXI][4];
    size_t n;
    unsigned want;      /* LOOM_HWERR_* */
    long want_index;    /* -1: do not check the index */
} prog;

static uint32_t *next(prog *p)
{
    return p->insns[p->n++];
}

/* A small correct GEMM-like program: LOAD A, LOAD W, MATMUL, STORE int32, END. */
static void good(prog *p, const loom_caps *c, uint32_t base)
{
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, base, c->rows, c->rows, c->rows, LOOM_DEP_PUSH_NEXT);
    loom_cmd_load(next(p), LOOM_MEM_WPAD, 0, base + 4096, c->rows, c->cols, c->cols, LOOM_DEP_PUSH_NEXT);
    loom_cmd_sync(next(p), LOOM_QUEUE_COMPUTE, LOOM_DEP_POP_PREV);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, 0, 0, 0, c->rows, LOOM_DEP_POP_PREV | LOOM_DEP_PUSH_NEXT);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, base + 8192, c->rows, 0, c->cols, c->cols * 4,
                   LOOM_DEP_POP_PREV);
    loom_cmd_end(next(p));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    harness h;
    if (h_open(&h, NULL, 1))
        return 1;
    const loom_caps *c = &h.core.caps;
    const uint32_t D = H_DATA_OFF, W = h.mem_bytes;
    static prog ps[40];
    size_t np = 0;
    prog *p;

#define CASE(nm, code, idx) (p = &ps[np++], p->name = nm, p->want = LOOM_HWERR_##code, p->want_index = idx, p->n = 0)
    CASE("opcode 0 (zeroed memory)", ILLEGAL_OPCODE, 0);
    memset(next(p), 0, 16);
    loom_cmd_end(next(p));
    CASE("opcode 7", ILLEGAL_OPCODE, 1);
    loom_cmd_sync(next(p), LOOM_QUEUE_LOAD, 0);
    loom_cmd_end(next(p));
    loom_insn_set(p->insns[1], 0, 4, 7);
    loom_cmd_end(next(p));
    CASE("opcode 15", ILLEGAL_OPCODE, 0);
    loom_cmd_end(next(p));
    loom_insn_set(p->insns[0], 0, 4, 15);
    loom_cmd_end(next(p));
    CASE("LOAD reserved bit 10", RESERVED_BITS, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, D, 1, 1, 0, 0);
    loom_insn_set(p->insns[0], 10, 1, 1);
    loom_cmd_end(next(p));
    CASE("MATMUL reserved bit 127", RESERVED_BITS, 0);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, 0);
    loom_insn_set(p->insns[0], 127, 1, 1);
    loom_cmd_end(next(p));
    CASE("END reserved bit 64", RESERVED_BITS, 0);
    loom_cmd_end(next(p));
    loom_insn_set(p->insns[0], 64, 1, 1);
    loom_cmd_end(next(p));
    CASE("LOAD pops from a queue before load", BAD_FIELD, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, D, 1, 1, 0, LOOM_DEP_POP_PREV);
    loom_cmd_end(next(p));
    CASE("STORE pushes to a queue after store", BAD_FIELD, 0);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, D, 1, 0, 1, 4, LOOM_DEP_PUSH_NEXT);
    loom_cmd_end(next(p));
    CASE("FENCE with a token flag", BAD_FIELD, 0);
    loom_cmd_fence(next(p), 0);
    loom_insn_set(p->insns[0], LOOM_F_PUSH_NEXT_LO, 1, 1);
    loom_cmd_end(next(p));
    CASE("MATMUL mode 2 (reserved for block-scaled)", BAD_MODE, 0);
    loom_cmd_matmul(next(p), 2, 0, 0, 0, 0, 1, 0);
    loom_cmd_end(next(p));
    CASE("MATMUL mode 15", BAD_MODE, 0);
    loom_cmd_matmul(next(p), 15, 0, 0, 0, 0, 1, 0);
    loom_cmd_end(next(p));
    CASE("LOAD rows 0", BAD_FIELD, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, D, 0, 1, 0, 0);
    loom_cmd_end(next(p));
    CASE("LOAD mem 3", BAD_FIELD, 0);
    loom_cmd_load(next(p), 3, 0, D, 1, 1, 0, 0);
    loom_cmd_end(next(p));
    CASE("LOAD ACC misaligned", BAD_FIELD, 0);
    loom_cmd_load(next(p), LOOM_MEM_ACC, 0, D + 2, 1, 1, 0, 0);
    loom_cmd_end(next(p));
    CASE("STORE cols 0", BAD_FIELD, 0);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, D, 1, 0, 0, 4, 0);
    loom_cmd_end(next(p));
    CASE("STORE cols > COLS", BAD_FIELD, 0);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, D, 1, 0, c->cols + 1, 256, 0);
    loom_cmd_end(next(p));
    CASE("STORE int32 stride not a multiple of 4", BAD_FIELD, 0);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, D, 2, 0, 1, 6, 0);
    loom_cmd_end(next(p));
    CASE("SYNC queue 3", BAD_FIELD, 0);
    loom_cmd_sync(next(p), LOOM_QUEUE_LOAD, 0);
    loom_insn_set(p->insns[0], LOOM_SYNC_QUEUE_LO, LOOM_SYNC_QUEUE_W, 3);
    loom_cmd_end(next(p));
    CASE("W4A8 odd activation address", BAD_FIELD, 0);
    loom_cmd_matmul(next(p), LOOM_MODE_W4A8, 0, 0, 1, 0, 1, 0);
    loom_cmd_end(next(p));
    CASE("LOAD past the activation pad", SRAM_RANGE, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, c->apad_depth - 1, D, 2, 1, 1, 0);
    loom_cmd_end(next(p));
    CASE("MATMUL past the accumulator", SRAM_RANGE, 0);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, c->acc_depth - 3, 0, 0, 4, 0);
    loom_cmd_end(next(p));
    CASE("MATMUL weight tile past the weight pad", SRAM_RANGE, 0);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, 0, 0, c->wpad_depth - c->rows + 1, 1, 0);
    loom_cmd_end(next(p));
    CASE("STORE requant parameters past the accumulator", SRAM_RANGE, 0);
    loom_cmd_store(next(p), 0, 0, D, 1, c->acc_depth - 2, 1, 1, 0);
    loom_cmd_end(next(p));
    CASE("LOAD past the window", DMA_WINDOW, 1);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, D, 1, 1, 0, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, W - 4, 1, 5, 0, 0);
    loom_cmd_end(next(p));
    CASE("STORE one byte past the window", DMA_WINDOW, 0);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, W - 60, 4, 0, 1, 20, 0);
    loom_cmd_end(next(p));
    CASE("LOAD whose rows*stride overflows 32 bits", DMA_WINDOW, 0);
    loom_cmd_load(next(p), LOOM_MEM_APAD, 0, D, 600, 1, 0xFFFFFF, 0);
    loom_cmd_end(next(p));
    CASE("MATMUL pops a token nobody pushes", TOKEN_UNDERFLOW, -1);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, LOOM_DEP_POP_PREV);
    loom_cmd_end(next(p));
    CASE("compute and store wait for each other", TOKEN_UNDERFLOW, -1);
    loom_cmd_matmul(next(p), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, LOOM_DEP_POP_NEXT | LOOM_DEP_PUSH_NEXT);
    loom_cmd_store(next(p), LOOM_PP_I32, 0, D, 1, 0, 1, 4, LOOM_DEP_POP_PREV | LOOM_DEP_PUSH_PREV);
    loom_cmd_end(next(p));
    CASE("token counter overflow", TOKEN_OVERFLOW, c->token_max);
    for (uint32_t i = 0; i <= c->token_max; i++)
        loom_cmd_sync(next(p), LOOM_QUEUE_LOAD, LOOM_DEP_PUSH_NEXT);
    loom_cmd_end(next(p));
    CASE("token left at END", TOKEN_LEAK, 1);
    loom_cmd_sync(next(p), LOOM_QUEUE_LOAD, LOOM_DEP_PUSH_NEXT);
    loom_cmd_end(next(p));
    CASE("error after valid work", SRAM_RANGE, 5);
    good(p, c, D);
    p->n--; /* drop END */
    loom_cmd_load(next(p), LOOM_MEM_WPAD, c->wpad_depth, D, 1, 1, 0, 0);
    loom_cmd_end(next(p));

    int fails = 0;
    for (size_t i = 0; i < np; i++) {
        p = &ps[i];
        size_t bad = 0;
        unsigned code = 0;
        int v = loom_cmd_validate(c, W, &p->insns[0][0], p->n, &bad, &code);
        loom_interp_result ir;
        uint64_t c0 = loom_vsim_cycles(h.sim);
        int err = h_run_both(&h, &p->insns[0][0], p->n, &ir);
        uint64_t cyc = loom_vsim_cycles(h.sim) - c0;
        int ok = err == LOOM_ERR_HW && h.core.hw_err == p->want && v == LOOM_ERR_BAD_PROGRAM &&
                 code == p->want && ir.hw_err == p->want &&
                 (p->want_index < 0 ||
                  (h.core.hw_err_index == (size_t)p->want_index && bad == (size_t)p->want_index));
        printf("%s %-46s rtl %-15s @%-3zu validator %-15s @%-3zu interp %-15s %5llu cycles\n",
               ok ? "ok  " : "FAIL", p->name, err == LOOM_ERR_HW ? loom_hw_errname(h.core.hw_err) : loom_strerror(err),
               h.core.hw_err_index, loom_hw_errname(code), bad, loom_hw_errname(ir.hw_err),
               (unsigned long long)cyc);
        fails += !ok;
        /* The engine must work again after the driver core's soft reset. */
        prog g = {0};
        good(&g, c, D);
        for (uint32_t b = 0; b < 8192; b++)
            h.mem[D + b] = (uint8_t)(b * 7 + i);
        if (h_run_both(&h, &g.insns[0][0], g.n, &ir) ||
            memcmp(h.mem + D + 8192, h.shadow + D + 8192, (size_t)c->rows * c->cols * 4)) {
            printf("FAIL engine does not run a valid program after '%s'\n", p->name);
            fails++;
        }
    }

    /* Ring misconfiguration is checked at start. */
    static const struct { const char *name; uint32_t reg, val; } ring[] = {
        {"RING_SIZE 0", LOOM_CSR_RING_SIZE, 0},
        {"RING_BASE not 16-byte aligned", LOOM_CSR_RING_BASE, H_MEM_BASE + 8},
        {"ring outside the DMA window", LOOM_CSR_RING_BASE, H_MEM_BASE - 4096},
        {"RING_TAIL beyond RING_SIZE", LOOM_CSR_RING_TAIL, H_RING_SLOTS + 3},
    };
    for (size_t i = 0; i < sizeof ring / sizeof ring[0]; i++) {
        uint32_t st = 0, code = 0;
        uint64_t cyc = 0;
        loom_vsim_mmio_write(h.sim, ring[i].reg, ring[i].val);
        loom_vsim_mmio_write(h.sim, LOOM_CSR_CTRL, 1u << LOOM_CTRL_START_LO);
        int r = loom_vsim_run_until_idle(h.sim, 100000, &cyc);
        loom_vsim_mmio_read(h.sim, LOOM_CSR_STATUS, &st);
        loom_vsim_mmio_read(h.sim, LOOM_CSR_ERR_CODE, &code);
        int ok = !r && (st >> LOOM_STATUS_ERROR_LO & 1) && code == LOOM_HWERR_RING_CONFIG;
        printf("%s %-46s status %#x %s, %llu cycles\n", ok ? "ok  " : "FAIL", ring[i].name,
               st, loom_hw_errname(code), (unsigned long long)cyc);
        fails += !ok;
        uint64_t base, size;
        loom_vsim_mem(h.sim, &base, &size);
        if (loom_core_init(&h.core, &h.port.base, (uint32_t *)h.mem, base, H_RING_SLOTS, base,
                           base + size)) {
            printf("FAIL re-init after '%s'\n", ring[i].name);
            fails++;
        }
    }

    /* A bus error on a valid LOAD. */
    {
        prog g = {0};
        good(&g, c, D);
        loom_interp_result ir;
        loom_vsim_set_mem_error(h.sim, H_MEM_BASE + D + 4096, H_MEM_BASE + D + 4096 + 16);
        int err = h_run_both(&h, &g.insns[0][0], g.n, &ir);
        loom_vsim_set_mem_error(h.sim, 0, 0);
        int ok = err == LOOM_ERR_HW && h.core.hw_err == LOOM_HWERR_BUS_ERROR && h.core.hw_err_index == 1;
        printf("%s %-46s rtl %s @%zu\n", ok ? "ok  " : "FAIL", "SLVERR on a weight load",
               loom_hw_errname(h.core.hw_err), h.core.hw_err_index);
        fails += !ok;
        if (h_run_both(&h, &g.insns[0][0], g.n, &ir) ||
            memcmp(h.mem + D + 8192, h.shadow + D + 8192, (size_t)c->rows * c->cols * 4)) {
            printf("FAIL engine does not recover after a bus error\n");
            fails++;
        }
    }
    size_t total = np + sizeof ring / sizeof ring[0] + 1;
    printf("%zu malformed streams: %zu ended in the right error and recovered\n", total,
           total - (size_t)fails);
    h_close(&h);
    return fails ? 1 : 0;
}
