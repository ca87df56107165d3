// SPDX-License-Identifier: Apache-2.0
// Behavioural 1R1W SRAM: one write port, one registered read port. rdata_o is valid
// the cycle after re_i and holds otherwise; a read of the address being written in the
// same cycle returns the old data. Written so that FPGA flows infer block RAM; an ASIC
// flow replaces the body with a foundry macro of the same ports.
module loom_sram_2p #(
  parameter int unsigned WIDTH = 32,
  parameter int unsigned DEPTH = 256,
  localparam int unsigned AW   = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // write port
  input  logic             we_i,
  input  logic [AW-1:0]    waddr_i,
  input  logic [WIDTH-1:0] wdata_i,
  // read port
  input  logic             re_i,
  input  logic [AW-1:0]    raddr_i,
  output logic [WIDTH-1:0] rdata_o
);

  // Storage and output register carry no reset: a reset would stop block-RAM inference.
  logic [WIDTH-1:0] mem_q [DEPTH];
  logic [WIDTH-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

  logic unused_rst;
  assign unused_rst = rst_ni;

`ifndef SYNTHESIS
  initial begin
    assert (WIDTH >= 1 && DEPTH >= 2) else $error("loom_sram_2p: bad WIDTH/DEPTH");
  end
  a_waddr_in_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    we_i |-> (32'(waddr_i) < DEPTH));
  a_raddr_in_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    re_i |-> (32'(raddr_i) < DEPTH));
`endif

endmodule
