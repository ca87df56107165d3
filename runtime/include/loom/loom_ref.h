/* SPDX-License-Identifier: Apache-2.0 */
/* Reference semantics of the Loom ISA in plain C: the golden model that the RTL,
 * the cycle-level model and every backend are checked against. */
#ifndef LOOM_REF_H
#define LOOM_REF_H

#include <stdint.h>

/* STORE post-processing for one int8 output lane (docs/isa.md, STORE step 3):
 * p = v * mult exactly, rounded right shift by shift (0..63, ties towards +inf),
 * plus zero point, ReLU at the zero point, saturation to int8. */
static inline int8_t loom_requant(int32_t v, int32_t mult, unsigned shift, int8_t zp, int relu)
{
    int64_t p = (int64_t)v * (int64_t)mult;
    int64_t r = p;
    shift &= 63u;
    if (shift) {
        /* floor(p / 2^s) + bit s-1 of p == floor((p + 2^(s-1)) / 2^s), no overflow.
         * >> of a negative value is arithmetic on every compiler Loom supports. */
        r = (p >> shift) + ((p >> (shift - 1)) & 1);
    }
    int64_t y = r + zp;
    if (relu && y < zp)
        y = zp;
    if (y < -128)
        y = -128;
    if (y > 127)
        y = 127;
    return (int8_t)y;
}

#endif /* LOOM_REF_H */
