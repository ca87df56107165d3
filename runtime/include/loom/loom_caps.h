/* SPDX-License-Identifier: Apache-2.0 */
/* What a Loom core offers, as read from its capability registers (docs/isa.md,
 * "Registers": CAP0, CAP_APAD, CAP_WPAD, CAP_ACC, CAP1). */
#ifndef LOOM_CAPS_H
#define LOOM_CAPS_H

#include <stdint.h>

#include "loom/loom_error.h"
#include "loom/loom_isa.h"

/* Capabilities of one core. Sizes count entries: an APAD entry is `rows` int8, a WPAD
 * entry `cols` bytes, an ACC entry `cols` int32. */
typedef struct loom_caps {
    uint32_t rows;        /* ROWS: array rows, K of one W8A8 MATMUL (CAP0[7:0]) */
    uint32_t cols;        /* COLS: array columns, output lanes (CAP0[15:8]) */
    uint32_t bus_bytes;   /* AXI data width in bytes (CAP0[23:16]) */
    uint32_t modes;       /* bit i set: MATMUL mode i supported (CAP0[31:24]) */
    uint32_t apad_depth;  /* activation pad entries (CAP_APAD) */
    uint32_t wpad_depth;  /* weight pad entries (CAP_WPAD) */
    uint32_t acc_depth;   /* accumulator entries (CAP_ACC), two banks by address half */
    uint32_t queue_depth; /* instructions each queue holds before they start (CAP1[7:0]) */
    uint32_t token_max;   /* largest value of a token counter (CAP1[15:8]) */
    uint32_t pp_lanes;    /* requantisation lanes per cycle (CAP1[23:16]) */
} loom_caps;

/* Largest SRAM depth the runtime accepts (the C reference allocates it). */
#define LOOM_CAPS_DEPTH_MAX (1u << 20)

/* The RTL defaults (docs/microarch.md): 16x16, 16-byte bus, W8A8 and W4A8, pads of
 * 4096 entries, 1024 accumulator entries, queues of 8, token_max 255, 4 lanes. */
static inline loom_caps loom_caps_default(void)
{
    loom_caps c = {
        .rows = 16, .cols = 16, .bus_bytes = 16,
        .modes = (1u << LOOM_MODE_W8A8) | (1u << LOOM_MODE_W4A8),
        .apad_depth = 4096, .wpad_depth = 4096, .acc_depth = 1024,
        .queue_depth = 8, .token_max = 255, .pp_lanes = 4,
    };
    return c;
}

/* LOOM_OK if caps describes a core the runtime can drive: rows, cols, bus_bytes,
 * queue_depth, token_max, pp_lanes in 1..255 (8-bit register fields), depths in
 * 1..LOOM_CAPS_DEPTH_MAX, at least one mode;
 * LOOM_ERR_INVALID_ARG otherwise (also for NULL). */
static inline int loom_caps_check(const loom_caps *c)
{
    if (!c)
        return LOOM_ERR_INVALID_ARG;
    const uint32_t small[] = { c->rows, c->cols, c->bus_bytes, c->queue_depth, c->token_max,
                               c->pp_lanes };
    for (unsigned i = 0; i < sizeof small / sizeof small[0]; i++)
        if (small[i] < 1 || small[i] > 255)
            return LOOM_ERR_INVALID_ARG;
    const uint32_t depth[] = { c->apad_depth, c->wpad_depth, c->acc_depth };
    for (unsigned i = 0; i < 3; i++)
        if (depth[i] < 1 || depth[i] > LOOM_CAPS_DEPTH_MAX)
            return LOOM_ERR_INVALID_ARG;
    if (!(c->modes & 0xFFu))
        return LOOM_ERR_INVALID_ARG;
    return LOOM_OK;
}

static inline uint32_t loomi_caps_field(uint32_t reg, unsigned lo, unsigned w)
{
    return (reg >> lo) & ((1u << w) - 1u);
}

/* Decodes the capability registers. regs[i] is the register at byte offset 4*i, so
 * regs must hold at least LOOM_CSR_CAP1/4 + 1 words (a snapshot of the CSR space
 * works as is). Returns loom_caps_check() of the result; caps is written either way. */
static inline int loom_caps_from_regs(loom_caps *caps, const uint32_t regs[])
{
    if (!caps || !regs)
        return LOOM_ERR_INVALID_ARG;
    uint32_t cap0 = regs[LOOM_CSR_CAP0 / 4], cap1 = regs[LOOM_CSR_CAP1 / 4];
    caps->rows = loomi_caps_field(cap0, LOOM_CAP0_ROWS_LO, LOOM_CAP0_ROWS_W);
    caps->cols = loomi_caps_field(cap0, LOOM_CAP0_COLS_LO, LOOM_CAP0_COLS_W);
    caps->bus_bytes = loomi_caps_field(cap0, LOOM_CAP0_BUS_BYTES_LO, LOOM_CAP0_BUS_BYTES_W);
    caps->modes = loomi_caps_field(cap0, LOOM_CAP0_MODES_LO, LOOM_CAP0_MODES_W);
    caps->apad_depth = regs[LOOM_CSR_CAP_APAD / 4];
    caps->wpad_depth = regs[LOOM_CSR_CAP_WPAD / 4];
    caps->acc_depth = regs[LOOM_CSR_CAP_ACC / 4];
    caps->queue_depth = loomi_caps_field(cap1, LOOM_CAP1_QUEUE_DEPTH_LO, LOOM_CAP1_QUEUE_DEPTH_W);
    caps->token_max = loomi_caps_field(cap1, LOOM_CAP1_TOKEN_MAX_LO, LOOM_CAP1_TOKEN_MAX_W);
    caps->pp_lanes = loomi_caps_field(cap1, LOOM_CAP1_PP_LANES_LO, LOOM_CAP1_PP_LANES_W);
    return loom_caps_check(caps);
}

/* The inverse, for models that present a register file: writes CAP0, CAP_APAD,
 * CAP_WPAD, CAP_ACC and CAP1 at regs[offset/4] and nothing else. Fields wider than
 * their register bits are truncated; check caps first. */
static inline void loom_caps_to_regs(const loom_caps *caps, uint32_t regs[])
{
    regs[LOOM_CSR_CAP0 / 4] = (caps->rows & 0xFFu) << LOOM_CAP0_ROWS_LO |
                              (caps->cols & 0xFFu) << LOOM_CAP0_COLS_LO |
                              (caps->bus_bytes & 0xFFu) << LOOM_CAP0_BUS_BYTES_LO |
                              (caps->modes & 0xFFu) << LOOM_CAP0_MODES_LO;
    regs[LOOM_CSR_CAP_APAD / 4] = caps->apad_depth;
    regs[LOOM_CSR_CAP_WPAD / 4] = caps->wpad_depth;
    regs[LOOM_CSR_CAP_ACC / 4] = caps->acc_depth;
    regs[LOOM_CSR_CAP1 / 4] = (caps->queue_depth & 0xFFu) << LOOM_CAP1_QUEUE_DEPTH_LO |
                              (caps->token_max & 0xFFu) << LOOM_CAP1_TOKEN_MAX_LO |
                              (caps->pp_lanes & 0xFFu) << LOOM_CAP1_PP_LANES_LO;
}

#endif /* LOOM_CAPS_H */
