// SPDX-License-Identifier: Apache-2.0
// Three instruction queues (loom_fifo) + three loom_issue + loom_tokens, wired as in
// loom_top; the engines are C++ stubs. Instructions are given as their low byte
// (opcode + token flags) and a slot. Peeks at each issue stage's completion strobe.
module tb_issue #(
  parameter int unsigned QUEUE_DEPTH = 4,
  parameter int unsigned TOKEN_MAX   = 7
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        clear_i,
  input  logic        abort_i,
  // queue inputs, queue q at [8*q] / [16*q]
  input  logic [2:0]  in_valid_i,
  output logic [2:0]  in_ready_o,
  input  logic [23:0] in_op_i,
  input  logic [47:0] in_slot_i,
  // engines: 0 load, 1 compute/acc-load, 2 compute/matmul, 3 store
  output logic [3:0]  eng_valid_o,
  input  logic [3:0]  eng_ready_i,
  output logic [63:0] eng_slot_o,
  input  logic [3:0]  eng_done_i,
  // observation
  output logic [2:0]  empty_o,
  output logic [2:0]  stall_token_o,
  output logic [2:0]  blocked_o,
  output logic [2:0]  complete_o,
  output logic [2:0]  issue_o,
  output logic [5:0]  push_o,        // queue q: {push_next, push_prev} at [2*q]
  output logic [47:0] push_slot_o,
  output logic [3:0]  tok_pop_o,
  output logic [3:0]  tok_push_o,
  output logic [3:0]  tok_overflow_o,
  output logic        tok_all_zero_o,
  output logic [31:0] tok_count_o     // counter i at [8*i]
);
  localparam int unsigned CW = $clog2(TOKEN_MAX + 1);

  logic [2:0]   qv, qr;
  logic [2:0][143:0] qd;
  logic [3:0]   tok_nonzero;
  logic [5:0]   pop_q;
  logic [4*CW-1:0] cnt;
  logic [2:0][1:0] avail;
  logic [2:0][127:0] eng_insn;
  logic [2:0][15:0] eng_slot;
  logic [2:0][1:0] ev, er, ed;

  for (genvar q = 0; q < 3; q++) begin : g_q
    logic [127:0] insn;
    logic [7:0] unused_cnt;
    assign insn = {120'd0, in_op_i[8*q +: 8]};
    loom_fifo #(.WIDTH(144), .DEPTH(QUEUE_DEPTH)) u_fifo (
      .clk_i, .rst_ni, .clear_i,
      .in_valid_i  (in_valid_i[q]),
      .in_ready_o  (in_ready_o[q]),
      .in_data_i   ({in_slot_i[16*q +: 16], insn}),
      .out_valid_o (qv[q]),
      .out_ready_i (qr[q]),
      .out_data_o  (qd[q]),
      .count_o     ()
    );
    loom_issue #(.DEPTH(QUEUE_DEPTH)) u_issue (
      .clk_i, .rst_ni, .clear_i, .abort_i,
      .q_valid_i     (qv[q]),
      .q_ready_o     (qr[q]),
      .q_insn_i      (qd[q][127:0]),
      .q_slot_i      (qd[q][143:128]),
      .tok_avail_i   (avail[q]),
      .tok_pop_o     (pop_q[2*q +: 2]),
      .tok_push_o    (push_o[2*q +: 2]),
      .push_slot_o   (push_slot_o[16*q +: 16]),
      .eng_valid_o   (ev[q]),
      .eng_ready_i   (er[q]),
      .eng_insn_o    (eng_insn[q]),
      .eng_slot_o    (eng_slot[q]),
      .eng_done_i    (ed[q]),
      .empty_o       (empty_o[q]),
      .stall_token_o (stall_token_o[q]),
      .blocked_o     (blocked_o[q]),
      .head_slot_o   ()
    );
    assign complete_o[q] = u_issue.pf_pop;
    assign issue_o[q]    = u_issue.go;
  end

  // Engines
  assign eng_valid_o = {ev[2][0], ev[1][1], ev[1][0], ev[0][0]};
  assign eng_slot_o  = {eng_slot[2], eng_slot[1], eng_slot[1], eng_slot[0]};
  assign er[0] = {1'b0, eng_ready_i[0]};
  assign er[1] = eng_ready_i[2:1];
  assign er[2] = {1'b0, eng_ready_i[3]};
  assign ed[0] = {1'b0, eng_done_i[0]};
  assign ed[1] = eng_done_i[2:1];
  assign ed[2] = {1'b0, eng_done_i[3]};

  // Token mapping (as loom_top): 0 L2C, 1 C2L, 2 C2S, 3 S2C
  assign avail[0] = {tok_nonzero[1], 1'b0};
  assign avail[1] = {tok_nonzero[3], tok_nonzero[0]};
  assign avail[2] = {1'b0, tok_nonzero[2]};
  assign tok_pop_o  = {pop_q[3], pop_q[4], pop_q[1], pop_q[2]};
  assign tok_push_o = {push_o[4], push_o[3], push_o[2], push_o[1]};

  loom_tokens #(.TOKEN_MAX(TOKEN_MAX)) u_tokens (
    .clk_i, .rst_ni, .clear_i,
    .pop_i      (tok_pop_o),
    .push_i     (tok_push_o),
    .nonzero_o  (tok_nonzero),
    .all_zero_o (tok_all_zero_o),
    .overflow_o (tok_overflow_o),
    .count_o    (cnt)
  );
  for (genvar i = 0; i < 4; i++) begin : g_cnt
    assign tok_count_o[8*i +: 8] = 8'(cnt[CW*i +: CW]);
  end
endmodule
