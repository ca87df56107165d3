/* SPDX-License-Identifier: Apache-2.0 */
/* CPU GEMM: every kernel path this CPU supports, forced one by one, on 1 and 2
 * threads, bit-exact against a naive int32 (wrapping) evaluation of the ONNX
 * MatMulInteger formula on the unpacked inputs. Random shapes (M, N, K in 1..300, with
 * a bias to strip and tile edges), edge shapes, extreme values and zero points, int8
 * and uint8 A, int8 and int4 B in both layouts, padded strides, a K large enough to
 * wrap int32, and the API's argument checks.
 * Usage: test_cpu_gemm [--shapes N] [--seed S] */
#include "loom/loom_cpu.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return (uint32_t)(x >> 32);
}

static int rnd_range(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

static int failures;
static long checks;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        checks++;                                                                          \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                    \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
    } while (0)

typedef struct problem {
    int m, n, k;
    int a_type, b_type, layout;
    int32_t a_zp, b_zp;
    size_t lda, ldb, ldc;
    uint8_t *a; /* m x lda bytes, read as int8 or uint8 */
    int8_t *b;  /* K x N (KN, ldb) or N x K (NK, ldb) */
} problem;

static int a_at(const problem *p, int i, int kk)
{
    uint8_t v = p->a[(size_t)i * p->lda + kk];
    return p->a_type == LOOM_CPU_INT8 ? (int)(int8_t)v : (int)v;
}

static int b_at(const problem *p, int kk, int j)
{
    return p->layout == LOOM_CPU_B_KN ? p->b[(size_t)kk * p->ldb + j] : p->b[(size_t)j * p->ldb + kk];
}

/* C[i][j] = sum_k (A - a_zp)(B - b_zp), int32 arithmetic wrapping mod 2^32. */
static void naive(const problem *p, int32_t *c)
{
    for (int i = 0; i < p->m; i++)
        for (int j = 0; j < p->n; j++) {
            uint32_t acc = 0;
            for (int kk = 0; kk < p->k; kk++)
                acc += (uint32_t)(a_at(p, i, kk) - p->a_zp) * (uint32_t)(b_at(p, kk, j) - p->b_zp);
            c[(size_t)i * p->n + j] = (int32_t)acc;
        }
}

/* Value patterns: random, or pinned to the extremes that stress saturation. */
static int gen_a(const problem *p, int mode)
{
    int lo = p->a_type == LOOM_CPU_INT8 ? -128 : 0, hi = p->a_type == LOOM_CPU_INT8 ? 127 : 255;
    switch (mode) {
    case 1: return hi;
    case 2: return lo;
    case 3: return (rnd() & 1) ? hi : lo;
    default: return rnd_range(lo, hi);
    }
}

static int gen_b(const problem *p, int mode)
{
    int lo = p->b_type == LOOM_CPU_INT4 ? -8 : -128, hi = p->b_type == LOOM_CPU_INT4 ? 7 : 127;
    switch (mode) {
    case 1: return lo;
    case 2: return hi;
    case 3: return (rnd() & 1) ? hi : lo;
    default: return rnd_range(lo, hi);
    }
}

static void fill(problem *p, int amode, int bmode)
{
    size_t arows = (size_t)p->m, brows = p->layout == LOOM_CPU_B_KN ? (size_t)p->k : (size_t)p->n;
    p->a = malloc(arows * p->lda);
    p->b = malloc(brows * p->ldb);
    if (!p->a || !p->b) {
        printf("FAIL: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < arows * p->lda; i++)
        p->a[i] = (uint8_t)gen_a(p, amode);
    for (size_t i = 0; i < brows * p->ldb; i++)
        p->b[i] = (int8_t)gen_b(p, bmode);
}

static const int paths[] = {LOOM_CPU_PATH_REF, LOOM_CPU_PATH_AVX2, LOOM_CPU_PATH_AVX_VNNI,
                            LOOM_CPU_PATH_AVX512_VNNI, LOOM_CPU_PATH_AMX_INT8};
#define NPATHS ((int)(sizeof paths / sizeof paths[0]))

/* Run p on every supported path and thread count, compare with the naive result and
 * check that C's row padding is untouched. */
static void run_problem(loom_cpu_ctx *ctx, const problem *p, const char *tag)
{
    int32_t *want = malloc((size_t)p->m * p->n * sizeof *want);
    int32_t *got = malloc((size_t)p->m * p->ldc * sizeof *got);
    if (!want || !got) {
        printf("FAIL: out of memory\n");
        exit(1);
    }
    naive(p, want);
    loom_cpu_packed_b *pb = NULL;
    int rc = loom_cpu_pack_b(&pb, p->b, p->b_type, p->layout, p->k, p->n, p->ldb);
    CHECK(rc == 0 && pb, "%s: pack_b rc %d", tag, rc);
    for (int pi = 0; pb && pi < NPATHS; pi++) {
        if (!loom_cpu_path_supported(paths[pi]))
            continue;
        CHECK(loom_cpu_ctx_set_path(ctx, paths[pi]) == 0, "set_path %d", paths[pi]);
        for (int th = 1; th <= 2; th++) {
            for (size_t i = 0; i < (size_t)p->m * p->ldc; i++)
                got[i] = (int32_t)0x5a5a5a5a;
            rc = loom_cpu_gemm(ctx, p->m, p->a, p->lda, p->a_type, p->a_zp, pb, p->b_zp, got,
                               p->ldc, th);
            CHECK(rc == 0, "%s: gemm rc %d", tag, rc);
            int bad = 0;
            for (int i = 0; i < p->m && !bad; i++)
                for (size_t j = 0; j < p->ldc && !bad; j++) {
                    int32_t g = got[(size_t)i * p->ldc + j];
                    int32_t w = j < (size_t)p->n ? want[(size_t)i * p->n + j] : (int32_t)0x5a5a5a5a;
                    if (g != w) {
                        bad = 1;
                        CHECK(0,
                              "%s path %s threads %d: M=%d N=%d K=%d %s A zp %d, %s B zp %d %s: "
                              "C[%d][%zu] = %" PRId32 ", want %" PRId32,
                              tag, loom_cpu_path_name(paths[pi]), th, p->m, p->n, p->k,
                              p->a_type == LOOM_CPU_INT8 ? "int8" : "uint8", p->a_zp,
                              p->b_type == LOOM_CPU_INT4 ? "int4" : "int8", p->b_zp,
                              p->layout == LOOM_CPU_B_KN ? "KN" : "NK", i, j, g, w);
                    }
                }
            if (!bad)
                checks++;
        }
    }
    loom_cpu_packed_b_destroy(pb);
    free(want);
    free(got);
}

static int rnd_dim(void)
{
    static const int edges[] = {1,  2,  3,  4,  5,  7,  8,   9,   15,  16,  17,  31,  32,  33, 47,
                                48, 49, 63, 64, 65, 95, 96, 97, 127, 128, 129, 255, 256, 257, 300};
    if (rnd() % 4 == 0)
        return edges[rnd() % (sizeof edges / sizeof edges[0])];
    return rnd_range(1, 300);
}

static void random_problem(loom_cpu_ctx *ctx, int idx)
{
    problem p = {0};
    p.m = rnd_dim();
    p.n = rnd_dim();
    p.k = rnd_dim();
    /* Keep the naive reference affordable: a quarter of the shapes small in M. */
    if (idx % 4 == 1)
        p.m = rnd_range(1, 9);
    p.a_type = (rnd() & 1) ? LOOM_CPU_INT8 : LOOM_CPU_UINT8;
    p.b_type = (rnd() & 1) ? LOOM_CPU_INT8 : LOOM_CPU_INT4;
    p.layout = (rnd() % 3 == 0) ? LOOM_CPU_B_NK : LOOM_CPU_B_KN;
    int zp_mode = rnd() % 4; /* 0: zero, 1: random, 2: min, 3: max */
    int alo = p.a_type == LOOM_CPU_INT8 ? -128 : 0, ahi = p.a_type == LOOM_CPU_INT8 ? 127 : 255;
    int blo = p.b_type == LOOM_CPU_INT4 ? -8 : -128, bhi = p.b_type == LOOM_CPU_INT4 ? 7 : 127;
    p.a_zp = zp_mode == 0 ? 0 : zp_mode == 1 ? rnd_range(alo, ahi) : zp_mode == 2 ? alo : ahi;
    zp_mode = rnd() % 5; /* int4 B may still carry any int8 zero point */
    p.b_zp = zp_mode == 0 ? 0 : zp_mode == 1 ? rnd_range(blo, bhi) : zp_mode == 2 ? -128
             : zp_mode == 3 ? 127 : rnd_range(-128, 127);
    p.lda = (size_t)p.k + ((rnd() & 3) == 0 ? rnd() % 9 : 0);
    p.ldb = (size_t)(p.layout == LOOM_CPU_B_KN ? p.n : p.k) + ((rnd() & 3) == 0 ? rnd() % 9 : 0);
    p.ldc = (size_t)p.n + ((rnd() & 3) == 0 ? rnd() % 9 : 0);
    int amode = rnd() % 8 < 6 ? 0 : rnd_range(1, 3);
    int bmode = rnd() % 8 < 6 ? 0 : rnd_range(1, 3);
    fill(&p, amode, bmode);
    char tag[32];
    snprintf(tag, sizeof tag, "random #%d", idx);
    run_problem(ctx, &p, tag);
    free(p.a);
    free(p.b);
}

static void fixed_problem(loom_cpu_ctx *ctx, int m, int n, int k, int a_type, int32_t a_zp,
                          int b_type, int32_t b_zp, int amode, int bmode, const char *tag)
{
    problem p = {.m = m, .n = n, .k = k, .a_type = a_type, .b_type = b_type,
                 .layout = LOOM_CPU_B_KN, .a_zp = a_zp, .b_zp = b_zp,
                 .lda = (size_t)k, .ldb = (size_t)n, .ldc = (size_t)n};
    fill(&p, amode, bmode);
    run_problem(ctx, &p, tag);
    free(p.a);
    free(p.b);
}

static void edge_problems(loom_cpu_ctx *ctx)
{
    const int I8 = LOOM_CPU_INT8, U8 = LOOM_CPU_UINT8, I4 = LOOM_CPU_INT4;
    fixed_problem(ctx, 1, 1, 1, I8, 0, I8, 0, 0, 0, "1x1x1");
    fixed_problem(ctx, 1, 1, 1, I8, -128, I8, 127, 2, 1, "1x1x1 extremes");
    fixed_problem(ctx, 1, 1, 1, U8, 255, I4, -8, 2, 2, "1x1x1 u8 int4");
    fixed_problem(ctx, 37, 53, 1, U8, 12, I8, -3, 0, 0, "K=1");
    fixed_problem(ctx, 37, 1, 211, I8, 5, I4, 2, 0, 0, "N=1");
    fixed_problem(ctx, 1, 300, 300, U8, 128, I4, 0, 0, 0, "GEMV int4");
    fixed_problem(ctx, 1, 513, 300, I8, -7, I8, 9, 0, 0, "GEMV int8");
    fixed_problem(ctx, 3, 97, 290, I8, 0, I8, 0, 3, 3, "int8 extremes");
    fixed_problem(ctx, 9, 49, 299, U8, 0, I8, 0, 1, 1, "uint8 255 x -128 (saturation bait)");
    fixed_problem(ctx, 9, 49, 299, U8, 0, I8, 0, 1, 2, "uint8 255 x 127 (saturation bait)");
    fixed_problem(ctx, 17, 33, 257, U8, 255, I8, 127, 2, 1, "uint8 big zero points");
    fixed_problem(ctx, 17, 33, 257, I8, 127, I4, -128, 2, 2, "int8 big zero points, int4");
    fixed_problem(ctx, 16, 48, 64, I8, -128, I8, -128, 1, 2, "full tile");
    /* (255 - 0) * (-128 - 127) = -65025 per term: int32 wraps after ~33k terms. */
    fixed_problem(ctx, 2, 19, 40000, U8, 0, I8, 127, 1, 1, "K=40000 wraps int32");
    fixed_problem(ctx, 3, 5, 9001, I8, -128, I4, 127, 1, 1, "K=9001 int4 wraps-ish");
    fixed_problem(ctx, 300, 17, 300, U8, 3, I8, -1, 0, 0, "tall: split over M");
    /* AMX tiles: 16-row and 32-row blocks, one or two strips, row tails, K in 64s. */
    fixed_problem(ctx, 16, 16, 64, I8, -3, I8, 5, 0, 0, "AMX one tile");
    fixed_problem(ctx, 47, 40, 192, U8, 200, I4, -2, 0, 0, "AMX row and column tails");
    fixed_problem(ctx, 130, 97, 256, I8, 127, I8, -128, 3, 3, "AMX 130 rows");
    fixed_problem(ctx, 33, 80, 512, I8, 0, I4, 7, 0, 0, "AMX int4 two strips");
    fixed_problem(ctx, 15, 64, 128, U8, 1, I8, 1, 0, 0, "AMX falls back below 16 rows");
}

static void api_checks(loom_cpu_ctx *ctx)
{
    int8_t b[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    uint8_t a[4] = {1, 2, 3, 4};
    int32_t c[2];
    loom_cpu_packed_b *pb = NULL;
    CHECK(loom_cpu_pack_b(NULL, b, LOOM_CPU_INT8, LOOM_CPU_B_KN, 4, 2, 2) == -1, "NULL out");
    CHECK(loom_cpu_pack_b(&pb, NULL, LOOM_CPU_INT8, LOOM_CPU_B_KN, 4, 2, 2) == -1 && !pb, "NULL b");
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_UINT8, LOOM_CPU_B_KN, 4, 2, 2) == -1, "uint8 B");
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT8, 7, 4, 2, 2) == -1, "bad layout");
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT8, LOOM_CPU_B_KN, 0, 2, 2) == -1, "K=0");
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT8, LOOM_CPU_B_KN, 4, 2, 1) == -1, "ldb < N");
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT8, LOOM_CPU_B_NK, 4, 2, 3) == -1, "ldb < K");
    b[3] = 8;
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT4, LOOM_CPU_B_KN, 4, 2, 2) == -1 && !pb, "int4 8");
    b[3] = -4;
    CHECK(loom_cpu_pack_b(&pb, b, LOOM_CPU_INT4, LOOM_CPU_B_KN, 4, 2, 2) == 0 && pb, "int4 ok");
    CHECK(loom_cpu_packed_b_k(pb) == 4 && loom_cpu_packed_b_n(pb) == 2 &&
              loom_cpu_packed_b_type(pb) == LOOM_CPU_INT4, "packed_b getters");
    CHECK(loom_cpu_gemm(NULL, 1, a, 4, LOOM_CPU_UINT8, 0, pb, 0, c, 2, 0) == -1, "NULL ctx");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_UINT8, 256, pb, 0, c, 2, 0) == -1, "u8 zp 256");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_INT8, 128, pb, 0, c, 2, 0) == -1, "i8 zp 128");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_INT8, 0, pb, 128, c, 2, 0) == -1, "b zp 128");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_INT4, 0, pb, 0, c, 2, 0) == -1, "int4 A");
    CHECK(loom_cpu_gemm(ctx, 1, a, 3, LOOM_CPU_UINT8, 0, pb, 0, c, 2, 0) == -1, "lda < K");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_UINT8, 0, pb, 0, c, 1, 0) == -1, "ldc < N");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_UINT8, 0, pb, 0, c, 2, 3) == -1, "threads 3");
    CHECK(loom_cpu_gemm(ctx, 0, NULL, 4, LOOM_CPU_UINT8, 0, pb, 0, NULL, 2, 0) == 0, "M=0");
    CHECK(loom_cpu_gemm(ctx, 1, a, 4, LOOM_CPU_UINT8, 1, pb, -1, c, 2, 0) == 0, "tiny gemm");
    /* B = [[1,-2],[3,-4],[5,-6],[7,-8]] (k x n), A - 1 = [0,1,2,3], B + 1. */
    CHECK(c[0] == 0 * 2 + 1 * 4 + 2 * 6 + 3 * 8 && c[1] == 0 * -1 + 1 * -3 + 2 * -5 + 3 * -7,
          "tiny gemm values %d %d", c[0], c[1]);
    loom_cpu_packed_b_destroy(pb);
    loom_cpu_packed_b_destroy(NULL);
    loom_cpu_ctx_destroy(NULL);
    CHECK(loom_cpu_ctx_set_path(ctx, 99) == -1, "unknown path");
    CHECK(loom_cpu_ctx_set_path(ctx, LOOM_CPU_PATH_AUTO) == 0 &&
              loom_cpu_ctx_path(ctx) != LOOM_CPU_PATH_AUTO, "auto resolves");
    for (int i = 0; i < NPATHS; i++)
        if (!loom_cpu_path_supported(paths[i]))
            CHECK(loom_cpu_ctx_set_path(ctx, paths[i]) == -3, "unsupported path refused");
    loom_cpu_ctx *bad = (loom_cpu_ctx *)&bad;
    CHECK(loom_cpu_ctx_create(&bad, -1) == -1 && bad == NULL, "ctx_create(-1)");
    CHECK(loom_cpu_ctx_create(NULL, 1) == -1, "ctx_create(NULL)");
}

int main(int argc, char **argv)
{
    int nshapes = 520;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--shapes"))
            nshapes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed"))
            rng_state = strtoull(argv[i + 1], NULL, 0) | 1;
    }
    unsigned f = loom_cpu_features();
    printf("CPU features:%s%s%s%s%s; paths:", f & LOOM_CPU_FEAT_AVX2 ? " avx2" : "",
           f & LOOM_CPU_FEAT_AVX_VNNI ? " avx-vnni" : "", f & LOOM_CPU_FEAT_AVX512 ? " avx512" : "",
           f & LOOM_CPU_FEAT_AVX512_VNNI ? " avx512-vnni" : "", f & LOOM_CPU_FEAT_AMX_INT8 ? " amx-int8" : "");
    for (int i = 0; i < NPATHS; i++)
        if (loom_cpu_path_supported(paths[i]))
            printf(" %s", loom_cpu_path_name(paths[i]));
    printf("\n");

    loom_cpu_ctx *ctx = NULL;
    if (loom_cpu_ctx_create(&ctx, 2) != 0 || loom_cpu_ctx_threads(ctx) != 2) {
        printf("FAIL: ctx_create\n");
        return 1;
    }
    api_checks(ctx);
    edge_problems(ctx);
    for (int i = 0; i < nshapes; i++)
        random_problem(ctx, i);
    loom_cpu_ctx_destroy(ctx);
    printf("%s: %d random shapes + edge shapes, %ld checks, %d failures\n",
           failures ? "FAIL" : "PASS", nshapes, checks, failures);
    return failures ? 1 : 0;
}
