/* SPDX-License-Identifier: Apache-2.0 */
/* GGUF reader for untrusted files (format: ggml docs/gguf.md; contract: loomc/gguf.h).
 *
 * Parsing runs over one in-memory image with a bounds-checked cursor. How errors are
 * told apart:
 *  - a field that runs past the end of the file -> TRUNCATED;
 *  - a count (n_kv, n_tensors, array length) or string length is IMPLAUSIBLE when its
 *    minimum encoded size exceeds the whole file AND it exceeds 2^24: TOO_MANY for
 *    counts, STRING_TOO_LONG for strings (also for tensor names > 63 bytes). A count or
 *    length that is plausible but does not fit in the bytes left is a truncation, so a
 *    file cut anywhere before its last tensor byte is always reported as TRUNCATED;
 *  - tensor data that starts inside the data section (or inside the padding that would
 *    end it) but ends after the file -> TRUNCATED; data starting beyond that -> BAD_OFFSET.
 * A count is only used to allocate after its minimum encoded size has been checked
 * against the bytes left, so allocations are bounded by the file size. */
#include "loomc/gguf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_KV_BYTES 13u     /* key length (8) + type (4) + 1-byte value */
#define MIN_TENSOR_BYTES 32u /* name length 8, n_dims 4, ne[0] 8, type 4, offset 8 */
#define PLAUSIBLE (1u << 24) /* counts and string lengths above this are never truncation */

struct kv {
    const uint8_t *key; /* view into the image */
    size_t key_len;
    uint32_t type;      /* LOOMC_GGUF_TYPE_* */
    uint32_t elem_type; /* arrays: element type */
    uint64_t count;     /* strings: byte length; arrays: element count */
    const uint8_t *val; /* scalar value, string bytes, or first array element */
    size_t *str_pos;    /* string arrays: image offset of each element's length field */
};

/* Name-sorted index entry, used for duplicate detection and binary-search lookup. */
struct name_ix {
    const uint8_t *name;
    size_t len;
    size_t ix;
};

struct loomc_gguf {
    uint8_t *image; /* whole file */
    size_t size;
    uint32_t version;
    uint32_t alignment;
    size_t data_offset; /* file offset of the data section */
    uint64_t n_kv;
    struct kv *kv;         /* [n_kv] in file order */
    struct name_ix *kv_ix; /* [n_kv] sorted by key */
    uint64_t n_tensors;
    loomc_gguf_tensor *t; /* [n_tensors] in file order */
    struct name_ix *t_ix; /* [n_tensors] sorted by name */
    char err[256];
};

struct cur {
    loomc_gguf *g;
    size_t pos;
};

static int fail(loomc_gguf *g, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->err, sizeof g->err, fmt, ap);
    va_end(ap);
    return code;
}

static uint64_t ld_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int need(struct cur *c, uint64_t n, const char *what)
{
    if (n > c->g->size - c->pos)
        return fail(c->g, LOOMC_ERR_TRUNCATED,
                    "truncated: %s needs %llu bytes at offset %zu, file has %zu", what,
                    (unsigned long long)n, c->pos, c->g->size);
    return LOOMC_OK;
}

static int rd(struct cur *c, unsigned bytes, uint64_t *v, const char *what)
{
    int rc = need(c, bytes, what);
    if (rc)
        return rc;
    *v = ld_le(c->g->image + c->pos, bytes);
    c->pos += bytes;
    return LOOMC_OK;
}

static int rd_u32(struct cur *c, uint32_t *v, const char *what)
{
    uint64_t x = 0;
    int rc = rd(c, 4, &x, what);
    *v = (uint32_t)x;
    return rc;
}

/* A GGUF string: u64 length then bytes. max_len caps the length (STRING_TOO_LONG). */
static int rd_str(struct cur *c, const uint8_t **s, size_t *len, uint64_t max_len, const char *what)
{
    uint64_t n;
    size_t at = c->pos;
    int rc = rd(c, 8, &n, what);
    if (rc)
        return rc;
    if (n > max_len || (n > PLAUSIBLE && n > c->g->size))
        return fail(c->g, LOOMC_ERR_STRING_TOO_LONG, "%s at offset %zu: length %llu too long", what,
                    at, (unsigned long long)n);
    rc = need(c, n, what);
    if (rc)
        return rc;
    *s = c->g->image + c->pos;
    *len = (size_t)n;
    c->pos += (size_t)n;
    return LOOMC_OK;
}

/* Encoded size of a fixed-size metadata type, 0 for STRING/ARRAY/unknown. */
static unsigned kv_fixed_size(uint32_t type)
{
    static const unsigned sz[LOOMC_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return type < LOOMC_GGUF_TYPE_COUNT ? sz[type] : 0;
}

static int cmp_name(const void *a, const void *b)
{
    const struct name_ix *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* Sort an index by name; return the position of the first duplicate, or -1. */
static long long sort_index(struct name_ix *ix, size_t n)
{
    if (n > 1)
        qsort(ix, n, sizeof *ix, cmp_name);
    for (size_t i = 1; i < n; i++)
        if (!cmp_name(&ix[i - 1], &ix[i]))
            return (long long)i;
    return -1;
}

static const struct name_ix *lookup(const struct name_ix *ix, size_t n, const char *name)
{
    struct name_ix key = {(const uint8_t *)name, strlen(name), 0};
    return n ? bsearch(&key, ix, n, sizeof *ix, cmp_name) : NULL;
}

static int parse_kv(struct cur *c, struct kv *kv, uint64_t i)
{
    loomc_gguf *g = c->g;
    int rc = rd_str(c, &kv->key, &kv->key_len, UINT64_MAX, "metadata key");
    if (rc)
        return rc;
    size_t at = c->pos;
    rc = rd_u32(c, &kv->type, "metadata value type");
    if (rc)
        return rc;
    if (kv->type >= LOOMC_GGUF_TYPE_COUNT)
        return fail(g, LOOMC_ERR_BAD_KV_TYPE, "metadata %llu '%.*s': unknown value type %u at %zu",
                    (unsigned long long)i, (int)kv->key_len, kv->key, kv->type, at);
    if (kv->type == LOOMC_GGUF_TYPE_STRING) {
        size_t len;
        rc = rd_str(c, &kv->val, &len, UINT64_MAX, "metadata string value");
        kv->count = len;
        return rc;
    }
    if (kv->type != LOOMC_GGUF_TYPE_ARRAY) {
        rc = need(c, kv_fixed_size(kv->type), "metadata value");
        if (rc)
            return rc;
        kv->val = g->image + c->pos;
        c->pos += kv_fixed_size(kv->type);
        return LOOMC_OK;
    }
    at = c->pos;
    rc = rd_u32(c, &kv->elem_type, "array element type");
    if (rc)
        return rc;
    if (kv->elem_type >= LOOMC_GGUF_TYPE_COUNT || kv->elem_type == LOOMC_GGUF_TYPE_ARRAY)
        return fail(g, LOOMC_ERR_BAD_KV_TYPE,
                    "metadata '%.*s': array element type %u at %zu (unknown or nested array)",
                    (int)kv->key_len, kv->key, kv->elem_type, at);
    at = c->pos;
    rc = rd(c, 8, &kv->count, "array length");
    if (rc)
        return rc;
    unsigned esz = kv->elem_type == LOOMC_GGUF_TYPE_STRING ? 8u : kv_fixed_size(kv->elem_type);
    if (kv->count > PLAUSIBLE && kv->count > g->size / esz)
        return fail(g, LOOMC_ERR_TOO_MANY, "metadata '%.*s': array length %llu at %zu exceeds file",
                    (int)kv->key_len, kv->key, (unsigned long long)kv->count, at);
    if (kv->count > (g->size - c->pos) / esz)
        return fail(g, LOOMC_ERR_TRUNCATED,
                    "truncated: array '%.*s' of %llu elements needs at least %llu bytes at %zu, "
                    "file has %zu",
                    (int)kv->key_len, kv->key, (unsigned long long)kv->count,
                    (unsigned long long)(kv->count * esz), c->pos, g->size);
    kv->val = g->image + c->pos;
    if (kv->elem_type != LOOMC_GGUF_TYPE_STRING) {
        rc = need(c, kv->count * esz, "array elements");
        if (rc)
            return rc;
        c->pos += (size_t)(kv->count * esz);
        return LOOMC_OK;
    }
    if (kv->count) {
        kv->str_pos = malloc((size_t)kv->count * sizeof *kv->str_pos);
        if (!kv->str_pos)
            return fail(g, LOOMC_ERR_NO_MEMORY, "out of memory for string array");
    }
    for (uint64_t j = 0; j < kv->count; j++) {
        const uint8_t *s;
        size_t len;
        kv->str_pos[j] = c->pos;
        rc = rd_str(c, &s, &len, UINT64_MAX, "array string");
        if (rc)
            return rc;
    }
    return LOOMC_OK;
}

/* n = a*b, failing on 64-bit overflow or a result above INT64_MAX (ggml's int64 ne). */
static int mul_checked(uint64_t a, uint64_t b, uint64_t *n)
{
    if (a && b > (uint64_t)INT64_MAX / a)
        return 0;
    *n = a * b;
    return 1;
}

static int parse_tensor(struct cur *c, loomc_gguf_tensor *t, uint64_t i)
{
    loomc_gguf *g = c->g;
    const uint8_t *name;
    size_t len;
    int rc = rd_str(c, &name, &len, LOOMC_GGUF_MAX_NAME, "tensor name");
    if (rc)
        return rc;
    memcpy(t->name, name, len);
    t->name[len] = '\0';
    size_t at = c->pos;
    rc = rd_u32(c, &t->n_dims, "tensor n_dims");
    if (rc)
        return rc;
    if (t->n_dims < 1 || t->n_dims > LOOMC_GGUF_MAX_DIMS)
        return fail(g, LOOMC_ERR_BAD_DIMS, "tensor %llu '%s': n_dims %u at %zu (must be 1..4)",
                    (unsigned long long)i, t->name, t->n_dims, at);
    for (unsigned d = 0; d < LOOMC_GGUF_MAX_DIMS; d++)
        t->ne[d] = 1;
    for (unsigned d = 0; d < t->n_dims; d++) {
        at = c->pos;
        rc = rd(c, 8, &t->ne[d], "tensor dimension");
        if (rc)
            return rc;
        if (t->ne[d] == 0)
            return fail(g, LOOMC_ERR_BAD_DIMS, "tensor '%s': ne[%u] = 0 at %zu", t->name, d, at);
    }
    at = c->pos;
    rc = rd_u32(c, &t->type, "tensor type");
    if (rc)
        return rc;
    rc = rd(c, 8, &t->offset, "tensor offset");
    if (rc)
        return rc;

    uint32_t bv, bb;
    if (loomc_ggml_type_size(t->type, &bv, &bb))
        return fail(g, LOOMC_ERR_BAD_TENSOR_TYPE, "tensor '%s': unknown type %u at %zu", t->name,
                    t->type, at);
    uint64_t n = 1;
    for (unsigned d = 0; d < t->n_dims; d++)
        if (!mul_checked(n, t->ne[d], &n))
            return fail(g, LOOMC_ERR_OVERFLOW, "tensor '%s': element count overflows", t->name);
    t->n_elements = n;
    if (t->ne[0] % bv)
        return fail(g, LOOMC_ERR_BAD_DIMS, "tensor '%s': ne[0] = %llu not a multiple of %u (%s)",
                    t->name, (unsigned long long)t->ne[0], bv, loomc_ggml_type_name(t->type));
    uint64_t bytes;
    if (!mul_checked(n / bv, bb, &bytes) || bytes > SIZE_MAX)
        return fail(g, LOOMC_ERR_OVERFLOW, "tensor '%s': byte size overflows", t->name);
    t->nbytes = (size_t)bytes;
    if (t->offset % g->alignment)
        return fail(g, LOOMC_ERR_BAD_ALIGNMENT, "tensor '%s': offset %llu not a multiple of %u",
                    t->name, (unsigned long long)t->offset, g->alignment);
    return LOOMC_OK;
}

static int set_alignment(loomc_gguf *g)
{
    const struct name_ix *e = lookup(g->kv_ix, (size_t)g->n_kv, "general.alignment");
    g->alignment = LOOMC_GGUF_DEFAULT_ALIGNMENT;
    if (!e)
        return LOOMC_OK;
    const struct kv *kv = &g->kv[e->ix];
    if (kv->type != LOOMC_GGUF_TYPE_UINT32)
        return fail(g, LOOMC_ERR_BAD_ALIGNMENT, "general.alignment has type %u, not u32", kv->type);
    uint32_t a = (uint32_t)ld_le(kv->val, 4);
    if (a == 0 || (a & (a - 1)))
        return fail(g, LOOMC_ERR_BAD_ALIGNMENT, "general.alignment %u is not a power of two", a);
    g->alignment = a;
    return LOOMC_OK;
}

static int cmp_offset(const void *a, const void *b)
{
    const loomc_gguf_tensor *x = *(const loomc_gguf_tensor *const *)a;
    const loomc_gguf_tensor *y = *(const loomc_gguf_tensor *const *)b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* Place every tensor's data inside the file and check that no two overlap. */
static int check_data(loomc_gguf *g, size_t end_of_infos)
{
    uint64_t start = ((uint64_t)end_of_infos + g->alignment - 1) / g->alignment * g->alignment;
    if (start > g->size) {
        /* No data bytes at all (only legal when there are no tensors). */
        start = g->size;
    }
    g->data_offset = (size_t)start;
    uint64_t avail = g->size - start;
    uint64_t avail_padded = (avail + g->alignment - 1) / g->alignment * g->alignment;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        loomc_gguf_tensor *t = &g->t[i];
        if (t->offset > avail_padded)
            return fail(g, LOOMC_ERR_BAD_OFFSET,
                        "tensor '%s': offset %llu past the end of the data section (%llu bytes)",
                        t->name, (unsigned long long)t->offset, (unsigned long long)avail);
        if (t->offset > avail || t->nbytes > avail - t->offset)
            return fail(g, LOOMC_ERR_TRUNCATED,
                        "truncated: tensor '%s' data [%llu, +%zu) ends past the data section "
                        "(%llu bytes)",
                        t->name, (unsigned long long)t->offset, t->nbytes,
                        (unsigned long long)avail);
        t->data = g->image + start + t->offset;
    }
    if (g->n_tensors < 2)
        return LOOMC_OK;
    const loomc_gguf_tensor **by_off = malloc((size_t)g->n_tensors * sizeof *by_off);
    if (!by_off)
        return fail(g, LOOMC_ERR_NO_MEMORY, "out of memory");
    for (uint64_t i = 0; i < g->n_tensors; i++)
        by_off[i] = &g->t[i];
    qsort(by_off, (size_t)g->n_tensors, sizeof *by_off, cmp_offset);
    int rc = LOOMC_OK;
    for (uint64_t i = 1; i < g->n_tensors && !rc; i++)
        if (by_off[i]->offset < by_off[i - 1]->offset + by_off[i - 1]->nbytes)
            rc = fail(g, LOOMC_ERR_OVERLAP, "tensors '%s' and '%s' overlap", by_off[i - 1]->name,
                      by_off[i]->name);
    free(by_off);
    return rc;
}

static int parse(loomc_gguf *g)
{
    struct cur c = {g, 0};
    int rc;
    if (g->size >= 4 && memcmp(g->image, "GGUF", 4))
        return fail(g, LOOMC_ERR_BAD_MAGIC, "bad magic %02x %02x %02x %02x (want \"GGUF\")",
                    g->image[0], g->image[1], g->image[2], g->image[3]);
    if ((rc = need(&c, 4, "magic")))
        return rc;
    c.pos = 4;
    if ((rc = rd_u32(&c, &g->version, "version")))
        return rc;
    if (g->version != 2 && g->version != 3)
        return fail(g, LOOMC_ERR_BAD_VERSION, "GGUF version %u%s (only 2 and 3)", g->version,
                    (g->version & 0xFFFFu) == 0 ? ", big-endian file?" : "");
    uint64_t n_kv, n_t; /* g->n_kv / n_tensors count only entries allocated and parsed */
    if ((rc = rd(&c, 8, &n_t, "tensor count")))
        return rc;
    if ((rc = rd(&c, 8, &n_kv, "metadata count")))
        return rc;
    /* Bound both counts by the file before allocating anything. */
    if (n_kv > PLAUSIBLE && n_kv > g->size / MIN_KV_BYTES)
        return fail(g, LOOMC_ERR_TOO_MANY, "metadata count %llu too large for a %zu-byte file",
                    (unsigned long long)n_kv, g->size);
    if (n_t > PLAUSIBLE && n_t > g->size / MIN_TENSOR_BYTES)
        return fail(g, LOOMC_ERR_TOO_MANY, "tensor count %llu too large for a %zu-byte file",
                    (unsigned long long)n_t, g->size);
    size_t left = g->size - c.pos;
    if (n_kv > left / MIN_KV_BYTES || n_t > (left - n_kv * MIN_KV_BYTES) / MIN_TENSOR_BYTES)
        return fail(g, LOOMC_ERR_TRUNCATED,
                    "truncated: %llu keys and %llu tensors need more than the %zu bytes left",
                    (unsigned long long)n_kv, (unsigned long long)n_t, left);
    g->kv = calloc((size_t)n_kv + 1, sizeof *g->kv);
    g->kv_ix = calloc((size_t)n_kv + 1, sizeof *g->kv_ix);
    g->t = calloc((size_t)n_t + 1, sizeof *g->t);
    g->t_ix = calloc((size_t)n_t + 1, sizeof *g->t_ix);
    if (!g->kv || !g->kv_ix || !g->t || !g->t_ix)
        return fail(g, LOOMC_ERR_NO_MEMORY, "out of memory");

    for (uint64_t i = 0; i < n_kv; i++) {
        g->n_kv = i + 1; /* so close() frees a partial entry's str_pos */
        if ((rc = parse_kv(&c, &g->kv[i], i)))
            return rc;
        g->kv_ix[i] = (struct name_ix){g->kv[i].key, g->kv[i].key_len, (size_t)i};
    }
    long long dup = sort_index(g->kv_ix, (size_t)n_kv);
    if (dup >= 0)
        return fail(g, LOOMC_ERR_DUPLICATE_KEY, "duplicate metadata key '%.*s'",
                    (int)g->kv_ix[dup].len, g->kv_ix[dup].name);
    if ((rc = set_alignment(g)))
        return rc;

    for (uint64_t i = 0; i < n_t; i++) {
        g->n_tensors = i + 1;
        if ((rc = parse_tensor(&c, &g->t[i], i)))
            return rc;
        g->t_ix[i] =
            (struct name_ix){(const uint8_t *)g->t[i].name, strlen(g->t[i].name), (size_t)i};
    }
    dup = sort_index(g->t_ix, (size_t)n_t);
    if (dup >= 0)
        return fail(g, LOOMC_ERR_DUPLICATE_NAME, "duplicate tensor name '%s'",
                    (const char *)g->t_ix[dup].name);
    return check_data(g, c.pos);
}

/* Free everything the handle owns except the handle and its message. */
static void drop_contents(loomc_gguf *g)
{
    for (uint64_t i = 0; i < g->n_kv; i++)
        free(g->kv[i].str_pos);
    free(g->kv);
    free(g->kv_ix);
    free(g->t);
    free(g->t_ix);
    free(g->image);
    g->kv = NULL;
    g->kv_ix = NULL;
    g->t = NULL;
    g->t_ix = NULL;
    g->image = NULL;
    g->n_kv = g->n_tensors = 0;
    g->size = 0;
}

/* A failed open keeps only the message, so accessors on the handle find nothing. */
static int finish_open(loomc_gguf *g, int rc)
{
    if (rc)
        drop_contents(g);
    return rc;
}

static int open_image(loomc_gguf *g)
{
    return finish_open(g, parse(g));
}

int loomc_gguf_open_memory(const void *buf, size_t size, loomc_gguf **out)
{
    if (!out)
        return LOOMC_ERR_INVALID_ARG;
    loomc_gguf *g = calloc(1, sizeof *g);
    *out = g;
    if (!g)
        return LOOMC_ERR_NO_MEMORY;
    if (!buf && size)
        return fail(g, LOOMC_ERR_INVALID_ARG, "NULL buffer");
    g->image = malloc(size ? size : 1);
    if (!g->image)
        return fail(g, LOOMC_ERR_NO_MEMORY, "out of memory for a %zu-byte image", size);
    if (size)
        memcpy(g->image, buf, size);
    g->size = size;
    return open_image(g);
}

int loomc_gguf_open_file(const char *path, loomc_gguf **out)
{
    if (!out)
        return LOOMC_ERR_INVALID_ARG;
    loomc_gguf *g = calloc(1, sizeof *g);
    *out = g;
    if (!g)
        return LOOMC_ERR_NO_MEMORY;
    if (!path)
        return fail(g, LOOMC_ERR_INVALID_ARG, "NULL path");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(g, LOOMC_ERR_IO, "cannot open '%s'", path);
    long end = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        end = ftell(f);
    if (end < 0 || fseek(f, 0, SEEK_SET) != 0 || (unsigned long)end > SIZE_MAX) {
        fclose(f);
        return fail(g, LOOMC_ERR_IO, "cannot size '%s' (not a regular file?)", path);
    }
    g->size = (size_t)end;
    g->image = malloc(g->size ? g->size : 1);
    if (!g->image) {
        fclose(f);
        return finish_open(
            g, fail(g, LOOMC_ERR_NO_MEMORY, "out of memory for '%s' (%zu bytes)", path, g->size));
    }
    size_t got = fread(g->image, 1, g->size, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != g->size)
        return finish_open(g, fail(g, LOOMC_ERR_IO, "read error on '%s'", path));
    return open_image(g);
}

void loomc_gguf_close(loomc_gguf *g)
{
    if (!g)
        return;
    drop_contents(g);
    free(g);
}

const char *loomc_gguf_errmsg(const loomc_gguf *g)
{
    return g ? g->err : "out of memory";
}

uint32_t loomc_gguf_version(const loomc_gguf *g)
{
    return g ? g->version : 0;
}

uint32_t loomc_gguf_alignment(const loomc_gguf *g)
{
    return g ? g->alignment : 0;
}

size_t loomc_gguf_data_offset(const loomc_gguf *g)
{
    return g ? g->data_offset : 0;
}

uint64_t loomc_gguf_n_kv(const loomc_gguf *g)
{
    return g ? g->n_kv : 0;
}

int loomc_gguf_kv_at(const loomc_gguf *g, uint64_t i, const char **key, size_t *key_len,
                     uint32_t *type)
{
    if (!g || i >= g->n_kv)
        return LOOMC_ERR_INVALID_ARG;
    if (key)
        *key = (const char *)g->kv[i].key;
    if (key_len)
        *key_len = g->kv[i].key_len;
    if (type)
        *type = g->kv[i].type;
    return LOOMC_OK;
}

static const struct kv *find_kv(const loomc_gguf *g, const char *key)
{
    if (!g || !key)
        return NULL;
    const struct name_ix *e = lookup(g->kv_ix, (size_t)g->n_kv, key);
    return e ? &g->kv[e->ix] : NULL;
}

int loomc_gguf_kv_type(const loomc_gguf *g, const char *key, uint32_t *type)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    if (type)
        *type = kv->type;
    return LOOMC_OK;
}

/* Integer value of a scalar of integer or bool type at p. is_signed_neg tells whether a
 * signed value is negative (then *s holds it); otherwise *u holds it. */
static int int_value(uint32_t type, const uint8_t *p, int64_t *s, uint64_t *u, int *neg)
{
    uint64_t raw;
    switch (type) {
    case LOOMC_GGUF_TYPE_UINT8:
    case LOOMC_GGUF_TYPE_UINT16:
    case LOOMC_GGUF_TYPE_UINT32:
    case LOOMC_GGUF_TYPE_UINT64:
        *u = ld_le(p, kv_fixed_size(type));
        *neg = 0;
        return LOOMC_OK;
    case LOOMC_GGUF_TYPE_BOOL:
        *u = p[0] != 0;
        *neg = 0;
        return LOOMC_OK;
    case LOOMC_GGUF_TYPE_INT8:
        *s = (int8_t)p[0];
        break;
    case LOOMC_GGUF_TYPE_INT16:
        *s = (int16_t)ld_le(p, 2);
        break;
    case LOOMC_GGUF_TYPE_INT32:
        *s = (int32_t)ld_le(p, 4);
        break;
    case LOOMC_GGUF_TYPE_INT64:
        raw = ld_le(p, 8);
        memcpy(s, &raw, sizeof raw);
        break;
    default:
        return LOOMC_ERR_TYPE_MISMATCH;
    }
    *neg = *s < 0;
    *u = *neg ? 0 : (uint64_t)*s;
    return LOOMC_OK;
}

static int get_int(const loomc_gguf *g, const char *key, int64_t *s, uint64_t *u, int *neg)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    return int_value(kv->type, kv->val, s, u, neg);
}

int loomc_gguf_get_u64(const loomc_gguf *g, const char *key, uint64_t *out)
{
    int64_t s = 0;
    uint64_t u = 0;
    int neg = 0, rc = get_int(g, key, &s, &u, &neg);
    if (rc)
        return rc;
    if (neg)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = u;
    return LOOMC_OK;
}

int loomc_gguf_get_u32(const loomc_gguf *g, const char *key, uint32_t *out)
{
    uint64_t u;
    int rc = loomc_gguf_get_u64(g, key, &u);
    if (rc)
        return rc;
    if (u > UINT32_MAX)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = (uint32_t)u;
    return LOOMC_OK;
}

int loomc_gguf_get_i64(const loomc_gguf *g, const char *key, int64_t *out)
{
    int64_t s = 0;
    uint64_t u = 0;
    int neg = 0, rc = get_int(g, key, &s, &u, &neg);
    if (rc)
        return rc;
    if (!neg && u > (uint64_t)INT64_MAX)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = neg ? s : (int64_t)u;
    return LOOMC_OK;
}

int loomc_gguf_get_i32(const loomc_gguf *g, const char *key, int32_t *out)
{
    int64_t v;
    int rc = loomc_gguf_get_i64(g, key, &v);
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = (int32_t)v;
    return LOOMC_OK;
}

static int float_value(uint32_t type, const uint8_t *p, double *out)
{
    uint64_t raw;
    if (type == LOOMC_GGUF_TYPE_FLOAT32) {
        uint32_t r = (uint32_t)ld_le(p, 4);
        float f;
        memcpy(&f, &r, sizeof f);
        *out = f;
        return LOOMC_OK;
    }
    if (type == LOOMC_GGUF_TYPE_FLOAT64) {
        raw = ld_le(p, 8);
        memcpy(out, &raw, sizeof raw);
        return LOOMC_OK;
    }
    return LOOMC_ERR_TYPE_MISMATCH;
}

int loomc_gguf_get_f32(const loomc_gguf *g, const char *key, float *out)
{
    const struct kv *kv = find_kv(g, key);
    double d;
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    int rc = float_value(kv->type, kv->val, &d);
    if (!rc && out)
        *out = (float)d;
    return rc;
}

int loomc_gguf_get_bool(const loomc_gguf *g, const char *key, int *out)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    if (kv->type != LOOMC_GGUF_TYPE_BOOL)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = kv->val[0] != 0;
    return LOOMC_OK;
}

int loomc_gguf_get_str(const loomc_gguf *g, const char *key, const char **s, size_t *len)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    if (kv->type != LOOMC_GGUF_TYPE_STRING)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (s)
        *s = (const char *)kv->val;
    if (len)
        *len = (size_t)kv->count;
    return LOOMC_OK;
}

int loomc_gguf_get_arr(const loomc_gguf *g, const char *key, uint32_t *elem_type, uint64_t *count)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    if (kv->type != LOOMC_GGUF_TYPE_ARRAY)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (elem_type)
        *elem_type = kv->elem_type;
    if (count)
        *count = kv->count;
    return LOOMC_OK;
}

/* Array kv and element i, or an error. */
static int arr_elem(const loomc_gguf *g, const char *key, uint64_t i, const struct kv **out)
{
    const struct kv *kv = find_kv(g, key);
    if (!kv)
        return LOOMC_ERR_NOT_FOUND;
    if (kv->type != LOOMC_GGUF_TYPE_ARRAY)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (i >= kv->count)
        return LOOMC_ERR_INVALID_ARG;
    *out = kv;
    return LOOMC_OK;
}

int loomc_gguf_get_arr_i64(const loomc_gguf *g, const char *key, uint64_t i, int64_t *out)
{
    const struct kv *kv;
    int rc = arr_elem(g, key, i, &kv);
    if (rc)
        return rc;
    if (kv->elem_type == LOOMC_GGUF_TYPE_STRING)
        return LOOMC_ERR_TYPE_MISMATCH;
    int64_t s = 0;
    uint64_t u = 0;
    int neg = 0;
    rc = int_value(kv->elem_type, kv->val + i * kv_fixed_size(kv->elem_type), &s, &u, &neg);
    if (rc)
        return rc;
    if (!neg && u > (uint64_t)INT64_MAX)
        return LOOMC_ERR_TYPE_MISMATCH;
    if (out)
        *out = neg ? s : (int64_t)u;
    return LOOMC_OK;
}

int loomc_gguf_get_arr_f64(const loomc_gguf *g, const char *key, uint64_t i, double *out)
{
    const struct kv *kv;
    double d;
    int rc = arr_elem(g, key, i, &kv);
    if (rc)
        return rc;
    if (kv->elem_type == LOOMC_GGUF_TYPE_STRING)
        return LOOMC_ERR_TYPE_MISMATCH;
    rc = float_value(kv->elem_type, kv->val + i * kv_fixed_size(kv->elem_type), &d);
    if (!rc && out)
        *out = d;
    return rc;
}

int loomc_gguf_get_arr_str(const loomc_gguf *g, const char *key, uint64_t i, const char **s,
                           size_t *len)
{
    const struct kv *kv;
    int rc = arr_elem(g, key, i, &kv);
    if (rc)
        return rc;
    if (kv->elem_type != LOOMC_GGUF_TYPE_STRING)
        return LOOMC_ERR_TYPE_MISMATCH;
    const uint8_t *p = g->image + kv->str_pos[i];
    if (s)
        *s = (const char *)(p + 8);
    if (len)
        *len = (size_t)ld_le(p, 8); /* validated while parsing */
    return LOOMC_OK;
}

uint64_t loomc_gguf_n_tensors(const loomc_gguf *g)
{
    return g ? g->n_tensors : 0;
}

const loomc_gguf_tensor *loomc_gguf_tensor_at(const loomc_gguf *g, uint64_t i)
{
    return g && i < g->n_tensors ? &g->t[i] : NULL;
}

const loomc_gguf_tensor *loomc_gguf_find_tensor(const loomc_gguf *g, const char *name)
{
    if (!g || !name)
        return NULL;
    const struct name_ix *e = lookup(g->t_ix, (size_t)g->n_tensors, name);
    return e ? &g->t[e->ix] : NULL;
}

int loomc_gguf_tensor_to_f32(const loomc_gguf_tensor *t, float *out, size_t n_out)
{
    if (!t || !out || n_out != t->n_elements)
        return LOOMC_ERR_INVALID_ARG;
    return loomc_dequantize(t->type, t->data, n_out, out);
}
