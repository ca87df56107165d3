/* SPDX-License-Identifier: Apache-2.0 */
/* Llama-architecture model description, loaded from an open GGUF file.
 *
 * The loader reads the hyper-parameters from the `llama.*` keys, checks that they are
 * consistent, and finds every weight tensor with the shape they imply. GGUF ne[0] is the
 * contiguous dimension: a weight with N outputs and K inputs has ne = {K, N}, i.e. N rows
 * of K values, and computes y[n] = sum_k W[n*K + k] * x[k]. */
#ifndef LOOMC_LLAMA_H
#define LOOMC_LLAMA_H

#include "loomc/gguf.h"

typedef struct loomc_llama_hparams {
    uint32_t dim;         /* llama.embedding_length */
    uint32_t hidden;      /* llama.feed_forward_length */
    uint32_t n_layers;    /* llama.block_count */
    uint32_t n_heads;     /* llama.attention.head_count */
    uint32_t n_kv_heads;  /* llama.attention.head_count_kv (default n_heads) */
    uint32_t head_dim;    /* dim / n_heads (even) */
    uint32_t kv_dim;      /* head_dim * n_kv_heads */
    uint32_t vocab;       /* token_embd ne[1] */
    uint32_t context;     /* llama.context_length */
    uint32_t rope_dim;    /* llama.rope.dimension_count (default head_dim; even, <= head_dim) */
    float rope_freq_base; /* llama.rope.freq_base (default 10000) */
    float rms_eps;        /* llama.attention.layer_norm_rms_epsilon (default 1e-5) */
} loomc_llama_hparams;

/* The weights of one transformer block (pointers into the GGUF handle). */
typedef struct loomc_llama_layer {
    const loomc_gguf_tensor *attn_norm;   /* {dim} */
    const loomc_gguf_tensor *attn_q;      /* {dim, dim}: ne = {K = dim, N = dim} */
    const loomc_gguf_tensor *attn_k;      /* {dim, kv_dim} */
    const loomc_gguf_tensor *attn_v;      /* {dim, kv_dim} */
    const loomc_gguf_tensor *attn_output; /* {dim, dim} */
    const loomc_gguf_tensor *ffn_norm;    /* {dim} */
    const loomc_gguf_tensor *ffn_gate;    /* {dim, hidden} */
    const loomc_gguf_tensor *ffn_up;      /* {dim, hidden} */
    const loomc_gguf_tensor *ffn_down;    /* {hidden, dim} */
} loomc_llama_layer;

typedef struct loomc_llama loomc_llama;

/* Build the model description of the llama-architecture GGUF `g`. Requires
 * general.architecture = "llama"; embedding_length, block_count, feed_forward_length,
 * attention.head_count and context_length present (any integer type, > 0, <= 2^20
 * except context <= 2^24 and vocab <= 2^24); head_count divides dim, head_count_kv divides
 * head_count, head_dim even; every tensor present with the shape listed in
 * loomc_llama_layer plus token_embd {dim, vocab}, output_norm {dim}, output {dim, vocab}
 * (absent: tied to token_embd); weights of type F32, F16, Q8_0 or Q4_0. Trailing
 * dimensions of 1 are ignored when shapes are compared; extra tensors are ignored.
 * On success *out is a handle that borrows `g` (keep g open until loomc_llama_destroy).
 * On failure *out is still a handle (NULL if out of memory) whose
 * loomc_llama_errmsg says what is wrong; the caller destroys it.
 * Errors: LOOMC_ERR_INVALID_ARG, LOOMC_ERR_NO_MEMORY, LOOMC_ERR_BAD_MODEL (keys),
 * LOOMC_ERR_MISSING_TENSOR, LOOMC_ERR_BAD_SHAPE, LOOMC_ERR_UNSUPPORTED (weight type). */
int loomc_llama_load(const loomc_gguf *g, loomc_llama **out);

/* Free the description (not the GGUF handle). NULL: no-op. */
void loomc_llama_destroy(loomc_llama *m);

/* Detail of the load error ("" if none, "out of memory" for NULL). */
const char *loomc_llama_errmsg(const loomc_llama *m);

/* Hyper-parameters; NULL for NULL or a failed load. Owned by m. */
const loomc_llama_hparams *loomc_llama_get_hparams(const loomc_llama *m);

/* Block l (0 .. n_layers-1); NULL if out of range. Owned by m. */
const loomc_llama_layer *loomc_llama_get_layer(const loomc_llama *m, uint32_t l);

/* Token embedding {dim, vocab}, final norm {dim}, LM head {dim, vocab} (the same tensor
 * as token_embd when tied). NULL for a failed load. */
const loomc_gguf_tensor *loomc_llama_token_embd(const loomc_llama *m);
const loomc_gguf_tensor *loomc_llama_output_norm(const loomc_llama *m);
const loomc_gguf_tensor *loomc_llama_output(const loomc_llama *m);

/* 1 if the LM head is tied to token_embd, else 0. */
int loomc_llama_output_tied(const loomc_llama *m);

#endif /* LOOMC_LLAMA_H */
