# SPDX-License-Identifier: Apache-2.0
# CPU GEMM benchmark fragment, included from tests/bench/Makefile (TOP, BUILD and
# mk/common.mk already set). `make bench-cpu` builds and runs it on one thread:
# Loom W8A8 and W4A8 next to oneDNN u8s8->s32 (libdnnl-dev) and, when installed,
# OpenBLAS sgemm (libopenblas-dev), as GOPS and ratios.
# The harness is built -O3 -march=native; the Loom sources are built with the flags
# the library ships with (CFLAGS_LOOM), so the numbers are what users get.
CPU_BENCH     := $(BUILD)/bench/cpu_gemm_bench
CPU_BENCH_SRC := $(sort $(wildcard $(TOP)/runtime/src/cpu/*.c))
CPU_BENCH_HDR := $(wildcard $(TOP)/runtime/src/cpu/*.h) $(TOP)/runtime/include/loom/loom_cpu.h
CPU_BENCH_BLAS := $(shell pkg-config --exists openblas 2>/dev/null && echo yes)
ifeq ($(CPU_BENCH_BLAS),yes)
CPU_BENCH_DEFS := -DHAVE_OPENBLAS $(shell pkg-config --cflags openblas)
CPU_BENCH_LIBS := $(shell pkg-config --libs openblas)
endif

.PHONY: bench-cpu
$(CPU_BENCH): $(TOP)/tests/bench/cpu_gemm_bench.c $(CPU_BENCH_SRC) $(CPU_BENCH_HDR)
	@mkdir -p $(dir $@) $(dir $@)cpu_obj
	@for s in $(CPU_BENCH_SRC); do \
	    $(CC) $(filter-out -MMD -MP,$(CFLAGS_LOOM)) -c -o $(dir $@)cpu_obj/$$(basename $$s .c).o $$s || exit 1; \
	done
	$(CC) $(CSTD) $(CWARN) -O3 -march=native -I$(TOP)/runtime/include $(CPU_BENCH_DEFS) \
	    -o $@ $(TOP)/tests/bench/cpu_gemm_bench.c $(dir $@)cpu_obj/*.o -ldnnl -lgomp -pthread $(CPU_BENCH_LIBS)
bench-cpu: $(CPU_BENCH)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(CPU_BENCH)
