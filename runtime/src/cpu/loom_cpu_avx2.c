/* SPDX-License-Identifier: Apache-2.0 */
/* AVX2 kernels of the CPU GEMM, for x86-64 CPUs without AVX-512: a tile of up to
 * 4 rows x 16 columns (one strip) in 8 ymm accumulators. Two paths share the code and
 * differ only in the u8 x s8 four-way dot product:
 *  - AVX-VNNI: ymm vpdpbusd.
 *  - plain AVX2: vpmaddubsw saturates at int16, so A is split into its low 7 bits and
 *    its top bit; each half gives pair sums that fit int16 exactly (|127*128*2| and
 *    |128*-128*2| <= 32768), widened with vpmaddwd and added in int32.
 * Compiled for the target with function attributes; the driver calls a path only when
 * the CPU has its features. Maths and layouts: loom_cpu_internal.h. */
#include "loom_cpu_internal.h"

#ifdef LOOMI_CPU_X86
#include <immintrin.h>

#define TAVX2 __attribute__((target("avx2")))
#define MR_MAX 4
#define NV 2 /* ymm vectors per strip */

/* acc += dot4(a, b) per 32-bit lane, a as u8 and b as s8. vpdpbusd (VEX) is written
 * in assembly so this file needs no AVX-VNNI target: the plain-AVX2 instance of the
 * kernel below must not contain it, and both come from one generic body. */
static inline __attribute__((always_inline)) TAVX2 __m256i dot_vnni(__m256i acc, __m256i a,
                                                                    __m256i b)
{
    __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(b));
    return acc;
}

static inline __attribute__((always_inline)) TAVX2 __m256i dot_avx2(__m256i acc, __m256i alo,
                                                                    __m256i ahi, __m256i b)
{
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i lo = _mm256_madd_epi16(_mm256_maddubs_epi16(alo, b), ones);
    __m256i hi = _mm256_madd_epi16(_mm256_maddubs_epi16(ahi, b), ones);
    return _mm256_add_epi32(acc, _mm256_add_epi32(lo, hi));
}

static inline __attribute__((always_inline)) TAVX2 void
step(__m256i acc[][MR_MAX][NV], const uint32_t *ap, const int8_t *bp, int g, const int MR,
     const int I4, const int VNNI, const int u0, const int u1)
{
    __m256i bv[NV][2];
    const __m256i lo4 = _mm256_set1_epi8(0x0f);
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
        if (I4) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(bp + (size_t)(g >> 1) * 64 + v * 32));
            bv[v][0] = _mm256_and_si256(raw, lo4);
            bv[v][1] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), lo4);
        } else {
            bv[v][0] = _mm256_loadu_si256((const __m256i *)(bp + (size_t)g * 64 + v * 32));
        }
    }
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++) {
        if (h && !I4)
            break;
#pragma GCC unroll 4
        for (int r = 0; r < MR; r++) {
            __m256i av = _mm256_set1_epi32((int)ap[(size_t)(g + h) * MR + r]);
            __m256i alo = _mm256_and_si256(av, _mm256_set1_epi8(0x7f));
            __m256i ahi = _mm256_andnot_si256(_mm256_set1_epi8(0x7f), av);
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++) {
                __m256i *x = &acc[h ? u1 : u0][r][v];
                *x = VNNI ? dot_vnni(*x, av, bv[v][h]) : dot_avx2(*x, alo, ahi, bv[v][h]);
            }
        }
    }
}

static inline __attribute__((always_inline)) TAVX2 void kern(const loomi_tile *t, const int MR,
                                                              const int I4, const int VNNI)
{
    const int KU = MR >= 4 ? 1 : MR >= 2 ? 2 : 4; /* accumulator sets over k */
    const int U = I4 && KU < 2 ? 2 : KU;
    const int kg = t->kg;
    const uint32_t *ap = t->a;
    const int8_t *bp = t->b;
    __m256i acc[4][MR_MAX][NV];
#pragma GCC unroll 4
    for (int u = 0; u < KU; u++)
#pragma GCC unroll 4
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++)
                acc[u][r][v] = _mm256_setzero_si256();

    int g = 0;
    for (; g + U <= kg; g += U) {
#pragma GCC unroll 4
        for (int q = 0; q < U; q += I4 ? 2 : 1)
            step(acc, ap, bp, g + q, MR, I4, VNNI, q % KU, (q + 1) % KU);
    }
    for (; g < kg; g += I4 ? 2 : 1)
        step(acc, ap, bp, g, MR, I4, VNNI, 0, KU > 1 ? 1 : 0);

#pragma GCC unroll 4
    for (int u = 1; u < KU; u++)
#pragma GCC unroll 4
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++)
                acc[0][r][v] = _mm256_add_epi32(acc[0][r][v], acc[u][r][v]);

    /* C = D - a_off * colsum - rowterm; a partial strip goes through a buffer. */
    const __m256i aoff = _mm256_set1_epi32(t->a_off);
    __m256i colterm[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++)
        colterm[v] = _mm256_mullo_epi32(
            aoff, _mm256_loadu_si256((const __m256i *)(t->colsum + v * 8)));
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
        if (r >= t->mr)
            break;
        int32_t *crow = t->c + (size_t)r * t->ldc;
        const __m256i rt = _mm256_set1_epi32(t->rowterm[r]);
        __m256i x[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++)
            x[v] = _mm256_sub_epi32(_mm256_sub_epi32(acc[0][r][v], colterm[v]), rt);
        if (t->ncols >= LOOMI_STRIP) {
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++)
                _mm256_storeu_si256((__m256i *)(crow + v * 8), x[v]);
        } else {
            int32_t tmp[LOOMI_STRIP];
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++)
                _mm256_storeu_si256((__m256i *)(tmp + v * 8), x[v]);
            for (int j = 0; j < t->ncols; j++)
                crow[j] = tmp[j];
        }
    }
}

static TAVX2 void kernel_avx2(const loomi_tile *t)
{
    switch (t->mrp * 2 + t->int4) {
    case 4 * 2 + 0: kern(t, 4, 0, 0); break;
    case 2 * 2 + 0: kern(t, 2, 0, 0); break;
    case 1 * 2 + 0: kern(t, 1, 0, 0); break;
    case 4 * 2 + 1: kern(t, 4, 1, 0); break;
    case 2 * 2 + 1: kern(t, 2, 1, 0); break;
    case 1 * 2 + 1: kern(t, 1, 1, 0); break;
    default: break; /* the driver never builds other tiles */
    }
}

static TAVX2 void kernel_avxvnni(const loomi_tile *t)
{
    switch (t->mrp * 2 + t->int4) {
    case 4 * 2 + 0: kern(t, 4, 0, 1); break;
    case 2 * 2 + 0: kern(t, 2, 0, 1); break;
    case 1 * 2 + 0: kern(t, 1, 0, 1); break;
    case 4 * 2 + 1: kern(t, 4, 1, 1); break;
    case 2 * 2 + 1: kern(t, 2, 1, 1); break;
    case 1 * 2 + 1: kern(t, 1, 1, 1); break;
    default: break;
    }
}

const loomi_path_ops loomi_cpu_avx2_ops = {
    .name = "avx2",
    .mr = MR_MAX,
    .ns = 1,
    .kernel = kernel_avx2,
};

const loomi_path_ops loomi_cpu_avxvnni_ops = {
    .name = "avx-vnni",
    .mr = MR_MAX,
    .ns = 1,
    .kernel = kernel_avxvnni,
};

#endif /* LOOMI_CPU_X86 */
