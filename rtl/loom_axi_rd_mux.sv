// SPDX-License-Identifier: Apache-2.0
// N read clients onto one AXI4 read channel (docs/microarch.md, "Read client").
// AR: round-robin among requesting clients into one output register (so ARVALID and
// the AR fields stay stable until ARREADY whatever the clients do), ARID = client
// index, INCR bursts of full-width beats. R: routed to client RID combinationally;
// beats with an RID >= N are accepted and dropped. A counter of outstanding bursts per
// client (AR accepted from the client, RLAST not yet delivered); idle_o when no burst
// is outstanding and no AR is waiting, so soft reset can drain the bus.
module loom_axi_rd_mux #(
  parameter int unsigned N         = 3,
  parameter int unsigned BUS_BYTES = 16,
  parameter int unsigned ADDR_W    = 32,
  parameter int unsigned CNT_W     = 6     // outstanding bursts per client < 2^CNT_W
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  // clients (index c = ARID c)
  input  logic [N-1:0]                     rd_req_valid_i,
  output logic [N-1:0]                     rd_req_ready_o,
  input  logic [N*ADDR_W-1:0]              rd_req_addr_i,   // client c at [c*ADDR_W +: ADDR_W]
  input  logic [N*8-1:0]                   rd_req_len_i,
  output logic [N-1:0]                     rd_valid_o,
  input  logic [N-1:0]                     rd_ready_i,
  output logic [N*8*BUS_BYTES-1:0]         rd_data_o,       // one copy per client
  output logic [N-1:0]                     rd_last_o,
  output logic [N-1:0]                     rd_err_o,
  output logic                             idle_o,
  // AXI4 read master
  output logic [3:0]                       m_axi_arid_o,
  output logic [ADDR_W-1:0]                m_axi_araddr_o,
  output logic [7:0]                       m_axi_arlen_o,
  output logic [2:0]                       m_axi_arsize_o,
  output logic [1:0]                       m_axi_arburst_o,
  output logic                             m_axi_arvalid_o,
  input  logic                             m_axi_arready_i,
  input  logic [3:0]                       m_axi_rid_i,
  input  logic [8*BUS_BYTES-1:0]           m_axi_rdata_i,
  input  logic [1:0]                       m_axi_rresp_i,
  input  logic                             m_axi_rlast_i,
  input  logic                             m_axi_rvalid_i,
  output logic                             m_axi_rready_o
);

  localparam int unsigned IDX_W = (N > 1) ? $clog2(N) : 1;
  localparam logic [2:0]  SIZE  = 3'($clog2(BUS_BYTES));

  // ---------------------------------------------------------------------------------
  // AR arbitration: round-robin starting after the last winner.
  // ---------------------------------------------------------------------------------
  logic             ar_valid_q, ar_valid_d;
  logic [3:0]       ar_id_q, ar_id_d;
  logic [ADDR_W-1:0] ar_addr_q, ar_addr_d;
  logic [7:0]       ar_len_q, ar_len_d;
  logic [IDX_W-1:0] last_q, last_d;

  logic             ar_load;
  logic             win_valid;
  logic [IDX_W-1:0] win_idx;

  always_comb begin
    win_valid = 1'b0;
    win_idx   = '0;
    // Scan last+1 ... last+N (mod N); the first requesting client wins.
    for (int unsigned k = 1; k <= N; k++) begin
      if (!win_valid && rd_req_valid_i[(32'(last_q) + k) % N]) begin
        win_valid = 1'b1;
        win_idx   = IDX_W'((32'(last_q) + k) % N);
      end
    end
  end

  assign ar_load = !ar_valid_q || m_axi_arready_i;

  always_comb begin
    ar_valid_d     = ar_valid_q;
    ar_id_d        = ar_id_q;
    ar_addr_d      = ar_addr_q;
    ar_len_d       = ar_len_q;
    last_d         = last_q;
    rd_req_ready_o = '0;
    if (ar_load) begin
      ar_valid_d = win_valid;
      if (win_valid) begin
        ar_id_d                 = 4'(win_idx);
        ar_addr_d               = rd_req_addr_i[32'(win_idx)*ADDR_W +: ADDR_W];
        ar_len_d                = rd_req_len_i[32'(win_idx)*8 +: 8];
        last_d                  = win_idx;
        rd_req_ready_o[win_idx] = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ar_valid_q <= 1'b0;
      ar_id_q    <= '0;
      ar_addr_q  <= '0;
      ar_len_q   <= '0;
      last_q     <= IDX_W'(N - 1);
    end else begin
      ar_valid_q <= ar_valid_d;
      ar_id_q    <= ar_id_d;
      ar_addr_q  <= ar_addr_d;
      ar_len_q   <= ar_len_d;
      last_q     <= last_d;
    end
  end

  assign m_axi_arvalid_o = ar_valid_q;
  assign m_axi_arid_o    = ar_id_q;
  assign m_axi_araddr_o  = ar_addr_q;
  assign m_axi_arlen_o   = ar_len_q;
  assign m_axi_arsize_o  = SIZE;
  assign m_axi_arburst_o = 2'b01;  // INCR

  // ---------------------------------------------------------------------------------
  // R routing by RID.
  // ---------------------------------------------------------------------------------
  always_comb begin
    rd_valid_o     = '0;
    m_axi_rready_o = 1'b1;  // unknown RID: drop
    for (int unsigned c = 0; c < N; c++) begin
      rd_data_o[c*8*BUS_BYTES +: 8*BUS_BYTES] = m_axi_rdata_i;
      rd_last_o[c] = m_axi_rlast_i;
      rd_err_o[c]  = m_axi_rresp_i[1];  // SLVERR / DECERR
      if (32'(m_axi_rid_i) == c) begin
        rd_valid_o[c]  = m_axi_rvalid_i;
        m_axi_rready_o = rd_ready_i[c];
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // Outstanding bursts per client (accepted into the AR register .. RLAST delivered).
  // ---------------------------------------------------------------------------------
  logic [N*CNT_W-1:0] outst_q, outst_d;  // client c at [c*CNT_W +: CNT_W]
  logic                    any_outst;

  always_comb begin
    any_outst = 1'b0;
    for (int unsigned c = 0; c < N; c++) begin
      logic [CNT_W-1:0] cnt;
      cnt = outst_q[c*CNT_W +: CNT_W];
      if (rd_req_valid_i[c] && rd_req_ready_o[c]) begin
        cnt = cnt + 1'b1;
      end
      if (rd_valid_o[c] && rd_ready_i[c] && m_axi_rlast_i) begin
        cnt = cnt - 1'b1;
      end
      outst_d[c*CNT_W +: CNT_W] = cnt;
      any_outst = any_outst || (outst_q[c*CNT_W +: CNT_W] != '0);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      outst_q <= '0;
    end else begin
      outst_q <= outst_d;
    end
  end

  assign idle_o = !any_outst && !ar_valid_q;

  logic unused_rresp0;
  assign unused_rresp0 = m_axi_rresp_i[0];  // EXOKAY is not requested

`ifndef SYNTHESIS
  for (genvar c = 0; c < N; c++) begin : g_assert
    // RLAST for a client with nothing outstanding would be a memory protocol error.
    a_rlast_outst: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(rd_valid_o[c] && rd_ready_i[c] && m_axi_rlast_i && outst_q[c*CNT_W +: CNT_W] == '0));
    a_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(rd_req_valid_i[c] && rd_req_ready_o[c] && outst_q[c*CNT_W +: CNT_W] == {CNT_W{1'b1}}));
  end
`endif

endmodule
