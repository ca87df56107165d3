/* SPDX-License-Identifier: Apache-2.0 */
/* The golden ISA interpreter (see loom_interp.h). */
#include "loom/loom_interp.h"

#include <stdlib.h>
#include <string.h>

#include "loom/loom_cmd.h"
#include "loom/loom_ref.h"

enum { LOOMI_APAD, LOOMI_WPAD, LOOMI_ACC, LOOMI_NMEM };
enum { LOOMI_L2C, LOOMI_C2L, LOOMI_C2S, LOOMI_S2C, LOOMI_NTOK };
static const int loomi_pop_prev[3] = { -1, LOOMI_L2C, LOOMI_C2S };
static const int loomi_pop_next[3] = { LOOMI_C2L, LOOMI_S2C, -1 };
static const int loomi_push_prev[3] = { -1, LOOMI_C2L, LOOMI_S2C };
static const int loomi_push_next[3] = { LOOMI_L2C, LOOMI_C2S, -1 };

/* "Happens-before" knowledge as one instruction index per queue: v[q] = the latest
 * instruction of queue q whose results are visible (-1: none). */
typedef struct loomi_vc {
    int64_t v[3];
} loomi_vc;

/* Last accesses of one SRAM entry (indices; -1: none). */
typedef struct loomi_shadow {
    int64_t w;    /* last writer */
    int64_t r[3]; /* last reader per queue since that write */
    uint32_t wq;  /* queue of the last writer */
} loomi_shadow;

#define LOOMI_TOKQ 256 /* > token_max, so a counter's pending pushes always fit */

struct loom_interp {
    loom_caps caps;
    int8_t *apad;    /* [apad_depth][rows] */
    uint8_t *wpad;   /* [wpad_depth][cols] */
    uint32_t *acc;   /* [acc_depth][cols], int32 two's complement */
    int8_t *wtile;   /* [2*rows][cols]: weights of one MATMUL, one int8 per k */
    int32_t *sum;    /* [cols] */
    loomi_shadow *sh[LOOMI_NMEM];
    uint32_t depth[LOOMI_NMEM];
    size_t *order;
    size_t order_cap;
    /* Per run: */
    loomi_vc done[3];                       /* knowledge at the last completion per queue */
    loomi_vc barrier;                       /* everything before the last FENCE/END */
    loomi_vc tok[LOOMI_NTOK][LOOMI_TOKQ];   /* knowledge carried by each pending token */
    uint32_t tok_head[LOOMI_NTOK], tok_cnt[LOOMI_NTOK];
    loom_interp_result *res;
};

static void loomi_vc_max(loomi_vc *a, const loomi_vc *b)
{
    for (int q = 0; q < 3; q++)
        if (b->v[q] > a->v[q])
            a->v[q] = b->v[q];
}

int loom_interp_create(const loom_caps *caps, loom_interp **out)
{
    if (!out)
        return LOOM_ERR_INVALID_ARG;
    *out = NULL;
    if (loom_caps_check(caps) != LOOM_OK)
        return LOOM_ERR_INVALID_ARG;
    loom_interp *it = calloc(1, sizeof *it);
    if (!it)
        return LOOM_ERR_NO_MEM;
    it->caps = *caps;
    it->depth[LOOMI_APAD] = caps->apad_depth;
    it->depth[LOOMI_WPAD] = caps->wpad_depth;
    it->depth[LOOMI_ACC] = caps->acc_depth;
    it->apad = calloc((size_t)caps->apad_depth * caps->rows, 1);
    it->wpad = calloc((size_t)caps->wpad_depth * caps->cols, 1);
    it->acc = calloc((size_t)caps->acc_depth * caps->cols, sizeof *it->acc);
    it->wtile = calloc((size_t)2 * caps->rows * caps->cols, 1);
    it->sum = calloc(caps->cols, sizeof *it->sum);
    int ok = it->apad && it->wpad && it->acc && it->wtile && it->sum;
    for (int m = 0; m < LOOMI_NMEM; m++) {
        it->sh[m] = calloc(it->depth[m], sizeof *it->sh[m]);
        ok = ok && it->sh[m];
    }
    if (!ok) {
        loom_interp_destroy(it);
        return LOOM_ERR_NO_MEM;
    }
    *out = it;
    return LOOM_OK;
}

void loom_interp_destroy(loom_interp *it)
{
    if (!it)
        return;
    free(it->apad);
    free(it->wpad);
    free(it->acc);
    free(it->wtile);
    free(it->sum);
    for (int m = 0; m < LOOMI_NMEM; m++)
        free(it->sh[m]);
    free(it->order);
    free(it);
}

void loom_interp_reset(loom_interp *it)
{
    if (!it)
        return;
    memset(it->apad, 0, (size_t)it->caps.apad_depth * it->caps.rows);
    memset(it->wpad, 0, (size_t)it->caps.wpad_depth * it->caps.cols);
    memset(it->acc, 0, (size_t)it->caps.acc_depth * it->caps.cols * sizeof *it->acc);
}

const int8_t *loom_interp_apad(const loom_interp *it)
{
    return it->apad;
}

const uint8_t *loom_interp_wpad(const loom_interp *it)
{
    return it->wpad;
}

const uint32_t *loom_interp_acc(const loom_interp *it)
{
    return it->acc;
}

/* ---------------------------------------------------------------- race check */

static void loomi_race(loom_interp *it, size_t x, int64_t other)
{
    if (!it->res->race) {
        it->res->race = 1;
        it->res->race_index = x;
        it->res->race_other = (size_t)other;
    }
}

/* Records an access by instruction x of queue q, which knows `vc`, to entries
 * [first, first+count) of memory mem, and checks it against earlier ones. */
static void loomi_access(loom_interp *it, int mem, uint64_t first, uint64_t count, int write,
                         size_t x, unsigned q, const loomi_vc *vc)
{
    for (uint64_t e = first; e < first + count; e++) {
        loomi_shadow *s = &it->sh[mem][e];
        if (s->w >= 0 && s->wq != q && s->w > vc->v[s->wq])
            loomi_race(it, x, s->w);
        if (write) {
            for (unsigned p = 0; p < 3; p++) {
                if (p != q && s->r[p] > vc->v[p])
                    loomi_race(it, x, s->r[p]);
                s->r[p] = -1;
            }
            s->w = (int64_t)x;
            s->wq = q;
        } else {
            s->r[q] = (int64_t)x;
        }
    }
}

/* ---------------------------------------------------------------- semantics */

static int32_t loomi_s32(uint32_t v)
{
    return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

static uint32_t loomi_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void loomi_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void loomi_load(loom_interp *it, uint8_t *window, const loom_cmd_fields *f, size_t x,
                       unsigned q, const loomi_vc *vc)
{
    const loom_caps *c = &it->caps;
    int mem = f->mem == LOOM_MEM_APAD ? LOOMI_APAD : f->mem == LOOM_MEM_WPAD ? LOOMI_WPAD : LOOMI_ACC;
    size_t per = mem == LOOMI_APAD ? c->rows : c->cols; /* elements per entry */
    size_t epr = (f->cols + per - 1) / per;
    loomi_access(it, mem, f->sram_addr, (uint64_t)f->rows * epr, 1, x, q, vc);
    for (size_t r = 0; r < f->rows; r++) {
        const uint8_t *src = window + f->dram_off + r * f->stride;
        size_t e0 = (f->sram_addr + r * epr) * per; /* first element */
        if (mem == LOOMI_ACC) {
            for (size_t e = 0; e < f->cols; e++)
                it->acc[e0 + e] = loomi_rd32(src + 4 * e);
            memset(&it->acc[e0 + f->cols], 0, (epr * per - f->cols) * sizeof *it->acc);
        } else {
            uint8_t *dst = mem == LOOMI_APAD ? (uint8_t *)it->apad + e0 : it->wpad + e0;
            memcpy(dst, src, f->cols);
            memset(dst + f->cols, 0, epr * per - f->cols);
        }
    }
    it->res->dma_rd_bytes += (uint64_t)f->rows * f->cols * (mem == LOOMI_ACC ? 4 : 1);
}

static int8_t loomi_s8(uint8_t b)
{
    return (int8_t)(b > 127 ? (int)b - 256 : (int)b);
}

static int loomi_s4(unsigned nibble)
{
    return (int)((nibble & 0xFu) ^ 8u) - 8;
}

/* ACC[acc+m][n] (+)= sum_k a[m][k] * w[k][n], K = ROWS (W8A8) or 2*ROWS (W4A8). */
static void loomi_matmul(loom_interp *it, const loom_cmd_fields *f, size_t x, unsigned q,
                         const loomi_vc *vc)
{
    const size_t R = it->caps.rows, C = it->caps.cols;
    int w4 = f->mode == LOOM_MODE_W4A8;
    size_t K = w4 ? 2 * R : R, M = f->rows;
    loomi_access(it, LOOMI_APAD, f->apad_addr, w4 ? 2 * M : M, 0, x, q, vc);
    loomi_access(it, LOOMI_WPAD, f->wpad_addr, R, 0, x, q, vc);
    loomi_access(it, LOOMI_ACC, f->acc_addr, M, 1, x, q, vc);

    const uint8_t *wp = it->wpad + (size_t)f->wpad_addr * C;
    for (size_t j = 0; j < R; j++) {
        for (size_t n = 0; n < C; n++) {
            uint8_t b = wp[j * C + n];
            if (w4) {
                it->wtile[(2 * j) * C + n] = (int8_t)loomi_s4(b);
                it->wtile[(2 * j + 1) * C + n] = (int8_t)loomi_s4(b >> 4);
            } else {
                it->wtile[j * C + n] = loomi_s8(b);
            }
        }
    }
    int32_t *sum = it->sum;
    for (size_t m = 0; m < M; m++) {
        /* The activation row: entry apad+m (W8A8) or the pair apad+2m, apad+2m+1. */
        const int8_t *a = it->apad + (f->apad_addr + (w4 ? 2 * m : m)) * R;
        memset(sum, 0, C * sizeof *sum);
        for (size_t k = 0; k < K; k++) {
            int32_t av = a[k];
            const int8_t *w = it->wtile + k * C;
            if (av)
                for (size_t n = 0; n < C; n++)
                    sum[n] += av * w[n];
        }
        uint32_t *dst = it->acc + (f->acc_addr + m) * C;
        for (size_t n = 0; n < C; n++)
            dst[n] = (f->accumulate ? dst[n] : 0u) + (uint32_t)sum[n];
    }
    it->res->macs += (uint64_t)M * R * C * (w4 ? 2 : 1);
    it->res->matmul_rows += M;
}

static void loomi_store(loom_interp *it, uint8_t *window, const loom_cmd_fields *f, size_t x,
                        unsigned q, const loomi_vc *vc)
{
    const size_t C = it->caps.cols;
    int i32 = (f->pp & LOOM_PP_I32) != 0, relu = (f->pp & LOOM_PP_RELU) != 0;
    int bias = (f->pp & LOOM_PP_BIAS) != 0;
    loomi_access(it, LOOMI_ACC, f->acc_addr, f->rows, 0, x, q, vc);
    if (bias)
        loomi_access(it, LOOMI_ACC, f->pp_addr, 1, 0, x, q, vc);
    if (!i32)
        loomi_access(it, LOOMI_ACC, (uint64_t)f->pp_addr + 1, 2, 0, x, q, vc);
    const uint32_t *pp = it->acc + (size_t)f->pp_addr * C;
    for (size_t m = 0; m < f->rows; m++) {
        const uint32_t *src = it->acc + (f->acc_addr + m) * C;
        uint8_t *dst = window + f->dram_off + m * f->stride;
        for (size_t n = 0; n < f->cols; n++) {
            uint32_t v = src[n] + (bias ? pp[n] : 0u);
            if (i32) {
                loomi_wr32(dst + 4 * n, relu && loomi_s32(v) < 0 ? 0u : v);
            } else {
                uint32_t shz = pp[2 * C + n];
                int8_t y = loom_requant(loomi_s32(v), loomi_s32(pp[C + n]), shz & 63u,
                                        loomi_s8((uint8_t)(shz >> 8)), relu);
                dst[n] = (uint8_t)y;
            }
        }
    }
    it->res->dma_wr_bytes += (uint64_t)f->rows * f->cols * (i32 ? 4 : 1);
}

/* ---------------------------------------------------------------- tokens */

static void loomi_pop(loom_interp *it, int c, loomi_vc *vc)
{
    if (c < 0 || !it->tok_cnt[c])
        return; /* cannot happen for a schedule from loom_cmd_schedule */
    loomi_vc_max(vc, &it->tok[c][it->tok_head[c]]);
    it->tok_head[c] = (it->tok_head[c] + 1) % LOOMI_TOKQ;
    it->tok_cnt[c]--;
}

static void loomi_push(loom_interp *it, int c, const loomi_vc *vc)
{
    if (c < 0 || it->tok_cnt[c] == LOOMI_TOKQ)
        return; /* cannot happen: counters never exceed token_max <= 255 */
    it->tok[c][(it->tok_head[c] + it->tok_cnt[c]) % LOOMI_TOKQ] = *vc;
    it->tok_cnt[c]++;
}

static void loomi_exec(loom_interp *it, uint8_t *window, const uint32_t insn[4], size_t x)
{
    loom_cmd_fields f;
    loom_cmd_decode(insn, &f);
    if (f.opcode == LOOM_OP_FENCE || f.opcode == LOOM_OP_END) {
        /* Everything dispatched before has completed. */
        for (int q = 0; q < 3; q++)
            loomi_vc_max(&it->barrier, &it->done[q]);
        return;
    }
    unsigned q = loom_cmd_queue(insn);
    loomi_vc vc = it->done[q];
    loomi_vc_max(&vc, &it->barrier);
    if (f.deps & LOOM_DEP_POP_PREV)
        loomi_pop(it, loomi_pop_prev[q], &vc);
    if (f.deps & LOOM_DEP_POP_NEXT)
        loomi_pop(it, loomi_pop_next[q], &vc);
    switch (f.opcode) {
    case LOOM_OP_LOAD:
        loomi_load(it, window, &f, x, q, &vc);
        break;
    case LOOM_OP_MATMUL:
        loomi_matmul(it, &f, x, q, &vc);
        break;
    case LOOM_OP_STORE:
        loomi_store(it, window, &f, x, q, &vc);
        break;
    default: /* SYNC: tokens only */
        break;
    }
    vc.v[q] = (int64_t)x;
    it->done[q] = vc;
    if (f.deps & LOOM_DEP_PUSH_PREV)
        loomi_push(it, loomi_push_prev[q], &vc);
    if (f.deps & LOOM_DEP_PUSH_NEXT)
        loomi_push(it, loomi_push_next[q], &vc);
}

int loom_interp_run(loom_interp *it, uint8_t *window, uint64_t window_bytes,
                    const uint32_t *insns, size_t n, loom_interp_result *res)
{
    if (!res)
        return LOOM_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    if (!it || (!insns && n) || (!window && window_bytes))
        return LOOM_ERR_INVALID_ARG;
    if (n > it->order_cap) {
        size_t *o = realloc(it->order, n * sizeof *o);
        if (!o)
            return LOOM_ERR_NO_MEM;
        it->order = o;
        it->order_cap = n;
    }
    size_t n_order = 0;
    int rc = loom_cmd_schedule(&it->caps, window_bytes, insns, n, it->order, &n_order,
                               &res->consumed, &res->err_index, &res->hw_err);
    if (rc != LOOM_OK && rc != LOOM_ERR_BAD_PROGRAM)
        return rc;
    if (rc == LOOM_OK)
        res->err_index = 0;

    for (int m = 0; m < LOOMI_NMEM; m++)
        for (uint32_t e = 0; e < it->depth[m]; e++)
            it->sh[m][e] = (loomi_shadow){ .w = -1, .r = { -1, -1, -1 } };
    for (int q = 0; q < 3; q++)
        it->done[q] = (loomi_vc){ { -1, -1, -1 } };
    it->barrier = (loomi_vc){ { -1, -1, -1 } };
    memset(it->tok_head, 0, sizeof it->tok_head);
    memset(it->tok_cnt, 0, sizeof it->tok_cnt);
    it->res = res;

    for (size_t i = 0; i < n_order; i++)
        loomi_exec(it, window, &insns[4 * it->order[i]], it->order[i]);
    res->executed = n_order;
    it->res = NULL;
    if (rc != LOOM_OK)
        return LOOM_ERR_HW;
    return res->race ? LOOM_ERR_BAD_PROGRAM : LOOM_OK;
}
