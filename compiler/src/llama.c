/* SPDX-License-Identifier: Apache-2.0 */
/* Llama model description from a GGUF file (contract: loomc/llama.h). */
#include "loomc/llama.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (1u << 20) /* dim, hidden, layers, heads */
#define MAX_VOCAB (1u << 24)
#define MAX_CONTEXT (1u << 24)

struct loomc_llama {
    int ok;
    loomc_llama_hparams hp;
    const loomc_gguf_tensor *token_embd;  /* {dim, vocab} */
    const loomc_gguf_tensor *output_norm; /* {dim} */
    const loomc_gguf_tensor *output;      /* {dim, vocab} */
    int tied;
    loomc_llama_layer *layers; /* [n_layers] */
    char err[256];
};

static int lfail(loomc_llama *m, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    return code;
}

/* Required (def == NULL) or optional u32 key in 1..max. */
static int get_dim(loomc_llama *m, const loomc_gguf *g, const char *key, const uint32_t *def,
                   uint32_t max, uint32_t *out)
{
    int rc = loomc_gguf_get_u32(g, key, out);
    if (rc == LOOMC_ERR_NOT_FOUND && def) {
        *out = *def;
        return LOOMC_OK;
    }
    if (rc == LOOMC_ERR_NOT_FOUND)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "missing key %s", key);
    if (rc)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "key %s is not a u32-sized integer", key);
    if (*out == 0 || *out > max)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "key %s = %u out of range 1..%u", key, *out, max);
    return LOOMC_OK;
}

static int get_float(loomc_llama *m, const loomc_gguf *g, const char *key, float def, float *out)
{
    int rc = loomc_gguf_get_f32(g, key, out);
    if (rc == LOOMC_ERR_NOT_FOUND) {
        *out = def;
        return LOOMC_OK;
    }
    if (rc)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "key %s is not a float", key);
    if (!(*out > 0.0f) || *out > 1e30f) /* rejects NaN too */
        return lfail(m, LOOMC_ERR_BAD_MODEL, "key %s = %g must be positive and finite", key,
                     (double)*out);
    return LOOMC_OK;
}

static int read_hparams(loomc_llama *m, const loomc_gguf *g)
{
    loomc_llama_hparams *hp = &m->hp;
    const char *arch;
    size_t len;
    int rc = loomc_gguf_get_str(g, "general.architecture", &arch, &len);
    if (rc)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "general.architecture missing or not a string");
    if (len != 5 || memcmp(arch, "llama", 5))
        return lfail(m, LOOMC_ERR_BAD_MODEL, "architecture '%.*s' is not llama",
                     (int)(len > 32 ? 32 : len), arch);
    if ((rc = get_dim(m, g, "llama.embedding_length", NULL, MAX_SIZE, &hp->dim)) ||
        (rc = get_dim(m, g, "llama.feed_forward_length", NULL, MAX_SIZE, &hp->hidden)) ||
        (rc = get_dim(m, g, "llama.block_count", NULL, MAX_SIZE, &hp->n_layers)) ||
        (rc = get_dim(m, g, "llama.attention.head_count", NULL, MAX_SIZE, &hp->n_heads)) ||
        (rc = get_dim(m, g, "llama.attention.head_count_kv", &hp->n_heads, MAX_SIZE,
                      &hp->n_kv_heads)) ||
        (rc = get_dim(m, g, "llama.context_length", NULL, MAX_CONTEXT, &hp->context)))
        return rc;
    if (hp->dim % hp->n_heads)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "head_count %u does not divide embedding_length %u",
                     hp->n_heads, hp->dim);
    if (hp->n_heads % hp->n_kv_heads)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "head_count_kv %u does not divide head_count %u",
                     hp->n_kv_heads, hp->n_heads);
    hp->head_dim = hp->dim / hp->n_heads;
    hp->kv_dim = hp->head_dim * hp->n_kv_heads;
    if (hp->head_dim % 2)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "head_dim %u is odd (RoPE rotates pairs)",
                     hp->head_dim);
    if ((rc = get_dim(m, g, "llama.rope.dimension_count", &hp->head_dim, hp->head_dim,
                      &hp->rope_dim)))
        return rc;
    if (hp->rope_dim % 2)
        return lfail(m, LOOMC_ERR_BAD_MODEL, "rope.dimension_count %u is odd", hp->rope_dim);
    if ((rc = get_float(m, g, "llama.rope.freq_base", 10000.0f, &hp->rope_freq_base)) ||
        (rc = get_float(m, g, "llama.attention.layer_norm_rms_epsilon", 1e-5f, &hp->rms_eps)))
        return rc;
    return LOOMC_OK;
}

/* Find `name` and check its shape {d0} or {d0, d1} (d1 = 0: one-dimensional) and type. */
static int want(loomc_llama *m, const loomc_gguf *g, const char *name, uint64_t d0, uint64_t d1,
                const loomc_gguf_tensor **out)
{
    const loomc_gguf_tensor *t = loomc_gguf_find_tensor(g, name);
    *out = t;
    if (!t)
        return lfail(m, LOOMC_ERR_MISSING_TENSOR, "tensor %s missing", name);
    uint64_t want_ne[LOOMC_GGUF_MAX_DIMS] = {d0, d1 ? d1 : 1, 1, 1};
    if (memcmp(t->ne, want_ne, sizeof want_ne)) {
        if (d1)
            return lfail(m, LOOMC_ERR_BAD_SHAPE,
                         "tensor %s is {%llu, %llu, %llu, %llu}, want {%llu, %llu}", name,
                         (unsigned long long)t->ne[0], (unsigned long long)t->ne[1],
                         (unsigned long long)t->ne[2], (unsigned long long)t->ne[3],
                         (unsigned long long)d0, (unsigned long long)d1);
        return lfail(m, LOOMC_ERR_BAD_SHAPE, "tensor %s is {%llu, %llu, %llu, %llu}, want {%llu}",
                     name, (unsigned long long)t->ne[0], (unsigned long long)t->ne[1],
                     (unsigned long long)t->ne[2], (unsigned long long)t->ne[3],
                     (unsigned long long)d0);
    }
    if (t->type != LOOMC_GGML_F32 && t->type != LOOMC_GGML_F16 && t->type != LOOMC_GGML_Q8_0 &&
        t->type != LOOMC_GGML_Q4_0)
        return lfail(m, LOOMC_ERR_UNSUPPORTED, "tensor %s has type %s (want f32/f16/q8_0/q4_0)",
                     name, loomc_ggml_type_name(t->type));
    return LOOMC_OK;
}

static int find_tensors(loomc_llama *m, const loomc_gguf *g)
{
    const loomc_llama_hparams *hp = &m->hp;
    const loomc_gguf_tensor *te = loomc_gguf_find_tensor(g, "token_embd.weight");
    if (!te)
        return lfail(m, LOOMC_ERR_MISSING_TENSOR, "tensor token_embd.weight missing");
    if (te->ne[1] == 0 || te->ne[1] > MAX_VOCAB)
        return lfail(m, LOOMC_ERR_BAD_SHAPE, "token_embd.weight vocabulary %llu out of range",
                     (unsigned long long)te->ne[1]);
    m->hp.vocab = (uint32_t)te->ne[1];
    int rc = want(m, g, "token_embd.weight", hp->dim, hp->vocab, &m->token_embd);
    if (!rc)
        rc = want(m, g, "output_norm.weight", hp->dim, 0, &m->output_norm);
    if (rc)
        return rc;
    if (loomc_gguf_find_tensor(g, "output.weight")) {
        rc = want(m, g, "output.weight", hp->dim, hp->vocab, &m->output);
        if (rc)
            return rc;
    } else {
        m->output = m->token_embd;
        m->tied = 1;
    }
    if (hp->n_layers > loomc_gguf_n_tensors(g) / 9)
        return lfail(m, LOOMC_ERR_MISSING_TENSOR,
                     "block_count %u needs %llu tensors, file has %llu", hp->n_layers,
                     9ull * hp->n_layers, (unsigned long long)loomc_gguf_n_tensors(g));
    m->layers = calloc(hp->n_layers, sizeof *m->layers);
    if (!m->layers)
        return lfail(m, LOOMC_ERR_NO_MEMORY, "out of memory");
    for (uint32_t l = 0; l < hp->n_layers; l++) {
        loomc_llama_layer *L = &m->layers[l];
        const struct {
            const char *name;
            uint64_t d0, d1;
            const loomc_gguf_tensor **dst;
        } req[] = {
            {"attn_norm", hp->dim, 0, &L->attn_norm},
            {"attn_q", hp->dim, hp->dim, &L->attn_q},
            {"attn_k", hp->dim, hp->kv_dim, &L->attn_k},
            {"attn_v", hp->dim, hp->kv_dim, &L->attn_v},
            {"attn_output", hp->dim, hp->dim, &L->attn_output},
            {"ffn_norm", hp->dim, 0, &L->ffn_norm},
            {"ffn_gate", hp->dim, hp->hidden, &L->ffn_gate},
            {"ffn_up", hp->dim, hp->hidden, &L->ffn_up},
            {"ffn_down", hp->hidden, hp->dim, &L->ffn_down},
        };
        for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
            char name[LOOMC_GGUF_MAX_NAME + 1];
            snprintf(name, sizeof name, "blk.%u.%s.weight", l, req[i].name);
            rc = want(m, g, name, req[i].d0, req[i].d1, req[i].dst);
            if (rc)
                return rc;
        }
    }
    return LOOMC_OK;
}

int loomc_llama_load(const loomc_gguf *g, loomc_llama **out)
{
    if (!out)
        return LOOMC_ERR_INVALID_ARG;
    loomc_llama *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return LOOMC_ERR_NO_MEMORY;
    if (!g)
        return lfail(m, LOOMC_ERR_INVALID_ARG, "NULL GGUF handle");
    int rc = read_hparams(m, g);
    if (!rc)
        rc = find_tensors(m, g);
    m->ok = rc == LOOMC_OK;
    return rc;
}

void loomc_llama_destroy(loomc_llama *m)
{
    if (!m)
        return;
    free(m->layers);
    free(m);
}

const char *loomc_llama_errmsg(const loomc_llama *m)
{
    return m ? m->err : "out of memory";
}

const loomc_llama_hparams *loomc_llama_get_hparams(const loomc_llama *m)
{
    return m && m->ok ? &m->hp : NULL;
}

const loomc_llama_layer *loomc_llama_get_layer(const loomc_llama *m, uint32_t l)
{
    return m && m->ok && l < m->hp.n_layers ? &m->layers[l] : NULL;
}

const loomc_gguf_tensor *loomc_llama_token_embd(const loomc_llama *m)
{
    return m && m->ok ? m->token_embd : NULL;
}

const loomc_gguf_tensor *loomc_llama_output_norm(const loomc_llama *m)
{
    return m && m->ok ? m->output_norm : NULL;
}

const loomc_gguf_tensor *loomc_llama_output(const loomc_llama *m)
{
    return m && m->ok ? m->output : NULL;
}

int loomc_llama_output_tied(const loomc_llama *m)
{
    return m && m->ok ? m->tied : 0;
}
