/* SPDX-License-Identifier: Apache-2.0 */
/* Llama loader: accepts synth models (untied and tied), rejects missing or wrong-shaped
 * tensors and bad hyper-parameters with the documented codes. Synth: deterministic,
 * type-independent values, initialisation statistics. */
#include "check.h"
#include "loomc/gguf.h"
#include "loomc/llama.h"
#include "loomc/synth.h"

#include <stdlib.h>
#include <string.h>

enum { DIM = 64, HIDDEN = 96, HEADS = 4, KV_HEADS = 2, LAYERS = 2, VOCAB = 40, CTX = 32 };
#define KV_DIM (DIM / HEADS * KV_HEADS)

/* One deviation from a valid model. */
struct variant {
    const char *what;
    const char *drop_key; /* omit this key */
    const char *u32_key;  /* set this key to u32_val instead */
    uint32_t u32_val;
    const char *f32_key; /* set this key to f32_val instead */
    float f32_val;
    const char *str_key;      /* set this key to a string "gpt2" instead */
    const char *drop_tensor;  /* omit this tensor */
    const char *shape_tensor; /* give this tensor shape ne[0..n_dims) */
    uint32_t n_dims;
    uint64_t ne[4];
    const char *type_tensor; /* give this tensor type `type` */
    uint32_t type;
    int want;
};

static int is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static int put_u32(loomc_gguf_writer *w, const struct variant *v, const char *key, uint32_t val)
{
    if (is(v->drop_key, key))
        return 0;
    if (is(v->str_key, key))
        return loomc_gguf_writer_set_str(w, key, "gpt2");
    if (is(v->f32_key, key))
        return loomc_gguf_writer_set_f32(w, key, v->f32_val);
    return loomc_gguf_writer_set_u32(w, key, is(v->u32_key, key) ? v->u32_val : val);
}

static int put_f32(loomc_gguf_writer *w, const struct variant *v, const char *key, float val)
{
    if (is(v->drop_key, key))
        return 0;
    if (is(v->u32_key, key))
        return loomc_gguf_writer_set_u32(w, key, v->u32_val);
    return loomc_gguf_writer_set_f32(w, key, is(v->f32_key, key) ? v->f32_val : val);
}

struct tlist {
    char names[2 + 9 * LAYERS + 1][64];
    uint64_t shapes[2 + 9 * LAYERS + 1][2]; /* {ne0, ne1}; ne1 = 0: one-dimensional */
    size_t n;
};

static void T(struct tlist *tl, const char *name, uint64_t d0, uint64_t d1)
{
    snprintf(tl->names[tl->n], sizeof tl->names[0], "%s", name);
    tl->shapes[tl->n][0] = d0;
    tl->shapes[tl->n][1] = d1;
    tl->n++;
}

/* A llama GGUF (F32 weights, all zero) with the deviation v, in memory. */
static loomc_gguf *build(const struct variant *v)
{
    loomc_gguf_writer *w;
    int rc = loomc_gguf_writer_create(0, &w);
    if (!rc && !is(v->drop_key, "general.architecture"))
        rc = loomc_gguf_writer_set_str(w, "general.architecture",
                                       is(v->str_key, "general.architecture") ? "gpt2" : "llama");
    const struct {
        const char *key;
        uint32_t val;
    } u[] = {
        {"llama.embedding_length", DIM},
        {"llama.feed_forward_length", HIDDEN},
        {"llama.block_count", LAYERS},
        {"llama.attention.head_count", HEADS},
        {"llama.attention.head_count_kv", KV_HEADS},
        {"llama.context_length", CTX},
        {"llama.rope.dimension_count", DIM / HEADS},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0] && !rc; i++)
        rc = put_u32(w, v, u[i].key, u[i].val);
    if (!rc)
        rc = put_f32(w, v, "llama.rope.freq_base", 10000.0f);
    if (!rc)
        rc = put_f32(w, v, "llama.attention.layer_norm_rms_epsilon", 1e-5f);

    struct tlist tl = {.n = 0};
    T(&tl, "token_embd.weight", DIM, VOCAB);
    for (int l = 0; l < LAYERS; l++) {
        const char *suf[9] = {"attn_norm", "attn_q",   "attn_k", "attn_v",  "attn_output",
                              "ffn_norm",  "ffn_gate", "ffn_up", "ffn_down"};
        const uint64_t d[9][2] = {{DIM, 0}, {DIM, DIM},    {DIM, KV_DIM}, {DIM, KV_DIM}, {DIM, DIM},
                                  {DIM, 0}, {DIM, HIDDEN}, {DIM, HIDDEN}, {HIDDEN, DIM}};
        for (int i = 0; i < 9; i++) {
            char nm[64];
            snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, suf[i]);
            T(&tl, nm, d[i][0], d[i][1]);
        }
    }
    T(&tl, "output_norm.weight", DIM, 0);
    T(&tl, "output.weight", DIM, VOCAB);
    char(*names)[64] = tl.names;
    uint64_t(*shapes)[2] = tl.shapes;
    for (size_t i = 0; i < tl.n && !rc; i++) {
        if (is(v->drop_tensor, names[i]))
            continue;
        uint32_t type = is(v->type_tensor, names[i]) ? v->type : LOOMC_GGML_F32;
        if (is(v->shape_tensor, names[i]))
            rc = loomc_gguf_writer_add_tensor(w, names[i], type, v->n_dims, v->ne);
        else
            rc = loomc_gguf_writer_add_tensor(w, names[i], type, shapes[i][1] ? 2 : 1, shapes[i]);
    }
    if (!rc)
        rc = loomc_gguf_writer_begin_memory(w);
    static const uint8_t zeros[4096];
    while (!rc && loomc_gguf_writer_write_raw(w, zeros, 1) == 0)
        ; /* zero-fill every tensor */
    if (!rc)
        rc = loomc_gguf_writer_finish(w);
    const void *buf;
    size_t size;
    loomc_gguf *g = NULL;
    if (!rc)
        rc = loomc_gguf_writer_memory(w, &buf, &size);
    if (!rc && loomc_gguf_open_memory(buf, size, &g))
        rc = -1;
    if (rc)
        printf("build '%s' failed: %d %s / %s\n", v->what, rc, loomc_gguf_writer_errmsg(w),
               loomc_gguf_errmsg(g));
    loomc_gguf_writer_destroy(w);
    return g;
}

static void test_variants(void)
{
    const struct variant vs[] = {
        {.what = "valid", .want = LOOMC_OK},
        {.what = "no output (tied)", .drop_tensor = "output.weight", .want = LOOMC_OK},
        {.what = "norm as {dim,1,1}",
         .shape_tensor = "blk.0.attn_norm.weight",
         .n_dims = 3,
         .ne = {DIM, 1, 1},
         .want = LOOMC_OK},
        {.what = "f16/q8_0 weights",
         .type_tensor = "blk.1.attn_q.weight",
         .type = LOOMC_GGML_Q8_0,
         .want = LOOMC_OK},
        {.what = "missing ffn_down",
         .drop_tensor = "blk.1.ffn_down.weight",
         .want = LOOMC_ERR_MISSING_TENSOR},
        {.what = "missing token_embd",
         .drop_tensor = "token_embd.weight",
         .want = LOOMC_ERR_MISSING_TENSOR},
        {.what = "missing output_norm",
         .drop_tensor = "output_norm.weight",
         .want = LOOMC_ERR_MISSING_TENSOR},
        {.what = "missing attn_norm",
         .drop_tensor = "blk.0.attn_norm.weight",
         .want = LOOMC_ERR_MISSING_TENSOR},
        {.what = "attn_k {dim, dim}",
         .shape_tensor = "blk.0.attn_k.weight",
         .n_dims = 2,
         .ne = {DIM, DIM},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "attn_q transposed-looking {dim, kv_dim}",
         .shape_tensor = "blk.1.attn_q.weight",
         .n_dims = 2,
         .ne = {DIM, KV_DIM},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "ffn_down transposed",
         .shape_tensor = "blk.0.ffn_down.weight",
         .n_dims = 2,
         .ne = {DIM, HIDDEN},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "ffn_gate 3-D",
         .shape_tensor = "blk.0.ffn_gate.weight",
         .n_dims = 3,
         .ne = {DIM, HIDDEN, 2},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "attn_norm {dim, 2}",
         .shape_tensor = "blk.1.attn_norm.weight",
         .n_dims = 2,
         .ne = {DIM, 2},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "output_norm {dim+32}",
         .shape_tensor = "output_norm.weight",
         .n_dims = 1,
         .ne = {DIM + 32},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "output vocab+1",
         .shape_tensor = "output.weight",
         .n_dims = 2,
         .ne = {DIM, VOCAB + 1},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "token_embd wrong dim",
         .shape_tensor = "token_embd.weight",
         .n_dims = 2,
         .ne = {DIM + 1, VOCAB},
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "q4_1 weight",
         .type_tensor = "blk.0.ffn_up.weight",
         .type = LOOMC_GGML_Q4_1,
         .want = LOOMC_ERR_UNSUPPORTED},
        {.what = "architecture gpt2",
         .str_key = "general.architecture",
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no architecture",
         .drop_key = "general.architecture",
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no embedding_length",
         .drop_key = "llama.embedding_length",
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no block_count", .drop_key = "llama.block_count", .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no context_length",
         .drop_key = "llama.context_length",
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "embedding_length string",
         .str_key = "llama.embedding_length",
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "embedding_length huge",
         .u32_key = "llama.embedding_length",
         .u32_val = 1u << 31,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "block_count 0",
         .u32_key = "llama.block_count",
         .u32_val = 0,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "block_count 3 > blocks present",
         .u32_key = "llama.block_count",
         .u32_val = 3,
         .want = LOOMC_ERR_MISSING_TENSOR},
        {.what = "heads 3 do not divide dim",
         .u32_key = "llama.attention.head_count",
         .u32_val = 3,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "kv heads 3 do not divide heads",
         .u32_key = "llama.attention.head_count_kv",
         .u32_val = 3,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "odd head_dim",
         .u32_key = "llama.attention.head_count",
         .u32_val = 64,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no head_count_kv: default = heads, attn_k now wrong",
         .drop_key = "llama.attention.head_count_kv",
         .want = LOOMC_ERR_BAD_SHAPE},
        {.what = "rope dims odd",
         .u32_key = "llama.rope.dimension_count",
         .u32_val = 7,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "rope dims > head_dim",
         .u32_key = "llama.rope.dimension_count",
         .u32_val = 2 * DIM / HEADS,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "rope base NaN",
         .f32_key = "llama.rope.freq_base",
         .f32_val = NAN,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "rms eps negative",
         .f32_key = "llama.attention.layer_norm_rms_epsilon",
         .f32_val = -1e-5f,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "rms eps as u32",
         .u32_key = "llama.attention.layer_norm_rms_epsilon",
         .u32_val = 1,
         .want = LOOMC_ERR_BAD_MODEL},
        {.what = "no rope base: default", .drop_key = "llama.rope.freq_base", .want = LOOMC_OK},
    };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        loomc_gguf *g = build(&vs[i]);
        CHECK(g != NULL, "%s: could not build", vs[i].what);
        loomc_llama *m;
        int rc = loomc_llama_load(g, &m);
        CHECK(rc == vs[i].want, "%s: got %d (%s), want %d", vs[i].what, rc, loomc_llama_errmsg(m),
              vs[i].want);
        if (vs[i].drop_tensor && rc == LOOMC_ERR_MISSING_TENSOR)
            CHECK(strstr(loomc_llama_errmsg(m), vs[i].drop_tensor), "%s: message '%s'", vs[i].what,
                  loomc_llama_errmsg(m));
        if (vs[i].shape_tensor && rc == LOOMC_ERR_BAD_SHAPE)
            CHECK(strstr(loomc_llama_errmsg(m), vs[i].shape_tensor), "%s: message '%s'", vs[i].what,
                  loomc_llama_errmsg(m));
        if (rc)
            CHECK(loomc_llama_get_hparams(m) == NULL && loomc_llama_get_layer(m, 0) == NULL &&
                      loomc_llama_errmsg(m)[0],
                  "%s: failed handle", vs[i].what);
        if (!rc) {
            const loomc_llama_hparams *hp = loomc_llama_get_hparams(m);
            CHECK(hp->dim == DIM && hp->hidden == HIDDEN && hp->n_layers == LAYERS &&
                      hp->n_heads == HEADS && hp->n_kv_heads == KV_HEADS &&
                      hp->head_dim == DIM / HEADS && hp->kv_dim == KV_DIM && hp->vocab == VOCAB &&
                      hp->context == CTX && hp->rope_dim == DIM / HEADS &&
                      hp->rope_freq_base == 10000.0f && hp->rms_eps == 1e-5f,
                  "%s: hparams", vs[i].what);
            int tied = is(vs[i].drop_tensor, "output.weight");
            CHECK(loomc_llama_output_tied(m) == tied &&
                      (loomc_llama_output(m) == loomc_llama_token_embd(m)) == tied,
                  "%s: tied", vs[i].what);
            const loomc_llama_layer *L1 = loomc_llama_get_layer(m, 1);
            CHECK(L1 && !strcmp(L1->ffn_down->name, "blk.1.ffn_down.weight") &&
                      !strcmp(L1->attn_k->name, "blk.1.attn_k.weight") &&
                      loomc_llama_get_layer(m, LAYERS) == NULL,
                  "%s: layer tensors", vs[i].what);
        }
        loomc_llama_destroy(m);
        loomc_gguf_close(g);
    }
    loomc_llama *m;
    CHECK(loomc_llama_load(NULL, &m) == LOOMC_ERR_INVALID_ARG, "NULL gguf");
    loomc_llama_destroy(m);
    loomc_llama_destroy(NULL);
}

static loomc_gguf *synth_open(const loomc_synth_params *p, void **buf, size_t *size)
{
    char msg[128];
    loomc_gguf *g = NULL;
    int rc = loomc_synth_write_memory(p, buf, size, msg, sizeof msg);
    CHECK(rc == 0, "synth: %s", msg);
    if (!rc)
        CHECK(loomc_gguf_open_memory(*buf, *size, &g) == 0, "open synth: %s", loomc_gguf_errmsg(g));
    return g;
}

static double stddev(const float *x, size_t n, double *mean)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *mean = s / n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    return sqrt(ss / n);
}

static void test_synth(void)
{
    loomc_synth_params p = {.dim = 128,
                            .hidden = 320,
                            .n_heads = 4,
                            .n_kv_heads = 1,
                            .n_layers = 8,
                            .vocab = 300,
                            .context = 64,
                            .type = LOOMC_GGML_F32,
                            .seed = 42};
    void *a, *b, *c, *q;
    size_t na, nb, nc, nq;
    loomc_gguf *ga = synth_open(&p, &a, &na);
    loomc_gguf *gb = synth_open(&p, &b, &nb);
    CHECK(na == nb && !memcmp(a, b, na), "same seed, different files");
    p.seed = 43;
    loomc_gguf *gc = synth_open(&p, &c, &nc);
    CHECK(na == nc && memcmp(a, c, na), "different seeds, same file");
    p.seed = 42;
    p.type = LOOMC_GGML_Q8_0;
    loomc_gguf *gq = synth_open(&p, &q, &nq);

    loomc_llama *m;
    CHECK(loomc_llama_load(gq, &m) == 0, "synth q8_0 model: %s", loomc_llama_errmsg(m));
    const loomc_llama_hparams *hp = loomc_llama_get_hparams(m);
    CHECK(hp && hp->dim == 128 && hp->hidden == 320 && hp->n_kv_heads == 1 && hp->kv_dim == 32 &&
              hp->vocab == 300 && hp->n_layers == 8 && !loomc_llama_output_tied(m),
          "synth hparams");
    loomc_llama_destroy(m);
    uint64_t seed;
    CHECK(loomc_gguf_get_u64(gq, "loom.synth.seed", &seed) == 0 && seed == 42, "seed key");
    uint64_t ntok;
    const char *s;
    size_t len;
    CHECK(loomc_gguf_get_arr(gq, "tokenizer.ggml.tokens", NULL, &ntok) == 0 && ntok == 300 &&
              loomc_gguf_get_arr_str(gq, "tokenizer.ggml.tokens", 299, &s, &len) == 0 && len == 5 &&
              !memcmp(s, "<299>", 5),
          "tokens");

    /* The q8_0 file holds the same floats as the f32 one, quantised. */
    for (uint64_t i = 0; i < loomc_gguf_n_tensors(ga); i++) {
        const loomc_gguf_tensor *tf = loomc_gguf_tensor_at(ga, i);
        const loomc_gguf_tensor *tq = loomc_gguf_find_tensor(gq, tf->name);
        CHECK(tq && tq->n_elements == tf->n_elements, "%s in q8_0 file", tf->name);
        if (!tq)
            continue;
        size_t n = (size_t)tf->n_elements;
        float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
        loomc_gguf_tensor_to_f32(tf, x, n);
        loomc_gguf_tensor_to_f32(tq, y, n);
        double worst = 0;
        for (size_t j = 0; j < n; j += 32) {
            float amax = 0;
            for (size_t k = j; k < j + 32 && k < n; k++)
                amax = fmaxf(amax, fabsf(x[k]));
            for (size_t k = j; k < j + 32 && k < n; k++)
                worst = fmax(worst, fabs(x[k] - y[k]) / (amax / 127.0 + 1e-30));
        }
        CHECK(worst <= 0.57, "%s: q8_0 error %.3f steps", tf->name, worst);

        double mean, sd = stddev(x, n, &mean);
        const char *nm = tf->name;
        if (strstr(nm, "norm")) {
            CHECK(tf->type == LOOMC_GGML_F32 && tq->type == LOOMC_GGML_F32, "%s stays f32", nm);
            CHECK(fabs(mean - 1.0) < 0.01 && sd < 0.03, "%s: mean %g sd %g", nm, mean, sd);
        } else {
            double want = strstr(nm, "attn_output") || strstr(nm, "ffn_down") ? 0.02 / 4.0 : 0.02;
            CHECK(fabs(mean) < 4 * want / sqrt((double)n) + 1e-4 && fabs(sd / want - 1) < 0.1,
                  "%s: mean %g sd %g want %g", nm, mean, sd, want);
        }
        free(x);
        free(y);
    }

    /* Bad parameters are refused with a message. */
    char msg[128] = "";
    void *buf;
    size_t size;
    loomc_synth_params bad = p;
    bad.dim = 80; /* head_dim 20 is fine, but not a multiple of 32 for q8_0 */
    CHECK(loomc_synth_write_memory(&bad, &buf, &size, msg, sizeof msg) == LOOMC_ERR_INVALID_ARG &&
              strstr(msg, "multiple"),
          "dim 80 q8_0: '%s'", msg);
    bad = p;
    bad.n_kv_heads = 3;
    CHECK(loomc_synth_write_memory(&bad, &buf, &size, msg, sizeof msg) == LOOMC_ERR_INVALID_ARG,
          "kv heads 3");
    bad = p;
    bad.type = LOOMC_GGML_Q4_1;
    CHECK(loomc_synth_write_memory(&bad, &buf, &size, msg, sizeof msg) == LOOMC_ERR_INVALID_ARG,
          "q4_1");
    bad = p;
    bad.vocab = 0;
    CHECK(loomc_synth_write_memory(&bad, &buf, &size, msg, sizeof msg) == LOOMC_ERR_INVALID_ARG,
          "vocab 0");
    CHECK(loomc_synth_write_file(&p, "/nonexistent-dir/x.gguf", msg, sizeof msg) == LOOMC_ERR_IO,
          "unwritable path");

    /* Tied output and every weight type load. */
    const uint32_t types[] = {LOOMC_GGML_F16, LOOMC_GGML_Q4_0};
    for (int i = 0; i < 2; i++) {
        loomc_synth_params t = p;
        t.type = types[i];
        t.tie_output = 1;
        void *tb;
        size_t tn;
        loomc_gguf *gt = synth_open(&t, &tb, &tn);
        CHECK(loomc_llama_load(gt, &m) == 0 && loomc_llama_output_tied(m) &&
                  loomc_llama_token_embd(m)->type == types[i],
              "tied %s model", loomc_ggml_type_name(types[i]));
        loomc_llama_destroy(m);
        loomc_gguf_close(gt);
        free(tb);
    }

    loomc_gguf_close(ga);
    loomc_gguf_close(gb);
    loomc_gguf_close(gc);
    loomc_gguf_close(gq);
    free(a);
    free(b);
    free(c);
    free(q);
}

int main(void)
{
    test_variants();
    test_synth();
    return check_report("llama loader and synth");
}
