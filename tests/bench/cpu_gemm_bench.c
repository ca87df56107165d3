/* SPDX-License-Identifier: Apache-2.0 */
/* CPU GEMM benchmark: Loom's CPU fallback (W8A8 and W4A8) next to oneDNN u8s8->s32
 * (matmul primitive with pre-packed weights, and the dnnl_gemm_u8s8s32 BLAS-like call)
 * and OpenBLAS sgemm when built with it, all on the same thread count (1 by default)
 * in the same run. GOPS = 2*M*N*K / median time of repeated calls, weights already
 * packed (as at inference time); ratios are against the faster oneDNN entry.
 * The Loom results are checked against oneDNN's (same u8 A, zero point, int8 B).
 * Usage: cpu_gemm_bench [--threads N] [--path ref|avx2|avx-vnni|avx512-vnni] [--quick] */
#include "loom/loom_cpu.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int n);
#endif
void omp_set_num_threads(int n); /* libgomp, which libdnnl uses */

typedef void (*bench_fn)(void *arg);

/* One thread: CPU time of this thread, which every candidate runs on, so time slices
 * lost to other processes on a shared machine do not count. More threads: wall time. */
static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static double now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double budget = 0.6; /* seconds per shape, all candidates together */

/* Median seconds per call of each candidate. The candidates take turns in bursts (one
 * untimed call to warm the caches with its own operands, then timed calls for ~10 ms),
 * so load from other processes on a shared machine hits them alike. */
enum { MAXREP = 4000, MAXCAND = 8 };
static void median_times(int n, bench_fn fn[], void *arg[], double out[])
{
    static double t[MAXCAND][MAXREP];
    int burst[MAXCAND], cnt[MAXCAND] = {0};
    double one = 0;
    for (int c = 0; c < n; c++) {
        fn[c](arg[c]);
        double t0 = now();
        fn[c](arg[c]);
        double dt = now() - t0;
        one += dt;
        burst[c] = dt > 0 ? (int)(0.01 / dt) : 100;
        burst[c] = burst[c] < 1 ? 1 : burst[c] > 200 ? 200 : burst[c];
    }
    int rounds = (int)(budget / (one + 0.01 * n)) + 1;
    rounds = rounds < 5 ? 5 : rounds;
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < n; c++) {
            fn[c](arg[c]);
            for (int i = 0; i < burst[c] && cnt[c] < MAXREP; i++) {
                double s = now();
                fn[c](arg[c]);
                t[c][cnt[c]++] = now() - s;
            }
        }
    for (int c = 0; c < n; c++) {
        qsort(t[c], (size_t)cnt[c], sizeof t[c][0], cmp_double);
        out[c] = t[c][cnt[c] / 2];
    }
}

typedef struct shape {
    int m, n, k;
    const char *what;
} shape;

typedef struct loom_run {
    loom_cpu_ctx *ctx;
    const loom_cpu_packed_b *pb;
    const uint8_t *a;
    int m, k, n, threads;
    int32_t *c;
} loom_run;

static void run_loom(void *arg)
{
    loom_run *r = arg;
    if (loom_cpu_gemm(r->ctx, r->m, r->a, (size_t)r->k, LOOM_CPU_UINT8, 128, r->pb, 0, r->c,
                      (size_t)r->n, r->threads) != 0) {
        fprintf(stderr, "loom_cpu_gemm failed\n");
        exit(1);
    }
}

typedef struct dnnl_run {
    dnnl_primitive_t prim;
    dnnl_stream_t stream;
    dnnl_exec_arg_t args[3];
} dnnl_run;

static void run_dnnl_matmul(void *arg)
{
    dnnl_run *r = arg;
    dnnl_primitive_execute(r->prim, r->stream, 3, r->args);
    dnnl_stream_wait(r->stream);
}

typedef struct gemm_run {
    int m, n, k;
    const uint8_t *a;
    const int8_t *b;
    int32_t *c;
} gemm_run;

static void run_dnnl_gemm(void *arg)
{
    gemm_run *r = arg;
    int32_t co = 0;
    dnnl_gemm_u8s8s32('N', 'N', 'F', r->m, r->n, r->k, 1.0f, r->a, r->k, 128, r->b, r->n, 0,
                      0.0f, r->c, r->n, &co);
}

#ifdef HAVE_OPENBLAS
typedef struct sgemm_run {
    int m, n, k;
    const float *a, *b;
    float *c;
} sgemm_run;

static void run_sgemm(void *arg)
{
    sgemm_run *r = arg;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, r->m, r->n, r->k, 1.0f, r->a, r->k,
                r->b, r->n, 0.0f, r->c, r->n);
}
#endif

#define DNNL_OK(call)                                                                      \
    do {                                                                                   \
        if ((call) != dnnl_success) {                                                      \
            fprintf(stderr, "oneDNN call failed: %s\n", #call);                            \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

static dnnl_memory_t mem(const dnnl_memory_desc_t *md, dnnl_engine_t eng, void *handle)
{
    dnnl_memory_t mm;
    DNNL_OK(dnnl_memory_create(&mm, md, eng, handle ? handle : DNNL_MEMORY_ALLOCATE));
    return mm;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    int threads = 1, path = LOOM_CPU_PATH_AUTO;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick"))
            budget = 0.15;
        else if (!strcmp(argv[i], "--path") && i + 1 < argc) {
            const char *p = argv[++i];
            for (int q = LOOM_CPU_PATH_REF; q <= LOOM_CPU_PATH_AVX512_VNNI; q++)
                if (!strcmp(p, loom_cpu_path_name(q)))
                    path = q;
        }
    }
    if (threads != 1)
        clock_id = CLOCK_MONOTONIC;
    omp_set_num_threads(threads);
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(threads);
#endif
    const shape shapes[] = {
        {64, 768, 768, "prefill"},   {128, 2048, 2048, "prefill"}, {128, 3072, 768, "prefill"},
        {1, 4096, 4096, "GEMV"},     {1, 768, 768, "GEMV"},
    };
    loom_cpu_ctx *ctx;
    if (loom_cpu_ctx_create(&ctx, threads) != 0 || loom_cpu_ctx_set_path(ctx, path) != 0) {
        fprintf(stderr, "loom_cpu_ctx_create/set_path failed\n");
        return 1;
    }
    dnnl_engine_t eng;
    dnnl_stream_t stream;
    DNNL_OK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    DNNL_OK(dnnl_stream_create(&stream, eng, dnnl_stream_default_flags));

    printf("CPU GEMM, %d thread(s), Loom path %s; GOPS = 2MNK/t, t = median %s time per call;\n"
           "ratio = Loom / best oneDNN entry\n",
           threads, loom_cpu_path_name(loom_cpu_ctx_path(ctx)), threads == 1 ? "thread CPU" : "wall");
    printf("%-16s %-8s %9s %9s %9s %9s %9s %8s %8s\n", "MxNxK", "", "loom-w8", "loom-w4",
           "dnnl-mm", "dnnl-gemm", "sgemm", "w8/dnnl", "w4/dnnl");
    int bad = 0;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const int m = shapes[si].m, n = shapes[si].n, k = shapes[si].k;
        uint8_t *a = xmalloc((size_t)m * k);
        int8_t *b8 = xmalloc((size_t)k * n), *b4 = xmalloc((size_t)k * n);
        int32_t *c = xmalloc((size_t)m * n * sizeof *c), *cref = xmalloc((size_t)m * n * sizeof *c);
        srand(1234 + (unsigned)si);
        for (size_t i = 0; i < (size_t)m * k; i++)
            a[i] = (uint8_t)rand();
        for (size_t i = 0; i < (size_t)k * n; i++) {
            b8[i] = (int8_t)rand();
            b4[i] = (int8_t)(rand() % 16 - 8);
        }
        const double ops = 2.0 * m * n * k;

        /* oneDNN matmul, weights reordered once into the layout it picks. */
        dnnl_memory_desc_t src_md, w_md, w_any, dst_md;
        dnnl_dims_t sd = {m, k}, wd = {k, n}, dd = {m, n};
        DNNL_OK(dnnl_memory_desc_init_by_tag(&src_md, 2, sd, dnnl_u8, dnnl_ab));
        DNNL_OK(dnnl_memory_desc_init_by_tag(&w_md, 2, wd, dnnl_s8, dnnl_ab));
        DNNL_OK(dnnl_memory_desc_init_by_tag(&w_any, 2, wd, dnnl_s8, dnnl_format_tag_any));
        DNNL_OK(dnnl_memory_desc_init_by_tag(&dst_md, 2, dd, dnnl_s32, dnnl_ab));
        dnnl_matmul_desc_t mmd;
        DNNL_OK(dnnl_matmul_desc_init(&mmd, &src_md, &w_any, NULL, &dst_md));
        dnnl_primitive_desc_t pd, rpd;
        DNNL_OK(dnnl_primitive_desc_create(&pd, &mmd, NULL, eng, NULL));
        const dnnl_memory_desc_t *w_pk = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        dnnl_memory_t m_src = mem(&src_md, eng, a), m_w = mem(&w_md, eng, b8),
                      m_wpk = mem(w_pk, eng, NULL), m_dst = mem(&dst_md, eng, cref);
        DNNL_OK(dnnl_reorder_primitive_desc_create(&rpd, &w_md, eng, w_pk, eng, NULL));
        dnnl_primitive_t reorder, prim;
        DNNL_OK(dnnl_primitive_create(&reorder, rpd));
        dnnl_exec_arg_t rargs[2] = {{DNNL_ARG_FROM, m_w}, {DNNL_ARG_TO, m_wpk}};
        DNNL_OK(dnnl_primitive_execute(reorder, stream, 2, rargs));
        DNNL_OK(dnnl_stream_wait(stream));
        DNNL_OK(dnnl_primitive_create(&prim, pd));
        dnnl_run dr = {prim, stream, {{DNNL_ARG_SRC, m_src}, {DNNL_ARG_WEIGHTS, m_wpk}, {DNNL_ARG_DST, m_dst}}};
        gemm_run gr = {m, n, k, a, b8, cref};

        /* Loom W8A8 with A zero point 128 (as the oneDNN gemm above): compare results. */
        loom_cpu_packed_b *pb8, *pb4;
        if (loom_cpu_pack_b(&pb8, b8, LOOM_CPU_INT8, LOOM_CPU_B_KN, k, n, (size_t)n) != 0 ||
            loom_cpu_pack_b(&pb4, b4, LOOM_CPU_INT4, LOOM_CPU_B_KN, k, n, (size_t)n) != 0) {
            fprintf(stderr, "loom_cpu_pack_b failed\n");
            return 1;
        }
        loom_run lr8 = {ctx, pb8, a, m, k, n, threads, c}, lr4 = lr8;
        lr4.pb = pb4;
        run_loom(&lr8);
        run_dnnl_gemm(&gr);
        if (memcmp(c, cref, (size_t)m * n * sizeof *c) != 0) {
            printf("MISMATCH: Loom W8A8 differs from oneDNN gemm_u8s8s32 on %dx%dx%d\n", m, n, k);
            bad = 1;
        }
        bench_fn fns[MAXCAND] = {run_loom, run_loom, run_dnnl_matmul, run_dnnl_gemm};
        void *args[MAXCAND] = {&lr8, &lr4, &dr, &gr};
        int ncand = 4;
#ifdef HAVE_OPENBLAS
        float *fa = xmalloc((size_t)m * k * sizeof *fa), *fb = xmalloc((size_t)k * n * sizeof *fb);
        float *fc = xmalloc((size_t)m * n * sizeof *fc);
        for (size_t i = 0; i < (size_t)m * k; i++)
            fa[i] = (float)a[i] - 128.0f;
        for (size_t i = 0; i < (size_t)k * n; i++)
            fb[i] = (float)b8[i];
        sgemm_run sr = {m, n, k, fa, fb, fc};
        fns[ncand] = run_sgemm;
        args[ncand++] = &sr;
#endif
        double tm[MAXCAND];
        median_times(ncand, fns, args, tm);
        double t_w8 = tm[0], t_w4 = tm[1], t_mm = tm[2], t_gemm = tm[3];
        double t_sg = ncand > 4 ? tm[4] : 0;
#ifdef HAVE_OPENBLAS
        free(fa);
        free(fb);
        free(fc);
#endif
        double best = t_mm < t_gemm ? t_mm : t_gemm;
        char dims[32];
        snprintf(dims, sizeof dims, "%dx%dx%d", m, n, k);
        printf("%-16s %-8s %9.1f %9.1f %9.1f %9.1f ", dims, shapes[si].what, ops / t_w8 * 1e-9,
               ops / t_w4 * 1e-9, ops / t_mm * 1e-9, ops / t_gemm * 1e-9);
        if (t_sg > 0)
            printf("%9.1f ", ops / t_sg * 1e-9);
        else
            printf("%9s ", "n/a");
        printf("%7.2fx %7.2fx\n", best / t_w8, best / t_w4);

        loom_cpu_packed_b_destroy(pb8);
        loom_cpu_packed_b_destroy(pb4);
        dnnl_primitive_destroy(prim);
        dnnl_primitive_destroy(reorder);
        dnnl_primitive_desc_destroy(pd);
        dnnl_primitive_desc_destroy(rpd);
        dnnl_memory_destroy(m_src);
        dnnl_memory_destroy(m_w);
        dnnl_memory_destroy(m_wpk);
        dnnl_memory_destroy(m_dst);
        free(a);
        free(b8);
        free(b4);
        free(c);
        free(cref);
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(eng);
    loom_cpu_ctx_destroy(ctx);
    return bad;
}
