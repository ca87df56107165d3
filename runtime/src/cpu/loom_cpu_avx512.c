/* SPDX-License-Identifier: Apache-2.0 */
/* AVX-512 VNNI kernel of the CPU GEMM: a tile of up to 8 rows x 48 columns (3 strips)
 * held in 24 zmm accumulators; per k-group each row's 4 A bytes are broadcast and
 * multiplied into each strip's 64 bytes of B with vpdpbusd (u8 x s8 -> s32, exact and
 * wrapping, no saturation). int4 B is unpacked with two ands and a shift per 64 bytes.
 * Compiled for the target with function attributes, so the rest of the library runs on
 * any x86-64; the driver calls it only when the CPU has the features. Maths and
 * layouts: loom_cpu_internal.h. */
#include "loom_cpu_internal.h"

#ifdef LOOMI_CPU_X86
#include <immintrin.h>

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define MR_MAX 8
#define NS_MAX 3

/* Accumulate k-group g (int8) or groups g, g+1 (int4) into acc sets u0 (first group)
 * and u1 (second). All sizes are compile-time constants after inlining, so the loops
 * unroll and the accumulators live in registers. */
static inline __attribute__((always_inline)) T512 void
step(__m512i acc[][MR_MAX][NS_MAX], const uint32_t *ap, const int8_t *bp, size_t ss, int g,
     const int MR, const int NS, const int I4, const int u0, const int u1)
{
    __m512i bv[NS_MAX][2];
    const __m512i lo4 = _mm512_set1_epi8(0x0f);
#pragma GCC unroll 3
    for (int v = 0; v < NS; v++) {
        if (I4) {
            __m512i raw = _mm512_loadu_si512(bp + v * ss + (size_t)(g >> 1) * 64);
            bv[v][0] = _mm512_and_si512(raw, lo4);
            bv[v][1] = _mm512_and_si512(_mm512_srli_epi16(raw, 4), lo4);
        } else {
            bv[v][0] = _mm512_loadu_si512(bp + v * ss + (size_t)g * 64);
        }
    }
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++) {
        if (h && !I4)
            break;
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
            __m512i av = _mm512_set1_epi32((int)ap[(size_t)(g + h) * MR + r]);
#pragma GCC unroll 3
            for (int v = 0; v < NS; v++) {
                __m512i *x = &acc[h ? u1 : u0][r][v];
                *x = _mm512_dpbusd_epi32(*x, av, bv[v][h]);
            }
        }
    }
}

static inline __attribute__((always_inline)) T512 void kern(const loomi_tile *t, const int MR,
                                                             const int NS, const int I4)
{
    /* Independent accumulator sets over consecutive k-groups hide the dpbusd latency
     * when the tile is small (GEMV). */
    const int KU = MR * NS >= 8 ? 1 : MR * NS >= 4 ? 2 : 4;
    const int U = I4 && KU < 2 ? 2 : KU; /* k-groups per iteration */
    const int kg = t->kg;
    const uint32_t *ap = t->a;
    const int8_t *bp = t->b;
    const size_t ss = t->sstride;
    __m512i acc[4][MR_MAX][NS_MAX];
#pragma GCC unroll 4
    for (int u = 0; u < KU; u++)
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 3
            for (int v = 0; v < NS; v++)
                acc[u][r][v] = _mm512_setzero_si512();

    int g = 0;
    for (; g + U <= kg; g += U) {
#pragma GCC unroll 4
        for (int q = 0; q < U; q += I4 ? 2 : 1)
            step(acc, ap, bp, ss, g + q, MR, NS, I4, q % KU, (q + 1) % KU);
    }
    for (; g < kg; g += I4 ? 2 : 1)
        step(acc, ap, bp, ss, g, MR, NS, I4, 0, KU > 1 ? 1 : 0);

#pragma GCC unroll 4
    for (int u = 1; u < KU; u++)
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 3
            for (int v = 0; v < NS; v++)
                acc[0][r][v] = _mm512_add_epi32(acc[0][r][v], acc[u][r][v]);

    /* C = D - a_off * colsum - rowterm, masked to the tile's columns. */
    const __m512i aoff = _mm512_set1_epi32(t->a_off);
    __m512i colterm[NS_MAX];
    __mmask16 mask[NS_MAX];
#pragma GCC unroll 3
    for (int v = 0; v < NS; v++) {
        colterm[v] = _mm512_mullo_epi32(aoff, _mm512_loadu_si512(t->colsum + v * 16));
        int rem = t->ncols - v * 16;
        mask[v] = rem >= 16 ? (__mmask16)0xffff : rem <= 0 ? 0 : (__mmask16)((1u << rem) - 1);
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
        if (r >= t->mr)
            break;
        int32_t *crow = t->c + (size_t)r * t->ldc;
        const __m512i rt = _mm512_set1_epi32(t->rowterm[r]);
#pragma GCC unroll 3
        for (int v = 0; v < NS; v++) {
            __m512i x = _mm512_sub_epi32(_mm512_sub_epi32(acc[0][r][v], colterm[v]), rt);
            _mm512_mask_storeu_epi32(crow + v * 16, mask[v], x);
        }
    }
}

/* sum_i (p[i] ^ flip): vpsadbw adds 8 bytes into each 64-bit lane. */
static T512 uint32_t byte_sum512(const uint8_t *p, int n, uint8_t flip)
{
    const __m512i fl = _mm512_set1_epi8((char)flip), zero = _mm512_setzero_si512();
    __m512i acc = zero;
    int i = 0;
    for (; n - i >= 64; i += 64)
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_xor_si512(_mm512_loadu_si512(p + i), fl), zero));
    if (i < n) {
        __mmask64 m = ((__mmask64)1 << (n - i)) - 1;
        __m512i x = _mm512_maskz_mov_epi8(m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, p + i), fl));
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(x, zero));
    }
    return (uint32_t)_mm512_reduce_add_epi64(acc);
}

/* One specialisation per (padded rows, strips, int4). */
static T512 void kernel(const loomi_tile *t)
{
    const int key = (t->mrp * 4 + t->ns) * 2 + t->int4;
#define KEY(mr, ns, i4) (((mr) * 4 + (ns)) * 2 + (i4))
    switch (key) {
    case KEY(8, 3, 0): kern(t, 8, 3, 0); break;
    case KEY(8, 2, 0): kern(t, 8, 2, 0); break;
    case KEY(8, 1, 0): kern(t, 8, 1, 0); break;
    case KEY(4, 3, 0): kern(t, 4, 3, 0); break;
    case KEY(4, 2, 0): kern(t, 4, 2, 0); break;
    case KEY(4, 1, 0): kern(t, 4, 1, 0); break;
    case KEY(2, 3, 0): kern(t, 2, 3, 0); break;
    case KEY(2, 2, 0): kern(t, 2, 2, 0); break;
    case KEY(2, 1, 0): kern(t, 2, 1, 0); break;
    case KEY(1, 3, 0): kern(t, 1, 3, 0); break;
    case KEY(1, 2, 0): kern(t, 1, 2, 0); break;
    case KEY(1, 1, 0): kern(t, 1, 1, 0); break;
    case KEY(8, 3, 1): kern(t, 8, 3, 1); break;
    case KEY(8, 2, 1): kern(t, 8, 2, 1); break;
    case KEY(8, 1, 1): kern(t, 8, 1, 1); break;
    case KEY(4, 3, 1): kern(t, 4, 3, 1); break;
    case KEY(4, 2, 1): kern(t, 4, 2, 1); break;
    case KEY(4, 1, 1): kern(t, 4, 1, 1); break;
    case KEY(2, 3, 1): kern(t, 2, 3, 1); break;
    case KEY(2, 2, 1): kern(t, 2, 2, 1); break;
    case KEY(2, 1, 1): kern(t, 2, 1, 1); break;
    case KEY(1, 3, 1): kern(t, 1, 3, 1); break;
    case KEY(1, 2, 1): kern(t, 1, 2, 1); break;
    case KEY(1, 1, 1): kern(t, 1, 1, 1); break;
    default: break; /* the driver never builds other tiles */
    }
#undef KEY
}

const loomi_path_ops loomi_cpu_avx512_ops = {
    .name = "avx512-vnni",
    .mr = MR_MAX,
    .ns = NS_MAX,
    .kernel = kernel,
    .byte_sum = byte_sum512,
};

/* ---- AMX-INT8 ---------------------------------------------------------------------
 * Tiles: C blocks of 32 rows x 32 columns in tmm0..3 (tmm0/1: rows 0-15, columns of
 * strip 0/1; tmm2/3: rows 16-31), A rows 0-15 / 16-31 x 64 k in tmm4/5, B in tmm6/7:
 * 16 k-groups x one strip, which is exactly 1 KiB of the packed int8 strip (int4
 * strips are unpacked to a per-thread buffer first, once per kernel call). tdpbssd for int8 A, tdpbusd for uint8 A. The tile
 * instruction wrappers of GCC are asm without memory operands, hence the compiler
 * barriers around buffers that tiles read or write. */

#define TAMX __attribute__((target("amx-tile,amx-int8,avx512f,avx512bw,avx512vl")))
#define AMX_MR 128 /* rows per kernel call */
#define AMX_NS 4  /* strips per kernel call */

/* ldtilecfg operand, palette 1: tiles 0-7 all 16 rows x 64 bytes. */
static const struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} __attribute__((aligned(64))) amx_cfg = {
    .palette = 1,
    .colsb = {64, 64, 64, 64, 64, 64, 64, 64},
    .rows = {16, 16, 16, 16, 16, 16, 16, 16},
};

#define BARRIER() __asm__ volatile("" ::: "memory")

/* Rows [r0, r0 + 16 * MT) x strips [s, s + NT) of the call's tile, all of K; b0/b1 are
 * the strips' B in the int8 layout (int4 already unpacked). */
static inline __attribute__((always_inline)) TAMX void
amx_block(const loomi_tile *t, int r0, int s, const int8_t *b0, const int8_t *b1, const int MT,
          const int NT, const int SIGNED)
{
    const size_t astride = t->astride;
    const uint8_t *a = (const uint8_t *)t->a + (size_t)r0 * astride;
    int32_t cbuf[256] __attribute__((aligned(64)));

    _tile_zero(0);
    if (NT == 2)
        _tile_zero(1);
    if (MT == 2) {
        _tile_zero(2);
        if (NT == 2)
            _tile_zero(3);
    }
    for (int g = 0; g < t->kg; g += 16) {
        _tile_loadd(4, a + (size_t)g * 4, astride);
        if (MT == 2)
            _tile_loadd(5, a + 16 * astride + (size_t)g * 4, astride);
        _tile_loadd(6, b0 + (size_t)g * 64, 64);
        if (NT == 2)
            _tile_loadd(7, b1 + (size_t)g * 64, 64);
        if (SIGNED) {
            _tile_dpbssd(0, 4, 6);
            if (NT == 2)
                _tile_dpbssd(1, 4, 7);
            if (MT == 2) {
                _tile_dpbssd(2, 5, 6);
                if (NT == 2)
                    _tile_dpbssd(3, 5, 7);
            }
        } else {
            _tile_dpbusd(0, 4, 6);
            if (NT == 2)
                _tile_dpbusd(1, 4, 7);
            if (MT == 2) {
                _tile_dpbusd(2, 5, 6);
                if (NT == 2)
                    _tile_dpbusd(3, 5, 7);
            }
        }
    }

    /* C = D - a_off * colsum - rowterm, one 16 x 16 tile at a time. */
    const __m512i aoff = _mm512_set1_epi32(t->a_off);
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        const int i = q >> 1, jj = q & 1;
        if (i >= MT || jj >= NT)
            continue;
        switch (q) {
        case 0: _tile_stored(0, cbuf, 64); break;
        case 1: _tile_stored(1, cbuf, 64); break;
        case 2: _tile_stored(2, cbuf, 64); break;
        default: _tile_stored(3, cbuf, 64); break;
        }
        BARRIER();
        const int col = (s + jj) * 16;
        const int rem = t->ncols - col;
        const __mmask16 mask = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        const __m512i colterm = _mm512_mullo_epi32(aoff, _mm512_loadu_si512(t->colsum + col));
        for (int rr = 0; rr < 16; rr++) {
            const int row = r0 + 16 * i + rr;
            if (row >= t->mr)
                break;
            __m512i x = _mm512_sub_epi32(_mm512_load_si512(cbuf + rr * 16), colterm);
            x = _mm512_sub_epi32(x, _mm512_set1_epi32(t->rowterm[row]));
            _mm512_mask_storeu_epi32(t->c + (size_t)row * t->ldc + col, mask, x);
        }
    }
}

/* Unpack a whole int4 strip (kg k-groups) into the int8 strip layout. */
static inline __attribute__((always_inline)) TAMX void unpack4(int8_t *dst, const int8_t *src,
                                                                int kg)
{
    const __m512i lo4 = _mm512_set1_epi8(0x0f);
    for (int h = 0; h < kg / 2; h++) {
        __m512i raw = _mm512_loadu_si512(src + (size_t)h * 64);
        _mm512_store_si512(dst + (size_t)(2 * h) * 64, _mm512_and_si512(raw, lo4));
        _mm512_store_si512(dst + (size_t)(2 * h + 1) * 64,
                           _mm512_and_si512(_mm512_srli_epi16(raw, 4), lo4));
    }
}

static inline __attribute__((always_inline)) TAMX void amx_tile(const loomi_tile *t,
                                                                 const int SIGNED)
{
    for (int s = 0; s < t->ns; s += 2) {
        const int nt = t->ns - s >= 2 ? 2 : 1;
        const int8_t *b0 = t->b + (size_t)s * t->sstride, *b1 = b0 + t->sstride;
        if (t->int4) {
            /* Unpacked once here, read by every row block: the tile loads then never
             * wait on the stores that produced their data. */
            unpack4(t->bwork, b0, t->kg);
            if (nt == 2)
                unpack4(t->bwork + (size_t)t->kg * 64, b1, t->kg);
            BARRIER();
            b0 = t->bwork;
            b1 = t->bwork + (size_t)t->kg * 64;
        }
        for (int r0 = 0; r0 < t->mr; r0 += 32) {
            const int mt = t->mrp - r0 >= 32 ? 2 : 1; /* mrp is a multiple of 16 */
            if (mt == 2 && nt == 2)
                amx_block(t, r0, s, b0, b1, 2, 2, SIGNED);
            else if (mt == 2)
                amx_block(t, r0, s, b0, b1, 2, 1, SIGNED);
            else if (nt == 2)
                amx_block(t, r0, s, b0, b1, 1, 2, SIGNED);
            else
                amx_block(t, r0, s, b0, b1, 1, 1, SIGNED);
        }
        BARRIER();
    }
}

/* The tile configuration is loaded once per thread and product, and released after. */
static TAMX void amx_begin(void)
{
    BARRIER();
    _tile_loadconfig(&amx_cfg);
}

static TAMX void amx_end(void) { _tile_release(); }

static TAMX void kernel_amx(const loomi_tile *t)
{
    if (t->a_signed)
        amx_tile(t, 1);
    else
        amx_tile(t, 0);
}

const loomi_path_ops loomi_cpu_amx_ops = {
    .name = "amx-int8",
    .mr = AMX_MR,
    .ns = AMX_NS,
    .mr_quantum = 16,
    .a_rows = 1,
    .kg_quantum = 16,
    .min_m = 16,
    .bwork = 128, /* two strips of int4 unpacked to int8 */
    .small = &loomi_cpu_avx512_ops,
    .kernel = kernel_amx,
    .byte_sum = byte_sum512,
    .begin = amx_begin,
    .end = amx_end,
};

#endif /* LOOMI_CPU_X86 */
