# SPDX-License-Identifier: Apache-2.0
# Compute path: loom_matmul, loom_array, loom_pe, loom_apad, loom_acc, loom_sram_2p.
COMPUTE_RTL := $(TOP)/rtl/loom_pkg.sv $(TOP)/rtl/loom_sram_2p.sv $(TOP)/rtl/loom_apad.sv \
               $(TOP)/rtl/loom_acc.sv $(TOP)/rtl/loom_pe.sv $(TOP)/rtl/loom_array.sv \
               $(TOP)/rtl/loom_matmul.sv
COMPUTE_TB  := $(TOP)/tests/rtl/compute/tb_compute.sv $(TOP)/tests/rtl/compute/tb_compute.cpp

$(eval $(call vtest,compute_16x16,tb_compute,$(COMPUTE_RTL),$(COMPUTE_TB),--assert -GROWS=16 -GCOLS=16))
$(eval $(call vtest,compute_4x4,tb_compute,$(COMPUTE_RTL),$(COMPUTE_TB),--assert -GROWS=4 -GCOLS=4))
$(eval $(call vtest,compute_8x16,tb_compute,$(COMPUTE_RTL),$(COMPUTE_TB),--assert -GROWS=8 -GCOLS=16))
$(eval $(call vtest,compute_16x8,tb_compute,$(COMPUTE_RTL),$(COMPUTE_TB),--assert -GROWS=16 -GCOLS=8))
