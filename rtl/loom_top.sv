// SPDX-License-Identifier: Apache-2.0
// Loom core (docs/microarch.md): CSRs, ring fetch, decode/dispatch, three queues with
// token-ordered issue, the load, compute and store units, pads and accumulator, and
// the AXI4 master built from a 3-client read mux (0 fetch, 1 load, 2 ACC load) and the
// store unit's write channel.
module loom_top #(
  parameter int unsigned ROWS        = 16,
  parameter int unsigned COLS        = 16,
  parameter int unsigned BUS_BYTES   = 16,
  parameter int unsigned ADDR_W      = 32,
  parameter int unsigned APAD_DEPTH  = 4096,
  parameter int unsigned WPAD_DEPTH  = 4096,
  parameter int unsigned ACC_DEPTH   = 1024,
  parameter int unsigned QUEUE_DEPTH = 8,
  parameter int unsigned PP_LANES    = 4,
  parameter logic [1:0]  MODES       = 2'b11          // bit i: mode i supported
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // AXI4-Lite slave (CSRs), 12-bit byte address, 32-bit data
  input  logic [11:0]            s_axil_awaddr_i,
  input  logic                   s_axil_awvalid_i,
  output logic                   s_axil_awready_o,
  input  logic [31:0]            s_axil_wdata_i,
  input  logic [3:0]             s_axil_wstrb_i,
  input  logic                   s_axil_wvalid_i,
  output logic                   s_axil_wready_o,
  output logic [1:0]             s_axil_bresp_o,
  output logic                   s_axil_bvalid_o,
  input  logic                   s_axil_bready_i,
  input  logic [11:0]            s_axil_araddr_i,
  input  logic                   s_axil_arvalid_i,
  output logic                   s_axil_arready_o,
  output logic [31:0]            s_axil_rdata_o,
  output logic [1:0]             s_axil_rresp_o,
  output logic                   s_axil_rvalid_o,
  input  logic                   s_axil_rready_i,
  // AXI4 master (DMA), INCR bursts, full-width beats
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
  output logic                   m_axi_rready_o,
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
  output logic                   irq_o
);

  localparam int unsigned TOKEN_MAX = 255;                         // CAP1.token_max
  localparam int unsigned LD_BYTES  = (ROWS > COLS) ? ROWS : COLS;  // APAD/WPAD entry
  localparam int unsigned ACC_BYTES = 4 * COLS;                     // ACC entry
  localparam int unsigned APAD_AW   = $clog2(APAD_DEPTH);
  localparam int unsigned WPAD_AW   = $clog2(WPAD_DEPTH);
  localparam int unsigned ACC_AW    = $clog2(ACC_DEPTH);
  localparam int unsigned BUS_W     = 8 * BUS_BYTES;
  localparam int unsigned WB_W      = $clog2(BUS_BYTES + 1);
  localparam int unsigned QW        = 16 + 128;                     // queue entry {slot, insn}

  // Queue indices (loom_pkg::queue_e) and read clients.
  localparam int unsigned QL = 0, QC = 1, QS = 2;
  localparam int unsigned RC_FETCH = 0, RC_LOAD = 1, RC_ACC = 2;

  // ================================================================ CSRs
  logic [31:0] ring_base, ring_size, ring_tail, dma_base, dma_limit;
  logic        csr_start, csr_soft_reset;
  logic        st_busy, st_error, st_done, st_resetting;
  logic [7:0]  err_code;
  logic [15:0] err_index, ring_head;
  logic [31:0] done_count;
  logic        irq_done, irq_fence, irq_error;
  logic        perf_row, perf_row_w4, perf_rd_beat, perf_stall_token, perf_stall_mem;
  logic        perf_stall_fetch;
  logic [WB_W-1:0] perf_wr_bytes;

  loom_csr #(
    .ROWS        (ROWS),
    .COLS        (COLS),
    .BUS_BYTES   (BUS_BYTES),
    .APAD_DEPTH  (APAD_DEPTH),
    .WPAD_DEPTH  (WPAD_DEPTH),
    .ACC_DEPTH   (ACC_DEPTH),
    .QUEUE_DEPTH (QUEUE_DEPTH),
    .PP_LANES    (PP_LANES),
    .MODES       (MODES),
    .TOKEN_MAX   (TOKEN_MAX)
  ) u_csr (
    .clk_i              (clk_i),
    .rst_ni             (rst_ni),
    .s_axil_awaddr_i    (s_axil_awaddr_i),
    .s_axil_awvalid_i   (s_axil_awvalid_i),
    .s_axil_awready_o   (s_axil_awready_o),
    .s_axil_wdata_i     (s_axil_wdata_i),
    .s_axil_wstrb_i     (s_axil_wstrb_i),
    .s_axil_wvalid_i    (s_axil_wvalid_i),
    .s_axil_wready_o    (s_axil_wready_o),
    .s_axil_bresp_o     (s_axil_bresp_o),
    .s_axil_bvalid_o    (s_axil_bvalid_o),
    .s_axil_bready_i    (s_axil_bready_i),
    .s_axil_araddr_i    (s_axil_araddr_i),
    .s_axil_arvalid_i   (s_axil_arvalid_i),
    .s_axil_arready_o   (s_axil_arready_o),
    .s_axil_rdata_o     (s_axil_rdata_o),
    .s_axil_rresp_o     (s_axil_rresp_o),
    .s_axil_rvalid_o    (s_axil_rvalid_o),
    .s_axil_rready_i    (s_axil_rready_i),
    .ring_base_o        (ring_base),
    .ring_size_o        (ring_size),
    .ring_tail_o        (ring_tail),
    .dma_base_o         (dma_base),
    .dma_limit_o        (dma_limit),
    .start_o            (csr_start),
    .soft_reset_o       (csr_soft_reset),
    .busy_i             (st_busy),
    .error_i            (st_error),
    .done_i             (st_done),
    .resetting_i        (st_resetting),
    .err_code_i         (err_code),
    .err_index_i        (err_index),
    .ring_head_i        (ring_head),
    .done_count_i       (done_count),
    .irq_done_i         (irq_done),
    .irq_fence_i        (irq_fence),
    .irq_error_i        (irq_error),
    .irq_o              (irq_o),
    .perf_busy_i        (st_busy),
    .perf_row_i         (perf_row),
    .perf_row_w4_i      (perf_row_w4),
    .perf_rd_beat_i     (perf_rd_beat),
    .perf_wr_bytes_i    (perf_wr_bytes),
    .perf_stall_token_i (perf_stall_token),
    .perf_stall_mem_i   (perf_stall_mem),
    .perf_stall_fetch_i (perf_stall_fetch)
  );

  // ================================================================ read mux
  logic [2:0]          rc_req_valid, rc_req_ready, rc_valid, rc_ready, rc_last, rc_err;
  logic [3*ADDR_W-1:0] rc_req_addr;
  logic [23:0]         rc_req_len;
  logic [3*BUS_W-1:0]  rc_data;
  logic                rd_idle;

  loom_axi_rd_mux #(
    .N         (3),
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W)
  ) u_rd_mux (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .rd_req_valid_i  (rc_req_valid),
    .rd_req_ready_o  (rc_req_ready),
    .rd_req_addr_i   (rc_req_addr),
    .rd_req_len_i    (rc_req_len),
    .rd_valid_o      (rc_valid),
    .rd_ready_i      (rc_ready),
    .rd_data_o       (rc_data),
    .rd_last_o       (rc_last),
    .rd_err_o        (rc_err),
    .idle_o          (rd_idle),
    .m_axi_arid_o    (m_axi_arid_o),
    .m_axi_araddr_o  (m_axi_araddr_o),
    .m_axi_arlen_o   (m_axi_arlen_o),
    .m_axi_arsize_o  (m_axi_arsize_o),
    .m_axi_arburst_o (m_axi_arburst_o),
    .m_axi_arvalid_o (m_axi_arvalid_o),
    .m_axi_arready_i (m_axi_arready_i),
    .m_axi_rid_i     (m_axi_rid_i),
    .m_axi_rdata_i   (m_axi_rdata_i),
    .m_axi_rresp_i   (m_axi_rresp_i),
    .m_axi_rlast_i   (m_axi_rlast_i),
    .m_axi_rvalid_i  (m_axi_rvalid_i),
    .m_axi_rready_o  (m_axi_rready_o)
  );

  // ================================================================ fetch
  logic         fetch_run, fetch_start, fetch_flush, fetch_idle;
  logic         f_valid, f_ready, f_err;
  logic [127:0] f_insn;
  logic [15:0]  f_slot;

  loom_fetch #(
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W)
  ) u_fetch (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .run_i          (fetch_run),
    .start_i        (fetch_start),
    .head_i         (ring_head),
    .flush_i        (fetch_flush),
    .idle_o         (fetch_idle),
    .ring_base_i    (ring_base),
    .ring_size_i    (ring_size[16:0]),
    .ring_tail_i    (ring_tail[15:0]),
    .rd_req_valid_o (rc_req_valid[RC_FETCH]),
    .rd_req_ready_i (rc_req_ready[RC_FETCH]),
    .rd_req_addr_o  (rc_req_addr[RC_FETCH*ADDR_W +: ADDR_W]),
    .rd_req_len_o   (rc_req_len[RC_FETCH*8 +: 8]),
    .rd_valid_i     (rc_valid[RC_FETCH]),
    .rd_ready_o     (rc_ready[RC_FETCH]),
    .rd_data_i      (rc_data[RC_FETCH*BUS_W +: BUS_W]),
    .rd_last_i      (rc_last[RC_FETCH]),
    .rd_err_i       (rc_err[RC_FETCH]),
    .insn_valid_o   (f_valid),
    .insn_ready_i   (f_ready),
    .insn_o         (f_insn),
    .slot_o         (f_slot),
    .err_o          (f_err)
  );

  // ================================================================ dispatch
  logic [2:0]   q_push_valid, q_push_ready;
  logic [127:0] q_push_insn;
  logic [15:0]  q_push_slot;
  logic [2:0]   q_empty, q_blocked, q_stall_token;
  logic [47:0]  q_head_slot, q_tok_slot;
  logic         units_idle, bus_idle, abort, unit_abort, clear;
  logic         tok_all_zero;
  logic [3:0]   tok_overflow;
  logic [2:0]   unit_err;
  logic [23:0]  unit_err_code;
  logic [47:0]  unit_err_slot;

  loom_dispatch #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .APAD_DEPTH (APAD_DEPTH),
    .WPAD_DEPTH (WPAD_DEPTH),
    .ACC_DEPTH  (ACC_DEPTH),
    .MODES      (MODES)
  ) u_dispatch (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (csr_start),
    .soft_reset_i    (csr_soft_reset),
    .ring_base_i     (ring_base),
    .ring_size_i     (ring_size),
    .ring_tail_i     (ring_tail),
    .dma_base_i      (dma_base),
    .dma_limit_i     (dma_limit),
    .busy_o          (st_busy),
    .error_o         (st_error),
    .done_o          (st_done),
    .resetting_o     (st_resetting),
    .err_code_o      (err_code),
    .err_index_o     (err_index),
    .ring_head_o     (ring_head),
    .done_count_o    (done_count),
    .irq_done_o      (irq_done),
    .irq_fence_o     (irq_fence),
    .irq_error_o     (irq_error),
    .fetch_run_o     (fetch_run),
    .fetch_start_o   (fetch_start),
    .fetch_flush_o   (fetch_flush),
    .fetch_idle_i    (fetch_idle),
    .f_valid_i       (f_valid),
    .f_ready_o       (f_ready),
    .f_insn_i        (f_insn),
    .f_slot_i        (f_slot),
    .f_err_i         (f_err),
    .q_valid_o       (q_push_valid),
    .q_ready_i       (q_push_ready),
    .q_insn_o        (q_push_insn),
    .q_slot_o        (q_push_slot),
    .q_empty_i       (q_empty),
    .q_blocked_i     (q_blocked),
    .q_head_slot_i   (q_head_slot),
    .q_push_slot_i   (q_tok_slot),
    .units_idle_i    (units_idle),
    .bus_idle_i      (bus_idle),
    .tok_all_zero_i  (tok_all_zero),
    .tok_overflow_i  (tok_overflow),
    .unit_err_i      (unit_err),
    .unit_err_code_i (unit_err_code),
    .unit_err_slot_i (unit_err_slot),
    .abort_o         (abort),
    .unit_abort_o    (unit_abort),
    .clear_o         (clear)
  );

  // ================================================================ queues + issue
  // Token counters: 0 load->compute, 1 compute->load, 2 compute->store, 3 store->compute.
  // Per queue, token port 0 = prev, 1 = next.
  logic [3:0] tok_nonzero, tok_pop, tok_push;
  logic [4*$clog2(TOKEN_MAX+1)-1:0] unused_tok_count;
  logic [5:0] q_tok_pop, q_tok_push;          // queue q at [2q +: 2]
  logic [5:0] q_tok_avail;
  logic [5:0] eng_valid, eng_ready, eng_done; // queue q, engine e at [2q + e]
  logic [3*128-1:0] eng_insn;
  logic [47:0]      eng_slot;

  assign q_tok_avail = {1'b0, tok_nonzero[2],              // store: next -, prev C2S
                        tok_nonzero[3], tok_nonzero[0],    // compute: next S2C, prev L2C
                        tok_nonzero[1], 1'b0};             // load: next C2L, prev -
  assign tok_pop  = {q_tok_pop[3], q_tok_pop[4], q_tok_pop[1], q_tok_pop[2]};
  assign tok_push = {q_tok_push[4], q_tok_push[3], q_tok_push[2], q_tok_push[1]};

  for (genvar q = 0; q < 3; q++) begin : g_queue
    logic          fifo_valid, fifo_ready;
    logic [QW-1:0] fifo_data;
    logic [$clog2(QUEUE_DEPTH+1)-1:0] unused_count;

    loom_fifo #(
      .WIDTH (QW),
      .DEPTH (QUEUE_DEPTH)
    ) u_fifo (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .clear_i     (clear),
      .in_valid_i  (q_push_valid[q]),
      .in_ready_o  (q_push_ready[q]),
      .in_data_i   ({q_push_slot, q_push_insn}),
      .out_valid_o (fifo_valid),
      .out_ready_i (fifo_ready),
      .out_data_o  (fifo_data),
      .count_o     (unused_count)
    );

    loom_issue #(
      .DEPTH (QUEUE_DEPTH)
    ) u_issue (
      .clk_i         (clk_i),
      .rst_ni        (rst_ni),
      .clear_i       (clear),
      .abort_i       (abort),
      .q_valid_i     (fifo_valid),
      .q_ready_o     (fifo_ready),
      .q_insn_i      (fifo_data[127:0]),
      .q_slot_i      (fifo_data[QW-1:128]),
      .tok_avail_i   (q_tok_avail[2*q +: 2]),
      .tok_pop_o     (q_tok_pop[2*q +: 2]),
      .tok_push_o    (q_tok_push[2*q +: 2]),
      .push_slot_o   (q_tok_slot[16*q +: 16]),
      .eng_valid_o   (eng_valid[2*q +: 2]),
      .eng_ready_i   (eng_ready[2*q +: 2]),
      .eng_insn_o    (eng_insn[128*q +: 128]),
      .eng_slot_o    (eng_slot[16*q +: 16]),
      .eng_done_i    (eng_done[2*q +: 2]),
      .empty_o       (q_empty[q]),
      .stall_token_o (q_stall_token[q]),
      .blocked_o     (q_blocked[q]),
      .head_slot_o   (q_head_slot[16*q +: 16])
    );
  end

  loom_tokens #(
    .TOKEN_MAX (TOKEN_MAX)
  ) u_tokens (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (clear),
    .pop_i      (tok_pop),
    .push_i     (tok_push),
    .nonzero_o  (tok_nonzero),
    .all_zero_o (tok_all_zero),
    .overflow_o (tok_overflow),
    .count_o    (unused_tok_count)
  );

  // ================================================================ memories
  logic                 apad_we, apad_re;
  logic [APAD_AW-1:0]   apad_waddr;
  logic [APAD_AW-2:0]   apad_raddr;
  logic [8*ROWS-1:0]    apad_wdata;
  logic [16*ROWS-1:0]   apad_rdata;
  logic                 wpad_we, wpad_re;
  logic [WPAD_AW-1:0]   wpad_waddr, wpad_raddr;
  logic [8*COLS-1:0]    wpad_wdata, wpad_rdata;
  logic                 acc_mm_re, acc_mm_we, acc_ld_we, acc_st_re, acc_st_gnt, acc_st_rvalid;
  logic [ACC_AW-1:0]    acc_mm_raddr, acc_mm_waddr, acc_ld_waddr, acc_st_raddr;
  logic [32*COLS-1:0]   acc_mm_rdata, acc_mm_wdata, acc_ld_wdata, acc_st_rdata;

  loom_apad #(
    .ROWS       (ROWS),
    .APAD_DEPTH (APAD_DEPTH)
  ) u_apad (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .we_i    (apad_we),
    .waddr_i (apad_waddr),
    .wdata_i (apad_wdata),
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
    .we_i    (wpad_we),
    .waddr_i (wpad_waddr),
    .wdata_i (wpad_wdata),
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
    .mm_re_i     (acc_mm_re),
    .mm_raddr_i  (acc_mm_raddr),
    .mm_rdata_o  (acc_mm_rdata),
    .mm_we_i     (acc_mm_we),
    .mm_waddr_i  (acc_mm_waddr),
    .mm_wdata_i  (acc_mm_wdata),
    .ld_we_i     (acc_ld_we),
    .ld_waddr_i  (acc_ld_waddr),
    .ld_wdata_i  (acc_ld_wdata),
    .st_re_i     (acc_st_re),
    .st_raddr_i  (acc_st_raddr),
    .st_gnt_o    (acc_st_gnt),
    .st_rvalid_o (acc_st_rvalid),
    .st_rdata_o  (acc_st_rdata)
  );

  // ================================================================ load unit (load queue)
  logic                  ld_wr_valid;
  loom_pkg::mem_e        ld_wr_mem;
  logic [15:0]           ld_wr_addr;
  logic [8*LD_BYTES-1:0] ld_wr_data;
  logic                  ld_idle, ld_stall;
  loom_pkg::err_e        ld_err_code;

  loom_load #(
    .ROWS      (ROWS),
    .COLS      (COLS),
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W),
    .OUT_BYTES (LD_BYTES)
  ) u_load (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .insn_valid_i   (eng_valid[2*QL]),
    .insn_ready_o   (eng_ready[2*QL]),
    .insn_i         (eng_insn[128*QL +: 128]),
    .slot_i         (eng_slot[16*QL +: 16]),
    .done_o         (eng_done[2*QL]),
    .idle_o         (ld_idle),
    .abort_i        (unit_abort),
    .dma_base_i     (ADDR_W'(dma_base)),
    .rd_req_valid_o (rc_req_valid[RC_LOAD]),
    .rd_req_ready_i (rc_req_ready[RC_LOAD]),
    .rd_req_addr_o  (rc_req_addr[RC_LOAD*ADDR_W +: ADDR_W]),
    .rd_req_len_o   (rc_req_len[RC_LOAD*8 +: 8]),
    .rd_valid_i     (rc_valid[RC_LOAD]),
    .rd_ready_o     (rc_ready[RC_LOAD]),
    .rd_data_i      (rc_data[RC_LOAD*BUS_W +: BUS_W]),
    .rd_last_i      (rc_last[RC_LOAD]),
    .rd_err_i       (rc_err[RC_LOAD]),
    .wr_valid_o     (ld_wr_valid),
    .wr_mem_o       (ld_wr_mem),
    .wr_addr_o      (ld_wr_addr),
    .wr_data_o      (ld_wr_data),
    .err_o          (unit_err[0]),
    .err_code_o     (ld_err_code),
    .err_slot_o     (unit_err_slot[0 +: 16]),
    .stall_mem_o    (ld_stall)
  );

  assign apad_we    = ld_wr_valid && (ld_wr_mem == loom_pkg::MEM_APAD);
  assign apad_waddr = ld_wr_addr[APAD_AW-1:0];
  assign apad_wdata = ld_wr_data[8*ROWS-1:0];
  assign wpad_we    = ld_wr_valid && (ld_wr_mem == loom_pkg::MEM_WPAD);
  assign wpad_waddr = ld_wr_addr[WPAD_AW-1:0];
  assign wpad_wdata = ld_wr_data[8*COLS-1:0];
  assign unit_err_code[0 +: 8] = 8'(ld_err_code);

  // The load queue has one engine.
  assign eng_ready[2*QL+1] = 1'b0;
  assign eng_done[2*QL+1]  = 1'b0;

  // ================================================================ compute queue
  // Engine 0: ACC load (read client 2); engine 1: MATMUL.
  logic                   al_wr_valid;
  loom_pkg::mem_e         al_wr_mem;
  logic [15:0]            al_wr_addr;
  logic [8*ACC_BYTES-1:0] al_wr_data;
  logic                   al_idle, al_stall, mm_idle;
  loom_pkg::err_e         al_err_code;

  loom_load #(
    .ROWS      (ROWS),
    .COLS      (COLS),
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W),
    .OUT_BYTES (ACC_BYTES)
  ) u_acc_load (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .insn_valid_i   (eng_valid[2*QC]),
    .insn_ready_o   (eng_ready[2*QC]),
    .insn_i         (eng_insn[128*QC +: 128]),
    .slot_i         (eng_slot[16*QC +: 16]),
    .done_o         (eng_done[2*QC]),
    .idle_o         (al_idle),
    .abort_i        (unit_abort),
    .dma_base_i     (ADDR_W'(dma_base)),
    .rd_req_valid_o (rc_req_valid[RC_ACC]),
    .rd_req_ready_i (rc_req_ready[RC_ACC]),
    .rd_req_addr_o  (rc_req_addr[RC_ACC*ADDR_W +: ADDR_W]),
    .rd_req_len_o   (rc_req_len[RC_ACC*8 +: 8]),
    .rd_valid_i     (rc_valid[RC_ACC]),
    .rd_ready_o     (rc_ready[RC_ACC]),
    .rd_data_i      (rc_data[RC_ACC*BUS_W +: BUS_W]),
    .rd_last_i      (rc_last[RC_ACC]),
    .rd_err_i       (rc_err[RC_ACC]),
    .wr_valid_o     (al_wr_valid),
    .wr_mem_o       (al_wr_mem),
    .wr_addr_o      (al_wr_addr),
    .wr_data_o      (al_wr_data),
    .err_o          (unit_err[1]),
    .err_code_o     (al_err_code),
    .err_slot_o     (unit_err_slot[16 +: 16]),
    .stall_mem_o    (al_stall)
  );

  assign acc_ld_we    = al_wr_valid;
  assign acc_ld_waddr = al_wr_addr[ACC_AW-1:0];
  assign acc_ld_wdata = al_wr_data;
  assign unit_err_code[8 +: 8] = 8'(al_err_code);

  loom_matmul #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .APAD_DEPTH (APAD_DEPTH),
    .WPAD_DEPTH (WPAD_DEPTH),
    .ACC_DEPTH  (ACC_DEPTH)
  ) u_matmul (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .insn_valid_i (eng_valid[2*QC+1]),
    .insn_ready_o (eng_ready[2*QC+1]),
    .insn_i       (eng_insn[128*QC +: 128]),
    .slot_i       (eng_slot[16*QC +: 16]),
    .done_o       (eng_done[2*QC+1]),
    .idle_o       (mm_idle),
    .abort_i      (unit_abort),
    .apad_re_o    (apad_re),
    .apad_raddr_o (apad_raddr),
    .apad_rdata_i (apad_rdata),
    .wpad_re_o    (wpad_re),
    .wpad_raddr_o (wpad_raddr),
    .wpad_rdata_i (wpad_rdata),
    .acc_re_o     (acc_mm_re),
    .acc_raddr_o  (acc_mm_raddr),
    .acc_rdata_i  (acc_mm_rdata),
    .acc_we_o     (acc_mm_we),
    .acc_waddr_o  (acc_mm_waddr),
    .acc_wdata_o  (acc_mm_wdata),
    .row_issue_o  (perf_row),
    .row_w4_o     (perf_row_w4)
  );

  // ================================================================ store unit
  logic           st_idle, st_stall;
  loom_pkg::err_e st_err_code;

  loom_store #(
    .ROWS      (ROWS),
    .COLS      (COLS),
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W),
    .ACC_DEPTH (ACC_DEPTH),
    .PP_LANES  (PP_LANES)
  ) u_store (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .insn_valid_i    (eng_valid[2*QS]),
    .insn_ready_o    (eng_ready[2*QS]),
    .insn_i          (eng_insn[128*QS +: 128]),
    .slot_i          (eng_slot[16*QS +: 16]),
    .done_o          (eng_done[2*QS]),
    .idle_o          (st_idle),
    .abort_i         (unit_abort),
    .dma_base_i      (ADDR_W'(dma_base)),
    .st_re_o         (acc_st_re),
    .st_raddr_o      (acc_st_raddr),
    .st_gnt_i        (acc_st_gnt),
    .st_rvalid_i     (acc_st_rvalid),
    .st_rdata_i      (acc_st_rdata),
    .m_axi_awid_o    (m_axi_awid_o),
    .m_axi_awaddr_o  (m_axi_awaddr_o),
    .m_axi_awlen_o   (m_axi_awlen_o),
    .m_axi_awsize_o  (m_axi_awsize_o),
    .m_axi_awburst_o (m_axi_awburst_o),
    .m_axi_awvalid_o (m_axi_awvalid_o),
    .m_axi_awready_i (m_axi_awready_i),
    .m_axi_wdata_o   (m_axi_wdata_o),
    .m_axi_wstrb_o   (m_axi_wstrb_o),
    .m_axi_wlast_o   (m_axi_wlast_o),
    .m_axi_wvalid_o  (m_axi_wvalid_o),
    .m_axi_wready_i  (m_axi_wready_i),
    .m_axi_bid_i     (m_axi_bid_i),
    .m_axi_bresp_i   (m_axi_bresp_i),
    .m_axi_bvalid_i  (m_axi_bvalid_i),
    .m_axi_bready_o  (m_axi_bready_o),
    .err_o           (unit_err[2]),
    .err_code_o      (st_err_code),
    .err_slot_o      (unit_err_slot[32 +: 16]),
    .stall_mem_o     (st_stall)
  );

  assign unit_err_code[16 +: 8] = 8'(st_err_code);

  // The store queue has one engine.
  assign eng_ready[2*QS+1] = 1'b0;
  assign eng_done[2*QS+1]  = 1'b0;

  // ================================================================ status, perf
  assign units_idle = ld_idle && al_idle && mm_idle && st_idle;
  assign bus_idle   = rd_idle;   // writes: the store unit is idle only after its last B

  assign perf_rd_beat     = m_axi_rvalid_i && m_axi_rready_o;
  assign perf_stall_token = q_stall_token[QC];
  assign perf_stall_mem   = ld_stall || al_stall || st_stall;
  assign perf_stall_fetch = st_busy && q_empty[QC];

  always_comb begin
    perf_wr_bytes = '0;
    if (m_axi_wvalid_o && m_axi_wready_i) begin
      for (int unsigned b = 0; b < BUS_BYTES; b++) begin
        perf_wr_bytes = perf_wr_bytes + WB_W'(m_axi_wstrb_o[b]);
      end
    end
  end

  // Deliberately unused: the second engine port of the load and store queues, the
  // high bytes of the shared load write port, the ACC loader's memory field (always ACC),
  // the stall flags of the load and store queues (only compute's is a perf counter), and
  // the token ports towards queues that do not exist (decode rejects those flags).
  logic unused_top;
  assign unused_top = ^{q_tok_pop[0], q_tok_pop[5], q_tok_push[0], q_tok_push[5],
                        eng_valid[2*QL+1], eng_valid[2*QS+1], ld_wr_addr,
                        ld_wr_data, al_wr_mem, al_wr_addr, q_stall_token[QL], q_stall_token[QS],
                        ring_size[31:17], ring_tail[31:16]};

`ifndef SYNTHESIS
  initial begin
    if (ROWS < 4 || ROWS > 32 || COLS < 4 || COLS > 32) $fatal(1, "loom_top: ROWS, COLS must be 4..32");
    if ((BUS_BYTES & (BUS_BYTES - 1)) != 0) $fatal(1, "loom_top: BUS_BYTES must be a power of two");
  end
  // The compute queue never runs its two engines at once (microarch.md, loom_acc).
  a_acc_one_writer: assert property (@(posedge clk_i) disable iff (!rst_ni) !(acc_mm_we && acc_ld_we))
    else $error("loom_top: MATMUL and ACC load write the accumulator in the same cycle");
`endif

endmodule
