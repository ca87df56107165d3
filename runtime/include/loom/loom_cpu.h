/* SPDX-License-Identifier: Apache-2.0 */
/* CPU fallback for int8/int4 matrix multiplication: what Loom runs when no accelerator
 * is present or an op does not fit it.
 *
 * Semantics (ONNX MatMulInteger), for 0 <= m < M, 0 <= n < N:
 *   C[m][n] = sum_{k<K} (A[m][k] - a_zp) * (B[k][n] - b_zp)        (int32, wraps mod 2^32)
 * A is int8 or uint8 (M x K, row stride lda), B is int8 or int4 (K x N), zero points are
 * scalars. Every path returns exactly this value, bit for bit, for every input.
 *
 * Use: pack the weights once with loom_cpu_pack_b(), create one loom_cpu_ctx (it owns
 * the worker threads and the scratch memory), then call loom_cpu_gemm() per product.
 *
 * Error codes (plain negative ints for now, equal to loom_error.h's):
 *   -1  invalid argument (NULL pointer, size or stride out of range, value out of type)
 *   -2  out of memory, or a worker thread could not be created
 *   -3  the requested kernel path is not supported by this CPU or build
 */
#ifndef LOOM_CPU_H
#define LOOM_CPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct loom_cpu_ctx loom_cpu_ctx;           /* threads + scratch */
typedef struct loom_cpu_packed_b loom_cpu_packed_b; /* weights in kernel layout */

/* Element types. */
#define LOOM_CPU_INT8 1  /* int8_t, one per byte */
#define LOOM_CPU_UINT8 2 /* uint8_t, one per byte (A only) */
#define LOOM_CPU_INT4 3  /* int4 in [-8, 7], given one per int8_t byte (B only) */

/* Layout of B as handed to loom_cpu_pack_b(). */
#define LOOM_CPU_B_KN 0 /* row-major K x N: B[k][n] = b[k * ldb + n], ldb >= N */
#define LOOM_CPU_B_NK 1 /* row-major N x K (weights as stored by GGUF/ONNX Gemm transB):
                           B[k][n] = b[n * ldb + k], ldb >= K */

/* Kernel paths. All produce identical results; they differ only in speed. */
#define LOOM_CPU_PATH_AUTO 0        /* best path this CPU supports */
#define LOOM_CPU_PATH_REF 1         /* portable C, any CPU */
#define LOOM_CPU_PATH_AVX2 2        /* x86-64 AVX2 (exact vpmaddubsw emulation of VNNI) */
#define LOOM_CPU_PATH_AVX_VNNI 3    /* x86-64 AVX2 + AVX-VNNI (ymm vpdpbusd) */
#define LOOM_CPU_PATH_AVX512_VNNI 4 /* x86-64 AVX-512 F/BW/VL + VNNI (zmm vpdpbusd) */
#define LOOM_CPU_PATH_AMX_INT8 5    /* x86-64 AMX-INT8 tiles (tdpbusd/tdpbssd), products
                                       with M < 16 or an odd K run on AVX512_VNNI */

/* Bits of loom_cpu_features(). */
#define LOOM_CPU_FEAT_AVX2 (1u << 0)
#define LOOM_CPU_FEAT_AVX_VNNI (1u << 1)
#define LOOM_CPU_FEAT_AVX512 (1u << 2) /* F + BW + VL */
#define LOOM_CPU_FEAT_AVX512_VNNI (1u << 3)
#define LOOM_CPU_FEAT_AMX_INT8 (1u << 4) /* AMX-TILE + AMX-INT8, usable by this process */

/* The instruction-set features of the running CPU that the kernels can use, as
 * LOOM_CPU_FEAT_* bits (0 on non-x86 builds). On Linux, finding AMX asks the kernel
 * for permission to use the tile state (arch_prctl ARCH_REQ_XCOMP_PERM), which lasts
 * for the process. No errors. */
unsigned loom_cpu_features(void);

/* Whether path (LOOM_CPU_PATH_*) can run on this CPU: 1 yes, 0 no. AUTO and REF: 1. */
int loom_cpu_path_supported(int path);

/* Short constant name of a path ("ref", "avx2", "avx-vnni", "avx512-vnni", "amx-int8",
 * "auto"),
 * "?" for an unknown value. The string is static. */
const char *loom_cpu_path_name(int path);

/* Create a context able to run products on up to nthreads threads (the caller's thread
 * plus nthreads - 1 workers it owns; nthreads = 0 means one per online CPU, capped at
 * 64), with 1 MiB of scratch per thread. Workers spin briefly (~0.1 ms) after each
 * product, then sleep; the caller takes parts of the work too, so a worker that is slow
 * to wake only costs parallelism. The context starts on LOOM_CPU_PATH_AUTO. A context runs one product at a time: do not share it between
 * threads calling loom_cpu_gemm() concurrently.
 * On success *out owns the context (free with loom_cpu_ctx_destroy). Errors: -1
 * (out == NULL, nthreads < 0 or > 64), -2. *out is NULL on error. */
int loom_cpu_ctx_create(loom_cpu_ctx **out, int nthreads);

/* Stop the workers and free the context. NULL is a no-op. */
void loom_cpu_ctx_destroy(loom_cpu_ctx *ctx);

/* Force the kernel path for later products on ctx (tests, benchmarks); AUTO picks the
 * best one. Errors: -1 (ctx NULL or unknown path), -3 (path not supported by this CPU);
 * the context keeps its previous path on error. */
int loom_cpu_ctx_set_path(loom_cpu_ctx *ctx, int path);

/* The path products on ctx run with (never AUTO: the resolved choice), or -1 if ctx is
 * NULL. */
int loom_cpu_ctx_path(const loom_cpu_ctx *ctx);

/* Number of threads ctx can use (>= 1), or -1 if ctx is NULL. */
int loom_cpu_ctx_threads(const loom_cpu_ctx *ctx);

/* Pack a K x N weight matrix B for loom_cpu_gemm(): reorders it into the layout of the
 * kernels (16-column strips, 4 consecutive k per 32-bit lane, K padded to 64 when that
 * costs at most 1/8; int4 stores two values per byte, so it takes half the memory) and
 * precomputes its column sums. The layout is the same for every path.
 * b_type: LOOM_CPU_INT8 or LOOM_CPU_INT4 (each value must lie in [-8, 7]).
 * layout: LOOM_CPU_B_KN or LOOM_CPU_B_NK, see above. k, n >= 1.
 * The caller keeps ownership of b (only read here). On success *out owns the packed
 * copy (free with loom_cpu_packed_b_destroy). Errors: -1 (NULL pointer, bad type or
 * layout, size or stride out of range, int4 value out of range), -2. *out is NULL on
 * error. */
int loom_cpu_pack_b(loom_cpu_packed_b **out, const int8_t *b, int b_type, int layout, int k,
                    int n, size_t ldb);

/* Free a packed B. NULL is a no-op. */
void loom_cpu_packed_b_destroy(loom_cpu_packed_b *pb);

/* K, N and type (LOOM_CPU_INT8/INT4) of a packed B; -1 if pb is NULL. */
int loom_cpu_packed_b_k(const loom_cpu_packed_b *pb);
int loom_cpu_packed_b_n(const loom_cpu_packed_b *pb);
int loom_cpu_packed_b_type(const loom_cpu_packed_b *pb);

/* C = (A - a_zp) * (B - b_zp) as defined at the top of this file.
 * a: M x K (K = packed B's K), row stride lda >= K bytes, a_type LOOM_CPU_INT8 with
 * a_zp in [-128, 127] or LOOM_CPU_UINT8 with a_zp in [0, 255]. b_zp in [-128, 127].
 * c: M x N int32, row stride ldc >= N elements; every C[m][n] is overwritten, nothing
 * else in c is touched. m >= 0 (0 does nothing).
 * nthreads: how many of ctx's threads to use, 0 = all; the work is split over N
 * (GEMV) or over M and N, and small products run on one thread whatever is asked.
 * A, B and C are not retained. A and C must not overlap. Nothing is allocated unless
 * K exceeds about 6000 (then the first such product grows the context's scratch); all
 * else is allocated by loom_cpu_ctx_create.
 * Errors: -1 (NULL pointer where data is needed, bad type, zero point or stride,
 * nthreads < 0 or > the context's), -2 (scratch allocation failed). */
int loom_cpu_gemm(loom_cpu_ctx *ctx, int m, const void *a, size_t lda, int a_type,
                  int32_t a_zp, const loom_cpu_packed_b *b, int32_t b_zp, int32_t *c,
                  size_t ldc, int nthreads);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_CPU_H */
