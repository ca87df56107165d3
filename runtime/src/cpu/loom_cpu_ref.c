/* SPDX-License-Identifier: Apache-2.0 */
/* Portable C kernel of the CPU GEMM: runs on any CPU, and is the path the SIMD kernels
 * are compared with in tests (next to an unpacked naive reference). Maths and layouts:
 * loom_cpu_internal.h. */
#include "loom_cpu_internal.h"

/* Bs[k][col] of strip byte offset for k-group g, column j (0..15), lane i (0..3). */
static inline uint32_t ref_b(const loomi_tile *t, const int8_t *strip, int g, int j, int i)
{
    if (!t->int4)
        return (uint32_t)(int32_t)strip[(size_t)g * 64 + 4 * j + i];
    uint8_t byte = (uint8_t)strip[(size_t)(g >> 1) * 64 + 4 * j + i];
    return (g & 1) ? (uint32_t)(byte >> 4) : (uint32_t)(byte & 0x0f);
}

static void ref_kernel(const loomi_tile *t)
{
    for (int r = 0; r < t->mr; r++) {
        int32_t *crow = t->c + (size_t)r * t->ldc;
        for (int s = 0; s < t->ns; s++) {
            const int8_t *strip = t->b + (size_t)s * t->sstride;
            uint32_t acc[LOOMI_STRIP] = {0};
            for (int g = 0; g < t->kg; g++) {
                uint32_t aw = t->a[(size_t)g * t->mrp + r];
                for (int j = 0; j < LOOMI_STRIP; j++)
                    for (int i = 0; i < 4; i++)
                        acc[j] += ((aw >> (8 * i)) & 0xffu) * ref_b(t, strip, g, j, i);
            }
            int ncols = t->ncols - s * LOOMI_STRIP;
            if (ncols > LOOMI_STRIP)
                ncols = LOOMI_STRIP;
            for (int j = 0; j < ncols; j++) {
                uint32_t colterm = (uint32_t)t->a_off * (uint32_t)t->colsum[s * LOOMI_STRIP + j];
                crow[s * LOOMI_STRIP + j] = (int32_t)(acc[j] - colterm - (uint32_t)t->rowterm[r]);
            }
        }
    }
}

const loomi_path_ops loomi_cpu_ref_ops = {
    .name = "ref",
    .mr = 4,
    .ns = 1,
    .kernel = ref_kernel,
};
