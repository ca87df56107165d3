/* SPDX-License-Identifier: Apache-2.0 */
/* Loom instructions in C: encoders, a decoder, the per-instruction check that the
 * hardware's decoder makes, and a whole-program check of the token protocol.
 * docs/isa.md is the contract; this file implements it and nothing more.
 *
 * An instruction is `uint32_t insn[4]`, word 0 first, exactly as it sits in the ring;
 * a program is `n` of them back to back (`insns[4*i .. 4*i+3]`). */
#ifndef LOOM_CMD_H
#define LOOM_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "loom/loom_caps.h"
#include "loom/loom_isa.h"

/* Token flags (the `deps` argument), bit i = instruction bit 4+i. "prev" and "next"
 * are the neighbouring queues: load <-> compute <-> store. */
#define LOOM_DEP_POP_PREV 0x1u
#define LOOM_DEP_POP_NEXT 0x2u
#define LOOM_DEP_PUSH_PREV 0x4u
#define LOOM_DEP_PUSH_NEXT 0x8u
#define LOOM_DEP_ALL 0xFu

/* STORE post-processing flags (the `pp` argument). */
#define LOOM_PP_I32 0x1u  /* out_i32: raw int32 out; otherwise requantised int8 */
#define LOOM_PP_RELU 0x2u /* relu */
#define LOOM_PP_BIAS 0x4u /* bias_en */

/* Queue of an instruction as returned by loom_cmd_queue(); FENCE and END use none. */
#define LOOM_QUEUE_NONE 3u

/* Every field of every opcode, named as in docs/isa.md. A field that the opcode does
 * not have is zero after loom_cmd_decode() and ignored by loom_cmd_encode(). */
typedef struct loom_cmd_fields {
    uint32_t opcode;    /* LOOM_OP_* */
    uint32_t deps;      /* LOOM_DEP_* */
    uint32_t mem;       /* LOAD: LOOM_MEM_* */
    uint32_t sram_addr; /* LOAD: first destination entry */
    uint32_t mode;      /* MATMUL: LOOM_MODE_* */
    uint32_t accumulate;/* MATMUL: 1 adds to ACC */
    uint32_t acc_addr;  /* MATMUL, STORE */
    uint32_t apad_addr; /* MATMUL */
    uint32_t wpad_addr; /* MATMUL */
    uint32_t pp;        /* STORE: LOOM_PP_* */
    uint32_t pp_addr;   /* STORE */
    uint32_t dram_off;  /* LOAD, STORE: byte offset from DMA_BASE */
    uint32_t rows;      /* LOAD, MATMUL, STORE */
    uint32_t cols;      /* LOAD, STORE */
    uint32_t stride;    /* LOAD, STORE: bytes */
    uint32_t queue;     /* SYNC: LOOM_QUEUE_* */
    uint32_t irq;       /* FENCE */
} loom_cmd_fields;

/* Encodes f into insn (all 128 bits written; reserved bits zero). Values are not
 * checked against the ISA rules (that is loom_cmd_check), only against field widths.
 * Errors: LOOM_ERR_INVALID_ARG (NULL, opcode not 1..6, a value wider than its
 * field); on error insn is all zero, which the hardware rejects as ILLEGAL_OPCODE. */
int loom_cmd_encode(uint32_t insn[4], const loom_cmd_fields *f);

/* Decodes every field of insn's opcode into f (others zero). Never fails for non-NULL
 * arguments, whatever insn holds: reserved bits are simply not reported. */
int loom_cmd_decode(const uint32_t insn[4], loom_cmd_fields *f);

/* Encoders for each opcode; errors as loom_cmd_encode(). */
int loom_cmd_load(uint32_t insn[4], unsigned mem, uint32_t sram_addr, uint32_t dram_off,
                  uint32_t rows, uint32_t cols, uint32_t stride, unsigned deps);
int loom_cmd_matmul(uint32_t insn[4], unsigned mode, unsigned accumulate, uint32_t acc_addr,
                    uint32_t apad_addr, uint32_t wpad_addr, uint32_t rows, unsigned deps);
int loom_cmd_store(uint32_t insn[4], unsigned pp, uint32_t acc_addr, uint32_t dram_off,
                   uint32_t rows, uint32_t pp_addr, uint32_t cols, uint32_t stride,
                   unsigned deps);
int loom_cmd_sync(uint32_t insn[4], unsigned queue, unsigned deps);
int loom_cmd_fence(uint32_t insn[4], unsigned irq);
int loom_cmd_end(uint32_t insn[4]);

/* The queue the dispatcher sends insn to (LOOM_QUEUE_LOAD/COMPUTE/STORE), or
 * LOOM_QUEUE_NONE for FENCE, END and illegal opcodes. Only meaningful for
 * instructions that pass loom_cmd_check() (a LOAD with mem 3 reports the load queue,
 * a SYNC with queue 3 reports NONE). */
unsigned loom_cmd_queue(const uint32_t insn[4]);

/* The hardware error code (LOOM_HWERR_*) the decoder raises for insn on a core with
 * caps and a DMA window of window_bytes (DMA_LIMIT - DMA_BASE), LOOM_HWERR_NONE if it
 * passes. Applies docs/isa.md's rules in its order: opcode, reserved bits, token-flag
 * direction, mode, other BAD_FIELD rules, SRAM_RANGE, DMA_WINDOW. Token counters are
 * not looked at (see loom_cmd_validate). caps must pass loom_caps_check(). */
unsigned loom_cmd_check(const loom_caps *caps, uint64_t window_bytes, const uint32_t insn[4]);

/* Runs the program through a model of the dispatcher and the three queues that
 * decides what the hardware reports, and optionally a legal execution order.
 *
 * Model: the dispatcher takes instructions in order and checks each one
 * (loom_cmd_check); a queue holds up to caps->queue_depth instructions that have not
 * started; the head of a queue starts once every counter it pops is non-zero, and
 * pushes when it completes; FENCE and END wait until every queue is empty; END checks
 * the counters and stops the stream (later instructions are neither checked nor run).
 * Faults, each with an instruction index:
 *  - the first instruction failing loom_cmd_check: its code;
 *  - TOKEN_OVERFLOW at a push that takes a counter past caps->token_max in SOME legal
 *    timing (the consumer of that counter as slow as the protocol allows), so a
 *    program that passes can never overflow on hardware;
 *  - TOKEN_UNDERFLOW when no queue can move and the dispatcher is blocked (full queue,
 *    FENCE, END) or the stream has run out: the index is the oldest queue head waiting
 *    for a token (a stream without END that leaves a pop waiting counts too, although
 *    the hardware would wait for more instructions rather than report it);
 *  - TOKEN_LEAK at an END that finds a counter non-zero.
 * The lowest index wins. Faults from independent causes race on hardware; with one
 * fault in a program the hardware reports exactly this one. Counters start at zero.
 *
 * order (optional, room for n entries) receives the indices of the instructions that
 * run before the fault (all of them, END included, if none), each after everything it
 * depends on, in one legal timing; *n_order (optional) their count. *consumed
 * (optional) is one past the END that stopped the stream, or n.
 * Returns LOOM_OK, LOOM_ERR_BAD_PROGRAM with *bad_index and *hw_err set (both optional), or
 * LOOM_ERR_INVALID_ARG (NULL caps or insns with n > 0, caps failing loom_caps_check).
 * No allocation. */
int loom_cmd_schedule(const loom_caps *caps, uint64_t window_bytes, const uint32_t *insns,
                      size_t n, size_t *order, size_t *n_order, size_t *consumed,
                      size_t *bad_index, unsigned *hw_err);

/* loom_cmd_schedule() without the order: LOOM_OK if the hardware runs the program to
 * its END (or the end of the stream) without an error, else LOOM_ERR_BAD_PROGRAM with the index
 * and code of the fault it raises. */
int loom_cmd_validate(const loom_caps *caps, uint64_t window_bytes, const uint32_t *insns,
                      size_t n, size_t *bad_index, unsigned *hw_err);

#endif /* LOOM_CMD_H */
