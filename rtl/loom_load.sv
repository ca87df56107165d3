// SPDX-License-Identifier: Apache-2.0
// LOAD unit (docs/isa.md LOAD, docs/microarch.md loom_load). Row r of an instruction is
// the `cols` elements at dma_base + dram_off + r*stride; with E elements per entry it
// fills ceil(cols/E) entries from sram_addr + r*ceil(cols/E), the tail of the last one
// zero. E bytes = ROWS (APAD), COLS (WPAD), 4*COLS (ACC); OUT_BYTES is the write port
// width (max(ROWS, COLS) in the load queue, 4*COLS in the compute queue).
// Instructions are pipelined through loom_dma_rd (up to CMD_DEPTH accepted and not
// done); done_o pulses in acceptance order after the last entry of each is written.
// Bus error: no entry of the failing instruction or a later one is written, err_o rises
// with err_slot_o = the failing instruction's slot and stays until abort_i; the unit
// accepts nothing more, drains its outstanding reads and then shows idle_o.
// abort_i: drop everything (no further done_o), drain reads, go idle.
module loom_load #(
  parameter int unsigned ROWS      = 16,
  parameter int unsigned COLS      = 16,
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned OUT_BYTES = (ROWS > COLS) ? ROWS : COLS
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
  // write port (no back-pressure)
  output logic                   wr_valid_o,
  output loom_pkg::mem_e         wr_mem_o,
  output logic [15:0]            wr_addr_o,
  output logic [8*OUT_BYTES-1:0] wr_data_o,
  // errors, perf
  output logic                   err_o,
  output loom_pkg::err_e         err_code_o,
  output logic [15:0]            err_slot_o,
  output logic                   stall_mem_o
);

  localparam int unsigned CMD_DEPTH = 4;
  localparam int unsigned ROWB_W    = 18;                 // cols (16 bit) * 4
  localparam int unsigned EB_W      = $clog2(OUT_BYTES + 1);
  localparam int unsigned INFO_W    = 2 + 16 + 16;        // mem, sram_addr, slot
  localparam int unsigned PTR_W     = $clog2(CMD_DEPTH);
  localparam int unsigned CNT_W     = $clog2(CMD_DEPTH + 1);

  // ---------------------------------------------------------------------------------
  // Decode.
  // ---------------------------------------------------------------------------------
  logic [1:0]        i_mem;                  // loom_pkg::mem_e
  logic [15:0]       i_sram;
  logic [31:0]       i_off;
  logic [15:0]       i_rows;
  logic [15:0]       i_cols;
  logic [23:0]       i_stride;
  logic [ROWB_W-1:0] i_rowb;
  logic [EB_W-1:0]   i_eb;
  logic              i_whole;                // a row is a whole number of entries
  logic [33:0]       i_span;                 // rows * row bytes
  logic              i_merge;
  logic [15:0]       c_rows;
  logic [ROWB_W-1:0] c_rowb;

  always_comb begin
    i_mem    = insn_i[loom_pkg::LOAD_MEM_LO +: loom_pkg::LOAD_MEM_W];
    i_sram   = insn_i[loom_pkg::LOAD_SRAM_ADDR_LO +: loom_pkg::LOAD_SRAM_ADDR_W];
    i_off    = insn_i[loom_pkg::LOAD_DRAM_OFF_LO +: loom_pkg::LOAD_DRAM_OFF_W];
    i_rows   = insn_i[loom_pkg::LOAD_ROWS_LO +: loom_pkg::LOAD_ROWS_W];
    i_cols   = insn_i[loom_pkg::LOAD_COLS_LO +: loom_pkg::LOAD_COLS_W];
    i_stride = insn_i[loom_pkg::LOAD_STRIDE_LO +: loom_pkg::LOAD_STRIDE_W];
    if (i_mem == loom_pkg::MEM_APAD) begin
      i_eb = EB_W'((ROWS < OUT_BYTES) ? ROWS : OUT_BYTES);
    end else if (i_mem == loom_pkg::MEM_WPAD) begin
      i_eb = EB_W'((COLS < OUT_BYTES) ? COLS : OUT_BYTES);
    end else begin
      i_eb = EB_W'((4 * COLS < OUT_BYTES) ? 4 * COLS : OUT_BYTES);
    end
    i_rowb = (i_mem == loom_pkg::MEM_ACC) ? {i_cols, 2'b00} : ROWB_W'(i_cols);
    // ACC rows are whole int32 lanes; entry widths are the constants chosen above.
    if (i_mem == loom_pkg::MEM_APAD) begin
      i_whole = (32'(i_cols) % ((ROWS < OUT_BYTES) ? ROWS : OUT_BYTES)) == 0;
    end else if (i_mem == loom_pkg::MEM_WPAD) begin
      i_whole = (32'(i_cols) % ((COLS < OUT_BYTES) ? COLS : OUT_BYTES)) == 0;
    end else begin
      i_whole = (32'(i_cols) % (((4 * COLS < OUT_BYTES) ? 4 * COLS : OUT_BYTES) / 4)) == 0;
    end
    // Back-to-back rows that fill whole entries are one long row: the engine then
    // issues full bursts instead of one short burst per row (a weight tile is one
    // 16-beat burst instead of ROWS one-beat ones), with the same entries out.
    i_span  = 34'(i_rows) * 34'(i_rowb);
    i_merge = i_whole && (i_rows > 16'd1) && (24'(i_rowb) == i_stride) &&
              (i_span < (34'd1 << ROWB_W));
    c_rows  = i_merge ? 16'd1 : i_rows;
    c_rowb  = i_merge ? i_span[ROWB_W-1:0] : i_rowb;
  end

  // ---------------------------------------------------------------------------------
  // Per-instruction info FIFO (same order as the DMA commands).
  // ---------------------------------------------------------------------------------
  logic [CMD_DEPTH*INFO_W-1:0] if_mem_q, if_mem_d;
  logic [PTR_W-1:0]            if_rd_q, if_rd_d, if_wr_q, if_wr_d;
  logic [CNT_W-1:0]            if_cnt_q, if_cnt_d;
  logic [INFO_W-1:0]           if_head;
  logic                        if_full, if_empty, if_push, if_pop;

  logic                        err_q, err_d;
  logic [15:0]                 err_slot_q, err_slot_d;
  logic [15:0]                 wcnt_q, wcnt_d;

  logic                        cmd_valid, cmd_ready;
  logic                        dma_valid, dma_last, dma_err, dma_idle, dma_stall;
  logic [8*OUT_BYTES-1:0]      dma_data;

  assign if_full  = if_cnt_q == CNT_W'(CMD_DEPTH);
  assign if_empty = if_cnt_q == '0;
  assign if_head  = if_mem_q[32'(if_rd_q)*INFO_W +: INFO_W];

  assign cmd_valid    = insn_valid_i && !if_full && !err_q && !abort_i;
  assign insn_ready_o = cmd_ready && !if_full && !err_q && !abort_i;
  assign if_push      = cmd_valid && cmd_ready;
  assign if_pop       = dma_valid && dma_last;

  always_comb begin
    if_mem_d = if_mem_q;
    if_rd_d  = if_rd_q;
    if_wr_d  = if_wr_q;
    if (if_push) begin
      if_mem_d[32'(if_wr_q)*INFO_W +: INFO_W] = {i_mem, i_sram, slot_i};
      if_wr_d = if_wr_q + 1'b1;
    end
    if (if_pop) begin
      if_rd_d = if_rd_q + 1'b1;
    end
    if_cnt_d = if_cnt_q + CNT_W'(if_push) - CNT_W'(if_pop);
    if (abort_i) begin
      if_rd_d  = '0;
      if_wr_d  = '0;
      if_cnt_d = '0;
    end
  end

  // ---------------------------------------------------------------------------------
  // Read engine.
  // ---------------------------------------------------------------------------------
  loom_dma_rd #(
    .BUS_BYTES (BUS_BYTES),
    .ADDR_W    (ADDR_W),
    .OUT_BYTES (OUT_BYTES),
    .ROWB_W    (ROWB_W),
    .MAX_OUTST (32),
    .CMD_DEPTH (CMD_DEPTH)
  ) u_dma (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .abort_i           (abort_i),
    .cmd_valid_i       (cmd_valid),
    .cmd_ready_o       (cmd_ready),
    .cmd_addr_i        (dma_base_i + ADDR_W'(i_off)),
    .cmd_rows_i        (c_rows),
    .cmd_row_bytes_i   (c_rowb),
    .cmd_stride_i      (i_stride),
    .cmd_entry_bytes_i (i_eb),
    .rd_req_valid_o    (rd_req_valid_o),
    .rd_req_ready_i    (rd_req_ready_i),
    .rd_req_addr_o     (rd_req_addr_o),
    .rd_req_len_o      (rd_req_len_o),
    .rd_valid_i        (rd_valid_i),
    .rd_ready_o        (rd_ready_o),
    .rd_data_i         (rd_data_i),
    .rd_last_i         (rd_last_i),
    .rd_err_i          (rd_err_i),
    .out_valid_o       (dma_valid),
    .out_ready_i       (1'b1),
    .out_data_o        (dma_data),
    .out_last_o        (dma_last),
    .err_o             (dma_err),
    .idle_o            (dma_idle),
    .stall_o           (dma_stall)
  );

  // ---------------------------------------------------------------------------------
  // Write port, completion, errors.
  // ---------------------------------------------------------------------------------
  always_comb begin
    wcnt_d = wcnt_q;
    if (dma_valid) begin
      wcnt_d = dma_last ? '0 : wcnt_q + 1'b1;
    end
    err_d      = err_q;
    err_slot_d = err_slot_q;
    if (dma_err && !err_q) begin
      err_d      = 1'b1;
      err_slot_d = if_head[15:0];
    end
    if (abort_i) begin
      wcnt_d = '0;
      err_d  = 1'b0;
    end
  end

  assign wr_valid_o  = dma_valid;
  // No enum casts (Yosys 0.23): map the stored code to the mnemonics.
  always_comb begin
    unique case (if_head[INFO_W-1 -: 2])
      2'd0:    wr_mem_o = loom_pkg::MEM_APAD;
      2'd1:    wr_mem_o = loom_pkg::MEM_WPAD;
      default: wr_mem_o = loom_pkg::MEM_ACC;
    endcase
  end
  assign wr_addr_o   = if_head[31:16] + wcnt_q;
  assign wr_data_o   = dma_data;
  assign done_o      = dma_valid && dma_last && !abort_i;
  assign idle_o      = dma_idle && (if_empty || err_q);
  assign err_o       = err_q;
  assign err_code_o  = loom_pkg::ERR_BUS_ERROR;
  assign err_slot_o  = err_slot_q;
  assign stall_mem_o = dma_stall;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      if_mem_q   <= '0;
      if_rd_q    <= '0;
      if_wr_q    <= '0;
      if_cnt_q   <= '0;
      err_q      <= 1'b0;
      err_slot_q <= '0;
      wcnt_q     <= '0;
    end else begin
      if_mem_q   <= if_mem_d;
      if_rd_q    <= if_rd_d;
      if_wr_q    <= if_wr_d;
      if_cnt_q   <= if_cnt_d;
      err_q      <= err_d;
      err_slot_q <= err_slot_d;
      wcnt_q     <= wcnt_d;
    end
  end

  logic unused_insn;
  assign unused_insn = ^{insn_i[127:120], insn_i[15:10], insn_i[7:0]};

`ifndef SYNTHESIS
  a_write_in_order: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(dma_valid && if_empty));
  a_no_write_after_err: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(wr_valid_o && err_q));
`endif

endmodule
