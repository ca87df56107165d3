# SPDX-License-Identifier: Apache-2.0
# Memory-side units: loom_requant, loom_dma_rd/loom_load + loom_axi_rd_mux, loom_store.
MEM_TB  := $(TOP)/tests/rtl/mem
MEM_HDR := $(MEM_TB)/axi_mem.h

MEM_LOAD_RTL := $(RTL_PKG) $(TOP)/rtl/loom_axi_rd_mux.sv $(TOP)/rtl/loom_dma_rd.sv \
                $(TOP)/rtl/loom_load.sv
MEM_STORE_RTL := $(RTL_PKG) $(TOP)/rtl/loom_requant.sv $(TOP)/rtl/loom_store.sv

$(eval $(call vtest,requant,loom_requant,$(RTL_PKG) $(TOP)/rtl/loom_requant.sv,$(MEM_TB)/tb_requant.cpp,--assert))
$(eval $(call vtest,requant_pipe2,loom_requant,$(RTL_PKG) $(TOP)/rtl/loom_requant.sv,$(MEM_TB)/tb_requant.cpp,--assert -GPIPE=2 -CFLAGS -DTB_PIPE=2))
$(eval $(call vtest,load,tb_load_top,$(MEM_LOAD_RTL),$(MEM_TB)/tb_load_top.sv $(MEM_TB)/tb_load.cpp,--assert))
$(eval $(call vtest,load_12x8,tb_load_top,$(MEM_LOAD_RTL),$(MEM_TB)/tb_load_top.sv $(MEM_TB)/tb_load.cpp,--assert -GROWS=12 -GCOLS=8 -CFLAGS -DTB_ROWS=12 -CFLAGS -DTB_COLS=8))
$(eval $(call vtest,store,tb_store_top,$(MEM_STORE_RTL),$(MEM_TB)/tb_store_top.sv $(MEM_TB)/tb_store.cpp,--assert))
$(eval $(call vtest,store_pp8,tb_store_top,$(MEM_STORE_RTL),$(MEM_TB)/tb_store_top.sv $(MEM_TB)/tb_store.cpp,--assert -GCOLS=12 -GPP_LANES=8 -GPIPE=0 -CFLAGS -DTB_COLS=12 -CFLAGS -DTB_PP=8 -CFLAGS -DTB_PIPE=0))

$(eval $(call vtest,store_pipe2,tb_store_top,$(MEM_STORE_RTL),$(MEM_TB)/tb_store_top.sv $(MEM_TB)/tb_store.cpp,--assert -GPIPE=2))

$(BUILD)/rtl/load/tb $(BUILD)/rtl/load_12x8/tb $(BUILD)/rtl/store/tb $(BUILD)/rtl/store_pp8/tb \
$(BUILD)/rtl/store_pipe2/tb: $(MEM_HDR)
