// SPDX-License-Identifier: Apache-2.0
// Combinational validation of one instruction (docs/isa.md "Errors"): every rule, in the
// documented order, first failing one reported:
//   opcode, reserved bits, token-flag direction, mode, other BAD_FIELD, SRAM_RANGE,
//   DMA_WINDOW.
// Also returns where the instruction goes (queue_o; fence_o / end_o for the two that go
// to no queue). Outputs other than err_o are meaningful only when err_o == ERR_NONE.
//
// Arithmetic is wide enough that nothing wraps: the DMA end offset
// dram_off + (rows-1)*stride + cols*esize < 2^42, SRAM ends < 2^34.
// Critical path: the 16x24 multiply of (rows-1)*stride feeding a 42-bit add/compare;
// loom_dispatch registers the instruction in front of this module.
module loom_decode #(
  parameter int unsigned ROWS       = 16,
  parameter int unsigned COLS       = 16,
  parameter int unsigned APAD_DEPTH = 4096,
  parameter int unsigned WPAD_DEPTH = 4096,
  parameter int unsigned ACC_DEPTH  = 1024,
  parameter logic [1:0]  MODES      = 2'b11
) (
  input  logic [127:0]         insn_i,
  input  logic [31:0]          dma_base_i,
  input  logic [31:0]          dma_limit_i,
  output loom_pkg::err_e       err_o,
  output logic [1:0]           queue_o,        // loom_pkg::queue_e
  output logic                 fence_o,
  output logic                 end_o
);

  localparam int unsigned SW = 40;   // SRAM range arithmetic
  localparam int unsigned DW = 44;   // DMA window arithmetic

  // ---------------------------------------------------------------- fields
  logic [3:0]  opcode;
  logic        pop_prev, pop_next, push_prev, push_next;
  logic        op_load, op_matmul, op_store, op_sync, op_fence, op_end, op_legal;

  assign opcode    = insn_i[loom_pkg::F_OPCODE_LO +: loom_pkg::F_OPCODE_W];
  assign pop_prev  = insn_i[loom_pkg::F_POP_PREV_LO];
  assign pop_next  = insn_i[loom_pkg::F_POP_NEXT_LO];
  assign push_prev = insn_i[loom_pkg::F_PUSH_PREV_LO];
  assign push_next = insn_i[loom_pkg::F_PUSH_NEXT_LO];

  assign op_load   = (opcode == loom_pkg::OP_LOAD);
  assign op_matmul = (opcode == loom_pkg::OP_MATMUL);
  assign op_store  = (opcode == loom_pkg::OP_STORE);
  assign op_sync   = (opcode == loom_pkg::OP_SYNC);
  assign op_fence  = (opcode == loom_pkg::OP_FENCE);
  assign op_end    = (opcode == loom_pkg::OP_END);
  assign op_legal  = op_load | op_matmul | op_store | op_sync | op_fence | op_end;

  // LOAD
  logic [1:0]  ld_mem;
  logic [15:0] ld_sram, ld_rows, ld_cols;
  logic [31:0] ld_off;
  logic [23:0] ld_stride;
  assign ld_mem    = insn_i[loom_pkg::LOAD_MEM_LO       +: loom_pkg::LOAD_MEM_W];
  assign ld_sram   = insn_i[loom_pkg::LOAD_SRAM_ADDR_LO +: loom_pkg::LOAD_SRAM_ADDR_W];
  assign ld_off    = insn_i[loom_pkg::LOAD_DRAM_OFF_LO  +: loom_pkg::LOAD_DRAM_OFF_W];
  assign ld_rows   = insn_i[loom_pkg::LOAD_ROWS_LO      +: loom_pkg::LOAD_ROWS_W];
  assign ld_cols   = insn_i[loom_pkg::LOAD_COLS_LO      +: loom_pkg::LOAD_COLS_W];
  assign ld_stride = insn_i[loom_pkg::LOAD_STRIDE_LO    +: loom_pkg::LOAD_STRIDE_W];

  // MATMUL
  logic [3:0]  mm_mode;
  logic [15:0] mm_acc, mm_apad, mm_wpad, mm_rows;
  assign mm_mode = insn_i[loom_pkg::MATMUL_MODE_LO      +: loom_pkg::MATMUL_MODE_W];
  assign mm_acc  = insn_i[loom_pkg::MATMUL_ACC_ADDR_LO  +: loom_pkg::MATMUL_ACC_ADDR_W];
  assign mm_apad = insn_i[loom_pkg::MATMUL_APAD_ADDR_LO +: loom_pkg::MATMUL_APAD_ADDR_W];
  assign mm_wpad = insn_i[loom_pkg::MATMUL_WPAD_ADDR_LO +: loom_pkg::MATMUL_WPAD_ADDR_W];
  assign mm_rows = insn_i[loom_pkg::MATMUL_ROWS_LO      +: loom_pkg::MATMUL_ROWS_W];

  // STORE
  logic        st_i32, st_bias;
  logic [15:0] st_acc, st_rows, st_pp;
  logic [31:0] st_off;
  logic [7:0]  st_cols;
  logic [23:0] st_stride;
  assign st_i32    = insn_i[loom_pkg::STORE_OUT_I32_LO  +: loom_pkg::STORE_OUT_I32_W];
  assign st_bias   = insn_i[loom_pkg::STORE_BIAS_EN_LO  +: loom_pkg::STORE_BIAS_EN_W];
  assign st_acc    = insn_i[loom_pkg::STORE_ACC_ADDR_LO +: loom_pkg::STORE_ACC_ADDR_W];
  assign st_off    = insn_i[loom_pkg::STORE_DRAM_OFF_LO +: loom_pkg::STORE_DRAM_OFF_W];
  assign st_rows   = insn_i[loom_pkg::STORE_ROWS_LO     +: loom_pkg::STORE_ROWS_W];
  assign st_pp     = insn_i[loom_pkg::STORE_PP_ADDR_LO  +: loom_pkg::STORE_PP_ADDR_W];
  assign st_cols   = insn_i[loom_pkg::STORE_COLS_LO     +: loom_pkg::STORE_COLS_W];
  assign st_stride = insn_i[loom_pkg::STORE_STRIDE_LO   +: loom_pkg::STORE_STRIDE_W];

  // SYNC / FENCE
  logic [1:0] sy_queue;
  assign sy_queue = insn_i[loom_pkg::SYNC_QUEUE_LO +: loom_pkg::SYNC_QUEUE_W];

  // ---------------------------------------------------------------- queue
  always_comb begin
    queue_o = loom_pkg::QUEUE_LOAD;
    if (op_load) begin
      queue_o = (ld_mem == loom_pkg::MEM_ACC) ? loom_pkg::QUEUE_COMPUTE : loom_pkg::QUEUE_LOAD;
    end else if (op_matmul) begin
      queue_o = loom_pkg::QUEUE_COMPUTE;
    end else if (op_store) begin
      queue_o = loom_pkg::QUEUE_STORE;
    end else if (op_sync) begin
      queue_o = sy_queue;
    end
  end
  assign fence_o = op_fence;
  assign end_o   = op_end;

  // ---------------------------------------------------------------- reserved bits
  logic [127:0] rsvd_mask;
  always_comb begin
    rsvd_mask = '0;
    unique case (opcode)
      loom_pkg::OP_LOAD:   rsvd_mask = loom_pkg::LOAD_RSVD;
      loom_pkg::OP_MATMUL: rsvd_mask = loom_pkg::MATMUL_RSVD;
      loom_pkg::OP_STORE:  rsvd_mask = loom_pkg::STORE_RSVD;
      loom_pkg::OP_SYNC:   rsvd_mask = loom_pkg::SYNC_RSVD;
      loom_pkg::OP_FENCE:  rsvd_mask = loom_pkg::FENCE_RSVD;
      loom_pkg::OP_END:    rsvd_mask = loom_pkg::END_RSVD;
      default:             rsvd_mask = '0;
    endcase
  end
  logic bad_rsvd;
  assign bad_rsvd = |(insn_i & rsvd_mask);

  // ---------------------------------------------------------------- token flags
  // load has no prev queue, store no next; FENCE/END take no flags at all.
  logic bad_tok;
  always_comb begin
    bad_tok = 1'b0;
    if (op_fence || op_end) begin
      bad_tok = pop_prev | pop_next | push_prev | push_next;
    end else if (op_load || op_matmul || op_store || op_sync) begin
      unique case (queue_o)
        loom_pkg::QUEUE_LOAD:  bad_tok = pop_prev | push_prev;
        loom_pkg::QUEUE_STORE: bad_tok = pop_next | push_next;
        default:               bad_tok = 1'b0;
      endcase
    end
  end

  // ---------------------------------------------------------------- mode
  logic bad_mode, mm_w4;
  assign mm_w4    = (mm_mode == loom_pkg::MODE_W4A8);
  assign bad_mode = op_matmul & ((mm_mode > 4'd1) | ~MODES[mm_mode[0]]);

  // ---------------------------------------------------------------- other BAD_FIELD
  logic bad_field;
  always_comb begin
    bad_field = 1'b0;
    if (op_load) begin
      bad_field = (ld_mem == 2'd3) || (ld_rows == '0) || (ld_cols == '0) ||
                  ((ld_mem == loom_pkg::MEM_ACC) && ((ld_off[1:0] != '0) || (ld_stride[1:0] != '0)));
    end else if (op_matmul) begin
      bad_field = (mm_rows == '0) || (mm_w4 && mm_apad[0]);
    end else if (op_store) begin
      bad_field = (st_rows == '0) || (st_cols == '0) || (32'(st_cols) > COLS) ||
                  (st_i32 && ((st_off[1:0] != '0) || (st_stride[1:0] != '0)));
    end else if (op_sync) begin
      bad_field = (sy_queue == 2'd3);
    end
  end

  // ---------------------------------------------------------------- SRAM_RANGE
  // LOAD: entries per row epr = ceil(cols / E), E = ROWS (APAD) or COLS (WPAD, ACC).
  logic [16:0] epr_rows, epr_cols, ld_epr;
  // Power-of-two entry sizes (the usual case) divide by shifting.
  if ((ROWS & (ROWS - 1)) == 0) begin : g_epr_rows_pow2
    assign epr_rows = (17'(ld_cols) + 17'(ROWS - 1)) >> $clog2(ROWS);
  end else begin : g_epr_rows_div
    assign epr_rows = (17'(ld_cols) + 17'(ROWS - 1)) / 17'(ROWS);
  end
  if ((COLS & (COLS - 1)) == 0) begin : g_epr_cols_pow2
    assign epr_cols = (17'(ld_cols) + 17'(COLS - 1)) >> $clog2(COLS);
  end else begin : g_epr_cols_div
    assign epr_cols = (17'(ld_cols) + 17'(COLS - 1)) / 17'(COLS);
  end
  assign ld_epr = (ld_mem == loom_pkg::MEM_APAD) ? epr_rows : epr_cols;

  logic [SW-1:0] ld_end, ld_depth;
  assign ld_end = SW'(ld_sram) + SW'(ld_rows) * SW'(ld_epr);
  always_comb begin
    unique case (ld_mem)
      loom_pkg::MEM_APAD: ld_depth = SW'(APAD_DEPTH);
      loom_pkg::MEM_WPAD: ld_depth = SW'(WPAD_DEPTH);
      default:            ld_depth = SW'(ACC_DEPTH);
    endcase
  end

  logic [SW-1:0] mm_apad_n;
  assign mm_apad_n = mm_w4 ? (SW'(mm_rows) << 1) : SW'(mm_rows);

  logic [SW-1:0] st_pp_n;
  assign st_pp_n = !st_i32 ? SW'(3) : (st_bias ? SW'(1) : SW'(0));

  logic bad_sram;
  always_comb begin
    bad_sram = 1'b0;
    if (op_load) begin
      bad_sram = (ld_end > ld_depth);
    end else if (op_matmul) begin
      bad_sram = (SW'(mm_acc) + SW'(mm_rows) > SW'(ACC_DEPTH)) ||
                 (SW'(mm_wpad) + SW'(ROWS) > SW'(WPAD_DEPTH)) ||
                 (SW'(mm_apad) + mm_apad_n > SW'(APAD_DEPTH));
    end else if (op_store) begin
      bad_sram = (SW'(st_acc) + SW'(st_rows) > SW'(ACC_DEPTH)) ||
                 ((st_pp_n != '0) && (SW'(st_pp) + st_pp_n > SW'(ACC_DEPTH)));
    end
  end

  // ---------------------------------------------------------------- DMA_WINDOW
  // One multiplier shared by LOAD and STORE (rows sits at the same bits in both).
  logic [31:0]   dw_off;
  logic [15:0]   dw_rows;
  logic [23:0]   dw_stride;
  logic [DW-1:0] dw_row_bytes, dw_end, dw_window;
  logic          bad_dma;
  always_comb begin
    if (op_store) begin
      dw_off       = st_off;
      dw_rows      = st_rows;
      dw_stride    = st_stride;
      dw_row_bytes = st_i32 ? (DW'(st_cols) << 2) : DW'(st_cols);
    end else begin
      dw_off       = ld_off;
      dw_rows      = ld_rows;
      dw_stride    = ld_stride;
      dw_row_bytes = (ld_mem == loom_pkg::MEM_ACC) ? (DW'(ld_cols) << 2) : DW'(ld_cols);
    end
  end
  // rows >= 1 is checked before this rule, so rows - 1 does not wrap when it matters.
  logic [15:0] dw_rows_m1;
  logic [31:0] dw_size;
  assign dw_rows_m1 = dw_rows - 16'd1;
  assign dw_size    = dma_limit_i - dma_base_i;
  assign dw_end     = DW'(dw_off) + DW'(dw_rows_m1) * DW'(dw_stride) + dw_row_bytes;
  assign dw_window  = (dma_limit_i >= dma_base_i) ? DW'(dw_size) : '0;
  assign bad_dma   = (op_load | op_store) & (dw_end > dw_window);

  // ---------------------------------------------------------------- priority
  always_comb begin
    if (!op_legal) begin
      err_o = loom_pkg::ERR_ILLEGAL_OPCODE;
    end else if (bad_rsvd) begin
      err_o = loom_pkg::ERR_RESERVED_BITS;
    end else if (bad_tok) begin
      err_o = loom_pkg::ERR_BAD_FIELD;
    end else if (bad_mode) begin
      err_o = loom_pkg::ERR_BAD_MODE;
    end else if (bad_field) begin
      err_o = loom_pkg::ERR_BAD_FIELD;
    end else if (bad_sram) begin
      err_o = loom_pkg::ERR_SRAM_RANGE;
    end else if (bad_dma) begin
      err_o = loom_pkg::ERR_DMA_WINDOW;
    end else begin
      err_o = loom_pkg::ERR_NONE;
    end
  end

`ifndef SYNTHESIS
  initial begin
    if (ROWS < 1 || COLS < 1 || COLS > 255) $fatal(1, "loom_decode: bad ROWS/COLS");
    if (APAD_DEPTH > 65536 || WPAD_DEPTH > 65536 || ACC_DEPTH > 65536)
      $fatal(1, "loom_decode: memory depths beyond 16-bit entry addresses");
  end
`endif

endmodule
