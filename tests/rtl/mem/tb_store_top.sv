// SPDX-License-Identifier: Apache-2.0
// Bench wrapper: loom_store with a behavioural ACC stand-in on its store read port. The
// bench writes ACC entries through tb_we_i; st_gnt is gnt_allow_i (random from the
// bench, independent of st_re as the real arbiter may be), data comes the cycle after a
// granted request.
module tb_store_top #(
  parameter int unsigned ROWS      = 16,
  parameter int unsigned COLS      = 16,
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned ACC_DEPTH = 256,
  parameter int unsigned PP_LANES  = 4,
  parameter int unsigned PIPE      = 1,
  localparam int unsigned ACC_AW   = $clog2(ACC_DEPTH)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   insn_valid_i,
  output logic                   insn_ready_o,
  input  logic [127:0]           insn_i,
  input  logic [15:0]            slot_i,
  output logic                   done_o,
  output logic                   idle_o,
  input  logic                   abort_i,
  input  logic [ADDR_W-1:0]      dma_base_i,
  input  logic                   gnt_allow_i,
  input  logic                   tb_we_i,
  input  logic [ACC_AW-1:0]      tb_waddr_i,
  input  logic [32*COLS-1:0]     tb_wdata_i,
  output logic [3:0]             m_axi_awid_o,
  output logic [ADDR_W-1:0]      m_axi_awaddr_o,
  output logic [7:0]             m_axi_awlen_o,
  output logic [2:0]             m_axi_awsize_o,
  output logic [1:0]             m_axi_awburst_o,
  output logic                   m_axi_awvalid_o,
  input  logic                   m_axi_awready_i,
  output logic [8*BUS_BYTES-1:0] m_axi_wdata_o,
  output logic [BUS_BYTES-1:0]   m_axi_wstrb_o,
  output logic                   m_axi_wlast_o,
  output logic                   m_axi_wvalid_o,
  input  logic                   m_axi_wready_i,
  input  logic [3:0]             m_axi_bid_i,
  input  logic [1:0]             m_axi_bresp_i,
  input  logic                   m_axi_bvalid_i,
  output logic                   m_axi_bready_o,
  output logic                   err_o,
  output logic [7:0]             err_code_o,
  output logic [15:0]            err_slot_o,
  output logic                   stall_mem_o
);
  logic [32*COLS-1:0] acc_q [ACC_DEPTH];
  logic               st_re, rvalid_q;
  logic [ACC_AW-1:0]  st_raddr;
  logic [32*COLS-1:0] rdata_q;
  loom_pkg::err_e     code;

  assign err_code_o = code;

  always_ff @(posedge clk_i) begin
    if (tb_we_i) begin
      acc_q[tb_waddr_i] <= tb_wdata_i;
    end
    if (st_re && gnt_allow_i) begin
      rdata_q <= acc_q[st_raddr];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rvalid_q <= 1'b0;
    end else begin
      rvalid_q <= st_re && gnt_allow_i;
    end
  end

  loom_store #(.ROWS(ROWS), .COLS(COLS), .BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W),
               .ACC_DEPTH(ACC_DEPTH), .PP_LANES(PP_LANES), .PIPE(PIPE)) u_store (
    .clk_i, .rst_ni, .insn_valid_i, .insn_ready_o, .insn_i, .slot_i, .done_o, .idle_o,
    .abort_i, .dma_base_i,
    .st_re_o (st_re), .st_raddr_o (st_raddr), .st_gnt_i (gnt_allow_i),
    .st_rvalid_i (rvalid_q), .st_rdata_i (rdata_q),
    .m_axi_awid_o, .m_axi_awaddr_o, .m_axi_awlen_o, .m_axi_awsize_o, .m_axi_awburst_o,
    .m_axi_awvalid_o, .m_axi_awready_i, .m_axi_wdata_o, .m_axi_wstrb_o, .m_axi_wlast_o,
    .m_axi_wvalid_o, .m_axi_wready_i, .m_axi_bid_i, .m_axi_bresp_i, .m_axi_bvalid_i,
    .m_axi_bready_o, .err_o, .err_code_o (code), .err_slot_o, .stall_mem_o);
endmodule
