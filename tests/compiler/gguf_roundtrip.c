/* SPDX-License-Identifier: Apache-2.0 */
/* GGUF writer -> reader round trip, binary16 conversion, and the Q8_0/Q4_0 block layouts
 * and rounding rules checked against hand-computed bytes. */
#include "check.h"
#include "loomc/gguf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static float bits_f32(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void test_f16(void)
{
    /* Every finite binary16 value survives f16 -> f32 -> f16 exactly. */
    int bad = 0;
    for (uint32_t h = 0; h < 0x10000u; h++) {
        if ((h & 0x7C00u) == 0x7C00u && (h & 0x3FFu))
            continue; /* NaN */
        if (loomc_f32_to_f16(loomc_f16_to_f32((uint16_t)h)) != h)
            bad++;
    }
    CHECK(bad == 0, "%d binary16 values do not round-trip", bad);
    const struct {
        float x;
        uint16_t h;
    } cases[] = {
        {1.0f, 0x3C00},
        {-2.0f, 0xC000},
        {65504.0f, 0x7BFF},
        {65520.0f, 0x7C00}, /* halfway to 65536: ties to even -> Inf */
        {65519.0f, 0x7BFF},
        {1e9f, 0x7C00},
        {-1e9f, 0xFC00},
        {0x1p-24f, 0x0001}, /* smallest subnormal */
        {0x1p-25f, 0x0000}, /* halfway to it: ties to even -> 0 */
        {0x1.8p-25f, 0x0001},
        {0x1.8p-24f, 0x0002},                 /* 1.5 ulp: tie -> even 2 */
        {0x1p-14f, 0x0400},                   /* smallest normal */
        {0x1.ffcp-15f, 0x0400},               /* subnormal rounding up into the normal range */
        {1.0f + 0x1p-11f, 0x3C00},            /* tie -> even mantissa */
        {1.0f + 0x3p-11f, 0x3C02},            /* tie -> even mantissa (up) */
        {1.0f + 0x1p-11f + 0x1p-20f, 0x3C01}, /* just above the tie */
        {0.1f, 0x2E66},
        {-0.0f, 0x8000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t h = loomc_f32_to_f16(cases[i].x);
        CHECK(h == cases[i].h, "f16(%a) = %04x, want %04x", (double)cases[i].x, h, cases[i].h);
    }
    CHECK(isnan(loomc_f16_to_f32(loomc_f32_to_f16(bits_f32(0x7FC00001u)))), "NaN lost");
    CHECK(loomc_f16_to_f32(0x0001) == 0x1p-24f, "subnormal decode");
    CHECK(loomc_f16_to_f32(0x7C00) == INFINITY, "Inf decode");
}

/* Q8_0: d = amax/127 = 1 exactly, so the stored q are the values rounded with halves
 * away from zero. */
static void test_q8_0_layout(void)
{
    float x[32];
    uint8_t want[34] = {0x00, 0x3C}; /* f16(1.0) little-endian */
    const float head[] = {127.0f, -127.0f, 2.5f, -2.5f, 0.5f, -0.5f, 1.49f, -1.51f};
    const int8_t qhead[] = {127, -127, 3, -3, 1, -1, 1, -2};
    for (int j = 0; j < 32; j++) {
        x[j] = j < 8 ? head[j] : (float)(j - 16);
        want[2 + j] = (uint8_t)(j < 8 ? qhead[j] : (int8_t)(j - 16));
    }
    uint8_t got[34];
    CHECK(loomc_row_bytes(LOOMC_GGML_Q8_0, 32) == 34, "q8_0 block size");
    CHECK(loomc_quantize(LOOMC_GGML_Q8_0, x, 32, got) == LOOMC_OK, "quantize q8_0");
    for (int i = 0; i < 34; i++)
        CHECK(got[i] == want[i], "q8_0 byte %d = %02x, want %02x", i, got[i], want[i]);
    float back[32];
    CHECK(loomc_dequantize(LOOMC_GGML_Q8_0, got, 32, back) == LOOMC_OK, "dequantize q8_0");
    for (int j = 0; j < 32; j++)
        CHECK(back[j] == (float)(int8_t)want[2 + j], "q8_0 decode %d", j);

    /* d = 0.5 (amax 63.5): f16 0x3800; 1.25/0.5 = 2.5 -> 3; -0.75/0.5 = -1.5 -> -2. */
    float y[32] = {63.5f, 1.25f, -0.75f};
    CHECK(loomc_quantize(LOOMC_GGML_Q8_0, y, 32, got) == LOOMC_OK, "quantize q8_0 (2)");
    CHECK(got[0] == 0x00 && got[1] == 0x38, "q8_0 d bytes %02x %02x", got[0], got[1]);
    CHECK((int8_t)got[2] == 127 && (int8_t)got[3] == 3 && (int8_t)got[4] == -2 && got[5] == 0,
          "q8_0 q %d %d %d %d", (int8_t)got[2], (int8_t)got[3], (int8_t)got[4], got[5]);
}

/* Q4_0: low nibble of qs[j] = element j, high nibble = element j+16. */
static void test_q4_0_layout(void)
{
    /* m = -8 -> d = 1, nibble = min(15, (int)(x + 8.5)): halves go up. */
    float x[32] = {-8.0f, 7.5f, 0.5f, -0.5f, 1.49f, -1.5f, 3.0f};
    int nib[32] = {0, 15, 9, 8, 9, 7, 11};
    for (int j = 7; j < 16; j++)
        nib[j] = 8; /* x = 0 */
    x[16] = 7.0f;   /* 15.5 -> 15 */
    nib[16] = 15;
    x[17] = -7.9f; /* 0.6 -> 0 */
    nib[17] = 0;
    for (int j = 18; j < 32; j++) {
        x[j] = (float)(j - 24); /* -6..7 -> 2..15 */
        nib[j] = j - 16;
    }
    uint8_t want[18] = {0x00, 0x3C};
    for (int j = 0; j < 16; j++)
        want[2 + j] = (uint8_t)(nib[j] | (nib[j + 16] << 4));
    uint8_t got[18];
    CHECK(loomc_row_bytes(LOOMC_GGML_Q4_0, 64) == 36, "q4_0 row bytes");
    CHECK(loomc_quantize(LOOMC_GGML_Q4_0, x, 32, got) == LOOMC_OK, "quantize q4_0");
    for (int i = 0; i < 18; i++)
        CHECK(got[i] == want[i], "q4_0 byte %d = %02x, want %02x", i, got[i], want[i]);
    CHECK(want[2] == 0xF0 && want[3] == 0x0F && want[4] == 0x29, "hand bytes %02x %02x %02x",
          want[2], want[3], want[4]);

    /* Positive extreme m = 4 -> d = -0.5 (f16 0xB800); x = -4 maps to 16 -> clamped 15,
     * which decodes to (15-8)*-0.5 = -3.5: the one-step clamp error. */
    float y[32] = {4.0f, -4.0f, 1.0f, -1.0f};
    CHECK(loomc_quantize(LOOMC_GGML_Q4_0, y, 32, got) == LOOMC_OK, "quantize q4_0 (2)");
    CHECK(got[0] == 0x00 && got[1] == 0xB8, "q4_0 d bytes %02x %02x", got[0], got[1]);
    /* 4/-0.5 = -8 -> 0; -4 -> 15; 1 -> -2 -> 6; -1 -> 2 -> 10; 0 -> 8 */
    CHECK(got[2] == 0x80 && got[3] == 0x8F && got[4] == 0x86 && got[5] == 0x8A,
          "q4_0 nibbles %02x %02x %02x %02x", got[2], got[3], got[4], got[5]);
    float back[32];
    CHECK(loomc_dequantize(LOOMC_GGML_Q4_0, got, 32, back) == LOOMC_OK, "dequantize q4_0");
    CHECK(back[0] == 4.0f && back[1] == -3.5f && back[2] == 1.0f && back[3] == -1.0f &&
              back[4] == 0.0f && back[16] == 0.0f,
          "q4_0 decode %g %g %g %g", (double)back[0], (double)back[1], (double)back[2],
          (double)back[3]);

    /* All-zero block: d = 0/-8 = -0 (f16 0x8000, as ggml), every nibble 8. */
    float z[32] = {0};
    CHECK(loomc_quantize(LOOMC_GGML_Q4_0, z, 32, got) == LOOMC_OK, "q4_0 zeros");
    CHECK(got[0] == 0 && got[1] == 0x80 && got[2] == 0x88 && got[17] == 0x88,
          "q4_0 zero block %02x %02x %02x", got[0], got[1], got[2]);
    z[5] = NAN;
    CHECK(loomc_quantize(LOOMC_GGML_Q4_0, z, 32, got) == LOOMC_ERR_INVALID_ARG, "NaN rejected");
    CHECK(loomc_quantize(LOOMC_GGML_Q8_0, z, 31, got) == LOOMC_ERR_INVALID_ARG, "partial block");
    CHECK(loomc_quantize(LOOMC_GGML_Q4_1, z, 32, got) == LOOMC_ERR_UNSUPPORTED, "q4_1 encode");
    CHECK(loomc_dequantize(LOOMC_GGML_Q4_K, got, 256, back) == LOOMC_ERR_UNSUPPORTED,
          "q4_k decode");
}

/* Dequantised values within the documented bound of each type. */
static void check_error_bound(uint32_t type, const float *x, const float *y, size_t n,
                              const char *what)
{
    const double u16 = 0x1p-11; /* binary16 relative rounding */
    int bad = 0;
    for (size_t b = 0; b < n; b += LOOMC_QK) {
        double amax = 0.0, m = 0.0;
        for (size_t j = b; j < b + LOOMC_QK && j < n; j++)
            if (fabs(x[j]) > amax) {
                amax = fabs(x[j]);
                m = x[j];
            }
        for (size_t j = b; j < b + LOOMC_QK && j < n; j++) {
            double err = fabs((double)x[j] - y[j]), bound;
            if (type == LOOMC_GGML_F32) {
                bound = 0.0;
            } else if (type == LOOMC_GGML_F16) {
                bound = fmax(fabs(x[j]) * u16, 0x1p-25);
            } else if (type == LOOMC_GGML_Q8_0) {
                double d = amax / 127.0;
                bound = d * (0.5 + 127.0 * u16) * (1 + 1e-6);
            } else {
                double d = m / -8.0;
                double clamped = x[j] / d >= 7.5;
                bound = fabs(d) * ((clamped ? 1.0 : 0.5) + 8.0 * u16) * (1 + 1e-6);
            }
            if (err > bound && bad++ < 5)
                printf("  %s[%zu]: %.9g -> %.9g, error %.3g > %.3g\n", what, j, (double)x[j],
                       (double)y[j], err, bound);
        }
    }
    CHECK(bad == 0, "%s: %d values outside the %s error bound", what, bad,
          loomc_ggml_type_name(type));
}

/* Random blocks: the encoder follows the documented rule exactly. */
static void test_quant_rules(void)
{
    struct test_rng r = {0x1234567u};
    enum { N = 32 * 400 };
    static float x[N], y[N];
    static uint8_t q[N * 2];
    for (size_t i = 0; i < N; i++)
        x[i] = (float)(test_normal(&r) * (i % 64 < 32 ? 0.02 : 3.0));
    x[7] = 0.0f;
    int bad = 0;
    CHECK(loomc_quantize(LOOMC_GGML_Q8_0, x, N, q) == LOOMC_OK, "q8_0 random");
    for (size_t b = 0; b < N / 32; b++) {
        const float *xb = x + 32 * b;
        const uint8_t *qb = q + 34 * b;
        float amax = 0.0f;
        for (int j = 0; j < 32; j++)
            amax = fmaxf(amax, fabsf(xb[j]));
        float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        uint16_t dh = loomc_f32_to_f16(d);
        bad += qb[0] != (dh & 0xFF) || qb[1] != (dh >> 8);
        for (int j = 0; j < 32; j++) {
            float v = xb[j] * id;
            /* halves away from zero */
            int want = (int)(v < 0 ? -floorf(-v + 0.5f) : floorf(v + 0.5f));
            bad += (int8_t)qb[2 + j] != want;
        }
    }
    CHECK(bad == 0, "q8_0: %d mismatches with the documented rule", bad);
    CHECK(loomc_dequantize(LOOMC_GGML_Q8_0, q, N, y) == LOOMC_OK, "q8_0 decode");
    check_error_bound(LOOMC_GGML_Q8_0, x, y, N, "q8_0 random");

    bad = 0;
    CHECK(loomc_quantize(LOOMC_GGML_Q4_0, x, N, q) == LOOMC_OK, "q4_0 random");
    for (size_t b = 0; b < N / 32; b++) {
        const float *xb = x + 32 * b;
        const uint8_t *qb = q + 18 * b;
        float amax = 0.0f, m = 0.0f;
        for (int j = 0; j < 32; j++)
            if (fabsf(xb[j]) > amax) {
                amax = fabsf(xb[j]);
                m = xb[j];
            }
        float d = m / -8.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        uint16_t dh = loomc_f32_to_f16(d);
        bad += qb[0] != (dh & 0xFF) || qb[1] != (dh >> 8);
        for (int j = 0; j < 32; j++) {
            int want = (int)floorf(xb[j] * id + 8.5f); /* halves up */
            want = want > 15 ? 15 : want;
            int got = j < 16 ? qb[2 + j] & 0xF : qb[2 + j - 16] >> 4;
            bad += got != want;
        }
    }
    CHECK(bad == 0, "q4_0: %d mismatches with the documented rule", bad);
    CHECK(loomc_dequantize(LOOMC_GGML_Q4_0, q, N, y) == LOOMC_OK, "q4_0 decode");
    check_error_bound(LOOMC_GGML_Q4_0, x, y, N, "q4_0 random");
}

struct tspec {
    const char *name;
    uint32_t type;
    uint32_t n_dims;
    uint64_t ne[4];
};

static const struct tspec tspecs[] = {
    {"a.f32", LOOMC_GGML_F32, 2, {5, 3, 1, 1}},
    {"b.f16", LOOMC_GGML_F16, 3, {7, 2, 2, 1}},
    {"c.q8_0", LOOMC_GGML_Q8_0, 2, {96, 5, 1, 1}},
    {"blk.0.d.q4_0", LOOMC_GGML_Q4_0, 4, {64, 3, 1, 2}},
};
enum { NT = sizeof tspecs / sizeof tspecs[0] };

static uint64_t n_el(const struct tspec *t)
{
    return t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3];
}

static void fill(float *x, uint64_t n, uint64_t seed)
{
    struct test_rng r = {seed * 2654435761u + 1};
    for (uint64_t i = 0; i < n; i++)
        x[i] = (float)test_normal(&r);
}

/* Write metadata of every type and the four tensors; data in two pieces each. */
static int write_model(loomc_gguf_writer *w)
{
    uint8_t u8 = 200;
    int8_t i8 = -5;
    uint16_t u16 = 60000;
    int16_t i16 = -30000;
    uint32_t u32 = 4000000000u;
    int32_t i32 = -2000000000;
    float f32 = 0.25f;
    uint8_t bl = 1;
    uint64_t u64 = 1ull << 40;
    int64_t i64 = -(1ll << 40);
    double f64 = 1.0 / 3.0;
    const void *vals[] = {&u8, &i8,  &u16, &i16, &u32, &i32, &f32,
                          &bl, NULL, NULL, &u64, &i64, &f64};
    char key[32];
    int rc = LOOMC_OK;
    for (uint32_t t = 0; t < LOOMC_GGUF_TYPE_COUNT && !rc; t++) {
        if (!vals[t])
            continue;
        snprintf(key, sizeof key, "test.scalar.%u", t);
        rc = loomc_gguf_writer_set_val(w, key, t, vals[t]);
    }
    const int16_t ai16[] = {-1, 2, -3};
    const double af64[] = {0.5, -1e300};
    const float af32[] = {1.5f, -2.5f, 3.5f, 4.5f};
    const uint8_t abool[] = {0, 1, 7};
    const char *astr[] = {"alpha", "", "gamma with spaces"};
    if (!rc)
        rc = loomc_gguf_writer_set_str(w, "general.name", "round trip");
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.arr.i16", LOOMC_GGUF_TYPE_INT16, ai16, 3);
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.arr.f64", LOOMC_GGUF_TYPE_FLOAT64, af64, 2);
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.arr.f32", LOOMC_GGUF_TYPE_FLOAT32, af32, 4);
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.arr.bool", LOOMC_GGUF_TYPE_BOOL, abool, 3);
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.arr.empty", LOOMC_GGUF_TYPE_UINT32, NULL, 0);
    if (!rc)
        rc = loomc_gguf_writer_set_arr_str(w, "test.arr.str", astr, 3);
    for (int i = 0; i < NT && !rc; i++)
        rc = loomc_gguf_writer_add_tensor(w, tspecs[i].name, tspecs[i].type, tspecs[i].n_dims,
                                          tspecs[i].ne);
    return rc;
}

static int write_data(loomc_gguf_writer *w)
{
    int rc = LOOMC_OK;
    for (int i = 0; i < NT && !rc; i++) {
        uint64_t n = n_el(&tspecs[i]), first = tspecs[i].ne[0];
        float *x = malloc(n * sizeof *x);
        fill(x, n, (uint64_t)i);
        rc = loomc_gguf_writer_write_f32(w, x, first);
        if (!rc)
            rc = loomc_gguf_writer_write_f32(w, x + first, n - first);
        free(x);
    }
    return rc;
}

static void check_model(const loomc_gguf *g, uint32_t alignment)
{
    CHECK(loomc_gguf_version(g) == 3, "version");
    CHECK(loomc_gguf_alignment(g) == alignment, "alignment %u", loomc_gguf_alignment(g));
    CHECK(loomc_gguf_data_offset(g) % alignment == 0, "data offset");
    CHECK(loomc_gguf_n_tensors(g) == NT, "n_tensors");

    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    float f;
    int b;
    const char *s;
    size_t len;
    CHECK(loomc_gguf_get_u32(g, "test.scalar.0", &u32) == 0 && u32 == 200, "u8");
    CHECK(loomc_gguf_get_i32(g, "test.scalar.1", &i32) == 0 && i32 == -5, "i8");
    CHECK(loomc_gguf_get_u64(g, "test.scalar.1", &u64) == LOOMC_ERR_TYPE_MISMATCH, "i8 as u64");
    CHECK(loomc_gguf_get_u32(g, "test.scalar.2", &u32) == 0 && u32 == 60000, "u16");
    CHECK(loomc_gguf_get_i32(g, "test.scalar.3", &i32) == 0 && i32 == -30000, "i16");
    CHECK(loomc_gguf_get_u32(g, "test.scalar.4", &u32) == 0 && u32 == 4000000000u, "u32");
    CHECK(loomc_gguf_get_i32(g, "test.scalar.4", &i32) == LOOMC_ERR_TYPE_MISMATCH, "u32 as i32");
    CHECK(loomc_gguf_get_i32(g, "test.scalar.5", &i32) == 0 && i32 == -2000000000, "i32");
    CHECK(loomc_gguf_get_f32(g, "test.scalar.6", &f) == 0 && f == 0.25f, "f32");
    CHECK(loomc_gguf_get_bool(g, "test.scalar.7", &b) == 0 && b == 1, "bool");
    CHECK(loomc_gguf_get_u64(g, "test.scalar.10", &u64) == 0 && u64 == 1ull << 40, "u64");
    CHECK(loomc_gguf_get_u32(g, "test.scalar.10", &u32) == LOOMC_ERR_TYPE_MISMATCH, "u64 as u32");
    CHECK(loomc_gguf_get_i64(g, "test.scalar.11", &i64) == 0 && i64 == -(1ll << 40), "i64");
    CHECK(loomc_gguf_get_f32(g, "test.scalar.12", &f) == 0 && f == (float)(1.0 / 3.0), "f64");
    CHECK(loomc_gguf_get_f32(g, "test.scalar.4", &f) == LOOMC_ERR_TYPE_MISMATCH, "u32 as f32");
    CHECK(loomc_gguf_get_str(g, "general.name", &s, &len) == 0 && len == 10 &&
              !memcmp(s, "round trip", 10),
          "string");
    CHECK(loomc_gguf_get_str(g, "test.scalar.4", &s, &len) == LOOMC_ERR_TYPE_MISMATCH, "str type");
    CHECK(loomc_gguf_get_u32(g, "no.such.key", &u32) == LOOMC_ERR_NOT_FOUND, "missing key");
    CHECK(loomc_gguf_get_u32(g, "test.scalar", &u32) == LOOMC_ERR_NOT_FOUND, "key prefix");

    uint32_t et;
    uint64_t n;
    double d;
    CHECK(loomc_gguf_get_arr(g, "test.arr.i16", &et, &n) == 0 && et == LOOMC_GGUF_TYPE_INT16 &&
              n == 3,
          "arr i16");
    CHECK(loomc_gguf_get_arr_i64(g, "test.arr.i16", 2, &i64) == 0 && i64 == -3, "arr i16[2]");
    CHECK(loomc_gguf_get_arr_i64(g, "test.arr.i16", 3, &i64) == LOOMC_ERR_INVALID_ARG, "arr oob");
    CHECK(loomc_gguf_get_arr_f64(g, "test.arr.f64", 1, &d) == 0 && d == -1e300, "arr f64");
    CHECK(loomc_gguf_get_arr_f64(g, "test.arr.f32", 3, &d) == 0 && d == 4.5, "arr f32");
    CHECK(loomc_gguf_get_arr_f64(g, "test.arr.i16", 0, &d) == LOOMC_ERR_TYPE_MISMATCH, "arr kind");
    CHECK(loomc_gguf_get_arr_i64(g, "test.arr.bool", 2, &i64) == 0 && i64 == 1, "arr bool");
    CHECK(loomc_gguf_get_arr(g, "test.arr.empty", &et, &n) == 0 && n == 0, "empty arr");
    CHECK(loomc_gguf_get_arr_str(g, "test.arr.str", 2, &s, &len) == 0 && len == 17 &&
              !memcmp(s, "gamma with spaces", 17),
          "arr str[2]");
    CHECK(loomc_gguf_get_arr_str(g, "test.arr.str", 1, &s, &len) == 0 && len == 0, "arr str[1]");
    CHECK(loomc_gguf_get_arr(g, "general.name", &et, &n) == LOOMC_ERR_TYPE_MISMATCH, "not arr");

    /* Iteration in file order: the scalar keys come first. */
    const char *k;
    uint32_t type;
    CHECK(loomc_gguf_kv_at(g, alignment == 32 ? 0 : 1, &k, &len, &type) == 0 && len == 13 &&
              !memcmp(k, "test.scalar.0", 13) && type == LOOMC_GGUF_TYPE_UINT8,
          "kv_at");
    CHECK(loomc_gguf_kv_at(g, loomc_gguf_n_kv(g), &k, &len, &type) == LOOMC_ERR_INVALID_ARG,
          "kv_at oob");

    for (int i = 0; i < NT; i++) {
        const struct tspec *ts = &tspecs[i];
        const loomc_gguf_tensor *t = loomc_gguf_find_tensor(g, ts->name);
        CHECK(t && t == loomc_gguf_tensor_at(g, (uint64_t)i), "find %s", ts->name);
        if (!t)
            continue;
        uint64_t n_elem = n_el(ts);
        CHECK(t->type == ts->type && t->n_dims == ts->n_dims &&
                  !memcmp(t->ne, ts->ne, sizeof t->ne) && t->n_elements == n_elem &&
                  t->nbytes == loomc_row_bytes(ts->type, n_elem),
              "%s header", ts->name);
        CHECK(t->offset % alignment == 0, "%s offset %llu", ts->name,
              (unsigned long long)t->offset);
        float *x = malloc(n_elem * sizeof *x), *y = malloc(n_elem * sizeof *y);
        uint8_t *enc = malloc(t->nbytes);
        fill(x, n_elem, (uint64_t)i);
        CHECK(loomc_quantize(ts->type, x, n_elem, enc) == 0 && !memcmp(enc, t->data, t->nbytes),
              "%s bytes differ from loomc_quantize", ts->name);
        CHECK(loomc_gguf_tensor_to_f32(t, y, n_elem) == 0, "%s to f32", ts->name);
        check_error_bound(ts->type, x, y, n_elem, ts->name);
        CHECK(loomc_gguf_tensor_to_f32(t, y, n_elem - 1) == LOOMC_ERR_INVALID_ARG, "n_out");
        free(x);
        free(y);
        free(enc);
    }
    CHECK(loomc_gguf_find_tensor(g, "a.f3") == NULL && loomc_gguf_find_tensor(g, "") == NULL,
          "absent tensor");
    CHECK(loomc_gguf_tensor_at(g, NT) == NULL, "tensor_at oob");
}

static void test_roundtrip_memory(uint32_t alignment)
{
    loomc_gguf_writer *w;
    CHECK(loomc_gguf_writer_create(alignment, &w) == 0, "create");
    CHECK(write_model(w) == 0, "metadata: %s", loomc_gguf_writer_errmsg(w));
    CHECK(loomc_gguf_writer_begin_memory(w) == 0, "begin: %s", loomc_gguf_writer_errmsg(w));
    CHECK(write_data(w) == 0, "data: %s", loomc_gguf_writer_errmsg(w));
    CHECK(loomc_gguf_writer_finish(w) == 0, "finish: %s", loomc_gguf_writer_errmsg(w));
    const void *buf;
    size_t size;
    CHECK(loomc_gguf_writer_memory(w, &buf, &size) == 0, "memory");
    loomc_gguf *g;
    int rc = loomc_gguf_open_memory(buf, size, &g);
    CHECK(rc == 0, "open (alignment %u): %s", alignment, loomc_gguf_errmsg(g));
    if (!rc)
        check_model(g, alignment);
    if (alignment != 32) {
        uint32_t a;
        CHECK(loomc_gguf_get_u32(g, "general.alignment", &a) == 0 && a == alignment,
              "general.alignment key");
    }
    loomc_gguf_close(g);
    loomc_gguf_writer_destroy(w);
}

static void test_roundtrip_file(void)
{
    char path[] = "/tmp/loomc-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    close(fd);
    loomc_gguf_writer *w;
    CHECK(loomc_gguf_writer_create(0, &w) == 0, "create");
    CHECK(write_model(w) == 0, "metadata");
    CHECK(loomc_gguf_writer_begin_file(w, path) == 0, "begin_file: %s",
          loomc_gguf_writer_errmsg(w));
    CHECK(write_data(w) == 0, "data: %s", loomc_gguf_writer_errmsg(w));
    CHECK(loomc_gguf_writer_finish(w) == 0, "finish: %s", loomc_gguf_writer_errmsg(w));
    const void *buf;
    size_t size;
    CHECK(loomc_gguf_writer_memory(w, &buf, &size) == LOOMC_ERR_STATE, "no memory image");
    loomc_gguf_writer_destroy(w);
    loomc_gguf *g;
    int rc = loomc_gguf_open_file(path, &g);
    CHECK(rc == 0, "open_file: %s", loomc_gguf_errmsg(g));
    if (!rc)
        check_model(g, 32);
    loomc_gguf_close(g);
    unlink(path);
    rc = loomc_gguf_open_file(path, &g);
    CHECK(rc == LOOMC_ERR_IO && strstr(loomc_gguf_errmsg(g), "cannot open"), "missing file: %d",
          rc);
    CHECK(loomc_gguf_n_tensors(g) == 0 && loomc_gguf_find_tensor(g, "a.f32") == NULL,
          "failed handle is empty");
    loomc_gguf_close(g);
}

static void test_writer_errors(void)
{
    loomc_gguf_writer *w;
    const uint64_t ne[2] = {32, 2}, ne0[2] = {0, 2}, ne_odd[1] = {33};
    const float x[64] = {0};
    float nan_row[32] = {NAN};
    CHECK(loomc_gguf_writer_create(3, &w) == LOOMC_ERR_INVALID_ARG && !w, "alignment 3");
    CHECK(loomc_gguf_writer_create(0, &w) == 0, "create");
    CHECK(loomc_gguf_writer_set_u32(w, "k", 1) == 0, "set");
    CHECK(loomc_gguf_writer_set_f32(w, "k", 1.0f) == LOOMC_ERR_DUPLICATE_KEY, "duplicate key");
    CHECK(loomc_gguf_writer_set_val(w, "v", LOOMC_GGUF_TYPE_STRING, "x") == LOOMC_ERR_INVALID_ARG,
          "set_val string");
    CHECK(loomc_gguf_writer_add_tensor(w, "t", LOOMC_GGML_Q8_0, 2, ne) == 0, "add");
    CHECK(loomc_gguf_writer_add_tensor(w, "t", LOOMC_GGML_F32, 2, ne) == LOOMC_ERR_DUPLICATE_NAME,
          "duplicate tensor");
    CHECK(loomc_gguf_writer_add_tensor(w, "z", LOOMC_GGML_F32, 2, ne0) == LOOMC_ERR_BAD_DIMS,
          "zero dim");
    CHECK(loomc_gguf_writer_add_tensor(w, "o", LOOMC_GGML_Q4_0, 1, ne_odd) == LOOMC_ERR_BAD_DIMS,
          "partial block");
    CHECK(loomc_gguf_writer_add_tensor(w, "u", 99, 2, ne) == LOOMC_ERR_BAD_TENSOR_TYPE, "type 99");
    CHECK(loomc_gguf_writer_add_tensor(w, "d", LOOMC_GGML_F32, 5, ne) == LOOMC_ERR_BAD_DIMS,
          "n_dims 5");
    CHECK(loomc_gguf_writer_add_tensor(
              w, "0123456789012345678901234567890123456789012345678901234567890123", LOOMC_GGML_F32,
              2, ne) == LOOMC_ERR_STRING_TOO_LONG,
          "64-byte name");
    CHECK(loomc_gguf_writer_add_tensor(w, "k", LOOMC_GGML_F16, 1, ne) == 0, "add 2");
    CHECK(loomc_gguf_writer_write_f32(w, x, 32) == LOOMC_ERR_STATE, "write before begin");
    CHECK(loomc_gguf_writer_begin_memory(w) == 0, "begin");
    CHECK(loomc_gguf_writer_begin_memory(w) == LOOMC_ERR_STATE, "begin twice");
    CHECK(loomc_gguf_writer_set_u32(w, "late", 1) == LOOMC_ERR_STATE, "set after begin");
    CHECK(loomc_gguf_writer_write_f32(w, x, 16) == LOOMC_ERR_INVALID_ARG, "half block");
    CHECK(loomc_gguf_writer_write_f32(w, nan_row, 32) == LOOMC_ERR_INVALID_ARG, "NaN");
    CHECK(loomc_gguf_writer_write_f32(w, x, 96) == LOOMC_ERR_INVALID_ARG, "past tensor end");
    CHECK(loomc_gguf_writer_write_f32(w, x, 64) == 0, "tensor t");
    CHECK(loomc_gguf_writer_finish(w) == LOOMC_ERR_STATE, "finish with data missing");
    CHECK(loomc_gguf_writer_write_f32(w, x, 32) == 0, "tensor k");
    CHECK(loomc_gguf_writer_write_raw(w, x, 1) == LOOMC_ERR_STATE, "write past the end");
    CHECK(loomc_gguf_writer_finish(w) == 0, "finish: %s", loomc_gguf_writer_errmsg(w));
    loomc_gguf_writer_destroy(w);
    loomc_gguf_writer_destroy(NULL);
    loomc_gguf_close(NULL);
}

int main(void)
{
    test_f16();
    test_q8_0_layout();
    test_q4_0_layout();
    test_quant_rules();
    test_roundtrip_memory(32);
    test_roundtrip_memory(64);
    test_roundtrip_memory(1);
    test_roundtrip_file();
    test_writer_errors();
    return check_report("gguf round trip");
}
