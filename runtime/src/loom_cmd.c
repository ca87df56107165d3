/* SPDX-License-Identifier: Apache-2.0 */
/* Instruction encoding, the decoder's checks and the token-protocol model
 * (docs/isa.md). */
#include "loom/loom_cmd.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

_Static_assert(LOOM_F_OPCODE_LO == 0, "loomi_opcode reads bits 3:0");
_Static_assert(LOOM_F_POP_NEXT_LO == LOOM_F_POP_PREV_LO + 1 &&
                   LOOM_F_PUSH_PREV_LO == LOOM_F_POP_PREV_LO + 2 &&
                   LOOM_F_PUSH_NEXT_LO == LOOM_F_POP_PREV_LO + 3,
               "LOOM_DEP_* assume the four token flags are adjacent");
_Static_assert(LOOM_STORE_RELU_LO == LOOM_STORE_OUT_I32_LO + 1 &&
                   LOOM_STORE_BIAS_EN_LO == LOOM_STORE_OUT_I32_LO + 2,
               "LOOM_PP_* assume out_i32, relu, bias_en are adjacent");

/* One field of one opcode: where it is in the instruction and in loom_cmd_fields. */
typedef struct loomi_field {
    uint8_t op, lo, w;
    uint8_t off; /* offsetof(loom_cmd_fields, ...) */
} loomi_field;

#define FLD(op, lo, w, member) { LOOM_OP_##op, lo, w, offsetof(loom_cmd_fields, member) }
static const loomi_field loomi_fields[] = {
    FLD(LOAD, LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W, mem),
    FLD(LOAD, LOOM_LOAD_SRAM_ADDR_LO, LOOM_LOAD_SRAM_ADDR_W, sram_addr),
    FLD(LOAD, LOOM_LOAD_DRAM_OFF_LO, LOOM_LOAD_DRAM_OFF_W, dram_off),
    FLD(LOAD, LOOM_LOAD_ROWS_LO, LOOM_LOAD_ROWS_W, rows),
    FLD(LOAD, LOOM_LOAD_COLS_LO, LOOM_LOAD_COLS_W, cols),
    FLD(LOAD, LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W, stride),
    FLD(MATMUL, LOOM_MATMUL_MODE_LO, LOOM_MATMUL_MODE_W, mode),
    FLD(MATMUL, LOOM_MATMUL_ACCUMULATE_LO, LOOM_MATMUL_ACCUMULATE_W, accumulate),
    FLD(MATMUL, LOOM_MATMUL_ACC_ADDR_LO, LOOM_MATMUL_ACC_ADDR_W, acc_addr),
    FLD(MATMUL, LOOM_MATMUL_APAD_ADDR_LO, LOOM_MATMUL_APAD_ADDR_W, apad_addr),
    FLD(MATMUL, LOOM_MATMUL_WPAD_ADDR_LO, LOOM_MATMUL_WPAD_ADDR_W, wpad_addr),
    FLD(MATMUL, LOOM_MATMUL_ROWS_LO, LOOM_MATMUL_ROWS_W, rows),
    FLD(STORE, LOOM_STORE_OUT_I32_LO, 3, pp),
    FLD(STORE, LOOM_STORE_ACC_ADDR_LO, LOOM_STORE_ACC_ADDR_W, acc_addr),
    FLD(STORE, LOOM_STORE_DRAM_OFF_LO, LOOM_STORE_DRAM_OFF_W, dram_off),
    FLD(STORE, LOOM_STORE_ROWS_LO, LOOM_STORE_ROWS_W, rows),
    FLD(STORE, LOOM_STORE_PP_ADDR_LO, LOOM_STORE_PP_ADDR_W, pp_addr),
    FLD(STORE, LOOM_STORE_COLS_LO, LOOM_STORE_COLS_W, cols),
    FLD(STORE, LOOM_STORE_STRIDE_LO, LOOM_STORE_STRIDE_W, stride),
    FLD(SYNC, LOOM_SYNC_QUEUE_LO, LOOM_SYNC_QUEUE_W, queue),
    FLD(FENCE, LOOM_FENCE_IRQ_LO, LOOM_FENCE_IRQ_W, irq),
};
#undef FLD
#define LOOMI_NFIELDS (sizeof loomi_fields / sizeof loomi_fields[0])

static const uint32_t loomi_rsvd[7][4] = {
    [LOOM_OP_LOAD] = { LOOM_LOAD_RSVD_W0, LOOM_LOAD_RSVD_W1, LOOM_LOAD_RSVD_W2, LOOM_LOAD_RSVD_W3 },
    [LOOM_OP_MATMUL] = { LOOM_MATMUL_RSVD_W0, LOOM_MATMUL_RSVD_W1, LOOM_MATMUL_RSVD_W2,
                         LOOM_MATMUL_RSVD_W3 },
    [LOOM_OP_STORE] = { LOOM_STORE_RSVD_W0, LOOM_STORE_RSVD_W1, LOOM_STORE_RSVD_W2,
                        LOOM_STORE_RSVD_W3 },
    [LOOM_OP_SYNC] = { LOOM_SYNC_RSVD_W0, LOOM_SYNC_RSVD_W1, LOOM_SYNC_RSVD_W2, LOOM_SYNC_RSVD_W3 },
    [LOOM_OP_FENCE] = { LOOM_FENCE_RSVD_W0, LOOM_FENCE_RSVD_W1, LOOM_FENCE_RSVD_W2,
                        LOOM_FENCE_RSVD_W3 },
    [LOOM_OP_END] = { LOOM_END_RSVD_W0, LOOM_END_RSVD_W1, LOOM_END_RSVD_W2, LOOM_END_RSVD_W3 },
};

/* Field access by word pair, 1 <= w <= 32 (loom_insn_get/set go bit by bit, which
 * the interpreter and the simulations would feel). */
static uint32_t loomi_get(const uint32_t insn[4], unsigned lo, unsigned w)
{
    unsigned wd = lo / 32;
    uint64_t v = insn[wd] | (wd < 3 ? (uint64_t)insn[wd + 1] << 32 : 0);
    return (uint32_t)((v >> (lo % 32)) & ((1ull << w) - 1));
}

static void loomi_set(uint32_t insn[4], unsigned lo, unsigned w, uint32_t val)
{
    unsigned wd = lo / 32;
    uint64_t mask = ((1ull << w) - 1) << (lo % 32), v = (uint64_t)val << (lo % 32);
    insn[wd] = (insn[wd] & ~(uint32_t)mask) | (uint32_t)(v & mask);
    if (wd < 3)
        insn[wd + 1] = (insn[wd + 1] & ~(uint32_t)(mask >> 32)) | (uint32_t)((v & mask) >> 32);
}

static uint32_t *loomi_member(loom_cmd_fields *f, const loomi_field *d)
{
    return (uint32_t *)((char *)f + d->off);
}

static unsigned loomi_opcode(const uint32_t insn[4])
{
    return insn[0] & ((1u << LOOM_F_OPCODE_W) - 1); /* opcode is bits 3:0 */
}

int loom_cmd_encode(uint32_t insn[4], const loom_cmd_fields *f)
{
    if (!insn)
        return LOOM_ERR_INVALID_ARG;
    memset(insn, 0, 4 * sizeof insn[0]);
    if (!f || f->opcode < LOOM_OP_LOAD || f->opcode > LOOM_OP_END)
        return LOOM_ERR_INVALID_ARG;
    if (f->deps > LOOM_DEP_ALL)
        return LOOM_ERR_INVALID_ARG;
    uint32_t tmp[4] = { 0 };
    loomi_set(tmp, LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W, f->opcode);
    loomi_set(tmp, LOOM_F_POP_PREV_LO, 4, f->deps);
    loom_cmd_fields copy = *f;
    for (size_t i = 0; i < LOOMI_NFIELDS; i++) {
        const loomi_field *d = &loomi_fields[i];
        if (d->op != f->opcode)
            continue;
        uint32_t v = *loomi_member(&copy, d);
        if (d->w < 32 && (v >> d->w))
            return LOOM_ERR_INVALID_ARG;
        loomi_set(tmp, d->lo, d->w, v);
    }
    memcpy(insn, tmp, sizeof tmp);
    return LOOM_OK;
}

int loom_cmd_decode(const uint32_t insn[4], loom_cmd_fields *f)
{
    if (!insn || !f)
        return LOOM_ERR_INVALID_ARG;
    memset(f, 0, sizeof *f);
    f->opcode = loomi_opcode(insn);
    f->deps = loomi_get(insn, LOOM_F_POP_PREV_LO, 4);
    for (size_t i = 0; i < LOOMI_NFIELDS; i++) {
        const loomi_field *d = &loomi_fields[i];
        if (d->op == f->opcode)
            *loomi_member(f, d) = loomi_get(insn, d->lo, d->w);
    }
    return LOOM_OK;
}

int loom_cmd_load(uint32_t insn[4], unsigned mem, uint32_t sram_addr, uint32_t dram_off,
                  uint32_t rows, uint32_t cols, uint32_t stride, unsigned deps)
{
    loom_cmd_fields f = { .opcode = LOOM_OP_LOAD, .deps = deps, .mem = mem,
                          .sram_addr = sram_addr, .dram_off = dram_off, .rows = rows,
                          .cols = cols, .stride = stride };
    return loom_cmd_encode(insn, &f);
}

int loom_cmd_matmul(uint32_t insn[4], unsigned mode, unsigned accumulate, uint32_t acc_addr,
                    uint32_t apad_addr, uint32_t wpad_addr, uint32_t rows, unsigned deps)
{
    loom_cmd_fields f = { .opcode = LOOM_OP_MATMUL, .deps = deps, .mode = mode,
                          .accumulate = accumulate, .acc_addr = acc_addr,
                          .apad_addr = apad_addr, .wpad_addr = wpad_addr, .rows = rows };
    return loom_cmd_encode(insn, &f);
}

int loom_cmd_store(uint32_t insn[4], unsigned pp, uint32_t acc_addr, uint32_t dram_off,
                   uint32_t rows, uint32_t pp_addr, uint32_t cols, uint32_t stride,
                   unsigned deps)
{
    loom_cmd_fields f = { .opcode = LOOM_OP_STORE, .deps = deps, .pp = pp,
                          .acc_addr = acc_addr, .dram_off = dram_off, .rows = rows,
                          .pp_addr = pp_addr, .cols = cols, .stride = stride };
    return loom_cmd_encode(insn, &f);
}

int loom_cmd_sync(uint32_t insn[4], unsigned queue, unsigned deps)
{
    loom_cmd_fields f = { .opcode = LOOM_OP_SYNC, .deps = deps, .queue = queue };
    return loom_cmd_encode(insn, &f);
}

int loom_cmd_fence(uint32_t insn[4], unsigned irq)
{
    loom_cmd_fields f = { .opcode = LOOM_OP_FENCE, .irq = irq };
    return loom_cmd_encode(insn, &f);
}

int loom_cmd_end(uint32_t insn[4])
{
    loom_cmd_fields f = { .opcode = LOOM_OP_END };
    return loom_cmd_encode(insn, &f);
}

/* Queue by opcode and routing field alone (no validity check); a SYNC naming queue 3
 * yields 3 = LOOM_QUEUE_NONE. */
static unsigned loomi_raw_queue(const uint32_t insn[4])
{
    switch (loomi_opcode(insn)) {
    case LOOM_OP_LOAD:
        return loomi_get(insn, LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W) == LOOM_MEM_ACC
                   ? LOOM_QUEUE_COMPUTE
                   : LOOM_QUEUE_LOAD;
    case LOOM_OP_MATMUL:
        return LOOM_QUEUE_COMPUTE;
    case LOOM_OP_STORE:
        return LOOM_QUEUE_STORE;
    case LOOM_OP_SYNC:
        return loomi_get(insn, LOOM_SYNC_QUEUE_LO, LOOM_SYNC_QUEUE_W);
    default:
        return LOOM_QUEUE_NONE;
    }
}

unsigned loom_cmd_queue(const uint32_t insn[4])
{
    return loomi_raw_queue(insn);
}

/* Token flags an instruction of queue q may carry. */
static unsigned loomi_allowed_deps(unsigned op, unsigned q)
{
    if (op == LOOM_OP_FENCE || op == LOOM_OP_END)
        return 0;
    switch (q) {
    case LOOM_QUEUE_LOAD:
        return LOOM_DEP_POP_NEXT | LOOM_DEP_PUSH_NEXT;
    case LOOM_QUEUE_STORE:
        return LOOM_DEP_POP_PREV | LOOM_DEP_PUSH_PREV;
    default: /* compute; or a SYNC with queue 3, which is BAD_FIELD anyway */
        return LOOM_DEP_ALL;
    }
}

static uint64_t loomi_ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* dram_off + (rows-1)*stride + cols*esize <= window; every term is < 2^41, no overflow. */
static int loomi_in_window(uint64_t window, uint64_t off, uint64_t rows, uint64_t stride,
                           uint64_t cols, uint64_t esize)
{
    return off + (rows - 1) * stride + cols * esize <= window;
}

static unsigned loomi_check_load(const loom_caps *caps, uint64_t window, const loom_cmd_fields *f)
{
    if (f->mem > LOOM_MEM_ACC || f->rows == 0 || f->cols == 0)
        return LOOM_HWERR_BAD_FIELD;
    int acc = f->mem == LOOM_MEM_ACC;
    if (acc && ((f->dram_off | f->stride) & 3u))
        return LOOM_HWERR_BAD_FIELD;
    uint64_t per = f->mem == LOOM_MEM_APAD ? caps->rows : caps->cols;
    uint64_t depth = f->mem == LOOM_MEM_APAD   ? caps->apad_depth
                     : f->mem == LOOM_MEM_WPAD ? caps->wpad_depth
                                               : caps->acc_depth;
    if ((uint64_t)f->sram_addr + (uint64_t)f->rows * loomi_ceil_div(f->cols, per) > depth)
        return LOOM_HWERR_SRAM_RANGE;
    if (!loomi_in_window(window, f->dram_off, f->rows, f->stride, f->cols, acc ? 4 : 1))
        return LOOM_HWERR_DMA_WINDOW;
    return LOOM_HWERR_NONE;
}

static unsigned loomi_check_matmul(const loom_caps *caps, const loom_cmd_fields *f)
{
    int w4 = f->mode == LOOM_MODE_W4A8;
    if (f->rows == 0 || (w4 && (f->apad_addr & 1u)))
        return LOOM_HWERR_BAD_FIELD;
    uint64_t m = f->rows;
    if (f->acc_addr + m > caps->acc_depth || (uint64_t)f->wpad_addr + caps->rows > caps->wpad_depth ||
        f->apad_addr + (w4 ? 2 * m : m) > caps->apad_depth)
        return LOOM_HWERR_SRAM_RANGE;
    return LOOM_HWERR_NONE;
}

static unsigned loomi_check_store(const loom_caps *caps, uint64_t window, const loom_cmd_fields *f)
{
    int i32 = (f->pp & LOOM_PP_I32) != 0, bias = (f->pp & LOOM_PP_BIAS) != 0;
    if (f->rows == 0 || f->cols == 0 || f->cols > caps->cols)
        return LOOM_HWERR_BAD_FIELD;
    if (i32 && ((f->dram_off | f->stride) & 3u))
        return LOOM_HWERR_BAD_FIELD;
    uint64_t pp_need = !i32 ? 3 : bias ? 1 : 0;
    if ((uint64_t)f->acc_addr + f->rows > caps->acc_depth ||
        (pp_need && (uint64_t)f->pp_addr + pp_need > caps->acc_depth))
        return LOOM_HWERR_SRAM_RANGE;
    if (!loomi_in_window(window, f->dram_off, f->rows, f->stride, f->cols, i32 ? 4 : 1))
        return LOOM_HWERR_DMA_WINDOW;
    return LOOM_HWERR_NONE;
}

unsigned loom_cmd_check(const loom_caps *caps, uint64_t window_bytes, const uint32_t insn[4])
{
    unsigned op = loomi_opcode(insn);
    if (op < LOOM_OP_LOAD || op > LOOM_OP_END)
        return LOOM_HWERR_ILLEGAL_OPCODE;
    for (int i = 0; i < 4; i++)
        if (insn[i] & loomi_rsvd[op][i])
            return LOOM_HWERR_RESERVED_BITS;
    loom_cmd_fields f;
    loom_cmd_decode(insn, &f);
    if (f.deps & ~loomi_allowed_deps(op, loomi_raw_queue(insn)))
        return LOOM_HWERR_BAD_FIELD;
    if (op == LOOM_OP_MATMUL && (f.mode > LOOM_MODE_W4A8 || !((caps->modes >> f.mode) & 1u)))
        return LOOM_HWERR_BAD_MODE;
    switch (op) {
    case LOOM_OP_LOAD:
        return loomi_check_load(caps, window_bytes, &f);
    case LOOM_OP_MATMUL:
        return loomi_check_matmul(caps, &f);
    case LOOM_OP_STORE:
        return loomi_check_store(caps, window_bytes, &f);
    case LOOM_OP_SYNC:
        return f.queue > LOOM_QUEUE_STORE ? LOOM_HWERR_BAD_FIELD : LOOM_HWERR_NONE;
    default: /* FENCE, END: nothing beyond reserved bits and flags */
        return LOOM_HWERR_NONE;
    }
}

/* ---------------------------------------------------------------- token model */

/* Token counters, named producer-to-consumer. */
enum { LOOMI_L2C, LOOMI_C2L, LOOMI_C2S, LOOMI_S2C, LOOMI_NTOK };
#define LOOMI_NOQ 3
#define LOOMI_NONE SIZE_MAX
/* Counter popped/pushed by each flag, per queue (-1: flag illegal in that queue). */
static const int loomi_pop_prev[3] = { -1, LOOMI_L2C, LOOMI_C2S };
static const int loomi_pop_next[3] = { LOOMI_C2L, LOOMI_S2C, -1 };
static const int loomi_push_prev[3] = { -1, LOOMI_C2L, LOOMI_S2C };
static const int loomi_push_next[3] = { LOOMI_L2C, LOOMI_C2S, -1 };

/* The dispatcher and three queues; units complete an instruction the moment it
 * starts, which is one legal timing (any other only delays completions). */
typedef struct loomi_sim {
    const uint32_t *insns;
    size_t limit;          /* the dispatcher never takes instruction `limit` or later */
    uint32_t depth;        /* queue depth */
    uint32_t tmax;         /* token_max */
    size_t fifo[3][256];   /* waiting instructions per queue, ring */
    uint32_t head[3], cnt[3];
    uint64_t tok[LOOMI_NTOK];
    size_t d;              /* next instruction to dispatch */
    int ended;             /* an END has been passed */
    size_t overflow;       /* lowest index of a push past tmax */
    size_t leak;           /* index of an END that found tokens */
    size_t *order;         /* optional: start order */
    size_t n_order;
} loomi_sim;

static void loomi_sim_init(loomi_sim *s, const loom_caps *caps, const uint32_t *insns,
                           size_t limit, size_t *order)
{
    memset(s, 0, sizeof *s);
    s->insns = insns;
    s->limit = limit;
    s->depth = caps->queue_depth;
    s->tmax = caps->token_max;
    s->overflow = LOOMI_NONE;
    s->leak = LOOMI_NONE;
    s->order = order;
}

static void loomi_sim_record(loomi_sim *s, size_t i)
{
    if (s->order)
        s->order[s->n_order] = i;
    s->n_order++;
}

static int loomi_sim_dispatch(loomi_sim *s)
{
    int progress = 0;
    while (!s->ended && s->d < s->limit) {
        const uint32_t *insn = &s->insns[4 * s->d];
        unsigned op = loomi_opcode(insn);
        if (op == LOOM_OP_FENCE || op == LOOM_OP_END) {
            if (s->cnt[0] | s->cnt[1] | s->cnt[2])
                break;
            if (op == LOOM_OP_END) {
                for (int c = 0; c < LOOMI_NTOK; c++)
                    if (s->tok[c])
                        s->leak = s->d;
                s->ended = 1;
            }
            loomi_sim_record(s, s->d);
        } else {
            unsigned q = loomi_raw_queue(insn);
            if (s->cnt[q] >= s->depth)
                break;
            s->fifo[q][(s->head[q] + s->cnt[q]) % 256] = s->d;
            s->cnt[q]++;
        }
        s->d++;
        progress = 1;
    }
    return progress;
}

/* Starts (and completes) the head of queue q if its pops can be taken. */
static int loomi_sim_step(loomi_sim *s, unsigned q)
{
    if (!s->cnt[q])
        return 0;
    size_t i = s->fifo[q][s->head[q]];
    unsigned deps = loomi_get(&s->insns[4 * i], LOOM_F_POP_PREV_LO, 4);
    int pp = (deps & LOOM_DEP_POP_PREV) ? loomi_pop_prev[q] : -1;
    int pn = (deps & LOOM_DEP_POP_NEXT) ? loomi_pop_next[q] : -1;
    if ((pp >= 0 && !s->tok[pp]) || (pn >= 0 && !s->tok[pn]))
        return 0;
    if (pp >= 0)
        s->tok[pp]--;
    if (pn >= 0)
        s->tok[pn]--;
    s->head[q] = (s->head[q] + 1) % 256;
    s->cnt[q]--;
    loomi_sim_record(s, i);
    int push[2] = { (deps & LOOM_DEP_PUSH_PREV) ? loomi_push_prev[q] : -1,
                    (deps & LOOM_DEP_PUSH_NEXT) ? loomi_push_next[q] : -1 };
    for (int k = 0; k < 2; k++) {
        if (push[k] < 0)
            continue;
        if (s->tok[push[k]] >= s->tmax && i < s->overflow)
            s->overflow = i;
        s->tok[push[k]]++;
    }
    return 1;
}

/* Runs to quiescence. Queue `lazy` (or none for -1) moves only when nothing else can,
 * one instruction at a time: that maximises the counters it consumes. Returns the
 * oldest head still waiting, or LOOMI_NONE. */
static size_t loomi_sim_run(loomi_sim *s, int lazy)
{
    for (;;) {
        int progress = loomi_sim_dispatch(s);
        for (int q = 0; q < 3; q++)
            while (q != lazy && loomi_sim_step(s, (unsigned)q))
                progress = 1;
        if (progress)
            continue;
        if (lazy >= 0 && loomi_sim_step(s, (unsigned)lazy))
            continue;
        break;
    }
    size_t stuck = LOOMI_NONE;
    for (int q = 0; q < 3; q++)
        if (s->cnt[q] && s->fifo[q][s->head[q]] < stuck)
            stuck = s->fifo[q][s->head[q]];
    return stuck;
}

static void loomi_fault(size_t *best, unsigned *code, size_t idx, unsigned c)
{
    if (idx < *best) {
        *best = idx;
        *code = c;
    }
}

int loom_cmd_schedule(const loom_caps *caps, uint64_t window_bytes, const uint32_t *insns,
                      size_t n, size_t *order, size_t *n_order, size_t *consumed,
                      size_t *bad_index, unsigned *hw_err)
{
    if (n_order)
        *n_order = 0;
    if (loom_caps_check(caps) != LOOM_OK || (!insns && n))
        return LOOM_ERR_INVALID_ARG;

    /* The stream the dispatcher reaches: up to the first END or the first bad one. */
    size_t limit = n, fault = LOOMI_NONE;
    unsigned code = LOOM_HWERR_NONE;
    for (size_t i = 0; i < n; i++) {
        unsigned c = loom_cmd_check(caps, window_bytes, &insns[4 * i]);
        if (c != LOOM_HWERR_NONE) {
            fault = limit = i;
            code = c;
            break;
        }
        if (loomi_opcode(&insns[4 * i]) == LOOM_OP_END) {
            limit = i + 1;
            break;
        }
    }

    loomi_sim s;
    for (int lazy = 0; lazy < 3; lazy++) {
        loomi_sim_init(&s, caps, insns, limit, NULL);
        size_t stuck = loomi_sim_run(&s, lazy);
        /* A pop still waiting when the dispatcher has reached a bad instruction is not
         * a deadlock: the bad instruction is reported first. */
        if (stuck != LOOMI_NONE && (code == LOOM_HWERR_NONE || s.d < limit))
            loomi_fault(&fault, &code, stuck, LOOM_HWERR_TOKEN_UNDERFLOW);
        loomi_fault(&fault, &code, s.overflow, LOOM_HWERR_TOKEN_OVERFLOW);
        loomi_fault(&fault, &code, s.leak, LOOM_HWERR_TOKEN_LEAK);
    }

    if (order || n_order) {
        loomi_sim_init(&s, caps, insns, fault < limit ? fault : limit, order);
        loomi_sim_run(&s, -1);
        if (n_order)
            *n_order = s.n_order;
    }
    if (consumed)
        *consumed = fault != LOOMI_NONE ? fault : limit;
    if (bad_index)
        *bad_index = fault;
    if (hw_err)
        *hw_err = code;
    return code == LOOM_HWERR_NONE ? LOOM_OK : LOOM_ERR_BAD_PROGRAM;
}

int loom_cmd_validate(const loom_caps *caps, uint64_t window_bytes, const uint32_t *insns,
                      size_t n, size_t *bad_index, unsigned *hw_err)
{
    return loom_cmd_schedule(caps, window_bytes, insns, n, NULL, NULL, NULL, bad_index, hw_err);
}
