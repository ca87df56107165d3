// SPDX-License-Identifier: Apache-2.0
// One STORE post-processing lane (docs/isa.md, STORE steps 1-3), bit exact with the C
// loom_requant() in runtime/include/loom/loom_ref.h:
//   v = acc (+ bias, mod 2^32)
//   int32 out: y = relu ? max(v, 0) : v
//   int8 out:  p = v * mult (64 bit), r = shift ? floor((p + 2^(shift-1)) / 2^shift) : p,
//              y = clamp(max?(r + zp, zp), -128, 127), sign-extended to 32 bits.
// PIPE free-running register stages (no enable; the caller tracks the latency):
//   0 combinational, 1 register after the multiply, 2 also a register on y_o.
module loom_requant #(
  parameter int unsigned PIPE = 0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [31:0] acc_i,
  input  logic [31:0] bias_i,
  input  logic        bias_en_i,
  input  logic [31:0] mult_i,
  input  logic [5:0]  shift_i,
  input  logic [7:0]  zp_i,
  input  logic        relu_i,
  input  logic        out_i32_i,
  output logic [31:0] y_o
);

  // ---------------------------------------------------------------------------------
  // Stage A: bias add and the exact 64-bit product.
  // ---------------------------------------------------------------------------------
  logic        [31:0] v_a;
  logic signed [63:0] p_a;

  always_comb begin
    v_a = bias_en_i ? acc_i + bias_i : acc_i;
    p_a = $signed({{32{v_a[31]}}, v_a}) * $signed({{32{mult_i[31]}}, mult_i});
  end

  // Stage A -> B operands, optionally registered.
  logic        [31:0] v_b;
  logic        [63:0] p_b;
  logic        [5:0]  shift_b;
  logic        [7:0]  zp_b;
  logic               relu_b;
  logic               out_i32_b;

  if (PIPE >= 1) begin : g_pipe_ab
    logic [31:0] v_q;
    logic [63:0] p_q;
    logic [5:0]  shift_q;
    logic [7:0]  zp_q;
    logic        relu_q;
    logic        out_i32_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        v_q       <= '0;
        p_q       <= '0;
        shift_q   <= '0;
        zp_q      <= '0;
        relu_q    <= 1'b0;
        out_i32_q <= 1'b0;
      end else begin
        v_q       <= v_a;
        p_q       <= p_a;
        shift_q   <= shift_i;
        zp_q      <= zp_i;
        relu_q    <= relu_i;
        out_i32_q <= out_i32_i;
      end
    end
    assign v_b       = v_q;
    assign p_b       = p_q;
    assign shift_b   = shift_q;
    assign zp_b      = zp_q;
    assign relu_b    = relu_q;
    assign out_i32_b = out_i32_q;
  end else begin : g_comb_ab
    assign v_b       = v_a;
    assign p_b       = p_a;
    assign shift_b   = shift_i;
    assign zp_b      = zp_i;
    assign relu_b    = relu_i;
    assign out_i32_b = out_i32_i;
  end

  // ---------------------------------------------------------------------------------
  // Stage B: rounding shift, zero point, ReLU, saturation.
  // With x = 2p (65 bits), q = x >>> shift = p >>> (shift-1) for shift >= 1, and
  // (q + 1) >>> 1 = floor((p + 2^(shift-1)) / 2^shift); for shift = 0, (2p) >>> 1 = p.
  // One barrel shifter instead of two.
  // ---------------------------------------------------------------------------------
  localparam logic signed [65:0] SAT_MIN = -66'sd128;
  localparam logic signed [65:0] SAT_MAX = 66'sd127;

  logic signed [64:0] x_b;
  logic signed [64:0] q_b;
  logic signed [65:0] q1_b;
  logic signed [65:0] r_b;
  logic signed [65:0] zp_s;
  logic signed [65:0] y8_b;
  logic        [31:0] y_b;

  always_comb begin
    x_b  = {p_b, 1'b0};
    q_b  = x_b >>> shift_b;
    q1_b = {q_b[64], q_b} + {65'd0, shift_b != 6'd0};
    r_b  = q1_b >>> 1;
    zp_s = {{58{zp_b[7]}}, zp_b};
    y8_b = r_b + zp_s;
    if (relu_b && (y8_b < zp_s)) begin
      y8_b = zp_s;
    end
    if (y8_b < SAT_MIN) begin
      y8_b = SAT_MIN;
    end else if (y8_b > SAT_MAX) begin
      y8_b = SAT_MAX;
    end
    if (out_i32_b) begin
      y_b = (relu_b && v_b[31]) ? 32'd0 : v_b;
    end else begin
      y_b = {{24{y8_b[7]}}, y8_b[7:0]};
    end
  end

  if (PIPE >= 2) begin : g_pipe_out
    logic [31:0] y_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        y_q <= '0;
      end else begin
        y_q <= y_b;
      end
    end
    assign y_o = y_q;
  end else begin : g_comb_out
    assign y_o = y_b;
    logic unused_clk_rst;
    assign unused_clk_rst = clk_i ^ rst_ni;
  end

  // Bits 65:8 of the saturated value are its sign; the lane keeps the low byte.
  logic unused_y8_hi;
  assign unused_y8_hi = ^{y8_b[65:8], q1_b[0]};

endmodule
