// SPDX-License-Identifier: Apache-2.0
// Ring fetcher on read client 0 (docs/microarch.md "Read client").
//
// Reads 16-byte instructions from RING_BASE + 16*ptr while ptr != RING_TAIL and run_i,
// in bursts of up to BURST instructions (never across the ring end or a 4 KiB
// boundary), several bursts in flight, into a DEPTH-entry prefetch buffer. A burst is
// only requested when the buffer has room for all of it (credits), so the shared read
// data channel is never held up by the fetcher for long.
//
// Each instruction comes out with its ring slot and an error flag (RRESP != OKAY on any
// of its beats); the dispatcher turns that flag into BUS_ERROR when the instruction is
// reached in program order. flush_i drops the buffer and every read still in flight
// (their data is accepted and discarded); idle_o says no read is in flight.
//
// Any power-of-two BUS_BYTES: at 16 bytes or more a beat holds BUS_BYTES/16
// instructions (lanes), below 16 an instruction is assembled from 16/BUS_BYTES beats.
module loom_fetch #(
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned DEPTH     = 16,   // prefetch buffer, instructions
  parameter int unsigned BURST     = 8,    // instructions per read burst, at most
  parameter int unsigned BURSTS    = 4,    // read bursts in flight, at most
  localparam int unsigned BUS_W    = 8 * BUS_BYTES
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              run_i,
  input  logic              start_i,
  input  logic [15:0]       head_i,
  input  logic              flush_i,
  output logic              idle_o,

  input  logic [31:0]       ring_base_i,
  input  logic [16:0]       ring_size_i,
  input  logic [15:0]       ring_tail_i,

  // Read client
  output logic              rd_req_valid_o,
  input  logic              rd_req_ready_i,
  output logic [ADDR_W-1:0] rd_req_addr_o,
  output logic [7:0]        rd_req_len_o,
  input  logic              rd_valid_i,
  output logic              rd_ready_o,
  input  logic [BUS_W-1:0]  rd_data_i,
  input  logic              rd_last_i,
  input  logic              rd_err_i,

  // Fetched instructions, in ring order
  output logic              insn_valid_o,
  input  logic              insn_ready_i,
  output logic [127:0]      insn_o,
  output logic [15:0]       slot_o,
  output logic              err_o
);

  localparam int unsigned LANES  = (BUS_BYTES >= 16) ? BUS_BYTES / 16 : 1;
  localparam int unsigned LANE_W = (LANES > 1) ? $clog2(LANES) : 1;
  localparam int unsigned BPI    = (BUS_BYTES >= 16) ? 1 : 16 / BUS_BYTES;  // beats/insn
  localparam int unsigned OFF_W  = $clog2(BUS_BYTES);
  localparam int unsigned CNT_W  = $clog2(DEPTH + 1);
  localparam int unsigned N_W    = $clog2(BURST + 1);
  localparam int unsigned DESC_W = 16 + N_W + LANE_W;
  localparam int unsigned BUF_W  = 1 + 16 + 128;

  // ---------------------------------------------------------------- request side
  logic [15:0]       ptr_q, ptr_d;
  logic              drop_q, drop_d;
  logic              req_valid_q, req_valid_d;
  logic [ADDR_W-1:0] req_addr_q, req_addr_d;
  logic [7:0]        req_len_q, req_len_d;
  logic [CNT_W-1:0]  inflight_q, inflight_d;

  logic [31:0]       cur_addr;
  logic [16:0]       n_avail, n_4k, n_lim;
  logic [N_W-1:0]    n_req;
  logic [CNT_W:0]    used;
  logic              want, create;
  logic [LANE_W-1:0] lane0;
  logic [15:0]       beats;
  logic [16:0]       ptr_next;

  logic              desc_in_ready, desc_valid, desc_pop;
  logic [DESC_W-1:0] desc_in, desc_out;
  logic [15:0]       d_slot;
  logic [N_W-1:0]    d_n;
  logic [LANE_W-1:0] d_lane0;
  logic [$clog2(BURSTS+1)-1:0] unused_desc_count;

  logic              buf_in_valid, buf_in_ready;
  logic [BUF_W-1:0]  buf_in, buf_out;
  logic [CNT_W-1:0]  buf_count;

  logic              adv;          // one instruction leaves the response side

  assign cur_addr = ring_base_i + {12'd0, ptr_q, 4'd0};

  always_comb begin
    // Contiguous slots to request: up to the tail, or up to the ring end when wrapped.
    n_avail = (ring_tail_i > ptr_q) ? (17'(ring_tail_i) - 17'(ptr_q)) : (ring_size_i - 17'(ptr_q));
    n_4k    = 17'd256 - 17'(cur_addr[11:4]);
    n_lim   = (n_avail < n_4k) ? n_avail : n_4k;
    n_req   = (n_lim < 17'(BURST)) ? N_W'(n_lim) : N_W'(BURST);
    used    = (CNT_W+1)'(buf_count) + (CNT_W+1)'(inflight_q) + (CNT_W+1)'(n_req);
    want    = run_i && !drop_q && !flush_i && (ptr_q != ring_tail_i) && !req_valid_q;
    create  = want && desc_in_ready && (used <= (CNT_W+1)'(DEPTH));
  end

  if (LANES > 1) begin : g_lane0
    assign lane0 = cur_addr[OFF_W-1:4];
  end else begin : g_no_lane0
    assign lane0 = 1'b0;
  end

  // Beats of the burst: lanes cover instructions lane0 .. lane0+n-1.
  assign beats = (BPI > 1) ? 16'(n_req) * 16'(BPI)
                           : 16'((32'(lane0) + 32'(n_req) + LANES - 1) / LANES);

  assign ptr_next = 17'(ptr_q) + 17'(n_req);

  always_comb begin
    ptr_d       = ptr_q;
    drop_d      = drop_q;
    req_valid_d = req_valid_q;
    req_addr_d  = req_addr_q;
    req_len_d   = req_len_q;
    inflight_d  = inflight_q;

    if (req_valid_q && rd_req_ready_i) begin
      req_valid_d = 1'b0;
    end
    if (create) begin
      req_valid_d = 1'b1;
      req_addr_d  = ADDR_W'({cur_addr[31:OFF_W], {OFF_W{1'b0}}});
      req_len_d   = 8'(beats - 16'd1);
      ptr_d       = (ptr_next == ring_size_i) ? 16'd0 : ptr_next[15:0];
    end
    inflight_d = inflight_q + (create ? CNT_W'(n_req) : '0) - (adv ? CNT_W'(1) : '0);

    if (start_i) begin
      ptr_d = head_i;
    end
    if (flush_i) begin
      drop_d = 1'b1;
    end else if (drop_q && inflight_q == '0) begin
      drop_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ptr_q       <= '0;
      drop_q      <= 1'b0;
      req_valid_q <= 1'b0;
      req_addr_q  <= '0;
      req_len_q   <= '0;
      inflight_q  <= '0;
    end else begin
      ptr_q       <= ptr_d;
      drop_q      <= drop_d;
      req_valid_q <= req_valid_d;
      req_addr_q  <= req_addr_d;
      req_len_q   <= req_len_d;
      inflight_q  <= inflight_d;
    end
  end

  assign rd_req_valid_o = req_valid_q;
  assign rd_req_addr_o  = req_addr_q;
  assign rd_req_len_o   = req_len_q;
  assign idle_o         = (inflight_q == '0);

  // Burst descriptors, in request order (= response order).
  assign desc_in = {ptr_q, n_req, lane0};

  loom_fifo #(
    .WIDTH (DESC_W),
    .DEPTH (BURSTS)
  ) u_desc_fifo (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (1'b0),
    .in_valid_i  (create),
    .in_ready_o  (desc_in_ready),
    .in_data_i   (desc_in),
    .out_valid_o (desc_valid),
    .out_ready_i (desc_pop),
    .out_data_o  (desc_out),
    .count_o     (unused_desc_count)
  );

  assign {d_slot, d_n, d_lane0} = desc_out;

  // ---------------------------------------------------------------- response side
  logic [N_W-1:0] idx_q, idx_d;
  logic           last_in_burst;
  logic           w_valid, w_err;
  logic [127:0]   w_insn;

  assign last_in_burst = (N_W'(idx_q + N_W'(1)) == d_n);
  assign adv           = w_valid & (drop_q | buf_in_ready);
  assign desc_pop      = adv & last_in_burst;

  always_comb begin
    idx_d = idx_q;
    if (adv) begin
      idx_d = last_in_burst ? '0 : idx_q + N_W'(1);
    end
  end

  if (LANES > 1 || BPI == 1) begin : g_lanes
    // One beat holds LANES instructions; the beat is accepted with its last one used.
    logic [LANE_W-1:0] lane_q, lane_d, lane_eff;
    logic              last_in_beat;

    assign lane_eff     = (idx_q == '0) ? d_lane0 : lane_q;
    assign last_in_beat = (32'(lane_eff) == LANES - 1) | last_in_burst;
    assign w_valid      = rd_valid_i & desc_valid;
    assign w_insn       = rd_data_i[128*lane_eff +: 128];
    assign w_err        = rd_err_i;
    assign rd_ready_o   = adv & last_in_beat;

    always_comb begin
      lane_d = lane_q;
      if (adv) begin
        lane_d = (32'(lane_eff) == LANES - 1) ? '0 : lane_eff + LANE_W'(1);
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        lane_q <= '0;
      end else begin
        lane_q <= lane_d;
      end
    end
  end else begin : g_assemble
    // BPI beats make one instruction, first beat in the low bytes.
    localparam int unsigned ASM_W = 128 - BUS_W;
    localparam int unsigned BEAT_W = $clog2(BPI);
    logic [ASM_W-1:0]  asm_q, asm_d;
    logic [BEAT_W-1:0] beat_q, beat_d;
    logic              err_q, err_d;
    logic              last_beat, beat_in;
    logic [127:0]      joined;

    assign last_beat  = (32'(beat_q) == BPI - 1);
    assign beat_in    = rd_valid_i & desc_valid;
    assign joined     = {rd_data_i, asm_q};
    assign w_valid    = beat_in & last_beat;
    assign w_insn     = joined;
    assign w_err      = err_q | rd_err_i;
    assign rd_ready_o = (beat_in & ~last_beat) | adv;

    always_comb begin
      asm_d  = asm_q;
      beat_d = beat_q;
      err_d  = err_q;
      if (beat_in && !last_beat) begin
        asm_d  = joined[127 -: ASM_W];
        beat_d = beat_q + BEAT_W'(1);
        err_d  = err_q | rd_err_i;
      end else if (adv) begin
        beat_d = '0;
        err_d  = 1'b0;
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        asm_q  <= '0;
        beat_q <= '0;
        err_q  <= 1'b0;
      end else begin
        asm_q  <= asm_d;
        beat_q <= beat_d;
        err_q  <= err_d;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      idx_q <= '0;
    end else begin
      idx_q <= idx_d;
    end
  end

  // ---------------------------------------------------------------- prefetch buffer
  assign buf_in_valid = w_valid & ~drop_q;
  assign buf_in       = {w_err, d_slot + 16'(idx_q), w_insn};

  loom_fifo #(
    .WIDTH (BUF_W),
    .DEPTH (DEPTH)
  ) u_buf (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (flush_i),
    .in_valid_i  (buf_in_valid),
    .in_ready_o  (buf_in_ready),
    .in_data_i   (buf_in),
    .out_valid_o (insn_valid_o),
    .out_ready_i (insn_ready_i),
    .out_data_o  (buf_out),
    .count_o     (buf_count)
  );

  assign {err_o, slot_o, insn_o} = buf_out;

  // RLAST is implied by the burst length; the ring base is 16-byte aligned (checked at
  // start) so the low address bits are zero; lanes do not exist below 16-byte beats.
  logic unused_bits;
  assign unused_bits = ^{rd_last_i, cur_addr[3:0], d_lane0};

`ifndef SYNTHESIS
  initial begin
    if ((BUS_BYTES & (BUS_BYTES - 1)) != 0) $fatal(1, "loom_fetch: BUS_BYTES must be a power of two");
    if (BURST < 1 || BURST > DEPTH) $fatal(1, "loom_fetch: need 1 <= BURST <= DEPTH");
  end
  assert property (@(posedge clk_i) disable iff (!rst_ni) rd_valid_i |-> desc_valid)
    else $error("loom_fetch: read data with no request outstanding");
  assert property (@(posedge clk_i) disable iff (!rst_ni)
                   rd_valid_i && rd_ready_o |-> rd_last_i == (adv && last_in_burst))
    else $error("loom_fetch: RLAST does not match the burst length");
  assert property (@(posedge clk_i) disable iff (!rst_ni) w_valid && !drop_q |-> buf_in_ready)
    else $error("loom_fetch: prefetch buffer overrun (credit bug)");
`endif

endmodule
