/* SPDX-License-Identifier: Apache-2.0 */
/* The GEMM tiler (see loom_gemm_plan.h for layouts and schedule). */
#include "loom/loom_gemm_plan.h"

#include <stdlib.h>
#include <string.h>

#define LOOMI_NONE SIZE_MAX
#define LOOMI_WSLOTS_MAX 8u
#define LOOMI_STRIDE_MAX ((1u << 24) - 1u)

static uint64_t loomi_cdiv(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static uint64_t loomi_max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------- packing */

static int loomi_mode_ok(unsigned mode)
{
    return mode == LOOM_MODE_W8A8 || mode == LOOM_MODE_W4A8;
}

size_t loom_gemm_b_size(const loom_caps *caps, unsigned mode, uint32_t k, uint32_t n)
{
    if (loom_caps_check(caps) != LOOM_OK || !loomi_mode_ok(mode) || !k || !n)
        return 0;
    uint64_t tk = (uint64_t)caps->rows * (mode == LOOM_MODE_W4A8 ? 2 : 1);
    return (size_t)(loomi_cdiv(k, tk) * loomi_cdiv(n, caps->cols) * caps->rows * caps->cols);
}

int loom_gemm_pack_b(const loom_caps *caps, unsigned mode, uint32_t k, uint32_t n,
                     const int8_t *b, size_t ldb, uint8_t *out)
{
    if (!loom_gemm_b_size(caps, mode, k, n) || !b || !out || ldb < n)
        return LOOM_ERR_INVALID_ARG;
    const size_t R = caps->rows, C = caps->cols;
    int w4 = mode == LOOM_MODE_W4A8;
    size_t tk = R * (w4 ? 2 : 1), kt_n = loomi_cdiv(k, tk), nt_n = loomi_cdiv(n, C);
    for (size_t nt = 0; nt < nt_n; nt++) {
        for (size_t kt = 0; kt < kt_n; kt++) {
            uint8_t *tile = out + (nt * kt_n + kt) * R * C;
            for (size_t j = 0; j < R; j++) {
                for (size_t c = 0; c < C; c++) {
                    size_t col = nt * C + c, k0 = kt * tk + (w4 ? 2 * j : j);
                    int lo = (k0 < k && col < n) ? b[k0 * ldb + col] : 0;
                    int hi = (w4 && k0 + 1 < k && col < n) ? b[(k0 + 1) * ldb + col] : 0;
                    if (w4 && (lo < -8 || lo > 7 || hi < -8 || hi > 7))
                        return LOOM_ERR_INVALID_ARG;
                    tile[j * C + c] = w4 ? (uint8_t)((lo & 0xF) | (hi & 0xF) << 4) : (uint8_t)lo;
                }
            }
        }
    }
    return LOOM_OK;
}

/* Parameter entries per N tile. */
static unsigned loomi_ppe(unsigned pp)
{
    return !(pp & LOOM_PP_I32) ? 3u : (pp & LOOM_PP_BIAS) ? 1u : 0u;
}

size_t loom_gemm_params_size(const loom_caps *caps, uint32_t n, unsigned pp)
{
    if (loom_caps_check(caps) != LOOM_OK || !n)
        return 0;
    return (size_t)(loomi_cdiv(n, caps->cols) * loomi_ppe(pp) * caps->cols * 4);
}

static void loomi_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int loom_gemm_pack_params(const loom_caps *caps, uint32_t n, unsigned pp, const int32_t *bias,
                          const int32_t *mult, const uint8_t *shift, const int8_t *zp,
                          uint8_t *out)
{
    size_t size = loom_gemm_params_size(caps, n, pp);
    int use_bias = (pp & LOOM_PP_BIAS) != 0, requant = !(pp & LOOM_PP_I32);
    if (!size || !out || (use_bias && !bias) || (requant && (!mult || !shift || !zp)))
        return LOOM_ERR_INVALID_ARG;
    const size_t C = caps->cols, E = loomi_ppe(pp);
    memset(out, 0, size);
    for (size_t col = 0; col < n; col++) {
        if (requant && shift[col] > 63)
            return LOOM_ERR_INVALID_ARG;
        uint8_t *blk = out + (col / C) * E * C * 4 + (col % C) * 4;
        if (use_bias)
            loomi_put32(blk, (uint32_t)bias[col]);
        if (requant) {
            loomi_put32(blk + C * 4, (uint32_t)mult[col]);
            loomi_put32(blk + 2 * C * 4, shift[col] | (uint32_t)(uint8_t)zp[col] << 8);
        }
    }
    return LOOM_OK;
}

/* ---------------------------------------------------------------- configuration */

typedef struct loomi_cfg {
    uint32_t tk, epa;        /* K per MATMUL; APAD entries per activation row */
    uint32_t kt, nt;         /* K tiles, N tiles */
    uint32_t mb, nmb;        /* rows per M block, M blocks */
    uint32_t kpt, nkp;       /* K tiles per panel, panels */
    uint32_t ng, nng;        /* N tiles per group, groups */
    uint32_t ppe, regions;   /* parameter entries per tile, parameter regions (1 or 2) */
    uint32_t half;           /* ACC bank boundary: set 1 base */
    uint32_t pp_base;        /* first parameter entry */
    uint32_t wslots;
    uint32_t abuf;           /* entries per APAD buffer */
    uint64_t est;            /* estimated cycles */
} loomi_cfg;

/* Start of ACC bank 1: the value of the top address bit. */
static uint32_t loomi_acc_half(uint32_t depth)
{
    uint32_t h = 1;
    while ((uint64_t)h * 2 < depth)
        h *= 2;
    return depth > 1 ? h : 0;
}

/* Fills cf for at most mbmax rows per M block; 0 if that does not fit. */
static int loomi_config(const loom_caps *c, const loom_gemm *g, uint32_t mbmax, loomi_cfg *cf)
{
    memset(cf, 0, sizeof *cf);
    int w4 = g->mode == LOOM_MODE_W4A8;
    cf->epa = w4 ? 2 : 1;
    cf->tk = c->rows * cf->epa;
    cf->kt = (uint32_t)loomi_cdiv(g->k, cf->tk);
    cf->nt = (uint32_t)loomi_cdiv(g->n, c->cols);
    cf->nmb = (uint32_t)loomi_cdiv(g->m, mbmax);
    cf->mb = (uint32_t)loomi_cdiv(g->m, cf->nmb);

    uint64_t apad = c->apad_depth < 65536 ? c->apad_depth : 65536; /* 16-bit addresses */
    uint64_t kpt = apad / (2ull * cf->mb * cf->epa);
    if (!kpt)
        return 0;
    cf->nkp = (uint32_t)loomi_cdiv(cf->kt, kpt);
    cf->kpt = (uint32_t)loomi_cdiv(cf->kt, cf->nkp);
    cf->abuf = cf->mb * cf->kpt * cf->epa;

    cf->half = loomi_acc_half(c->acc_depth);
    uint64_t upper = c->acc_depth - cf->half; /* bank 1 size */
    uint64_t mb = cf->mb;
    cf->ppe = loomi_ppe(g->pp);
    cf->regions = 1;
    if (cf->nkp == 1) { /* one live tile per set */
        if (mb > cf->half || mb > upper)
            return 0;
        if ((uint64_t)cf->nt * cf->ppe + mb <= upper) {
            cf->ng = cf->nt;
        } else {
            cf->regions = 2;
            cf->ng = (uint32_t)((upper - mb) / (2ull * cf->ppe));
        }
    } else { /* a whole group lives in one set */
        if ((uint64_t)cf->nt * mb <= cf->half && (uint64_t)cf->nt * (mb + cf->ppe) <= upper) {
            cf->ng = cf->nt;
        } else {
            cf->regions = cf->ppe ? 2 : 1;
            uint64_t a = cf->half / mb, b = upper / (mb + cf->regions * cf->ppe);
            cf->ng = (uint32_t)(a < b ? a : b);
        }
    }
    /* With several K panels compute may finish two groups before STORE starts: 2*ng
     * compute->store tokens must fit a counter. */
    if (cf->nkp > 1 && cf->ng > c->token_max / 2)
        cf->ng = c->token_max / 2;
    if (!cf->ng)
        return 0;
    cf->nng = (uint32_t)loomi_cdiv(cf->nt, cf->ng);
    cf->ng = (uint32_t)loomi_cdiv(cf->nt, cf->nng);
    if (cf->nng == 1)
        cf->regions = 1;
    cf->pp_base = c->acc_depth - cf->regions * cf->ng * cf->ppe;
    /* Weight slots: loads run at most this far ahead, so it bounds the load->compute
     * counter as well. */
    uint32_t ws = c->wpad_depth / c->rows;
    if (ws > LOOMI_WSLOTS_MAX)
        ws = LOOMI_WSLOTS_MAX;
    if (c->token_max < 4)
        ws = ws < c->token_max ? ws : c->token_max;
    else if (ws > c->token_max - 2)
        ws = c->token_max - 2;
    cf->wslots = ws;
    if (!cf->wslots)
        return 0;

    /* Cost model: the array needs max(rows, R) cycles per MATMUL (weights preload in
     * R cycles); DMA is budgeted at half the bus (headroom for misaligned rows, bank
     * conflicts and instruction fetch); the first tile waits for its A slices; the
     * last tile's STORE drains at the end. */
    uint64_t R = c->rows, C = c->cols, bus = c->bus_bytes;
    uint64_t last = g->m - (uint64_t)(cf->nmb - 1) * cf->mb;
    uint64_t per_tile = (uint64_t)cf->nt * cf->kt;
    uint64_t array = per_tile * ((cf->nmb - 1) * loomi_max64(mb, R) + loomi_max64(last, R));
    uint64_t esize = (g->pp & LOOM_PP_I32) ? 4 : 1;
    uint64_t a_bytes = (uint64_t)g->m * g->k * (cf->nkp > 1 ? cf->nng : 1);
    uint64_t w_bytes = (uint64_t)cf->nmb * per_tile * R * C;
    uint64_t p_bytes = (cf->nng > 1 ? (uint64_t)cf->nmb * cf->nt : cf->nt) * cf->ppe * C * 4;
    uint64_t io = a_bytes + w_bytes + p_bytes + (uint64_t)g->m * g->n * esize;
    uint64_t slice = (mb * (g->k < cf->tk ? g->k : cf->tk) + R * C + bus - 1) / bus;
    uint64_t startup = cf->kpt * (slice > mb ? slice - mb : 0);
    uint64_t drain = mb * C * esize / bus;
    cf->est = loomi_max64(array, io * 2 / bus) + startup + drain;
    return 1;
}

static int loomi_choose(const loom_caps *c, const loom_gemm *g, loomi_cfg *best)
{
    int found = 0;
    loomi_cfg cf;
    uint32_t top = g->m < loomi_acc_half(c->acc_depth) ? g->m : loomi_acc_half(c->acc_depth);
    uint64_t fit = (c->apad_depth < 65536 ? c->apad_depth : 65536) / (2ull * loomi_cdiv(g->k, c->rows * (g->mode ? 2u : 1u)) *
                                    (g->mode ? 2u : 1u));
    for (uint32_t x = top; x >= 1; x /= 2) {
        for (int pass = 0; pass < 2; pass++) {
            uint32_t mbmax = pass ? x : (uint32_t)(fit && fit < x ? fit : 0);
            if (!mbmax || !loomi_config(c, g, mbmax, &cf))
                continue;
            if (!found || cf.est < best->est || (cf.est == best->est && cf.mb > best->mb)) {
                *best = cf;
                found = 1;
            }
        }
    }
    return found;
}

/* ---------------------------------------------------------------- emission */

typedef struct loomi_emit {
    uint32_t *insns; /* NULL: count only */
    size_t cap, n;
    int err;
    size_t cov[3][3]; /* [consumer queue][producer queue]: 1 + newest producer waited for */
    loom_gemm_stats *st;
} loomi_emit;

static size_t loomi_put(loomi_emit *e, int rc, const uint32_t insn[4])
{
    if (rc != LOOM_OK && !e->err)
        e->err = rc;
    if (e->insns && !e->err) {
        if (e->n >= e->cap)
            e->err = LOOM_ERR_INVALID_ARG;
        else
            memcpy(&e->insns[4 * e->n], insn, 16);
    }
    e->st->insns++;
    return e->n++;
}

static void loomi_flags(loomi_emit *e, size_t i, unsigned deps)
{
    if (e->insns && !e->err && i < e->cap)
        e->insns[4 * i] |= deps << LOOM_F_POP_PREV_LO;
}

/* Instruction `c` of queue cq must not start before instruction `p` of the
 * neighbouring queue pq has completed. Pass the newest such p per (c, pq) once. The
 * k-th pop of a counter meets its k-th push, so a pop is needed only for a producer
 * newer than any already waited for, and that producer then pushes. */
static void loomi_need(loomi_emit *e, size_t c, unsigned cq, size_t p, unsigned pq)
{
    if (p == LOOMI_NONE || p + 1 <= e->cov[cq][pq])
        return;
    e->cov[cq][pq] = p + 1;
    if (pq + 1 == cq) {
        loomi_flags(e, c, LOOM_DEP_POP_PREV);
        loomi_flags(e, p, LOOM_DEP_PUSH_NEXT);
    } else {
        loomi_flags(e, c, LOOM_DEP_POP_NEXT);
        loomi_flags(e, p, LOOM_DEP_PUSH_PREV);
    }
}

static size_t loomi_max_idx(size_t a, size_t b)
{
    if (a == LOOMI_NONE)
        return b;
    if (b == LOOMI_NONE)
        return a;
    return a > b ? a : b;
}

/* The program generator's state. */
typedef struct loomi_gen {
    const loom_caps *c;
    const loom_gemm *g;
    const loomi_cfg *cf;
    loomi_emit e;
    size_t *slab[2];               /* per APAD buffer: last LOAD of each K tile slice */
    size_t abuf_reader[2];         /* last MATMUL reading each APAD buffer */
    size_t abuf_free[2];           /* the reader a panel being loaded there waits for */
    size_t wslot_reader[LOOMI_WSLOTS_MAX];
    size_t set_store[2];           /* last STORE reading each ACC set */
    size_t pp_store[2];            /* last STORE reading each parameter region */
    uint64_t wcount, tiles, iters, pp_loads, panels;
} loomi_gen;

/* Loads K tile kt_local of the A panel (M block mb, K panel kp) into APAD buffer b. */
static void loomi_slice(loomi_gen *s, uint32_t mb, uint32_t kp, uint32_t kt_local, unsigned b)
{
    const loomi_cfg *cf = s->cf;
    const loom_gemm *g = s->g;
    uint32_t m0 = mb * cf->mb, rows = g->m - m0 < cf->mb ? g->m - m0 : cf->mb;
    uint64_t k0 = (uint64_t)(kp * cf->kpt + kt_local) * cf->tk;
    uint32_t kw = (uint32_t)(g->k - k0 < cf->tk ? g->k - k0 : cf->tk);
    uint32_t base = b * cf->abuf + kt_local * cf->mb * cf->epa;
    uint32_t dram = g->a_off + m0 * g->lda + (uint32_t)k0;
    uint32_t insn[4];
    size_t i = LOOMI_NONE;
    /* The buffer is free once the previous panel's readers are done; MATMULs of this
     * panel may already be reading its first slices (first panel). */
    if (kt_local == 0)
        s->abuf_free[b] = s->abuf_reader[b];
    if (cf->epa == 2 && kw <= s->c->rows) {
        /* A W4A8 slice narrower than one entry would land one entry per row; place
         * each row on its entry pair instead (the odd entry is left as is: its
         * weights are zero). */
        for (uint32_t r = 0; r < rows; r++) {
            i = loomi_put(&s->e, loom_cmd_load(insn, LOOM_MEM_APAD, base + 2 * r,
                                              dram + r * g->lda, 1, kw, 0, 0), insn);
            loomi_need(&s->e, i, LOOM_QUEUE_LOAD, s->abuf_free[b], LOOM_QUEUE_COMPUTE);
            s->e.st->loads++;
        }
    } else {
        i = loomi_put(&s->e, loom_cmd_load(insn, LOOM_MEM_APAD, base, dram, rows, kw, g->lda, 0),
                      insn);
        loomi_need(&s->e, i, LOOM_QUEUE_LOAD, s->abuf_free[b], LOOM_QUEUE_COMPUTE);
        s->e.st->loads++;
    }
    s->e.st->rd_bytes += (uint64_t)rows * kw;
    s->slab[b][kt_local] = i;
}

/* One visit: M block mb, N group grp, K panel kp. The panel is in APAD buffer b
 * (already loaded unless `own`); if `pf` the next panel (pf_mb, pf_kp) is prefetched
 * into the other buffer. */
static void loomi_visit(loomi_gen *s, uint32_t mb, uint32_t grp, uint32_t kp, unsigned b, int own,
                        int pf, uint32_t pf_mb, uint32_t pf_kp)
{
    const loomi_cfg *cf = s->cf;
    const loom_gemm *g = s->g;
    const loom_caps *c = s->c;
    loomi_emit *e = &s->e;
    uint32_t insn[4];
    uint32_t m0 = mb * cf->mb, rows = g->m - m0 < cf->mb ? g->m - m0 : cf->mb;
    uint32_t nt0 = grp * cf->ng, nt1 = nt0 + cf->ng < cf->nt ? nt0 + cf->ng : cf->nt;
    uint32_t kpt = cf->kpt * (kp + 1) <= cf->kt ? cf->kpt : cf->kt - kp * cf->kpt;
    uint32_t pf_kpt = cf->kpt * (pf_kp + 1) <= cf->kt ? cf->kpt : cf->kt - pf_kp * cf->kpt;
    unsigned region = 0;

    /* Parameters of this group into the accumulator (compute queue). */
    if (cf->ppe && kp == 0 && (cf->nng > 1 || (mb == 0 && grp == 0))) {
        region = cf->regions == 2 ? (unsigned)(s->pp_loads % 2) : 0;
        s->pp_loads++;
        uint32_t rows_pp = (nt1 - nt0) * cf->ppe;
        size_t i = loomi_put(e, loom_cmd_load(insn, LOOM_MEM_ACC,
                                              cf->pp_base + region * cf->ng * cf->ppe,
                                              g->p_off + nt0 * cf->ppe * c->cols * 4, rows_pp,
                                              c->cols, c->cols * 4, 0),
                             insn);
        loomi_need(e, i, LOOM_QUEUE_COMPUTE, s->pp_store[region], LOOM_QUEUE_STORE);
        e->st->loads++;
        e->st->rd_bytes += (uint64_t)rows_pp * c->cols * 4;
    } else if (cf->regions == 2) {
        region = (unsigned)((s->pp_loads - 1) % 2);
    }

    uint64_t wl = (uint64_t)(nt1 - nt0) * kpt, w = 0;
    uint32_t pf_done = 0;
    unsigned set = (unsigned)(s->iters % 2);
    for (uint32_t nt = nt0; nt < nt1; nt++) {
        uint32_t acc;
        if (cf->nkp == 1) {
            set = (unsigned)(s->tiles++ % 2);
            acc = set * cf->half;
        } else {
            acc = set * cf->half + (nt - nt0) * cf->mb;
        }
        size_t last_mm = LOOMI_NONE;
        for (uint32_t t = 0; t < kpt; t++) {
            uint32_t kt = kp * cf->kpt + t;
            if (own && nt == nt0)
                loomi_slice(s, mb, kp, t, b);
            unsigned slot = (unsigned)(s->wcount++ % cf->wslots);
            size_t wi = loomi_put(e, loom_cmd_load(insn, LOOM_MEM_WPAD, slot * c->rows,
                                                   g->b_off + (nt * cf->kt + kt) * c->rows * c->cols,
                                                   c->rows, c->cols, c->cols, 0),
                                  insn);
            loomi_need(e, wi, LOOM_QUEUE_LOAD, s->wslot_reader[slot], LOOM_QUEUE_COMPUTE);
            e->st->loads++;
            e->st->rd_bytes += (uint64_t)c->rows * c->cols;
            /* Slices of the next panel, spread evenly over this visit's weight loads. */
            w++;
            while (pf && pf_done < (uint32_t)loomi_cdiv(w * pf_kpt, wl))
                loomi_slice(s, pf_mb, pf_kp, pf_done++, b ^ 1u);

            unsigned accumulate = !(kp == 0 && t == 0);
            size_t mi = loomi_put(e, loom_cmd_matmul(insn, g->mode, accumulate, acc,
                                                     b * cf->abuf + t * cf->mb * cf->epa,
                                                     slot * c->rows, rows, 0),
                                  insn);
            loomi_need(e, mi, LOOM_QUEUE_COMPUTE, loomi_max_idx(wi, s->slab[b][t]),
                       LOOM_QUEUE_LOAD);
            if (!accumulate)
                loomi_need(e, mi, LOOM_QUEUE_COMPUTE, s->set_store[set], LOOM_QUEUE_STORE);
            s->wslot_reader[slot] = mi;
            s->abuf_reader[b] = mi;
            last_mm = mi;
            e->st->matmuls++;
            e->st->macs += (uint64_t)rows * c->rows * c->cols * cf->epa;
            e->st->array_cycles += loomi_max64(rows, c->rows);
        }
        if (kp + 1 == cf->nkp) {
            unsigned i32 = (g->pp & LOOM_PP_I32) != 0;
            uint32_t cols = g->n - nt * c->cols < c->cols ? g->n - nt * c->cols : c->cols;
            uint32_t pp_addr = cf->ppe ? cf->pp_base + (region * cf->ng + nt - nt0) * cf->ppe : 0;
            size_t si = loomi_put(e, loom_cmd_store(insn, g->pp, acc,
                                                    g->c_off + m0 * g->ldc + nt * c->cols * (i32 ? 4 : 1),
                                                    rows, pp_addr, cols, g->ldc, 0),
                                  insn);
            loomi_need(e, si, LOOM_QUEUE_STORE, last_mm, LOOM_QUEUE_COMPUTE);
            s->set_store[set] = si;
            if (cf->ppe)
                s->pp_store[region] = si;
            e->st->stores++;
            e->st->wr_bytes += (uint64_t)rows * cols * (i32 ? 4 : 1);
        }
    }
    if (cf->nkp > 1 && kp + 1 == cf->nkp)
        s->iters++;
}

static int loomi_generate(const loom_caps *c, const loom_gemm *g, const loomi_cfg *cf,
                          uint32_t *insns, size_t cap, loom_gemm_stats *st)
{
    loomi_gen s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.g = g;
    s.cf = cf;
    s.e.insns = insns;
    s.e.cap = cap;
    s.e.st = st;
    s.slab[0] = malloc(2 * (size_t)cf->kpt * sizeof(size_t));
    if (!s.slab[0])
        return LOOM_ERR_NO_MEM;
    s.slab[1] = s.slab[0] + cf->kpt;
    for (size_t i = 0; i < 2 * (size_t)cf->kpt; i++)
        s.slab[0][i] = LOOMI_NONE;
    s.abuf_reader[0] = s.abuf_reader[1] = LOOMI_NONE;
    s.set_store[0] = s.set_store[1] = LOOMI_NONE;
    s.pp_store[0] = s.pp_store[1] = LOOMI_NONE;
    for (unsigned i = 0; i < LOOMI_WSLOTS_MAX; i++)
        s.wslot_reader[i] = LOOMI_NONE;

    unsigned b = 0;
    int first = 1;
    for (uint32_t mb = 0; mb < cf->nmb; mb++) {
        for (uint32_t grp = 0; grp < cf->nng; grp++) {
            for (uint32_t kp = 0; kp < cf->nkp; kp++) {
                /* The next visit, and whether it brings a new panel. */
                uint32_t nmb = mb, ngrp = grp, nkp = kp + 1;
                if (nkp == cf->nkp) {
                    nkp = 0;
                    if (++ngrp == cf->nng) {
                        ngrp = 0;
                        nmb++;
                    }
                }
                int pf = nmb < cf->nmb && (cf->nkp > 1 || ngrp == 0);
                loomi_visit(&s, mb, grp, kp, b, first, pf, nmb, nkp);
                first = 0;
                if (pf)
                    b ^= 1u;
            }
        }
    }
    uint32_t insn[4];
    loomi_put(&s.e, loom_cmd_end(insn), insn);
    free(s.slab[0]);
    return s.e.err;
}

static int loomi_check_gemm(const loom_caps *c, const loom_gemm *g)
{
    if (loom_caps_check(c) != LOOM_OK || !g || !g->m || !g->n || !g->k || !loomi_mode_ok(g->mode))
        return LOOM_ERR_INVALID_ARG;
    if (!((c->modes >> g->mode) & 1u) || c->acc_depth > 65536)
        return LOOM_ERR_NOT_SUPPORTED; /* ACC bank 1 must be addressable in 16 bits */
    uint64_t esize = (g->pp & LOOM_PP_I32) ? 4 : 1;
    if (g->pp & ~(LOOM_PP_I32 | LOOM_PP_RELU | LOOM_PP_BIAS))
        return LOOM_ERR_INVALID_ARG;
    if (g->lda < g->k || g->lda > LOOMI_STRIDE_MAX || g->ldc < g->n * esize ||
        g->ldc > LOOMI_STRIDE_MAX)
        return LOOM_ERR_INVALID_ARG;
    if (esize == 4 && ((g->c_off | g->ldc) & 3u))
        return LOOM_ERR_INVALID_ARG;
    const uint64_t lim = 1ull << 32;
    size_t psize = loom_gemm_params_size(c, g->n, g->pp);
    if ((uint64_t)g->a_off + (uint64_t)(g->m - 1) * g->lda + g->k > lim ||
        (uint64_t)g->b_off + loom_gemm_b_size(c, g->mode, g->k, g->n) > lim ||
        (uint64_t)g->c_off + (uint64_t)(g->m - 1) * g->ldc + g->n * esize > lim ||
        (psize && ((g->p_off & 3u) || (uint64_t)g->p_off + psize > lim)))
        return LOOM_ERR_INVALID_ARG;
    /* Tile offsets inside B must fit the LOAD fields too. */
    if (loom_gemm_b_size(c, g->mode, g->k, g->n) > lim)
        return LOOM_ERR_INVALID_ARG;
    return LOOM_OK;
}

int loom_gemm_plan(const loom_caps *caps, const loom_gemm *g, uint32_t *insns, size_t cap,
                   size_t *n_insns, loom_gemm_stats *stats)
{
    int rc = loomi_check_gemm(caps, g);
    if (rc != LOOM_OK)
        return rc;
    if ((!insns && cap) || (!n_insns && insns))
        return LOOM_ERR_INVALID_ARG;
    loomi_cfg cf;
    if (!loomi_choose(caps, g, &cf))
        return LOOM_ERR_NOT_SUPPORTED;
    loom_gemm_stats st;
    memset(&st, 0, sizeof st);
    st.m_block = cf.mb;
    st.m_blocks = cf.nmb;
    st.k_tiles = cf.kt;
    st.k_panel = cf.kpt;
    st.k_panels = cf.nkp;
    st.n_tiles = cf.nt;
    st.n_group = cf.ng;
    st.n_groups = cf.nng;
    st.w_slots = cf.wslots;
    st.est_cycles = cf.est;
    rc = loomi_generate(caps, g, &cf, insns, insns ? cap : 0, &st);
    if (rc != LOOM_OK)
        return rc;
    if (n_insns)
        *n_insns = (size_t)st.insns;
    if (stats)
        *stats = st;
    return LOOM_OK;
}

int loom_gemm_plan_size(const loom_caps *caps, const loom_gemm *g, size_t *n_insns)
{
    if (!n_insns)
        return LOOM_ERR_INVALID_ARG;
    return loom_gemm_plan(caps, g, NULL, 0, n_insns, NULL);
}
