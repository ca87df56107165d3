// SPDX-License-Identifier: Apache-2.0
// 2-D strided read engine (inside loom_load). A command names `rows` rows of
// `row_bytes` bytes, row r at byte address addr + r*stride (any byte alignment, stride 0
// repeats a row). The engine
//   - requests whole aligned beats of each row on a read client: INCR bursts of at most
//     16 beats that never cross 4 KiB, at most MAX_OUTST bursts in flight;
//   - realigns the returned beats to the row start (a word stream, B bytes per word);
//   - packs the words of each row into entries of `entry_bytes` (<= OUT_BYTES) bytes,
//     the last entry of a row zero-padded, and hands them out with valid/ready.
// One bus beat per cycle in steady state when entry_bytes >= BUS_BYTES (an unaligned row
// whose last word comes from the last beat alone costs one extra cycle per row).
// Commands are pipelined: the next one is accepted while earlier data is still due.
// Errors: a beat with rd_err_i stops the engine (no new requests, no entry of the
// failing command or later ones is output; earlier commands complete), then err_o stays
// high until abort_i. abort_i: drop all state, issue nothing, accept and drop read data
// still due; idle_o once no burst is outstanding.
module loom_dma_rd #(
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned OUT_BYTES = 16,
  parameter int unsigned ROWB_W    = 18,  // row bytes width
  parameter int unsigned MAX_OUTST = 4,   // bursts in flight
  parameter int unsigned CMD_DEPTH = 4,   // commands accepted but not yet output
  localparam int unsigned EB_W     = $clog2(OUT_BYTES + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   abort_i,
  // command
  input  logic                   cmd_valid_i,
  output logic                   cmd_ready_o,
  input  logic [ADDR_W-1:0]      cmd_addr_i,         // byte address of row 0
  input  logic [15:0]            cmd_rows_i,         // >= 1
  input  logic [ROWB_W-1:0]      cmd_row_bytes_i,    // >= 1
  input  logic [23:0]            cmd_stride_i,
  input  logic [EB_W-1:0]        cmd_entry_bytes_i,  // 1 .. OUT_BYTES
  // read client
  output logic                   rd_req_valid_o,
  input  logic                   rd_req_ready_i,
  output logic [ADDR_W-1:0]      rd_req_addr_o,
  output logic [7:0]             rd_req_len_o,
  input  logic                   rd_valid_i,
  output logic                   rd_ready_o,
  input  logic [8*BUS_BYTES-1:0] rd_data_i,
  input  logic                   rd_last_i,
  input  logic                   rd_err_i,
  // entries
  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [8*OUT_BYTES-1:0] out_data_o,
  output logic                   out_last_o,         // last entry of its command
  // status
  output logic                   err_o,
  output logic                   idle_o,
  output logic                   stall_o             // busy, no entry output this cycle
);

  localparam int unsigned B      = BUS_BYTES;
  localparam int unsigned LB     = (B > 1) ? $clog2(B) : 1;
  localparam int unsigned C      = OUT_BYTES + B;          // packer capacity (bytes)
  localparam int unsigned W8B    = 8 * B;
  localparam int unsigned W8C    = 8 * C;
  localparam int unsigned CNT_W  = $clog2(C + 1);
  localparam int unsigned RB_W   = ROWB_W + 1;             // row bytes + offset
  localparam int unsigned BT_W   = RB_W - LB + 1;          // beats of a row
  localparam int unsigned OST_W  = $clog2(MAX_OUTST + 1);
  localparam int unsigned CPTR_W = (CMD_DEPTH > 1) ? $clog2(CMD_DEPTH) : 1;
  localparam int unsigned CCNT_W = $clog2(CMD_DEPTH + 1);

  // Command as the data path needs it.
  typedef struct packed {
    logic [LB-1:0]     off;    // byte offset of row 0 in its beat
    logic [LB-1:0]     stlo;   // stride mod B
    logic [ROWB_W-1:0] rowb;
    logic [15:0]       rows;
    logic [EB_W-1:0]   eb;
  } dcmd_t;
  localparam int unsigned DCMD_W = 2 * LB + ROWB_W + 16 + EB_W;  // $bits(dcmd_t)

  // ---------------------------------------------------------------------------------
  // Drop state: abort, error, or draining after an abort.
  // ---------------------------------------------------------------------------------
  logic             err_q, err_d;
  logic             drain_q, drain_d;
  logic [OST_W-1:0] outst_q, outst_d;
  logic             drop;       // accept and drop read data, issue nothing
  logic             clr;        // clear request generator and data path

  assign drop = abort_i || drain_q || err_q;
  assign clr  = abort_i || err_q;

  // ---------------------------------------------------------------------------------
  // Command FIFO to the data path.
  // ---------------------------------------------------------------------------------
  logic [CMD_DEPTH*DCMD_W-1:0] cf_mem_q, cf_mem_d;
  logic [CPTR_W-1:0]           cf_rd_q, cf_rd_d, cf_wr_q, cf_wr_d;
  logic [CCNT_W-1:0]           cf_cnt_q, cf_cnt_d;
  logic                        cf_push, cf_pop;
  dcmd_t                       cf_in, cf_head;
  logic                        cf_valid, cf_full;

  assign cf_valid = cf_cnt_q != '0;
  assign cf_full  = cf_cnt_q == CCNT_W'(CMD_DEPTH);
  assign cf_head  = cf_mem_q[32'(cf_rd_q)*DCMD_W +: DCMD_W];

  always_comb begin
    cf_in.off  = cmd_addr_i[LB-1:0];
    cf_in.stlo = cmd_stride_i[LB-1:0];
    cf_in.rowb = cmd_row_bytes_i;
    cf_in.rows = cmd_rows_i;
    cf_in.eb   = cmd_entry_bytes_i;
  end

  always_comb begin
    cf_mem_d = cf_mem_q;
    cf_rd_d  = cf_rd_q;
    cf_wr_d  = cf_wr_q;
    cf_cnt_d = cf_cnt_q;
    if (cf_push) begin
      cf_mem_d[32'(cf_wr_q)*DCMD_W +: DCMD_W] = cf_in;
      cf_wr_d = (32'(cf_wr_q) == CMD_DEPTH - 1) ? '0 : cf_wr_q + 1'b1;
    end
    if (cf_pop) begin
      cf_rd_d = (32'(cf_rd_q) == CMD_DEPTH - 1) ? '0 : cf_rd_q + 1'b1;
    end
    cf_cnt_d = cf_cnt_q + CCNT_W'(cf_push) - CCNT_W'(cf_pop);
    if (clr) begin
      cf_rd_d  = '0;
      cf_wr_d  = '0;
      cf_cnt_d = '0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Request generator: bursts of the current command, row by row.
  // ---------------------------------------------------------------------------------
  logic              rq_busy_q, rq_busy_d;
  logic [ADDR_W-1:0] rq_row_q, rq_row_d;     // byte address of the current row
  logic [15:0]       rq_rows_q, rq_rows_d;   // rows left, current included
  logic [ROWB_W-1:0] rq_rowb_q, rq_rowb_d;
  logic [23:0]       rq_stride_q, rq_stride_d;
  logic              rq_mid_q, rq_mid_d;     // part of the current row already requested
  logic [ADDR_W-1:0] rq_baddr_q, rq_baddr_d; // next beat address within the row
  logic [BT_W-1:0]   rq_beats_q, rq_beats_d; // beats of the row still to request

  logic [ADDR_W-1:0] cur_baddr;
  logic [BT_W-1:0]   cur_beats;
  logic [BT_W-1:0]   row_beats;
  logic [12:0]       to4k;
  logic [BT_W-1:0]   burst;
  logic              req_hs;

  always_comb begin
    row_beats = BT_W'((RB_W'(rq_row_q[LB-1:0]) + RB_W'(rq_rowb_q) + RB_W'(B - 1)) >> LB);
    cur_baddr = rq_mid_q ? rq_baddr_q : {rq_row_q[ADDR_W-1:LB], {LB{1'b0}}};
    cur_beats = rq_mid_q ? rq_beats_q : row_beats;
    to4k      = (13'd4096 - {1'b0, cur_baddr[11:0]}) >> LB;
    burst     = cur_beats;
    if (burst > BT_W'(16)) begin
      burst = BT_W'(16);
    end
    if (burst > BT_W'(to4k)) begin
      burst = BT_W'(to4k);
    end
  end

  assign rd_req_valid_o = rq_busy_q && !drop && (32'(outst_q) < MAX_OUTST);
  assign rd_req_addr_o  = cur_baddr;
  assign rd_req_len_o   = 8'(burst - 1'b1);
  assign req_hs         = rd_req_valid_o && rd_req_ready_i;

  assign cmd_ready_o = !rq_busy_q && !cf_full && !drop;
  assign cf_push     = cmd_valid_i && cmd_ready_o;

  always_comb begin
    rq_busy_d   = rq_busy_q;
    rq_row_d    = rq_row_q;
    rq_rows_d   = rq_rows_q;
    rq_rowb_d   = rq_rowb_q;
    rq_stride_d = rq_stride_q;
    rq_mid_d    = rq_mid_q;
    rq_baddr_d  = rq_baddr_q;
    rq_beats_d  = rq_beats_q;
    if (cf_push) begin
      rq_busy_d   = 1'b1;
      rq_row_d    = cmd_addr_i;
      rq_rows_d   = cmd_rows_i;
      rq_rowb_d   = cmd_row_bytes_i;
      rq_stride_d = cmd_stride_i;
      rq_mid_d    = 1'b0;
    end else if (req_hs) begin
      if (burst == cur_beats) begin
        rq_mid_d  = 1'b0;
        rq_row_d  = rq_row_q + ADDR_W'(rq_stride_q);
        rq_rows_d = rq_rows_q - 1'b1;
        if (rq_rows_q == 16'd1) begin
          rq_busy_d = 1'b0;
        end
      end else begin
        rq_mid_d   = 1'b1;
        rq_baddr_d = cur_baddr + (ADDR_W'(burst) << LB);
        rq_beats_d = cur_beats - burst;
      end
    end
    if (clr) begin
      rq_busy_d = 1'b0;
      rq_mid_d  = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Realigner: beats of the head command -> words of row bytes, word k = row bytes
  // [kB, kB+B). With offset o != 0, word k comes from beats k and k+1.
  // ---------------------------------------------------------------------------------
  logic                 dp_started_q, dp_started_d; // head command's counters loaded
  logic [LB-1:0]        dp_off_q, dp_off_d;         // current row's offset
  logic [15:0]          dp_rows_q, dp_rows_d;       // rows left, current included
  logic                 dp_first_q, dp_first_d;     // no beat of the row consumed yet
  logic [RB_W-1:0]      dp_brem_q, dp_brem_d;       // bytes from the next beat to row end
  logic [RB_W-1:0]      dp_wrem_q, dp_wrem_d;       // row bytes not yet sent as words
  logic                 dp_flush_q, dp_flush_d;     // last word still in prev
  logic [8*B-1:0]       dp_prev_q, dp_prev_d;

  logic [LB-1:0]        cur_off;
  logic [15:0]          cur_rows;
  logic [RB_W-1:0]      cur_brem, cur_wrem;
  logic                 last_beat;
  logic [16*B-1:0]      pair;

  // word to the packer
  logic                 w_valid, w_ready;
  logic [8*B-1:0]       w_data;
  logic [RB_W-1:0]      w_nbytes;                   // min(B, cur_wrem)
  logic                 w_rowlast, w_cmdlast;
  logic                 w_consumes_beat;
  logic                 beat_take;                  // consume the beat without a word
  logic                 row_done;

  always_comb begin
    cur_off   = dp_started_q ? dp_off_q  : cf_head.off;
    cur_rows  = dp_started_q ? dp_rows_q : cf_head.rows;
    cur_brem  = dp_first_q ? RB_W'(cur_off) + RB_W'(cf_head.rowb) : dp_brem_q;
    cur_wrem  = dp_flush_q ? dp_wrem_q : (dp_first_q ? RB_W'(cf_head.rowb) : dp_wrem_q);
    last_beat = cur_brem <= RB_W'(B);
    w_nbytes  = (cur_wrem < RB_W'(B)) ? cur_wrem : RB_W'(B);
    pair      = dp_flush_q ? {{8*B{1'b0}}, dp_prev_q} : {rd_data_i, dp_prev_q};

    w_valid         = 1'b0;
    w_data          = '0;
    w_rowlast       = 1'b0;
    w_consumes_beat = 1'b0;
    beat_take       = 1'b0;
    if (cf_valid && !drop) begin
      if (dp_flush_q) begin
        w_valid   = 1'b1;
        w_data    = W8B'(pair >> {cur_off, 3'b000});
        w_rowlast = 1'b1;
      end else if (rd_valid_i) begin
        if (cur_off == '0) begin
          w_valid         = 1'b1;
          w_data          = rd_data_i;
          w_rowlast       = last_beat;
          w_consumes_beat = 1'b1;
        end else if (dp_first_q && !last_beat) begin
          beat_take = 1'b1;
        end else if (dp_first_q) begin
          w_valid         = 1'b1;
          w_data          = W8B'(rd_data_i >> {cur_off, 3'b000});
          w_rowlast       = 1'b1;
          w_consumes_beat = 1'b1;
        end else begin
          w_valid         = 1'b1;
          w_data          = W8B'(pair >> {cur_off, 3'b000});
          w_rowlast       = last_beat && (cur_wrem <= RB_W'(B));
          w_consumes_beat = 1'b1;
        end
      end
    end
    // A failing beat is consumed and never becomes a word.
    if (w_consumes_beat && rd_err_i) begin
      w_valid = 1'b0;
    end
    w_cmdlast = w_rowlast && (cur_rows == 16'd1);
  end

  assign row_done = w_valid && w_ready && w_rowlast;
  assign cf_pop   = row_done && w_cmdlast;

  always_comb begin
    rd_ready_o = 1'b0;
    if (drop) begin
      rd_ready_o = 1'b1;
    end else if (cf_valid && !dp_flush_q) begin
      if (beat_take || rd_err_i) begin
        rd_ready_o = 1'b1;
      end else if (w_consumes_beat) begin
        rd_ready_o = w_ready;
      end
    end
  end

  logic beat_hs;
  assign beat_hs = rd_valid_i && rd_ready_o && !drop;

  always_comb begin
    dp_started_d = dp_started_q;
    dp_off_d     = dp_off_q;
    dp_rows_d    = dp_rows_q;
    dp_first_d   = dp_first_q;
    dp_brem_d    = dp_brem_q;
    dp_wrem_d    = dp_wrem_q;
    dp_flush_d   = dp_flush_q;
    dp_prev_d    = dp_prev_q;
    if (beat_hs) begin
      dp_started_d = 1'b1;
      dp_off_d     = cur_off;
      dp_rows_d    = cur_rows;
      dp_first_d   = 1'b0;
      dp_brem_d    = cur_brem - RB_W'(B);
      dp_prev_d    = rd_data_i;
      dp_wrem_d    = cur_wrem;
      if (w_consumes_beat) begin
        dp_wrem_d = cur_wrem - w_nbytes;
        // Last beat consumed but the row's last word still sits in it.
        if (last_beat && !w_rowlast) begin
          dp_flush_d = 1'b1;
        end
      end
    end else if (w_valid && w_ready) begin
      // flush word
      dp_wrem_d = cur_wrem - w_nbytes;
    end
    if (row_done) begin
      dp_started_d = !w_cmdlast;
      dp_off_d     = cur_off + cf_head.stlo;
      dp_rows_d    = cur_rows - 1'b1;
      dp_first_d   = 1'b1;
      dp_flush_d   = 1'b0;
    end
    if (clr) begin
      dp_started_d = 1'b0;
      dp_first_d   = 1'b1;
      dp_flush_d   = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Packer: row bytes -> entries of pk_eb bytes. Bytes at and above pk_cnt are zero.
  // ---------------------------------------------------------------------------------
  logic [8*C-1:0]  pk_buf_q, pk_buf_d;
  logic [CNT_W-1:0] pk_cnt_q, pk_cnt_d;
  logic            pk_tail_q, pk_tail_d;     // the row's last word is in the buffer
  logic            pk_cmdlast_q, pk_cmdlast_d;
  logic [EB_W-1:0] pk_eb_q, pk_eb_d;

  logic            pk_kill;
  logic            emit;
  logic [CNT_W-1:0] cnt_e;
  logic [8*C-1:0]  buf_e;
  logic [8*B-1:0]  w_masked;
  logic [8*OUT_BYTES-1:0] eb_mask;

  assign pk_kill = abort_i || (err_q && !(pk_tail_q && pk_cmdlast_q));

  always_comb begin
    for (int unsigned i = 0; i < OUT_BYTES; i++) begin
      eb_mask[8*i +: 8] = (i < 32'(pk_eb_q)) ? 8'hff : 8'h00;
    end
    out_valid_o = !pk_kill && ((pk_cnt_q >= CNT_W'(pk_eb_q)) || (pk_tail_q && pk_cnt_q != '0));
    out_data_o  = pk_buf_q[8*OUT_BYTES-1:0] & eb_mask;
    out_last_o  = pk_tail_q && pk_cmdlast_q && (pk_cnt_q <= CNT_W'(pk_eb_q));
    emit        = out_valid_o && out_ready_i;
    cnt_e       = pk_cnt_q;
    buf_e       = pk_buf_q;
    if (emit) begin
      cnt_e = (pk_cnt_q > CNT_W'(pk_eb_q)) ? pk_cnt_q - CNT_W'(pk_eb_q) : '0;
      buf_e = pk_buf_q >> {pk_eb_q, 3'b000};
    end
    w_ready = (!pk_tail_q || cnt_e == '0) && (32'(cnt_e) <= C - B);
    for (int unsigned i = 0; i < B; i++) begin
      w_masked[8*i +: 8] = (i < 32'(w_nbytes)) ? w_data[8*i +: 8] : 8'h00;
    end

    pk_buf_d     = buf_e;
    pk_cnt_d     = cnt_e;
    pk_tail_d    = pk_tail_q && (cnt_e != '0);
    pk_cmdlast_d = pk_cmdlast_q;
    pk_eb_d      = pk_eb_q;
    if (w_valid && w_ready) begin
      pk_buf_d     = buf_e | (W8C'(w_masked) << {cnt_e, 3'b000});
      pk_cnt_d     = cnt_e + CNT_W'(w_nbytes);
      pk_tail_d    = w_rowlast;
      pk_cmdlast_d = w_cmdlast;
      pk_eb_d      = cf_head.eb;
    end
    if (pk_kill) begin
      pk_buf_d  = '0;
      pk_cnt_d  = '0;
      pk_tail_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Outstanding bursts, error and drain state.
  // ---------------------------------------------------------------------------------
  always_comb begin
    outst_d = outst_q + OST_W'(req_hs) - OST_W'(rd_valid_i && rd_ready_o && rd_last_i);
    err_d   = err_q || (rd_valid_i && rd_ready_o && rd_err_i && !drop);
    drain_d = drain_q;
    if (abort_i) begin
      err_d   = 1'b0;
      drain_d = 1'b1;
    end else if (outst_d == '0) begin
      drain_d = 1'b0;
    end
  end

  assign err_o   = err_q && !(pk_tail_q && pk_cmdlast_q);
  assign idle_o  = (outst_q == '0) && !rq_busy_q && !cf_valid && (pk_cnt_q == '0) &&
                   !pk_tail_q && !drain_q;
  assign stall_o = !idle_o && !err_q && !(out_valid_o && out_ready_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q        <= 1'b0;
      drain_q      <= 1'b0;
      outst_q      <= '0;
      cf_mem_q     <= '0;
      cf_rd_q      <= '0;
      cf_wr_q      <= '0;
      cf_cnt_q     <= '0;
      rq_busy_q    <= 1'b0;
      rq_row_q     <= '0;
      rq_rows_q    <= '0;
      rq_rowb_q    <= '0;
      rq_stride_q  <= '0;
      rq_mid_q     <= 1'b0;
      rq_baddr_q   <= '0;
      rq_beats_q   <= '0;
      dp_started_q <= 1'b0;
      dp_off_q     <= '0;
      dp_rows_q    <= '0;
      dp_first_q   <= 1'b1;
      dp_brem_q    <= '0;
      dp_wrem_q    <= '0;
      dp_flush_q   <= 1'b0;
      dp_prev_q    <= '0;
      pk_buf_q     <= '0;
      pk_cnt_q     <= '0;
      pk_tail_q    <= 1'b0;
      pk_cmdlast_q <= 1'b0;
      pk_eb_q      <= EB_W'(OUT_BYTES);
    end else begin
      err_q        <= err_d;
      drain_q      <= drain_d;
      outst_q      <= outst_d;
      cf_mem_q     <= cf_mem_d;
      cf_rd_q      <= cf_rd_d;
      cf_wr_q      <= cf_wr_d;
      cf_cnt_q     <= cf_cnt_d;
      rq_busy_q    <= rq_busy_d;
      rq_row_q     <= rq_row_d;
      rq_rows_q    <= rq_rows_d;
      rq_rowb_q    <= rq_rowb_d;
      rq_stride_q  <= rq_stride_d;
      rq_mid_q     <= rq_mid_d;
      rq_baddr_q   <= rq_baddr_d;
      rq_beats_q   <= rq_beats_d;
      dp_started_q <= dp_started_d;
      dp_off_q     <= dp_off_d;
      dp_rows_q    <= dp_rows_d;
      dp_first_q   <= dp_first_d;
      dp_brem_q    <= dp_brem_d;
      dp_wrem_q    <= dp_wrem_d;
      dp_flush_q   <= dp_flush_d;
      dp_prev_q    <= dp_prev_d;
      pk_buf_q     <= pk_buf_d;
      pk_cnt_q     <= pk_cnt_d;
      pk_tail_q    <= pk_tail_d;
      pk_cmdlast_q <= pk_cmdlast_d;
      pk_eb_q      <= pk_eb_d;
    end
  end

`ifndef SYNTHESIS
  a_outst_max: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(outst_q) <= MAX_OUTST);
  a_no_data_unexpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(rd_valid_i && outst_q == '0));
  a_eb_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(cmd_valid_i && (cmd_entry_bytes_i == '0 || 32'(cmd_entry_bytes_i) > OUT_BYTES)));
`endif

endmodule
