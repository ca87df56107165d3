/* SPDX-License-Identifier: Apache-2.0 */
/* Float32 reference forward pass of a llama model (maths: loomc/ref.h). */
#include "loomc/ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ref_layer {
    float *attn_norm; /* [dim] */
    float *wq;        /* [dim][dim]      rows = outputs */
    float *wk;        /* [kv_dim][dim] */
    float *wv;        /* [kv_dim][dim] */
    float *wo;        /* [dim][dim] */
    float *ffn_norm;  /* [dim] */
    float *w_gate;    /* [hidden][dim] */
    float *w_up;      /* [hidden][dim] */
    float *w_down;    /* [dim][hidden] */
    float *k_cache;   /* [max_ctx][kv_dim] */
    float *v_cache;   /* [max_ctx][kv_dim] */
};

struct loomc_ref {
    loomc_llama_hparams hp;
    uint32_t max_ctx;
    uint32_t pos;             /* positions in the cache */
    float *token_embd;        /* [vocab][dim] */
    float *output_norm;       /* [dim] */
    float *output;            /* [vocab][dim]; == token_embd when tied */
    struct ref_layer *layers; /* [n_layers] */
    float *x;                 /* [dim] residual stream */
    float *xb;                /* [dim] normed input of a sub-block */
    float *xb2;               /* [dim] sub-block output */
    float *q;                 /* [dim] */
    float *k;                 /* [kv_dim] */
    float *v;                 /* [kv_dim] */
    float *att;               /* [dim] attention output, heads concatenated */
    float *hb;                /* [hidden] gate, then silu(gate)*up */
    float *hb2;               /* [hidden] up */
    double *scores;           /* [max_ctx] attention scores, then weights */
    float *rope_cos;          /* [rope_dim/2] for the current position */
    float *rope_sin;          /* [rope_dim/2] */
};

/* Allocate a float array of a*b elements (checked); NULL on overflow or no memory. */
static float *alloc_f32(size_t a, size_t b, int *rc)
{
    if (*rc)
        return NULL;
    if (b && a > SIZE_MAX / sizeof(float) / b) {
        *rc = LOOMC_ERR_OVERFLOW;
        return NULL;
    }
    size_t n = a * b;
    float *p = calloc(n ? n : 1, sizeof(float));
    if (!p)
        *rc = LOOMC_ERR_NO_MEMORY;
    return p;
}

static float *load(const loomc_gguf_tensor *t, int *rc)
{
    if (*rc)
        return NULL;
    if (t->n_elements > SIZE_MAX / sizeof(float)) {
        *rc = LOOMC_ERR_OVERFLOW;
        return NULL;
    }
    float *p = alloc_f32((size_t)t->n_elements, 1, rc);
    if (p)
        *rc = loomc_gguf_tensor_to_f32(t, p, (size_t)t->n_elements);
    return p;
}

int loomc_ref_create(const loomc_llama *m, uint32_t max_ctx, loomc_ref **out)
{
    if (!out)
        return LOOMC_ERR_INVALID_ARG;
    *out = NULL;
    const loomc_llama_hparams *hp = loomc_llama_get_hparams(m);
    if (!hp || max_ctx == 0 || max_ctx > hp->context)
        return LOOMC_ERR_INVALID_ARG;
    loomc_ref *r = calloc(1, sizeof *r);
    if (!r)
        return LOOMC_ERR_NO_MEMORY;
    r->hp = *hp;
    r->max_ctx = max_ctx;
    r->layers = calloc(hp->n_layers, sizeof *r->layers);
    int rc = r->layers ? LOOMC_OK : LOOMC_ERR_NO_MEMORY;
    r->token_embd = load(loomc_llama_token_embd(m), &rc);
    r->output_norm = load(loomc_llama_output_norm(m), &rc);
    r->output = loomc_llama_output_tied(m) ? r->token_embd : load(loomc_llama_output(m), &rc);
    for (uint32_t l = 0; l < hp->n_layers && !rc; l++) {
        const loomc_llama_layer *src = loomc_llama_get_layer(m, l);
        struct ref_layer *L = &r->layers[l];
        L->attn_norm = load(src->attn_norm, &rc);
        L->wq = load(src->attn_q, &rc);
        L->wk = load(src->attn_k, &rc);
        L->wv = load(src->attn_v, &rc);
        L->wo = load(src->attn_output, &rc);
        L->ffn_norm = load(src->ffn_norm, &rc);
        L->w_gate = load(src->ffn_gate, &rc);
        L->w_up = load(src->ffn_up, &rc);
        L->w_down = load(src->ffn_down, &rc);
        L->k_cache = alloc_f32(max_ctx, hp->kv_dim, &rc);
        L->v_cache = alloc_f32(max_ctx, hp->kv_dim, &rc);
    }
    r->x = alloc_f32(hp->dim, 1, &rc);
    r->xb = alloc_f32(hp->dim, 1, &rc);
    r->xb2 = alloc_f32(hp->dim, 1, &rc);
    r->q = alloc_f32(hp->dim, 1, &rc);
    r->k = alloc_f32(hp->kv_dim, 1, &rc);
    r->v = alloc_f32(hp->kv_dim, 1, &rc);
    r->att = alloc_f32(hp->dim, 1, &rc);
    r->hb = alloc_f32(hp->hidden, 1, &rc);
    r->hb2 = alloc_f32(hp->hidden, 1, &rc);
    if (!rc) {
        r->scores = calloc(max_ctx, sizeof *r->scores);
        rc = r->scores ? LOOMC_OK : LOOMC_ERR_NO_MEMORY;
    }
    r->rope_cos = alloc_f32(hp->rope_dim / 2, 1, &rc);
    r->rope_sin = alloc_f32(hp->rope_dim / 2, 1, &rc);
    if (rc) {
        loomc_ref_destroy(r);
        return rc;
    }
    *out = r;
    return LOOMC_OK;
}

void loomc_ref_destroy(loomc_ref *r)
{
    if (!r)
        return;
    for (uint32_t l = 0; r->layers && l < r->hp.n_layers; l++) {
        struct ref_layer *L = &r->layers[l];
        float *p[] = {L->attn_norm, L->wq,   L->wk,     L->wv,      L->wo,     L->ffn_norm,
                      L->w_gate,    L->w_up, L->w_down, L->k_cache, L->v_cache};
        for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
            free(p[i]);
    }
    free(r->layers);
    if (r->output != r->token_embd)
        free(r->output);
    float *p[] = {r->token_embd, r->output_norm, r->x,  r->xb,  r->xb2,      r->q,       r->k,
                  r->v,          r->att,         r->hb, r->hb2, r->rope_cos, r->rope_sin};
    free(r->scores);
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        free(p[i]);
    free(r);
}

void loomc_ref_reset(loomc_ref *r)
{
    if (r)
        r->pos = 0;
}

uint32_t loomc_ref_pos(const loomc_ref *r)
{
    return r ? r->pos : 0;
}

const loomc_llama_hparams *loomc_ref_hparams(const loomc_ref *r)
{
    return r ? &r->hp : NULL;
}

/* out[i] = x[i] / sqrt(mean(x^2) + eps) * w[i], i < n */
static void rmsnorm(float *out, const float *x, const float *w, uint32_t n, float eps)
{
    double ss = 0.0;
    for (uint32_t i = 0; i < n; i++)
        ss += (double)x[i] * x[i];
    double scale = 1.0 / sqrt(ss / n + eps);
    for (uint32_t i = 0; i < n; i++)
        out[i] = (float)(x[i] * scale * w[i]);
}

/* y[r] = sum_c W[r][c] x[c]; W is rows x cols, row-major (GGUF ne = {cols, rows}). */
static void matvec(float *y, const float *w, const float *x, uint32_t rows, uint32_t cols)
{
    for (uint32_t r = 0; r < rows; r++) {
        const float *wr = w + (size_t)r * cols;
        double acc = 0.0;
        for (uint32_t c = 0; c < cols; c++)
            acc += (double)wr[c] * x[c];
        y[r] = (float)acc;
    }
}

/* Rotate adjacent pairs of each head of vec[n_heads][head_dim] by the current angles. */
static void rope(const loomc_ref *r, float *vec, uint32_t n_heads)
{
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = vec + (size_t)h * r->hp.head_dim;
        for (uint32_t i = 0; i < r->hp.rope_dim / 2; i++) {
            float x0 = v[2 * i], x1 = v[2 * i + 1];
            float c = r->rope_cos[i], s = r->rope_sin[i];
            v[2 * i] = x0 * c - x1 * s;
            v[2 * i + 1] = x0 * s + x1 * c;
        }
    }
}

static void attention(loomc_ref *r, const struct ref_layer *L, uint32_t pos)
{
    const loomc_llama_hparams *hp = &r->hp;
    uint32_t group = hp->n_heads / hp->n_kv_heads, hd = hp->head_dim;
    double scale = 1.0 / sqrt((double)hd);
    for (uint32_t h = 0; h < hp->n_heads; h++) {
        const float *q = r->q + (size_t)h * hd;
        size_t kv_off = (size_t)(h / group) * hd;
        double max = -INFINITY;
        for (uint32_t t = 0; t <= pos; t++) {
            const float *k = L->k_cache + (size_t)t * hp->kv_dim + kv_off;
            double s = 0.0;
            for (uint32_t i = 0; i < hd; i++)
                s += (double)q[i] * k[i];
            r->scores[t] = s * scale;
            max = fmax(max, r->scores[t]);
        }
        double sum = 0.0;
        for (uint32_t t = 0; t <= pos; t++) {
            r->scores[t] = exp(r->scores[t] - max);
            sum += r->scores[t];
        }
        float *o = r->att + (size_t)h * hd;
        for (uint32_t i = 0; i < hd; i++) {
            double acc = 0.0;
            for (uint32_t t = 0; t <= pos; t++)
                acc += r->scores[t] * L->v_cache[(size_t)t * hp->kv_dim + kv_off + i];
            o[i] = (float)(acc / sum);
        }
    }
}

static void forward_one(loomc_ref *r, int32_t token, float *logits)
{
    const loomc_llama_hparams *hp = &r->hp;
    uint32_t pos = r->pos;
    memcpy(r->x, r->token_embd + (size_t)token * hp->dim, hp->dim * sizeof(float));
    for (uint32_t i = 0; i < hp->rope_dim / 2; i++) {
        double a = pos * pow((double)hp->rope_freq_base, -2.0 * i / hp->rope_dim);
        r->rope_cos[i] = (float)cos(a);
        r->rope_sin[i] = (float)sin(a);
    }
    for (uint32_t l = 0; l < hp->n_layers; l++) {
        const struct ref_layer *L = &r->layers[l];
        rmsnorm(r->xb, r->x, L->attn_norm, hp->dim, hp->rms_eps);
        matvec(r->q, L->wq, r->xb, hp->dim, hp->dim);
        matvec(r->k, L->wk, r->xb, hp->kv_dim, hp->dim);
        matvec(r->v, L->wv, r->xb, hp->kv_dim, hp->dim);
        rope(r, r->q, hp->n_heads);
        rope(r, r->k, hp->n_kv_heads);
        memcpy(L->k_cache + (size_t)pos * hp->kv_dim, r->k, hp->kv_dim * sizeof(float));
        memcpy(L->v_cache + (size_t)pos * hp->kv_dim, r->v, hp->kv_dim * sizeof(float));
        attention(r, L, pos);
        matvec(r->xb2, L->wo, r->att, hp->dim, hp->dim);
        for (uint32_t i = 0; i < hp->dim; i++)
            r->x[i] += r->xb2[i];

        rmsnorm(r->xb, r->x, L->ffn_norm, hp->dim, hp->rms_eps);
        matvec(r->hb, L->w_gate, r->xb, hp->hidden, hp->dim);
        matvec(r->hb2, L->w_up, r->xb, hp->hidden, hp->dim);
        for (uint32_t i = 0; i < hp->hidden; i++) {
            double g = r->hb[i];
            r->hb[i] = (float)(g / (1.0 + exp(-g)) * r->hb2[i]);
        }
        matvec(r->xb2, L->w_down, r->hb, hp->dim, hp->hidden);
        for (uint32_t i = 0; i < hp->dim; i++)
            r->x[i] += r->xb2[i];
    }
    if (logits) {
        rmsnorm(r->xb, r->x, r->output_norm, hp->dim, hp->rms_eps);
        matvec(logits, r->output, r->xb, hp->vocab, hp->dim);
    }
    r->pos++;
}

int loomc_ref_forward(loomc_ref *r, const int32_t *tokens, uint32_t n, float *logits)
{
    if (!r || !tokens || n == 0)
        return LOOMC_ERR_INVALID_ARG;
    for (uint32_t i = 0; i < n; i++)
        if (tokens[i] < 0 || (uint32_t)tokens[i] >= r->hp.vocab)
            return LOOMC_ERR_INVALID_ARG;
    if (n > r->max_ctx - r->pos)
        return LOOMC_ERR_CONTEXT_FULL;
    for (uint32_t i = 0; i < n; i++)
        forward_one(r, tokens[i], logits ? logits + (size_t)i * r->hp.vocab : NULL);
    return LOOMC_OK;
}
