/* SPDX-License-Identifier: Apache-2.0 */
/* The GEMM tiler: turns C = A * B (+ bias, requantisation, ReLU) into one Loom
 * program, with the operand layouts it expects.
 *
 * Notation: R = caps->rows, Co = caps->cols, Tk = R (W8A8) or 2R (W4A8) is the K of
 * one MATMUL, KT = ceil(K/Tk), NT = ceil(N/Co).
 *
 * Memory (byte offsets in the DMA window):
 *   A at a_off: int8, M x K, row m at a_off + m*lda.                         [M][K]
 *   B at b_off: packed by loom_gemm_pack_b(), NT*KT tiles of R*Co bytes, tile
 *     (kt, nt) at b_off + (nt*KT + kt)*R*Co, row j (0..R-1) of a tile = Co bytes:
 *       W8A8: byte c = B[kt*R + j][nt*Co + c]
 *       W4A8: byte c = B[kt*2R + 2j][nt*Co + c] in the low nibble,
 *                      B[kt*2R + 2j + 1][nt*Co + c] in the high nibble
 *     (zero where k >= K or n >= N). One LOAD of R rows fills one weight tile.
 *   C at c_off: row m at c_off + m*ldc, int32 (LOOM_PP_I32) or int8.         [M][N]
 *   Parameters at p_off (only with LOOM_PP_BIAS or int8 out): packed by
 *     loom_gemm_pack_params(), per N tile a block of E entries of Co int32
 *     (little-endian), block nt at p_off + nt*E*Co*4:
 *       int8 out: E = 3: entry 0 bias (0 without LOOM_PP_BIAS), entry 1 mult,
 *                 entry 2 (shift & 63) | (uint8)zp << 8   -- exactly the three
 *                 accumulator entries STORE reads at pp_addr, pp_addr+1, pp_addr+2;
 *       int32 out with bias: E = 1: entry 0 bias.
 *     Lanes n >= N are zero.
 *
 * On-chip layout of the program (entries):
 *   APAD: two buffers of Mb*Kp*(1 or 2) entries (double-buffered K panels); in a
 *     buffer, K tile t of the panel holds row m at t*Mb*e + m*e (e = 1 W8A8, 2 W4A8).
 *   WPAD: W ring slots of R entries (W = min(8, wpad_depth/R), and below token_max
 *     so the load->compute counter cannot overflow); weight tile i goes to slot i mod W.
 *   ACC: two tile sets, set 0 at 0 and set 1 at the bank boundary H (the top address
 *     bit), so STORE of one set overlaps MATMUL into the other; parameter blocks at
 *     the top, [acc_depth - P, acc_depth).
 *
 * Schedule: for each M block (Mb rows), for each N group (tiles whose parameters fit
 * on chip), for each K panel (Kp tiles whose A rows fit a pad buffer):
 *   the A panel is resident and reused by every N tile of the group; each weight tile
 *   is loaded once per M block and K panel; MATMULs stream Mb rows back to back; the
 *   next A panel is prefetched in slices between the weight loads; with one K panel
 *   output tiles alternate between the two ACC sets, otherwise a group's tiles stay in
 *   one set across the panels. Tokens let LOAD of tile i+1, MATMUL of tile i and
 *   STORE of tile i-1 run at once. The program order is itself a legal sequential
 *   order, so it cannot deadlock, and it ends with END with every counter at zero.
 * Mb, Kp and the group size are chosen by a cost model (array cycles vs. DMA bytes at
 * half of bus_bytes per cycle, plus start-up and drain).
 *
 * Example, M = N = K = 256 at 16x16 (loom_caps_default(), 16 B/cycle): W8A8 int32 out
 * uses Mb = 128 (2 blocks, one K panel): A read once (64 KiB), B twice (128 KiB), C
 * written once (256 KiB) = 7.0 B/cycle at full array speed; W4A8 int32 out: Mb = 128,
 * 64 + 64 + 256 KiB = 12 B/cycle (4 read + 8 write; the int32 output dominates);
 * with int8 out 6.1 (W8A8) and 8.1 (W4A8) B/cycle. tests/runtime/plan_stats prints
 * these and a timing-model utilisation (94-98%). */
#ifndef LOOM_GEMM_PLAN_H
#define LOOM_GEMM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "loom/loom_caps.h"
#include "loom/loom_cmd.h"

typedef struct loom_gemm {
    uint32_t m, n, k; /* C[M x N] = A[M x K] * B[K x N], each >= 1 */
    unsigned mode;    /* LOOM_MODE_W8A8 or LOOM_MODE_W4A8 (B values in [-8, 7]) */
    uint32_t a_off;   /* A, int8 row-major */
    uint32_t lda;     /* bytes between A rows, K <= lda < 2^24 */
    uint32_t b_off;   /* B, packed by loom_gemm_pack_b() */
    uint32_t c_off;   /* C; a multiple of 4 with int32 out */
    uint32_t ldc;     /* bytes between C rows, N*esize <= ldc < 2^24, multiple of 4 with int32 */
    unsigned pp;      /* LOOM_PP_I32 (int32 out, else requantised int8), LOOM_PP_RELU, LOOM_PP_BIAS */
    uint32_t p_off;   /* parameters by loom_gemm_pack_params(), a multiple of 4 (if used) */
} loom_gemm;

/* What a plan does, for tests and benchmarks. */
typedef struct loom_gemm_stats {
    uint32_t m_block, m_blocks;   /* Mb and the number of M blocks */
    uint32_t k_tiles;             /* KT */
    uint32_t k_panel, k_panels;   /* K tiles per panel (Kp), panels */
    uint32_t n_tiles;             /* NT */
    uint32_t n_group, n_groups;   /* N tiles per group, groups */
    uint32_t w_slots;             /* weight-pad ring slots */
    uint64_t insns, loads, matmuls, stores;
    uint64_t macs;                /* as PERF_MACS (padded tiles count) */
    uint64_t array_cycles;        /* sum of max(rows, R) over MATMULs: compute time floor */
    uint64_t rd_bytes, wr_bytes;  /* DMA data bytes */
    uint64_t est_cycles;          /* the cost model's estimate of the run time */
} loom_gemm_stats;

/* Bytes of packed B for a K x N matrix; 0 if an argument is invalid. */
size_t loom_gemm_b_size(const loom_caps *caps, unsigned mode, uint32_t k, uint32_t n);

/* Packs B (K x N int8, row k at b + k*ldb, ldb >= n) into out (loom_gemm_b_size()
 * bytes, caller-owned) in the tile layout above. Errors: LOOM_ERR_INVALID_ARG (NULL,
 * zero sizes, ldb < n, unknown mode, a W4A8 value outside [-8, 7]). */
int loom_gemm_pack_b(const loom_caps *caps, unsigned mode, uint32_t k, uint32_t n,
                     const int8_t *b, size_t ldb, uint8_t *out);

/* Bytes of packed parameters for N channels and the given LOOM_PP_* flags (0 when
 * the STORE needs none: int32 out without bias). */
size_t loom_gemm_params_size(const loom_caps *caps, uint32_t n, unsigned pp);

/* Packs per-channel parameters (arrays of N; bias used with LOOM_PP_BIAS, mult, shift
 * (0..63) and zp with int8 out; unused ones may be NULL) into out
 * (loom_gemm_params_size() bytes, caller-owned). Errors: LOOM_ERR_INVALID_ARG (a
 * needed array NULL, shift > 63, n == 0, nothing to pack). */
int loom_gemm_pack_params(const loom_caps *caps, uint32_t n, unsigned pp, const int32_t *bias,
                          const int32_t *mult, const uint8_t *shift, const int8_t *zp,
                          uint8_t *out);

/* Exact number of instructions loom_gemm_plan() emits for g, END included, so the
 * caller can allocate once. Errors as loom_gemm_plan(). */
int loom_gemm_plan_size(const loom_caps *caps, const loom_gemm *g, size_t *n_insns);

/* Writes the program for g into insns (room for cap instructions of 4 words), its
 * length into *n_insns and, if stats is not NULL, what it does. Errors:
 * LOOM_ERR_INVALID_ARG (NULL, zero dimension, bad strides or alignment, an offset
 * past 2^32, cap too small), LOOM_ERR_NOT_SUPPORTED (mode not in caps, or the pads
 * too small for one tile), LOOM_ERR_NO_MEM (planning scratch). */
int loom_gemm_plan(const loom_caps *caps, const loom_gemm *g, uint32_t *insns, size_t cap,
                   size_t *n_insns, loom_gemm_stats *stats);

#endif /* LOOM_GEMM_PLAN_H */
