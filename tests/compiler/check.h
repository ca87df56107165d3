/* SPDX-License-Identifier: Apache-2.0 */
/* Tiny helpers shared by the compiler tests: a failure counter and a seeded RNG. */
#ifndef LOOMC_TEST_CHECK_H
#define LOOMC_TEST_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int check_failures;

/* Record (and print) a failure when cond is false; the test goes on. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

/* Exit status for main(): 0 when every CHECK held. */
static inline int check_report(const char *name)
{
    if (check_failures)
        printf("%s: %d check(s) failed\n", name, check_failures);
    else
        printf("%s: ok\n", name);
    return check_failures ? 1 : 0;
}

struct test_rng {
    uint64_t s;
};

static inline uint64_t test_next(struct test_rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, 1). */
static inline double test_uniform(struct test_rng *r)
{
    return (double)(test_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Approximately normal (sum of 12 uniforms - 6). */
static inline double test_normal(struct test_rng *r)
{
    double s = 0.0;
    for (int i = 0; i < 12; i++)
        s += test_uniform(r);
    return s - 6.0;
}

#endif /* LOOMC_TEST_CHECK_H */
