// SPDX-License-Identifier: Apache-2.0
// loom_requant (docs/isa.md STORE step 3) against hand-computed values and against an
// independent 128-bit formulation: every corner of v, mult, shift, zp, relu, and a
// million random cases.
#include <stdint.h>

#include "loom/loom_ref.h"
#include "rt_test.h"

/* floor((v*mult + 2^(s-1)) / 2^s) + zp, ReLU at zp, clamp: by division, not shifts. */
static int8_t ref(int32_t v, int32_t mult, unsigned shift, int8_t zp, int relu)
{
    __int128 p = (__int128)v * mult;
    shift &= 63u;
    __int128 r = p;
    if (shift) {
        __int128 d = (__int128)1 << shift, t = p + d / 2;
        r = t / d;
        if (t % d != 0 && t < 0)
            r -= 1; /* C division truncates; we want floor */
    }
    __int128 y = r + zp;
    if (relu && y < zp)
        y = zp;
    return (int8_t)(y < -128 ? -128 : y > 127 ? 127 : y);
}

int main(void)
{
    /* Hand-computed: rounding is to nearest with ties towards +inf. */
    static const struct {
        int32_t v, mult;
        unsigned shift;
        int8_t zp;
        int relu;
        int8_t want;
    } hand[] = {
        { 3, 1, 1, 0, 0, 2 },         /* 1.5 -> 2 */
        { -3, 1, 1, 0, 0, -1 },       /* -1.5 -> -1 */
        { -1, 1, 1, 0, 0, 0 },        /* -0.5 -> 0 */
        { 1, 1, 1, 0, 0, 1 },         /* 0.5 -> 1 */
        { -5, 1, 2, 0, 0, -1 },       /* -1.25 -> -1 */
        { -6, 1, 2, 0, 0, -1 },       /* -1.5 -> -1 */
        { -7, 1, 2, 0, 0, -2 },       /* -1.75 -> -2 */
        { 100, 3, 0, 0, 0, 127 },     /* no shift, saturates */
        { -100, 3, 0, 0, 0, -128 },
        { 100, 1, 0, -28, 0, 72 },    /* zero point added */
        { -50, 1, 0, 10, 1, 10 },     /* ReLU clamps at zp, not 0 */
        { -50, 1, 0, -20, 1, -20 },
        { 5, 1, 0, -20, 1, -15 },
        { INT32_MIN, INT32_MIN, 62, 0, 0, 1 },  /* 2^62 >> 62 = 1 */
        { INT32_MIN, INT32_MIN, 63, 0, 0, 1 },  /* 2^62 / 2^63 = 0.5 -> 1 */
        { INT32_MIN, INT32_MAX, 63, 0, 0, 0 },  /* just above -0.5 -> 0 */
        { INT32_MAX, INT32_MAX, 63, -1, 0, -1 },/* 0.4999... -> 0, plus zp */
        { 7, 1, 64, 0, 0, 7 },        /* shift is taken mod 64 */
        { 7, 1, 65, 0, 0, 4 },        /* 3.5 -> 4 */
        { 1000, 1 << 20, 30, 0, 0, 1 },/* 0.9765 -> 1 */
        { 0, INT32_MIN, 5, -128, 1, -128 },
    };
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++) {
        int8_t got = loom_requant(hand[i].v, hand[i].mult, hand[i].shift, hand[i].zp, hand[i].relu);
        CHECK(got == hand[i].want, "hand case %zu: got %d want %d", i, got, hand[i].want);
        CHECK(ref(hand[i].v, hand[i].mult, hand[i].shift, hand[i].zp, hand[i].relu) == hand[i].want,
              "reference disagrees with hand case %zu", i);
    }

    /* Every combination of corner values. */
    static const int32_t vs[] = { 0, 1, -1, 2, -2, 127, -128, 255, INT32_MAX, INT32_MIN,
                                  INT32_MAX - 1, INT32_MIN + 1, 1 << 30, -(1 << 30) };
    static const int32_t ms[] = { 0, 1, -1, 3, INT32_MAX, INT32_MIN, 1 << 16, -(1 << 16) };
    static const unsigned ss[] = { 0, 1, 2, 15, 16, 30, 31, 32, 33, 47, 62, 63 };
    static const int8_t zs[] = { -128, -1, 0, 1, 127 };
    long n = 0;
    for (size_t a = 0; a < sizeof vs / sizeof vs[0]; a++)
        for (size_t b = 0; b < sizeof ms / sizeof ms[0]; b++)
            for (size_t c = 0; c < sizeof ss / sizeof ss[0]; c++)
                for (size_t d = 0; d < sizeof zs / sizeof zs[0]; d++)
                    for (int relu = 0; relu < 2; relu++, n++)
                        CHECK(loom_requant(vs[a], ms[b], ss[c], zs[d], relu) ==
                                  ref(vs[a], ms[b], ss[c], zs[d], relu),
                              "v %d mult %d shift %u zp %d relu %d", vs[a], ms[b], ss[c], zs[d], relu);

    /* Random, with shifts that keep results mostly inside int8 as well as wild ones. */
    rt_rng r = { 0xC0FFEEu };
    for (int i = 0; i < 1000000; i++, n++) {
        int32_t v = (int32_t)(uint32_t)rt_next(&r);
        int32_t m = (int32_t)(uint32_t)rt_next(&r);
        if (i & 1) {
            v >>= rt_range(&r, 0, 31);
            m >>= rt_range(&r, 0, 31);
        }
        unsigned s = (unsigned)rt_range(&r, 0, 70);
        int8_t zp = (int8_t)rt_range(&r, -128, 127);
        int relu = (int)(rt_next(&r) & 1);
        CHECK(loom_requant(v, m, s, zp, relu) == ref(v, m, s, zp, relu),
              "v %d mult %d shift %u zp %d relu %d", v, m, s, zp, relu);
    }
    printf("%ld requant cases\n", n);
    return rt_finish("requant");
}
