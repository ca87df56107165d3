/* SPDX-License-Identifier: Apache-2.0 */
/* Corruption suite: a valid small GGUF is damaged in many ways; every variant must be
 * rejected with the expected error code and a message, and never crash (the sanitizer
 * build of this test proves the last part). Also: truncation at every byte, and random
 * byte mutations whose accepted results are read back completely. */
#include "check.h"
#include "loomc/gguf.h"

#include <stdlib.h>
#include <string.h>

/* Positions of the fields of the valid file, found by walking it. */
struct layout {
    size_t kv_start[8], kv_type[8], kv_value[8];
    size_t arr_count[8]; /* arrays: count field */
    size_t arr_elem[8];  /* arrays: element-type field */
    size_t arr_str1[8];  /* string arrays: second element's length field */
    size_t n_kv;
    size_t t_start[4], t_ndims[4], t_ne[4], t_type[4], t_offset[4];
    size_t n_t;
    size_t end_infos, data_start;
    size_t t_data[4], t_nbytes[4];
    size_t end_data; /* one past the last tensor byte */
};

static uint64_t ld(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void st(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t fixed(uint32_t t)
{
    static const size_t sz[13] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return sz[t];
}

/* Walk a file known to be valid (written by loomc's writer). */
static void walk(const uint8_t *f, struct layout *L)
{
    size_t p = 24;
    memset(L, 0, sizeof *L);
    L->n_kv = (size_t)ld(f + 16, 8);
    L->n_t = (size_t)ld(f + 8, 8);
    for (size_t i = 0; i < L->n_kv; i++) {
        L->kv_start[i] = p;
        p += 8 + (size_t)ld(f + p, 8);
        L->kv_type[i] = p;
        uint32_t type = (uint32_t)ld(f + p, 4);
        p += 4;
        L->kv_value[i] = p;
        if (type == LOOMC_GGUF_TYPE_STRING) {
            p += 8 + (size_t)ld(f + p, 8);
        } else if (type == LOOMC_GGUF_TYPE_ARRAY) {
            uint32_t et = (uint32_t)ld(f + p, 4);
            L->arr_elem[i] = p;
            L->arr_count[i] = p + 4;
            uint64_t n = ld(f + p + 4, 8);
            p += 12;
            for (uint64_t j = 0; j < n; j++) {
                if (et == LOOMC_GGUF_TYPE_STRING) {
                    if (j == 1)
                        L->arr_str1[i] = p;
                    p += 8 + (size_t)ld(f + p, 8);
                } else {
                    p += fixed(et);
                }
            }
        } else {
            p += fixed(type);
        }
    }
    for (size_t i = 0; i < L->n_t; i++) {
        L->t_start[i] = p;
        p += 8 + (size_t)ld(f + p, 8);
        L->t_ndims[i] = p;
        uint32_t nd = (uint32_t)ld(f + p, 4);
        p += 4;
        L->t_ne[i] = p;
        p += 8 * nd;
        L->t_type[i] = p;
        L->t_offset[i] = p + 4;
        p += 12;
    }
    L->end_infos = p;
}

/* The valid file: alignment 64 (so it carries general.alignment), metadata of several
 * kinds, an F32, a Q8_0 and a Q4_0 tensor. */
static uint8_t *make_valid(size_t *size)
{
    loomc_gguf_writer *w;
    int rc = loomc_gguf_writer_create(64, &w);
    const char *toks[] = {"a", "bb", "ccc"};
    const uint32_t nums[] = {1, 2, 3};
    const uint64_t ne0[2] = {8, 2}, ne1[2] = {32, 2}, ne2[2] = {64, 1};
    float x[64];
    for (int i = 0; i < 64; i++)
        x[i] = (float)(i - 20) * 0.125f;
    if (!rc)
        rc = loomc_gguf_writer_set_str(w, "general.architecture", "llama");
    if (!rc)
        rc = loomc_gguf_writer_set_u32(w, "test.key.a", 7);
    if (!rc)
        rc = loomc_gguf_writer_set_u32(w, "test.key.b", 8);
    if (!rc)
        rc = loomc_gguf_writer_set_arr_str(w, "tokenizer.ggml.tokens", toks, 3);
    if (!rc)
        rc = loomc_gguf_writer_set_arr(w, "test.nums", LOOMC_GGUF_TYPE_UINT32, nums, 3);
    if (!rc)
        rc = loomc_gguf_writer_add_tensor(w, "t.f32", LOOMC_GGML_F32, 2, ne0);
    if (!rc)
        rc = loomc_gguf_writer_add_tensor(w, "t.q80", LOOMC_GGML_Q8_0, 2, ne1);
    if (!rc)
        rc = loomc_gguf_writer_add_tensor(w, "t.q40", LOOMC_GGML_Q4_0, 2, ne2);
    if (!rc)
        rc = loomc_gguf_writer_begin_memory(w);
    if (!rc)
        rc = loomc_gguf_writer_write_f32(w, x, 16);
    if (!rc)
        rc = loomc_gguf_writer_write_f32(w, x, 64);
    if (!rc)
        rc = loomc_gguf_writer_write_f32(w, x, 64);
    if (!rc)
        rc = loomc_gguf_writer_finish(w);
    const void *buf = NULL;
    uint8_t *copy = NULL;
    if (!rc && !loomc_gguf_writer_memory(w, &buf, size)) {
        copy = malloc(*size);
        memcpy(copy, buf, *size);
    }
    if (rc)
        printf("make_valid: %s\n", loomc_gguf_writer_errmsg(w));
    loomc_gguf_writer_destroy(w);
    return copy;
}

/* Read everything an accepted file offers (ASan reports any out-of-bounds access). */
static void read_all(const loomc_gguf *g)
{
    for (uint64_t i = 0; i < loomc_gguf_n_kv(g); i++) {
        const char *k;
        size_t len;
        uint32_t type, et;
        uint64_t n;
        char key[128];
        loomc_gguf_kv_at(g, i, &k, &len, &type);
        if (len >= sizeof key || memchr(k, 0, len))
            continue;
        memcpy(key, k, len);
        key[len] = '\0';
        if (loomc_gguf_get_arr(g, key, &et, &n) == 0) {
            for (uint64_t j = 0; j < n; j++) {
                const char *s;
                int64_t v;
                double d;
                size_t sl;
                if (loomc_gguf_get_arr_str(g, key, j, &s, &sl) == 0 && sl)
                    (void)*(volatile const char *)(s + sl - 1);
                loomc_gguf_get_arr_i64(g, key, j, &v);
                loomc_gguf_get_arr_f64(g, key, j, &d);
            }
        } else {
            const char *s;
            size_t sl;
            uint64_t u;
            float f;
            if (loomc_gguf_get_str(g, key, &s, &sl) == 0 && sl)
                (void)*(volatile const char *)(s + sl - 1);
            loomc_gguf_get_u64(g, key, &u);
            loomc_gguf_get_f32(g, key, &f);
        }
    }
    for (uint64_t i = 0; i < loomc_gguf_n_tensors(g); i++) {
        const loomc_gguf_tensor *t = loomc_gguf_tensor_at(g, i);
        float *y = malloc((size_t)t->n_elements * sizeof *y);
        if (y && loomc_gguf_tensor_to_f32(t, y, (size_t)t->n_elements) == LOOMC_ERR_UNSUPPORTED) {
            volatile uint8_t sum = 0;
            for (size_t b = 0; b < t->nbytes; b++)
                sum += ((const uint8_t *)t->data)[b];
        }
        free(y);
        CHECK(loomc_gguf_find_tensor(g, t->name) != NULL, "accepted tensor not found by name");
    }
}

static int cases_run;

/* Open buf[size]; check the code (want = 1: any error), a message on failure. */
static void expect(const char *what, const uint8_t *buf, size_t size, int want)
{
    loomc_gguf *g;
    int rc = loomc_gguf_open_memory(buf, size, &g);
    cases_run++;
    if (want == 1)
        CHECK(rc < 0, "%s: accepted, want an error", what);
    else
        CHECK(rc == want, "%s: got %d (%s: %s), want %d (%s)", what, rc, loomc_strerror(rc),
              loomc_gguf_errmsg(g), want, loomc_strerror(want));
    if (rc)
        CHECK(loomc_gguf_errmsg(g)[0] != '\0', "%s: no message", what);
    else
        read_all(g);
    loomc_gguf_close(g);
}

struct mutation {
    const char *what;
    size_t pos;
    uint64_t value;
    unsigned bytes;
    int want;
};

int main(void)
{
    size_t size;
    uint8_t *valid = make_valid(&size);
    CHECK(valid != NULL, "valid file");
    if (!valid)
        return check_report("gguf corruption");
    struct layout L;
    walk(valid, &L);
    loomc_gguf *g;
    int rc = loomc_gguf_open_memory(valid, size, &g);
    CHECK(rc == 0, "valid file rejected: %s", loomc_gguf_errmsg(g));
    L.data_start = loomc_gguf_data_offset(g);
    for (size_t i = 0; i < L.n_t; i++) {
        const loomc_gguf_tensor *t = loomc_gguf_tensor_at(g, i);
        L.t_data[i] = L.data_start + (size_t)t->offset;
        L.t_nbytes[i] = t->nbytes;
        L.end_data = L.t_data[i] + t->nbytes;
    }
    loomc_gguf_close(g);
    CHECK(L.n_kv == 6 && L.n_t == 3 && L.data_start % 64 == 0 && L.end_data < size,
          "layout: %zu keys, %zu tensors, data at %zu, end %zu of %zu", L.n_kv, L.n_t, L.data_start,
          L.end_data, size);
    /* kv 0 = general.alignment (added by the writer), 1 architecture, 2 test.key.a,
     * 3 test.key.b, 4 tokens, 5 nums */

    uint8_t *buf = malloc(size + 64);

    /* 1. Truncation at every byte: TRUNCATED until the last tensor is complete; the
     *    trailing padding after it may be cut. */
    int trunc_bad = 0;
    for (size_t p = 0; p <= size; p++) {
        loomc_gguf *t;
        int r = loomc_gguf_open_memory(valid, p, &t);
        int want = p < L.end_data ? LOOMC_ERR_TRUNCATED : LOOMC_OK;
        if (r != want && trunc_bad++ < 5)
            printf("  truncated at %zu: got %d (%s), want %d\n", p, r, loomc_gguf_errmsg(t), want);
        loomc_gguf_close(t);
        cases_run++;
    }
    CHECK(trunc_bad == 0, "%d truncation points misreported", trunc_bad);
    /* ... and named at each section boundary, for the record. */
    const size_t bounds[] = {0,
                             3,
                             4,
                             8,
                             16,
                             24,
                             L.kv_start[1],
                             L.kv_type[1],
                             L.kv_value[1],
                             L.arr_elem[4],
                             L.arr_count[4],
                             L.arr_str1[4],
                             L.kv_start[5],
                             L.t_start[0],
                             L.t_ndims[0],
                             L.t_ne[0],
                             L.t_type[0],
                             L.t_offset[0],
                             L.t_start[2],
                             L.end_infos,
                             L.data_start,
                             L.t_data[1],
                             L.t_data[2],
                             L.t_data[2] + 17,
                             L.end_data - 1};
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "truncated at boundary %zu", bounds[i]);
        expect(what, valid, bounds[i], LOOMC_ERR_TRUNCATED);
    }
    expect("trailing padding cut", valid, L.end_data, LOOMC_OK);
    memcpy(buf, valid, size);
    memset(buf + size, 0xAB, 64);
    expect("trailing garbage", buf, size + 64, LOOMC_OK);

    /* 2. Single-field mutations. */
    const uint64_t HUGE = 1ull << 40;
    const struct mutation m[] = {
        {"bad magic", 0, 0x58554747u /* "GGUX" */, 4, LOOMC_ERR_BAD_MAGIC},
        {"GGML magic", 0, 0x6C6D6767u, 4, LOOMC_ERR_BAD_MAGIC},
        {"version 99", 4, 99, 4, LOOMC_ERR_BAD_VERSION},
        {"version 1", 4, 1, 4, LOOMC_ERR_BAD_VERSION},
        {"version 0", 4, 0, 4, LOOMC_ERR_BAD_VERSION},
        {"big-endian version", 4, 0x03000000u, 4, LOOMC_ERR_BAD_VERSION},
        {"version 2 accepted", 4, 2, 4, LOOMC_OK},
        {"n_tensors huge", 8, HUGE, 8, LOOMC_ERR_TOO_MANY},
        {"n_tensors max", 8, UINT64_MAX, 8, LOOMC_ERR_TOO_MANY},
        {"n_kv huge", 16, HUGE, 8, LOOMC_ERR_TOO_MANY},
        {"n_kv max", 16, UINT64_MAX, 8, LOOMC_ERR_TOO_MANY},
        {"n_kv plausible but too many", 16, 1000, 8, LOOMC_ERR_TRUNCATED},
        {"n_tensors plausible but too many", 8, 100, 8, LOOMC_ERR_TRUNCATED},
        {"n_kv one more", 16, L.n_kv + 1, 8, 1},
        {"n_tensors one more", 8, L.n_t + 1, 8, 1},
        {"key length huge", L.kv_start[1], HUGE, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"key length max", L.kv_start[1], UINT64_MAX, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"key length past end", L.kv_start[1], size, 8, LOOMC_ERR_TRUNCATED},
        {"string value length huge", L.kv_value[1], HUGE, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"array string length huge", L.arr_str1[4], HUGE, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"value type 13", L.kv_type[2], 13, 4, LOOMC_ERR_BAD_KV_TYPE},
        {"value type max", L.kv_type[2], UINT32_MAX, 4, LOOMC_ERR_BAD_KV_TYPE},
        {"nested array", L.arr_elem[5], LOOMC_GGUF_TYPE_ARRAY, 4, LOOMC_ERR_BAD_KV_TYPE},
        {"array element type 50", L.arr_elem[5], 50, 4, LOOMC_ERR_BAD_KV_TYPE},
        {"array count huge", L.arr_count[5], HUGE, 8, LOOMC_ERR_TOO_MANY},
        {"string array count huge", L.arr_count[4], HUGE, 8, LOOMC_ERR_TOO_MANY},
        {"array count past end", L.arr_count[5], 100000, 8, LOOMC_ERR_TRUNCATED},
        {"duplicate key", L.kv_type[3] - 1, 'a', 1, LOOMC_ERR_DUPLICATE_KEY},
        {"alignment 48", L.kv_value[0], 48, 4, LOOMC_ERR_BAD_ALIGNMENT},
        {"alignment 0", L.kv_value[0], 0, 4, LOOMC_ERR_BAD_ALIGNMENT},
        {"alignment as i32", L.kv_type[0], LOOMC_GGUF_TYPE_INT32, 4, LOOMC_ERR_BAD_ALIGNMENT},
        {"alignment 2^31", L.kv_value[0], 1u << 31, 4, LOOMC_ERR_BAD_ALIGNMENT},
        {"tensor name 64 bytes", L.t_start[1], 64, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"tensor name huge", L.t_start[1], HUGE, 8, LOOMC_ERR_STRING_TOO_LONG},
        {"n_dims 5", L.t_ndims[0], 5, 4, LOOMC_ERR_BAD_DIMS},
        {"n_dims 0", L.t_ndims[0], 0, 4, LOOMC_ERR_BAD_DIMS},
        {"n_dims max", L.t_ndims[1], UINT32_MAX, 4, LOOMC_ERR_BAD_DIMS},
        {"ne[0] = 0", L.t_ne[0], 0, 8, LOOMC_ERR_BAD_DIMS},
        {"ne[1] = 0", L.t_ne[2] + 8, 0, 8, LOOMC_ERR_BAD_DIMS},
        {"element count overflows", L.t_ne[0] + 8, 1ull << 62, 8, LOOMC_ERR_OVERFLOW},
        {"ne[1] max", L.t_ne[1] + 8, UINT64_MAX, 8, LOOMC_ERR_OVERFLOW},
        {"element count wraps to 8", L.t_ne[0] + 8, (1ull << 62) + 1, 8, LOOMC_ERR_OVERFLOW},
        {"element count above INT64_MAX", L.t_ne[0] + 8, 1ull << 60, 8, LOOMC_ERR_OVERFLOW},
        /* 8 x 2^59 = 2^62 elements is a valid count, but 2^64 bytes of f32 are not */
        {"byte size overflows", L.t_ne[0] + 8, 1ull << 59, 8, LOOMC_ERR_OVERFLOW},
        {"huge ne, no overflow: data past end", L.t_ne[0] + 8, HUGE, 8, LOOMC_ERR_TRUNCATED},
        {"q8_0 ne[0] not whole blocks", L.t_ne[1], 33, 8, LOOMC_ERR_BAD_DIMS},
        {"tensor type 99", L.t_type[0], 99, 4, LOOMC_ERR_BAD_TENSOR_TYPE},
        {"tensor type 4 (removed Q4_2)", L.t_type[1], 4, 4, LOOMC_ERR_BAD_TENSOR_TYPE},
        {"tensor type max", L.t_type[2], UINT32_MAX, 4, LOOMC_ERR_BAD_TENSOR_TYPE},
        {"f32 tensor retyped q8_0", L.t_type[0], LOOMC_GGML_Q8_0, 4, LOOMC_ERR_BAD_DIMS},
        {"offset past end", L.t_offset[2], 1u << 20, 8, LOOMC_ERR_BAD_OFFSET},
        {"offset max aligned", L.t_offset[1], UINT64_MAX & ~63ull, 8, LOOMC_ERR_BAD_OFFSET},
        {"misaligned offset", L.t_offset[1], 65, 8, LOOMC_ERR_BAD_ALIGNMENT},
        {"overlapping tensors", L.t_offset[1], 0, 8, LOOMC_ERR_OVERLAP},
        {"last tensor grows past the end", L.t_ne[2] + 8, 3, 8, LOOMC_ERR_TRUNCATED},
        {"duplicate tensor name", L.t_start[1] + 8 + 2, 0x323366u /* "f32" */, 3,
         LOOMC_ERR_DUPLICATE_NAME},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        memcpy(buf, valid, size);
        st(buf + m[i].pos, m[i].value, m[i].bytes);
        expect(m[i].what, buf, size, m[i].want);
    }
    expect("empty file", valid, 0, LOOMC_ERR_TRUNCATED);

    /* 3. Random mutations of 1-4 bytes: anything may happen except a crash; accepted
     *    files are read back completely. */
    struct test_rng r = {0xC0FFEEu};
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
        memcpy(buf, valid, size);
        int n = 1 + (int)(test_next(&r) % 4);
        for (int k = 0; k < n; k++) {
            /* Half the mutations hit the header and tensor infos, where parsing happens. */
            size_t span = (test_next(&r) & 1) ? L.end_infos : size;
            buf[test_next(&r) % span] = (uint8_t)test_next(&r);
        }
        loomc_gguf *t;
        if (loomc_gguf_open_memory(buf, size, &t) == 0) {
            accepted++;
            read_all(t);
        }
        loomc_gguf_close(t);
        cases_run++;
    }
    printf("%d cases, %zu named mutations, %d of 20000 random mutations accepted\n", cases_run,
           sizeof m / sizeof m[0], accepted);
    free(buf);
    free(valid);
    return check_report("gguf corruption");
}
