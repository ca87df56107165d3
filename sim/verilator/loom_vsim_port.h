/* SPDX-License-Identifier: Apache-2.0 */
/* The Verilator library as a port of the driver core (loom_port.h): CSR access
 * through real AXI4-Lite transactions, wait_irq as simulated cycles. */
#ifndef LOOM_VSIM_PORT_H
#define LOOM_VSIM_PORT_H

#include "loom/loom_port.h"
#include "loom_vsim.h"

typedef struct loom_vsim_port {
    loom_port base; /* first: a loom_vsim_port * is a loom_port * */
    loom_vsim *sim;
} loom_vsim_port;

/* Point p at sim (not owned). Ticks of wait_irq are clock cycles. */
void loom_vsim_port_init(loom_vsim_port *p, loom_vsim *sim);

#endif /* LOOM_VSIM_PORT_H */
