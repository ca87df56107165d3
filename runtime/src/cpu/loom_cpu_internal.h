/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interface between the CPU GEMM driver (loom_cpu_gemm.c) and its kernels
 * (loom_cpu_ref.c, loom_cpu_avx2.c, loom_cpu_avx512.c).
 *
 * Maths. The kernels compute D = sum_k Au[m][k] * Bs[k][n] with the unsigned-by-signed
 * byte dot product of VNNI (vpdpbusd), where
 *   Au = A + 128 (int8 A: the byte with its top bit flipped) or A (uint8 A), in [0, 255]
 *   Bs = B (int8 B) or B + 8 (int4 B, so that it is a nibble in [0, 15]),
 * and then, all in int32 arithmetic modulo 2^32,
 *   C = D - a_off * colsum[n] - rowterm[m]
 *   a_off   = a_zp + 128 (int8 A) or a_zp (uint8 A)
 *   colsum  = sum_k Bs[k][n]                               (packed with B)
 *   rowterm = (b_zp + 8·int4) * sum_k (A[m][k] - a_zp)     (computed with the A panel)
 * which is the ONNX formula rewritten: sum (Au - a_off)(Bs - zb) = D - a_off·colsum -
 * zb·sum(Au - a_off). Padding (k >= K, columns >= N) is zero in both packed operands.
 *
 * Layouts.
 *  B (packed once): strips of 16 columns; strip s starts at data + s * sstride.
 *   int8: k-group g (k = 4g..4g+3) is 64 bytes at g * 64: byte 4j + i = Bs[4g + i][16s + j].
 *   int4: k-groups 2h and 2h+1 share the 64 bytes at h * 64: byte 4j + i holds
 *         Bs[8h + i][16s + j] in its low nibble and Bs[8h + 4 + i][16s + j] in its high one.
 *   kg is padded to a multiple of 16 (a 64-k AMX tile) when that costs at most 1/8.
 *  A (packed per call into scratch): a panel of mrp rows is kg x mrp 32-bit words; word
 *   g * mrp + r holds Au[r][4g..4g+3] (little-endian bytes, zero beyond K and beyond the
 *   panel's rows). Paths with a_rows (AMX) instead take mrp rows of kg * 4 bytes, the
 *   raw A bytes zero-padded, rows 64 bytes further apart than that (so that a tile's
 *   16 rows do not share a handful of L1 sets when kg * 4 is a multiple of 4 KiB): the tile instructions have signed and unsigned forms, so
 *   there a_off = a_zp. */
#ifndef LOOM_CPU_INTERNAL_H
#define LOOM_CPU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define LOOMI_STRIP 16 /* columns per strip of packed B */

struct loom_cpu_packed_b {
    int k, n;         /* logical size */
    int type;         /* LOOM_CPU_INT8 or LOOM_CPU_INT4 */
    int kg;           /* k-groups of 4, padded (even for int4) */
    int nstrips;      /* ceil(n / 16) */
    size_t sstride;   /* bytes per strip: kg * 64 (int8) or kg * 32 (int4) */
    int8_t *data;     /* [nstrips][sstride], 64-byte aligned */
    int32_t *colsum;  /* [nstrips * 16] sum_k Bs[k][n], zero beyond n */
};

/* One micro-tile: rows [0, mr) of an A panel times strips [0, ns) of a B panel. */
typedef struct loomi_tile {
    const uint32_t *a;      /* A panel, kg x mrp words */
    const int8_t *b;        /* first strip of the B panel */
    size_t sstride;         /* bytes between strips */
    size_t astride;         /* a_rows paths: bytes between A rows */
    const int32_t *colsum;  /* [ns * 16] column sums of the panel */
    const int32_t *rowterm; /* [mr] */
    int32_t *c;             /* C[0][0] of the tile */
    size_t ldc;             /* elements */
    int kg;                 /* k-groups (even for int4) */
    int mrp;                /* rows in the A panel layout: a value the path accepts */
    int mr;                 /* rows to store, 1 <= mr <= mrp */
    int ns;                 /* strips, 1 <= ns <= the path's ns */
    int ncols;              /* columns to store, 1 <= ncols <= 16 * ns */
    int int4;               /* B is int4 */
    int a_signed;           /* a_rows paths: A holds int8 (else uint8) */
    int8_t *bwork;          /* ops->bwork * kg bytes, 64-byte aligned, per thread */
    int32_t a_off;
} loomi_tile;

/* A kernel path. mr / ns: the largest tile. The driver packs A in panels of mr rows;
 * a last partial panel of r rows is padded to mrp = loomi_mr_pad(ops, r) rows. */
typedef struct loomi_path_ops {
    const char *name;
    int mr, ns;
    int mr_quantum; /* 0: partial panels padded to a power of two, else to a multiple */
    int a_rows;     /* A panels row-major (row r at byte r * kg * 4) with the raw bytes
                       of A, the kernel handling its sign (tile->a_signed); else the
                       k-group word layout above with Au */
    int kg_quantum; /* the kernel needs kg to be a multiple of this (0: any) ... */
    int min_m;      /* ... and at least this many rows; otherwise `small` runs */
    int bwork;      /* bytes of per-thread B work buffer (tile->bwork) per k-group */
    const struct loomi_path_ops *small;
    void (*kernel)(const loomi_tile *t);
    /* Optional: sum_i (p[i] ^ flip) over n bytes (else portable code), and hooks run
     * by each thread before its first and after its last kernel call of a product. */
    uint32_t (*byte_sum)(const uint8_t *p, int n, uint8_t flip);
    void (*begin)(void);
    void (*end)(void);
} loomi_path_ops;

/* 32-bit words of per-thread B work buffer, a multiple of 16 (64 bytes). */
static inline size_t loomi_bwork_words(const loomi_path_ops *ops, int kg)
{
    return ((size_t)ops->bwork * (size_t)kg / 4 + 15) / 16 * 16;
}

/* 32-bit words per packed A row (a_rows) or per row of a k-group panel. */
static inline size_t loomi_a_row_words(const loomi_path_ops *ops, int kg)
{
    return (size_t)kg + (ops->a_rows ? 16 : 0);
}

static inline int loomi_mr_pad(const loomi_path_ops *ops, int r)
{
    if (r >= ops->mr)
        return ops->mr;
    if (ops->mr_quantum)
        return (r + ops->mr_quantum - 1) / ops->mr_quantum * ops->mr_quantum;
    int p = 1;
    while (p < r)
        p <<= 1;
    return p < ops->mr ? p : ops->mr;
}

extern const loomi_path_ops loomi_cpu_ref_ops;
#if defined(__x86_64__) || defined(__i386__)
#define LOOMI_CPU_X86 1
extern const loomi_path_ops loomi_cpu_avx2_ops;
extern const loomi_path_ops loomi_cpu_avxvnni_ops;
extern const loomi_path_ops loomi_cpu_avx512_ops;
extern const loomi_path_ops loomi_cpu_amx_ops;
#endif

#endif /* LOOM_CPU_INTERNAL_H */
