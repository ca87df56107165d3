/* SPDX-License-Identifier: Apache-2.0 */
/* CPU GEMM driver: feature detection and path choice, B packing, A panel packing,
 * blocking, and a small persistent thread pool. Kernels live in loom_cpu_{ref,avx2,
 * avx512}.c; the maths and layouts they share are in loom_cpu_internal.h. */
#include "loom/loom_cpu.h"
#include "loom_cpu_internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef LOOMI_CPU_X86
#include <cpuid.h>
#endif
#if defined(LOOMI_CPU_X86) && defined(__linux__)
#include <sys/syscall.h>
#endif

#define ERR_INVALID (-1)
#define ERR_NOMEM (-2)
#define ERR_UNSUPPORTED (-3)

#define MAX_THREADS 64
#define SCRATCH_BYTES (1024u * 1024u) /* A block (+ B work) per thread: in L2 */
#define MC_MAX 256                     /* rows of A packed at once */
#define MT_MIN_MACS (1L << 20)         /* smaller products run on one thread */
#define SPIN_ITERS 2000                /* pause loops (~0.1 ms) before sleeping */

/* ---- features and paths ------------------------------------------------------- */

#ifdef LOOMI_CPU_X86
/* AMX-TILE + AMX-INT8 in CPUID, tile state enabled in XCR0, and (Linux) permission
 * to use it, which the kernel grants per process on request. */
static int amx_usable(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) /* OSXSAVE */
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(d & (1u << 24)) || !(d & (1u << 25)))
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & (3u << 17)) != (3u << 17))
        return 0;
#ifdef __linux__
    /* ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA; idempotent. */
    return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
#else
    return 0;
#endif
}
#endif

unsigned loom_cpu_features(void)
{
    unsigned f = 0;
#ifdef LOOMI_CPU_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        f |= LOOM_CPU_FEAT_AVX2;
    if ((f & LOOM_CPU_FEAT_AVX2) && __builtin_cpu_supports("avxvnni"))
        f |= LOOM_CPU_FEAT_AVX_VNNI;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        f |= LOOM_CPU_FEAT_AVX512;
    if ((f & LOOM_CPU_FEAT_AVX512) && __builtin_cpu_supports("avx512vnni"))
        f |= LOOM_CPU_FEAT_AVX512_VNNI;
    if ((f & LOOM_CPU_FEAT_AVX512_VNNI) && amx_usable())
        f |= LOOM_CPU_FEAT_AMX_INT8;
#endif
    return f;
}

static const loomi_path_ops *path_ops(int path)
{
    switch (path) {
    case LOOM_CPU_PATH_REF: return &loomi_cpu_ref_ops;
#ifdef LOOMI_CPU_X86
    case LOOM_CPU_PATH_AVX2: return &loomi_cpu_avx2_ops;
    case LOOM_CPU_PATH_AVX_VNNI: return &loomi_cpu_avxvnni_ops;
    case LOOM_CPU_PATH_AVX512_VNNI: return &loomi_cpu_avx512_ops;
    case LOOM_CPU_PATH_AMX_INT8: return &loomi_cpu_amx_ops;
#endif
    default: return NULL;
    }
}

static int best_path(void)
{
    unsigned f = loom_cpu_features();
    if (f & LOOM_CPU_FEAT_AMX_INT8)
        return LOOM_CPU_PATH_AMX_INT8;
    if (f & LOOM_CPU_FEAT_AVX512_VNNI)
        return LOOM_CPU_PATH_AVX512_VNNI;
    if (f & LOOM_CPU_FEAT_AVX_VNNI)
        return LOOM_CPU_PATH_AVX_VNNI;
    if (f & LOOM_CPU_FEAT_AVX2)
        return LOOM_CPU_PATH_AVX2;
    return LOOM_CPU_PATH_REF;
}

int loom_cpu_path_supported(int path)
{
    unsigned f = loom_cpu_features();
    switch (path) {
    case LOOM_CPU_PATH_AUTO:
    case LOOM_CPU_PATH_REF: return 1;
    case LOOM_CPU_PATH_AVX2: return path_ops(path) && (f & LOOM_CPU_FEAT_AVX2);
    case LOOM_CPU_PATH_AVX_VNNI: return path_ops(path) && (f & LOOM_CPU_FEAT_AVX_VNNI);
    case LOOM_CPU_PATH_AVX512_VNNI: return path_ops(path) && (f & LOOM_CPU_FEAT_AVX512_VNNI);
    case LOOM_CPU_PATH_AMX_INT8: return path_ops(path) && (f & LOOM_CPU_FEAT_AMX_INT8);
    default: return 0;
    }
}

const char *loom_cpu_path_name(int path)
{
    if (path == LOOM_CPU_PATH_AUTO)
        return "auto";
    const loomi_path_ops *ops = path_ops(path);
    return ops ? ops->name : "?";
}

/* ---- packed B ------------------------------------------------------------------ */

int loom_cpu_pack_b(loom_cpu_packed_b **out, const int8_t *b, int b_type, int layout, int k,
                    int n, size_t ldb)
{
    if (!out)
        return ERR_INVALID;
    *out = NULL;
    if (!b || (b_type != LOOM_CPU_INT8 && b_type != LOOM_CPU_INT4) ||
        (layout != LOOM_CPU_B_KN && layout != LOOM_CPU_B_NK) || k < 1 || n < 1 ||
        k > INT_MAX - 8 || n > INT_MAX - LOOMI_STRIP ||
        ldb < (size_t)(layout == LOOM_CPU_B_KN ? n : k))
        return ERR_INVALID;
    const int int4 = b_type == LOOM_CPU_INT4;
    const size_t kstride = layout == LOOM_CPU_B_KN ? ldb : 1; /* B[k][n] = b[k*ks + n*ns] */
    const size_t nstride = layout == LOOM_CPU_B_KN ? 1 : ldb;
    if (int4) {
        for (int kk = 0; kk < k; kk++)
            for (int nn = 0; nn < n; nn++) {
                int8_t v = b[(size_t)kk * kstride + (size_t)nn * nstride];
                if (v < -8 || v > 7)
                    return ERR_INVALID;
            }
    }

    loom_cpu_packed_b *pb = calloc(1, sizeof *pb);
    if (!pb)
        return ERR_NOMEM;
    pb->k = k;
    pb->n = n;
    pb->type = b_type;
    pb->kg = (k + 3) / 4;
    if (int4)
        pb->kg += pb->kg & 1;
    int kg16 = (pb->kg + 15) / 16 * 16;
    if ((kg16 - pb->kg) * 8 <= pb->kg)
        pb->kg = kg16;
    pb->nstrips = (n + LOOMI_STRIP - 1) / LOOMI_STRIP;
    pb->sstride = (size_t)pb->kg * (int4 ? 32 : 64);
    size_t bytes = (size_t)pb->nstrips * pb->sstride;
    if (bytes / pb->sstride != (size_t)pb->nstrips ||
        posix_memalign((void **)&pb->data, 64, bytes) != 0) {
        free(pb);
        return ERR_NOMEM;
    }
    pb->colsum = calloc((size_t)pb->nstrips * LOOMI_STRIP, sizeof *pb->colsum);
    if (!pb->colsum) {
        free(pb->data);
        free(pb);
        return ERR_NOMEM;
    }
    memset(pb->data, 0, bytes);

    for (int s = 0; s < pb->nstrips; s++) {
        uint8_t *strip = (uint8_t *)pb->data + (size_t)s * pb->sstride;
        for (int j = 0; j < LOOMI_STRIP; j++) {
            int col = s * LOOMI_STRIP + j;
            if (col >= n)
                break;
            uint32_t sum = 0;
            for (int kk = 0; kk < k; kk++) {
                int v = b[(size_t)kk * kstride + (size_t)col * nstride] + (int4 ? 8 : 0);
                sum += (uint32_t)v;
                int g = kk / 4, i = kk % 4;
                if (!int4)
                    strip[(size_t)g * 64 + 4 * j + i] = (uint8_t)v;
                else
                    strip[(size_t)(g >> 1) * 64 + 4 * j + i] |= (uint8_t)(v << ((g & 1) * 4));
            }
            pb->colsum[col] = (int32_t)sum;
        }
    }
    *out = pb;
    return 0;
}

void loom_cpu_packed_b_destroy(loom_cpu_packed_b *pb)
{
    if (!pb)
        return;
    free(pb->data);
    free(pb->colsum);
    free(pb);
}

int loom_cpu_packed_b_k(const loom_cpu_packed_b *pb) { return pb ? pb->k : -1; }
int loom_cpu_packed_b_n(const loom_cpu_packed_b *pb) { return pb ? pb->n : -1; }
int loom_cpu_packed_b_type(const loom_cpu_packed_b *pb) { return pb ? pb->type : -1; }

/* ---- one product, split in parts -------------------------------------------------- */

typedef struct scratch {
    uint32_t *apack; /* A block: up to cap words */
    size_t cap;      /* words */
    int32_t rowterm[MC_MAX];
} scratch;

typedef struct job {
    const loomi_path_ops *ops;
    const uint8_t *a;
    size_t lda;
    uint32_t a_xor; /* 0x80808080 for int8 A, else 0 */
    int a_signed;
    int32_t a_zp, a_off, zb;
    const loom_cpu_packed_b *b;
    int32_t *c;
    size_t ldc;
    int m;
    int nparts;
    int split_n; /* parts split the strips (else the rows) */
} job;

/* sum_i (p[i] ^ flip) over n bytes, eight at a time in four 16-bit lanes (each lane
 * takes at most 2 * 255 per word, so 128 words fit before it is folded). */
static uint32_t byte_sum(const uint8_t *p, int n, uint8_t flip)
{
    const uint64_t lo = 0x00ff00ff00ff00ffull, fl = flip * 0x0101010101010101ull;
    uint32_t total = 0;
    int i = 0;
    while (n - i >= 8) {
        int end = n - i >= 8 * 128 ? i + 8 * 128 : n - (n - i) % 8;
        uint64_t acc = 0;
        for (; i < end; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            w ^= fl;
            acc += (w & lo) + ((w >> 8) & lo);
        }
        acc = (acc & 0x0000ffff0000ffffull) + ((acc >> 16) & 0x0000ffff0000ffffull);
        total += (uint32_t)(acc + (acc >> 32));
    }
    for (; i < n; i++)
        total += (uint32_t)(p[i] ^ flip);
    return total;
}

/* Pack rows [m0, m0 + rows) of A into panels of ops->mr rows (layouts in
 * loom_cpu_internal.h) and set rowterm[r] = zb * sum_k (A[m0 + r][k] - a_zp). */
static void pack_a(const job *j, const loomi_path_ops *ops, int m0, int rows, uint32_t *dst,
                   int32_t *rowterm)
{
    const int k = j->b->k, kg = j->b->kg, mr = ops->mr;
    const size_t rw = loomi_a_row_words(ops, kg);
    const int kfull = k / 4, ktail = k % 4;
    for (int p0 = 0; p0 < rows; p0 += mr) {
        int pr = rows - p0 < mr ? rows - p0 : mr;
        int mrp = loomi_mr_pad(ops, pr);
        uint32_t *panel = dst + (size_t)p0 * rw;
        for (int r = 0; r < mrp; r++) {
            uint8_t *prow = (uint8_t *)(panel + (size_t)r * rw); /* a_rows layout */
            if (r >= pr) {
                if (ops->a_rows)
                    memset(prow, 0, (size_t)kg * 4);
                else
                    for (int g = 0; g < kg; g++)
                        panel[(size_t)g * mrp + r] = 0;
                continue;
            }
            const uint8_t *row = j->a + (size_t)(m0 + p0 + r) * j->lda;
            /* sum_k A: int8 bytes are summed as A + 128 (top bit flipped). */
            uint32_t (*bsum)(const uint8_t *, int, uint8_t) = ops->byte_sum ? ops->byte_sum : byte_sum;
            uint32_t sum = j->a_signed ? bsum(row, k, 0x80) - 128u * (uint32_t)k : bsum(row, k, 0);
            rowterm[p0 + r] = (int32_t)((uint32_t)j->zb * (sum - (uint32_t)k * (uint32_t)j->a_zp));
            if (ops->a_rows) {
                memcpy(prow, row, (size_t)k);
                memset(prow + k, 0, (size_t)kg * 4 - (size_t)k);
                continue;
            }
            int g = 0;
            for (; g < kfull; g++) {
                uint32_t w;
                memcpy(&w, row + 4 * g, 4);
                panel[(size_t)g * mrp + r] = w ^ j->a_xor;
            }
            if (ktail) {
                uint32_t w = 0;
                for (int i = 0; i < ktail; i++)
                    w |= (uint32_t)(uint8_t)(row[4 * g + i] ^ (j->a_xor & 0xff)) << (8 * i);
                panel[(size_t)g * mrp + r] = w;
                g++;
            }
            for (; g < kg; g++)
                panel[(size_t)g * mrp + r] = 0;
        }
    }
}

/* Rows [m0, m1) x strips [s0, s1). */
static void run_block(const job *j, scratch *sc, int m0, int m1, int s0, int s1)
{
    const loom_cpu_packed_b *b = j->b;
    const loomi_path_ops *ops = j->ops;
    const int mr = ops->mr, nsmax = ops->ns, kg = b->kg;
    const size_t rw = loomi_a_row_words(ops, kg);
    const size_t avail = sc->cap - loomi_bwork_words(ops, kg); /* the rest is bwork */
    int mc = (int)(avail / rw) / mr * mr;
    if (mc > MC_MAX)
        mc = MC_MAX;
    loomi_tile t = {
        .sstride = b->sstride,
        .astride = rw * 4,
        .ldc = j->ldc,
        .kg = kg,
        .int4 = b->type == LOOM_CPU_INT4,
        .a_off = j->a_off,
        .a_signed = j->a_signed,
        .bwork = ops->bwork ? (int8_t *)(sc->apack + avail) : NULL,
    };
    if (ops->begin)
        ops->begin();
    for (int mb = m0; mb < m1; mb += mc) {
        int rows = m1 - mb < mc ? m1 - mb : mc;
        pack_a(j, ops, mb, rows, sc->apack, sc->rowterm);
        for (int s = s0; s < s1; s += nsmax) {
            t.ns = s1 - s < nsmax ? s1 - s : nsmax;
            t.ncols = b->n - s * LOOMI_STRIP;
            if (t.ncols > t.ns * LOOMI_STRIP)
                t.ncols = t.ns * LOOMI_STRIP;
            t.b = b->data + (size_t)s * b->sstride;
            t.colsum = b->colsum + (size_t)s * LOOMI_STRIP;
            for (int p0 = 0; p0 < rows; p0 += mr) {
                t.mr = rows - p0 < mr ? rows - p0 : mr;
                t.mrp = loomi_mr_pad(ops, t.mr);
                t.a = sc->apack + (size_t)p0 * rw;
                t.rowterm = sc->rowterm + p0;
                t.c = j->c + (size_t)(mb + p0) * j->ldc + (size_t)s * LOOMI_STRIP;
                ops->kernel(&t);
            }
        }
    }
    if (ops->end)
        ops->end();
}

/* Part i of nparts: a contiguous range of B panels (split_n) or of A panels. */
static void run_part(const job *j, scratch *sc, int i)
{
    const int mr = j->ops->mr, ns = j->ops->ns, nstrips = j->b->nstrips;
    if (j->split_n) {
        int panels = (nstrips + ns - 1) / ns;
        int s0 = (int)((long)panels * i / j->nparts) * ns;
        int s1 = (int)((long)panels * (i + 1) / j->nparts) * ns;
        if (s1 > nstrips)
            s1 = nstrips;
        if (s0 < s1)
            run_block(j, sc, 0, j->m, s0, s1);
    } else {
        int panels = (j->m + mr - 1) / mr;
        int m0 = (int)((long)panels * i / j->nparts) * mr;
        int m1 = (int)((long)panels * (i + 1) / j->nparts) * mr;
        if (m1 > j->m)
            m1 = j->m;
        if (m0 < m1)
            run_block(j, sc, m0, m1, 0, nstrips);
    }
}

/* ---- context and thread pool ------------------------------------------------------ */

typedef struct worker {
    pthread_t thread;
    loom_cpu_ctx *ctx;
    scratch sc;
} worker;

/* The pool. A product is published as a copy of its job plus one atomic claim word,
 * generation << 32 | nparts << 16 | next part. Every thread, the caller included,
 * claims parts by compare-and-swap until none is left, so a worker that wakes late
 * (the machine is busy) costs nothing: the caller has taken its part. A successful
 * claim (generation current, next < nparts) implies an unfinished part, so the caller
 * is still waiting and the job copy stays valid while the part runs. */
struct loom_cpu_ctx {
    const loomi_path_ops *ops;
    int path;
    int nthreads;
    scratch sc;      /* the caller's */
    worker *workers; /* nthreads - 1 */
    int nstarted;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    _Atomic uint64_t claim;
    atomic_int ndone; /* parts finished in the current product */
    atomic_int stop;
    job cur;
};

static inline void cpu_relax(void)
{
#ifdef LOOMI_CPU_X86
    __builtin_ia32_pause();
#endif
}

static int scratch_reserve(scratch *sc, size_t words)
{
    words = (words + 15) / 16 * 16;
    if (sc->cap >= words)
        return 0;
    uint32_t *p = NULL;
    if (posix_memalign((void **)&p, 64, words * sizeof *p) != 0)
        return ERR_NOMEM;
    free(sc->apack);
    sc->apack = p;
    sc->cap = words;
    return 0;
}

static inline unsigned claim_gen(uint64_t w) { return (unsigned)(w >> 32); }

/* Run parts of product gen until none is left. */
static void claim_parts(loom_cpu_ctx *ctx, unsigned gen, scratch *sc)
{
    uint64_t w = atomic_load_explicit(&ctx->claim, memory_order_acquire);
    for (;;) {
        int nparts = (int)((w >> 16) & 0xffff), next = (int)(w & 0xffff);
        if (claim_gen(w) != gen || next >= nparts)
            return;
        if (!atomic_compare_exchange_weak_explicit(&ctx->claim, &w, w + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        run_part(&ctx->cur, sc, next);
        if (atomic_fetch_add_explicit(&ctx->ndone, 1, memory_order_acq_rel) + 1 == nparts) {
            pthread_mutex_lock(&ctx->mu);
            pthread_cond_signal(&ctx->done);
            pthread_mutex_unlock(&ctx->mu);
        }
        w = atomic_load_explicit(&ctx->claim, memory_order_acquire);
    }
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    loom_cpu_ctx *ctx = wk->ctx;
    unsigned seen = 0;
    for (;;) {
        unsigned g = claim_gen(atomic_load_explicit(&ctx->claim, memory_order_acquire));
        for (int i = 0; g == seen && i < SPIN_ITERS; i++) {
            cpu_relax();
            g = claim_gen(atomic_load_explicit(&ctx->claim, memory_order_acquire));
        }
        if (g == seen) {
            pthread_mutex_lock(&ctx->mu);
            while ((g = claim_gen(atomic_load(&ctx->claim))) == seen && !atomic_load(&ctx->stop))
                pthread_cond_wait(&ctx->go, &ctx->mu);
            pthread_mutex_unlock(&ctx->mu);
        }
        if (atomic_load(&ctx->stop))
            return NULL;
        seen = g;
        claim_parts(ctx, g, &wk->sc);
    }
}

/* Publish j, take parts here too, wait until every part is done. */
static void run_parallel(loom_cpu_ctx *ctx, const job *j)
{
    ctx->cur = *j;
    atomic_store(&ctx->ndone, 0);
    unsigned gen = claim_gen(atomic_load(&ctx->claim)) + 1;
    pthread_mutex_lock(&ctx->mu);
    atomic_store_explicit(&ctx->claim, (uint64_t)gen << 32 | (uint64_t)j->nparts << 16,
                          memory_order_release);
    pthread_cond_broadcast(&ctx->go);
    pthread_mutex_unlock(&ctx->mu);
    claim_parts(ctx, gen, &ctx->sc);
    for (int i = 0; atomic_load(&ctx->ndone) != j->nparts && i < SPIN_ITERS; i++)
        cpu_relax();
    if (atomic_load(&ctx->ndone) != j->nparts) {
        pthread_mutex_lock(&ctx->mu);
        while (atomic_load(&ctx->ndone) != j->nparts)
            pthread_cond_wait(&ctx->done, &ctx->mu);
        pthread_mutex_unlock(&ctx->mu);
    }
}

void loom_cpu_ctx_destroy(loom_cpu_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->nstarted > 0) {
        pthread_mutex_lock(&ctx->mu);
        atomic_store(&ctx->stop, 1);
        pthread_cond_broadcast(&ctx->go);
        pthread_mutex_unlock(&ctx->mu);
        for (int i = 0; i < ctx->nstarted; i++)
            pthread_join(ctx->workers[i].thread, NULL);
    }
    for (int i = 0; ctx->workers && i < ctx->nthreads - 1; i++)
        free(ctx->workers[i].sc.apack);
    free(ctx->workers);
    free(ctx->sc.apack);
    pthread_cond_destroy(&ctx->done);
    pthread_cond_destroy(&ctx->go);
    pthread_mutex_destroy(&ctx->mu);
    free(ctx);
}

int loom_cpu_ctx_create(loom_cpu_ctx **out, int nthreads)
{
    if (!out)
        return ERR_INVALID;
    *out = NULL;
    if (nthreads < 0 || nthreads > MAX_THREADS)
        return ERR_INVALID;
    if (nthreads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
    }
    loom_cpu_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return ERR_NOMEM;
    ctx->path = best_path();
    ctx->ops = path_ops(ctx->path);
    ctx->nthreads = nthreads;
    pthread_mutex_init(&ctx->mu, NULL);
    pthread_cond_init(&ctx->go, NULL);
    pthread_cond_init(&ctx->done, NULL);
    atomic_init(&ctx->claim, 0);
    atomic_init(&ctx->ndone, 0);
    atomic_init(&ctx->stop, 0);
    const size_t words = SCRATCH_BYTES / sizeof(uint32_t);
    if (scratch_reserve(&ctx->sc, words) != 0)
        goto nomem;
    if (nthreads > 1) {
        ctx->workers = calloc((size_t)nthreads - 1, sizeof *ctx->workers);
        if (!ctx->workers)
            goto nomem;
        for (int i = 0; i < nthreads - 1; i++)
            if (scratch_reserve(&ctx->workers[i].sc, words) != 0)
                goto nomem;
        for (int i = 0; i < nthreads - 1; i++) {
            worker *w = &ctx->workers[i];
            w->ctx = ctx;
            if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
                goto nomem;
            ctx->nstarted++;
        }
    }
    *out = ctx;
    return 0;
nomem:
    loom_cpu_ctx_destroy(ctx);
    return ERR_NOMEM;
}

int loom_cpu_ctx_set_path(loom_cpu_ctx *ctx, int path)
{
    if (!ctx || path < LOOM_CPU_PATH_AUTO || path > LOOM_CPU_PATH_AMX_INT8)
        return ERR_INVALID;
    if (!loom_cpu_path_supported(path))
        return ERR_UNSUPPORTED;
    ctx->path = path == LOOM_CPU_PATH_AUTO ? best_path() : path;
    ctx->ops = path_ops(ctx->path);
    return 0;
}

int loom_cpu_ctx_path(const loom_cpu_ctx *ctx) { return ctx ? ctx->path : -1; }
int loom_cpu_ctx_threads(const loom_cpu_ctx *ctx) { return ctx ? ctx->nthreads : -1; }

/* ---- the product ------------------------------------------------------------------ */

int loom_cpu_gemm(loom_cpu_ctx *ctx, int m, const void *a, size_t lda, int a_type,
                  int32_t a_zp, const loom_cpu_packed_b *b, int32_t b_zp, int32_t *c,
                  size_t ldc, int nthreads)
{
    if (!ctx || !b || m < 0 || nthreads < 0 || nthreads > ctx->nthreads)
        return ERR_INVALID;
    if (a_type == LOOM_CPU_INT8) {
        if (a_zp < -128 || a_zp > 127)
            return ERR_INVALID;
    } else if (a_type == LOOM_CPU_UINT8) {
        if (a_zp < 0 || a_zp > 255)
            return ERR_INVALID;
    } else {
        return ERR_INVALID;
    }
    if (b_zp < -128 || b_zp > 127)
        return ERR_INVALID;
    if (m == 0)
        return 0;
    if (!a || !c || lda < (size_t)b->k || ldc < (size_t)b->n)
        return ERR_INVALID;

    const loomi_path_ops *ops = ctx->ops;
    if (ops->small && (m < ops->min_m || b->kg % ops->kg_quantum != 0))
        ops = ops->small;
    const size_t need = loomi_a_row_words(ops, b->kg) * (size_t)ops->mr + /* one A panel */
                        loomi_bwork_words(ops, b->kg);
    int nparts = nthreads == 0 ? ctx->nthreads : nthreads;
    if ((double)m * b->n * b->k < (double)MT_MIN_MACS)
        nparts = 1;
    if (scratch_reserve(&ctx->sc, need) != 0)
        return ERR_NOMEM;
    for (int i = 0; nparts > 1 && i < ctx->nthreads - 1; i++) /* any worker may claim */
        if (scratch_reserve(&ctx->workers[i].sc, need) != 0)
            return ERR_NOMEM;

    job j = {
        .ops = ops,
        .a = a,
        .lda = lda,
        .a_signed = a_type == LOOM_CPU_INT8,
        .a_xor = a_type == LOOM_CPU_INT8 && !ops->a_rows ? 0x80808080u : 0,
        .a_zp = a_zp,
        .a_off = a_zp + (a_type == LOOM_CPU_INT8 && !ops->a_rows ? 128 : 0),
        .zb = b_zp + (b->type == LOOM_CPU_INT4 ? 8 : 0),
        .b = b,
        .c = c,
        .ldc = ldc,
        .m = m,
    };
    /* Prefer splitting N: every part then reads only its own slice of B (the GEMV is
     * bound by reading B) and A is small. Split M when N has too few panels. */
    int npanels = (b->nstrips + ops->ns - 1) / ops->ns;
    int mpanels = (m + ops->mr - 1) / ops->mr;
    j.split_n = npanels >= nparts || npanels >= mpanels;
    int units = j.split_n ? npanels : mpanels;
    j.nparts = nparts < units ? nparts : units;
    if (j.nparts <= 1) {
        j.nparts = 1;
        run_part(&j, &ctx->sc, 0);
    } else {
        run_parallel(ctx, &j);
    }
    return 0;
}
