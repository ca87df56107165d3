# SPDX-License-Identifier: Apache-2.0
# Shared make rules and flags. Include with: include $(TOP)/mk/common.mk
# (set TOP to the repository root first).

BUILD     ?= $(TOP)/build
CC        ?= cc
CXX       ?= c++
VERILATOR ?= verilator
PYTHON    ?= python3

# C: C11, warnings are errors, dependencies tracked.
CSTD      := -std=c11 -D_DEFAULT_SOURCE
CWARN     := -Wall -Wextra -Werror
COPT      ?= -O2 -g
CFLAGS_LOOM := $(CSTD) $(CWARN) $(COPT) -MMD -MP -I$(TOP)/runtime/include
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# RTL: every module file, package first.
RTL_PKG   := $(TOP)/rtl/loom_pkg.sv
RTL_SRCS  := $(RTL_PKG) $(filter-out $(RTL_PKG),$(sort $(wildcard $(TOP)/rtl/*.sv)))

# Verilator C++ testbench builds: warnings from RTL are errors only in `make lint`,
# testbench code is compiled with the same strictness as the rest of C/C++.
VFLAGS    := --cc --exe --build -j 2 -Wno-fatal --x-assign fast --x-initial fast \
             -O3 -CFLAGS "-O2 -std=c++17" --Mdir

# $(call vtest,NAME,TOP_MODULE,RTL_FILES,TB_FILES,EXTRA_VERILATOR_FLAGS)
# Builds $(BUILD)/rtl/NAME/tb from a Verilated TOP_MODULE and a C++ testbench,
# and registers NAME in RTL_TESTS (run as: $(BUILD)/rtl/NAME/tb).
define vtest
RTL_TESTS += $(1)
$(BUILD)/rtl/$(1)/tb: $(3) $(4) $(MAKEFILE_LIST)
	@mkdir -p $(BUILD)/rtl/$(1)
	$(VERILATOR) $(VFLAGS) $(BUILD)/rtl/$(1)/obj --top-module $(2) -o ../tb \
	    -CFLAGS "-I$(TOP)/runtime/include -I$(TOP)/tests/rtl/common" $(5) $(3) $(4) > $(BUILD)/rtl/$(1)/build.log 2>&1 \
	    || { tail -40 $(BUILD)/rtl/$(1)/build.log; exit 1; }
endef
