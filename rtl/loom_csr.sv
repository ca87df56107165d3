// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite slave with the register map of docs/isa.md "Registers".
//
// Configuration registers (RING_*, DMA_*, IRQ_MASK) live here; engine state (STATUS,
// ERR_*, RING_HEAD, DONE_COUNT) comes from loom_dispatch. IRQ_STATUS is set by event
// pulses and cleared by writing 1 (an event in the same cycle wins). The 64-bit perf
// counters are LO/HI pairs: reading LO returns the low half and latches the high half,
// reading HI returns the latched half. Unknown offsets read 0; writes to them and to
// read-only registers are ignored. Every response is OKAY. Write strobes apply bytewise.
module loom_csr #(
  parameter int unsigned ROWS        = 16,
  parameter int unsigned COLS        = 16,
  parameter int unsigned BUS_BYTES   = 16,
  parameter int unsigned APAD_DEPTH  = 4096,
  parameter int unsigned WPAD_DEPTH  = 4096,
  parameter int unsigned ACC_DEPTH   = 1024,
  parameter int unsigned QUEUE_DEPTH = 8,
  parameter int unsigned PP_LANES    = 4,
  parameter logic [1:0]  MODES       = 2'b11,
  parameter int unsigned TOKEN_MAX   = 255,
  parameter logic [15:0] HW_REV      = 16'h0001,
  localparam int unsigned WB_W       = $clog2(BUS_BYTES + 1)
) (
  input  logic            clk_i,
  input  logic            rst_ni,

  // AXI4-Lite slave
  input  logic [11:0]     s_axil_awaddr_i,
  input  logic            s_axil_awvalid_i,
  output logic            s_axil_awready_o,
  input  logic [31:0]     s_axil_wdata_i,
  input  logic [3:0]      s_axil_wstrb_i,
  input  logic            s_axil_wvalid_i,
  output logic            s_axil_wready_o,
  output logic [1:0]      s_axil_bresp_o,
  output logic            s_axil_bvalid_o,
  input  logic            s_axil_bready_i,
  input  logic [11:0]     s_axil_araddr_i,
  input  logic            s_axil_arvalid_i,
  output logic            s_axil_arready_o,
  output logic [31:0]     s_axil_rdata_o,
  output logic [1:0]      s_axil_rresp_o,
  output logic            s_axil_rvalid_o,
  input  logic            s_axil_rready_i,

  // Configuration
  output logic [31:0]     ring_base_o,
  output logic [31:0]     ring_size_o,
  output logic [31:0]     ring_tail_o,
  output logic [31:0]     dma_base_o,
  output logic [31:0]     dma_limit_o,
  output logic            start_o,          // CTRL.start written (pulse)
  output logic            soft_reset_o,     // CTRL.soft_reset written (pulse)

  // Engine state
  input  logic            busy_i,
  input  logic            error_i,
  input  logic            done_i,
  input  logic            resetting_i,
  input  logic [7:0]      err_code_i,
  input  logic [15:0]     err_index_i,
  input  logic [15:0]     ring_head_i,
  input  logic [31:0]     done_count_i,

  // Interrupts
  input  logic            irq_done_i,
  input  logic            irq_fence_i,
  input  logic            irq_error_i,
  output logic            irq_o,

  // Performance events (one cycle each)
  input  logic            perf_busy_i,
  input  logic            perf_row_i,        // an activation row entered the array
  input  logic            perf_row_w4_i,     // ... and it was a W4A8 row
  input  logic            perf_rd_beat_i,    // a read data beat was accepted
  input  logic [WB_W-1:0] perf_wr_bytes_i,   // bytes written this cycle (strobes set)
  input  logic            perf_stall_token_i,
  input  logic            perf_stall_mem_i,
  input  logic            perf_stall_fetch_i
);

  localparam int unsigned N_PERF = 8;
  localparam logic [63:0] MACS_ROW = 64'(ROWS) * 64'(COLS);

  // ---------------------------------------------------------------- registers
  logic [31:0] ring_base_q, ring_base_d, ring_size_q, ring_size_d, ring_tail_q, ring_tail_d;
  logic [31:0] dma_base_q, dma_base_d, dma_limit_q, dma_limit_d;
  logic [2:0]  irq_mask_q, irq_mask_d, irq_status_q, irq_status_d;
  logic [64*N_PERF-1:0] perf_q, perf_d;        // counter i at [64*i +: 64]
  logic [32*N_PERF-1:0] perf_hi_q, perf_hi_d;   // latched HI of counter i at [32*i +: 32]
  logic        bvalid_q, bvalid_d, rvalid_q, rvalid_d;
  logic [31:0] rdata_q, rdata_d;

  // ---------------------------------------------------------------- write channel
  logic        wr_en;
  logic [9:0]  wr_word;
  logic [31:0] wmask;

  assign wr_en            = s_axil_awvalid_i & s_axil_wvalid_i & ~bvalid_q;
  assign s_axil_awready_o = wr_en;
  assign s_axil_wready_o  = wr_en;
  assign s_axil_bvalid_o  = bvalid_q;
  assign s_axil_bresp_o   = 2'b00;
  assign wr_word          = s_axil_awaddr_i[11:2];

  always_comb begin
    for (int unsigned b = 0; b < 4; b++) begin
      wmask[8*b +: 8] = {8{s_axil_wstrb_i[b]}};
    end
  end

  function automatic logic wr_hit(input logic [9:0] word, input logic [11:0] offset);
    wr_hit = ({word, 2'b00} == offset);
  endfunction

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] wdata,
                                        input logic [31:0] mask);
    merge = (old & ~mask) | (wdata & mask);
  endfunction

  logic        ctrl_wr, perf_clear;
  logic [2:0]  irq_set, irq_clr;

  assign ctrl_wr      = wr_en & wr_hit(wr_word, loom_pkg::CSR_CTRL) & s_axil_wstrb_i[0];
  assign start_o      = ctrl_wr & s_axil_wdata_i[loom_pkg::CTRL_START_LO];
  assign soft_reset_o = ctrl_wr & s_axil_wdata_i[loom_pkg::CTRL_SOFT_RESET_LO];
  assign perf_clear   = wr_en & wr_hit(wr_word, loom_pkg::CSR_PERF_CTRL) & s_axil_wstrb_i[0] &
                        s_axil_wdata_i[loom_pkg::PERF_CTRL_CLEAR_LO];

  always_comb begin
    irq_set = '0;
    irq_set[loom_pkg::IRQ_STATUS_DONE_LO]  = irq_done_i;
    irq_set[loom_pkg::IRQ_STATUS_FENCE_LO] = irq_fence_i;
    irq_set[loom_pkg::IRQ_STATUS_ERROR_LO] = irq_error_i;
    irq_clr = '0;
    if (wr_en && wr_hit(wr_word, loom_pkg::CSR_IRQ_STATUS) && s_axil_wstrb_i[0]) begin
      irq_clr = s_axil_wdata_i[2:0];
    end
  end

  always_comb begin
    ring_base_d  = ring_base_q;
    ring_size_d  = ring_size_q;
    ring_tail_d  = ring_tail_q;
    dma_base_d   = dma_base_q;
    dma_limit_d  = dma_limit_q;
    irq_mask_d   = irq_mask_q;
    bvalid_d     = bvalid_q;
    irq_status_d = (irq_status_q & ~irq_clr) | irq_set;

    if (bvalid_q && s_axil_bready_i) begin
      bvalid_d = 1'b0;
    end
    if (wr_en) begin
      bvalid_d = 1'b1;
      if (wr_hit(wr_word, loom_pkg::CSR_RING_BASE)) begin
        ring_base_d = merge(ring_base_q, s_axil_wdata_i, wmask);
      end
      if (wr_hit(wr_word, loom_pkg::CSR_RING_SIZE)) begin
        ring_size_d = merge(ring_size_q, s_axil_wdata_i, wmask);
      end
      if (wr_hit(wr_word, loom_pkg::CSR_RING_TAIL)) begin
        ring_tail_d = merge(ring_tail_q, s_axil_wdata_i, wmask);
      end
      if (wr_hit(wr_word, loom_pkg::CSR_DMA_BASE)) begin
        dma_base_d = merge(dma_base_q, s_axil_wdata_i, wmask);
      end
      if (wr_hit(wr_word, loom_pkg::CSR_DMA_LIMIT)) begin
        dma_limit_d = merge(dma_limit_q, s_axil_wdata_i, wmask);
      end
      if (wr_hit(wr_word, loom_pkg::CSR_IRQ_MASK) && s_axil_wstrb_i[0]) begin
        irq_mask_d = s_axil_wdata_i[2:0];
      end
    end
  end

  assign irq_o = |(irq_status_q & irq_mask_q);

  // ---------------------------------------------------------------- perf counters
  // Order = offset order: CYCLES, ARRAY_BUSY, MACS, DMA_RD_BYTES, DMA_WR_BYTES,
  // STALL_TOKEN, STALL_MEM, STALL_FETCH.
  logic [64*N_PERF-1:0] perf_inc;
  always_comb begin
    perf_inc[64*0 +: 64] = 64'(perf_busy_i);
    perf_inc[64*1 +: 64] = 64'(perf_row_i);
    perf_inc[64*2 +: 64] = !perf_row_i ? 64'd0 : (perf_row_w4_i ? (MACS_ROW << 1) : MACS_ROW);
    perf_inc[64*3 +: 64] = perf_rd_beat_i ? 64'(BUS_BYTES) : 64'd0;
    perf_inc[64*4 +: 64] = 64'(perf_wr_bytes_i);
    perf_inc[64*5 +: 64] = 64'(perf_stall_token_i);
    perf_inc[64*6 +: 64] = 64'(perf_stall_mem_i);
    perf_inc[64*7 +: 64] = 64'(perf_stall_fetch_i);
  end

  // ---------------------------------------------------------------- read channel
  logic        rd_en;
  logic [9:0]  rd_word;
  logic        rd_perf;
  logic [2:0]  rd_perf_idx;
  logic        rd_perf_hi;
  logic [11:0] rd_addr;

  assign rd_en            = s_axil_arvalid_i & ~rvalid_q;
  assign s_axil_arready_o = rd_en;
  assign s_axil_rvalid_o  = rvalid_q;
  assign s_axil_rdata_o   = rdata_q;
  assign s_axil_rresp_o   = 2'b00;
  assign rd_addr          = {s_axil_araddr_i[11:2], 2'b00};
  assign rd_word          = s_axil_araddr_i[11:2];
  assign rd_perf          = (rd_addr >= loom_pkg::CSR_PERF_CYCLES_LO) &&
                            (rd_addr <= loom_pkg::CSR_PERF_STALL_FETCH_HI);
  assign rd_perf_idx      = 3'((rd_addr - loom_pkg::CSR_PERF_CYCLES_LO) >> 3);
  assign rd_perf_hi       = rd_addr[2];

  always_comb begin
    rdata_d  = rdata_q;
    rvalid_d = rvalid_q;
    if (rvalid_q && s_axil_rready_i) begin
      rvalid_d = 1'b0;
    end
    if (rd_en) begin
      rvalid_d = 1'b1;
      rdata_d  = '0;
      if (rd_perf) begin
        rdata_d = rd_perf_hi ? perf_hi_q[32*rd_perf_idx +: 32] : perf_q[64*rd_perf_idx +: 32];
      end else begin
        unique case ({rd_word, 2'b00})
          loom_pkg::CSR_ID:         rdata_d = loom_pkg::ID_MAGIC;
          loom_pkg::CSR_VERSION:    rdata_d = {HW_REV, 8'(loom_pkg::ISA_VERSION_MAJOR),
                                               8'(loom_pkg::ISA_VERSION_MINOR)};
          loom_pkg::CSR_CAP0:       rdata_d = {8'(MODES), 8'(BUS_BYTES), 8'(COLS), 8'(ROWS)};
          loom_pkg::CSR_CAP_APAD:   rdata_d = 32'(APAD_DEPTH);
          loom_pkg::CSR_CAP_WPAD:   rdata_d = 32'(WPAD_DEPTH);
          loom_pkg::CSR_CAP_ACC:    rdata_d = 32'(ACC_DEPTH);
          loom_pkg::CSR_CAP1:       rdata_d = {8'd0, 8'(PP_LANES), 8'(TOKEN_MAX), 8'(QUEUE_DEPTH)};
          loom_pkg::CSR_STATUS:     rdata_d = {28'd0, resetting_i, done_i, error_i, busy_i};
          loom_pkg::CSR_ERR_CODE:   rdata_d = 32'(err_code_i);
          loom_pkg::CSR_ERR_INDEX:  rdata_d = 32'(err_index_i);
          loom_pkg::CSR_RING_BASE:  rdata_d = ring_base_q;
          loom_pkg::CSR_RING_SIZE:  rdata_d = ring_size_q;
          loom_pkg::CSR_RING_HEAD:  rdata_d = 32'(ring_head_i);
          loom_pkg::CSR_RING_TAIL:  rdata_d = ring_tail_q;
          loom_pkg::CSR_IRQ_STATUS: rdata_d = 32'(irq_status_q);
          loom_pkg::CSR_IRQ_MASK:   rdata_d = 32'(irq_mask_q);
          loom_pkg::CSR_DMA_BASE:   rdata_d = dma_base_q;
          loom_pkg::CSR_DMA_LIMIT:  rdata_d = dma_limit_q;
          loom_pkg::CSR_DONE_COUNT: rdata_d = done_count_i;
          default:                  rdata_d = '0;
        endcase
      end
    end
  end

  always_comb begin
    for (int unsigned i = 0; i < N_PERF; i++) begin
      perf_d[64*i +: 64]    = perf_q[64*i +: 64] + perf_inc[64*i +: 64];
      perf_hi_d[32*i +: 32] = perf_hi_q[32*i +: 32];
      if (rd_en && rd_perf && !rd_perf_hi && rd_perf_idx == 3'(i)) begin
        perf_hi_d[32*i +: 32] = perf_q[64*i + 32 +: 32];
      end
      if (perf_clear) begin
        perf_d[64*i +: 64]    = '0;
        perf_hi_d[32*i +: 32] = '0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ring_base_q  <= '0;
      ring_size_q  <= '0;
      ring_tail_q  <= '0;
      dma_base_q   <= '0;
      dma_limit_q  <= '0;
      irq_mask_q   <= '0;
      irq_status_q <= '0;
      perf_q       <= '0;
      perf_hi_q    <= '0;
      bvalid_q     <= 1'b0;
      rvalid_q     <= 1'b0;
      rdata_q      <= '0;
    end else begin
      ring_base_q  <= ring_base_d;
      ring_size_q  <= ring_size_d;
      ring_tail_q  <= ring_tail_d;
      dma_base_q   <= dma_base_d;
      dma_limit_q  <= dma_limit_d;
      irq_mask_q   <= irq_mask_d;
      irq_status_q <= irq_status_d;
      perf_q       <= perf_d;
      perf_hi_q    <= perf_hi_d;
      bvalid_q     <= bvalid_d;
      rvalid_q     <= rvalid_d;
      rdata_q      <= rdata_d;
    end
  end

  // Registers are word addressed; the byte lane bits of the addresses are ignored.
  logic unused_addr;
  assign unused_addr = ^{s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0]};

  assign ring_base_o = ring_base_q;
  assign ring_size_o = ring_size_q;
  assign ring_tail_o = ring_tail_q;
  assign dma_base_o  = dma_base_q;
  assign dma_limit_o = dma_limit_q;

`ifndef SYNTHESIS
  assert property (@(posedge clk_i) disable iff (!rst_ni)
                   s_axil_bvalid_o && !s_axil_bready_i |=> s_axil_bvalid_o)
    else $error("loom_csr: BVALID dropped without handshake");
  assert property (@(posedge clk_i) disable iff (!rst_ni)
                   s_axil_rvalid_o && !s_axil_rready_i |=> s_axil_rvalid_o && $stable(s_axil_rdata_o))
    else $error("loom_csr: R channel changed without handshake");
`endif

endmodule
