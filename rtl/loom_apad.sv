// SPDX-License-Identifier: Apache-2.0
// Activation pad: APAD_DEPTH entries of ROWS bytes in two banks (bank = entry bit 0).
// Written one entry at a time, read one entry pair {odd, even} at a time, so MATMUL
// gets the 2*ROWS activation bytes of a W4A8 row in a single read.
module loom_apad #(
  parameter int unsigned ROWS       = 16,
  parameter int unsigned APAD_DEPTH = 4096,
  localparam int unsigned AW        = $clog2(APAD_DEPTH)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // write port: one entry
  input  logic                we_i,
  input  logic [AW-1:0]       waddr_i,
  input  logic [8*ROWS-1:0]   wdata_i,
  // read port: one entry pair (pair address = entry >> 1), one cycle latency
  input  logic                re_i,
  input  logic [AW-2:0]       raddr_i,
  output logic [16*ROWS-1:0]  rdata_o
);

  logic [1:0] bank_we;

  always_comb begin
    bank_we = '0;
    bank_we[waddr_i[0]] = we_i;
  end

  for (genvar b = 0; b < 2; b++) begin : g_bank
    loom_sram_2p #(
      .WIDTH (8 * ROWS),
      .DEPTH (APAD_DEPTH / 2)
    ) u_sram (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .we_i    (bank_we[b]),
      .waddr_i (waddr_i[AW-1:1]),
      .wdata_i (wdata_i),
      .re_i    (re_i),
      .raddr_i (raddr_i),
      .rdata_o (rdata_o[8*ROWS*b +: 8*ROWS])
    );
  end

`ifndef SYNTHESIS
  initial begin
    assert (APAD_DEPTH >= 4 && (APAD_DEPTH & (APAD_DEPTH - 1)) == 0)
      else $error("loom_apad: APAD_DEPTH must be a power of two >= 4");
  end
`endif

endmodule
