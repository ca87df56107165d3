# SPDX-License-Identifier: Apache-2.0
# Tests of the Verilator harness (sim/verilator, loom_vsim.h), in C against
# libloomvsim, so they have their own rules instead of $(call vtest,...).
#
#   vsim_stub        the harness against tests/rtl/vsim/axi_stub.sv (a stand-in
#                    for loom_top), built as its own libloomvsim
#   vsim_smoke_CFG   the real loom_top: CSRs, an END-only ring, one MATMUL program
#
# The C side is built with ASan/UBSan. Until rtl/loom_top.sv exists the smoke
# tests are scripts that report SKIP.

VSIM_DIR    := $(TOP)/sim/verilator
VSIM_LDLIBS := -lstdc++ -lz -lpthread -lm
VSIM_CFLAGS := $(CFLAGS_LOOM) $(SANFLAGS)
VSIM_SMOKE_CFGS := 4x4 8x16 16x16
VSIM_HAVE_TOP := $(wildcard $(TOP)/rtl/loom_top.sv)

.PHONY: FORCE_VSIM
FORCE_VSIM:

# ---------------------------------------------------------------- vsim_stub
RTL_TESTS += vsim_stub
VSIM_STUB_LIB := $(BUILD)/rtl/vsim_stub/lib/libloomvsim.a

$(VSIM_STUB_LIB): FORCE_VSIM
	@$(MAKE) --no-print-directory -C $(VSIM_DIR) CFG=4x4 VTOP=axi_stub \
	    VSRCS=$(TOP)/tests/rtl/vsim/axi_stub.sv OUT=$(BUILD)/rtl/vsim_stub/lib

$(BUILD)/rtl/vsim_stub/tb: $(TOP)/tests/rtl/vsim/stub_test.c $(VSIM_STUB_LIB)
	$(CC) $(VSIM_CFLAGS) -I$(VSIM_DIR) $< $(VSIM_STUB_LIB) $(VSIM_LDLIBS) -o $@

# ---------------------------------------------------------------- vsim_smoke_CFG
RTL_TESTS += $(VSIM_SMOKE_CFGS:%=vsim_smoke_%)

ifneq ($(VSIM_HAVE_TOP),)
$(VSIM_SMOKE_CFGS:%=$(BUILD)/vsim/%/libloomvsim.a): $(BUILD)/vsim/%/libloomvsim.a: FORCE_VSIM
	@$(MAKE) --no-print-directory -C $(VSIM_DIR) CFG=$*

$(BUILD)/rtl/vsim_smoke_%/tb: $(TOP)/tests/rtl/vsim/smoke.c $(BUILD)/vsim/%/libloomvsim.a
	@mkdir -p $(@D)
	$(CC) $(VSIM_CFLAGS) -I$(VSIM_DIR) $< $(BUILD)/vsim/$*/libloomvsim.a $(VSIM_LDLIBS) -o $@
else
$(BUILD)/rtl/vsim_smoke_%/tb: $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@printf '#!/bin/sh\necho "SKIP: rtl/loom_top.sv does not exist yet"\nexit 77\n' > $@
	@chmod +x $@
endif
