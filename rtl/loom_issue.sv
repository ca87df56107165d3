// SPDX-License-Identifier: Apache-2.0
// Issue stage of one instruction queue (docs/microarch.md "loom_issue").
//
// For the head instruction of the queue FIFO: wait until every flagged pop has a token,
// take them and hand the instruction to its engine in the same cycle, and remember its
// push flags in a small in-order FIFO. Each engine done_o completes the oldest entry and
// performs its pushes. A SYNC goes to no engine: its entry completes when it reaches the
// head of that FIFO, i.e. after everything before it in the queue.
//
// Token port index: 0 = prev, 1 = next (the counter this queue pops from / pushes to in
// that direction; the top maps them to loom_tokens indices).
// Engines: 0 takes LOAD and STORE, 1 takes MATMUL (only the compute queue has it; tie
// eng_ready_i[1] and eng_done_i[1] to 0 elsewhere). An instruction for one engine waits
// until the other engine has nothing in flight, so the two never overlap.
module loom_issue #(
  parameter int unsigned DEPTH = 8,   // instructions in flight (push-flag FIFO)
  localparam int unsigned CNT_W = $clog2(DEPTH + 1)
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         clear_i,       // soft reset: forget everything in flight
  input  logic         abort_i,       // error stop / soft reset: issue nothing more

  // Head of the queue FIFO
  input  logic         q_valid_i,
  output logic         q_ready_o,
  input  logic [127:0] q_insn_i,
  input  logic [15:0]  q_slot_i,

  // Tokens
  input  logic [1:0]   tok_avail_i,   // counter this queue pops from is non-zero
  output logic [1:0]   tok_pop_o,
  output logic [1:0]   tok_push_o,
  output logic [15:0]  push_slot_o,   // slot of the instruction pushing this cycle

  // Engines
  output logic [1:0]   eng_valid_o,
  input  logic [1:0]   eng_ready_i,
  output logic [127:0] eng_insn_o,
  output logic [15:0]  eng_slot_o,
  input  logic [1:0]   eng_done_i,

  // Status
  output logic         empty_o,       // queue head empty and nothing in flight
  output logic         stall_token_o, // head waits for a token
  output logic         blocked_o,     // head waits for a token, nothing in flight
  output logic [15:0]  head_slot_o
);

  // In-flight entry: {sync, push_next, push_prev, slot}
  localparam int unsigned PF_W = 19;

  logic [3:0]   opcode;
  logic         is_sync, sel, need_prev, need_next, tok_ok, other_idle, go;
  logic         pf_in_ready, pf_valid, pf_pop;
  logic [PF_W-1:0] pf_in, pf_out;
  logic         pf_sync;
  logic [1:0]   pf_push;
  logic [15:0]  pf_slot;
  logic [CNT_W-1:0] unused_pf_count;

  logic [2*CNT_W-1:0]    eng_cnt_q, eng_cnt_d;  // engine e at [e*CNT_W +: CNT_W]
  logic [CNT_W-1:0]      credit_q, credit_d;   // engine done_o not yet matched
  logic [CNT_W:0]        credit_sum;
  logic                  use_credit;

  assign opcode    = q_insn_i[loom_pkg::F_OPCODE_LO +: loom_pkg::F_OPCODE_W];
  assign is_sync   = (opcode == loom_pkg::OP_SYNC);
  assign sel       = (opcode == loom_pkg::OP_MATMUL);
  assign need_prev = q_insn_i[loom_pkg::F_POP_PREV_LO];
  assign need_next = q_insn_i[loom_pkg::F_POP_NEXT_LO];
  assign tok_ok    = (~need_prev | tok_avail_i[0]) & (~need_next | tok_avail_i[1]);
  assign other_idle = sel ? (eng_cnt_q[0 +: CNT_W] == '0) : (eng_cnt_q[CNT_W +: CNT_W] == '0);

  // Issue. valid to an engine only drops by abort: tokens of the counters this queue
  // pops only grow while it waits, the other engine stays idle and the FIFO only drains.
  always_comb begin
    eng_valid_o = 2'b00;
    go          = 1'b0;
    if (q_valid_i && tok_ok && pf_in_ready && !abort_i) begin
      if (is_sync) begin
        go = 1'b1;
      end else if (other_idle) begin
        eng_valid_o[sel] = 1'b1;
        go               = eng_ready_i[sel];
      end
    end
  end

  assign q_ready_o  = go;
  assign tok_pop_o  = go ? {need_next, need_prev} : 2'b00;
  assign eng_insn_o = q_insn_i;
  assign eng_slot_o = q_slot_i;

  assign pf_in = {is_sync, q_insn_i[loom_pkg::F_PUSH_NEXT_LO], q_insn_i[loom_pkg::F_PUSH_PREV_LO],
                  q_slot_i};

  loom_fifo #(
    .WIDTH (PF_W),
    .DEPTH (DEPTH)
  ) u_push_fifo (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (clear_i),
    .in_valid_i  (go),
    .in_ready_o  (pf_in_ready),
    .in_data_i   (pf_in),
    .out_valid_o (pf_valid),
    .out_ready_i (pf_pop),
    .out_data_o  (pf_out),
    .count_o     (unused_pf_count)
  );

  assign {pf_sync, pf_push, pf_slot} = pf_out;

  // Completion: engines finish in order (they never overlap), so every done_o belongs to
  // the oldest non-SYNC entry. Dones are counted as credits so that a done arriving
  // while a SYNC completes is not lost.
  always_comb begin
    credit_sum = (CNT_W+1)'(credit_q) + (CNT_W+1)'(eng_done_i[0]) + (CNT_W+1)'(eng_done_i[1]);
    pf_pop     = pf_valid & (pf_sync | (credit_sum != '0));
    use_credit = pf_pop & ~pf_sync;
    credit_d   = CNT_W'(credit_sum - (CNT_W+1)'(use_credit));
    if (clear_i) begin
      credit_d = '0;
    end
  end

  assign tok_push_o  = pf_pop ? pf_push : 2'b00;
  assign push_slot_o = pf_slot;

  always_comb begin
    eng_cnt_d = eng_cnt_q;
    for (int unsigned e = 0; e < 2; e++) begin
      if (eng_valid_o[e] && eng_ready_i[e] && !eng_done_i[e]) begin
        eng_cnt_d[e*CNT_W +: CNT_W] = eng_cnt_q[e*CNT_W +: CNT_W] + CNT_W'(1);
      end else if (!(eng_valid_o[e] && eng_ready_i[e]) && eng_done_i[e]) begin
        eng_cnt_d[e*CNT_W +: CNT_W] = eng_cnt_q[e*CNT_W +: CNT_W] - CNT_W'(1);
      end
    end
    if (clear_i) begin
      eng_cnt_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      eng_cnt_q <= '0;
      credit_q  <= '0;
    end else begin
      eng_cnt_q <= eng_cnt_d;
      credit_q  <= credit_d;
    end
  end

  assign empty_o       = ~q_valid_i & ~pf_valid;
  assign stall_token_o = q_valid_i & ~tok_ok;
  assign blocked_o     = stall_token_o & ~pf_valid;
  assign head_slot_o   = q_slot_i;

`ifndef SYNTHESIS
  assert property (@(posedge clk_i) disable iff (!rst_ni)
                   !clear_i && (|eng_done_i) |-> pf_valid)
    else $error("loom_issue: engine done with nothing in flight");
  assert property (@(posedge clk_i) disable iff (!rst_ni) !(&eng_done_i))
    else $error("loom_issue: both engines done in one cycle");
`endif

endmodule
