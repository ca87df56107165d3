/* SPDX-License-Identifier: Apache-2.0 */
/* Random-weight llama GGUF generator (contract and distributions: loomc/synth.h). */
#include "loomc/synth.h"

#include "loomc/gguf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INIT_STD 0.02

struct rng {
    uint64_t s;
    int have_spare;
    double spare;
};

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double uniform(struct rng *r)
{
    return ((double)(splitmix64(&r->s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(struct rng *r)
{
    if (r->have_spare) {
        r->have_spare = 0;
        return r->spare;
    }
    double u1 = uniform(r), u2 = uniform(r);
    double rad = sqrt(-2.0 * log(u1)), ang = 6.283185307179586 * u2;
    r->spare = rad * sin(ang);
    r->have_spare = 1;
    return rad * cos(ang);
}

static struct rng tensor_rng(uint64_t seed, const char *name)
{
    uint64_t h = 0xCBF29CE484222325ull; /* FNV-1a */
    for (const char *c = name; *c; c++)
        h = (h ^ (uint8_t)*c) * 0x100000001B3ull;
    uint64_t s = seed ^ h;
    struct rng r = {splitmix64(&s), 0, 0.0};
    return r;
}

enum init { INIT_WEIGHT, INIT_PROJ, INIT_NORM };

struct tdesc {
    char name[LOOMC_GGUF_MAX_NAME + 1];
    uint32_t type;
    uint32_t n_dims;
    uint64_t ne[2];
    enum init init;
};

struct synth {
    const loomc_synth_params *p;
    float rope_base, rms_eps;
    struct tdesc *t;
    size_t n_t;
    char *msg;
    size_t msg_size;
};

static int sfail(struct synth *s, int code, const char *fmt, ...)
{
    if (s->msg && s->msg_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->msg, s->msg_size, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int check_params(struct synth *s)
{
    const loomc_synth_params *p = s->p;
    const uint32_t max = 1u << 20;
    if (!p->dim || !p->hidden || !p->n_heads || !p->n_kv_heads || !p->n_layers || !p->vocab ||
        !p->context)
        return sfail(s, LOOMC_ERR_INVALID_ARG, "every size must be at least 1");
    if (p->dim > max || p->hidden > max || p->n_layers > max || p->vocab > (1u << 24) ||
        p->context > (1u << 24))
        return sfail(s, LOOMC_ERR_INVALID_ARG, "a size is out of range");
    if (p->dim % p->n_heads || (p->dim / p->n_heads) % 2)
        return sfail(s, LOOMC_ERR_INVALID_ARG, "heads %u must divide dim %u into an even head_dim",
                     p->n_heads, p->dim);
    if (p->n_heads % p->n_kv_heads)
        return sfail(s, LOOMC_ERR_INVALID_ARG, "kv-heads %u must divide heads %u", p->n_kv_heads,
                     p->n_heads);
    if (p->type != LOOMC_GGML_F32 && p->type != LOOMC_GGML_F16 && p->type != LOOMC_GGML_Q8_0 &&
        p->type != LOOMC_GGML_Q4_0)
        return sfail(s, LOOMC_ERR_INVALID_ARG, "weight type must be f32, f16, q8_0 or q4_0");
    if ((p->type == LOOMC_GGML_Q8_0 || p->type == LOOMC_GGML_Q4_0) &&
        (p->dim % LOOMC_QK || p->hidden % LOOMC_QK))
        return sfail(s, LOOMC_ERR_INVALID_ARG, "%s needs dim and hidden multiples of %u",
                     loomc_ggml_type_name(p->type), LOOMC_QK);
    s->rope_base = p->rope_freq_base > 0.0f ? p->rope_freq_base : 10000.0f;
    s->rms_eps = p->rms_eps > 0.0f ? p->rms_eps : 1e-5f;
    if (!isfinite(s->rope_base) || !isfinite(s->rms_eps))
        return sfail(s, LOOMC_ERR_INVALID_ARG, "rope base and epsilon must be finite");
    return LOOMC_OK;
}

static void add(struct synth *s, const char *name, uint32_t type, uint64_t d0, uint64_t d1,
                enum init init)
{
    struct tdesc *t = &s->t[s->n_t++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->type = type;
    t->n_dims = d1 ? 2 : 1;
    t->ne[0] = d0;
    t->ne[1] = d1 ? d1 : 1;
    t->init = init;
}

/* The tensor list, in file order. */
static int plan(struct synth *s)
{
    const loomc_synth_params *p = s->p;
    uint64_t kv_dim = (uint64_t)p->dim / p->n_heads * p->n_kv_heads;
    s->t = calloc((size_t)p->n_layers * 9 + 3, sizeof *s->t);
    if (!s->t)
        return sfail(s, LOOMC_ERR_NO_MEMORY, "out of memory");
    add(s, "token_embd.weight", p->type, p->dim, p->vocab, INIT_WEIGHT);
    const struct {
        const char *suffix;
        uint32_t type;
        uint64_t d0, d1;
        enum init init;
    } blk[] = {
        {"attn_norm", LOOMC_GGML_F32, p->dim, 0, INIT_NORM},
        {"attn_q", p->type, p->dim, p->dim, INIT_WEIGHT},
        {"attn_k", p->type, p->dim, kv_dim, INIT_WEIGHT},
        {"attn_v", p->type, p->dim, kv_dim, INIT_WEIGHT},
        {"attn_output", p->type, p->dim, p->dim, INIT_PROJ},
        {"ffn_norm", LOOMC_GGML_F32, p->dim, 0, INIT_NORM},
        {"ffn_gate", p->type, p->dim, p->hidden, INIT_WEIGHT},
        {"ffn_up", p->type, p->dim, p->hidden, INIT_WEIGHT},
        {"ffn_down", p->type, p->hidden, p->dim, INIT_PROJ},
    };
    for (uint32_t l = 0; l < p->n_layers; l++) {
        for (size_t i = 0; i < sizeof blk / sizeof blk[0]; i++) {
            char n[LOOMC_GGUF_MAX_NAME + 1];
            snprintf(n, sizeof n, "blk.%u.%s.weight", l, blk[i].suffix);
            add(s, n, blk[i].type, blk[i].d0, blk[i].d1, blk[i].init);
        }
    }
    add(s, "output_norm.weight", LOOMC_GGML_F32, p->dim, 0, INIT_NORM);
    if (!p->tie_output)
        add(s, "output.weight", p->type, p->dim, p->vocab, INIT_WEIGHT);
    return LOOMC_OK;
}

static uint32_t file_type(uint32_t type)
{
    switch (type) {
    case LOOMC_GGML_F16:
        return 1; /* LLAMA_FTYPE_MOSTLY_F16 */
    case LOOMC_GGML_Q4_0:
        return 2; /* LLAMA_FTYPE_MOSTLY_Q4_0 */
    case LOOMC_GGML_Q8_0:
        return 7; /* LLAMA_FTYPE_MOSTLY_Q8_0 */
    default:
        return 0; /* LLAMA_FTYPE_ALL_F32 */
    }
}

static int metadata(struct synth *s, loomc_gguf_writer *w)
{
    const loomc_synth_params *p = s->p;
    int rc = loomc_gguf_writer_set_str(w, "general.architecture", "llama");
    if (!rc)
        rc = loomc_gguf_writer_set_str(w, "general.name", "loom-synth");
    if (!rc)
        rc = loomc_gguf_writer_set_u32(w, "general.file_type", file_type(p->type));
    if (!rc)
        rc = loomc_gguf_writer_set_u64(w, "loom.synth.seed", p->seed);
    const struct {
        const char *key;
        uint32_t v;
    } u[] = {
        {"llama.context_length", p->context},
        {"llama.embedding_length", p->dim},
        {"llama.block_count", p->n_layers},
        {"llama.feed_forward_length", p->hidden},
        {"llama.rope.dimension_count", p->dim / p->n_heads},
        {"llama.attention.head_count", p->n_heads},
        {"llama.attention.head_count_kv", p->n_kv_heads},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0] && !rc; i++)
        rc = loomc_gguf_writer_set_u32(w, u[i].key, u[i].v);
    if (!rc)
        rc = loomc_gguf_writer_set_f32(w, "llama.rope.freq_base", s->rope_base);
    if (!rc)
        rc = loomc_gguf_writer_set_f32(w, "llama.attention.layer_norm_rms_epsilon", s->rms_eps);
    if (!rc)
        rc = loomc_gguf_writer_set_str(w, "tokenizer.ggml.model", "none");
    if (rc)
        return sfail(s, rc, "metadata: %s", loomc_gguf_writer_errmsg(w));

    /* Token strings "<i>", packed in one block. */
    char **strs = malloc((size_t)p->vocab * sizeof *strs);
    char *text = malloc((size_t)p->vocab * 16);
    if (!strs || !text) {
        free(strs);
        free(text);
        return sfail(s, LOOMC_ERR_NO_MEMORY, "out of memory");
    }
    for (uint32_t i = 0; i < p->vocab; i++) {
        strs[i] = text + (size_t)i * 16;
        snprintf(strs[i], 16, "<%u>", i);
    }
    rc = loomc_gguf_writer_set_arr_str(w, "tokenizer.ggml.tokens", (const char *const *)strs,
                                       p->vocab);
    free(strs);
    free(text);
    if (rc)
        return sfail(s, rc, "metadata: %s", loomc_gguf_writer_errmsg(w));
    return LOOMC_OK;
}

static int write_data(struct synth *s, loomc_gguf_writer *w)
{
    const loomc_synth_params *p = s->p;
    uint32_t row_max = p->dim > p->hidden ? p->dim : p->hidden;
    float *row = malloc((size_t)row_max * sizeof *row);
    if (!row)
        return sfail(s, LOOMC_ERR_NO_MEMORY, "out of memory");
    double proj_std = INIT_STD / sqrt(2.0 * p->n_layers);
    int rc = LOOMC_OK;
    for (size_t i = 0; i < s->n_t && !rc; i++) {
        const struct tdesc *t = &s->t[i];
        struct rng r = tensor_rng(p->seed, t->name);
        for (uint64_t y = 0; y < t->ne[1] && !rc; y++) {
            for (uint64_t x = 0; x < t->ne[0]; x++) {
                double z = normal(&r);
                row[x] = (float)(t->init == INIT_NORM   ? 1.0 + INIT_STD * z
                                 : t->init == INIT_PROJ ? proj_std * z
                                                        : INIT_STD * z);
            }
            rc = loomc_gguf_writer_write_f32(w, row, (size_t)t->ne[0]);
        }
    }
    free(row);
    if (rc)
        return sfail(s, rc, "data: %s", loomc_gguf_writer_errmsg(w));
    return LOOMC_OK;
}

/* Plan, declare, begin (file if path, else memory), stream, finish. */
static int synth(const loomc_synth_params *p, const char *path, loomc_gguf_writer **wout, char *msg,
                 size_t msg_size)
{
    struct synth s = {.p = p, .msg = msg, .msg_size = msg_size};
    *wout = NULL;
    if (msg && msg_size)
        msg[0] = '\0';
    if (!p)
        return sfail(&s, LOOMC_ERR_INVALID_ARG, "NULL parameters");
    int rc = check_params(&s);
    if (!rc)
        rc = plan(&s);
    loomc_gguf_writer *w = NULL;
    if (!rc && (rc = loomc_gguf_writer_create(0, &w)))
        sfail(&s, rc, "cannot create writer");
    if (!rc)
        rc = metadata(&s, w);
    for (size_t i = 0; i < s.n_t && !rc; i++) {
        rc = loomc_gguf_writer_add_tensor(w, s.t[i].name, s.t[i].type, s.t[i].n_dims, s.t[i].ne);
        if (rc)
            sfail(&s, rc, "%s", loomc_gguf_writer_errmsg(w));
    }
    if (!rc) {
        rc = path ? loomc_gguf_writer_begin_file(w, path) : loomc_gguf_writer_begin_memory(w);
        if (rc)
            sfail(&s, rc, "%s", loomc_gguf_writer_errmsg(w));
    }
    if (!rc)
        rc = write_data(&s, w);
    if (!rc && (rc = loomc_gguf_writer_finish(w)))
        sfail(&s, rc, "%s", loomc_gguf_writer_errmsg(w));
    free(s.t);
    if (rc) {
        loomc_gguf_writer_destroy(w);
        return rc;
    }
    *wout = w;
    return LOOMC_OK;
}

int loomc_synth_write_file(const loomc_synth_params *p, const char *path, char *msg,
                           size_t msg_size)
{
    loomc_gguf_writer *w;
    if (!path)
        return LOOMC_ERR_INVALID_ARG;
    int rc = synth(p, path, &w, msg, msg_size);
    loomc_gguf_writer_destroy(w);
    return rc;
}

int loomc_synth_write_memory(const loomc_synth_params *p, void **buf, size_t *size, char *msg,
                             size_t msg_size)
{
    loomc_gguf_writer *w;
    if (!buf || !size)
        return LOOMC_ERR_INVALID_ARG;
    *buf = NULL;
    *size = 0;
    int rc = synth(p, NULL, &w, msg, msg_size);
    if (rc)
        return rc;
    const void *img;
    size_t n;
    loomc_gguf_writer_memory(w, &img, &n);
    *buf = malloc(n ? n : 1);
    if (*buf) {
        memcpy(*buf, img, n);
        *size = n;
    } else {
        rc = LOOMC_ERR_NO_MEMORY;
    }
    loomc_gguf_writer_destroy(w);
    return rc;
}
