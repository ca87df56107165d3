// SPDX-License-Identifier: Apache-2.0
// Generic synchronous FIFO, flop based, show-ahead (out_data_o is the head entry
// whenever out_valid_o is set). in_ready_o depends only on state (no ready-to-ready
// path). clear_i empties it synchronously (soft reset); a push in the same cycle is
// dropped.
module loom_fifo #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned DEPTH = 4,
  localparam int unsigned PTR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1,
  localparam int unsigned CNT_W = $clog2(DEPTH + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,

  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [WIDTH-1:0] in_data_i,

  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WIDTH-1:0] out_data_o,

  output logic [CNT_W-1:0] count_o
);

  logic [WIDTH-1:0] mem_q [DEPTH];
  logic [PTR_W-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [CNT_W-1:0] cnt_q, cnt_d;
  logic             push, pop;

  logic [PTR_W-1:0] wptr_inc, rptr_inc;
  assign wptr_inc = (wptr_q == PTR_W'(DEPTH - 1)) ? PTR_W'(0) : wptr_q + PTR_W'(1);
  assign rptr_inc = (rptr_q == PTR_W'(DEPTH - 1)) ? PTR_W'(0) : rptr_q + PTR_W'(1);

  assign in_ready_o  = (cnt_q != CNT_W'(DEPTH));
  assign out_valid_o = (cnt_q != '0);
  assign out_data_o  = mem_q[rptr_q];
  assign count_o     = cnt_q;

  assign push = in_valid_i & in_ready_o & ~clear_i;
  assign pop  = out_valid_o & out_ready_i & ~clear_i;

  always_comb begin
    wptr_d = wptr_q;
    rptr_d = rptr_q;
    cnt_d  = cnt_q;
    if (clear_i) begin
      wptr_d = '0;
      rptr_d = '0;
      cnt_d  = '0;
    end else begin
      if (push) begin
        wptr_d = wptr_inc;
      end
      if (pop) begin
        rptr_d = rptr_inc;
      end
      unique case ({push, pop})
        2'b10:   cnt_d = cnt_q + CNT_W'(1);
        2'b01:   cnt_d = cnt_q - CNT_W'(1);
        default: cnt_d = cnt_q;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q <= '0;
      rptr_q <= '0;
      cnt_q  <= '0;
    end else begin
      wptr_q <= wptr_d;
      rptr_q <= rptr_d;
      cnt_q  <= cnt_d;
    end
  end

  // Data storage: no reset, written only on a push.
  always_ff @(posedge clk_i) begin
    if (push) begin
      mem_q[wptr_q] <= in_data_i;
    end
  end

`ifndef SYNTHESIS
  initial begin
    if (DEPTH < 1) $fatal(1, "loom_fifo: DEPTH must be at least 1");
  end
`endif

endmodule
