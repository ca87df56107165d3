# SPDX-License-Identifier: Apache-2.0
# Loom top-level front end. Real rules live in the folders and mk/common.mk.
TOP := $(CURDIR)
include mk/common.mk

PREFIX ?= /usr/local
JOBS   ?= 2
LOGS   := $(BUILD)/test-logs

.PHONY: help deps gen demo test test-long bench lint boards install clean

help:
	@echo "Loom make targets:"
	@echo "  make demo       install missing Debian packages, run the demo"
	@echo "  make test       install missing Debian packages, build and run every test"
	@echo "  make test-long  the slow sweeps left out of make test"
	@echo "  make bench      performance counters: cycles, utilisation, ratios"
	@echo "  make lint       verilator --lint-only -Wall over every module in rtl/"
	@echo "  make boards     FPGA/ASIC synthesis reports (boards/)"
	@echo "  make install    install libloom and headers under PREFIX=$(PREFIX)"
	@echo "  make gen        regenerate loom_isa.h and loom_pkg.sv from docs/loom_isa.toml"
	@echo "  make clean      remove build/"

deps:
	@tools/deps.sh

gen:
	$(PYTHON) tools/isagen.py

# The build is one pseudo-test: if anything fails to compile, the summary says so
# and the tests that could be built still run.
test: deps
	@mkdir -p $(LOGS)
	@echo "building tests (log: $(LOGS)/build.log) ..."
	@$(MAKE) -k -j$(JOBS) --no-print-directory -C tests build > $(LOGS)/build.log 2>&1; \
	    echo $$? > $(LOGS)/build.rc
	@{ printf 'build\ttest "$$(cat $(LOGS)/build.rc)" = 0 || { grep -E "error|Error" -m 20 $(LOGS)/build.log; exit 1; }\n'; \
	   $(MAKE) -s --no-print-directory -C tests list; } | tools/runtests.sh

test-long: deps
	@$(MAKE) --no-print-directory -C tests build
	@$(MAKE) -s --no-print-directory -C tests list-long | tools/runtests.sh

bench: deps
	@$(MAKE) --no-print-directory -C tests/bench run

demo: deps
	@tools/demo.sh

lint: deps
	@$(MAKE) --no-print-directory -C rtl lint

boards: deps
	@$(MAKE) --no-print-directory -C boards report

install:
	@$(MAKE) --no-print-directory -C runtime install PREFIX=$(PREFIX)

clean:
	rm -rf $(BUILD)
