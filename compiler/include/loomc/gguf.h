/* SPDX-License-Identifier: Apache-2.0 */
/* GGUF reader and writer for loomc, the Loom graph compiler.
 *
 * Format (ggml docs/gguf.md): little-endian "GGUF", u32 version, u64 n_tensors, u64 n_kv,
 * n_kv typed key/value pairs, n_tensors tensor infos, zero padding up to the alignment
 * (general.alignment, default 32), then the tensor data. Versions 2 and 3 are accepted.
 *
 * The reader treats every file as untrusted: each count, length, type, dimension, size
 * and offset is checked before it is used, sizes are computed with checked arithmetic,
 * and a bad file is rejected with a specific LOOMC_ERR_* code and a message naming the
 * byte offset and the field. A count or string length that the file cannot hold is
 * TOO_MANY / STRING_TOO_LONG when it also exceeds 2^24, otherwise TRUNCATED: a file cut
 * at any byte before the end of its last tensor is always reported as TRUNCATED. The whole file is
 * read into one heap buffer (no mmap, so the handle never sees the file change underneath it);
 * tensor data pointers and string views point into that buffer and stay valid until
 * loomc_gguf_close().
 *
 * Public names of the compiler library use the `loomc_` prefix. Error codes are plain
 * negative integers shared by every loomc module; they will be unified with the
 * runtime's LOOM_ERR_* codes later. */
#ifndef LOOMC_GGUF_H
#define LOOMC_GGUF_H

#include <stddef.h>
#include <stdint.h>

/* ---- Error codes (all loomc modules) ---------------------------------------------- */
#define LOOMC_OK 0
#define LOOMC_ERR_INVALID_ARG (-1)      /* NULL pointer, zero size, value out of range */
#define LOOMC_ERR_NO_MEMORY (-2)        /* an allocation failed */
#define LOOMC_ERR_IO (-3)               /* open/read/write of a file failed */
#define LOOMC_ERR_BAD_MAGIC (-4)        /* the file does not start with "GGUF" */
#define LOOMC_ERR_BAD_VERSION (-5)      /* GGUF version other than 2 or 3 */
#define LOOMC_ERR_TRUNCATED (-6)        /* the file ends inside a field or inside tensor data */
#define LOOMC_ERR_TOO_MANY (-7)         /* count (n_kv, n_tensors, array) > 2^24 and > the file */
#define LOOMC_ERR_STRING_TOO_LONG (-8)  /* length > 2^24 and > the file, or a name > 63 bytes */
#define LOOMC_ERR_BAD_KV_TYPE (-9)      /* unknown metadata value type, or nested array */
#define LOOMC_ERR_DUPLICATE_KEY (-10)   /* the same metadata key twice */
#define LOOMC_ERR_BAD_ALIGNMENT (-11)   /* general.alignment invalid, or tensor offset not aligned \
                                         */
#define LOOMC_ERR_BAD_TENSOR_TYPE (-12) /* tensor type not in the table below */
#define LOOMC_ERR_BAD_DIMS (-13)   /* n_dims not 1..4, a zero dimension, ne[0] not whole blocks */
#define LOOMC_ERR_OVERFLOW (-14)   /* element count or byte size overflows 63 bits / size_t */
#define LOOMC_ERR_BAD_OFFSET (-15) /* tensor data starts past the end of the file */
#define LOOMC_ERR_OVERLAP (-16)    /* two tensors share bytes of the data section */
#define LOOMC_ERR_DUPLICATE_NAME (-17) /* the same tensor name twice */
#define LOOMC_ERR_NOT_FOUND (-18)      /* no such key / tensor */
#define LOOMC_ERR_TYPE_MISMATCH (-19)  /* key exists but holds another type / does not fit */
#define LOOMC_ERR_UNSUPPORTED (-20)    /* valid but not handled here (e.g. dequantising Q4_K) */
#define LOOMC_ERR_BAD_MODEL (-21)      /* llama: hyper-parameter missing or inconsistent */
#define LOOMC_ERR_MISSING_TENSOR (-22) /* llama: a required tensor is absent */
#define LOOMC_ERR_BAD_SHAPE (-23)      /* llama: a tensor has the wrong shape */
#define LOOMC_ERR_CONTEXT_FULL (-24)   /* reference forward: positions past max context */
#define LOOMC_ERR_STATE (-25)          /* call not valid in the object's current state */

/* Static English text for a LOOMC_* code ("unknown error" for anything else). */
const char *loomc_strerror(int code);

/* ---- Metadata value types (gguf_type) ---------------------------------------------- */
#define LOOMC_GGUF_TYPE_UINT8 0u
#define LOOMC_GGUF_TYPE_INT8 1u
#define LOOMC_GGUF_TYPE_UINT16 2u
#define LOOMC_GGUF_TYPE_INT16 3u
#define LOOMC_GGUF_TYPE_UINT32 4u
#define LOOMC_GGUF_TYPE_INT32 5u
#define LOOMC_GGUF_TYPE_FLOAT32 6u
#define LOOMC_GGUF_TYPE_BOOL 7u
#define LOOMC_GGUF_TYPE_STRING 8u
#define LOOMC_GGUF_TYPE_ARRAY 9u
#define LOOMC_GGUF_TYPE_UINT64 10u
#define LOOMC_GGUF_TYPE_INT64 11u
#define LOOMC_GGUF_TYPE_FLOAT64 12u
#define LOOMC_GGUF_TYPE_COUNT 13u

/* ---- Tensor types (ggml_type) ------------------------------------------------------ */
/* The reader knows the block size and bytes of each of these; any other value is
 * rejected with LOOMC_ERR_BAD_TENSOR_TYPE. Only F32, F16, Q8_0 and Q4_0 convert to
 * float32 and can be written. */
#define LOOMC_GGML_F32 0u   /* 1 value, 4 bytes */
#define LOOMC_GGML_F16 1u   /* 1 value, 2 bytes (IEEE binary16) */
#define LOOMC_GGML_Q4_0 2u  /* 32 values, 18 bytes: f16 d, u8 qs[16] */
#define LOOMC_GGML_Q4_1 3u  /* 32 values, 20 bytes */
#define LOOMC_GGML_Q5_0 6u  /* 32 values, 22 bytes */
#define LOOMC_GGML_Q5_1 7u  /* 32 values, 24 bytes */
#define LOOMC_GGML_Q8_0 8u  /* 32 values, 34 bytes: f16 d, i8 qs[32] */
#define LOOMC_GGML_Q8_1 9u  /* 32 values, 36 bytes */
#define LOOMC_GGML_Q2_K 10u /* 256 values, 84 bytes */
#define LOOMC_GGML_Q3_K 11u /* 256 values, 110 bytes */
#define LOOMC_GGML_Q4_K 12u /* 256 values, 144 bytes */
#define LOOMC_GGML_Q5_K 13u /* 256 values, 176 bytes */
#define LOOMC_GGML_Q6_K 14u /* 256 values, 210 bytes */
#define LOOMC_GGML_Q8_K 15u /* 256 values, 292 bytes */
#define LOOMC_GGML_I8 24u
#define LOOMC_GGML_I16 25u
#define LOOMC_GGML_I32 26u
#define LOOMC_GGML_I64 27u
#define LOOMC_GGML_F64 28u
#define LOOMC_GGML_BF16 30u

#define LOOMC_QK 32u         /* values per Q8_0 / Q4_0 block */
#define LOOMC_Q8_0_BYTES 34u /* bytes per Q8_0 block */
#define LOOMC_Q4_0_BYTES 18u /* bytes per Q4_0 block */
#define LOOMC_GGUF_MAX_DIMS 4u
#define LOOMC_GGUF_MAX_NAME 63u /* tensor name bytes (ggml GGML_MAX_NAME 64 with the NUL) */
#define LOOMC_GGUF_DEFAULT_ALIGNMENT 32u

/* Block size (values) and block bytes of a tensor type. Returns LOOMC_OK, or
 * LOOMC_ERR_BAD_TENSOR_TYPE for a type not in the table above. */
int loomc_ggml_type_size(uint32_t type, uint32_t *block_values, uint32_t *block_bytes);

/* Short name ("f32", "q4_0", ...) or "?" for an unknown type. Static storage. */
const char *loomc_ggml_type_name(uint32_t type);

/* ---- Scalar conversions, quantisers, dequantisers ----------------------------------- */

/* IEEE binary16 <-> binary32. to_f16 rounds to nearest, ties to even, keeps subnormals,
 * overflows to infinity, keeps NaN a NaN. to_f32 is exact. */
uint16_t loomc_f32_to_f16(float x);
float loomc_f16_to_f32(uint16_t h);

/* Decode n values of `type` (F32, F16, Q8_0 or Q4_0) at src into dst[n]. n must be a
 * multiple of the block size. src may be unaligned. Errors: LOOMC_ERR_INVALID_ARG,
 * LOOMC_ERR_UNSUPPORTED for other types. Q8_0: x = d*q. Q4_0: the low nibble of qs[j]
 * is element j, the high nibble element j+16, x = d*(nibble - 8). */
int loomc_dequantize(uint32_t type, const void *src, size_t n, float *dst);

/* Encode n floats (n a multiple of the block size) as `type` into dst, which must hold
 * loomc_row_bytes(type, n) bytes. Errors: LOOMC_ERR_INVALID_ARG (NULL, bad n, a NaN or
 * Inf input for Q8_0/Q4_0 — F32/F16 store them as they are), LOOMC_ERR_UNSUPPORTED.
 *
 * Rounding — chosen to be byte-identical to ggml's reference quantisers
 * (quantize_row_q8_0_ref / quantize_row_q4_0_ref, and gguf-py):
 *   F16:  round to nearest, ties to even.
 *   Q8_0: amax = max|x|, d = amax/127, id = 1/d (0 if d = 0), q = roundf(x*id), i.e.
 *         halves AWAY FROM ZERO; the block stores f16(d) (ties to even).
 *         Error bound per value: |x - f16(d)*q| <= d/2 + 127*|d - f16(d)|
 *         <= d*(0.5 + 127*2^-11) ~= 0.562*d for normal-range d.
 *   Q4_0: m = the value of largest magnitude (sign kept, first one on ties), d = m/-8,
 *         id = 1/d (0 if d = 0), nibble = min(15, (int)(x*id + 8.5)), i.e. x/d rounded
 *         with halves UP (towards +inf) then clamped; the block stores f16(d).
 *         Error bound: |d|/2 + 8*|d - f16(d)| except the values whose nibble was clamped
 *         at 15 (x/d in [7.5, 8], the side opposite m), which may be off by up to |d|. */
int loomc_quantize(uint32_t type, const float *src, size_t n, void *dst);

/* Bytes taken by n values of `type`; 0 if the type is unknown, n is not a whole number
 * of blocks, or the size overflows size_t. */
size_t loomc_row_bytes(uint32_t type, uint64_t n);

/* ---- Reader ------------------------------------------------------------------------ */
typedef struct loomc_gguf loomc_gguf;

/* One tensor of an open file. Owned by the loomc_gguf handle. */
typedef struct loomc_gguf_tensor {
    char name[LOOMC_GGUF_MAX_NAME + 1]; /* NUL-terminated */
    uint32_t type;                      /* LOOMC_GGML_* */
    uint32_t n_dims;                    /* 1..4 */
    uint64_t ne[LOOMC_GGUF_MAX_DIMS];   /* ne[0] is contiguous; unused dims are 1 */
    uint64_t n_elements;                /* ne[0]*ne[1]*ne[2]*ne[3] */
    uint64_t offset;                    /* in the data section, multiple of the alignment */
    size_t nbytes;                      /* bytes of data */
    const void *data;                   /* file image; may be unaligned for the element type */
} loomc_gguf_tensor;

/* Read and validate the GGUF file at `path`. On success *out is an open handle and
 * LOOMC_OK is returned. On a parse or I/O error *out is STILL a handle (or NULL if even
 * that allocation failed) holding no keys and no tensors, whose loomc_gguf_errmsg()
 * says what was wrong; the caller closes it in both cases (sqlite3_open style).
 * Errors: every LOOMC_ERR_* of the format list above, LOOMC_ERR_IO, LOOMC_ERR_NO_MEMORY. */
int loomc_gguf_open_file(const char *path, loomc_gguf **out);

/* As loomc_gguf_open_file for `size` bytes at `buf`; the bytes are copied, the caller
 * keeps ownership of buf. */
int loomc_gguf_open_memory(const void *buf, size_t size, loomc_gguf **out);

/* Free everything; all pointers obtained from the handle become invalid. NULL: no-op. */
void loomc_gguf_close(loomc_gguf *g);

/* Detail of the last error of an open call ("" if none; "out of memory" for NULL). */
const char *loomc_gguf_errmsg(const loomc_gguf *g);

uint32_t loomc_gguf_version(const loomc_gguf *g);
uint32_t loomc_gguf_alignment(const loomc_gguf *g);
/* File offset of the data section (tensor offsets are relative to it). */
size_t loomc_gguf_data_offset(const loomc_gguf *g);

/* Metadata iteration: keys are returned as (pointer, length), not NUL-terminated. */
uint64_t loomc_gguf_n_kv(const loomc_gguf *g);
/* Key and type of entry i in file order. LOOMC_ERR_INVALID_ARG if i is out of range. */
int loomc_gguf_kv_at(const loomc_gguf *g, uint64_t i, const char **key, size_t *key_len,
                     uint32_t *type);

/* Type of `key` (LOOMC_GGUF_TYPE_*) in *type; LOOMC_ERR_NOT_FOUND if absent. */
int loomc_gguf_kv_type(const loomc_gguf *g, const char *key, uint32_t *type);

/* Integer getters accept any integer-typed value (u8..i64, and bool) whose value fits
 * the requested type; LOOMC_ERR_TYPE_MISMATCH otherwise (wrong type or out of range),
 * LOOMC_ERR_NOT_FOUND if the key is absent. */
int loomc_gguf_get_u32(const loomc_gguf *g, const char *key, uint32_t *out);
int loomc_gguf_get_i32(const loomc_gguf *g, const char *key, int32_t *out);
int loomc_gguf_get_u64(const loomc_gguf *g, const char *key, uint64_t *out);
int loomc_gguf_get_i64(const loomc_gguf *g, const char *key, int64_t *out);
/* Accepts FLOAT32 or FLOAT64 (converted). */
int loomc_gguf_get_f32(const loomc_gguf *g, const char *key, float *out);
int loomc_gguf_get_bool(const loomc_gguf *g, const char *key, int *out);
/* String value as a view into the file image (not NUL-terminated). */
int loomc_gguf_get_str(const loomc_gguf *g, const char *key, const char **s, size_t *len);

/* Array element type (LOOMC_GGUF_TYPE_*) and count. TYPE_MISMATCH if not an array. */
int loomc_gguf_get_arr(const loomc_gguf *g, const char *key, uint32_t *elem_type, uint64_t *count);
/* Element i of an integer/bool array, of a float array, of a string array.
 * LOOMC_ERR_INVALID_ARG if i >= count, LOOMC_ERR_TYPE_MISMATCH for the wrong kind. */
int loomc_gguf_get_arr_i64(const loomc_gguf *g, const char *key, uint64_t i, int64_t *out);
int loomc_gguf_get_arr_f64(const loomc_gguf *g, const char *key, uint64_t i, double *out);
int loomc_gguf_get_arr_str(const loomc_gguf *g, const char *key, uint64_t i, const char **s,
                           size_t *len);

/* Tensors: by index (file order) and by name. NULL if out of range / absent. */
uint64_t loomc_gguf_n_tensors(const loomc_gguf *g);
const loomc_gguf_tensor *loomc_gguf_tensor_at(const loomc_gguf *g, uint64_t i);
const loomc_gguf_tensor *loomc_gguf_find_tensor(const loomc_gguf *g, const char *name);

/* Convert a whole tensor to float32 into out[n_out]; n_out must equal t->n_elements.
 * Errors: LOOMC_ERR_INVALID_ARG, LOOMC_ERR_UNSUPPORTED (type not F32/F16/Q8_0/Q4_0). */
int loomc_gguf_tensor_to_f32(const loomc_gguf_tensor *t, float *out, size_t n_out);

/* ---- Writer ------------------------------------------------------------------------ */
/* Usage: create; set metadata; declare every tensor (name, type, shape); begin (file or
 * memory) — this writes the header, metadata and tensor infos, all sizes being known
 * from the declarations; then stream each tensor's data in declaration order with
 * write_f32 (quantised on the fly) or write_raw (already encoded), in any number of
 * pieces of whole blocks; finish pads and closes. Memory used while streaming is the
 * metadata plus the caller's chunk, so files of any size can be produced. Tensor
 * offsets are packed in declaration order, each aligned to the writer's alignment. */
typedef struct loomc_gguf_writer loomc_gguf_writer;

/* New writer for GGUF v3 with the given data alignment (power of two, 1..65536; 0 means
 * 32). When alignment is not 32 a general.alignment u32 key is added automatically.
 * Errors: LOOMC_ERR_INVALID_ARG, LOOMC_ERR_NO_MEMORY. */
int loomc_gguf_writer_create(uint32_t alignment, loomc_gguf_writer **out);

/* Free the writer (closing its file if still open). NULL: no-op. */
void loomc_gguf_writer_destroy(loomc_gguf_writer *w);

/* Detail of the last error ("" if none). */
const char *loomc_gguf_writer_errmsg(const loomc_gguf_writer *w);

/* Metadata setters, valid before begin. Keys are copied; a key already set gives
 * LOOMC_ERR_DUPLICATE_KEY. LOOMC_ERR_STATE after begin. */
int loomc_gguf_writer_set_u32(loomc_gguf_writer *w, const char *key, uint32_t v);
int loomc_gguf_writer_set_i32(loomc_gguf_writer *w, const char *key, int32_t v);
int loomc_gguf_writer_set_u64(loomc_gguf_writer *w, const char *key, uint64_t v);
int loomc_gguf_writer_set_f32(loomc_gguf_writer *w, const char *key, float v);
int loomc_gguf_writer_set_bool(loomc_gguf_writer *w, const char *key, int v);
int loomc_gguf_writer_set_str(loomc_gguf_writer *w, const char *key, const char *s);
/* Any fixed-size type (not STRING/ARRAY), value at v in host representation (uint8_t for
 * BOOL, double for FLOAT64, ...). */
int loomc_gguf_writer_set_val(loomc_gguf_writer *w, const char *key, uint32_t type, const void *v);
/* Array of `count` fixed-size elements (elem_type not STRING/ARRAY) stored at `data` in
 * host order, e.g. float[] for FLOAT32. */
int loomc_gguf_writer_set_arr(loomc_gguf_writer *w, const char *key, uint32_t elem_type,
                              const void *data, uint64_t count);
int loomc_gguf_writer_set_arr_str(loomc_gguf_writer *w, const char *key, const char *const *strs,
                                  uint64_t count);

/* Declare a tensor. n_dims 1..4, every ne[i] >= 1, ne[0] whole blocks of `type` (any
 * type of the table). Errors: INVALID_ARG, BAD_TENSOR_TYPE, BAD_DIMS, OVERFLOW,
 * STRING_TOO_LONG (name > 63 bytes), DUPLICATE_NAME, STATE (after begin). */
int loomc_gguf_writer_add_tensor(loomc_gguf_writer *w, const char *name, uint32_t type,
                                 uint32_t n_dims, const uint64_t *ne);

/* Start output to a file (created/truncated) or to an internal buffer of exactly the
 * final size, allocated here. Errors: IO, NO_MEMORY, STATE (twice). */
int loomc_gguf_writer_begin_file(loomc_gguf_writer *w, const char *path);
int loomc_gguf_writer_begin_memory(loomc_gguf_writer *w);

/* Append n floats to the current tensor, quantised to its type (rounding as for
 * loomc_quantize); n a multiple of the block size and not past the tensor's end; moves
 * to the next tensor when this one is complete. Errors: STATE (no tensor left / not
 * begun), INVALID_ARG (bad n, NaN/Inf), UNSUPPORTED (type not F32/F16/Q8_0/Q4_0), IO. */
int loomc_gguf_writer_write_f32(loomc_gguf_writer *w, const float *x, size_t n);
/* Append nbytes of already-encoded data to the current tensor (may span tensors). */
int loomc_gguf_writer_write_raw(loomc_gguf_writer *w, const void *bytes, size_t nbytes);

/* Check every tensor got all its bytes, write the final padding and close the file.
 * Errors: STATE (data missing), IO. */
int loomc_gguf_writer_finish(loomc_gguf_writer *w);

/* After finish in memory mode: the image (owned by the writer, valid until destroy). */
int loomc_gguf_writer_memory(const loomc_gguf_writer *w, const void **buf, size_t *size);

#endif /* LOOMC_GGUF_H */
