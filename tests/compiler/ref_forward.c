/* SPDX-License-Identifier: Apache-2.0 */
/* Reference forward pass:
 *  1. a tiny model (dim 8, 2 heads sharing 1 KV head, head_dim 4) whose logits for two
 *     tokens are derived by hand below, straight-line, from the weights;
 *  2. an independent whole-sequence implementation (double precision, explicit causal
 *     mask, complex-number RoPE) on a random model with GQA and partial RoPE;
 *  3. KV-cache consistency: prefill N then decode == prefill all at once (bit-exact,
 *     since tokens are processed one at a time by design);
 *  4. causality: changing a later token leaves earlier logits unchanged (bit-exact);
 *  5. argument and context errors; speed for dim 256 / 4 layers / vocab 512.
 * Float tolerances: the reference keeps activations in float32 between steps (accumulating
 * in double), so against a double-precision computation the logits agree to ~1e-6
 * relative; 1e-5 of the largest logit is used. */
#include "check.h"
#include "loomc/gguf.h"
#include "loomc/llama.h"
#include "loomc/ref.h"
#include "loomc/synth.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXL 4

struct model {
    uint32_t dim, hidden, heads, kv_heads, layers, vocab, ctx, rope_dim;
    float base, eps;
    float *embd;     /* [vocab][dim] */
    float *out_norm; /* [dim] */
    float *out;      /* [vocab][dim] */
    struct {
        float *an, *wq, *wk, *wv, *wo, *fn, *wg, *wu, *wd; /* row-major [out][in] */
    } l[MAXL];
};

static float *zeros(size_t n)
{
    return calloc(n, sizeof(float));
}

static void alloc_model(struct model *m)
{
    uint32_t kv = m->dim / m->heads * m->kv_heads;
    m->embd = zeros((size_t)m->vocab * m->dim);
    m->out_norm = zeros(m->dim);
    m->out = zeros((size_t)m->vocab * m->dim);
    for (uint32_t l = 0; l < m->layers; l++) {
        m->l[l].an = zeros(m->dim);
        m->l[l].wq = zeros((size_t)m->dim * m->dim);
        m->l[l].wk = zeros((size_t)kv * m->dim);
        m->l[l].wv = zeros((size_t)kv * m->dim);
        m->l[l].wo = zeros((size_t)m->dim * m->dim);
        m->l[l].fn = zeros(m->dim);
        m->l[l].wg = zeros((size_t)m->hidden * m->dim);
        m->l[l].wu = zeros((size_t)m->hidden * m->dim);
        m->l[l].wd = zeros((size_t)m->dim * m->hidden);
    }
}

static void free_model(struct model *m)
{
    free(m->embd);
    free(m->out_norm);
    free(m->out);
    for (uint32_t l = 0; l < m->layers; l++) {
        float *p[] = {m->l[l].an, m->l[l].wq, m->l[l].wk, m->l[l].wv, m->l[l].wo,
                      m->l[l].fn, m->l[l].wg, m->l[l].wu, m->l[l].wd};
        for (int i = 0; i < 9; i++)
            free(p[i]);
    }
}

/* Write m as an F32 llama GGUF and open it. */
static loomc_gguf *to_gguf(const struct model *m)
{
    loomc_gguf_writer *w;
    uint32_t kv = m->dim / m->heads * m->kv_heads;
    int rc = loomc_gguf_writer_create(0, &w);
    const struct {
        const char *k;
        uint32_t v;
    } u[] = {{"llama.embedding_length", m->dim},
             {"llama.feed_forward_length", m->hidden},
             {"llama.block_count", m->layers},
             {"llama.attention.head_count", m->heads},
             {"llama.attention.head_count_kv", m->kv_heads},
             {"llama.context_length", m->ctx},
             {"llama.rope.dimension_count", m->rope_dim}};
    if (!rc)
        rc = loomc_gguf_writer_set_str(w, "general.architecture", "llama");
    for (size_t i = 0; i < sizeof u / sizeof u[0] && !rc; i++)
        rc = loomc_gguf_writer_set_u32(w, u[i].k, u[i].v);
    if (!rc)
        rc = loomc_gguf_writer_set_f32(w, "llama.rope.freq_base", m->base);
    if (!rc)
        rc = loomc_gguf_writer_set_f32(w, "llama.attention.layer_norm_rms_epsilon", m->eps);
    struct {
        char name[64];
        uint64_t ne[2];
        const float *data;
    } t[3 + 9 * MAXL];
    size_t n = 0;
    snprintf(t[n].name, 64, "token_embd.weight");
    t[n].ne[0] = m->dim, t[n].ne[1] = m->vocab, t[n++].data = m->embd;
    for (uint32_t l = 0; l < m->layers; l++) {
        const char *suf[9] = {"attn_norm", "attn_q",   "attn_k", "attn_v",  "attn_output",
                              "ffn_norm",  "ffn_gate", "ffn_up", "ffn_down"};
        const float *d[9] = {m->l[l].an, m->l[l].wq, m->l[l].wk, m->l[l].wv, m->l[l].wo,
                             m->l[l].fn, m->l[l].wg, m->l[l].wu, m->l[l].wd};
        const uint64_t sh[9][2] = {{m->dim, 1},         {m->dim, m->dim},    {m->dim, kv},
                                   {m->dim, kv},        {m->dim, m->dim},    {m->dim, 1},
                                   {m->dim, m->hidden}, {m->dim, m->hidden}, {m->hidden, m->dim}};
        for (int i = 0; i < 9; i++) {
            snprintf(t[n].name, 64, "blk.%u.%s.weight", l, suf[i]);
            t[n].ne[0] = sh[i][0], t[n].ne[1] = sh[i][1], t[n++].data = d[i];
        }
    }
    snprintf(t[n].name, 64, "output_norm.weight");
    t[n].ne[0] = m->dim, t[n].ne[1] = 1, t[n++].data = m->out_norm;
    snprintf(t[n].name, 64, "output.weight");
    t[n].ne[0] = m->dim, t[n].ne[1] = m->vocab, t[n++].data = m->out;
    for (size_t i = 0; i < n && !rc; i++)
        rc = loomc_gguf_writer_add_tensor(w, t[i].name, LOOMC_GGML_F32, t[i].ne[1] > 1 ? 2 : 1,
                                          t[i].ne);
    if (!rc)
        rc = loomc_gguf_writer_begin_memory(w);
    for (size_t i = 0; i < n && !rc; i++)
        rc = loomc_gguf_writer_write_f32(w, t[i].data, t[i].ne[0] * t[i].ne[1]);
    if (!rc)
        rc = loomc_gguf_writer_finish(w);
    const void *buf;
    size_t size;
    loomc_gguf *g = NULL;
    if (!rc)
        rc = loomc_gguf_writer_memory(w, &buf, &size);
    if (!rc)
        rc = loomc_gguf_open_memory(buf, size, &g);
    CHECK(rc == 0, "model gguf: %s", loomc_gguf_writer_errmsg(w));
    loomc_gguf_writer_destroy(w);
    return g;
}

/* Run the reference on tokens[n] with a fresh state; logits[n][vocab]. */
static int run_ref(loomc_gguf *g, uint32_t max_ctx, const int32_t *tokens, uint32_t n,
                   float *logits)
{
    loomc_llama *m;
    loomc_ref *r = NULL;
    int rc = loomc_llama_load(g, &m);
    CHECK(rc == 0, "load: %s", loomc_llama_errmsg(m));
    if (!rc)
        rc = loomc_ref_create(m, max_ctx, &r);
    loomc_llama_destroy(m); /* the state owns its weights */
    if (!rc)
        rc = loomc_ref_forward(r, tokens, n, logits);
    loomc_ref_destroy(r);
    return rc;
}

/* ---- 1. Hand-derived case ------------------------------------------------------------ */
/* dim 8, 2 heads of 4 sharing one KV head, hidden 4, vocab 8, rope over all 4 head dims,
 * base 10000 (pair 0 turns by p rad, pair 1 by p/100 rad), norms 1, eps 1e-6.
 * Wq = Wo = Wout = I8; k = h[0..3], v = h[4..7]; gate = h[0..3], up = h[4..7], and
 * ffn_down adds silu(gate)*up to x[0..3]. */

static double rms_scale(const double *x, int n, double eps)
{
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += x[i] * x[i];
    return 1.0 / sqrt(ss / n + eps);
}

/* Rotate a 4-vector in place for position p: pairs (0,1) by p, (2,3) by p/100. */
static void rot4(double *v, int p)
{
    const double a[2] = {p * 1.0, p * 0.01};
    for (int i = 0; i < 2; i++) {
        double x0 = v[2 * i], x1 = v[2 * i + 1];
        v[2 * i] = x0 * cos(a[i]) - x1 * sin(a[i]);
        v[2 * i + 1] = x0 * sin(a[i]) + x1 * cos(a[i]);
    }
}

static void test_hand(void)
{
    struct model m = {.dim = 8,
                      .hidden = 4,
                      .heads = 2,
                      .kv_heads = 1,
                      .layers = 1,
                      .vocab = 8,
                      .ctx = 8,
                      .rope_dim = 4,
                      .base = 10000.0f,
                      .eps = 1e-6f};
    alloc_model(&m);
    const float e3[8] = {1, 0.5f, -1, 2, 0, 1, -0.5f, 0.25f};
    const float e5[8] = {0.5f, -1, 1, 0, 2, -1, 1, 1};
    memcpy(m.embd + 3 * 8, e3, sizeof e3);
    memcpy(m.embd + 5 * 8, e5, sizeof e5);
    for (int i = 0; i < 8; i++) {
        m.out_norm[i] = m.l[0].an[i] = m.l[0].fn[i] = 1;
        m.l[0].wq[i * 8 + i] = m.l[0].wo[i * 8 + i] = m.out[i * 8 + i] = 1;
    }
    for (int i = 0; i < 4; i++) {
        m.l[0].wk[i * 8 + i] = m.l[0].wg[i * 8 + i] = 1;         /* rows pick h[i] */
        m.l[0].wv[i * 8 + 4 + i] = m.l[0].wu[i * 8 + 4 + i] = 1; /* rows pick h[4+i] */
        m.l[0].wd[i * 4 + i] = 1;                                /* x[i] += a[i] */
    }
    loomc_gguf *g = to_gguf(&m);
    const int32_t tok[2] = {3, 5};
    float got[2][8];
    CHECK(run_ref(g, 8, tok, 2, &got[0][0]) == 0, "hand forward");

    /* By hand. Position 0: the only key is itself, so each head outputs v0. */
    const double eps = (double)1e-6f;
    double x0[8], x1[8], h0[8], h1[8], want[2][8];
    for (int i = 0; i < 8; i++) {
        x0[i] = e3[i];
        x1[i] = e5[i];
    }
    double s0 = rms_scale(x0, 8, eps), s1 = rms_scale(x1, 8, eps);
    for (int i = 0; i < 8; i++) {
        h0[i] = x0[i] * s0;
        h1[i] = x1[i] * s1;
    }
    double k0[4] = {h0[0], h0[1], h0[2], h0[3]}, k1[4] = {h1[0], h1[1], h1[2], h1[3]};
    const double *v0 = h0 + 4, *v1 = h1 + 4;
    rot4(k0, 0); /* identity */
    rot4(k1, 1);
    /* Token 0. */
    for (int i = 0; i < 4; i++)
        x0[i] += v0[i], x0[4 + i] += v0[i]; /* head 0 -> x[0..3], head 1 -> x[4..7] */
    /* Token 1: head hd has q = rot(h1[4hd..4hd+3], 1); scores against k0, k1. */
    double o1[8];
    for (int hd = 0; hd < 2; hd++) {
        double q[4] = {h1[4 * hd], h1[4 * hd + 1], h1[4 * hd + 2], h1[4 * hd + 3]};
        rot4(q, 1);
        double sa = (q[0] * k0[0] + q[1] * k0[1] + q[2] * k0[2] + q[3] * k0[3]) / 2.0;
        double sb = (q[0] * k1[0] + q[1] * k1[1] + q[2] * k1[2] + q[3] * k1[3]) / 2.0;
        double wa = 1.0 / (1.0 + exp(sb - sa)), wb = 1.0 - wa;
        for (int i = 0; i < 4; i++)
            o1[4 * hd + i] = wa * v0[i] + wb * v1[i];
    }
    for (int i = 0; i < 8; i++)
        x1[i] += o1[i];
    /* FFN and final norm for both tokens. */
    double *xs[2] = {x0, x1};
    for (int t = 0; t < 2; t++) {
        double *x = xs[t], f[8];
        double s = rms_scale(x, 8, eps);
        for (int i = 0; i < 8; i++)
            f[i] = x[i] * s;
        for (int i = 0; i < 4; i++)
            x[i] += f[i] / (1.0 + exp(-f[i])) * f[4 + i];
        s = rms_scale(x, 8, eps);
        for (int i = 0; i < 8; i++)
            want[t][i] = x[i] * s;
    }
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 8; i++)
            CHECK(fabs(got[t][i] - want[t][i]) <= 1e-5, "hand: logit[%d][%d] = %.7f, want %.7f", t,
                  i, (double)got[t][i], want[t][i]);
    /* A spot value, so a reader can check this derivation with a pocket calculator:
     * token 0 normalised is e3 / sqrt(mean(e3^2) + eps) with sum(e3^2) = 7.5625. */
    CHECK(fabs(h0[3] - 2.0 / sqrt(7.5625 / 8 + eps)) < 1e-12, "spot value");
    loomc_gguf_close(g);
    free_model(&m);
}

/* ---- 2. Independent whole-sequence implementation -------------------------------------- */

static void fill_normal(struct test_rng *r, float *x, size_t n, double sd, double mean)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(mean + sd * test_normal(r));
}

/* Y[T][rows] = X[T][cols] W^T (W row-major [rows][cols]), double. */
static void mm(double *y, const double *x, const float *w, int T, int rows, int cols)
{
    for (int t = 0; t < T; t++)
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++)
                s += x[t * cols + c] * w[r * cols + c];
            y[t * rows + r] = s;
        }
}

static void norm_rows(double *y, const double *x, const float *g, int T, int n, double eps)
{
    for (int t = 0; t < T; t++) {
        double s = rms_scale(x + t * n, n, eps);
        for (int i = 0; i < n; i++)
            y[t * n + i] = x[t * n + i] * s * g[i];
    }
}

/* Rotate every head of row t by position t, treating the pair (re, im) as a complex
 * number multiplied by e^{i t theta_i}. Pairs are adjacent (x[2i], x[2i+1]) as llama GGUF
 * requires, or (x[i], x[i + rope_dim/2]) (NEOX) to show the test tells them apart. */
static void rope_rows(double *x, int T, int n_heads, int hd, int rope_dim, double base, int neox)
{
    for (int t = 0; t < T; t++)
        for (int h = 0; h < n_heads; h++)
            for (int i = 0; i < rope_dim / 2; i++) {
                double *row = x + (size_t)t * n_heads * hd + h * hd;
                double *a = neox ? row + i : row + 2 * i;
                double *b = neox ? row + i + rope_dim / 2 : row + 2 * i + 1;
                double theta = t / pow(base, (2.0 * i) / rope_dim);
                double re = *a * cos(theta) - *b * sin(theta);
                double im = *a * sin(theta) + *b * cos(theta);
                *a = re;
                *b = im;
            }
}

static void seq_forward(const struct model *m, const int32_t *tok, int T, double *logits, int neox)
{
    int D = (int)m->dim, H = (int)m->hidden, NH = (int)m->heads, NKV = (int)m->kv_heads;
    int hd = D / NH, KV = hd * NKV, V = (int)m->vocab;
    double *X = calloc((size_t)T * D, sizeof *X), *Hn = calloc((size_t)T * D, sizeof *Hn);
    double *Q = calloc((size_t)T * D, sizeof *Q), *K = calloc((size_t)T * KV, sizeof *K);
    double *Vv = calloc((size_t)T * KV, sizeof *Vv), *O = calloc((size_t)T * D, sizeof *O);
    double *Y = calloc((size_t)T * D, sizeof *Y), *G = calloc((size_t)T * H, sizeof *G);
    double *U = calloc((size_t)T * H, sizeof *U), *P = calloc((size_t)T * T, sizeof *P);
    for (int t = 0; t < T; t++)
        for (int i = 0; i < D; i++)
            X[t * D + i] = m->embd[(size_t)tok[t] * D + i];
    for (uint32_t l = 0; l < m->layers; l++) {
        norm_rows(Hn, X, m->l[l].an, T, D, m->eps);
        mm(Q, Hn, m->l[l].wq, T, D, D);
        mm(K, Hn, m->l[l].wk, T, KV, D);
        mm(Vv, Hn, m->l[l].wv, T, KV, D);
        rope_rows(Q, T, NH, hd, (int)m->rope_dim, m->base, neox);
        rope_rows(K, T, NKV, hd, (int)m->rope_dim, m->base, neox);
        for (int h = 0; h < NH; h++) {
            int kvh = h / (NH / NKV);
            /* Full score matrix with a causal mask. */
            for (int a = 0; a < T; a++) {
                double mx = -INFINITY, sum = 0;
                for (int b = 0; b < T; b++) {
                    double s = -INFINITY;
                    if (b <= a) {
                        s = 0;
                        for (int i = 0; i < hd; i++)
                            s += Q[a * D + h * hd + i] * K[b * KV + kvh * hd + i];
                        s /= sqrt((double)hd);
                    }
                    P[a * T + b] = s;
                    mx = fmax(mx, s);
                }
                for (int b = 0; b < T; b++)
                    sum += P[a * T + b] = exp(P[a * T + b] - mx);
                for (int i = 0; i < hd; i++) {
                    double o = 0;
                    for (int b = 0; b < T; b++)
                        o += P[a * T + b] / sum * Vv[b * KV + kvh * hd + i];
                    O[a * D + h * hd + i] = o;
                }
            }
        }
        mm(Y, O, m->l[l].wo, T, D, D);
        for (int i = 0; i < T * D; i++)
            X[i] += Y[i];
        norm_rows(Hn, X, m->l[l].fn, T, D, m->eps);
        mm(G, Hn, m->l[l].wg, T, H, D);
        mm(U, Hn, m->l[l].wu, T, H, D);
        for (int i = 0; i < T * H; i++)
            G[i] = G[i] / (1 + exp(-G[i])) * U[i];
        mm(Y, G, m->l[l].wd, T, D, H);
        for (int i = 0; i < T * D; i++)
            X[i] += Y[i];
    }
    norm_rows(Hn, X, m->out_norm, T, D, m->eps);
    mm(logits, Hn, m->out, T, V, D);
    double *f[] = {X, Hn, Q, K, Vv, O, Y, G, U, P};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(f[i]);
}

static void test_independent(uint32_t rope_dim, float base)
{
    struct model m = {.dim = 32,
                      .hidden = 48,
                      .heads = 4,
                      .kv_heads = 2,
                      .layers = 2,
                      .vocab = 50,
                      .ctx = 64,
                      .rope_dim = rope_dim,
                      .base = base,
                      .eps = 1e-5f};
    alloc_model(&m);
    struct test_rng r = {77 + rope_dim};
    uint32_t kv = m.dim / m.heads * m.kv_heads;
    /* Large weights so that attention is far from uniform and RoPE matters. */
    fill_normal(&r, m.embd, (size_t)m.vocab * m.dim, 1.0, 0);
    fill_normal(&r, m.out_norm, m.dim, 0.1, 1);
    fill_normal(&r, m.out, (size_t)m.vocab * m.dim, 0.3, 0);
    for (uint32_t l = 0; l < m.layers; l++) {
        fill_normal(&r, m.l[l].an, m.dim, 0.1, 1);
        fill_normal(&r, m.l[l].fn, m.dim, 0.1, 1);
        fill_normal(&r, m.l[l].wq, (size_t)m.dim * m.dim, 0.5, 0);
        fill_normal(&r, m.l[l].wk, (size_t)kv * m.dim, 0.5, 0);
        fill_normal(&r, m.l[l].wv, (size_t)kv * m.dim, 0.3, 0);
        fill_normal(&r, m.l[l].wo, (size_t)m.dim * m.dim, 0.1, 0);
        fill_normal(&r, m.l[l].wg, (size_t)m.hidden * m.dim, 0.3, 0);
        fill_normal(&r, m.l[l].wu, (size_t)m.hidden * m.dim, 0.3, 0);
        fill_normal(&r, m.l[l].wd, (size_t)m.dim * m.hidden, 0.1, 0);
    }
    enum { T = 20 };
    int32_t tok[T];
    for (int t = 0; t < T; t++)
        tok[t] = (int32_t)(test_next(&r) % m.vocab);
    double *want = malloc(sizeof(double) * T * m.vocab);
    float *got = malloc(sizeof(float) * T * m.vocab);
    seq_forward(&m, tok, T, want, 0);
    loomc_gguf *g = to_gguf(&m);
    CHECK(run_ref(g, T, tok, T, got) == 0, "forward");
    double mx = 0, worst = 0;
    for (int i = 0; i < T * (int)m.vocab; i++)
        mx = fmax(mx, fabs(want[i]));
    for (int i = 0; i < T * (int)m.vocab; i++)
        worst = fmax(worst, fabs(got[i] - want[i]));
    CHECK(worst <= 1e-5 * mx, "rope_dim %u: worst |diff| %.3g, max |logit| %.3g", rope_dim, worst,
          mx);
    /* The check has teeth: the NEOX pairing gives clearly different logits. */
    seq_forward(&m, tok, T, want, 1);
    double neox = 0;
    for (int i = 0; i < T * (int)m.vocab; i++)
        neox = fmax(neox, fabs(got[i] - want[i]));
    CHECK(neox > 1e3 * worst && neox > 1e-2 * mx, "NEOX pairing not told apart: %.3g", neox);
    printf("independent (rope_dim %u, base %g): max |logit| %.3f, worst diff %.2g "
           "(NEOX pairing would differ by %.2g)\n",
           rope_dim, (double)base, mx, worst, neox);
    loomc_gguf_close(g);
    free(want);
    free(got);
    free_model(&m);
}

/* ---- 3-5. KV cache, causality, errors, speed ----------------------------------------- */

static void test_cache_and_causality(void)
{
    loomc_synth_params p = {.dim = 256,
                            .hidden = 768,
                            .n_heads = 8,
                            .n_kv_heads = 2,
                            .n_layers = 4,
                            .vocab = 512,
                            .context = 256,
                            .type = LOOMC_GGML_Q4_0,
                            .seed = 5};
    void *buf;
    size_t size;
    char msg[128];
    CHECK(loomc_synth_write_memory(&p, &buf, &size, msg, sizeof msg) == 0, "synth: %s", msg);
    loomc_gguf *g;
    CHECK(loomc_gguf_open_memory(buf, size, &g) == 0, "open");
    free(buf);
    loomc_llama *m;
    CHECK(loomc_llama_load(g, &m) == 0, "load: %s", loomc_llama_errmsg(m));
    loomc_ref *r;
    CHECK(loomc_ref_create(m, 64, &r) == 0, "create");
    loomc_llama_destroy(m);
    loomc_gguf_close(g);
    const uint32_t V = 512;
    enum { N = 24 };
    int32_t tok[N];
    struct test_rng rng = {9};
    for (int i = 0; i < N; i++)
        tok[i] = (int32_t)(test_next(&rng) % V);
    float *all = malloc(sizeof(float) * N * V), *step = malloc(sizeof(float) * N * V);

    clock_t c0 = clock();
    CHECK(loomc_ref_forward(r, tok, N, all) == 0, "prefill all");
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK(loomc_ref_pos(r) == N, "pos after prefill");
    printf(
        "dim 256 / 4 layers / vocab 512 (q4_0 weights as f32): %d tokens in %.3f s, %.0f tok/s\n",
        N, secs, N / (secs > 0 ? secs : 1e-9));

    /* Prefill 7, decode the rest one at a time. */
    loomc_ref_reset(r);
    CHECK(loomc_ref_pos(r) == 0, "reset");
    CHECK(loomc_ref_forward(r, tok, 7, step) == 0, "prefill 7");
    for (int i = 7; i < N; i++)
        CHECK(loomc_ref_forward(r, tok + i, 1, step + (size_t)i * V) == 0, "decode %d", i);
    CHECK(!memcmp(all, step, sizeof(float) * N * V), "prefill+decode differs from prefill");
    /* Uneven chunks. */
    loomc_ref_reset(r);
    CHECK(loomc_ref_forward(r, tok, 10, step) == 0 &&
              loomc_ref_forward(r, tok + 10, 3, step + 10 * V) == 0 &&
              loomc_ref_forward(r, tok + 13, N - 13, step + 13 * V) == 0,
          "chunks");
    CHECK(!memcmp(all, step, sizeof(float) * N * V), "chunked prefill differs");

    /* Causality: a different token at position 15 leaves 0..14 unchanged. */
    tok[15] = (tok[15] + 1) % (int32_t)V;
    loomc_ref_reset(r);
    CHECK(loomc_ref_forward(r, tok, N, step) == 0, "changed prefill");
    CHECK(!memcmp(all, step, sizeof(float) * 15 * V), "earlier logits changed");
    int later_differ = 1;
    for (int t = 15; t < N; t++)
        later_differ &= memcmp(all + (size_t)t * V, step + (size_t)t * V, sizeof(float) * V) != 0;
    CHECK(later_differ, "a later position did not see the changed token");

    /* Logits are finite and not degenerate. */
    double lo = 1e30, hi = -1e30;
    for (size_t i = 0; i < (size_t)N * V; i++) {
        lo = fmin(lo, all[i]);
        hi = fmax(hi, all[i]);
    }
    CHECK(isfinite(lo) && isfinite(hi) && hi - lo > 1e-3, "logit range [%g, %g]", lo, hi);

    /* Errors leave the state unchanged. */
    loomc_ref_reset(r);
    int32_t bad[2] = {0, (int32_t)V};
    CHECK(loomc_ref_forward(r, bad, 2, step) == LOOMC_ERR_INVALID_ARG, "token = vocab");
    bad[1] = -1;
    CHECK(loomc_ref_forward(r, bad, 2, step) == LOOMC_ERR_INVALID_ARG, "token -1");
    CHECK(loomc_ref_forward(r, tok, 0, step) == LOOMC_ERR_INVALID_ARG, "n = 0");
    CHECK(loomc_ref_pos(r) == 0, "state changed by a failed call");
    CHECK(loomc_ref_forward(r, tok, N, NULL) == 0, "no logits");
    int32_t big[64] = {0};
    CHECK(loomc_ref_forward(r, big, 64 - N + 1, step) == LOOMC_ERR_CONTEXT_FULL, "context full");
    CHECK(loomc_ref_forward(r, big, 64 - N, NULL) == 0 && loomc_ref_pos(r) == 64, "fill context");
    CHECK(loomc_ref_forward(r, big, 1, step) == LOOMC_ERR_CONTEXT_FULL, "one past the end");
    loomc_ref_destroy(r);
    loomc_ref_destroy(NULL);

    CHECK(loomc_ref_create(NULL, 8, &r) == LOOMC_ERR_INVALID_ARG && r == NULL, "NULL model");
    free(all);
    free(step);
}

static void test_create_limits(void)
{
    loomc_synth_params p = {.dim = 32,
                            .hidden = 32,
                            .n_heads = 2,
                            .n_kv_heads = 2,
                            .n_layers = 1,
                            .vocab = 16,
                            .context = 16,
                            .type = LOOMC_GGML_F16,
                            .seed = 1,
                            .tie_output = 1};
    void *buf;
    size_t size;
    char msg[128];
    loomc_gguf *g;
    loomc_llama *m;
    loomc_ref *r;
    CHECK(loomc_synth_write_memory(&p, &buf, &size, msg, sizeof msg) == 0, "synth: %s", msg);
    CHECK(loomc_gguf_open_memory(buf, size, &g) == 0, "open");
    CHECK(loomc_llama_load(g, &m) == 0, "load");
    CHECK(loomc_ref_create(m, 17, &r) == LOOMC_ERR_INVALID_ARG, "max_ctx > context");
    CHECK(loomc_ref_create(m, 0, &r) == LOOMC_ERR_INVALID_ARG, "max_ctx 0");
    CHECK(loomc_ref_create(m, 16, &r) == 0, "tied f16 model");
    const int32_t t[3] = {1, 2, 3};
    float lg[3 * 16];
    CHECK(loomc_ref_forward(r, t, 3, lg) == 0, "tied forward");
    CHECK(loomc_ref_hparams(r)->vocab == 16, "hparams");
    loomc_ref_destroy(r);
    loomc_llama_destroy(m);
    loomc_gguf_close(g);
    free(buf);
}

int main(void)
{
    test_hand();
    test_independent(8, 10000.0f); /* full RoPE over head_dim 8 */
    test_independent(4, 500.0f);   /* partial RoPE: pairs (0,1), (2,3) only */
    test_cache_and_causality();
    test_create_limits();
    return check_report("reference forward");
}
