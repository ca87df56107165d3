// SPDX-License-Identifier: Apache-2.0
// Compares loom_pkg.sv (compiled by Verilator) with loom_isa.h item by item.
#include <cstdio>
#include <cstdlib>
#include "Visa_sv.h"
#include "loom/loom_isa.h"

struct item { unsigned sel; unsigned lo, w; };

int main()
{
    static const item fields[] = {
        {0, LOOM_F_OPCODE_LO, LOOM_F_OPCODE_W}, {1, LOOM_F_POP_PREV_LO, LOOM_F_POP_PREV_W},
        {2, LOOM_F_POP_NEXT_LO, LOOM_F_POP_NEXT_W}, {3, LOOM_F_PUSH_PREV_LO, LOOM_F_PUSH_PREV_W},
        {4, LOOM_F_PUSH_NEXT_LO, LOOM_F_PUSH_NEXT_W}, {5, LOOM_LOAD_MEM_LO, LOOM_LOAD_MEM_W},
        {6, LOOM_LOAD_SRAM_ADDR_LO, LOOM_LOAD_SRAM_ADDR_W}, {7, LOOM_LOAD_DRAM_OFF_LO, LOOM_LOAD_DRAM_OFF_W},
        {8, LOOM_LOAD_ROWS_LO, LOOM_LOAD_ROWS_W}, {9, LOOM_LOAD_COLS_LO, LOOM_LOAD_COLS_W},
        {10, LOOM_LOAD_STRIDE_LO, LOOM_LOAD_STRIDE_W}, {11, LOOM_MATMUL_MODE_LO, LOOM_MATMUL_MODE_W},
        {12, LOOM_MATMUL_ACCUMULATE_LO, LOOM_MATMUL_ACCUMULATE_W},
        {13, LOOM_MATMUL_ACC_ADDR_LO, LOOM_MATMUL_ACC_ADDR_W},
        {14, LOOM_MATMUL_APAD_ADDR_LO, LOOM_MATMUL_APAD_ADDR_W},
        {15, LOOM_MATMUL_WPAD_ADDR_LO, LOOM_MATMUL_WPAD_ADDR_W}, {16, LOOM_MATMUL_ROWS_LO, LOOM_MATMUL_ROWS_W},
        {17, LOOM_STORE_OUT_I32_LO, LOOM_STORE_OUT_I32_W}, {18, LOOM_STORE_RELU_LO, LOOM_STORE_RELU_W},
        {19, LOOM_STORE_BIAS_EN_LO, LOOM_STORE_BIAS_EN_W}, {20, LOOM_STORE_ACC_ADDR_LO, LOOM_STORE_ACC_ADDR_W},
        {21, LOOM_STORE_DRAM_OFF_LO, LOOM_STORE_DRAM_OFF_W}, {22, LOOM_STORE_ROWS_LO, LOOM_STORE_ROWS_W},
        {23, LOOM_STORE_PP_ADDR_LO, LOOM_STORE_PP_ADDR_W}, {24, LOOM_STORE_COLS_LO, LOOM_STORE_COLS_W},
        {25, LOOM_STORE_STRIDE_LO, LOOM_STORE_STRIDE_W}, {26, LOOM_SYNC_QUEUE_LO, LOOM_SYNC_QUEUE_W},
        {27, LOOM_FENCE_IRQ_LO, LOOM_FENCE_IRQ_W},
    };
    static const struct { unsigned sel; uint32_t v; } consts[] = {
        {32, LOOM_LOAD_RSVD_W0}, {33, LOOM_LOAD_RSVD_W1}, {34, LOOM_LOAD_RSVD_W2}, {35, LOOM_LOAD_RSVD_W3},
        {36, LOOM_MATMUL_RSVD_W0}, {37, LOOM_MATMUL_RSVD_W1}, {38, LOOM_MATMUL_RSVD_W2},
        {39, LOOM_MATMUL_RSVD_W3}, {40, LOOM_STORE_RSVD_W0}, {41, LOOM_STORE_RSVD_W1},
        {42, LOOM_STORE_RSVD_W2}, {43, LOOM_STORE_RSVD_W3}, {44, LOOM_SYNC_RSVD_W0},
        {45, LOOM_SYNC_RSVD_W1}, {46, LOOM_FENCE_RSVD_W0}, {47, LOOM_END_RSVD_W0},
        {64, LOOM_OP_LOAD}, {65, LOOM_OP_MATMUL}, {66, LOOM_OP_STORE}, {67, LOOM_OP_SYNC},
        {68, LOOM_OP_FENCE}, {69, LOOM_OP_END}, {70, LOOM_HWERR_ILLEGAL_OPCODE},
        {71, LOOM_HWERR_RESERVED_BITS}, {72, LOOM_HWERR_BAD_MODE}, {73, LOOM_HWERR_SRAM_RANGE},
        {74, LOOM_HWERR_DMA_WINDOW}, {75, LOOM_HWERR_BAD_FIELD}, {76, LOOM_HWERR_TOKEN_UNDERFLOW},
        {77, LOOM_HWERR_TOKEN_OVERFLOW}, {78, LOOM_HWERR_TOKEN_LEAK}, {79, LOOM_HWERR_RING_CONFIG},
        {80, LOOM_HWERR_BUS_ERROR}, {81, LOOM_ID_MAGIC}, {82, LOOM_CSR_CTRL}, {83, LOOM_CSR_STATUS},
        {84, LOOM_CSR_ERR_CODE}, {85, LOOM_CSR_RING_BASE}, {86, LOOM_CSR_RING_TAIL},
        {87, LOOM_CSR_IRQ_STATUS}, {88, LOOM_CSR_DMA_BASE}, {89, LOOM_CSR_DMA_LIMIT},
        {90, LOOM_CSR_PERF_CYCLES_LO}, {91, LOOM_CSR_PERF_MACS_LO}, {92, LOOM_CSR_PERF_STALL_FETCH_HI},
        {93, LOOM_MEM_ACC}, {94, LOOM_MODE_W4A8}, {95, LOOM_QUEUE_STORE},
    };
    Visa_sv m;
    int bad = 0;
    srand(7);
    for (int it = 0; it < 2000; it++) {
        uint32_t w[4] = {(uint32_t)rand() ^ ((uint32_t)rand() << 16), (uint32_t)rand() ^ ((uint32_t)rand() << 16),
                         (uint32_t)rand() ^ ((uint32_t)rand() << 16), (uint32_t)rand() ^ ((uint32_t)rand() << 16)};
        for (int i = 0; i < 4; i++)
            m.insn_i[i] = w[i];
        for (const item &f : fields) {
            m.sel_i = f.sel;
            m.eval();
            uint32_t c = (uint32_t)loom_insn_get(w, f.lo, f.w);
            if (m.val_o != c && bad++ < 10)
                printf("field item %u: rtl %08x c %08x\n", f.sel, m.val_o, c);
        }
    }
    for (const auto &k : consts) {
        m.sel_i = k.sel;
        m.eval();
        if (m.val_o != k.v && bad++ < 20)
            printf("constant item %u: rtl %08x c %08x\n", k.sel, m.val_o, k.v);
    }
    m.final();
    if (bad) {
        printf("%d disagreements between loom_pkg.sv and loom_isa.h\n", bad);
        return 1;
    }
    printf("loom_pkg.sv and loom_isa.h agree on %zu fields and %zu constants\n",
           sizeof fields / sizeof fields[0], sizeof consts / sizeof consts[0]);
    return 0;
}
