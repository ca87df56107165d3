// SPDX-License-Identifier: Apache-2.0
// MATMUL engine: weight-tile loader, activation streamer, loom_array and the
// read-modify-write of the accumulator.
//
// Two instruction slots: `nx` (accepted; its weight tile is shifted into the array's
// idle weight buffer over ROWS cycles) and `st` (streaming its activation rows). A
// tile can load as soon as the previous instruction has issued its first row, so with
// rows >= ROWS the next tile is ready when the current one issues its last row and the
// array never idles. Pipeline of one activation row issued in cycle i:
//   i            APAD read (pair)                  -> stage a
//   i+1          select bytes, register            -> array input (cycle u = i+2)
//   i+D          ACC read if accumulating          (D = ROWS+COLS+1)
//   i+D+1        array result + ACC data, register
//   i+D+2        ACC write; done_o with the last row of an instruction
// A row that accumulates is held back while a row issued one or two cycles earlier
// writes the same ACC entry (its write would land after the read).
module loom_matmul #(
  parameter int unsigned ROWS       = 16,
  parameter int unsigned COLS       = 16,
  parameter int unsigned APAD_DEPTH = 4096,
  parameter int unsigned WPAD_DEPTH = 4096,
  parameter int unsigned ACC_DEPTH  = 1024,
  localparam int unsigned APAD_AW   = $clog2(APAD_DEPTH),
  localparam int unsigned WPAD_AW   = $clog2(WPAD_DEPTH),
  localparam int unsigned ACC_AW    = $clog2(ACC_DEPTH)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // instruction port
  input  logic                  insn_valid_i,
  output logic                  insn_ready_o,
  input  logic [127:0]          insn_i,
  input  logic [15:0]           slot_i,
  output logic                  done_o,
  output logic                  idle_o,
  input  logic                  abort_i,
  // activation pad read (pair address, {odd, even} one cycle later)
  output logic                  apad_re_o,
  output logic [APAD_AW-2:0]    apad_raddr_o,
  input  logic [16*ROWS-1:0]    apad_rdata_i,
  // weight pad read
  output logic                  wpad_re_o,
  output logic [WPAD_AW-1:0]    wpad_raddr_o,
  input  logic [8*COLS-1:0]     wpad_rdata_i,
  // accumulator compute ports
  output logic                  acc_re_o,
  output logic [ACC_AW-1:0]     acc_raddr_o,
  input  logic [32*COLS-1:0]    acc_rdata_i,
  output logic                  acc_we_o,
  output logic [ACC_AW-1:0]     acc_waddr_o,
  output logic [32*COLS-1:0]    acc_wdata_o,
  // performance
  output logic                  row_issue_o,
  output logic                  row_w4_o
);

  localparam int unsigned IDX_W = $clog2(ROWS);
  localparam int unsigned D     = ROWS + COLS + 1;  // issue -> ACC read
  localparam int unsigned OUT_W = 6;                // instructions accepted, not done

  // ---------------------------------------------------------------------------------
  // Decode (the instruction has passed loom_decode)
  logic                dec_w4, dec_acc;
  logic [ACC_AW-1:0]   dec_acc_addr;
  logic [APAD_AW-1:0]  dec_apad;
  logic [WPAD_AW-1:0]  dec_wpad;
  logic [15:0]         dec_rows;

  always_comb begin
    dec_w4       = insn_i[loom_pkg::MATMUL_MODE_LO +: loom_pkg::MATMUL_MODE_W]
                   == loom_pkg::MODE_W4A8;
    dec_acc      = insn_i[loom_pkg::MATMUL_ACCUMULATE_LO];
    dec_acc_addr = insn_i[loom_pkg::MATMUL_ACC_ADDR_LO +: ACC_AW];
    dec_apad     = insn_i[loom_pkg::MATMUL_APAD_ADDR_LO +: APAD_AW];
    dec_wpad     = insn_i[loom_pkg::MATMUL_WPAD_ADDR_LO +: WPAD_AW];
    dec_rows     = insn_i[loom_pkg::MATMUL_ROWS_LO +: loom_pkg::MATMUL_ROWS_W];
  end

  logic unused_insn;
  assign unused_insn = ^{insn_i, slot_i};

  // ---------------------------------------------------------------------------------
  // Registers
  // nx slot and the weight loader
  logic               nx_valid_q, nx_valid_d;
  logic               nx_w4_q, nx_w4_d, nx_acc_q, nx_acc_d;
  logic [ACC_AW-1:0]  nx_acc_addr_q, nx_acc_addr_d;
  logic [APAD_AW-1:0] nx_apad_q, nx_apad_d;
  logic [WPAD_AW-1:0] nx_wpad_q, nx_wpad_d;
  logic [15:0]        nx_rows_q, nx_rows_d;
  logic               nx_loaded_q, nx_loaded_d;
  logic [IDX_W-1:0]   wl_idx_q, wl_idx_d;      // weight row being read: ROWS-1 down to 0
  logic [ROWS-1:0]    ld_q, ld_d;              // array ld_i
  // st slot
  logic               st_valid_q, st_valid_d;
  logic               st_w4_q, st_w4_d, st_acc_q, st_acc_d;
  logic [ACC_AW-1:0]  st_acc_addr_q, st_acc_addr_d;
  logic [APAD_AW-1:0] st_apad_q, st_apad_d;
  logic [15:0]        st_rem_q, st_rem_d;
  // stage a: APAD read in flight
  logic               a_valid_q, a_valid_d;
  logic               a_w4_q, a_w4_d, a_half_q, a_half_d, a_first_q, a_first_d;
  // array input
  logic               in_valid_q, in_valid_d;
  logic [8*ROWS-1:0]  in_lo_q, in_lo_d, in_hi_q, in_hi_d;
  logic               in_sel_q, in_sel_d, in_w4_q, in_w4_d;
  // row information, issue -> ACC read
  logic [D-1:0]        rp_valid_q, rp_valid_d, rp_acc_q, rp_acc_d, rp_last_q, rp_last_d;
  logic [D*ACC_AW-1:0] rp_addr_q, rp_addr_d;
  // sum stage and write stage
  logic               s_valid_q, s_valid_d, s_acc_q, s_acc_d, s_last_q, s_last_d;
  logic [ACC_AW-1:0]  s_addr_q, s_addr_d;
  logic               w_valid_q, w_valid_d, w_last_q, w_last_d;
  logic [ACC_AW-1:0]  w_addr_q, w_addr_d;
  logic [32*COLS-1:0] w_data_q, w_data_d;
  logic [OUT_W-1:0]   out_cnt_q, out_cnt_d;

  // ---------------------------------------------------------------------------------
  // Control: loader, row issue, instruction accept
  logic               wl_active, nx_ready;
  logic               c_valid, c_from_nx, c_w4, c_acc, c_last;
  logic [ACC_AW-1:0]  c_acc_addr;
  logic [APAD_AW-1:0] c_apad;
  logic               hazard, issue, nx_leave, accept;
  logic [APAD_AW-1:0] apad_step;

  always_comb begin
    // weight loader: reads the nx tile bottom row first
    wl_active = nx_valid_q && !nx_loaded_q;
    nx_ready  = nx_valid_q && (nx_loaded_q || (wl_idx_q == '0));

    // next row to issue
    c_valid    = st_valid_q || nx_ready;
    c_from_nx  = !st_valid_q;
    c_w4       = st_valid_q ? st_w4_q       : nx_w4_q;
    c_acc      = st_valid_q ? st_acc_q      : nx_acc_q;
    c_acc_addr = st_valid_q ? st_acc_addr_q : nx_acc_addr_q;
    c_apad     = st_valid_q ? st_apad_q     : nx_apad_q;
    c_last     = st_valid_q ? (st_rem_q == 16'd1) : (nx_rows_q == 16'd1);
    apad_step  = c_w4 ? APAD_AW'(2) : APAD_AW'(1);

    hazard = c_acc &&
             ((rp_valid_q[0] && (rp_addr_q[0 +: ACC_AW]      == c_acc_addr)) ||
              (rp_valid_q[1] && (rp_addr_q[ACC_AW +: ACC_AW] == c_acc_addr)));
    issue    = c_valid && !hazard && !abort_i;
    nx_leave = issue && c_from_nx;

    insn_ready_o = !abort_i && (!nx_valid_q || nx_leave);
    accept       = insn_valid_i && insn_ready_o;

    // memory reads
    apad_re_o    = issue;
    apad_raddr_o = c_apad[APAD_AW-1:1];
    wpad_re_o    = wl_active;
    wpad_raddr_o = nx_wpad_q + WPAD_AW'(wl_idx_q);

    // loader state
    nx_valid_d    = nx_valid_q && !nx_leave;
    nx_w4_d       = nx_w4_q;
    nx_acc_d      = nx_acc_q;
    nx_acc_addr_d = nx_acc_addr_q;
    nx_apad_d     = nx_apad_q;
    nx_wpad_d     = nx_wpad_q;
    nx_rows_d     = nx_rows_q;
    nx_loaded_d   = nx_loaded_q;
    wl_idx_d      = wl_idx_q;
    for (int unsigned k = 0; k < ROWS; k++) begin
      ld_d[k] = wl_active && (k <= 32'(wl_idx_q));
    end
    if (wl_active) begin
      wl_idx_d = wl_idx_q - 1'b1;
      if (wl_idx_q == '0) begin
        nx_loaded_d = 1'b1;
        wl_idx_d    = IDX_W'(ROWS - 1);
      end
    end
    if (accept) begin
      nx_valid_d    = 1'b1;
      nx_w4_d       = dec_w4;
      nx_acc_d      = dec_acc;
      nx_acc_addr_d = dec_acc_addr;
      nx_apad_d     = dec_apad;
      nx_wpad_d     = dec_wpad;
      nx_rows_d     = dec_rows;
      nx_loaded_d   = 1'b0;
      wl_idx_d      = IDX_W'(ROWS - 1);
    end

    // streaming state
    st_valid_d    = st_valid_q;
    st_w4_d       = st_w4_q;
    st_acc_d      = st_acc_q;
    st_acc_addr_d = st_acc_addr_q;
    st_apad_d     = st_apad_q;
    st_rem_d      = st_rem_q;
    if (issue) begin
      st_valid_d    = !c_last;
      st_w4_d       = c_w4;
      st_acc_d      = c_acc;
      st_acc_addr_d = c_acc_addr + 1'b1;
      st_apad_d     = c_apad + apad_step;
      st_rem_d      = (c_from_nx ? nx_rows_q : st_rem_q) - 16'd1;
    end

    // stage a
    a_valid_d = issue;
    a_w4_d    = issue ? c_w4 : a_w4_q;
    a_half_d  = issue ? (c_apad[0] && !c_w4) : a_half_q;
    a_first_d = issue ? c_from_nx : a_first_q;

    // abort: drop everything, keep the weight-buffer polarity (in_sel_q)
    if (abort_i) begin
      nx_valid_d  = 1'b0;
      nx_loaded_d = 1'b0;
      wl_idx_d    = IDX_W'(ROWS - 1);
      ld_d        = '0;
      st_valid_d  = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Array input: pick the activation bytes of the row
  always_comb begin
    in_valid_d = a_valid_q && !abort_i;
    in_sel_d   = in_sel_q ^ (in_valid_d && a_first_q);
    in_w4_d    = a_valid_q ? a_w4_q : in_w4_q;
    in_lo_d    = in_lo_q;
    in_hi_d    = in_hi_q;
    if (a_valid_q) begin
      for (int unsigned k = 0; k < ROWS; k++) begin
        if (a_w4_q) begin
          in_lo_d[8*k +: 8] = apad_rdata_i[16*k +: 8];
          in_hi_d[8*k +: 8] = apad_rdata_i[16*k+8 +: 8];
        end else begin
          in_lo_d[8*k +: 8] = apad_rdata_i[8*ROWS*32'(a_half_q) + 8*k +: 8];
          in_hi_d[8*k +: 8] = apad_rdata_i[8*ROWS*32'(a_half_q) + 8*k +: 8];
        end
      end
    end
  end

  logic [32*COLS-1:0] arr_sum;

  loom_array #(
    .ROWS (ROWS),
    .COLS (COLS)
  ) u_array (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .a_lo_i (in_lo_q),
    .a_hi_i (in_hi_q),
    .sel_i  (in_sel_q),
    .w4_i   (in_w4_q),
    .ld_i   (ld_q),
    .w_i    (wpad_rdata_i),
    .sum_o  (arr_sum)
  );

  // ---------------------------------------------------------------------------------
  // Row information pipeline, ACC read-modify-write, completion
  always_comb begin
    rp_valid_d = {rp_valid_q[D-2:0], issue};
    rp_acc_d   = {rp_acc_q[D-2:0], c_acc};
    rp_last_d  = {rp_last_q[D-2:0], c_last};
    rp_addr_d  = {rp_addr_q[(D-1)*ACC_AW-1:0], c_acc_addr};

    acc_re_o    = rp_valid_q[D-1] && rp_acc_q[D-1];
    acc_raddr_o = rp_addr_q[(D-1)*ACC_AW +: ACC_AW];

    s_valid_d = rp_valid_q[D-1];
    s_acc_d   = rp_acc_q[D-1];
    s_last_d  = rp_last_q[D-1];
    s_addr_d  = rp_addr_q[(D-1)*ACC_AW +: ACC_AW];

    w_valid_d = s_valid_q;
    w_last_d  = s_last_q;
    w_addr_d  = s_addr_q;
    for (int unsigned n = 0; n < COLS; n++) begin
      w_data_d[32*n +: 32] = arr_sum[32*n +: 32] + (s_acc_q ? acc_rdata_i[32*n +: 32] : 32'd0);
    end

    acc_we_o    = w_valid_q && !abort_i;
    acc_waddr_o = w_addr_q;
    acc_wdata_o = w_data_q;
    done_o      = w_valid_q && w_last_q && !abort_i;

    out_cnt_d = out_cnt_q + OUT_W'(accept) - OUT_W'(done_o);
    idle_o    = (out_cnt_q == '0);

    if (abort_i) begin
      rp_valid_d = '0;
      s_valid_d  = 1'b0;
      w_valid_d  = 1'b0;
      out_cnt_d  = '0;
    end
  end

  assign row_issue_o = in_valid_q;
  assign row_w4_o    = in_w4_q;

  // ---------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      nx_valid_q    <= 1'b0;
      nx_w4_q       <= 1'b0;
      nx_acc_q      <= 1'b0;
      nx_acc_addr_q <= '0;
      nx_apad_q     <= '0;
      nx_wpad_q     <= '0;
      nx_rows_q     <= '0;
      nx_loaded_q   <= 1'b0;
      wl_idx_q      <= IDX_W'(ROWS - 1);
      ld_q          <= '0;
      st_valid_q    <= 1'b0;
      st_w4_q       <= 1'b0;
      st_acc_q      <= 1'b0;
      st_acc_addr_q <= '0;
      st_apad_q     <= '0;
      st_rem_q      <= '0;
      a_valid_q     <= 1'b0;
      a_w4_q        <= 1'b0;
      a_half_q      <= 1'b0;
      a_first_q     <= 1'b0;
      in_valid_q    <= 1'b0;
      in_lo_q       <= '0;
      in_hi_q       <= '0;
      in_sel_q      <= 1'b0;
      in_w4_q       <= 1'b0;
      rp_valid_q    <= '0;
      rp_acc_q      <= '0;
      rp_last_q     <= '0;
      rp_addr_q     <= '0;
      s_valid_q     <= 1'b0;
      s_acc_q       <= 1'b0;
      s_last_q      <= 1'b0;
      s_addr_q      <= '0;
      w_valid_q     <= 1'b0;
      w_last_q      <= 1'b0;
      w_addr_q      <= '0;
      w_data_q      <= '0;
      out_cnt_q     <= '0;
    end else begin
      nx_valid_q    <= nx_valid_d;
      nx_w4_q       <= nx_w4_d;
      nx_acc_q      <= nx_acc_d;
      nx_acc_addr_q <= nx_acc_addr_d;
      nx_apad_q     <= nx_apad_d;
      nx_wpad_q     <= nx_wpad_d;
      nx_rows_q     <= nx_rows_d;
      nx_loaded_q   <= nx_loaded_d;
      wl_idx_q      <= wl_idx_d;
      ld_q          <= ld_d;
      st_valid_q    <= st_valid_d;
      st_w4_q       <= st_w4_d;
      st_acc_q      <= st_acc_d;
      st_acc_addr_q <= st_acc_addr_d;
      st_apad_q     <= st_apad_d;
      st_rem_q      <= st_rem_d;
      a_valid_q     <= a_valid_d;
      a_w4_q        <= a_w4_d;
      a_half_q      <= a_half_d;
      a_first_q     <= a_first_d;
      in_valid_q    <= in_valid_d;
      in_lo_q       <= in_lo_d;
      in_hi_q       <= in_hi_d;
      in_sel_q      <= in_sel_d;
      in_w4_q       <= in_w4_d;
      rp_valid_q    <= rp_valid_d;
      rp_acc_q      <= rp_acc_d;
      rp_last_q     <= rp_last_d;
      rp_addr_q     <= rp_addr_d;
      s_valid_q     <= s_valid_d;
      s_acc_q       <= s_acc_d;
      s_last_q      <= s_last_d;
      s_addr_q      <= s_addr_d;
      w_valid_q     <= w_valid_d;
      w_last_q      <= w_last_d;
      w_addr_q      <= w_addr_d;
      w_data_q      <= w_data_d;
      out_cnt_q     <= out_cnt_d;
    end
  end

`ifndef SYNTHESIS
  initial begin
    assert (ROWS >= 4 && ROWS <= 32 && COLS >= 4 && COLS <= 32)
      else $error("loom_matmul: ROWS and COLS must be 4..32");
    assert (APAD_DEPTH >= 4 && APAD_DEPTH <= 65536 && WPAD_DEPTH >= ROWS &&
            WPAD_DEPTH <= 65536 && ACC_DEPTH >= 4 && ACC_DEPTH <= 65536)
      else $error("loom_matmul: bad pad/accumulator depth");
  end
  // a W4A8 activation row is an entry pair
  a_w4_even: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (issue && c_w4) |-> !c_apad[0]);
  // the tile being loaded is complete when its first row issues
  a_issue_loaded: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (issue && c_from_nx) |-> (nx_loaded_q || (wl_active && (wl_idx_q == '0))));
  a_out_cnt_no_wrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(accept && (out_cnt_q == '1)) && !(done_o && (out_cnt_q == '0)));
`endif

endmodule
