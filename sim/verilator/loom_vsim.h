/* SPDX-License-Identifier: Apache-2.0 */
/* loom_vsim: a C API over the Verilated loom_top.
 *
 * One handle is one simulated system: the design (clocked by the harness), an
 * AXI4-Lite master that performs CSR accesses, and an AXI4 memory slave that
 * serves the design's DMA master from a block of simulated host memory.
 *
 * Time only advances inside calls that say so (mmio_*, step, run_until_idle);
 * everything is deterministic: the same sequence of calls on the same build gives
 * the same cycle counts and the same memory contents.
 *
 * The design configuration (ROWS, COLS, pad depths, ...) is fixed when the
 * library is built (sim/verilator/Makefile, CFG=...); loom_vsim_build_info()
 * reports it. Link with: libloomvsim.a -lstdc++ -lz -lpthread -lm.
 *
 * Handles are not thread-safe; separate handles may be used from separate threads.
 */
#ifndef LOOM_VSIM_H
#define LOOM_VSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes: 0 on success, negative on error. */
enum {
    LOOM_VSIM_OK = 0,
    LOOM_VSIM_ERR_INVAL = -1,         /* bad argument or configuration */
    LOOM_VSIM_ERR_NOMEM = -2,         /* allocation failed */
    LOOM_VSIM_ERR_TIMEOUT = -3,       /* no CSR response in time, or not idle by max_cycles */
    LOOM_VSIM_ERR_BUS = -4,           /* a CSR access was answered SLVERR or DECERR */
    LOOM_VSIM_ERR_PROTOCOL = -5,      /* the design broke an AXI rule (see last_error) */
    LOOM_VSIM_ERR_IO = -6,            /* a trace file could not be opened */
    LOOM_VSIM_ERR_NOT_SUPPORTED = -7, /* feature not compiled into this build */
    LOOM_VSIM_ERR_DESIGN = -8,        /* the design failed an assertion or executed $stop, or
                                         an earlier CSR access timed out: the handle then
                                         answers every time-advancing call with this code */
};

/* Parameters of the Verilated design in this library build. */
typedef struct loom_vsim_params {
    const char *cfg;       /* configuration name, e.g. "16x16" */
    const char *top;       /* Verilated top module, normally "loom_top" */
    unsigned rows, cols;   /* array size */
    unsigned bus_bytes;    /* AXI4 data width in bytes */
    unsigned addr_w;       /* AXI4 address width in bits */
    unsigned apad_depth, wpad_depth, acc_depth;
    unsigned queue_depth, pp_lanes;
    unsigned modes;        /* bit i set: MATMUL mode i supported */
    int trace;             /* 1 if FST tracing is compiled in */
} loom_vsim_params;

/* Simulated-system configuration. Zero in a field selects its default, so
 * `loom_vsim_config c = {0}; c.mem_bytes = ...;` is a complete configuration. */
typedef struct loom_vsim_config {
    uint64_t mem_bytes;           /* host memory size; multiple of 4096; 0: 16 MiB */
    uint64_t mem_base;            /* its physical address; multiple of 4096 (0 is a valid base);
                                     mem_base + mem_bytes <= 2^addr_w */
    uint32_t mem_bytes_per_cycle; /* bandwidth shared by reads and writes; 0: 16 */
    uint32_t mem_latency;         /* cycles from AR acceptance to the first R beat and from
                                     the last W beat to B; 0: 64 (1 is the minimum) */
    uint32_t mem_outstanding;     /* bursts in flight per direction, 1..64; 0: 64 */
    const char *trace_path;       /* FST file to trace into from reset on, or NULL */
} loom_vsim_config;

/* Counters kept by the memory model and the CSR master since create. */
typedef struct loom_vsim_stats {
    uint64_t rd_bursts, wr_bursts; /* AR and AW handshakes */
    uint64_t rd_beats, wr_beats;   /* R and W handshakes */
    uint64_t rd_bytes, wr_bytes;   /* bytes in those beats (bus width; writes: strobed bytes) */
    uint64_t decerr, slverr;       /* R beats and B responses other than OKAY */
    uint64_t protocol_errors;      /* AXI rule violations by the design */
    uint64_t mmio_reads, mmio_writes;
} loom_vsim_stats;

typedef struct loom_vsim loom_vsim;

/* The parameters of the design compiled into this library. Never NULL; the
 * returned object is static and must not be freed. */
const loom_vsim_params *loom_vsim_build_info(void);

/* Text for a LOOM_VSIM_* return code. Never NULL; static storage. */
const char *loom_vsim_strerror(int code);

/* Fills *cfg with the defaults (the values that zero fields select). */
void loom_vsim_config_init(loom_vsim_config *cfg);

/* Creates a simulated system: allocates host memory (zeroed), builds the model,
 * applies reset for a few cycles and returns with the design out of reset and
 * loom_vsim_cycles() == 0. cfg may be NULL for all defaults. If cfg->trace_path
 * is set, or else the environment variable LOOM_VSIM_TRACE names a file, FST
 * tracing starts at reset. On success *out owns the handle (free it with
 * loom_vsim_destroy). Errors: INVAL (bad cfg, out NULL), NOMEM, IO (trace file),
 * NOT_SUPPORTED (trace requested, build without tracing); *out is NULL then. */
int loom_vsim_create(const loom_vsim_config *cfg, loom_vsim **out);

/* Closes the trace, frees the model and the memory. NULL is a no-op. */
void loom_vsim_destroy(loom_vsim *sim);

/* A detailed message for the last error on this handle ("" if none). Valid until
 * the next call on the handle. sim NULL gives "". */
const char *loom_vsim_last_error(const loom_vsim *sim);

/* Reads the 32-bit CSR at byte offset off through a real AXI4-Lite read,
 * clocking the design until the response (memory traffic proceeds meanwhile).
 * Errors: INVAL (off not 4-aligned or >= 4096, NULL args), BUS (RRESP != OKAY;
 * *val still receives RDATA), TIMEOUT (no handshake within 10000 cycles; the
 * handle is then unusable except for destroy), PROTOCOL (the design broke an AXI
 * rule during the access; the access itself completed), DESIGN. */
int loom_vsim_mmio_read(loom_vsim *sim, uint32_t off, uint32_t *val);

/* Writes val to the CSR at byte offset off (all four strobes) through a real
 * AXI4-Lite write (AW and W presented together), clocking until B. Errors as for
 * loom_vsim_mmio_read. */
int loom_vsim_mmio_write(loom_vsim *sim, uint32_t off, uint32_t val);

/* Direct access to the simulated host memory: returns its first byte and, when
 * the pointers are not NULL, its physical base address and size in bytes.
 * Reads and writes through the pointer take effect at once (no cycles pass); do
 * not change memory that the design is using. Byte at physical address a is
 * mem[a - base]. Owned by the handle; valid until destroy. NULL if sim is NULL. */
uint8_t *loom_vsim_mem(loom_vsim *sim, uint64_t *base, uint64_t *size);

/* Runs n clock cycles. Errors: INVAL (sim NULL), PROTOCOL (the design broke an
 * AXI rule during these cycles; all n cycles are still run), DESIGN (stops early). */
int loom_vsim_step(loom_vsim *sim, uint64_t n);

/* Runs until the design is idle: STATUS.busy and STATUS.resetting read 0 and no AXI4 transfer is in
 * flight (no valid from the design, no burst inside the memory model). STATUS is
 * polled with back-to-back AXI4-Lite reads (a few cycles each), so idleness is
 * seen within one read and even an idle design costs one read. *cycles_run (if
 * not NULL) receives the cycles run, also on error. Errors: INVAL, TIMEOUT (still
 * busy after max_cycles; the read in progress is completed, so slightly more
 * cycles may have run), BUS (a STATUS read failed), PROTOCOL (as for step; the run
 * still goes on until idle), DESIGN. */
int loom_vsim_run_until_idle(loom_vsim *sim, uint64_t max_cycles, uint64_t *cycles_run);

/* The level of the design's irq output now: 1 or 0 (0 if sim is NULL). */
int loom_vsim_irq(const loom_vsim *sim);

/* Clock cycles run since reset was released at create (0 if sim is NULL). */
uint64_t loom_vsim_cycles(const loom_vsim *sim);

/* Starts FST tracing into fst_path (closing any trace already open), or stops
 * tracing if fst_path is NULL. Time is in half cycles since create. Errors:
 * INVAL (sim NULL), IO (file cannot be opened), NOT_SUPPORTED (build without
 * tracing). */
int loom_vsim_trace(loom_vsim *sim, const char *fst_path);

/* Error injection: from now on every memory beat that touches a byte in the
 * physical range [lo, hi) is answered SLVERR (reads return zero data; writes are
 * dropped). lo >= hi switches injection off. Accesses outside the memory are
 * DECERR regardless. Errors: INVAL (sim NULL). */
int loom_vsim_set_mem_error(loom_vsim *sim, uint64_t lo, uint64_t hi);

/* Copies the counters into *out. Errors: INVAL (NULL args). */
int loom_vsim_get_stats(const loom_vsim *sim, loom_vsim_stats *out);

/* Applies the design's hardware reset (rst_ni low for a few cycles) and drops
 * every burst in the memory model; memory contents, statistics and the cycle
 * count are kept (the reset cycles are counted). Errors: INVAL (sim NULL), DESIGN. */
int loom_vsim_reset(loom_vsim *sim);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_VSIM_H */
