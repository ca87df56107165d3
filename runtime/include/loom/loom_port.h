/* SPDX-License-Identifier: Apache-2.0 */
/* The driver core and its port: ring management, doorbell, completion, error and
 * reset logic written once in OS-free C (loom_core.c), reaching a device only
 * through the four operations of a loom_port. The C model, the Verilator library,
 * Linux, UIO, USB and bare-metal backends are ports. */
#ifndef LOOM_PORT_H
#define LOOM_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "loom/loom_caps.h"

typedef struct loom_port loom_port;

typedef struct loom_port_ops {
    const char *name;
    /* Read/write one 32-bit CSR at byte offset off. LOOM_OK or LOOM_ERR_IO. */
    int (*reg_read)(loom_port *p, uint32_t off, uint32_t *val);
    int (*reg_write)(loom_port *p, uint32_t off, uint32_t val);
    /* Block until the irq line is raised or `ticks` pass (microseconds on hardware,
     * cycles in a simulator); LOOM_OK either way, LOOM_ERR_IO if the device is gone.
     * The core re-reads the registers afterwards, so spurious returns are fine. */
    int (*wait_irq)(loom_port *p, uint64_t ticks);
    /* Make CPU writes to [ptr, ptr+len) of DMA memory visible to the device;
     * NULL when memory is coherent. */
    void (*dma_sync)(loom_port *p, void *ptr, size_t len);
} loom_port_ops;

/* Embed as the first member of a backend's own state. */
struct loom_port {
    const loom_port_ops *ops;
};

/* Performance counters (PERF_* registers). */
typedef struct loom_perf {
    uint64_t cycles, array_busy, macs, dma_rd_bytes, dma_wr_bytes;
    uint64_t stall_token, stall_mem, stall_fetch;
} loom_perf;

/* Driver-core state for one device. Lives in the backend; fields are internal. */
typedef struct loom_core {
    loom_port *port;
    loom_caps caps;
    uint32_t *ring;       /* host view of the ring, ring_slots * 4 words */
    uint64_t ring_dev;    /* its device (bus) address */
    uint32_t ring_slots;
    uint32_t tail;        /* next slot the host writes */
    uint32_t done_count;  /* DONE_COUNT value the last wait reached */
    unsigned hw_err;      /* LOOM_HWERR_* of the last device error */
    size_t hw_err_index;  /* index in the program of the faulting instruction */
    uint32_t hw_err_slot; /* its ring slot (ERR_INDEX) */
} loom_core;

/* Identify the device behind `port` (ID magic, ISA major version), read its
 * capabilities, soft-reset it if it is busy or in error, and program the ring
 * (`ring_slots` slots of 16 bytes at host `ring` / device `ring_dev`, 16-byte aligned,
 * inside the window) and the DMA window [win_base, win_limit), win_limit < 2^32.
 * Errors: LOOM_ERR_INVALID_ARG, LOOM_ERR_NO_DEVICE, LOOM_ERR_VERSION, LOOM_ERR_IO,
 * LOOM_ERR_TIMEOUT (reset did not complete). The core does not own the ring memory. */
int loom_core_init(loom_core *c, loom_port *port, uint32_t *ring, uint64_t ring_dev,
                   uint32_t ring_slots, uint64_t win_base, uint64_t win_limit);

/* Run a program (n instructions of 4 words, ending with END) to completion: copies it
 * into the ring as space allows, rings the doorbell, starts the engine and refills
 * the ring as the engine advances, then waits for END. `budget` bounds the whole run
 * in port ticks. Errors: LOOM_ERR_INVALID_ARG (n == 0 or no END last),
 * LOOM_ERR_HW (device error: c->hw_err, c->hw_err_index (program index), the device has been
 * soft-reset and is ready again), LOOM_ERR_TIMEOUT (device reset), LOOM_ERR_IO. */
int loom_core_run(loom_core *c, const uint32_t *insns, size_t n, uint64_t budget);

/* Soft-reset the device and the ring; configuration is kept. */
int loom_core_reset(loom_core *c, uint64_t budget);

/* Read every performance counter; `clear` zeroes them afterwards. */
int loom_core_perf(loom_core *c, loom_perf *out, int clear);

#endif /* LOOM_PORT_H */
