/* SPDX-License-Identifier: Apache-2.0 */
#include "loom_vsim_port.h"

#include "loom/loom_error.h"

/* Cycles simulated between two looks at the irq line. */
#define IRQ_POLL 16u

static loom_vsim *sim_of(loom_port *p)
{
    return ((loom_vsim_port *)p)->sim;
}

static int vsim_reg_read(loom_port *p, uint32_t off, uint32_t *val)
{
    return loom_vsim_mmio_read(sim_of(p), off, val) ? LOOM_ERR_IO : LOOM_OK;
}

static int vsim_reg_write(loom_port *p, uint32_t off, uint32_t val)
{
    return loom_vsim_mmio_write(sim_of(p), off, val) ? LOOM_ERR_IO : LOOM_OK;
}

static int vsim_wait_irq(loom_port *p, uint64_t ticks)
{
    loom_vsim *sim = sim_of(p);
    for (uint64_t t = 0; t < ticks && !loom_vsim_irq(sim); t += IRQ_POLL) {
        if (loom_vsim_step(sim, IRQ_POLL))
            return LOOM_ERR_IO;
    }
    return LOOM_OK;
}

static const loom_port_ops vsim_ops = {
    .name = "vsim",
    .reg_read = vsim_reg_read,
    .reg_write = vsim_reg_write,
    .wait_irq = vsim_wait_irq,
    .dma_sync = NULL,
};

void loom_vsim_port_init(loom_vsim_port *p, loom_vsim *sim)
{
    p->base.ops = &vsim_ops;
    p->sim = sim;
}
