/* SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "loom/loom_error.h"

int h_open(harness *h, const loom_vsim_config *user, int shadow)
{
    loom_vsim_config cfg;
    uint64_t base, size;
    memset(h, 0, sizeof *h);
    if (user)
        cfg = *user;
    else
        loom_vsim_config_init(&cfg);
    cfg.mem_base = H_MEM_BASE;
    if (!cfg.mem_bytes)
        cfg.mem_bytes = H_MEM_BYTES;
    h->mem_bytes = (uint32_t)cfg.mem_bytes;
    int err = loom_vsim_create(&cfg, &h->sim);
    if (err) {
        printf("loom_vsim_create: %s\n", loom_vsim_strerror(err));
        return 1;
    }
    h->mem = loom_vsim_mem(h->sim, &base, &size);
    loom_vsim_port_init(&h->port, h->sim);
    err = loom_core_init(&h->core, &h->port.base, (uint32_t *)h->mem, base, H_RING_SLOTS, base,
                         base + size);
    if (err) {
        printf("loom_core_init: %s\n", loom_strerror(err));
        return 1;
    }
    if (!shadow)
        return 0;
    if ((err = loom_interp_create(&h->core.caps, &h->interp))) {
        printf("loom_interp_create: %s\n", loom_strerror(err));
        return 1;
    }
    h->shadow = malloc(h->mem_bytes);
    return h->shadow ? 0 : 1;
}

void h_close(harness *h)
{
    loom_interp_destroy(h->interp);
    loom_vsim_destroy(h->sim);
    free(h->shadow);
}

int h_run_both(harness *h, const uint32_t *insns, size_t n, loom_interp_result *ires)
{
    memcpy(h->shadow, h->mem, h->mem_bytes);
    loom_interp_run(h->interp, h->shadow, h->mem_bytes, insns, n, ires);
    return loom_core_run(&h->core, insns, n, H_BUDGET);
}

uint64_t h_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

uint32_t h_range(uint64_t *s, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(h_rand(s) % ((uint64_t)hi - lo + 1));
}
