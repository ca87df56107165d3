/* SPDX-License-Identifier: Apache-2.0 */
/* Tests the loom_vsim harness (CSR master, AXI4 memory model, tracing, error
 * injection) against tests/rtl/vsim/axi_stub.sv, a stand-in for loom_top with a
 * DMA copy engine. Usage: tb [DIR] (DIR receives the trace; default: the
 * directory of tb). */
#include "loom/loom_isa.h"
#include "loom_vsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* axi_stub's own registers */
#define STUB_SRC 0x100u
#define STUB_DST 0x104u
#define STUB_LEN 0x108u
#define STUB_WSTRB 0x10Cu
#define STUB_SCRATCH 0x110u
#define STUB_LAST_RESP 0x114u
#define STUB_BREAK 0x118u

static int failures;

#define CHECK(c)                                                                       \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);      \
            failures++;                                                                \
        }                                                                              \
    } while (0)

#define CHECK_RC(sim, expr, want)                                                      \
    do {                                                                               \
        int rc_ = (expr);                                                              \
        if (rc_ != (want)) {                                                           \
            fprintf(stderr, "%s:%d: %s returned %d (%s: %s), want %d\n", __FILE__,       \
                    __LINE__, #expr, rc_, loom_vsim_strerror(rc_),                     \
                    loom_vsim_last_error(sim), want);                                  \
            failures++;                                                                \
        }                                                                              \
    } while (0)

static uint32_t rd(loom_vsim *s, uint32_t off)
{
    uint32_t v = 0xDEADBEEF;
    CHECK_RC(s, loom_vsim_mmio_read(s, off, &v), 0);
    return v;
}

static void wr(loom_vsim *s, uint32_t off, uint32_t v)
{
    CHECK_RC(s, loom_vsim_mmio_write(s, off, v), 0);
}

/* Runs one stub copy of len bytes from physical src to dst; returns the cycles. */
static uint64_t copy(loom_vsim *s, uint64_t src, uint64_t dst, uint32_t len)
{
    uint64_t cycles = 0;
    wr(s, STUB_SRC, (uint32_t)src);
    wr(s, STUB_DST, (uint32_t)dst);
    wr(s, STUB_LEN, len);
    wr(s, LOOM_CSR_CTRL, 1);
    CHECK_RC(s, loom_vsim_run_until_idle(s, 1000000, &cycles), 0);
    return cycles;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (uint8_t)(seed >> 24);
    }
}

static void test_args(void)
{
    loom_vsim *s = (loom_vsim *)1;
    loom_vsim_config c = {0};
    c.mem_bytes = 1000; /* not a multiple of 4096 */
    CHECK(loom_vsim_create(&c, &s) == LOOM_VSIM_ERR_INVAL && s == NULL);
    c.mem_bytes = 1u << 20;
    c.mem_base = 0xFFFF0000u; /* runs past 4 GiB */
    CHECK(loom_vsim_create(&c, &s) == LOOM_VSIM_ERR_INVAL && s == NULL);
    c.mem_base = 0;
    c.mem_outstanding = 65;
    CHECK(loom_vsim_create(&c, &s) == LOOM_VSIM_ERR_INVAL && s == NULL);
    CHECK(loom_vsim_create(NULL, NULL) == LOOM_VSIM_ERR_INVAL);
    loom_vsim_destroy(NULL);
    CHECK(loom_vsim_mmio_read(NULL, 0, NULL) == LOOM_VSIM_ERR_INVAL);
    CHECK(loom_vsim_step(NULL, 1) == LOOM_VSIM_ERR_INVAL);
    CHECK(loom_vsim_mem(NULL, NULL, NULL) == NULL);
    CHECK(loom_vsim_cycles(NULL) == 0 && loom_vsim_irq(NULL) == 0);
    CHECK(strcmp(loom_vsim_last_error(NULL), "") == 0);
    CHECK(strlen(loom_vsim_strerror(LOOM_VSIM_ERR_PROTOCOL)) > 0);
    CHECK(strlen(loom_vsim_strerror(12345)) > 0);
    loom_vsim_config d;
    loom_vsim_config_init(&d);
    CHECK(d.mem_bytes_per_cycle == 16 && d.mem_latency == 64 && d.mem_bytes > 0);
}

static void test_csr(loom_vsim *s)
{
    const loom_vsim_params *p = loom_vsim_build_info();
    CHECK(loom_vsim_cycles(s) == 0);
    CHECK(rd(s, LOOM_CSR_ID) == LOOM_ID_MAGIC);
    uint32_t cap0 = rd(s, LOOM_CSR_CAP0);
    CHECK((cap0 & 0xFF) == p->rows && ((cap0 >> 8) & 0xFF) == p->cols);
    CHECK(((cap0 >> 16) & 0xFF) == p->bus_bytes && (cap0 >> 24) == p->modes);
    CHECK(rd(s, LOOM_CSR_CAP_ACC) == p->acc_depth);
    wr(s, STUB_SCRATCH, 0x12345678u);
    CHECK(rd(s, STUB_SCRATCH) == 0x12345678u);
    uint32_t v;
    CHECK_RC(s, loom_vsim_mmio_read(s, 0x200, &v), LOOM_VSIM_ERR_BUS);
    CHECK(strstr(loom_vsim_last_error(s), "SLVERR") != NULL);
    CHECK_RC(s, loom_vsim_mmio_write(s, 0x204, 1), LOOM_VSIM_ERR_BUS);
    CHECK_RC(s, loom_vsim_mmio_read(s, 0x002, &v), LOOM_VSIM_ERR_INVAL);
    CHECK_RC(s, loom_vsim_mmio_read(s, 0x1000, &v), LOOM_VSIM_ERR_INVAL);
    CHECK(loom_vsim_cycles(s) > 0 && loom_vsim_cycles(s) < 100);
}

static void test_copy(loom_vsim *s)
{
    uint64_t base, size;
    uint8_t *m = loom_vsim_mem(s, &base, &size);
    CHECK(m != NULL && size >= (1u << 20));
    /* 0x1230 bytes from 0xF00 to 0x40100: crosses 4 KiB pages on both sides. */
    const uint64_t src = 0xF00, dst = 0x40100;
    const uint32_t len = 0x1230;
    fill(m + src, len, 1);
    memset(m + dst - 64, 0xA5, len + 128);
    wr(s, LOOM_CSR_IRQ_MASK, 1);
    CHECK(loom_vsim_irq(s) == 0);
    loom_vsim_stats before, after;
    loom_vsim_get_stats(s, &before);
    uint64_t cyc = copy(s, base + src, base + dst, len);
    loom_vsim_get_stats(s, &after);
    CHECK(memcmp(m + src, m + dst, len) == 0);
    int bad = 0;
    for (int i = 0; i < 64; i++)
        bad += m[dst - 64 + i] != 0xA5 || m[dst + len + i] != 0xA5;
    CHECK(bad == 0);
    CHECK(rd(s, LOOM_CSR_STATUS) == 4); /* done, not busy, no error */
    CHECK(rd(s, LOOM_CSR_DONE_COUNT) == 1);
    CHECK(loom_vsim_irq(s) == 1);
    wr(s, LOOM_CSR_IRQ_STATUS, 1);
    CHECK(loom_vsim_irq(s) == 0);
    CHECK(after.rd_bytes - before.rd_bytes == len);
    CHECK(after.wr_bytes - before.wr_bytes == len);
    CHECK(after.rd_beats - before.rd_beats == len / 16);
    CHECK(after.protocol_errors == 0 && after.decerr == 0 && after.slverr == 0);
    /* 0x123 beats in chunks of 64: 5 chunks, each paying read and write latency. */
    CHECK(cyc >= 2 * (len / 16) && cyc >= 5 * 2 * 64);
    printf("copy of %u bytes: %" PRIu64 " cycles\n", len, cyc);

    /* WSTRB: only the lanes in the mask are written. */
    memset(m + dst, 0, 256);
    wr(s, STUB_WSTRB, 0x5A5A);
    copy(s, base + src, base + dst, 256);
    wr(s, STUB_WSTRB, 0xFFFF);
    bad = 0;
    for (int i = 0; i < 256; i++)
        bad += m[dst + i] != ((0x5A5A >> (i % 16)) & 1 ? m[src + i] : 0);
    CHECK(bad == 0);
}

static void test_errors(loom_vsim *s)
{
    uint64_t base, size;
    uint8_t *m = loom_vsim_mem(s, &base, &size);
    loom_vsim_stats st0, st1;

    /* SLVERR on reads inside the injected range */
    loom_vsim_get_stats(s, &st0);
    CHECK_RC(s, loom_vsim_set_mem_error(s, base + 0x2040, base + 0x2041), 0);
    copy(s, base + 0x2000, base + 0x3000, 256);
    CHECK(rd(s, LOOM_CSR_STATUS) & 2);
    CHECK(rd(s, LOOM_CSR_ERR_CODE) == LOOM_HWERR_BUS_ERROR);
    CHECK(rd(s, STUB_LAST_RESP) == 2); /* RRESP SLVERR */
    loom_vsim_get_stats(s, &st1);
    CHECK(st1.slverr - st0.slverr == 1 && st1.decerr == st0.decerr);
    wr(s, LOOM_CSR_CTRL, 2);

    /* SLVERR on writes: the beat in the range is dropped, its neighbours written */
    memset(m + 0x3000, 0x11, 256);
    memset(m + 0x2000, 0x22, 256);
    CHECK_RC(s, loom_vsim_set_mem_error(s, base + 0x3030, base + 0x3031), 0);
    copy(s, base + 0x2000, base + 0x3000, 256);
    CHECK(rd(s, STUB_LAST_RESP) == 8); /* BRESP SLVERR */
    int bad = 0;
    for (int i = 0; i < 256; i++)
        bad += m[0x3000 + i] != ((i >> 4) == 3 ? 0x11 : 0x22);
    if (bad)
        printf("m[0x3000..]: %02x %02x %02x %02x\n", m[0x3000], m[0x3010], m[0x3030], m[0x3040]);
    CHECK(bad == 0);
    wr(s, LOOM_CSR_CTRL, 2);
    CHECK_RC(s, loom_vsim_set_mem_error(s, 1, 0), 0);

    /* DECERR outside the memory */
    loom_vsim_get_stats(s, &st0);
    copy(s, base + size - 64, base + 0x3000, 128); /* the second half is outside */
    CHECK(rd(s, STUB_LAST_RESP) == 3);
    loom_vsim_get_stats(s, &st1);
    CHECK(st1.decerr - st0.decerr == 4);
    wr(s, LOOM_CSR_CTRL, 2);
    CHECK(rd(s, LOOM_CSR_STATUS) == 0);
    CHECK(st1.protocol_errors == 0);
}

/* The checker flags the stub's deliberate faults, and still serves the bursts. */
static void test_protocol(loom_vsim *s)
{
    uint64_t base;
    uint8_t *m = loom_vsim_mem(s, &base, NULL);
    loom_vsim_stats st0, st1;
    uint64_t cyc;
    fill(m + 0x6F80, 512, 9);

    loom_vsim_get_stats(s, &st0);
    wr(s, STUB_BREAK, 1); /* bursts across 4 KiB */
    wr(s, STUB_SRC, (uint32_t)(base + 0x6F80));
    wr(s, STUB_DST, (uint32_t)(base + 0x9000));
    wr(s, STUB_LEN, 512);
    wr(s, LOOM_CSR_CTRL, 1);
    CHECK_RC(s, loom_vsim_run_until_idle(s, 100000, &cyc), LOOM_VSIM_ERR_PROTOCOL);
    CHECK(strstr(loom_vsim_last_error(s), "4 KiB") != NULL);
    CHECK(memcmp(m + 0x6F80, m + 0x9000, 512) == 0);
    loom_vsim_get_stats(s, &st1);
    CHECK(st1.protocol_errors - st0.protocol_errors == 1); /* one read burst crosses */
    CHECK_RC(s, loom_vsim_step(s, 10), 0);                  /* reported once */

    wr(s, STUB_BREAK, 2); /* no WLAST */
    wr(s, STUB_LEN, 256);
    wr(s, LOOM_CSR_CTRL, 1);
    CHECK_RC(s, loom_vsim_run_until_idle(s, 100000, &cyc), LOOM_VSIM_ERR_PROTOCOL);
    CHECK(strstr(loom_vsim_last_error(s), "WLAST") != NULL);
    loom_vsim_get_stats(s, &st0);
    CHECK(st0.protocol_errors - st1.protocol_errors == 1);
    wr(s, STUB_BREAK, 0);
    CHECK(rd(s, LOOM_CSR_STATUS) == 4);
}

static uint64_t timed_copy(uint32_t bpc, uint32_t latency, uint32_t outstanding, uint32_t len)
{
    loom_vsim_config c = {0};
    c.mem_bytes = 1u << 20;
    c.mem_bytes_per_cycle = bpc;
    c.mem_latency = latency;
    c.mem_outstanding = outstanding;
    loom_vsim *s = NULL;
    CHECK_RC(s, loom_vsim_create(&c, &s), 0);
    if (!s)
        return 0;
    uint8_t *m = loom_vsim_mem(s, NULL, NULL);
    fill(m, len, 7);
    uint64_t cyc = copy(s, 0, 0x80000, len);
    CHECK(memcmp(m, m + 0x80000, len) == 0);
    loom_vsim_destroy(s);
    return cyc;
}

static void test_timing(void)
{
    const uint32_t len = 64 * 1024; /* 4096 beats each way, 64 chunks */
    uint64_t base = timed_copy(16, 64, 8, len);
    CHECK(timed_copy(16, 64, 8, len) == base); /* deterministic */
    uint64_t slow_bw = timed_copy(4, 64, 8, len);
    uint64_t fast_bw = timed_copy(64, 64, 8, len);
    uint64_t low_lat = timed_copy(16, 1, 8, len);
    uint64_t high_lat = timed_copy(16, 256, 8, len);
    uint64_t serial = timed_copy(16, 64, 1, len);
    printf("64 KiB copy cycles: 16 B/c lat 64: %" PRIu64 ", 4 B/c: %" PRIu64 ", 64 B/c: %" PRIu64
           ", lat 1: %" PRIu64 ", lat 256: %" PRIu64 ", 1 outstanding: %" PRIu64 "\n",
           base, slow_bw, fast_bw, low_lat, high_lat, serial);
    /* Bandwidth bounds: 8192 beats of 16 B share the bucket. */
    CHECK(slow_bw >= 2 * len / 4 && slow_bw < 2 * len / 4 + 64 * 2 * 64 + 64 * 64);
    CHECK(base >= 2 * len / 16);
    /* At 16 B/cycle reads and writes alternate, so the copy is bandwidth bound
     * plus two latencies per chunk; at 64 B/cycle only one beat per cycle per
     * direction still moves, and this stub never overlaps them. */
    CHECK(base >= 2 * len / 16 + 64 * 2 * 64 && base < 2 * len / 16 + 64 * 2 * 64 + 64 * 40);
    CHECK(fast_bw <= base);
    /* Latency: each chunk waits for one read and one write latency. */
    CHECK(high_lat - base >= 64 * 2 * (256 - 64) - 64 * 8);
    CHECK(low_lat < base);
    /* One burst at a time: each 16-beat read burst waits its own latency. */
    CHECK(serial > base + 64 * 3 * 64);
}

static void test_trace_and_reset(loom_vsim *s, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/stub_trace.fst", dir);
    remove(path);
    CHECK_RC(s, loom_vsim_trace(s, path), 0);
    uint64_t base;
    loom_vsim_mem(s, &base, NULL);
    copy(s, base, base + 0x8000, 512);
    CHECK_RC(s, loom_vsim_trace(s, NULL), 0);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size > 100);
    CHECK_RC(s, loom_vsim_trace(s, "/nonexistent-dir/x.fst"), LOOM_VSIM_ERR_IO);
    /* a second trace on the same handle */
    snprintf(path, sizeof path, "%s/stub_trace2.fst", dir);
    CHECK_RC(s, loom_vsim_trace(s, path), 0);
    CHECK_RC(s, loom_vsim_step(s, 10), 0);
    CHECK_RC(s, loom_vsim_trace(s, NULL), 0);
    CHECK(stat(path, &sb) == 0 && sb.st_size > 100);
    remove(path);

    wr(s, STUB_SCRATCH, 99);
    uint64_t c0 = loom_vsim_cycles(s);
    CHECK_RC(s, loom_vsim_reset(s), 0);
    CHECK(loom_vsim_cycles(s) > c0);
    CHECK(rd(s, STUB_SCRATCH) == 0);
    CHECK(rd(s, LOOM_CSR_DONE_COUNT) == 0);
}

static void test_base(void)
{
    loom_vsim_config c = {0};
    c.mem_base = 0x80000000u;
    c.mem_bytes = 64 * 1024;
    c.mem_latency = 3;
    loom_vsim *s = NULL;
    CHECK_RC(s, loom_vsim_create(&c, &s), 0);
    if (!s)
        return;
    uint64_t base, size;
    uint8_t *m = loom_vsim_mem(s, &base, &size);
    CHECK(base == 0x80000000u && size == 64 * 1024);
    fill(m, 4096, 3);
    copy(s, base, base + 0x8000, 4096);
    CHECK(memcmp(m, m + 0x8000, 4096) == 0);
    CHECK(rd(s, LOOM_CSR_STATUS) == 4);
    copy(s, 0, base, 64); /* physical 0 is not memory here */
    CHECK(rd(s, STUB_LAST_RESP) == 3);
    loom_vsim_destroy(s);
}

static void bench(void)
{
    loom_vsim *s = NULL;
    CHECK_RC(s, loom_vsim_create(NULL, &s), 0);
    if (!s)
        return;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_RC(s, loom_vsim_step(s, 200000), 0);
    uint64_t n = copy(s, 0, 0x100000, 0x40000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("stub: %.0f cycles/s (idle and copying)\n", (double)(200000 + n) / sec);
    loom_vsim_destroy(s);
}

int main(int argc, char **argv)
{
    char dir[1024] = ".";
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
    } else {
        const char *slash = strrchr(argv[0], '/');
        if (slash)
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - argv[0]), argv[0]);
    }
    const loom_vsim_params *p = loom_vsim_build_info();
    printf("build %s: top %s, %ux%u, bus %u B, trace %d\n", p->cfg, p->top, p->rows, p->cols,
           p->bus_bytes, p->trace);

    test_args();
    loom_vsim_config c = {0};
    c.mem_bytes = 1u << 20;
    loom_vsim *s = NULL;
    CHECK_RC(s, loom_vsim_create(&c, &s), 0);
    if (s) {
        test_csr(s);
        test_copy(s);
        test_errors(s);
        test_protocol(s);
        test_trace_and_reset(s, dir);
        loom_vsim_destroy(s);
    }
    test_base();
    test_timing();
    bench();
    if (failures) {
        printf("FAIL: %d checks failed\n", failures);
        return 1;
    }
    printf("PASS\n");
    return 0;
}
