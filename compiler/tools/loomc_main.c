/* SPDX-License-Identifier: Apache-2.0 */
/* loomc command line.
 *   loomc synth --out F.gguf --dim D --hidden H --heads NH --kv-heads NKV --layers L
 *               --vocab V --context C [--type f32|f16|q8_0|q4_0] [--seed S]
 *   loomc info F.gguf
 * Exit status: 0 success, 1 failure, 2 usage error. */
#include "loomc/gguf.h"
#include "loomc/llama.h"
#include "loomc/synth.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: loomc synth --out F.gguf --dim D --hidden H --heads NH --kv-heads NKV\n"
            "                   --layers L --vocab V --context C [--type f32|f16|q8_0|q4_0]\n"
            "                   [--seed S]\n"
            "       loomc info F.gguf\n");
    return 2;
}

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || v > max) {
        fprintf(stderr, "loomc: %s: bad value '%s'\n", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int cmd_synth(int argc, char **argv)
{
    loomc_synth_params p = {.type = LOOMC_GGML_F32, .seed = 1};
    const char *out = NULL;
    struct {
        const char *opt;
        uint32_t *dst;
    } sizes[] = {
        {"--dim", &p.dim},         {"--hidden", &p.hidden},
        {"--heads", &p.n_heads},   {"--kv-heads", &p.n_kv_heads},
        {"--layers", &p.n_layers}, {"--vocab", &p.vocab},
        {"--context", &p.context},
    };
    const size_t n_sizes = sizeof sizes / sizeof sizes[0];
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "loomc synth: %s needs a value\n", argv[i]);
            return usage();
        }
        const char *opt = argv[i], *val = argv[i + 1];
        size_t k;
        for (k = 0; k < n_sizes && strcmp(opt, sizes[k].opt); k++)
            ;
        uint64_t v;
        if (k < n_sizes) {
            if (!parse_u64(opt, val, UINT32_MAX, &v))
                return 2;
            *sizes[k].dst = (uint32_t)v;
        } else if (!strcmp(opt, "--out")) {
            out = val;
        } else if (!strcmp(opt, "--seed")) {
            if (!parse_u64(opt, val, UINT64_MAX, &p.seed))
                return 2;
        } else if (!strcmp(opt, "--type")) {
            static const uint32_t types[] = {LOOMC_GGML_F32, LOOMC_GGML_F16, LOOMC_GGML_Q8_0,
                                             LOOMC_GGML_Q4_0};
            size_t t;
            for (t = 0; t < 4 && strcmp(val, loomc_ggml_type_name(types[t])); t++)
                ;
            if (t == 4) {
                fprintf(stderr, "loomc synth: unknown --type '%s'\n", val);
                return usage();
            }
            p.type = types[t];
        } else {
            fprintf(stderr, "loomc synth: unknown option '%s'\n", opt);
            return usage();
        }
    }
    if (!out) {
        fprintf(stderr, "loomc synth: --out is required\n");
        return usage();
    }
    for (size_t k = 0; k < n_sizes; k++) {
        if (!*sizes[k].dst) {
            fprintf(stderr, "loomc synth: %s is required (>= 1)\n", sizes[k].opt);
            return usage();
        }
    }
    char msg[256];
    int rc = loomc_synth_write_file(&p, out, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "loomc synth: %s: %s\n", loomc_strerror(rc), msg);
        return 1;
    }
    return 0;
}

static void print_value(const loomc_gguf *g, const char *key, uint32_t type)
{
    int64_t i;
    uint64_t u;
    float f;
    const char *s;
    size_t len;
    uint32_t et;
    uint64_t n;
    if (type == LOOMC_GGUF_TYPE_STRING && !loomc_gguf_get_str(g, key, &s, &len)) {
        printf("\"%.*s\"%s", (int)(len > 60 ? 60 : len), s, len > 60 ? "..." : "");
    } else if ((type == LOOMC_GGUF_TYPE_FLOAT32 || type == LOOMC_GGUF_TYPE_FLOAT64) &&
               !loomc_gguf_get_f32(g, key, &f)) {
        printf("%g", (double)f);
    } else if (!loomc_gguf_get_u64(g, key, &u)) {
        printf("%" PRIu64, u);
    } else if (!loomc_gguf_get_i64(g, key, &i)) {
        printf("%" PRId64, i);
    } else if (!loomc_gguf_get_arr(g, key, &et, &n)) {
        printf("[%" PRIu64 " x type %u]", n, et);
        for (uint64_t j = 0; j < n && j < 4; j++) {
            double d;
            if (!loomc_gguf_get_arr_str(g, key, j, &s, &len))
                printf(" \"%.*s\"", (int)(len > 20 ? 20 : len), s);
            else if (!loomc_gguf_get_arr_i64(g, key, j, &i))
                printf(" %" PRId64, i);
            else if (!loomc_gguf_get_arr_f64(g, key, j, &d))
                printf(" %g", d);
        }
        if (n > 4)
            printf(" ...");
    }
}

static int cmd_info(const char *path)
{
    loomc_gguf *g;
    int rc = loomc_gguf_open_file(path, &g);
    if (rc) {
        fprintf(stderr, "loomc info: %s: %s: %s\n", path, loomc_strerror(rc), loomc_gguf_errmsg(g));
        loomc_gguf_close(g);
        return 1;
    }
    printf("%s: GGUF v%u, alignment %u, %" PRIu64 " keys, %" PRIu64 " tensors, data at %zu\n", path,
           loomc_gguf_version(g), loomc_gguf_alignment(g), loomc_gguf_n_kv(g),
           loomc_gguf_n_tensors(g), loomc_gguf_data_offset(g));
    printf("\nmetadata:\n");
    for (uint64_t i = 0; i < loomc_gguf_n_kv(g); i++) {
        const char *k;
        size_t klen;
        uint32_t type;
        loomc_gguf_kv_at(g, i, &k, &klen, &type);
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(klen < 255 ? klen : 255), k);
        printf("  %-45s ", key);
        print_value(g, key, type);
        printf("\n");
    }

    loomc_llama *m;
    rc = loomc_llama_load(g, &m);
    const loomc_llama_hparams *hp = loomc_llama_get_hparams(m);
    if (hp) {
        printf("\nllama: dim %u, hidden %u, layers %u, heads %u, kv-heads %u, head_dim %u, "
               "vocab %u, context %u, rope_dim %u, rope base %g, rms eps %g, output %s\n",
               hp->dim, hp->hidden, hp->n_layers, hp->n_heads, hp->n_kv_heads, hp->head_dim,
               hp->vocab, hp->context, hp->rope_dim, (double)hp->rope_freq_base,
               (double)hp->rms_eps, loomc_llama_output_tied(m) ? "tied to token_embd" : "own");
    } else {
        printf("\nnot a loadable llama model: %s: %s\n", loomc_strerror(rc), loomc_llama_errmsg(m));
    }
    loomc_llama_destroy(m);

    printf("\n  %-32s %-5s %-28s %12s %12s\n", "tensor", "type", "ne", "offset", "bytes");
    uint64_t total = 0;
    for (uint64_t i = 0; i < loomc_gguf_n_tensors(g); i++) {
        const loomc_gguf_tensor *t = loomc_gguf_tensor_at(g, i);
        char shape[64];
        int n = snprintf(shape, sizeof shape, "{");
        for (uint32_t d = 0; d < t->n_dims; d++)
            n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%" PRIu64, d ? ", " : "",
                          t->ne[d]);
        snprintf(shape + n, sizeof shape - (size_t)n, "}");
        printf("  %-32s %-5s %-28s %12" PRIu64 " %12zu\n", t->name, loomc_ggml_type_name(t->type),
               shape, t->offset, t->nbytes);
        total += t->nbytes;
    }
    printf("  %" PRIu64 " tensors, %" PRIu64 " bytes of data\n", loomc_gguf_n_tensors(g), total);
    loomc_gguf_close(g);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "synth"))
        return cmd_synth(argc - 2, argv + 2);
    if (argc == 3 && !strcmp(argv[1], "info"))
        return cmd_info(argv[2]);
    return usage();
}
