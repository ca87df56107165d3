// SPDX-License-Identifier: Apache-2.0
// loom_cmd_validate / loom_cmd_schedule on hand-made programs: the token protocol
// (deadlock = TOKEN_UNDERFLOW, TOKEN_OVERFLOW, TOKEN_LEAK), queue depth, FENCE and END,
// the index reported, and the execution order it returns.
#include <string.h>

#include "loom/loom_cmd.h"
#include "rt_test.h"

#define MAXP 2048
static uint32_t prog[MAXP * 4];
static size_t np;
static loom_caps caps;

static void reset(void)
{
    np = 0;
}

/* Instructions with no memory effect to speak of, one per queue. */
static size_t ld(unsigned deps)
{
    loom_cmd_load(&prog[4 * np], LOOM_MEM_WPAD, 0, 0, 1, 1, 0, deps);
    return np++;
}
static size_t mm(unsigned deps)
{
    loom_cmd_matmul(&prog[4 * np], 0, 1, 0, 0, 0, 1, deps);
    return np++;
}
static size_t st(unsigned deps)
{
    loom_cmd_store(&prog[4 * np], LOOM_PP_I32, 0, 0, 1, 0, 1, 0, deps);
    return np++;
}
static size_t sy(unsigned q, unsigned deps)
{
    loom_cmd_sync(&prog[4 * np], q, deps);
    return np++;
}
static size_t fence(void)
{
    loom_cmd_fence(&prog[4 * np], 0);
    return np++;
}
static size_t end(void)
{
    loom_cmd_end(&prog[4 * np]);
    return np++;
}

/* Validates; expects hw error `want` at index `at` (want 0: success). */
static void expect(const char *what, unsigned want, size_t at)
{
    size_t bad = 0;
    unsigned hw = 99;
    int rc = loom_cmd_validate(&caps, 1 << 16, prog, np, &bad, &hw);
    if (!want)
        CHECK(rc == LOOM_OK && hw == 0, "%s: rc %d hw %u at %zu", what, rc, hw, bad);
    else
        CHECK(rc == LOOM_ERR_BAD_PROGRAM && hw == want && bad == at, "%s: rc %d hw %u at %zu, want %u at %zu",
              what, rc, hw, bad, want, at);
}

#define P_PREV LOOM_DEP_POP_PREV
#define P_NEXT LOOM_DEP_POP_NEXT
#define U_PREV LOOM_DEP_PUSH_PREV
#define U_NEXT LOOM_DEP_PUSH_NEXT

int main(void)
{
    caps = loom_caps_default();
    const unsigned D = caps.queue_depth;

    reset();
    end();
    expect("just END", 0, 0);
    reset();
    expect("empty program", 0, 0);

    /* A correct pipeline: load -> compute -> store and back. */
    reset();
    for (int i = 0; i < 50; i++) {
        ld(U_NEXT | (i >= 2 ? P_NEXT : 0));
        mm(P_PREV | U_NEXT | (i < 48 ? U_PREV : 0) | (i >= 2 ? P_NEXT : 0));
        st(P_PREV | (i < 48 ? U_PREV : 0));
    }
    end();
    expect("double-buffered pipeline", 0, 0);

    /* Deadlocks. */
    reset();
    mm(P_PREV);
    end();
    expect("pop that nobody pushes", LOOM_HWERR_TOKEN_UNDERFLOW, 0);
    reset();
    ld(0);
    mm(P_NEXT); /* waits for store */
    st(P_PREV); /* waits for compute */
    mm(U_NEXT);
    st(U_PREV);
    end();
    expect("circular wait", LOOM_HWERR_TOKEN_UNDERFLOW, 1);
    reset();
    mm(P_PREV);
    expect("stuck without END", LOOM_HWERR_TOKEN_UNDERFLOW, 0);
    reset();
    mm(P_PREV);
    fence();
    ld(U_NEXT);
    end();
    expect("FENCE before the push", LOOM_HWERR_TOKEN_UNDERFLOW, 0);
    reset();
    ld(U_NEXT);
    fence();
    mm(P_PREV);
    end();
    expect("token crosses a FENCE", 0, 0);

    /* Queue depth: D loads waiting for compute still let the dispatcher reach the
     * compute that frees them; D+1 do not. */
    for (unsigned extra = 0; extra < 2; extra++) {
        reset();
        for (unsigned i = 0; i < D + extra; i++)
            ld(P_NEXT);
        for (unsigned i = 0; i < D + extra; i++)
            mm(U_PREV);
        end();
        expect(extra ? "depth+1 waiting loads" : "depth waiting loads",
               extra ? LOOM_HWERR_TOKEN_UNDERFLOW : 0, 0);
    }
    reset(); /* the instruction waiting in front of a full queue counts as well */
    mm(P_NEXT);
    for (unsigned i = 0; i < D; i++)
        mm(0);
    st(U_PREV);
    end();
    expect("compute queue full behind a waiting head", LOOM_HWERR_TOKEN_UNDERFLOW, 0);

    /* Overflow: token_max pushes fit, one more does not. */
    reset();
    for (unsigned i = 0; i < caps.token_max; i++)
        ld(U_NEXT);
    for (unsigned i = 0; i < caps.token_max; i++)
        mm(P_PREV);
    end();
    expect("token_max outstanding", 0, 0);
    reset();
    for (unsigned i = 0; i <= caps.token_max; i++)
        ld(U_NEXT);
    for (unsigned i = 0; i <= caps.token_max; i++)
        mm(P_PREV);
    end();
    expect("token_max + 1 outstanding", LOOM_HWERR_TOKEN_OVERFLOW, caps.token_max);
    /* Interleaved push/pop: the dispatcher keeps load at most a queue's worth ahead. */
    reset();
    for (unsigned i = 0; i < 300; i++) {
        ld(U_NEXT);
        mm(P_PREV);
    }
    end();
    expect("interleaved, run-ahead bounded by the compute queue", 0, 0);
    /* ...which is too much for token_max 3: with MATMULs slower than loads, the loads
     * run D ahead and the 4th outstanding push overflows. Only some timings do that;
     * validation must still refuse the program. */
    loom_caps keep = caps;
    caps.token_max = 3;
    reset();
    for (unsigned i = 0; i < 20; i++) {
        ld(U_NEXT);
        mm(P_PREV);
    }
    end();
    expect("overflow in a slow-consumer timing", LOOM_HWERR_TOKEN_OVERFLOW, 6);
    reset(); /* ...unless compute hands a token back per step (run-ahead of 2) */
    for (unsigned i = 0; i < 20; i++) {
        ld(U_NEXT | (i >= 2 ? P_NEXT : 0));
        mm(P_PREV | (i < 18 ? U_PREV : 0));
    }
    end();
    expect("bounded run-ahead", 0, 0);
    caps = keep;
    /* Overflow through SYNC, in the compute->store direction. */
    reset();
    for (unsigned i = 0; i < caps.token_max + 1; i++)
        sy(LOOM_QUEUE_COMPUTE, U_NEXT);
    end();
    expect("SYNC pushes overflow", LOOM_HWERR_TOKEN_OVERFLOW, caps.token_max);

    /* Leak. */
    reset();
    ld(U_NEXT);
    mm(0);
    end();
    expect("token left at END", LOOM_HWERR_TOKEN_LEAK, 2);
    reset();
    st(U_PREV);
    sy(LOOM_QUEUE_COMPUTE, P_NEXT);
    end();
    expect("consumed by SYNC", 0, 0);

    /* END stops the stream: what follows is neither checked nor run. */
    reset();
    end();
    prog[4 * np] = 0; /* illegal opcode after END */
    np++;
    size_t order[8], n_order = 0, consumed = 0;
    int rc = loom_cmd_schedule(&caps, 1 << 16, prog, np, order, &n_order, &consumed, NULL, NULL);
    CHECK(rc == LOOM_OK && consumed == 1 && n_order == 1 && order[0] == 0,
          "after END: rc %d consumed %zu n_order %zu", rc, consumed, n_order);

    /* Static errors win over later token faults, lose to earlier ones. */
    reset();
    mm(P_PREV);
    ld(LOOM_DEP_POP_PREV); /* BAD_FIELD */
    end();
    expect("bad instruction reached while a pop waits", LOOM_HWERR_BAD_FIELD, 1);
    reset();
    for (unsigned i = 0; i <= D; i++)
        ld(P_NEXT);
    ld(LOOM_DEP_POP_PREV); /* never reached: the dispatcher is blocked */
    end();
    expect("deadlock before a bad instruction", LOOM_HWERR_TOKEN_UNDERFLOW, 0);

    /* Execution order respects tokens. */
    reset();
    size_t s0 = st(P_PREV);
    size_t m0 = mm(P_PREV | U_NEXT);
    size_t l0 = ld(U_NEXT);
    end();
    rc = loom_cmd_schedule(&caps, 1 << 16, prog, np, order, &n_order, &consumed, NULL, NULL);
    CHECK(rc == LOOM_OK && n_order == 4 && order[0] == l0 && order[1] == m0 && order[2] == s0 &&
              order[3] == 3,
          "order %zu %zu %zu %zu", order[0], order[1], order[2], order[3]);

    /* Small queues and token_max. */
    caps = rt_caps(1);
    reset();
    for (int i = 0; i < 4; i++)
        ld(U_NEXT);
    for (int i = 0; i < 4; i++)
        mm(P_PREV);
    end();
    expect("token_max 3", LOOM_HWERR_TOKEN_OVERFLOW, 3);
    reset();
    ld(P_NEXT);
    ld(P_NEXT);
    ld(P_NEXT);
    mm(U_PREV);
    mm(U_PREV);
    mm(U_PREV);
    end();
    expect("queue depth 2", LOOM_HWERR_TOKEN_UNDERFLOW, 0);

    CHECK(loom_cmd_validate(NULL, 0, prog, np, NULL, NULL) == LOOM_ERR_INVALID_ARG, "NULL caps");
    return rt_finish("validate");
}
