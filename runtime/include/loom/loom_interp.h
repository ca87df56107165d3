/* SPDX-License-Identifier: Apache-2.0 */
/* The golden ISA interpreter: runs a Loom program over a memory window with exactly
 * the semantics of docs/isa.md. It is the `cpu` reference every other backend and the
 * RTL are compared with, so it favours clarity over speed (MATMUL is still plain
 * loops the compiler vectorises).
 *
 * State that persists across runs, as on hardware: APAD, WPAD and ACC contents
 * (zero after create and loom_interp_reset). Token counters start at zero in every
 * run (as after END or soft reset).
 *
 * Besides what hardware reports, a run checks that the token protocol orders every
 * pair of accesses from different queues to the same APAD, WPAD or ACC entry where
 * one of them writes (a happens-before check over the program's tokens, valid for any
 * timing). A program that fails it gives results that depend on timing on hardware.
 * Memory-window (DRAM) accesses are not checked for races. */
#ifndef LOOM_INTERP_H
#define LOOM_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "loom/loom_caps.h"

typedef struct loom_interp loom_interp;

typedef struct loom_interp_result {
    unsigned hw_err;        /* LOOM_HWERR_* the hardware raises, NONE if it does not */
    size_t err_index;       /* index of the faulting instruction (hw_err != NONE) */
    size_t consumed;        /* one past the END that stopped the run, or n */
    size_t executed;        /* instructions executed (SYNC, FENCE, END included) */
    uint64_t macs;          /* as PERF_MACS: ROWS*COLS per W8A8 row, twice per W4A8 row */
    uint64_t matmul_rows;   /* activation rows streamed (PERF_ARRAY_BUSY without bubbles) */
    uint64_t dma_rd_bytes;  /* data bytes read by LOADs (no instruction fetches, no
                               realignment overhead, so <= PERF_DMA_RD_BYTES) */
    uint64_t dma_wr_bytes;  /* bytes written by STOREs */
    int race;               /* 1 if an unordered conflicting pair was found */
    size_t race_index;      /* the later instruction of the first such pair */
    size_t race_other;      /* the earlier one */
} loom_interp_result;

/* Creates an interpreter for a core with caps (copied). *out is NULL on error.
 * Errors: LOOM_ERR_INVALID_ARG (NULL out, caps failing loom_caps_check), LOOM_ERR_NO_MEM.
 * The caller owns *out and releases it with loom_interp_destroy(). */
int loom_interp_create(const loom_caps *caps, loom_interp **out);

/* Frees everything; NULL is a no-op. */
void loom_interp_destroy(loom_interp *it);

/* Clears APAD, WPAD and ACC to zero. */
void loom_interp_reset(loom_interp *it);

/* Runs insns[0..n) (4 words each) over window[0..window_bytes) (dram offsets index
 * window). Errors are decided by loom_cmd_schedule(): the instructions before the
 * faulting one run in a legal order, the faulting one and later ones do not (on
 * hardware, which of them ran is timing-dependent, so memory after an error is
 * unspecified). res (required) is always filled.
 * Returns LOOM_OK; LOOM_ERR_HW if the program faults (res->hw_err, res->err_index);
 * else LOOM_ERR_BAD_PROGRAM if the race check failed (the run still completed, in one legal
 * order); LOOM_ERR_INVALID_ARG for NULL it/res, NULL insns with n > 0, NULL window with
 * window_bytes > 0; LOOM_ERR_NO_MEM if the order buffer could not grow to n entries
 * (it is kept for later runs). Not thread-safe per handle. */
int loom_interp_run(loom_interp *it, uint8_t *window, uint64_t window_bytes,
                    const uint32_t *insns, size_t n, loom_interp_result *res);

/* Read-only views of the on-chip memories for tests and debuggers: APAD is
 * apad_depth x ROWS int8, WPAD wpad_depth x COLS bytes, ACC acc_depth x COLS int32
 * (stored as uint32, two's complement), row-major. Valid until destroy. */
const int8_t *loom_interp_apad(const loom_interp *it);
const uint8_t *loom_interp_wpad(const loom_interp *it);
const uint32_t *loom_interp_acc(const loom_interp *it);

#endif /* LOOM_INTERP_H */
