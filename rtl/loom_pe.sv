// SPDX-License-Identifier: Apache-2.0
// Processing element of the weight-stationary array.
//
// Activations travel left to right with three control bits (registered each PE):
//   sel  buffer holding the weights of the tile this activation belongs to,
//   w4   the tile is W4A8,
//   ld   shift the weight chain this cycle.
// Partial sums travel top to bottom (int32, registered each PE).
//
// Weights are double-buffered in w0_q/w1_q. The tile in use is buffer sel_i; the next
// tile is shifted down the column through the other buffer whenever ld_i is set.
// w_o (to the PE below) is the other buffer as seen by this PE's own registered sel.
//
// Multiply, W8A8: p = a_lo * s8(w)                    = a_lo*u4(w[3:0]) + 16*a_hi*s4(w[7:4])
//           W4A8: p = a_lo * s4(w[3:0]) + a_hi * s4(w[7:4])
// (the array feeds a_hi = a_lo in W8A8). The product is registered, then added to
// psum_i in the next cycle, so each cycle holds one multiply or one add.
module loom_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  // from the left neighbour
  input  logic [7:0]  a_lo_i,
  input  logic [7:0]  a_hi_i,
  input  logic        sel_i,
  input  logic        w4_i,
  input  logic        ld_i,
  // to the right neighbour
  output logic [7:0]  a_lo_o,
  output logic [7:0]  a_hi_o,
  output logic        sel_o,
  output logic        w4_o,
  output logic        ld_o,
  // weight chain
  input  logic [7:0]  w_i,
  output logic [7:0]  w_o,
  // partial sums
  input  logic [31:0] psum_i,
  output logic [31:0] psum_o
);

  logic [7:0]  a_lo_q, a_hi_q;
  logic        sel_q, w4_q, ld_q;
  logic [7:0]  w0_q, w1_q, w0_d, w1_d;
  logic [15:0] prod_q, prod_d;
  logic [31:0] psum_q, psum_d;

  logic [7:0]         w_use;
  logic signed [4:0]  w_lo;
  logic signed [3:0]  w_hi;
  logic signed [12:0] p_lo;
  logic signed [11:0] p_hi;
  logic signed [15:0] p;

  always_comb begin
    // weight chain: the buffer not in use shifts when ld_i is set
    w0_d = (ld_i &&  sel_i) ? w_i : w0_q;
    w1_d = (ld_i && !sel_i) ? w_i : w1_q;

    // multiply with the buffer of the incoming activation's tile
    w_use = sel_i ? w1_q : w0_q;
    w_lo  = {w4_i & w_use[3], w_use[3:0]};
    w_hi  = w_use[7:4];
    p_lo  = $signed(a_lo_i) * w_lo;
    p_hi  = $signed(a_hi_i) * w_hi;
    if (w4_i) begin
      p = 16'(p_lo) + 16'(p_hi);
    end else begin
      p = 16'(p_lo) + (16'(p_hi) <<< 4);
    end
    prod_d = p;

    psum_d = psum_i + {{16{prod_q[15]}}, prod_q};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_lo_q <= '0;
      a_hi_q <= '0;
      sel_q  <= 1'b0;
      w4_q   <= 1'b0;
      ld_q   <= 1'b0;
      w0_q   <= '0;
      w1_q   <= '0;
      prod_q <= '0;
      psum_q <= '0;
    end else begin
      a_lo_q <= a_lo_i;
      a_hi_q <= a_hi_i;
      sel_q  <= sel_i;
      w4_q   <= w4_i;
      ld_q   <= ld_i;
      w0_q   <= w0_d;
      w1_q   <= w1_d;
      prod_q <= prod_d;
      psum_q <= psum_d;
    end
  end

  assign a_lo_o = a_lo_q;
  assign a_hi_o = a_hi_q;
  assign sel_o  = sel_q;
  assign w4_o   = w4_q;
  assign ld_o   = ld_q;
  assign w_o    = sel_q ? w0_q : w1_q;
  assign psum_o = psum_q;

endmodule
