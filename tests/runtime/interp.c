// SPDX-License-Identifier: Apache-2.0
// The golden interpreter on hand-made programs with hand-computed results: LOAD zero
// fill and stride 0, MATMUL W8A8 and W4A8 (nibble order, pair layout), wrap-around
// accumulation, STORE bias/ReLU/int32/requant (junk bits in the parameter word
// ignored), state kept across runs, reset, error index and no write by the faulting
// instruction, and the race check.
#include <string.h>

#include "loom/loom_cmd.h"
#include "loom/loom_interp.h"
#include "loom/loom_ref.h"
#include "rt_test.h"

static uint8_t win[4096];
static uint32_t prog[64 * 4];
static size_t np;

static uint32_t *next(void)
{
    return &prog[4 * np++];
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int run(loom_interp *it, loom_interp_result *res)
{
    return loom_interp_run(it, win, sizeof win, prog, np, res);
}

int main(void)
{
    loom_caps caps = rt_caps(1); /* 4x4 */
    const unsigned R = caps.rows, C = caps.cols;
    loom_interp *it;
    if (loom_interp_create(&caps, &it) != LOOM_OK)
        return 1;
    loom_interp_result res;
    const unsigned D = LOOM_DEP_PUSH_NEXT, P = LOOM_DEP_POP_PREV;

    /* LOAD: 3 bytes per row (zero fill to 4), stride 0 repeats a row, 6 bytes spill
     * into a second entry. */
    for (int i = 0; i < 64; i++)
        win[i] = (uint8_t)(i + 1);
    np = 0;
    loom_cmd_load(next(), LOOM_MEM_APAD, 0, 0, 2, 3, 10, 0);
    loom_cmd_load(next(), LOOM_MEM_APAD, 2, 5, 2, 3, 0, 0);
    loom_cmd_load(next(), LOOM_MEM_APAD, 4, 20, 1, 6, 0, 0);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_OK && res.dma_rd_bytes == 6 + 6 + 6, "LOAD run rd %llu",
          (unsigned long long)res.dma_rd_bytes);
    static const int8_t want_apad[6][4] = { { 1, 2, 3, 0 }, { 11, 12, 13, 0 }, { 6, 7, 8, 0 },
                                            { 6, 7, 8, 0 }, { 21, 22, 23, 24 }, { 25, 26, 0, 0 } };
    CHECK(memcmp(loom_interp_apad(it), want_apad, sizeof want_apad) == 0, "APAD contents");

    /* W8A8: A row = [1 2 3 0], W = k-th row all (k+1), so out[n] = 1*1+2*2+3*3 = 14;
     * then accumulate the same again (28), then W4A8 with hand-made nibbles. */
    np = 0;
    memset(win, 0, sizeof win);
    for (unsigned k = 0; k < R; k++)
        for (unsigned n = 0; n < C; n++)
            win[100 + k * C + n] = (uint8_t)(k + 1);
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 0, 0, 0, 0, 2, P);
    loom_cmd_load(next(), LOOM_MEM_WPAD, 8, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 1, 0, 0, 8, 2, P);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_OK && res.macs == 2 * 2 * R * C && res.matmul_rows == 4, "W8A8 run");
    const uint32_t *acc = loom_interp_acc(it);
    for (unsigned n = 0; n < C; n++) {
        CHECK(acc[n] == 28, "ACC[0][%u] = %u", n, acc[n]);
        CHECK(acc[C + n] == 2 * (11 + 24 + 39), "ACC[1][%u] = %u", n, acc[C + n]);
    }

    /* W4A8: activation pair entries 4,5 = [21..26, 0, 0]; weight byte j holds k=2j
     * (low) and k=2j+1 (high). Lane n: low nibble -1 (0xF), high +7, so
     * out = sum_j (-a[2j] + 7*a[2j+1]). */
    np = 0;
    for (unsigned j = 0; j < R; j++)
        for (unsigned n = 0; n < C; n++)
            win[200 + j * C + n] = 0x7F;
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 200, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W4A8, 0, 2, 4, 0, 1, P);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_OK && res.macs == 2 * R * C, "W4A8 run");
    int32_t want_w4 = (-21 + 7 * 22) + (-23 + 7 * 24) + (-25 + 7 * 26) + 0;
    for (unsigned n = 0; n < C; n++)
        CHECK(acc[2 * C + n] == (uint32_t)want_w4, "W4A8 lane %u = %d want %d", n, (int)acc[2 * C + n],
              want_w4);
    CHECK(acc[0] == 28, "ACC persists across runs");

    /* Wrap-around: ACC row 3 loaded with INT32_MAX, then +14 accumulates mod 2^32;
     * STORE int32 with bias wrap and ReLU; STORE requantised with junk in the
     * parameter word's unused bits. */
    np = 0;
    memset(win, 0, sizeof win);
    for (unsigned n = 0; n < C; n++) {
        put32(win + 16 * 4 * 0 + 4 * n, 0x7FFFFFFFu);           /* row for ACC 3 */
        put32(win + 300 + 4 * n, n == 0 ? 0x80000000u : n);     /* bias (ACC 10) */
        put32(win + 300 + 4 * C + 4 * n, 3);                    /* mult (ACC 11) */
        put32(win + 300 + 8 * C + 4 * n, 0xABCD0000u | (uint32_t)(0xF0 + n) << 8 | 0xC1u); /* zp -16+n, shift 1, junk */
        win[0x400 + 4 * n] = 0;
    }
    for (unsigned k = 0; k < R; k++)
        for (unsigned n = 0; n < C; n++)
            win[100 + k * C + n] = (uint8_t)(k + 1);
    loom_cmd_load(next(), LOOM_MEM_ACC, 3, 0, 1, C, 0, 0);
    loom_cmd_load(next(), LOOM_MEM_ACC, 10, 300, 3, C, 4 * C, 0);
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 1, 3, 0, 0, 1, P | D);        /* +14 */
    loom_cmd_store(next(), LOOM_PP_I32 | LOOM_PP_BIAS | LOOM_PP_RELU, 3, 0x400, 1, 10, C, 0,
                   P | LOOM_DEP_PUSH_PREV);
    loom_cmd_sync(next(), LOOM_QUEUE_COMPUTE, LOOM_DEP_POP_NEXT | D);
    loom_cmd_store(next(), LOOM_PP_BIAS, 3, 0x500, 1, 10, C - 1, 0, P);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_OK, "post-processing run: hw %u at %zu race %d", res.hw_err,
          res.err_index, res.race);
    for (unsigned n = 0; n < C; n++) {
        uint32_t v = 0x7FFFFFFFu + 14u + (n == 0 ? 0x80000000u : n);
        int32_t sv = v < 0x80000000u ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
        CHECK(get32(win + 0x400 + 4 * n) == (sv < 0 ? 0u : v), "int32 out lane %u = %08x", n,
              (unsigned)get32(win + 0x400 + 4 * n));
        int8_t want = loom_requant(sv, 3, 1, (int8_t)(-16 + (int)n), 0);
        if (n < C - 1)
            CHECK((int8_t)win[0x500 + n] == want, "int8 out lane %u = %d want %d", n,
                  (int8_t)win[0x500 + n], want);
        else
            CHECK(win[0x500 + n] == 0, "lane past cols written");
    }
    CHECK(res.dma_wr_bytes == 4 * C + C - 1, "wr bytes %llu", (unsigned long long)res.dma_wr_bytes);

    /* Errors: the faulting STORE (window) writes nothing, earlier ones run. */
    np = 0;
    memset(win, 0, sizeof win);
    loom_cmd_store(next(), LOOM_PP_I32, 0, 0x600, 1, 0, 1, 0, 0);
    loom_cmd_store(next(), 0, 0, sizeof win - 2, 1, 0, 3, 0, 0); /* 3 int8 in 2 bytes */
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_ERR_HW && res.hw_err == LOOM_HWERR_DMA_WINDOW && res.err_index == 1 &&
              res.executed == 1 && get32(win + 0x600) == 28,
          "DMA_WINDOW: hw %u at %zu executed %zu", res.hw_err, res.err_index, res.executed);
    CHECK(win[sizeof win - 2] == 0 && win[sizeof win - 1] == 0, "faulting STORE wrote");

    /* Race: MATMUL reads the weight pad while a LOAD (no token) overwrites it. */
    np = 0;
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, P);
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 200, R, C, C, 0);
    loom_cmd_end(next());
    /* (which of the pair is reported first depends on the order the run picked) */
    CHECK(run(it, &res) == LOOM_ERR_BAD_PROGRAM && res.race && res.race_index + res.race_other == 3 &&
              res.race_index * res.race_other == 2,
          "WAR race: rc race %d %zu vs %zu", res.race, res.race_index, res.race_other);
    prog[4 * 1] |= LOOM_DEP_PUSH_PREV << LOOM_F_POP_PREV_LO; /* fix it with a token */
    prog[4 * 2] |= LOOM_DEP_POP_NEXT << LOOM_F_POP_PREV_LO;
    CHECK(run(it, &res) == LOOM_OK && !res.race, "fixed WAR");
    np = 0; /* STORE reads ACC that MATMUL writes, without a token */
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, P);
    loom_cmd_store(next(), LOOM_PP_I32, 0, 0x600, 1, 0, 1, 0, 0);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_ERR_BAD_PROGRAM && res.race && res.race_index == 2, "RAW race");
    np = 0; /* ordered by a FENCE instead */
    loom_cmd_load(next(), LOOM_MEM_WPAD, 0, 100, R, C, C, D);
    loom_cmd_matmul(next(), LOOM_MODE_W8A8, 0, 0, 0, 0, 1, P);
    loom_cmd_fence(next(), 0);
    loom_cmd_store(next(), LOOM_PP_I32, 0, 0x600, 1, 0, 1, 0, 0);
    loom_cmd_end(next());
    CHECK(run(it, &res) == LOOM_OK && !res.race, "FENCE orders");

    /* Reset clears the memories. */
    loom_interp_reset(it);
    static const uint32_t zero[16];
    CHECK(memcmp(loom_interp_acc(it), zero, sizeof zero) == 0, "reset ACC");
    CHECK(loom_interp_run(it, NULL, 0, NULL, 0, &res) == LOOM_OK && res.executed == 0, "empty run");
    CHECK(loom_interp_run(NULL, win, 1, prog, 1, &res) == LOOM_ERR_INVALID_ARG, "NULL handle");
    loom_interp_destroy(it);
    loom_interp_destroy(NULL);
    return rt_finish("interp");
}
