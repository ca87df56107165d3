// SPDX-License-Identifier: Apache-2.0
// ROWS x COLS weight-stationary systolic array of loom_pe.
//
// All inputs are unskewed: one activation row (and its control bits) per cycle, one
// weight row per cycle. Row k of the activation input is delayed by k cycles before it
// enters PE(k,0); column c of the weight input by c cycles before PE(0,c). The bottom
// partial sum of column c is delayed by COLS-1-c cycles, so the COLS int32 results of
// the activation row presented in cycle t all appear on sum_o in cycle t + ROWS + COLS.
//
// Weight loading (tile of ROWS weight rows d_0..d_{ROWS-1}, into the buffer not in use):
// present d_{ROWS-1-i} on w_i in cycle L+i (i = 0..ROWS-1), with ld_i[k] set in cycle
// L+i iff i <= ROWS-1-k. This needs the last change of sel_i to be at or before L. The
// new tile is used by activation rows presented with the toggled sel_i from L+ROWS on.
module loom_array #(
  parameter int unsigned ROWS = 16,
  parameter int unsigned COLS = 16
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // activation row k = bits [8k +: 8] of a_lo_i (W4A8: k = 2j; W8A8: the byte of row k)
  // and of a_hi_i (W4A8: k = 2j+1; W8A8: the same byte as a_lo_i)
  input  logic [8*ROWS-1:0]  a_lo_i,
  input  logic [8*ROWS-1:0]  a_hi_i,
  input  logic               sel_i,
  input  logic               w4_i,
  input  logic [ROWS-1:0]    ld_i,
  input  logic [8*COLS-1:0]  w_i,
  output logic [32*COLS-1:0] sum_o
);

  localparam int unsigned HW = 17;  // per-row skewed bits: {ld, a_hi, a_lo}

  // Edge nets. Horizontal net (k,c) feeds PE(k,c) from the left, c = 0..COLS;
  // vertical net (k,c) feeds PE(k,c) from above, k = 0..ROWS.
  // Unpacked arrays, one element per net: Verilator then updates nets one by one
  // instead of re-assembling a wide vector every cycle (4x faster simulation).
  (* mem2reg *) logic [7:0]  h_lo [ROWS*(COLS+1)];
  (* mem2reg *) logic [7:0]  h_hi [ROWS*(COLS+1)];
  (* mem2reg *) logic        h_sel [ROWS*(COLS+1)];
  (* mem2reg *) logic        h_w4 [ROWS*(COLS+1)];
  (* mem2reg *) logic        h_ld [ROWS*(COLS+1)];
  (* mem2reg *) logic [7:0]  v_w [COLS*(ROWS+1)];
  (* mem2reg *) logic [31:0] v_ps [COLS*(ROWS+1)];

  // ---------------------------------------------------------------------------------
  // Input skew. sel/w4 are the same for every row: one shared delay line, tapped.
  logic [2*(ROWS-1)-1:0] ctl_q, ctl_d;
  logic [2*ROWS-1:0]     ctl_cat;

  always_comb begin
    ctl_cat = {ctl_q, w4_i, sel_i};
    ctl_d   = ctl_cat[2*(ROWS-1)-1:0];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctl_q <= '0;
    end else begin
      ctl_q <= ctl_d;
    end
  end

  for (genvar k = 0; k < ROWS; k++) begin : g_row_in
    logic [HW-1:0] row_in, row_skewed;
    assign row_in = {ld_i[k], a_hi_i[8*k +: 8], a_lo_i[8*k +: 8]};

    if (k == 0) begin : g_direct
      assign row_skewed = row_in;
    end else begin : g_skew
      logic [HW*k-1:0]     dly_q, dly_d;

      assign dly_d = (HW*k)'({dly_q, row_in});

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          dly_q <= '0;
        end else begin
          dly_q <= dly_d;
        end
      end

      assign row_skewed = dly_q[HW*k-1 -: HW];
    end

    localparam int unsigned H0 = k * (COLS + 1);
    assign h_lo[H0] = row_skewed[7:0];
    assign h_hi[H0] = row_skewed[15:8];
    assign h_ld[H0]        = row_skewed[16];
    assign h_sel[H0] = ctl_cat[2*k];
    assign h_w4[H0]  = ctl_cat[2*k+1];
  end

  // ---------------------------------------------------------------------------------
  // Weight skew: column c delayed by c cycles; partial sums enter the top as zero.
  for (genvar c = 0; c < COLS; c++) begin : g_col_in
    localparam int unsigned V0 = c * (ROWS + 1);

    if (c == 0) begin : g_direct
      assign v_w[V0] = w_i[7:0];
    end else begin : g_skew
      logic [8*c-1:0]     dly_q, dly_d;

      assign dly_d = (8*c)'({dly_q, w_i[8*c +: 8]});

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          dly_q <= '0;
        end else begin
          dly_q <= dly_d;
        end
      end

      assign v_w[V0] = dly_q[8*c-1 -: 8];
    end

    assign v_ps[V0] = '0;
  end

  // ---------------------------------------------------------------------------------
  // PE grid
  for (genvar k = 0; k < ROWS; k++) begin : g_row
    for (genvar c = 0; c < COLS; c++) begin : g_col
      localparam int unsigned HI = k * (COLS + 1) + c;  // left input, output is HI+1
      localparam int unsigned VI = c * (ROWS + 1) + k;  // top input, output is VI+1

      loom_pe u_pe (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .a_lo_i (h_lo[HI]),
        .a_hi_i (h_hi[HI]),
        .sel_i  (h_sel[HI]),
        .w4_i   (h_w4[HI]),
        .ld_i   (h_ld[HI]),
        .a_lo_o (h_lo[HI+1]),
        .a_hi_o (h_hi[HI+1]),
        .sel_o  (h_sel[HI+1]),
        .w4_o   (h_w4[HI+1]),
        .ld_o   (h_ld[HI+1]),
        .w_i    (v_w[VI]),
        .w_o    (v_w[VI+1]),
        .psum_i (v_ps[VI]),
        .psum_o (v_ps[VI+1])
      );
    end
  end

  // ---------------------------------------------------------------------------------
  // Output de-skew: column c delayed by COLS-1-c cycles.
  for (genvar c = 0; c < COLS; c++) begin : g_col_out
    localparam int unsigned D = COLS - 1 - c;
    logic [31:0] bottom;
    assign bottom = v_ps[c*(ROWS+1)+ROWS];

    if (D == 0) begin : g_direct
      assign sum_o[32*c +: 32] = bottom;
    end else begin : g_skew
      logic [32*D-1:0]     dly_q, dly_d;

      assign dly_d = (32*D)'({dly_q, bottom});

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          dly_q <= '0;
        end else begin
          dly_q <= dly_d;
        end
      end

      assign sum_o[32*c +: 32] = dly_q[32*D-1 -: 32];
    end
  end

  // Signals leaving the right edge and the bottom weight chain go nowhere.
  logic unused_edges;
  always_comb begin
    unused_edges = 1'b0;
    for (int unsigned k = 0; k < ROWS; k++) begin
      unused_edges ^= ^{h_lo[k*(COLS+1)+COLS], h_hi[k*(COLS+1)+COLS],
                        h_sel[k*(COLS+1)+COLS], h_w4[k*(COLS+1)+COLS], h_ld[k*(COLS+1)+COLS]};
    end
    for (int unsigned c = 0; c < COLS; c++) begin
      unused_edges ^= ^v_w[c*(ROWS+1)+ROWS];
    end
  end

`ifndef SYNTHESIS
  initial begin
    assert (ROWS >= 4 && ROWS <= 32 && COLS >= 4 && COLS <= 32)
      else $error("loom_array: ROWS and COLS must be 4..32");
  end
`endif

endmodule
