// SPDX-License-Identifier: Apache-2.0
// A stand-in for loom_top with the same parameters and ports, used to test the
// simulation harness in sim/verilator on its own: a few CSRs at loom_top's offsets
// and a DMA copy engine that exercises the AXI4 memory model.
//
// CSRs (byte offsets): 0x000 ID, 0x004 VERSION, 0x008 CAP0, 0x00C CAP_APAD,
// 0x010 CAP_WPAD, 0x014 CAP_ACC, 0x018 CAP1, 0x020 CTRL (bit 0 start a copy,
// bit 1 clear error/done), 0x024 STATUS (busy, error, done), 0x028 ERR_CODE
// (11 = BUS_ERROR), 0x040 IRQ_STATUS (w1c), 0x044 IRQ_MASK, 0x050 DONE_COUNT,
// 0x100 SRC, 0x104 DST, 0x108 LEN (bytes, multiple of BUS_BYTES; SRC and DST
// aligned to BUS_BYTES), 0x10C WSTRB_MASK (ANDed into every write strobe),
// 0x110 SCRATCH, 0x114 LAST_RESP ({BRESP, RRESP} of the first failing beat),
// 0x118 BREAK (protocol faults on purpose, to test the harness's checker:
// bit 0 lets bursts cross 4 KiB, bit 1 never raises WLAST).
// Offsets at or above 0x200 answer SLVERR.
//
// The copy moves chunks of up to 64 beats: it issues up to 4 read bursts
// (ARID 0..3 in turn, up to 16 beats, never across 4 KiB) while it collects the
// data, then writes the chunk back with as many write bursts, AW running ahead of W.
module axi_stub #(
  parameter int unsigned ROWS = 16, COLS = 16, BUS_BYTES = 16, ADDR_W = 32,
  parameter int unsigned APAD_DEPTH = 4096, WPAD_DEPTH = 4096, ACC_DEPTH = 1024,
  parameter int unsigned QUEUE_DEPTH = 8, PP_LANES = 4,
  parameter logic [1:0] MODES = 2'b11
) (
  input  logic clk_i, rst_ni,
  input  logic [11:0] s_axil_awaddr_i,  input logic s_axil_awvalid_i, output logic s_axil_awready_o,
  input  logic [31:0] s_axil_wdata_i,   input logic [3:0] s_axil_wstrb_i,
  input  logic s_axil_wvalid_i,         output logic s_axil_wready_o,
  output logic [1:0] s_axil_bresp_o,    output logic s_axil_bvalid_o, input logic s_axil_bready_i,
  input  logic [11:0] s_axil_araddr_i,  input logic s_axil_arvalid_i, output logic s_axil_arready_o,
  output logic [31:0] s_axil_rdata_o,   output logic [1:0] s_axil_rresp_o,
  output logic s_axil_rvalid_o,         input logic s_axil_rready_i,
  output logic [3:0] m_axi_arid_o, output logic [ADDR_W-1:0] m_axi_araddr_o,
  output logic [7:0] m_axi_arlen_o, output logic [2:0] m_axi_arsize_o, output logic [1:0] m_axi_arburst_o,
  output logic m_axi_arvalid_o, input logic m_axi_arready_i,
  input  logic [3:0] m_axi_rid_i, input logic [8*BUS_BYTES-1:0] m_axi_rdata_i,
  input  logic [1:0] m_axi_rresp_i, input logic m_axi_rlast_i,
  input  logic m_axi_rvalid_i, output logic m_axi_rready_o,
  output logic [3:0] m_axi_awid_o, output logic [ADDR_W-1:0] m_axi_awaddr_o,
  output logic [7:0] m_axi_awlen_o, output logic [2:0] m_axi_awsize_o, output logic [1:0] m_axi_awburst_o,
  output logic m_axi_awvalid_o, input logic m_axi_awready_i,
  output logic [8*BUS_BYTES-1:0] m_axi_wdata_o, output logic [BUS_BYTES-1:0] m_axi_wstrb_o,
  output logic m_axi_wlast_o, output logic m_axi_wvalid_o, input logic m_axi_wready_i,
  input  logic [3:0] m_axi_bid_i, input logic [1:0] m_axi_bresp_i,
  input  logic m_axi_bvalid_i, output logic m_axi_bready_o,
  output logic irq_o
);
  localparam int unsigned CHUNK = 64;               // beats per chunk
  localparam int unsigned BSH = $clog2(BUS_BYTES);  // log2 bytes per beat

  typedef enum logic [1:0] {S_IDLE, S_READ, S_WRITE} state_e;

  // Beats of the next burst at addr (aligned) with left beats still to go.
  function automatic logic [7:0] burst_beats(logic [11:0] addr, logic [15:0] left, logic no_split);
    logic [15:0] to4k;
    logic [15:0] n;
    to4k = (16'd4096 - {4'd0, addr}) >> BSH;
    n = left < 16 ? left : 16;
    n = to4k < n && !no_split ? to4k : n;
    return n[7:0];
  endfunction

  // ---------------------------------------------------------------- CSRs
  logic [31:0] src_q, dst_q, len_q, scratch_q, done_count_q;
  logic [BUS_BYTES-1:0] wstrb_mask_q;
  logic [2:0] irq_status_q, irq_mask_q;
  logic busy_q, error_q, done_q;
  logic [3:0] last_resp_q;
  logic [1:0] break_q;
  logic bvalid_q, rvalid_q;
  logic [1:0] bresp_q, rresp_q;
  logic [31:0] rdata_q;

  logic wr_en, rd_en, start;
  assign wr_en = s_axil_awvalid_i && s_axil_wvalid_i && !bvalid_q;
  assign rd_en = s_axil_arvalid_i && !rvalid_q;
  assign s_axil_awready_o = wr_en;
  assign s_axil_wready_o  = wr_en;
  assign s_axil_arready_o = rd_en;
  assign s_axil_bvalid_o  = bvalid_q;
  assign s_axil_bresp_o   = bresp_q;
  assign s_axil_rvalid_o  = rvalid_q;
  assign s_axil_rresp_o   = rresp_q;
  assign s_axil_rdata_o   = rdata_q;
  assign start = wr_en && s_axil_awaddr_i == 12'h020 && s_axil_wdata_i[0] && !busy_q;

  logic [31:0] rd_val;
  always_comb begin
    rd_val = 32'd0;
    unique case (s_axil_araddr_i)
      12'h000: rd_val = 32'h4C4F4F4D;
      12'h004: rd_val = 32'h0000_0100;
      12'h008: rd_val = {6'd0, MODES, 8'(BUS_BYTES), 8'(COLS), 8'(ROWS)};
      12'h00C: rd_val = APAD_DEPTH;
      12'h010: rd_val = WPAD_DEPTH;
      12'h014: rd_val = ACC_DEPTH;
      12'h018: rd_val = {8'd0, 8'(PP_LANES), 8'd255, 8'(QUEUE_DEPTH)};
      12'h024: rd_val = {29'd0, done_q, error_q, busy_q};
      12'h028: rd_val = error_q ? 32'd11 : 32'd0;
      12'h040: rd_val = {29'd0, irq_status_q};
      12'h044: rd_val = {29'd0, irq_mask_q};
      12'h050: rd_val = done_count_q;
      12'h100: rd_val = src_q;
      12'h104: rd_val = dst_q;
      12'h108: rd_val = len_q;
      12'h10C: rd_val = 32'(wstrb_mask_q);
      12'h110: rd_val = scratch_q;
      12'h114: rd_val = {28'd0, last_resp_q};
      12'h118: rd_val = {30'd0, break_q};
      default: rd_val = 32'd0;
    endcase
  end

  // ---------------------------------------------------------------- copy engine
  state_e state_q;
  logic [ADDR_W-1:0] rd_addr_q, wr_addr_q, aw_addr_q;
  logic [31:0] left_q;                       // bytes not yet copied (chunk excluded)
  logic [15:0] chunk_q;                      // beats in the current chunk
  logic [15:0] ar_left_q, r_cnt_q, aw_left_q, w_cnt_q, w_in_burst_q;
  logic [7:0] w_burst_q;                     // beats of the current W burst
  logic [1:0] arid_q;
  logic [8*BUS_BYTES-1:0] buf_q [CHUNK];
  logic [2:0] bursts_q;                      // write bursts not yet answered

  logic [7:0] ar_beats, aw_beats;
  assign ar_beats = burst_beats(rd_addr_q[11:0], ar_left_q, break_q[0]);
  assign aw_beats = burst_beats(aw_addr_q[11:0], aw_left_q, break_q[0]);

  assign m_axi_arvalid_o = state_q == S_READ && ar_left_q != 0;
  assign m_axi_arid_o    = {2'd0, arid_q};
  assign m_axi_araddr_o  = rd_addr_q;
  assign m_axi_arlen_o   = ar_beats - 8'd1;
  assign m_axi_arsize_o  = 3'(BSH);
  assign m_axi_arburst_o = 2'b01;
  assign m_axi_rready_o  = state_q == S_READ;

  assign m_axi_awvalid_o = state_q == S_WRITE && aw_left_q != 0;
  assign m_axi_awid_o    = 4'd0;
  assign m_axi_awaddr_o  = aw_addr_q;
  assign m_axi_awlen_o   = aw_beats - 8'd1;
  assign m_axi_awsize_o  = 3'(BSH);
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_wvalid_o  = state_q == S_WRITE && w_cnt_q != chunk_q;
  assign m_axi_wdata_o   = buf_q[w_cnt_q[5:0]];
  assign m_axi_wstrb_o   = wstrb_mask_q;
  assign m_axi_wlast_o   = w_in_burst_q + 16'd1 == {8'd0, w_burst_q} && !break_q[1];
  assign m_axi_bready_o  = 1'b1;

  logic ar_fire, r_fire, aw_fire, w_fire, b_fire;
  assign ar_fire = m_axi_arvalid_o && m_axi_arready_i;
  assign r_fire  = m_axi_rvalid_i && m_axi_rready_o;
  assign aw_fire = m_axi_awvalid_o && m_axi_awready_i;
  assign w_fire  = m_axi_wvalid_o && m_axi_wready_i;
  assign b_fire  = m_axi_bvalid_i && m_axi_bready_o;

  assign irq_o = |(irq_status_q & irq_mask_q);

  logic [15:0] next_chunk;
  assign next_chunk = left_q >= CHUNK * BUS_BYTES ? 16'(CHUNK) : 16'(left_q >> BSH);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      src_q <= '0; dst_q <= '0; len_q <= '0; scratch_q <= '0; done_count_q <= '0;
      wstrb_mask_q <= '1; irq_status_q <= '0; irq_mask_q <= '0; break_q <= '0;
      busy_q <= 1'b0; error_q <= 1'b0; done_q <= 1'b0; last_resp_q <= '0;
      bvalid_q <= 1'b0; rvalid_q <= 1'b0; bresp_q <= '0; rresp_q <= '0; rdata_q <= '0;
      state_q <= S_IDLE; rd_addr_q <= '0; wr_addr_q <= '0; aw_addr_q <= '0; left_q <= '0;
      chunk_q <= '0; ar_left_q <= '0; r_cnt_q <= '0; aw_left_q <= '0; w_cnt_q <= '0;
      w_in_burst_q <= '0; w_burst_q <= '0; arid_q <= '0; bursts_q <= '0;
    end else begin
      // CSR slave
      if (wr_en) begin
        bvalid_q <= 1'b1;
        bresp_q <= s_axil_awaddr_i >= 12'h200 ? 2'b10 : 2'b00;
        unique case (s_axil_awaddr_i)
          12'h020: if (s_axil_wdata_i[1]) begin error_q <= 1'b0; done_q <= 1'b0; end
          12'h040: irq_status_q <= irq_status_q & ~s_axil_wdata_i[2:0];
          12'h044: irq_mask_q <= s_axil_wdata_i[2:0];
          12'h100: src_q <= s_axil_wdata_i;
          12'h104: dst_q <= s_axil_wdata_i;
          12'h108: len_q <= s_axil_wdata_i;
          12'h10C: wstrb_mask_q <= BUS_BYTES'(s_axil_wdata_i);
          12'h110: scratch_q <= s_axil_wdata_i;
          12'h118: break_q <= s_axil_wdata_i[1:0];
          default: ;
        endcase
      end else if (bvalid_q && s_axil_bready_i) begin
        bvalid_q <= 1'b0;
      end
      if (rd_en) begin
        rvalid_q <= 1'b1;
        rresp_q <= s_axil_araddr_i >= 12'h200 ? 2'b10 : 2'b00;
        rdata_q <= rd_val;
      end else if (rvalid_q && s_axil_rready_i) begin
        rvalid_q <= 1'b0;
      end

      // copy engine
      unique case (state_q)
        S_IDLE: if (start) begin
          busy_q <= 1'b1; done_q <= 1'b0; error_q <= 1'b0;
          rd_addr_q <= src_q; wr_addr_q <= dst_q; aw_addr_q <= dst_q; left_q <= len_q;
          state_q <= S_WRITE;   // an empty chunk: S_WRITE starts the next one
          chunk_q <= '0; w_cnt_q <= '0; aw_left_q <= '0; bursts_q <= '0;
        end
        S_READ: begin
          if (ar_fire) begin
            rd_addr_q <= rd_addr_q + (ADDR_W'(ar_beats) << BSH);
            ar_left_q <= ar_left_q - {8'd0, ar_beats};
            arid_q <= arid_q + 2'd1;
          end
          if (r_fire) begin
            buf_q[r_cnt_q[5:0]] <= m_axi_rdata_i;
            r_cnt_q <= r_cnt_q + 16'd1;
            if (m_axi_rresp_i != 2'b00 && !error_q) begin
              error_q <= 1'b1; last_resp_q <= {2'b00, m_axi_rresp_i};
            end
            if (r_cnt_q + 16'd1 == chunk_q) begin
              state_q <= S_WRITE;
              aw_left_q <= chunk_q; w_cnt_q <= '0; w_in_burst_q <= '0;
              w_burst_q <= burst_beats(wr_addr_q[11:0], chunk_q, break_q[0]);
            end
          end
        end
        S_WRITE: begin
          if (aw_fire) begin
            aw_addr_q <= aw_addr_q + (ADDR_W'(aw_beats) << BSH);
            aw_left_q <= aw_left_q - {8'd0, aw_beats};
          end
          if (w_fire) begin
            w_cnt_q <= w_cnt_q + 16'd1;
            wr_addr_q <= wr_addr_q + ADDR_W'(BUS_BYTES);
            if (w_in_burst_q + 16'd1 == {8'd0, w_burst_q}) begin
              w_in_burst_q <= '0;
              w_burst_q <= burst_beats(wr_addr_q[11:0] + 12'(BUS_BYTES), chunk_q - w_cnt_q - 16'd1, break_q[0]);
            end else begin
              w_in_burst_q <= w_in_burst_q + 16'd1;
            end
          end
          bursts_q <= bursts_q + {2'd0, aw_fire} - {2'd0, b_fire};
          if (b_fire && m_axi_bresp_i != 2'b00 && !error_q) begin
            error_q <= 1'b1; last_resp_q <= {m_axi_bresp_i, 2'b00};
          end
          if (aw_left_q == 0 && w_cnt_q == chunk_q && bursts_q == {2'd0, b_fire}
              && !(aw_fire || w_fire)) begin
            if (left_q == 0 || error_q) begin
              state_q <= S_IDLE; busy_q <= 1'b0; done_q <= 1'b1;
              done_count_q <= done_count_q + 32'd1;
              irq_status_q <= irq_status_q | {error_q, 1'b0, 1'b1};
            end else begin
              state_q <= S_READ;
              chunk_q <= next_chunk; ar_left_q <= next_chunk; r_cnt_q <= '0;
              left_q <= left_q - (32'(next_chunk) << BSH);
            end
          end
        end
        default: state_q <= S_IDLE;
      endcase
    end
  end

  logic unused_ok;
  assign unused_ok = ^{m_axi_rid_i, m_axi_rlast_i, m_axi_bid_i, s_axil_wstrb_i,
                       s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0]};
endmodule
