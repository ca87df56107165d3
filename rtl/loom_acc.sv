// SPDX-License-Identifier: Apache-2.0
// Accumulator: ACC_DEPTH entries of COLS int32 lanes in two banks (bank = top address
// bit). The compute read port is always granted; a store read is granted in every
// cycle in which the compute read does not use the same bank, and its data follows
// one cycle after the grant. The compute and acc-load write ports are never used in
// the same cycle (the compute queue runs one engine at a time).
module loom_acc #(
  parameter int unsigned COLS      = 16,
  parameter int unsigned ACC_DEPTH = 1024,
  localparam int unsigned AW       = $clog2(ACC_DEPTH),
  localparam int unsigned W        = 32 * COLS
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  // compute read (always granted, data the next cycle)
  input  logic          mm_re_i,
  input  logic [AW-1:0] mm_raddr_i,
  output logic [W-1:0]  mm_rdata_o,
  // compute write
  input  logic          mm_we_i,
  input  logic [AW-1:0] mm_waddr_i,
  input  logic [W-1:0]  mm_wdata_i,
  // acc-load write
  input  logic          ld_we_i,
  input  logic [AW-1:0] ld_waddr_i,
  input  logic [W-1:0]  ld_wdata_i,
  // store read: request held until granted, data valid with st_rvalid_o
  input  logic          st_re_i,
  input  logic [AW-1:0] st_raddr_i,
  output logic          st_gnt_o,
  output logic          st_rvalid_o,
  output logic [W-1:0]  st_rdata_o
);

  logic          mm_bank, st_bank, wr_bank;
  logic          wr_en;
  logic [AW-2:0] wr_addr;
  logic [W-1:0]  wr_data;
  logic [1:0]    bank_we, bank_re;
  logic [2*(AW-1)-1:0] bank_raddr;  // bank b at [(AW-1)*b +: AW-1]
  logic [2*W-1:0]      bank_rdata;  // bank b at [W*b +: W]
  logic          mm_bank_q, st_bank_q, st_rvalid_q;

  always_comb begin
    mm_bank  = mm_raddr_i[AW-1];
    st_bank  = st_raddr_i[AW-1];
    st_gnt_o = st_re_i && !(mm_re_i && (mm_bank == st_bank));

    wr_en   = mm_we_i || ld_we_i;
    wr_bank = mm_we_i ? mm_waddr_i[AW-1]   : ld_waddr_i[AW-1];
    wr_addr = mm_we_i ? mm_waddr_i[AW-2:0] : ld_waddr_i[AW-2:0];
    wr_data = mm_we_i ? mm_wdata_i         : ld_wdata_i;

    for (int unsigned b = 0; b < 2; b++) begin
      bank_we[b]    = wr_en && (wr_bank == b[0]);
      bank_re[b]    = (mm_re_i && (mm_bank == b[0])) || (st_gnt_o && (st_bank == b[0]));
      bank_raddr[(AW-1)*b +: AW-1] = (mm_re_i && (mm_bank == b[0])) ? mm_raddr_i[AW-2:0]
                                                                   : st_raddr_i[AW-2:0];
    end
  end

  for (genvar b = 0; b < 2; b++) begin : g_bank
    loom_sram_2p #(
      .WIDTH (W),
      .DEPTH (ACC_DEPTH / 2)
    ) u_sram (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .we_i    (bank_we[b]),
      .waddr_i (wr_addr),
      .wdata_i (wr_data),
      .re_i    (bank_re[b]),
      .raddr_i (bank_raddr[(AW-1)*b +: AW-1]),
      .rdata_o (bank_rdata[W*b +: W])
    );
  end

  logic mm_bank_d, st_bank_d;

  always_comb begin
    mm_bank_d = mm_re_i  ? mm_bank : mm_bank_q;
    st_bank_d = st_gnt_o ? st_bank : st_bank_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mm_bank_q   <= 1'b0;
      st_bank_q   <= 1'b0;
      st_rvalid_q <= 1'b0;
    end else begin
      mm_bank_q   <= mm_bank_d;
      st_bank_q   <= st_bank_d;
      st_rvalid_q <= st_gnt_o;
    end
  end

  assign mm_rdata_o  = bank_rdata[W*32'(mm_bank_q) +: W];
  assign st_rdata_o  = bank_rdata[W*32'(st_bank_q) +: W];
  assign st_rvalid_o = st_rvalid_q;

`ifndef SYNTHESIS
  initial begin
    assert (ACC_DEPTH >= 4 && (ACC_DEPTH & (ACC_DEPTH - 1)) == 0)
      else $error("loom_acc: ACC_DEPTH must be a power of two >= 4");
  end
  a_one_writer: assert property (@(posedge clk_i) disable iff (!rst_ni) !(mm_we_i && ld_we_i));
  a_gnt_free_bank: assert property (@(posedge clk_i) disable iff (!rst_ni)
    st_gnt_o |-> !(mm_re_i && (mm_bank == st_bank)));
`endif

endmodule
