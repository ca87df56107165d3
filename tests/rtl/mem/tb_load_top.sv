// SPDX-License-Identifier: Apache-2.0
// Bench wrapper: loom_axi_rd_mux with three clients, as in loom_top: client 0 is driven
// by the C++ bench (stands in for fetch), client 1 a pad loom_load, client 2 an ACC
// loom_load.
module tb_load_top #(
  parameter int unsigned ROWS      = 16,
  parameter int unsigned COLS      = 16,
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned PAD_BYTES = (ROWS > COLS) ? ROWS : COLS,
  parameter int unsigned ACC_BYTES = 4 * COLS
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic [ADDR_W-1:0]      dma_base_i,
  input  logic                   abort_i,
  // raw client 0
  input  logic                   c0_req_valid_i,
  output logic                   c0_req_ready_o,
  input  logic [ADDR_W-1:0]      c0_req_addr_i,
  input  logic [7:0]             c0_req_len_i,
  output logic                   c0_valid_o,
  input  logic                   c0_ready_i,
  output logic [8*BUS_BYTES-1:0] c0_data_o,
  output logic                   c0_last_o,
  output logic                   c0_err_o,
  // pad load (p) and acc load (a)
  input  logic                   p_insn_valid_i,
  output logic                   p_insn_ready_o,
  input  logic [127:0]           p_insn_i,
  input  logic [15:0]            p_slot_i,
  output logic                   p_done_o,
  output logic                   p_idle_o,
  output logic                   p_wr_valid_o,
  output logic [1:0]             p_wr_mem_o,
  output logic [15:0]            p_wr_addr_o,
  output logic [8*PAD_BYTES-1:0] p_wr_data_o,
  output logic                   p_err_o,
  output logic [7:0]             p_err_code_o,
  output logic [15:0]            p_err_slot_o,
  output logic                   p_stall_o,
  input  logic                   a_insn_valid_i,
  output logic                   a_insn_ready_o,
  input  logic [127:0]           a_insn_i,
  input  logic [15:0]            a_slot_i,
  output logic                   a_done_o,
  output logic                   a_idle_o,
  output logic                   a_wr_valid_o,
  output logic [1:0]             a_wr_mem_o,
  output logic [15:0]            a_wr_addr_o,
  output logic [8*ACC_BYTES-1:0] a_wr_data_o,
  output logic                   a_err_o,
  output logic [7:0]             a_err_code_o,
  output logic [15:0]            a_err_slot_o,
  output logic                   a_stall_o,
  output logic                   mux_idle_o,
  // AXI read
  output logic [3:0]             m_axi_arid_o,
  output logic [ADDR_W-1:0]      m_axi_araddr_o,
  output logic [7:0]             m_axi_arlen_o,
  output logic [2:0]             m_axi_arsize_o,
  output logic [1:0]             m_axi_arburst_o,
  output logic                   m_axi_arvalid_o,
  input  logic                   m_axi_arready_i,
  input  logic [3:0]             m_axi_rid_i,
  input  logic [8*BUS_BYTES-1:0] m_axi_rdata_i,
  input  logic [1:0]             m_axi_rresp_i,
  input  logic                   m_axi_rlast_i,
  input  logic                   m_axi_rvalid_i,
  output logic                   m_axi_rready_o
);
  localparam int unsigned DW = 8 * BUS_BYTES;

  logic [2:0]          req_valid, req_ready, rsp_valid, rsp_ready, rsp_last, rsp_err;
  logic [3*ADDR_W-1:0] req_addr;
  logic [3*8-1:0]      req_len;
  logic [3*DW-1:0]     rsp_data;

  loom_pkg::mem_e p_mem, a_mem;
  loom_pkg::err_e p_code, a_code;
  assign p_wr_mem_o   = p_mem;
  assign a_wr_mem_o   = a_mem;
  assign p_err_code_o = p_code;
  assign a_err_code_o = a_code;

  assign req_valid[0]        = c0_req_valid_i;
  assign c0_req_ready_o      = req_ready[0];
  assign req_addr[0 +: ADDR_W] = c0_req_addr_i;
  assign req_len[0 +: 8]     = c0_req_len_i;
  assign c0_valid_o          = rsp_valid[0];
  assign rsp_ready[0]        = c0_ready_i;
  assign c0_data_o           = rsp_data[0 +: DW];
  assign c0_last_o           = rsp_last[0];
  assign c0_err_o            = rsp_err[0];

  loom_load #(.ROWS(ROWS), .COLS(COLS), .BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W),
              .OUT_BYTES(PAD_BYTES)) u_pad (
    .clk_i, .rst_ni,
    .insn_valid_i (p_insn_valid_i), .insn_ready_o (p_insn_ready_o), .insn_i (p_insn_i),
    .slot_i (p_slot_i), .done_o (p_done_o), .idle_o (p_idle_o), .abort_i (abort_i),
    .dma_base_i (dma_base_i),
    .rd_req_valid_o (req_valid[1]), .rd_req_ready_i (req_ready[1]),
    .rd_req_addr_o (req_addr[ADDR_W +: ADDR_W]), .rd_req_len_o (req_len[8 +: 8]),
    .rd_valid_i (rsp_valid[1]), .rd_ready_o (rsp_ready[1]), .rd_data_i (rsp_data[DW +: DW]),
    .rd_last_i (rsp_last[1]), .rd_err_i (rsp_err[1]),
    .wr_valid_o (p_wr_valid_o), .wr_mem_o (p_mem), .wr_addr_o (p_wr_addr_o),
    .wr_data_o (p_wr_data_o), .err_o (p_err_o), .err_code_o (p_code),
    .err_slot_o (p_err_slot_o), .stall_mem_o (p_stall_o));

  loom_load #(.ROWS(ROWS), .COLS(COLS), .BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W),
              .OUT_BYTES(ACC_BYTES)) u_acc (
    .clk_i, .rst_ni,
    .insn_valid_i (a_insn_valid_i), .insn_ready_o (a_insn_ready_o), .insn_i (a_insn_i),
    .slot_i (a_slot_i), .done_o (a_done_o), .idle_o (a_idle_o), .abort_i (abort_i),
    .dma_base_i (dma_base_i),
    .rd_req_valid_o (req_valid[2]), .rd_req_ready_i (req_ready[2]),
    .rd_req_addr_o (req_addr[2*ADDR_W +: ADDR_W]), .rd_req_len_o (req_len[16 +: 8]),
    .rd_valid_i (rsp_valid[2]), .rd_ready_o (rsp_ready[2]), .rd_data_i (rsp_data[2*DW +: DW]),
    .rd_last_i (rsp_last[2]), .rd_err_i (rsp_err[2]),
    .wr_valid_o (a_wr_valid_o), .wr_mem_o (a_mem), .wr_addr_o (a_wr_addr_o),
    .wr_data_o (a_wr_data_o), .err_o (a_err_o), .err_code_o (a_code),
    .err_slot_o (a_err_slot_o), .stall_mem_o (a_stall_o));

  loom_axi_rd_mux #(.N(3), .BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W)) u_mux (
    .clk_i, .rst_ni,
    .rd_req_valid_i (req_valid), .rd_req_ready_o (req_ready), .rd_req_addr_i (req_addr),
    .rd_req_len_i (req_len), .rd_valid_o (rsp_valid), .rd_ready_i (rsp_ready),
    .rd_data_o (rsp_data), .rd_last_o (rsp_last), .rd_err_o (rsp_err), .idle_o (mux_idle_o),
    .m_axi_arid_o, .m_axi_araddr_o, .m_axi_arlen_o, .m_axi_arsize_o, .m_axi_arburst_o,
    .m_axi_arvalid_o, .m_axi_arready_i, .m_axi_rid_i, .m_axi_rdata_i, .m_axi_rresp_i,
    .m_axi_rlast_i, .m_axi_rvalid_i, .m_axi_rready_o);
endmodule
