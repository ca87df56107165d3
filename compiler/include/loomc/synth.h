/* SPDX-License-Identifier: Apache-2.0 */
/* `loomc synth`: write a llama-architecture GGUF with random weights, of any size,
 * deterministic from a seed.
 *
 * Weights are drawn like a real initialisation so activations stay realistic:
 *   token_embd, attn_q/k/v, ffn_gate/up, output  ~ N(0, 0.02^2)
 *   attn_output, ffn_down                        ~ N(0, (0.02 / sqrt(2 * n_layers))^2)
 *   attn_norm, ffn_norm, output_norm             ~ 1 + N(0, 0.02^2), always stored F32
 * Each tensor has its own random stream (splitmix64 of the seed and the FNV-1a hash of
 * its name, normals by Box-Muller), so a tensor's float values depend only on the seed,
 * its name and its shape — not on the weight type or on the other tensors; the file is
 * then quantised to `type` with loomc_quantize's rounding. Tensors are written in the
 * order token_embd, blk.0 .. blk.L-1 (attn_norm, attn_q, attn_k, attn_v, attn_output,
 * ffn_norm, ffn_gate, ffn_up, ffn_down), output_norm, output. Metadata: general.*,
 * llama.* (all keys read by loomc_llama_load), general.file_type, loom.synth.seed, and
 * a placeholder tokenizer (tokenizer.ggml.model = "none", tokens "<0>".."<vocab-1>"). */
#ifndef LOOMC_SYNTH_H
#define LOOMC_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct loomc_synth_params {
    uint32_t dim;        /* embedding_length */
    uint32_t hidden;     /* feed_forward_length */
    uint32_t n_heads;    /* divides dim; dim / n_heads even */
    uint32_t n_kv_heads; /* divides n_heads */
    uint32_t n_layers;
    uint32_t vocab;
    uint32_t context; /* context_length */
    uint32_t type;    /* LOOMC_GGML_F32, _F16, _Q8_0 or _Q4_0 (Q: dim, hidden % 32 == 0) */
    uint64_t seed;
    float rope_freq_base; /* 0: 10000 */
    float rms_eps;        /* 0: 1e-5 */
    int tie_output;       /* nonzero: no output.weight (LM head tied to token_embd) */
} loomc_synth_params;

/* Write the model to `path`, streaming (memory use ~ one row). On error a message goes
 * to msg[msg_size] when msg is not NULL. Errors: LOOMC_ERR_INVALID_ARG (bad
 * parameters), LOOMC_ERR_IO, LOOMC_ERR_NO_MEMORY, LOOMC_ERR_OVERFLOW. */
int loomc_synth_write_file(const loomc_synth_params *p, const char *path, char *msg,
                           size_t msg_size);

/* As loomc_synth_write_file into a malloc'd buffer returned in *buf / *size; the caller
 * frees *buf. */
int loomc_synth_write_memory(const loomc_synth_params *p, void **buf, size_t *size, char *msg,
                             size_t msg_size);

#endif /* LOOMC_SYNTH_H */
