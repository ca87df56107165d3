/* SPDX-License-Identifier: Apache-2.0 */
/* Tensor element types: the ggml type table, binary16 conversion, and the F32/F16/Q8_0/
 * Q4_0 encoders and decoders (block layouts: ggml src/ggml-common.h; rounding: see
 * loomc_quantize in gguf.h). */
#include "loomc/gguf.h"

#include <math.h>
#include <string.h>

const char *loomc_strerror(int code)
{
    switch (code) {
    case LOOMC_OK:
        return "ok";
    case LOOMC_ERR_INVALID_ARG:
        return "invalid argument";
    case LOOMC_ERR_NO_MEMORY:
        return "out of memory";
    case LOOMC_ERR_IO:
        return "I/O error";
    case LOOMC_ERR_BAD_MAGIC:
        return "not a GGUF file (bad magic)";
    case LOOMC_ERR_BAD_VERSION:
        return "unsupported GGUF version";
    case LOOMC_ERR_TRUNCATED:
        return "file truncated";
    case LOOMC_ERR_TOO_MANY:
        return "count too large for the file";
    case LOOMC_ERR_STRING_TOO_LONG:
        return "string too long";
    case LOOMC_ERR_BAD_KV_TYPE:
        return "bad metadata value type";
    case LOOMC_ERR_DUPLICATE_KEY:
        return "duplicate metadata key";
    case LOOMC_ERR_BAD_ALIGNMENT:
        return "bad alignment";
    case LOOMC_ERR_BAD_TENSOR_TYPE:
        return "unknown tensor type";
    case LOOMC_ERR_BAD_DIMS:
        return "bad tensor dimensions";
    case LOOMC_ERR_OVERFLOW:
        return "tensor size overflows";
    case LOOMC_ERR_BAD_OFFSET:
        return "tensor offset past the end of the file";
    case LOOMC_ERR_OVERLAP:
        return "tensors overlap";
    case LOOMC_ERR_DUPLICATE_NAME:
        return "duplicate tensor name";
    case LOOMC_ERR_NOT_FOUND:
        return "not found";
    case LOOMC_ERR_TYPE_MISMATCH:
        return "type mismatch";
    case LOOMC_ERR_UNSUPPORTED:
        return "not supported";
    case LOOMC_ERR_BAD_MODEL:
        return "bad model hyper-parameters";
    case LOOMC_ERR_MISSING_TENSOR:
        return "required tensor missing";
    case LOOMC_ERR_BAD_SHAPE:
        return "tensor has the wrong shape";
    case LOOMC_ERR_CONTEXT_FULL:
        return "context full";
    case LOOMC_ERR_STATE:
        return "call not valid in this state";
    default:
        return "unknown error";
    }
}

struct type_row {
    uint32_t type;
    uint32_t block_values;
    uint32_t block_bytes;
    const char *name;
};

static const struct type_row type_table[] = {
    {LOOMC_GGML_F32, 1, 4, "f32"},       {LOOMC_GGML_F16, 1, 2, "f16"},
    {LOOMC_GGML_Q4_0, 32, 18, "q4_0"},   {LOOMC_GGML_Q4_1, 32, 20, "q4_1"},
    {LOOMC_GGML_Q5_0, 32, 22, "q5_0"},   {LOOMC_GGML_Q5_1, 32, 24, "q5_1"},
    {LOOMC_GGML_Q8_0, 32, 34, "q8_0"},   {LOOMC_GGML_Q8_1, 32, 36, "q8_1"},
    {LOOMC_GGML_Q2_K, 256, 84, "q2_k"},  {LOOMC_GGML_Q3_K, 256, 110, "q3_k"},
    {LOOMC_GGML_Q4_K, 256, 144, "q4_k"}, {LOOMC_GGML_Q5_K, 256, 176, "q5_k"},
    {LOOMC_GGML_Q6_K, 256, 210, "q6_k"}, {LOOMC_GGML_Q8_K, 256, 292, "q8_k"},
    {LOOMC_GGML_I8, 1, 1, "i8"},         {LOOMC_GGML_I16, 1, 2, "i16"},
    {LOOMC_GGML_I32, 1, 4, "i32"},       {LOOMC_GGML_I64, 1, 8, "i64"},
    {LOOMC_GGML_F64, 1, 8, "f64"},       {LOOMC_GGML_BF16, 1, 2, "bf16"},
};

static const struct type_row *find_type(uint32_t type)
{
    for (size_t i = 0; i < sizeof type_table / sizeof type_table[0]; i++)
        if (type_table[i].type == type)
            return &type_table[i];
    return NULL;
}

int loomc_ggml_type_size(uint32_t type, uint32_t *block_values, uint32_t *block_bytes)
{
    const struct type_row *r = find_type(type);
    if (!r)
        return LOOMC_ERR_BAD_TENSOR_TYPE;
    if (block_values)
        *block_values = r->block_values;
    if (block_bytes)
        *block_bytes = r->block_bytes;
    return LOOMC_OK;
}

const char *loomc_ggml_type_name(uint32_t type)
{
    const struct type_row *r = find_type(type);
    return r ? r->name : "?";
}

size_t loomc_row_bytes(uint32_t type, uint64_t n)
{
    const struct type_row *r = find_type(type);
    if (!r || n % r->block_values)
        return 0;
    uint64_t blocks = n / r->block_values;
    if (blocks > SIZE_MAX / r->block_bytes)
        return 0;
    return (size_t)blocks * r->block_bytes;
}

uint16_t loomc_f32_to_f16(float x)
{
    uint32_t f;
    memcpy(&f, &x, sizeof f);
    uint32_t sign = (f >> 16) & 0x8000u;
    uint32_t exp = (f >> 23) & 0xFFu;
    uint32_t man = f & 0x7FFFFFu;
    if (exp == 0xFFu) /* Inf stays Inf, NaN stays a quiet NaN */
        return (uint16_t)(sign | 0x7C00u | (man ? 0x200u | (man >> 13) : 0u));
    int e = (int)exp - 127 + 15; /* biased binary16 exponent */
    if (e >= 31)
        return (uint16_t)(sign | 0x7C00u);
    if (e <= 0) {
        /* Subnormal result: value / 2^-24 = (1.man) * 2^(exp-126) = M >> (14 - e). */
        if (e < -10)
            return (uint16_t)sign; /* below half the smallest subnormal */
        uint32_t m = man | 0x800000u;
        unsigned shift = (unsigned)(14 - e); /* 14..24 */
        uint32_t q = m >> shift;
        uint32_t rem = m & ((1u << shift) - 1u);
        uint32_t half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (q & 1u)))
            q++;
        return (uint16_t)(sign | q);
    }
    uint32_t h = ((uint32_t)e << 10) | (man >> 13);
    uint32_t rem = man & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
        h++; /* a carry into the exponent is correct, up to Inf */
    return (uint16_t)(sign | h);
}

float loomc_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1Fu;
    uint32_t man = h & 0x3FFu;
    uint32_t f;
    if (exp == 0) {
        float v = ldexpf((float)man, -24); /* exact: man < 2^10 */
        return sign ? -v : v;
    }
    if (exp == 31)
        f = sign | 0x7F800000u | (man << 13);
    else
        f = sign | ((exp + 112u) << 23) | (man << 13);
    float v;
    memcpy(&v, &f, sizeof v);
    return v;
}

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

int loomc_dequantize(uint32_t type, const void *src, size_t n, float *dst)
{
    const uint8_t *s = src;
    if (!src || !dst)
        return LOOMC_ERR_INVALID_ARG;
    switch (type) {
    case LOOMC_GGML_F32:
        memcpy(dst, s, n * sizeof(float)); /* file and host are little-endian */
        return LOOMC_OK;
    case LOOMC_GGML_F16:
        for (size_t i = 0; i < n; i++)
            dst[i] = loomc_f16_to_f32(ld16(s + 2 * i));
        return LOOMC_OK;
    case LOOMC_GGML_Q8_0:
        if (n % LOOMC_QK)
            return LOOMC_ERR_INVALID_ARG;
        for (size_t b = 0; b < n / LOOMC_QK; b++, s += LOOMC_Q8_0_BYTES) {
            float d = loomc_f16_to_f32(ld16(s));
            for (unsigned j = 0; j < LOOMC_QK; j++)
                dst[b * LOOMC_QK + j] = (float)(int8_t)s[2 + j] * d;
        }
        return LOOMC_OK;
    case LOOMC_GGML_Q4_0:
        if (n % LOOMC_QK)
            return LOOMC_ERR_INVALID_ARG;
        for (size_t b = 0; b < n / LOOMC_QK; b++, s += LOOMC_Q4_0_BYTES) {
            float d = loomc_f16_to_f32(ld16(s));
            for (unsigned j = 0; j < LOOMC_QK / 2; j++) {
                dst[b * LOOMC_QK + j] = (float)((s[2 + j] & 0xF) - 8) * d;
                dst[b * LOOMC_QK + j + LOOMC_QK / 2] = (float)((s[2 + j] >> 4) - 8) * d;
            }
        }
        return LOOMC_OK;
    default:
        return LOOMC_ERR_UNSUPPORTED;
    }
}

/* x/d computed as x*id like ggml (id = 1/d); when d is so small (subnormal) that id
 * overflows, divide instead so the result stays finite. */
static float scale_by(float x, float d, float id)
{
    return isinf(id) ? x / d : x * id;
}

/* One Q8_0 block: d = max|x|/127, q = roundf(x/d) (halves away from zero). */
static void quant_q8_0_block(const float *x, uint8_t *out)
{
    float amax = 0.0f;
    for (unsigned j = 0; j < LOOMC_QK; j++)
        amax = fmaxf(amax, fabsf(x[j]));
    float d = amax / 127.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    st16(out, loomc_f32_to_f16(d));
    for (unsigned j = 0; j < LOOMC_QK; j++)
        out[2 + j] = (uint8_t)(int8_t)roundf(scale_by(x[j], d, id));
}

/* One Q4_0 block: m = value of largest magnitude, d = m/-8, nibble = min(15,
 * (int)(x/d + 8.5)); low nibbles hold elements 0..15, high nibbles 16..31. */
static void quant_q4_0_block(const float *x, uint8_t *out)
{
    float amax = 0.0f, m = 0.0f;
    for (unsigned j = 0; j < LOOMC_QK; j++) {
        if (amax < fabsf(x[j])) {
            amax = fabsf(x[j]);
            m = x[j];
        }
    }
    float d = m / -8.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    st16(out, loomc_f32_to_f16(d));
    for (unsigned j = 0; j < LOOMC_QK / 2; j++) {
        /* x/d + 8.5 lies in [0.5, 16.5], so the conversion truncates a positive value */
        int lo = (int)(scale_by(x[j], d, id) + 8.5f);
        int hi = (int)(scale_by(x[j + LOOMC_QK / 2], d, id) + 8.5f);
        lo = lo > 15 ? 15 : lo;
        hi = hi > 15 ? 15 : hi;
        out[2 + j] = (uint8_t)(lo | (hi << 4));
    }
}

int loomc_quantize(uint32_t type, const float *src, size_t n, void *dst)
{
    uint8_t *d = dst;
    if (!src || !dst)
        return LOOMC_ERR_INVALID_ARG;
    switch (type) {
    case LOOMC_GGML_F32:
        memcpy(d, src, n * sizeof(float));
        return LOOMC_OK;
    case LOOMC_GGML_F16:
        for (size_t i = 0; i < n; i++)
            st16(d + 2 * i, loomc_f32_to_f16(src[i]));
        return LOOMC_OK;
    case LOOMC_GGML_Q8_0:
    case LOOMC_GGML_Q4_0:
        if (n % LOOMC_QK)
            return LOOMC_ERR_INVALID_ARG;
        for (size_t i = 0; i < n; i++)
            if (!isfinite(src[i]))
                return LOOMC_ERR_INVALID_ARG;
        for (size_t b = 0; b < n / LOOMC_QK; b++) {
            if (type == LOOMC_GGML_Q8_0)
                quant_q8_0_block(src + b * LOOMC_QK, d + b * LOOMC_Q8_0_BYTES);
            else
                quant_q4_0_block(src + b * LOOMC_QK, d + b * LOOMC_Q4_0_BYTES);
        }
        return LOOMC_OK;
    default:
        return LOOMC_ERR_UNSUPPORTED;
    }
}
