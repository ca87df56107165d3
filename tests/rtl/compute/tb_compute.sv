// SPDX-License-Identifier: Apache-2.0
// Bench wrapper: loom_matmul with its activation pad, weight pad and accumulator.
// Ports are sized for the largest array (32 x 32) so that the C++ side has one shape
// for every parameter set; the pads and the accumulator are filled through their
// ordinary write ports, and the accumulator is read back through the store port.
module tb_compute #(
  parameter int unsigned ROWS       = 16,
  parameter int unsigned COLS       = 16,
  parameter int unsigned APAD_DEPTH = 1024,
  parameter int unsigned WPAD_DEPTH = 128,
  parameter int unsigned ACC_DEPTH  = 256
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  // instruction port
  input  logic          insn_valid_i,
  output logic          insn_ready_o,
  input  logic [127:0]  insn_i,
  output logic          done_o,
  output logic          idle_o,
  input  logic          abort_i,
  // backdoor writes
  input  logic          apad_we_i,
  input  logic [15:0]   apad_waddr_i,
  input  logic [255:0]  apad_wdata_i,
  input  logic          wpad_we_i,
  input  logic [15:0]   wpad_waddr_i,
  input  logic [255:0]  wpad_wdata_i,
  input  logic          ld_we_i,
  input  logic [15:0]   ld_waddr_i,
  input  logic [1023:0] ld_wdata_i,
  // accumulator store port
  input  logic          st_re_i,
  input  logic [15:0]   st_raddr_i,
  output logic          st_gnt_o,
  output logic          st_rvalid_o,
  output logic [1023:0] st_rdata_o,
  // observation
  output logic          mm_re_o,
  output logic [15:0]   mm_raddr_o,
  output logic          mm_we_o,
  output logic [15:0]   mm_waddr_o,
  output logic [1023:0] mm_wdata_o,
  output logic          row_issue_o,
  output logic          row_w4_o,
  output logic [31:0]   p_rows_o,
  output logic [31:0]   p_cols_o,
  output logic [31:0]   p_apad_o,
  output logic [31:0]   p_wpad_o,
  output logic [31:0]   p_acc_o
);

  localparam int unsigned APAD_AW = $clog2(APAD_DEPTH);
  localparam int unsigned WPAD_AW = $clog2(WPAD_DEPTH);
  localparam int unsigned ACC_AW  = $clog2(ACC_DEPTH);

  logic                  apad_re;
  logic [APAD_AW-2:0]    apad_raddr;
  logic [16*ROWS-1:0]    apad_rdata;
  logic                  wpad_re;
  logic [WPAD_AW-1:0]    wpad_raddr;
  logic [8*COLS-1:0]     wpad_rdata;
  logic                  acc_re, acc_we;
  logic [ACC_AW-1:0]     acc_raddr, acc_waddr;
  logic [32*COLS-1:0]    acc_rdata, acc_wdata, st_rdata;

  loom_matmul #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .APAD_DEPTH (APAD_DEPTH),
    .WPAD_DEPTH (WPAD_DEPTH),
    .ACC_DEPTH  (ACC_DEPTH)
  ) u_matmul (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .insn_valid_i (insn_valid_i),
    .insn_ready_o (insn_ready_o),
    .insn_i       (insn_i),
    .slot_i       (16'd0),
    .done_o       (done_o),
    .idle_o       (idle_o),
    .abort_i      (abort_i),
    .apad_re_o    (apad_re),
    .apad_raddr_o (apad_raddr),
    .apad_rdata_i (apad_rdata),
    .wpad_re_o    (wpad_re),
    .wpad_raddr_o (wpad_raddr),
    .wpad_rdata_i (wpad_rdata),
    .acc_re_o     (acc_re),
    .acc_raddr_o  (acc_raddr),
    .acc_rdata_i  (acc_rdata),
    .acc_we_o     (acc_we),
    .acc_waddr_o  (acc_waddr),
    .acc_wdata_o  (acc_wdata),
    .row_issue_o  (row_issue_o),
    .row_w4_o     (row_w4_o)
  );

  loom_apad #(
    .ROWS       (ROWS),
    .APAD_DEPTH (APAD_DEPTH)
  ) u_apad (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .we_i    (apad_we_i),
    .waddr_i (apad_waddr_i[APAD_AW-1:0]),
    .wdata_i (apad_wdata_i[8*ROWS-1:0]),
    .re_i    (apad_re),
    .raddr_i (apad_raddr),
    .rdata_o (apad_rdata)
  );

  loom_sram_2p #(
    .WIDTH (8 * COLS),
    .DEPTH (WPAD_DEPTH)
  ) u_wpad (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .we_i    (wpad_we_i),
    .waddr_i (wpad_waddr_i[WPAD_AW-1:0]),
    .wdata_i (wpad_wdata_i[8*COLS-1:0]),
    .re_i    (wpad_re),
    .raddr_i (wpad_raddr),
    .rdata_o (wpad_rdata)
  );

  loom_acc #(
    .COLS      (COLS),
    .ACC_DEPTH (ACC_DEPTH)
  ) u_acc (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .mm_re_i     (acc_re),
    .mm_raddr_i  (acc_raddr),
    .mm_rdata_o  (acc_rdata),
    .mm_we_i     (acc_we),
    .mm_waddr_i  (acc_waddr),
    .mm_wdata_i  (acc_wdata),
    .ld_we_i     (ld_we_i),
    .ld_waddr_i  (ld_waddr_i[ACC_AW-1:0]),
    .ld_wdata_i  (ld_wdata_i[32*COLS-1:0]),
    .st_re_i     (st_re_i),
    .st_raddr_i  (st_raddr_i[ACC_AW-1:0]),
    .st_gnt_o    (st_gnt_o),
    .st_rvalid_o (st_rvalid_o),
    .st_rdata_o  (st_rdata)
  );

  assign st_rdata_o = 1024'(st_rdata);
  assign mm_re_o    = acc_re;
  assign mm_raddr_o = 16'(acc_raddr);
  assign mm_we_o    = acc_we;
  assign mm_waddr_o = 16'(acc_waddr);
  assign mm_wdata_o = 1024'(acc_wdata);
  assign p_rows_o   = ROWS;
  assign p_cols_o   = COLS;
  assign p_apad_o   = APAD_DEPTH;
  assign p_wpad_o   = WPAD_DEPTH;
  assign p_acc_o    = ACC_DEPTH;

endmodule
