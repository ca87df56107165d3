/* SPDX-License-Identifier: Apache-2.0 */
/* The OS-free driver core (see loom_port.h). No libc, no allocation: the same file
 * builds for Linux user space, simulators and bare-metal firmware. */
#include "loom/loom_error.h"
#include "loom/loom_isa.h"
#include "loom/loom_port.h"

#define FIELD(v, reg, f) (((v) >> LOOM_##reg##_##f##_LO) & ((1u << LOOM_##reg##_##f##_W) - 1u))

/* Poll granularity while waiting, in port ticks. */
#define LOOM_CORE_POLL 2048u

static int rd(loom_core *c, uint32_t off, uint32_t *v)
{
    return c->port->ops->reg_read(c->port, off, v);
}

static int wr(loom_core *c, uint32_t off, uint32_t v)
{
    return c->port->ops->reg_write(c->port, off, v);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static int read_caps(loom_core *c)
{
    uint32_t cap0, cap1, apad, wpad, acc;
    int err;
    if ((err = rd(c, LOOM_CSR_CAP0, &cap0)) || (err = rd(c, LOOM_CSR_CAP1, &cap1)) ||
        (err = rd(c, LOOM_CSR_CAP_APAD, &apad)) || (err = rd(c, LOOM_CSR_CAP_WPAD, &wpad)) ||
        (err = rd(c, LOOM_CSR_CAP_ACC, &acc)))
        return err;
    c->caps.rows = FIELD(cap0, CAP0, ROWS);
    c->caps.cols = FIELD(cap0, CAP0, COLS);
    c->caps.bus_bytes = FIELD(cap0, CAP0, BUS_BYTES);
    c->caps.modes = FIELD(cap0, CAP0, MODES);
    c->caps.apad_depth = apad;
    c->caps.wpad_depth = wpad;
    c->caps.acc_depth = acc;
    c->caps.queue_depth = FIELD(cap1, CAP1, QUEUE_DEPTH);
    c->caps.token_max = FIELD(cap1, CAP1, TOKEN_MAX);
    c->caps.pp_lanes = FIELD(cap1, CAP1, PP_LANES);
    if (!c->caps.rows || !c->caps.cols || !c->caps.bus_bytes || !apad || !wpad || !acc)
        return LOOM_ERR_NO_DEVICE;
    return LOOM_OK;
}

int loom_core_reset(loom_core *c, uint64_t budget)
{
    uint32_t st;
    int err = wr(c, LOOM_CSR_CTRL, 1u << LOOM_CTRL_SOFT_RESET_LO);
    for (uint64_t waited = 0;; waited += LOOM_CORE_POLL) {
        if (err || (err = rd(c, LOOM_CSR_STATUS, &st)))
            return err;
        if (!FIELD(st, STATUS, RESETTING) && !FIELD(st, STATUS, BUSY))
            break;
        if (waited >= budget)
            return LOOM_ERR_TIMEOUT;
        err = c->port->ops->wait_irq(c->port, LOOM_CORE_POLL);
    }
    /* Soft reset clears RING_HEAD; restart the ring from slot 0. */
    c->tail = 0;
    if ((err = wr(c, LOOM_CSR_RING_TAIL, 0)) || (err = wr(c, LOOM_CSR_IRQ_STATUS, ~0u)) ||
        (err = rd(c, LOOM_CSR_DONE_COUNT, &c->done_count)))
        return err;
    return LOOM_OK;
}

int loom_core_init(loom_core *c, loom_port *port, uint32_t *ring, uint64_t ring_dev,
                   uint32_t ring_slots, uint64_t win_base, uint64_t win_limit)
{
    uint32_t id, ver, st;
    int err;
    if (!c || !port || !port->ops || !ring || ring_slots < 2 || ring_slots > 65536u ||
        (ring_dev & 15u) || win_limit <= win_base || win_limit > 0xFFFFFFFFull ||
        ring_dev < win_base || ring_dev + 16ull * ring_slots > win_limit)
        return LOOM_ERR_INVALID_ARG;
    c->port = port;
    c->ring = ring;
    c->ring_dev = ring_dev;
    c->ring_slots = ring_slots;
    c->tail = 0;
    c->hw_err = LOOM_HWERR_NONE;
    c->hw_err_index = 0;
    if ((err = rd(c, LOOM_CSR_ID, &id)) || (err = rd(c, LOOM_CSR_VERSION, &ver)))
        return err;
    if (id != LOOM_ID_MAGIC)
        return LOOM_ERR_NO_DEVICE;
    if (FIELD(ver, VERSION, MAJOR) != LOOM_ISA_VERSION_MAJOR)
        return LOOM_ERR_VERSION;
    if ((err = read_caps(c)) || (err = rd(c, LOOM_CSR_STATUS, &st)))
        return err;
    if (FIELD(st, STATUS, BUSY) || FIELD(st, STATUS, ERROR) || FIELD(st, STATUS, RESETTING)) {
        if ((err = loom_core_reset(c, 1000000u)))
            return err;
    }
    if ((err = wr(c, LOOM_CSR_DMA_BASE, (uint32_t)win_base)) ||
        (err = wr(c, LOOM_CSR_DMA_LIMIT, (uint32_t)win_limit)) ||
        (err = wr(c, LOOM_CSR_RING_BASE, (uint32_t)ring_dev)) ||
        (err = wr(c, LOOM_CSR_RING_SIZE, ring_slots)) ||
        (err = wr(c, LOOM_CSR_IRQ_MASK, ~0u)) || (err = loom_core_reset(c, 1000000u)))
        return err;
    return LOOM_OK;
}

/* Slots the host may fill without overtaking the engine (one stays empty). */
static int ring_free(loom_core *c, uint32_t *free_slots)
{
    uint32_t head;
    int err = rd(c, LOOM_CSR_RING_HEAD, &head);
    if (err)
        return err;
    if (head >= c->ring_slots)
        return LOOM_ERR_IO;
    *free_slots = (head + c->ring_slots - c->tail - 1u) % c->ring_slots;
    return LOOM_OK;
}

static void ring_put(loom_core *c, const uint32_t *insns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t *slot = c->ring + 4u * c->tail;
        size_t first = c->tail;
        for (int w = 0; w < 4; w++)
            slot[w] = insns[4 * i + (size_t)w];
        if (c->port->ops->dma_sync)
            c->port->ops->dma_sync(c->port, c->ring + 4u * first, 16);
        c->tail = (c->tail + 1u) % c->ring_slots;
    }
}

/* The device stopped with an error: record it, reset, report. Instruction i of the
 * program went to slot (start + i) mod slots, and the faulting one was among the last
 * `slots` sent, which makes the slot-to-index mapping unique. */
static int hw_fault(loom_core *c, uint32_t start, size_t sent, uint64_t budget)
{
    uint32_t code = 0, slot = 0;
    int err;
    if ((err = rd(c, LOOM_CSR_ERR_CODE, &code)) || (err = rd(c, LOOM_CSR_ERR_INDEX, &slot)))
        return err;
    c->hw_err = code;
    c->hw_err_slot = slot;
    c->hw_err_index = sent - 1 - (start + sent - 1 + c->ring_slots - slot % c->ring_slots) % c->ring_slots;
    err = loom_core_reset(c, budget);
    return err ? err : LOOM_ERR_HW;
}

int loom_core_run(loom_core *c, const uint32_t *insns, size_t n, uint64_t budget)
{
    uint64_t waited = 0;
    uint32_t st, done, target, start = c ? c->tail : 0;
    size_t sent = 0;
    int started = 0, err;
    if (!c || !insns || n == 0 ||
        loom_insn_get(&insns[4 * (n - 1)], LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W) != LOOM_OP_END)
        return LOOM_ERR_INVALID_ARG;
    c->hw_err = LOOM_HWERR_NONE;
    if ((err = rd(c, LOOM_CSR_DONE_COUNT, &c->done_count)))
        return err;
    /* Every END and every FENCE with irq bumps DONE_COUNT. */
    target = c->done_count;
    for (size_t i = 0; i < n; i++) {
        uint64_t op = loom_insn_get(&insns[4 * i], LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W);
        if (op == LOOM_OP_END ||
            (op == LOOM_OP_FENCE && loom_insn_get(&insns[4 * i], LOOM_FENCE_IRQ_LO, 1)))
            target++;
    }
    for (;;) {
        if (sent < n) {
            uint32_t room;
            if ((err = ring_free(c, &room)))
                return err;
            if (room) {
                size_t k = min_u64(room, n - sent);
                ring_put(c, insns + 4 * sent, k);
                sent += k;
                if ((err = wr(c, LOOM_CSR_RING_TAIL, c->tail)))
                    return err;
            }
            if (!started) {
                if ((err = wr(c, LOOM_CSR_CTRL, 1u << LOOM_CTRL_START_LO)))
                    return err;
                started = 1;
            }
        }
        if ((err = rd(c, LOOM_CSR_STATUS, &st)) || (err = rd(c, LOOM_CSR_DONE_COUNT, &done)))
            return err;
        if (FIELD(st, STATUS, ERROR))
            return hw_fault(c, start, sent, budget);
        if (sent == n && done == target && !FIELD(st, STATUS, BUSY)) {
            c->done_count = done;
            return wr(c, LOOM_CSR_IRQ_STATUS, ~0u);
        }
        if (waited >= budget) {
            err = loom_core_reset(c, budget);
            return err ? err : LOOM_ERR_TIMEOUT;
        }
        if ((err = wr(c, LOOM_CSR_IRQ_STATUS, ~0u)) ||
            (err = c->port->ops->wait_irq(c->port, LOOM_CORE_POLL)))
            return err;
        waited += LOOM_CORE_POLL;
    }
}

int loom_core_perf(loom_core *c, loom_perf *out, int clear)
{
    static const uint32_t regs[8] = {
        LOOM_CSR_PERF_CYCLES_LO,      LOOM_CSR_PERF_ARRAY_BUSY_LO, LOOM_CSR_PERF_MACS_LO,
        LOOM_CSR_PERF_DMA_RD_BYTES_LO, LOOM_CSR_PERF_DMA_WR_BYTES_LO, LOOM_CSR_PERF_STALL_TOKEN_LO,
        LOOM_CSR_PERF_STALL_MEM_LO,   LOOM_CSR_PERF_STALL_FETCH_LO,
    };
    uint64_t v[8];
    int err;
    if (!c || !out)
        return LOOM_ERR_INVALID_ARG;
    for (int i = 0; i < 8; i++) {
        uint32_t lo, hi;
        /* Reading LO latches HI. */
        if ((err = rd(c, regs[i], &lo)) || (err = rd(c, regs[i] + 4u, &hi)))
            return err;
        v[i] = (uint64_t)hi << 32 | lo;
    }
    out->cycles = v[0];
    out->array_busy = v[1];
    out->macs = v[2];
    out->dma_rd_bytes = v[3];
    out->dma_wr_bytes = v[4];
    out->stall_token = v[5];
    out->stall_mem = v[6];
    out->stall_fetch = v[7];
    return clear ? wr(c, LOOM_CSR_PERF_CTRL, 1u << LOOM_PERF_CTRL_CLEAR_LO) : LOOM_OK;
}
