// SPDX-License-Identifier: Apache-2.0
// Exposes loom_pkg's view of the contract item by item; isa_sv.cpp compares it
// with loom_isa.h's view. Items: fields extracted from insn_i, then constants.
module isa_sv (
  input  logic [127:0] insn_i,
  input  logic [7:0]   sel_i,
  output logic [31:0]  val_o
);
  function automatic logic [31:0] fld(logic [127:0] insn, int unsigned lo, int unsigned w);
    return 32'((insn >> lo) & ((128'd1 << w) - 128'd1));
  endfunction

  always_comb begin
    unique case (sel_i)
      8'd0:  val_o = fld(insn_i, loom_pkg::F_OPCODE_LO, loom_pkg::F_OPCODE_W);
      8'd1:  val_o = fld(insn_i, loom_pkg::F_POP_PREV_LO, loom_pkg::F_POP_PREV_W);
      8'd2:  val_o = fld(insn_i, loom_pkg::F_POP_NEXT_LO, loom_pkg::F_POP_NEXT_W);
      8'd3:  val_o = fld(insn_i, loom_pkg::F_PUSH_PREV_LO, loom_pkg::F_PUSH_PREV_W);
      8'd4:  val_o = fld(insn_i, loom_pkg::F_PUSH_NEXT_LO, loom_pkg::F_PUSH_NEXT_W);
      8'd5:  val_o = fld(insn_i, loom_pkg::LOAD_MEM_LO, loom_pkg::LOAD_MEM_W);
      8'd6:  val_o = fld(insn_i, loom_pkg::LOAD_SRAM_ADDR_LO, loom_pkg::LOAD_SRAM_ADDR_W);
      8'd7:  val_o = fld(insn_i, loom_pkg::LOAD_DRAM_OFF_LO, loom_pkg::LOAD_DRAM_OFF_W);
      8'd8:  val_o = fld(insn_i, loom_pkg::LOAD_ROWS_LO, loom_pkg::LOAD_ROWS_W);
      8'd9:  val_o = fld(insn_i, loom_pkg::LOAD_COLS_LO, loom_pkg::LOAD_COLS_W);
      8'd10: val_o = fld(insn_i, loom_pkg::LOAD_STRIDE_LO, loom_pkg::LOAD_STRIDE_W);
      8'd11: val_o = fld(insn_i, loom_pkg::MATMUL_MODE_LO, loom_pkg::MATMUL_MODE_W);
      8'd12: val_o = fld(insn_i, loom_pkg::MATMUL_ACCUMULATE_LO, loom_pkg::MATMUL_ACCUMULATE_W);
      8'd13: val_o = fld(insn_i, loom_pkg::MATMUL_ACC_ADDR_LO, loom_pkg::MATMUL_ACC_ADDR_W);
      8'd14: val_o = fld(insn_i, loom_pkg::MATMUL_APAD_ADDR_LO, loom_pkg::MATMUL_APAD_ADDR_W);
      8'd15: val_o = fld(insn_i, loom_pkg::MATMUL_WPAD_ADDR_LO, loom_pkg::MATMUL_WPAD_ADDR_W);
      8'd16: val_o = fld(insn_i, loom_pkg::MATMUL_ROWS_LO, loom_pkg::MATMUL_ROWS_W);
      8'd17: val_o = fld(insn_i, loom_pkg::STORE_OUT_I32_LO, loom_pkg::STORE_OUT_I32_W);
      8'd18: val_o = fld(insn_i, loom_pkg::STORE_RELU_LO, loom_pkg::STORE_RELU_W);
      8'd19: val_o = fld(insn_i, loom_pkg::STORE_BIAS_EN_LO, loom_pkg::STORE_BIAS_EN_W);
      8'd20: val_o = fld(insn_i, loom_pkg::STORE_ACC_ADDR_LO, loom_pkg::STORE_ACC_ADDR_W);
      8'd21: val_o = fld(insn_i, loom_pkg::STORE_DRAM_OFF_LO, loom_pkg::STORE_DRAM_OFF_W);
      8'd22: val_o = fld(insn_i, loom_pkg::STORE_ROWS_LO, loom_pkg::STORE_ROWS_W);
      8'd23: val_o = fld(insn_i, loom_pkg::STORE_PP_ADDR_LO, loom_pkg::STORE_PP_ADDR_W);
      8'd24: val_o = fld(insn_i, loom_pkg::STORE_COLS_LO, loom_pkg::STORE_COLS_W);
      8'd25: val_o = fld(insn_i, loom_pkg::STORE_STRIDE_LO, loom_pkg::STORE_STRIDE_W);
      8'd26: val_o = fld(insn_i, loom_pkg::SYNC_QUEUE_LO, loom_pkg::SYNC_QUEUE_W);
      8'd27: val_o = fld(insn_i, loom_pkg::FENCE_IRQ_LO, loom_pkg::FENCE_IRQ_W);
      // Reserved masks, word by word (sel 32..55: opcode-major).
      8'd32: val_o = loom_pkg::LOAD_RSVD[31:0];
      8'd33: val_o = loom_pkg::LOAD_RSVD[63:32];
      8'd34: val_o = loom_pkg::LOAD_RSVD[95:64];
      8'd35: val_o = loom_pkg::LOAD_RSVD[127:96];
      8'd36: val_o = loom_pkg::MATMUL_RSVD[31:0];
      8'd37: val_o = loom_pkg::MATMUL_RSVD[63:32];
      8'd38: val_o = loom_pkg::MATMUL_RSVD[95:64];
      8'd39: val_o = loom_pkg::MATMUL_RSVD[127:96];
      8'd40: val_o = loom_pkg::STORE_RSVD[31:0];
      8'd41: val_o = loom_pkg::STORE_RSVD[63:32];
      8'd42: val_o = loom_pkg::STORE_RSVD[95:64];
      8'd43: val_o = loom_pkg::STORE_RSVD[127:96];
      8'd44: val_o = loom_pkg::SYNC_RSVD[31:0];
      8'd45: val_o = loom_pkg::SYNC_RSVD[63:32];
      8'd46: val_o = loom_pkg::FENCE_RSVD[31:0];
      8'd47: val_o = loom_pkg::END_RSVD[31:0];
      // Opcodes, errors, CSRs, magic.
      8'd64: val_o = 32'(loom_pkg::OP_LOAD);
      8'd65: val_o = 32'(loom_pkg::OP_MATMUL);
      8'd66: val_o = 32'(loom_pkg::OP_STORE);
      8'd67: val_o = 32'(loom_pkg::OP_SYNC);
      8'd68: val_o = 32'(loom_pkg::OP_FENCE);
      8'd69: val_o = 32'(loom_pkg::OP_END);
      8'd70: val_o = 32'(loom_pkg::ERR_ILLEGAL_OPCODE);
      8'd71: val_o = 32'(loom_pkg::ERR_RESERVED_BITS);
      8'd72: val_o = 32'(loom_pkg::ERR_BAD_MODE);
      8'd73: val_o = 32'(loom_pkg::ERR_SRAM_RANGE);
      8'd74: val_o = 32'(loom_pkg::ERR_DMA_WINDOW);
      8'd75: val_o = 32'(loom_pkg::ERR_BAD_FIELD);
      8'd76: val_o = 32'(loom_pkg::ERR_TOKEN_UNDERFLOW);
      8'd77: val_o = 32'(loom_pkg::ERR_TOKEN_OVERFLOW);
      8'd78: val_o = 32'(loom_pkg::ERR_TOKEN_LEAK);
      8'd79: val_o = 32'(loom_pkg::ERR_RING_CONFIG);
      8'd80: val_o = 32'(loom_pkg::ERR_BUS_ERROR);
      8'd81: val_o = loom_pkg::ID_MAGIC;
      8'd82: val_o = 32'(loom_pkg::CSR_CTRL);
      8'd83: val_o = 32'(loom_pkg::CSR_STATUS);
      8'd84: val_o = 32'(loom_pkg::CSR_ERR_CODE);
      8'd85: val_o = 32'(loom_pkg::CSR_RING_BASE);
      8'd86: val_o = 32'(loom_pkg::CSR_RING_TAIL);
      8'd87: val_o = 32'(loom_pkg::CSR_IRQ_STATUS);
      8'd88: val_o = 32'(loom_pkg::CSR_DMA_BASE);
      8'd89: val_o = 32'(loom_pkg::CSR_DMA_LIMIT);
      8'd90: val_o = 32'(loom_pkg::CSR_PERF_CYCLES_LO);
      8'd91: val_o = 32'(loom_pkg::CSR_PERF_MACS_LO);
      8'd92: val_o = 32'(loom_pkg::CSR_PERF_STALL_FETCH_HI);
      8'd93: val_o = 32'(loom_pkg::MEM_ACC);
      8'd94: val_o = 32'(loom_pkg::MODE_W4A8);
      8'd95: val_o = 32'(loom_pkg::QUEUE_STORE);
      default: val_o = 32'hDEADBEEF;
    endcase
  end
endmodule
