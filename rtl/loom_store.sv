// SPDX-License-Identifier: Apache-2.0
// STORE unit (docs/isa.md STORE, docs/microarch.md loom_store).
//   - reads the parameter entries it needs (pp_addr: bias, +1: mult, +2: shift/zp) once
//     per instruction, then ACC[acc_addr+m] for each row m (two-entry row buffer, reads
//     run ahead), over the ACC store read port (request held until st_gnt_i, data with
//     st_rvalid_i the cycle after);
//   - post-processes PP_LANES lanes per cycle (loom_requant, PIPE register stages) into
//     chunks of bytes (int8: 1, int32: 4 per lane), through a small chunk FIFO;
//   - packs the chunks of each row into aligned bus beats with WSTRB at
//     dma_base + dram_off + m*stride (byte-aligned for int8), and writes them with AXI4
//     INCR bursts (AWID 0, <= 16 beats, never across 4 KiB, <= MAX_OUTST bursts
//     outstanding). A W beat is never presented before its burst is on AW.
//   - done_o after the last B response of the instruction, in order.
// Throughput: min(PP_LANES lanes, BUS_BYTES bytes) per cycle in steady state.
// The next instruction is accepted once every burst of the current one has been issued
// to AW and its last chunk has entered the post-processing pipeline.
// BRESP != OKAY: err_o (level, until abort_i) with the slot of the burst's instruction;
// then as for abort_i, except err_o stays: nothing new is issued, bursts whose AW is out
// are finished with WSTRB = 0, B responses are awaited, then idle_o; no further done_o.
module loom_store #(
  parameter int unsigned ROWS      = 16,
  parameter int unsigned COLS      = 16,
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned ACC_DEPTH = 1024,
  parameter int unsigned PP_LANES  = 4,
  parameter int unsigned PIPE      = 1,   // loom_requant register stages (0..2)
  parameter int unsigned MAX_OUTST = 16,  // write bursts outstanding
  localparam int unsigned ACC_AW   = $clog2(ACC_DEPTH)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // instruction port
  input  logic                   insn_valid_i,
  output logic                   insn_ready_o,
  input  logic [127:0]           insn_i,
  input  logic [15:0]            slot_i,
  output logic                   done_o,
  output logic                   idle_o,
  input  logic                   abort_i,
  input  logic [ADDR_W-1:0]      dma_base_i,
  // ACC store read port
  output logic                   st_re_o,
  output logic [ACC_AW-1:0]      st_raddr_o,
  input  logic                   st_gnt_i,
  input  logic                   st_rvalid_i,
  input  logic [32*COLS-1:0]     st_rdata_i,
  // AXI4 write master
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
  // errors, perf
  output logic                   err_o,
  output loom_pkg::err_e         err_code_o,
  output logic [15:0]            err_slot_o,
  output logic                   stall_mem_o
);

  localparam int unsigned B      = BUS_BYTES;
  localparam int unsigned LB     = (B > 1) ? $clog2(B) : 1;
  localparam int unsigned PP     = PP_LANES;
  localparam int unsigned K      = 4 * PP;                       // chunk bytes (max)
  localparam int unsigned NCH    = (COLS + PP - 1) / PP;         // chunks per full row
  localparam int unsigned CH_W   = (NCH > 1) ? $clog2(NCH) : 1;
  localparam int unsigned KB_W   = $clog2(K + 1);
  localparam int unsigned WB     = B + K;                        // packer window bytes
  localparam int unsigned FILL_W = $clog2(WB + 1);
  localparam int unsigned CFD    = PIPE + 2;                     // chunk FIFO depth
  localparam int unsigned CFP_W  = $clog2(CFD);
  localparam int unsigned CFC_W  = $clog2(CFD + 1);
  localparam int unsigned OST_W  = $clog2(MAX_OUTST + 1);
  localparam int unsigned OSP_W  = (MAX_OUTST > 1) ? $clog2(MAX_OUTST) : 1;
  localparam int unsigned RB_W   = 16;                           // row bytes + offset
  localparam int unsigned RW     = 32 * COLS;                    // ACC entry bits
  localparam int unsigned LANEP  = 32 * PP * NCH;                // row padded to chunks
  localparam int unsigned CHUNK_W = 8 * K + KB_W + 2 + LB;       // FIFO entry width
  localparam int unsigned W8B    = 8 * B;
  localparam int unsigned W8WB   = 8 * WB;

  // ---------------------------------------------------------------------------------
  // Drop state.
  // ---------------------------------------------------------------------------------
  logic err_q, err_d;
  logic [15:0] err_slot_q, err_slot_d;
  logic drain_q, drain_d;
  logic drop;                 // abort, error, or draining after an abort
  assign drop = abort_i || err_q || drain_q;

  // ---------------------------------------------------------------------------------
  // Instruction context.
  // ---------------------------------------------------------------------------------
  logic              c_i32_q, c_relu_q, c_bias_q;
  logic [15:0]       c_pp_q, c_slot_q;
  logic [7:0]        c_cols_q;
  logic [23:0]       c_stride_q;
  logic              aw_busy_q, aw_busy_d;   // bursts of the instruction left to issue
  logic              ds_busy_q, ds_busy_d;   // reads / chunks left to issue
  logic              accept;

  assign insn_ready_o = !aw_busy_q && !ds_busy_q && !drop;
  assign accept       = insn_valid_i && insn_ready_o;

  logic [RB_W-1:0]   c_rowb;                 // bytes per row
  assign c_rowb = c_i32_q ? {6'd0, c_cols_q, 2'b00} : {8'd0, c_cols_q};

  // ---------------------------------------------------------------------------------
  // AW generator and the burst bookkeeping FIFOs (W: beat counts, B: last flag + slot).
  // ---------------------------------------------------------------------------------
  logic [ADDR_W-1:0] ag_row_q, ag_row_d;
  logic [15:0]       ag_rows_q, ag_rows_d;
  logic              ag_mid_q, ag_mid_d;
  logic [ADDR_W-1:0] ag_baddr_q, ag_baddr_d;
  logic [RB_W-1:0]   ag_beats_q, ag_beats_d;
  logic [ADDR_W-1:0] cur_baddr;
  logic [RB_W-1:0]   cur_beats, row_beats, burst;
  logic [12:0]       to4k;
  logic              aw_commit, aw_load;
  logic              burst_last;             // last burst of the instruction

  logic              aw_valid_q, aw_valid_d;
  logic [ADDR_W-1:0] aw_addr_q, aw_addr_d;
  logic [7:0]        aw_len_q, aw_len_d;

  // W length FIFO and B FIFO share occupancy bounds (MAX_OUTST).
  logic [MAX_OUTST*8-1:0]  lf_mem_q, lf_mem_d;
  logic [OSP_W-1:0]        lf_rd_q, lf_rd_d, lf_wr_q, lf_wr_d;
  logic [OST_W-1:0]        lf_cnt_q, lf_cnt_d;
  logic [MAX_OUTST*17-1:0] bf_mem_q, bf_mem_d;
  logic [OSP_W-1:0]        bf_rd_q, bf_rd_d, bf_wr_q, bf_wr_d;
  logic [OST_W-1:0]        bf_cnt_q, bf_cnt_d;
  logic [7:0]              lf_head;
  logic [16:0]             bf_head;
  logic                    lf_pop, bf_pop;

  assign lf_head = lf_mem_q[32'(lf_rd_q)*8 +: 8];
  assign bf_head = bf_mem_q[32'(bf_rd_q)*17 +: 17];

  always_comb begin
    row_beats = (RB_W'(ag_row_q[LB-1:0]) + c_rowb + RB_W'(B - 1)) >> LB;
    cur_baddr = ag_mid_q ? ag_baddr_q : {ag_row_q[ADDR_W-1:LB], {LB{1'b0}}};
    cur_beats = ag_mid_q ? ag_beats_q : row_beats;
    to4k      = (13'd4096 - {1'b0, cur_baddr[11:0]}) >> LB;
    burst     = cur_beats;
    if (burst > RB_W'(16)) begin
      burst = RB_W'(16);
    end
    if (burst > RB_W'(to4k)) begin
      burst = RB_W'(to4k);
    end
    burst_last = (burst == cur_beats) && (ag_rows_q == 16'd1);
  end

  assign aw_load   = !aw_valid_q || m_axi_awready_i;
  assign aw_commit = aw_busy_q && !drop && aw_load && (32'(bf_cnt_q) < MAX_OUTST);

  always_comb begin
    aw_busy_d  = aw_busy_q;
    ag_row_d   = ag_row_q;
    ag_rows_d  = ag_rows_q;
    ag_mid_d   = ag_mid_q;
    ag_baddr_d = ag_baddr_q;
    ag_beats_d = ag_beats_q;
    aw_valid_d = aw_valid_q && !m_axi_awready_i;
    aw_addr_d  = aw_addr_q;
    aw_len_d   = aw_len_q;
    if (accept) begin
      aw_busy_d = 1'b1;
      ag_row_d  = dma_base_i + ADDR_W'(insn_i[loom_pkg::STORE_DRAM_OFF_LO +: loom_pkg::STORE_DRAM_OFF_W]);
      ag_rows_d = insn_i[loom_pkg::STORE_ROWS_LO +: loom_pkg::STORE_ROWS_W];
      ag_mid_d  = 1'b0;
    end else if (aw_commit) begin
      aw_valid_d = 1'b1;
      aw_addr_d  = cur_baddr;
      aw_len_d   = 8'(burst - 1'b1);
      if (burst == cur_beats) begin
        ag_mid_d  = 1'b0;
        ag_row_d  = ag_row_q + ADDR_W'(c_stride_q);
        ag_rows_d = ag_rows_q - 1'b1;
        if (ag_rows_q == 16'd1) begin
          aw_busy_d = 1'b0;
        end
      end else begin
        ag_mid_d   = 1'b1;
        ag_baddr_d = cur_baddr + (ADDR_W'(burst) << LB);
        ag_beats_d = cur_beats - burst;
      end
    end
    if (abort_i || err_q) begin
      aw_busy_d = 1'b0;
      ag_mid_d  = 1'b0;
    end
  end

  // B responses.
  logic b_hs, b_err;
  assign m_axi_bready_o = 1'b1;
  assign b_hs           = m_axi_bvalid_i && (bf_cnt_q != '0);
  assign b_err          = m_axi_bresp_i[1];
  assign bf_pop         = b_hs;
  assign done_o         = b_hs && bf_head[16] && !b_err && !drop;

  always_comb begin
    lf_mem_d = lf_mem_q;
    lf_wr_d  = lf_wr_q;
    lf_rd_d  = lf_rd_q;
    bf_mem_d = bf_mem_q;
    bf_wr_d  = bf_wr_q;
    bf_rd_d  = bf_rd_q;
    if (aw_commit) begin
      lf_mem_d[32'(lf_wr_q)*8 +: 8]   = 8'(burst - 1'b1);
      lf_wr_d                         = (32'(lf_wr_q) == MAX_OUTST - 1) ? '0 : lf_wr_q + 1'b1;
      bf_mem_d[32'(bf_wr_q)*17 +: 17] = {burst_last, c_slot_q};
      bf_wr_d                         = (32'(bf_wr_q) == MAX_OUTST - 1) ? '0 : bf_wr_q + 1'b1;
    end
    if (lf_pop) begin
      lf_rd_d = (32'(lf_rd_q) == MAX_OUTST - 1) ? '0 : lf_rd_q + 1'b1;
    end
    if (bf_pop) begin
      bf_rd_d = (32'(bf_rd_q) == MAX_OUTST - 1) ? '0 : bf_rd_q + 1'b1;
    end
    lf_cnt_d = lf_cnt_q + OST_W'(aw_commit) - OST_W'(lf_pop);
    bf_cnt_d = bf_cnt_q + OST_W'(aw_commit) - OST_W'(bf_pop);
  end

  always_comb begin
    err_d      = err_q;
    err_slot_d = err_slot_q;
    drain_d    = drain_q;
    if (b_hs && b_err && !drop) begin
      err_d      = 1'b1;
      err_slot_d = bf_head[15:0];
    end
    if (abort_i) begin
      err_d   = 1'b0;
      drain_d = 1'b1;
    end else if (bf_cnt_d == '0) begin
      drain_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Data sequencer: parameter reads, row reads into a two-entry row FIFO.
  // ---------------------------------------------------------------------------------
  logic [1:0]        pidx_q, pidx_d;         // next parameter entry to read; 3 = done
  logic [15:0]       rd_rows_q, rd_rows_d;   // row reads left
  logic [15:0]       rd_next_q, rd_next_d;   // next row's ACC address
  logic              tag_valid_q, tag_valid_d;
  logic              tag_row_q, tag_row_d;
  logic [1:0]        tag_pidx_q, tag_pidx_d;
  logic [3*RW-1:0]   par_q, par_d;           // {shift/zp, mult, bias}
  logic [2*RW-1:0]   rf_mem_q, rf_mem_d;
  logic              rf_rd_q, rf_rd_d, rf_wr_q, rf_wr_d;
  logic [1:0]        rf_cnt_q, rf_cnt_d;
  logic              rf_pop;
  logic [1:0]        pnext;                  // first needed index >= pidx_q + 1
  logic [1:0]        pfirst;                 // first needed index of an instruction
  logic              rd_hs;
  logic              row_credit;

  always_comb begin
    // After bias (0): mult (1) and shift/zp (2), which int8 output needs.
    if (pidx_q <= 2'd1 && !c_i32_q) begin
      pnext = pidx_q + 2'd1;
    end else begin
      pnext = 2'd3;
    end
    // For the instruction being accepted (its fields are on insn_i).
    if (insn_i[loom_pkg::STORE_BIAS_EN_LO]) begin
      pfirst = 2'd0;
    end else if (!insn_i[loom_pkg::STORE_OUT_I32_LO]) begin
      pfirst = 2'd1;
    end else begin
      pfirst = 2'd3;
    end
  end

  assign row_credit = (32'(rf_cnt_q) + 32'(tag_valid_q && tag_row_q) - 32'(rf_pop)) < 2;

  always_comb begin
    st_re_o    = 1'b0;
    st_raddr_o = '0;
    if (ds_busy_q && !drop) begin
      if (pidx_q != 2'd3) begin
        st_re_o    = 1'b1;
        st_raddr_o = ACC_AW'(c_pp_q + 16'(pidx_q));
      end else if (rd_rows_q != '0 && row_credit) begin
        st_re_o    = 1'b1;
        st_raddr_o = ACC_AW'(rd_next_q);
      end
    end
  end
  assign rd_hs = st_re_o && st_gnt_i;

  always_comb begin
    pidx_d      = pidx_q;
    rd_rows_d   = rd_rows_q;
    rd_next_d   = rd_next_q;
    tag_valid_d = rd_hs;
    tag_row_d   = pidx_q == 2'd3;
    tag_pidx_d  = pidx_q;
    if (accept) begin
      pidx_d    = pfirst;
      rd_rows_d = insn_i[loom_pkg::STORE_ROWS_LO +: loom_pkg::STORE_ROWS_W];
      rd_next_d = insn_i[loom_pkg::STORE_ACC_ADDR_LO +: loom_pkg::STORE_ACC_ADDR_W];
    end else if (rd_hs) begin
      if (pidx_q != 2'd3) begin
        pidx_d = pnext;
      end else begin
        rd_rows_d = rd_rows_q - 1'b1;
        rd_next_d = rd_next_q + 1'b1;
      end
    end
    if (abort_i || err_q) begin
      tag_valid_d = 1'b0;
    end
  end

  // Read data.
  always_comb begin
    par_d    = par_q;
    rf_mem_d = rf_mem_q;
    rf_wr_d  = rf_wr_q;
    rf_rd_d  = rf_rd_q;
    if (st_rvalid_i && tag_valid_q) begin
      if (tag_row_q) begin
        rf_mem_d[32'(rf_wr_q)*RW +: RW] = st_rdata_i;
        rf_wr_d                         = !rf_wr_q;
      end else begin
        par_d[32'(tag_pidx_q)*RW +: RW] = st_rdata_i;
      end
    end
    if (rf_pop) begin
      rf_rd_d = !rf_rd_q;
    end
    rf_cnt_d = rf_cnt_q + 2'(st_rvalid_i && tag_valid_q && tag_row_q) - 2'(rf_pop);
    if (abort_i || err_q) begin
      rf_rd_d  = 1'b0;
      rf_wr_d  = 1'b0;
      rf_cnt_d = '0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Chunk generator (stage 0): PP lanes of the head row into the requant lanes.
  // ---------------------------------------------------------------------------------
  logic [CH_W-1:0]  cg_ch_q, cg_ch_d;       // chunk index within the row
  logic [15:0]      cg_rows_q, cg_rows_d;   // rows left to post-process
  logic [LB-1:0]    cg_off_q, cg_off_d;     // row start offset within its beat
  logic             cg_issue;
  logic             cg_first, cg_last;
  logic [KB_W-1:0]  cg_nbytes;
  logic [LANEP-1:0] row_pad, bias_pad, mult_pad, shzp_pad;
  logic [32*PP-1:0] l_acc, l_bias, l_mult, l_shzp;
  logic [8:0]       lanes_left;
  logic             credit_ok;

  always_comb begin
    row_pad  = LANEP'(rf_mem_q[32'(rf_rd_q)*RW +: RW]);
    bias_pad = LANEP'(par_q[0 +: RW]);
    mult_pad = LANEP'(par_q[RW +: RW]);
    shzp_pad = LANEP'(par_q[2*RW +: RW]);
    l_acc    = row_pad[32'(cg_ch_q)*32*PP +: 32*PP];
    l_bias   = bias_pad[32'(cg_ch_q)*32*PP +: 32*PP];
    l_mult   = mult_pad[32'(cg_ch_q)*32*PP +: 32*PP];
    l_shzp   = shzp_pad[32'(cg_ch_q)*32*PP +: 32*PP];
    lanes_left = {1'b0, c_cols_q} - 9'(32'(cg_ch_q) * PP);
    cg_first = cg_ch_q == '0;
    cg_last  = lanes_left <= 9'(PP);
    cg_nbytes = KB_W'(cg_last ? lanes_left : 9'(PP));
    if (c_i32_q) begin
      cg_nbytes = KB_W'({cg_nbytes, 2'b00});
    end
  end

  // ---------------------------------------------------------------------------------
  // Requant lanes and the pipeline of chunk meta data.
  // ---------------------------------------------------------------------------------
  typedef struct packed {
    logic            valid;
    logic            i32;
    logic [KB_W-1:0] nbytes;
    logic            first;
    logic            last;
    logic [LB-1:0]   off;
  } meta_t;
  localparam int unsigned META_W = 1 + 1 + KB_W + 1 + 1 + LB;  // $bits(meta_t)

  meta_t            m_in, m_out;
  logic [32*PP-1:0] y;

  for (genvar l = 0; l < PP; l++) begin : g_lane
    loom_requant #(.PIPE(PIPE)) u_requant (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .acc_i     (l_acc[32*l +: 32]),
      .bias_i    (l_bias[32*l +: 32]),
      .bias_en_i (c_bias_q),
      .mult_i    (l_mult[32*l +: 32]),
      .shift_i   (l_shzp[32*l +: 6]),
      .zp_i      (l_shzp[32*l + 8 +: 8]),
      .relu_i    (c_relu_q),
      .out_i32_i (c_i32_q),
      .y_o       (y[32*l +: 32])
    );
  end

  always_comb begin
    m_in.valid  = cg_issue;
    m_in.i32    = c_i32_q;
    m_in.nbytes = cg_nbytes;
    m_in.first  = cg_first;
    m_in.last   = cg_last;
    m_in.off    = cg_off_q;
  end

  // Meta data delay line: slot s holds the chunk issued s+1 cycles ago; the last one
  // lines up with y.
  logic [CFC_W:0] inflight;                 // chunks in the requant pipeline
  if (PIPE == 0) begin : g_meta_comb
    assign m_out    = m_in;
    assign inflight = '0;
  end else begin : g_meta_pipe
    logic [PIPE*META_W-1:0] mp_q, mp_d;
    always_comb begin
      mp_d     = (PIPE*META_W)'({mp_q, m_in});  // shift in, oldest drops out
      inflight = '0;
      for (int unsigned s = 0; s < PIPE; s++) begin
        inflight = inflight + (CFC_W+1)'(mp_q[s*META_W + META_W - 1]);
      end
      if (abort_i || err_q) begin
        mp_d = '0;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        mp_q <= '0;
      end else begin
        mp_q <= mp_d;
      end
    end
    assign m_out = mp_q[(PIPE-1)*META_W +: META_W];
  end

  // Chunk bytes.
  logic [8*K-1:0] ch_data;
  always_comb begin
    ch_data = '0;
    for (int unsigned l = 0; l < PP; l++) begin
      if (m_out.i32) begin
        ch_data[32*l +: 32] = y[32*l +: 32];
      end else begin
        ch_data[8*l +: 8] = y[32*l +: 8];
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // Chunk FIFO.
  // ---------------------------------------------------------------------------------
  logic [CFD*CHUNK_W-1:0] cf_mem_q, cf_mem_d;
  logic [CFP_W-1:0]       cf_rd_q, cf_rd_d, cf_wr_q, cf_wr_d;
  logic [CFC_W-1:0]       cf_cnt_q, cf_cnt_d;
  logic                   cf_push, cf_pop;
  logic [CHUNK_W-1:0]     cf_head;
  logic [8*K-1:0]         h_data;
  logic [KB_W-1:0]        h_nbytes;
  logic                   h_first, h_last;
  logic [LB-1:0]          h_off;

  assign cf_push   = m_out.valid && !(abort_i || err_q);
  assign cf_head   = cf_mem_q[32'(cf_rd_q)*CHUNK_W +: CHUNK_W];
  assign {h_data, h_nbytes, h_first, h_last, h_off} = cf_head;
  assign credit_ok = (32'(cf_cnt_q) + 32'(inflight)) < CFD;

  always_comb begin
    cf_mem_d = cf_mem_q;
    cf_wr_d  = cf_wr_q;
    cf_rd_d  = cf_rd_q;
    if (cf_push) begin
      cf_mem_d[32'(cf_wr_q)*CHUNK_W +: CHUNK_W] = {ch_data, m_out.nbytes, m_out.first, m_out.last,
                                                   m_out.off};
      cf_wr_d = (32'(cf_wr_q) == CFD - 1) ? '0 : cf_wr_q + 1'b1;
    end
    if (cf_pop) begin
      cf_rd_d = (32'(cf_rd_q) == CFD - 1) ? '0 : cf_rd_q + 1'b1;
    end
    cf_cnt_d = cf_cnt_q + CFC_W'(cf_push) - CFC_W'(cf_pop);
    if (abort_i || err_q) begin
      cf_rd_d  = '0;
      cf_wr_d  = '0;
      cf_cnt_d = '0;
    end
  end

  // Stage 0 control.
  assign cg_issue = ds_busy_q && !drop && (pidx_q == 2'd3) && (rf_cnt_q != '0) && credit_ok &&
                    (cg_rows_q != '0);
  assign rf_pop   = cg_issue && cg_last;

  always_comb begin
    ds_busy_d = ds_busy_q;
    cg_ch_d   = cg_ch_q;
    cg_rows_d = cg_rows_q;
    cg_off_d  = cg_off_q;
    if (accept) begin
      ds_busy_d = 1'b1;
      cg_ch_d   = '0;
      cg_rows_d = insn_i[loom_pkg::STORE_ROWS_LO +: loom_pkg::STORE_ROWS_W];
      cg_off_d  = dma_base_i[LB-1:0] + insn_i[loom_pkg::STORE_DRAM_OFF_LO +: LB];
    end else if (cg_issue) begin
      cg_ch_d = cg_ch_q + 1'b1;
      if (cg_last) begin
        cg_ch_d   = '0;
        cg_rows_d = cg_rows_q - 1'b1;
        cg_off_d  = cg_off_q + c_stride_q[LB-1:0];
        if (cg_rows_q == 16'd1) begin
          ds_busy_d = 1'b0;
        end
      end
    end
    if (abort_i || err_q) begin
      ds_busy_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------------------------
  // W packer: chunks of a row -> aligned beats with strobes.
  // ---------------------------------------------------------------------------------
  logic [8*WB-1:0]   wp_data_q, wp_data_d;
  logic [WB-1:0]     wp_strb_q, wp_strb_d;
  logic [FILL_W-1:0] wp_fill_q, wp_fill_d;   // bytes up to the last one written
  logic              wp_flush_q, wp_flush_d; // the row's last chunk is in
  logic              beat_rdy, emit;
  logic [FILL_W-1:0] fill_e, pos;
  logic [8*WB-1:0]   data_e;
  logic [WB-1:0]     strb_e;
  logic [K-1:0]      h_strb;
  logic [8*K-1:0]    h_dmask;                // bytes of the chunk that belong to the row
  logic [8*K-1:0]    h_row;

  logic              w_valid_q, w_valid_d;
  logic [8*B-1:0]    w_data_q, w_data_d;
  logic [B-1:0]      w_strb_q, w_strb_d;
  logic              w_last_q, w_last_d;
  logic [7:0]        wb_cnt_q, wb_cnt_d;     // beats loaded of the head burst
  logic              w_load, w_owed;

  assign w_load = !w_valid_q || m_axi_wready_i;
  assign w_owed = lf_cnt_q != '0;

  always_comb begin
    beat_rdy = (wp_fill_q >= FILL_W'(B)) || (wp_flush_q && wp_fill_q != '0);
    emit     = beat_rdy && w_load && w_owed && !drop;
    fill_e   = wp_fill_q;
    data_e   = wp_data_q;
    strb_e   = wp_strb_q;
    if (emit) begin
      fill_e = (wp_fill_q > FILL_W'(B)) ? wp_fill_q - FILL_W'(B) : '0;
      data_e = wp_data_q >> W8B;
      strb_e = wp_strb_q >> B;
    end
    for (int unsigned i = 0; i < K; i++) begin
      h_strb[i]          = i < 32'(h_nbytes);
      h_dmask[8*i +: 8]  = {8{h_strb[i]}};
    end
    cf_pop = (cf_cnt_q != '0) && !drop &&
             (h_first ? (fill_e == '0) : (fill_e < FILL_W'(B)));
    pos    = h_first ? FILL_W'(h_off) : fill_e;
    h_row  = h_data & h_dmask;

    wp_data_d  = data_e;
    wp_strb_d  = strb_e;
    wp_fill_d  = fill_e;
    wp_flush_d = wp_flush_q && (fill_e != '0);
    if (cf_pop) begin
      wp_data_d  = data_e | (W8WB'(h_row) << {pos, 3'b000});
      wp_strb_d  = strb_e | (WB'(h_strb) << pos);
      wp_fill_d  = pos + FILL_W'(h_nbytes);
      wp_flush_d = h_last;
    end
    if (abort_i || err_q) begin
      wp_data_d  = '0;
      wp_strb_d  = '0;
      wp_fill_d  = '0;
      wp_flush_d = 1'b0;
    end
  end

  // W output register; beats owed to bursts already on AW go out with WSTRB = 0 when
  // dropping.
  logic w_take;
  always_comb begin
    w_take     = w_load && w_owed && (emit || drop);
    w_valid_d  = w_valid_q && !m_axi_wready_i;
    w_data_d   = w_data_q;
    w_strb_d   = w_strb_q;
    w_last_d   = w_last_q;
    wb_cnt_d   = wb_cnt_q;
    lf_pop     = 1'b0;
    if (w_take) begin
      w_valid_d = 1'b1;
      w_data_d  = W8B'(wp_data_q);
      w_strb_d  = drop ? '0 : B'(wp_strb_q);
      w_last_d  = wb_cnt_q == lf_head;
      if (wb_cnt_q == lf_head) begin
        wb_cnt_d = '0;
        lf_pop   = 1'b1;
      end else begin
        wb_cnt_d = wb_cnt_q + 1'b1;
      end
    end
  end

  assign m_axi_awid_o    = '0;
  assign m_axi_awaddr_o  = aw_addr_q;
  assign m_axi_awlen_o   = aw_len_q;
  assign m_axi_awsize_o  = 3'($clog2(B));
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_awvalid_o = aw_valid_q;
  assign m_axi_wdata_o   = w_data_q;
  assign m_axi_wstrb_o   = w_strb_q;
  assign m_axi_wlast_o   = w_last_q;
  assign m_axi_wvalid_o  = w_valid_q;

  // ---------------------------------------------------------------------------------
  // Status.
  // ---------------------------------------------------------------------------------
  logic pipe_busy;
  assign pipe_busy   = (inflight != '0) || (cf_cnt_q != '0) || (wp_fill_q != '0) || wp_flush_q ||
                       (rf_cnt_q != '0) || tag_valid_q;
  assign idle_o      = !aw_busy_q && !ds_busy_q && !pipe_busy && (bf_cnt_q == '0) && !aw_valid_q &&
                       !w_valid_q && !drain_q;
  assign err_o       = err_q;
  assign err_code_o  = loom_pkg::ERR_BUS_ERROR;
  assign err_slot_o  = err_slot_q;
  assign stall_mem_o = !idle_o && ((m_axi_awvalid_o && !m_axi_awready_i) ||
                                   (m_axi_wvalid_o && !m_axi_wready_i) ||
                                   (beat_rdy && !w_owed) ||
                                   (aw_busy_q && 32'(bf_cnt_q) >= MAX_OUTST));

  // ---------------------------------------------------------------------------------
  // Registers.
  // ---------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_i32_q    <= 1'b0;
      c_relu_q   <= 1'b0;
      c_bias_q   <= 1'b0;
      c_pp_q     <= '0;
      c_slot_q   <= '0;
      c_cols_q   <= '0;
      c_stride_q <= '0;
    end else if (accept) begin
      c_i32_q    <= insn_i[loom_pkg::STORE_OUT_I32_LO];
      c_relu_q   <= insn_i[loom_pkg::STORE_RELU_LO];
      c_bias_q   <= insn_i[loom_pkg::STORE_BIAS_EN_LO];
      c_pp_q     <= insn_i[loom_pkg::STORE_PP_ADDR_LO +: loom_pkg::STORE_PP_ADDR_W];
      c_slot_q   <= slot_i;
      c_cols_q   <= insn_i[loom_pkg::STORE_COLS_LO +: loom_pkg::STORE_COLS_W];
      c_stride_q <= insn_i[loom_pkg::STORE_STRIDE_LO +: loom_pkg::STORE_STRIDE_W];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q       <= 1'b0;
      err_slot_q  <= '0;
      drain_q     <= 1'b0;
      aw_busy_q   <= 1'b0;
      ds_busy_q   <= 1'b0;
      ag_row_q    <= '0;
      ag_rows_q   <= '0;
      ag_mid_q    <= 1'b0;
      ag_baddr_q  <= '0;
      ag_beats_q  <= '0;
      aw_valid_q  <= 1'b0;
      aw_addr_q   <= '0;
      aw_len_q    <= '0;
      lf_mem_q    <= '0;
      lf_rd_q     <= '0;
      lf_wr_q     <= '0;
      lf_cnt_q    <= '0;
      bf_mem_q    <= '0;
      bf_rd_q     <= '0;
      bf_wr_q     <= '0;
      bf_cnt_q    <= '0;
      pidx_q      <= 2'd3;
      rd_rows_q   <= '0;
      rd_next_q   <= '0;
      tag_valid_q <= 1'b0;
      tag_row_q   <= 1'b0;
      tag_pidx_q  <= '0;
      par_q       <= '0;
      rf_mem_q    <= '0;
      rf_rd_q     <= 1'b0;
      rf_wr_q     <= 1'b0;
      rf_cnt_q    <= '0;
      cg_ch_q     <= '0;
      cg_rows_q   <= '0;
      cg_off_q    <= '0;
      cf_mem_q    <= '0;
      cf_rd_q     <= '0;
      cf_wr_q     <= '0;
      cf_cnt_q    <= '0;
      wp_data_q   <= '0;
      wp_strb_q   <= '0;
      wp_fill_q   <= '0;
      wp_flush_q  <= 1'b0;
      w_valid_q   <= 1'b0;
      w_data_q    <= '0;
      w_strb_q    <= '0;
      w_last_q    <= 1'b0;
      wb_cnt_q    <= '0;
    end else begin
      err_q       <= err_d;
      err_slot_q  <= err_slot_d;
      drain_q     <= drain_d;
      aw_busy_q   <= aw_busy_d;
      ds_busy_q   <= ds_busy_d;
      ag_row_q    <= ag_row_d;
      ag_rows_q   <= ag_rows_d;
      ag_mid_q    <= ag_mid_d;
      ag_baddr_q  <= ag_baddr_d;
      ag_beats_q  <= ag_beats_d;
      aw_valid_q  <= aw_valid_d;
      aw_addr_q   <= aw_addr_d;
      aw_len_q    <= aw_len_d;
      lf_mem_q    <= lf_mem_d;
      lf_rd_q     <= lf_rd_d;
      lf_wr_q     <= lf_wr_d;
      lf_cnt_q    <= lf_cnt_d;
      bf_mem_q    <= bf_mem_d;
      bf_rd_q     <= bf_rd_d;
      bf_wr_q     <= bf_wr_d;
      bf_cnt_q    <= bf_cnt_d;
      pidx_q      <= pidx_d;
      rd_rows_q   <= rd_rows_d;
      rd_next_q   <= rd_next_d;
      tag_valid_q <= tag_valid_d;
      tag_row_q   <= tag_row_d;
      tag_pidx_q  <= tag_pidx_d;
      par_q       <= par_d;
      rf_mem_q    <= rf_mem_d;
      rf_rd_q     <= rf_rd_d;
      rf_wr_q     <= rf_wr_d;
      rf_cnt_q    <= rf_cnt_d;
      cg_ch_q     <= cg_ch_d;
      cg_rows_q   <= cg_rows_d;
      cg_off_q    <= cg_off_d;
      cf_mem_q    <= cf_mem_d;
      cf_rd_q     <= cf_rd_d;
      cf_wr_q     <= cf_wr_d;
      cf_cnt_q    <= cf_cnt_d;
      wp_data_q   <= wp_data_d;
      wp_strb_q   <= wp_strb_d;
      wp_fill_q   <= wp_fill_d;
      wp_flush_q  <= wp_flush_d;
      w_valid_q   <= w_valid_d;
      w_data_q    <= w_data_d;
      w_strb_q    <= w_strb_d;
      w_last_q    <= w_last_d;
      wb_cnt_q    <= wb_cnt_d;
    end
  end

  // Single ID, EXOKAY never asked for; lanes' shift/zp fields use bits 5:0 and 15:8.
  logic unused;
  assign unused = ^{m_axi_bid_i, m_axi_bresp_i[0], l_shzp};

`ifndef SYNTHESIS
  // ROWS is in the parameter list for uniformity with the other units.
  initial begin
    assert (ROWS >= 1 && COLS >= 1 && PP_LANES >= 1 && PIPE <= 2 && BUS_BYTES >= 4);
  end
  a_rvalid_tagged: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(st_rvalid_i && !tag_valid_q && !abort_i));
  a_b_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(m_axi_bvalid_i && bf_cnt_q == '0)) else $error("B with nothing outstanding at %0t", $time);
  a_cols: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(accept && (insn_i[loom_pkg::STORE_COLS_LO +: loom_pkg::STORE_COLS_W] == '0 ||
                   32'(insn_i[loom_pkg::STORE_COLS_LO +: loom_pkg::STORE_COLS_W]) > COLS)));
`endif

endmodule
