/* SPDX-License-Identifier: Apache-2.0 */
/* Float32 reference forward pass of a llama model: the accuracy reference that compiled
 * Loom programs are compared against.
 *
 * Per token at position p (0-based), with x the residual stream [dim]:
 *   x = token_embd[token]
 *   per layer:
 *     h = rmsnorm(x) * attn_norm            rmsnorm(x) = x / sqrt(mean(x^2) + rms_eps)
 *     q = Wq h [dim], k = Wk h [kv_dim], v = Wv h [kv_dim]
 *     RoPE on q and k, per head, ADJACENT pairs (x[2i], x[2i+1]) for i < rope_dim/2:
 *       a = p * freq_base^(-2i/rope_dim); (x0, x1) -> (x0 cos a - x1 sin a, x0 sin a + x1 cos a)
 *     append k, v to the KV cache at p
 *     head hq reads KV head hq / (n_heads / n_kv_heads):
 *       s_t = q_hq . k_t / sqrt(head_dim) for t = 0..p; w = softmax(s); o_hq = sum_t w_t v_t
 *     x += Wo o
 *     h = rmsnorm(x) * ffn_norm
 *     x += Wdown (silu(Wgate h) * (Wup h))   silu(z) = z / (1 + e^-z)
 *   logits = Wout (rmsnorm(x) * output_norm) [vocab]
 * Weights are converted to float32 once at create time; dot products, norms and softmax
 * sums accumulate in double, RoPE angles are computed in double. Tokens are processed
 * one at a time, so a prefill of n tokens is exactly n decode steps. */
#ifndef LOOMC_REF_H
#define LOOMC_REF_H

#include "loomc/llama.h"

typedef struct loomc_ref loomc_ref;

/* Create a state for model m with room for max_ctx positions (1..context_length):
 * converts every weight to float32 (the state owns copies; m and its GGUF may be closed
 * afterwards) and allocates the KV cache [n_layers][max_ctx][kv_dim] and all scratch.
 * Errors: LOOMC_ERR_INVALID_ARG (NULL, failed load, max_ctx out of range),
 * LOOMC_ERR_NO_MEMORY, LOOMC_ERR_OVERFLOW (sizes do not fit size_t), or the code of a
 * weight conversion. *out is NULL on failure. */
int loomc_ref_create(const loomc_llama *m, uint32_t max_ctx, loomc_ref **out);

/* Free the state. NULL: no-op. */
void loomc_ref_destroy(loomc_ref *r);

/* Append tokens[0..n) at positions pos..pos+n-1 and write logits[i*vocab .. +vocab) for
 * each of them (logits may be NULL to skip the LM head). Nothing allocates.
 * Errors (state unchanged): LOOMC_ERR_INVALID_ARG (NULL, n = 0, token outside
 * 0..vocab-1), LOOMC_ERR_CONTEXT_FULL (pos + n > max_ctx). */
int loomc_ref_forward(loomc_ref *r, const int32_t *tokens, uint32_t n, float *logits);

/* Forget the cached positions: the next forward starts at position 0. */
void loomc_ref_reset(loomc_ref *r);

/* Number of positions already in the KV cache. */
uint32_t loomc_ref_pos(const loomc_ref *r);

/* Model hyper-parameters the state was built with. */
const loomc_llama_hparams *loomc_ref_hparams(const loomc_ref *r);

#endif /* LOOMC_REF_H */
