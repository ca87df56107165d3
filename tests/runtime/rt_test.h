/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the runtime tests: a counted CHECK, a fixed-seed PRNG and the
 * capability sets the tests run at. */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdint.h>
#include <stdio.h>

#include "loom/loom_caps.h"

static int rt_failures;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            rt_failures++;                                                      \
            if (rt_failures <= 30) {                                            \
                printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);          \
                printf(__VA_ARGS__);                                            \
                printf("\n");                                                   \
            }                                                                   \
        }                                                                       \
    } while (0)

static inline int rt_finish(const char *name)
{
    printf("%s: %s (%d failures)\n", name, rt_failures ? "FAILED" : "ok", rt_failures);
    return rt_failures ? 1 : 0;
}

/* xorshift64*: deterministic across platforms. */
typedef struct rt_rng {
    uint64_t s;
} rt_rng;

static inline uint64_t rt_next(rt_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [lo, hi]. */
static inline int64_t rt_range(rt_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rt_next(r) % (uint64_t)(hi - lo + 1));
}

/* The three array shapes the tests use: the RTL default; a 4x4 with tiny memories,
 * short queues and a small token_max (forces K panels, N groups, slow paths); 8x16. */
static inline loom_caps rt_caps(int which)
{
    loom_caps c = loom_caps_default();
    if (which == 1) {
        c.rows = 4;
        c.cols = 4;
        c.apad_depth = 256;
        c.wpad_depth = 64;
        c.acc_depth = 128;
        c.queue_depth = 2;
        c.token_max = 3;
    } else if (which == 2) {
        c.rows = 8;
        c.cols = 16;
        c.apad_depth = 1024;
        c.wpad_depth = 512;
        c.acc_depth = 256;
    }
    return c;
}

#endif /* RT_TEST_H */
