# SPDX-License-Identifier: Apache-2.0
# Control-path unit benches: decode, issue + tokens, CSR block.
CTL_TB  := $(TOP)/tests/rtl/control
CTL_RTL := $(TOP)/rtl

DECODE_RTL := $(RTL_PKG) $(CTL_RTL)/loom_decode.sv
$(eval $(call vtest,ctl_decode,loom_decode,$(DECODE_RTL),$(CTL_TB)/tb_decode.cpp,\
  -CFLAGS "-DLOOM_ROWS=16 -DLOOM_COLS=16 -DLOOM_APAD=4096 -DLOOM_WPAD=4096 -DLOOM_ACC=1024 -DLOOM_MODES=3"))
# Non-power-of-two array (the divider path of entries-per-row), W8A8 only, small pads.
$(eval $(call vtest,ctl_decode_odd,loom_decode,$(DECODE_RTL),$(CTL_TB)/tb_decode.cpp,\
  -GROWS=12 -GCOLS=20 -GAPAD_DEPTH=3000 -GWPAD_DEPTH=2500 -GACC_DEPTH=700 -GMODES=1 \
  -CFLAGS "-DLOOM_ROWS=12 -DLOOM_COLS=20 -DLOOM_APAD=3000 -DLOOM_WPAD=2500 -DLOOM_ACC=700 -DLOOM_MODES=1"))

ISSUE_RTL := $(RTL_PKG) $(CTL_RTL)/loom_fifo.sv $(CTL_RTL)/loom_issue.sv $(CTL_RTL)/loom_tokens.sv
$(eval $(call vtest,ctl_issue,tb_issue,$(ISSUE_RTL),$(CTL_TB)/tb_issue.sv $(CTL_TB)/tb_issue.cpp,--assert))

$(eval $(call vtest,ctl_csr,loom_csr,$(RTL_PKG) $(CTL_RTL)/loom_csr.sv,$(CTL_TB)/tb_csr.cpp,\
  --assert -GROWS=128 -GCOLS=128))

# Control path of the whole core (ring, FENCE/END, errors, soft reset) at three bus
# widths: 16-byte beats, an instruction assembled from two 8-byte beats, two
# instructions per 32-byte beat.
# A 4x4 array with small memories: the control path does not depend on the array
# size, and the build is a fraction of a 16x16 one.
TOP_RTL := $(RTL_SRCS)
CTL_SMALL := -GROWS=4 -GCOLS=4 -GAPAD_DEPTH=256 -GWPAD_DEPTH=256 -GACC_DEPTH=64
$(eval $(call vtest,ctl_top,loom_top,$(TOP_RTL),$(CTL_TB)/tb_top_ctl.cpp,--assert $(CTL_SMALL) -CFLAGS -DBUS_BYTES=16))
$(eval $(call vtest,ctl_top_bus8,loom_top,$(TOP_RTL),$(CTL_TB)/tb_top_ctl.cpp,\
  --assert $(CTL_SMALL) -GBUS_BYTES=8 -CFLAGS -DBUS_BYTES=8))
$(eval $(call vtest,ctl_top_bus32,loom_top,$(TOP_RTL),$(CTL_TB)/tb_top_ctl.cpp,\
  --assert $(CTL_SMALL) -GBUS_BYTES=32 -CFLAGS -DBUS_BYTES=32))
