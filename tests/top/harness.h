/* SPDX-License-Identifier: Apache-2.0 */
/* Shared set-up for the top-level tests: one simulated system (Verilated loom_top +
 * memory model) driven through the driver core, with the golden interpreter beside it. */
#ifndef LOOM_TEST_HARNESS_H
#define LOOM_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "loom/loom_interp.h"
#include "loom/loom_port.h"
#include "loom_vsim_port.h"

#define H_MEM_BASE 0x40000000u
#define H_MEM_BYTES (8u << 20) /* default memory size */
#define H_RING_SLOTS 1024u
#define H_DATA_OFF (H_RING_SLOTS * 16u) /* first byte after the ring */
#define H_BUDGET 200000000ull           /* cycles per program, far above any test */

typedef struct harness {
    loom_vsim *sim;
    loom_vsim_port port;
    loom_core core;
    loom_interp *interp;
    uint8_t *mem;      /* simulated host memory == the DMA window */
    uint8_t *shadow;   /* the interpreter's copy of the window */
    uint32_t mem_bytes;
} harness;

/* cfg NULL: defaults; cfg->mem_bytes 0: H_MEM_BYTES. shadow: also keep an interpreter. */
int h_open(harness *h, const loom_vsim_config *cfg, int shadow);
void h_close(harness *h);

/* Run insns on the simulator (through the driver core) and on the interpreter (over the
 * shadow copy, which is first made equal to the simulator's memory). Returns the core's
 * error code; *ires gets the interpreter's result. */
int h_run_both(harness *h, const uint32_t *insns, size_t n, loom_interp_result *ires);

/* Deterministic PRNG (xorshift64*). */
uint64_t h_rand(uint64_t *s);
uint32_t h_range(uint64_t *s, uint32_t lo, uint32_t hi); /* inclusive */

#define H_CHECK(cond, ...)                                                                     \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)

#endif
