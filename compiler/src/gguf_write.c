/* SPDX-License-Identifier: Apache-2.0 */
/* GGUF v3 writer (contract: loomc/gguf.h). Metadata is serialised as it is set; the
 * tensor declarations fix every size and offset, so begin() can write the header,
 * metadata and tensor infos at once and the data is then streamed in order. */
#include "loomc/gguf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_VALUES 4096u /* quantisation scratch: whole blocks of every type */

enum wstate { W_DECLARE, W_STREAM, W_DONE, W_FAILED };

struct wtensor {
    char name[LOOMC_GGUF_MAX_NAME + 1];
    uint32_t type;
    uint32_t n_dims;
    uint64_t ne[LOOMC_GGUF_MAX_DIMS];
    uint64_t n_elements;
    size_t nbytes;
    uint64_t offset; /* in the data section */
};

struct loomc_gguf_writer {
    uint32_t alignment;
    enum wstate state;
    uint8_t *meta; /* serialised key/value pairs */
    size_t meta_len, meta_cap;
    uint64_t n_kv;
    size_t *key_pos; /* [n_kv] offset in meta of each key's length field */
    size_t key_cap;
    struct wtensor *t;
    size_t n_t, t_cap;
    FILE *f;      /* file mode */
    uint8_t *mem; /* memory mode: exactly mem_size bytes */
    size_t mem_size, mem_pos;
    size_t cur;      /* tensor being streamed */
    size_t cur_done; /* its bytes written */
    uint8_t scratch[CHUNK_VALUES * 4];
    char err[256];
};

static int wfail(loomc_gguf_writer *w, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return code;
}

static void st_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return 0;
        n *= 2;
    }
    void *p = realloc(*buf, n * elem);
    if (!p)
        return 0;
    *buf = p;
    *cap = n;
    return 1;
}

/* Reserve n bytes at the end of the metadata buffer. */
static uint8_t *meta_put(loomc_gguf_writer *w, size_t n)
{
    if (n > SIZE_MAX - w->meta_len)
        return NULL;
    void *p = w->meta;
    if (!grow(&p, &w->meta_cap, w->meta_len + n, 1))
        return NULL;
    w->meta = p;
    uint8_t *at = w->meta + w->meta_len;
    w->meta_len += n;
    return at;
}

static int meta_str(loomc_gguf_writer *w, const char *s, size_t len)
{
    uint8_t *p = meta_put(w, 8 + len);
    if (!p)
        return wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory");
    st_le(p, len, 8);
    memcpy(p + 8, s, len);
    return LOOMC_OK;
}

static int meta_u(loomc_gguf_writer *w, uint64_t v, unsigned bytes)
{
    uint8_t *p = meta_put(w, bytes);
    if (!p)
        return wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory");
    st_le(p, v, bytes);
    return LOOMC_OK;
}

/* Start a key/value pair: check state and uniqueness, write key and type. On a later
 * failure the caller rolls back by restoring meta_len and n_kv. */
static int kv_begin(loomc_gguf_writer *w, const char *key, uint32_t type)
{
    if (!w || !key)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_DECLARE)
        return wfail(w, LOOMC_ERR_STATE, "metadata '%s' set after begin", key);
    size_t len = strlen(key);
    for (uint64_t i = 0; i < w->n_kv; i++) {
        const uint8_t *p = w->meta + w->key_pos[i];
        uint64_t kl = 0;
        for (unsigned b = 0; b < 8; b++)
            kl |= (uint64_t)p[b] << (8 * b);
        if (kl == len && !memcmp(p + 8, key, len))
            return wfail(w, LOOMC_ERR_DUPLICATE_KEY, "metadata key '%s' set twice", key);
    }
    void *kp = w->key_pos;
    if (!grow(&kp, &w->key_cap, (size_t)w->n_kv + 1, sizeof *w->key_pos))
        return wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory");
    w->key_pos = kp;
    w->key_pos[w->n_kv] = w->meta_len;
    int rc = meta_str(w, key, len);
    if (!rc)
        rc = meta_u(w, type, 4);
    if (!rc)
        w->n_kv++;
    return rc;
}

static unsigned fixed_size(uint32_t type)
{
    static const unsigned sz[LOOMC_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return type < LOOMC_GGUF_TYPE_COUNT ? sz[type] : 0;
}

/* Host value of a fixed-size element at p, widened to 64 bits. */
static uint64_t host_value(const uint8_t *p, unsigned esz)
{
    uint8_t b1;
    uint16_t b2;
    uint32_t b4;
    uint64_t b8;
    switch (esz) {
    case 1:
        memcpy(&b1, p, 1);
        return b1;
    case 2:
        memcpy(&b2, p, 2);
        return b2;
    case 4:
        memcpy(&b4, p, 4);
        return b4;
    default:
        memcpy(&b8, p, 8);
        return b8;
    }
}

static int set_scalar(loomc_gguf_writer *w, const char *key, uint32_t type, uint64_t v,
                      unsigned bytes)
{
    size_t mark = w ? w->meta_len : 0;
    int rc = kv_begin(w, key, type);
    if (rc)
        return rc;
    rc = meta_u(w, v, bytes);
    if (rc) {
        w->meta_len = mark;
        w->n_kv--;
    }
    return rc;
}

int loomc_gguf_writer_set_u32(loomc_gguf_writer *w, const char *key, uint32_t v)
{
    return set_scalar(w, key, LOOMC_GGUF_TYPE_UINT32, v, 4);
}

int loomc_gguf_writer_set_i32(loomc_gguf_writer *w, const char *key, int32_t v)
{
    return set_scalar(w, key, LOOMC_GGUF_TYPE_INT32, (uint32_t)v, 4);
}

int loomc_gguf_writer_set_u64(loomc_gguf_writer *w, const char *key, uint64_t v)
{
    return set_scalar(w, key, LOOMC_GGUF_TYPE_UINT64, v, 8);
}

int loomc_gguf_writer_set_f32(loomc_gguf_writer *w, const char *key, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return set_scalar(w, key, LOOMC_GGUF_TYPE_FLOAT32, bits, 4);
}

int loomc_gguf_writer_set_bool(loomc_gguf_writer *w, const char *key, int v)
{
    return set_scalar(w, key, LOOMC_GGUF_TYPE_BOOL, v != 0, 1);
}

int loomc_gguf_writer_set_val(loomc_gguf_writer *w, const char *key, uint32_t type, const void *v)
{
    unsigned esz = fixed_size(type);
    if (!esz || !v)
        return LOOMC_ERR_INVALID_ARG;
    uint64_t x = host_value(v, esz);
    return set_scalar(w, key, type, type == LOOMC_GGUF_TYPE_BOOL ? x != 0 : x, esz);
}

int loomc_gguf_writer_set_str(loomc_gguf_writer *w, const char *key, const char *s)
{
    if (!s)
        return LOOMC_ERR_INVALID_ARG;
    size_t mark = w ? w->meta_len : 0;
    int rc = kv_begin(w, key, LOOMC_GGUF_TYPE_STRING);
    if (rc)
        return rc;
    rc = meta_str(w, s, strlen(s));
    if (rc) {
        w->meta_len = mark;
        w->n_kv--;
    }
    return rc;
}

int loomc_gguf_writer_set_arr(loomc_gguf_writer *w, const char *key, uint32_t elem_type,
                              const void *data, uint64_t count)
{
    unsigned esz = fixed_size(elem_type);
    if (!esz || (!data && count) || count > SIZE_MAX / 8)
        return LOOMC_ERR_INVALID_ARG;
    size_t mark = w ? w->meta_len : 0;
    int rc = kv_begin(w, key, LOOMC_GGUF_TYPE_ARRAY);
    if (rc)
        return rc;
    rc = meta_u(w, elem_type, 4);
    if (!rc)
        rc = meta_u(w, count, 8);
    uint8_t *p = rc ? NULL : meta_put(w, (size_t)count * esz);
    if (!rc && !p)
        rc = wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory");
    if (rc) {
        w->meta_len = mark;
        w->n_kv--;
        return rc;
    }
    const uint8_t *src = data;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t v = host_value(src + i * esz, esz);
        st_le(p + i * esz, elem_type == LOOMC_GGUF_TYPE_BOOL ? v != 0 : v, esz);
    }
    return LOOMC_OK;
}

int loomc_gguf_writer_set_arr_str(loomc_gguf_writer *w, const char *key, const char *const *strs,
                                  uint64_t count)
{
    if (!strs && count)
        return LOOMC_ERR_INVALID_ARG;
    for (uint64_t i = 0; i < count; i++)
        if (!strs[i])
            return LOOMC_ERR_INVALID_ARG;
    size_t mark = w ? w->meta_len : 0;
    int rc = kv_begin(w, key, LOOMC_GGUF_TYPE_ARRAY);
    if (rc)
        return rc;
    rc = meta_u(w, LOOMC_GGUF_TYPE_STRING, 4);
    if (!rc)
        rc = meta_u(w, count, 8);
    for (uint64_t i = 0; i < count && !rc; i++)
        rc = meta_str(w, strs[i], strlen(strs[i]));
    if (rc) {
        w->meta_len = mark;
        w->n_kv--;
    }
    return rc;
}

int loomc_gguf_writer_create(uint32_t alignment, loomc_gguf_writer **out)
{
    if (!out)
        return LOOMC_ERR_INVALID_ARG;
    *out = NULL;
    if (alignment == 0)
        alignment = LOOMC_GGUF_DEFAULT_ALIGNMENT;
    if (alignment > 65536u || (alignment & (alignment - 1)))
        return LOOMC_ERR_INVALID_ARG;
    loomc_gguf_writer *w = calloc(1, sizeof *w);
    if (!w)
        return LOOMC_ERR_NO_MEMORY;
    w->alignment = alignment;
    if (alignment != LOOMC_GGUF_DEFAULT_ALIGNMENT) {
        int rc = loomc_gguf_writer_set_u32(w, "general.alignment", alignment);
        if (rc) {
            loomc_gguf_writer_destroy(w);
            return rc;
        }
    }
    *out = w;
    return LOOMC_OK;
}

void loomc_gguf_writer_destroy(loomc_gguf_writer *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    free(w->meta);
    free(w->key_pos);
    free(w->t);
    free(w->mem);
    free(w);
}

const char *loomc_gguf_writer_errmsg(const loomc_gguf_writer *w)
{
    return w ? w->err : "out of memory";
}

int loomc_gguf_writer_add_tensor(loomc_gguf_writer *w, const char *name, uint32_t type,
                                 uint32_t n_dims, const uint64_t *ne)
{
    if (!w || !name || !ne)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_DECLARE)
        return wfail(w, LOOMC_ERR_STATE, "tensor '%s' declared after begin", name);
    size_t len = strlen(name);
    if (len > LOOMC_GGUF_MAX_NAME)
        return wfail(w, LOOMC_ERR_STRING_TOO_LONG, "tensor name '%s' longer than %u bytes", name,
                     LOOMC_GGUF_MAX_NAME);
    uint32_t bv;
    if (loomc_ggml_type_size(type, &bv, NULL))
        return wfail(w, LOOMC_ERR_BAD_TENSOR_TYPE, "tensor '%s': unknown type %u", name, type);
    if (n_dims < 1 || n_dims > LOOMC_GGUF_MAX_DIMS)
        return wfail(w, LOOMC_ERR_BAD_DIMS, "tensor '%s': n_dims %u", name, n_dims);
    struct wtensor t = {.type = type, .n_dims = n_dims, .ne = {1, 1, 1, 1}, .n_elements = 1};
    memcpy(t.name, name, len + 1);
    for (uint32_t d = 0; d < n_dims; d++) {
        if (ne[d] == 0)
            return wfail(w, LOOMC_ERR_BAD_DIMS, "tensor '%s': ne[%u] = 0", name, d);
        if (ne[d] > (uint64_t)INT64_MAX / t.n_elements)
            return wfail(w, LOOMC_ERR_OVERFLOW, "tensor '%s': element count overflows", name);
        t.ne[d] = ne[d];
        t.n_elements *= ne[d];
    }
    if (ne[0] % bv)
        return wfail(w, LOOMC_ERR_BAD_DIMS, "tensor '%s': ne[0] = %llu not a multiple of %u", name,
                     (unsigned long long)ne[0], bv);
    t.nbytes = loomc_row_bytes(type, t.n_elements);
    if (!t.nbytes || t.nbytes > SIZE_MAX - w->alignment)
        return wfail(w, LOOMC_ERR_OVERFLOW, "tensor '%s': byte size overflows", name);
    for (size_t i = 0; i < w->n_t; i++)
        if (!strcmp(w->t[i].name, name))
            return wfail(w, LOOMC_ERR_DUPLICATE_NAME, "tensor '%s' declared twice", name);
    void *p = w->t;
    if (!grow(&p, &w->t_cap, w->n_t + 1, sizeof *w->t))
        return wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory");
    w->t = p;
    w->t[w->n_t++] = t;
    return LOOMC_OK;
}

static size_t pad_to(size_t n, uint32_t a)
{
    return (a - n % a) % a;
}

static int emit(loomc_gguf_writer *w, const void *p, size_t n)
{
    if (w->f) {
        if (n && fwrite(p, 1, n, w->f) != n)
            return wfail(w, LOOMC_ERR_IO, "write failed");
        return LOOMC_OK;
    }
    if (n > w->mem_size - w->mem_pos)
        return wfail(w, LOOMC_ERR_STATE, "internal: image size miscounted");
    memcpy(w->mem + w->mem_pos, p, n);
    w->mem_pos += n;
    return LOOMC_OK;
}

static int emit_zeros(loomc_gguf_writer *w, size_t n)
{
    static const uint8_t zeros[64];
    int rc = LOOMC_OK;
    while (n && !rc) {
        size_t k = n < sizeof zeros ? n : sizeof zeros;
        rc = emit(w, zeros, k);
        n -= k;
    }
    return rc;
}

/* Assign offsets; total image size in *total. */
static int layout(loomc_gguf_writer *w, size_t *head, size_t *total)
{
    size_t h = 4 + 4 + 8 + 8 + w->meta_len;
    for (size_t i = 0; i < w->n_t; i++)
        h += 8 + strlen(w->t[i].name) + 4 + 8 * w->t[i].n_dims + 4 + 8;
    h += pad_to(h, w->alignment);
    size_t data = 0;
    for (size_t i = 0; i < w->n_t; i++) {
        w->t[i].offset = data;
        size_t padded = w->t[i].nbytes + pad_to(w->t[i].nbytes, w->alignment);
        if (padded > SIZE_MAX - data - h)
            return wfail(w, LOOMC_ERR_OVERFLOW, "file size overflows");
        data += padded;
    }
    *head = h;
    *total = h + data;
    return LOOMC_OK;
}

static int write_head(loomc_gguf_writer *w, size_t head)
{
    uint8_t hdr[24];
    memcpy(hdr, "GGUF", 4);
    st_le(hdr + 4, 3, 4);
    st_le(hdr + 8, w->n_t, 8);
    st_le(hdr + 16, w->n_kv, 8);
    int rc = emit(w, hdr, sizeof hdr);
    if (!rc)
        rc = emit(w, w->meta, w->meta_len);
    size_t pos = sizeof hdr + w->meta_len;
    for (size_t i = 0; i < w->n_t && !rc; i++) {
        const struct wtensor *t = &w->t[i];
        uint8_t info[8 + LOOMC_GGUF_MAX_NAME + 4 + 8 * LOOMC_GGUF_MAX_DIMS + 12];
        size_t len = strlen(t->name), n = 0;
        st_le(info, len, 8);
        memcpy(info + 8, t->name, len);
        n = 8 + len;
        st_le(info + n, t->n_dims, 4);
        n += 4;
        for (uint32_t d = 0; d < t->n_dims; d++, n += 8)
            st_le(info + n, t->ne[d], 8);
        st_le(info + n, t->type, 4);
        st_le(info + n + 4, t->offset, 8);
        n += 12;
        rc = emit(w, info, n);
        pos += n;
    }
    if (!rc)
        rc = emit_zeros(w, head - pos);
    return rc;
}

static int begin(loomc_gguf_writer *w)
{
    size_t head = 0, total = 0;
    int rc = layout(w, &head, &total);
    if (!rc && !w->f) {
        w->mem = malloc(total ? total : 1);
        w->mem_size = total;
        if (!w->mem)
            rc = wfail(w, LOOMC_ERR_NO_MEMORY, "out of memory for a %zu-byte image", total);
    }
    if (!rc)
        rc = write_head(w, head);
    w->state = rc ? W_FAILED : W_STREAM;
    w->cur = 0;
    w->cur_done = 0;
    return rc;
}

int loomc_gguf_writer_begin_file(loomc_gguf_writer *w, const char *path)
{
    if (!w || !path)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_DECLARE)
        return wfail(w, LOOMC_ERR_STATE, "begin called twice");
    w->f = fopen(path, "wb");
    if (!w->f)
        return wfail(w, LOOMC_ERR_IO, "cannot create '%s'", path);
    return begin(w);
}

int loomc_gguf_writer_begin_memory(loomc_gguf_writer *w)
{
    if (!w)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_DECLARE)
        return wfail(w, LOOMC_ERR_STATE, "begin called twice");
    return begin(w);
}

/* Append encoded bytes to the current tensor, padding and advancing at its end. */
static int append(loomc_gguf_writer *w, const uint8_t *p, size_t n)
{
    while (n) {
        if (w->cur >= w->n_t)
            return wfail(w, LOOMC_ERR_STATE, "data written past the last tensor");
        const struct wtensor *t = &w->t[w->cur];
        size_t k = t->nbytes - w->cur_done;
        k = n < k ? n : k;
        int rc = emit(w, p, k);
        if (rc)
            return rc;
        p += k;
        n -= k;
        w->cur_done += k;
        if (w->cur_done == t->nbytes) {
            rc = emit_zeros(w, pad_to(t->nbytes, w->alignment));
            if (rc)
                return rc;
            w->cur++;
            w->cur_done = 0;
        }
    }
    return LOOMC_OK;
}

static int stream_check(loomc_gguf_writer *w)
{
    if (w->state != W_STREAM)
        return wfail(w, LOOMC_ERR_STATE, "tensor data written outside begin..finish");
    if (w->cur >= w->n_t)
        return wfail(w, LOOMC_ERR_STATE, "data written past the last tensor");
    return LOOMC_OK;
}

int loomc_gguf_writer_write_raw(loomc_gguf_writer *w, const void *bytes, size_t nbytes)
{
    if (!w || (!bytes && nbytes))
        return LOOMC_ERR_INVALID_ARG;
    int rc = stream_check(w);
    if (rc)
        return rc;
    size_t left = 0;
    for (size_t i = w->cur; i < w->n_t; i++)
        left += w->t[i].nbytes - (i == w->cur ? w->cur_done : 0);
    if (nbytes > left)
        return wfail(w, LOOMC_ERR_STATE, "%zu bytes written, only %zu left", nbytes, left);
    rc = append(w, bytes, nbytes);
    if (rc)
        w->state = W_FAILED;
    return rc;
}

int loomc_gguf_writer_write_f32(loomc_gguf_writer *w, const float *x, size_t n)
{
    if (!w || (!x && n))
        return LOOMC_ERR_INVALID_ARG;
    int rc = stream_check(w);
    if (rc)
        return rc;
    const struct wtensor *t = &w->t[w->cur];
    uint32_t type = t->type, bv;
    if (type != LOOMC_GGML_F32 && type != LOOMC_GGML_F16 && type != LOOMC_GGML_Q8_0 &&
        type != LOOMC_GGML_Q4_0)
        return wfail(w, LOOMC_ERR_UNSUPPORTED, "tensor '%s': cannot quantise to %s", t->name,
                     loomc_ggml_type_name(type));
    loomc_ggml_type_size(type, &bv, NULL);
    uint64_t left = t->n_elements - w->cur_done / loomc_row_bytes(type, bv) * bv;
    if (n % bv || n > left)
        return wfail(w, LOOMC_ERR_INVALID_ARG,
                     "tensor '%s': %zu values (need whole %u-blocks, %llu left)", t->name, n, bv,
                     (unsigned long long)left);
    while (n) {
        size_t k = n < CHUNK_VALUES ? n : CHUNK_VALUES;
        rc = loomc_quantize(type, x, k, w->scratch);
        if (rc)
            return wfail(w, rc, "tensor '%s': cannot encode (NaN or Inf?)", t->name);
        rc = append(w, w->scratch, loomc_row_bytes(type, k));
        if (rc) {
            w->state = W_FAILED;
            return rc;
        }
        x += k;
        n -= k;
    }
    return LOOMC_OK;
}

int loomc_gguf_writer_finish(loomc_gguf_writer *w)
{
    if (!w)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_STREAM)
        return wfail(w, LOOMC_ERR_STATE, "finish without a successful begin");
    if (w->cur < w->n_t)
        return wfail(w, LOOMC_ERR_STATE, "tensor '%s' has %zu of %zu bytes", w->t[w->cur].name,
                     w->cur_done, w->t[w->cur].nbytes);
    w->state = W_DONE;
    if (w->f) {
        int bad = fclose(w->f) != 0;
        w->f = NULL;
        if (bad) {
            w->state = W_FAILED;
            return wfail(w, LOOMC_ERR_IO, "write failed on close");
        }
    } else if (w->mem_pos != w->mem_size) {
        w->state = W_FAILED;
        return wfail(w, LOOMC_ERR_STATE, "internal: image size miscounted");
    }
    return LOOMC_OK;
}

int loomc_gguf_writer_memory(const loomc_gguf_writer *w, const void **buf, size_t *size)
{
    if (!w || !buf || !size)
        return LOOMC_ERR_INVALID_ARG;
    if (w->state != W_DONE || !w->mem)
        return LOOMC_ERR_STATE;
    *buf = w->mem;
    *size = w->mem_size;
    return LOOMC_OK;
}
