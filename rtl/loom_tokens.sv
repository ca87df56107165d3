// SPDX-License-Identifier: Apache-2.0
// The four dependency-token counters (docs/isa.md "Execution"). Index:
//   TOK_L2C 0 load->compute   pushed by load,    popped by compute (pop_prev)
//   TOK_C2L 1 compute->load   pushed by compute, popped by load    (pop_next)
//   TOK_C2S 2 compute->store  pushed by compute, popped by store   (pop_prev)
//   TOK_S2C 3 store->compute  pushed by store,   popped by compute (pop_next)
// Every counter has exactly one pusher and one popper, so at most one push and one pop
// per counter per cycle. A pop is only requested when nonzero_o says a token is there.
// A push that would take a counter past TOKEN_MAX raises overflow_o (the counter
// saturates; the dispatcher stops the engine on it).
module loom_tokens #(
  parameter int unsigned TOKEN_MAX = 255,
  localparam int unsigned CNT_W = $clog2(TOKEN_MAX + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,

  input  logic [3:0]       pop_i,
  input  logic [3:0]       push_i,

  output logic [3:0]       nonzero_o,
  output logic             all_zero_o,
  output logic [3:0]       overflow_o,
  output logic [4*CNT_W-1:0] count_o    // counter i at [i*CNT_W +: CNT_W]
);

  logic [4*CNT_W-1:0] cnt_q, cnt_d;

  always_comb begin
    for (int unsigned i = 0; i < 4; i++) begin
      cnt_d[i*CNT_W +: CNT_W]      = cnt_q[i*CNT_W +: CNT_W];
      overflow_o[i] = 1'b0;
      if (clear_i) begin
        cnt_d[i*CNT_W +: CNT_W] = '0;
      end else begin
        unique case ({push_i[i], pop_i[i]})
          2'b10: begin
            if (cnt_q[i*CNT_W +: CNT_W] == CNT_W'(TOKEN_MAX)) begin
              overflow_o[i] = 1'b1;
            end else begin
              cnt_d[i*CNT_W +: CNT_W] = cnt_q[i*CNT_W +: CNT_W] + CNT_W'(1);
            end
          end
          2'b01:   cnt_d[i*CNT_W +: CNT_W] = cnt_q[i*CNT_W +: CNT_W] - CNT_W'(1);
          default: cnt_d[i*CNT_W +: CNT_W] = cnt_q[i*CNT_W +: CNT_W];
        endcase
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q <= '0;
    end else begin
      cnt_q <= cnt_d;
    end
  end

  assign count_o = cnt_q;

  always_comb begin
    all_zero_o = 1'b1;
    for (int unsigned i = 0; i < 4; i++) begin
      nonzero_o[i] = (cnt_q[i*CNT_W +: CNT_W] != '0);
      all_zero_o   = all_zero_o & ~nonzero_o[i];
    end
  end

`ifndef SYNTHESIS
  initial begin
    if (TOKEN_MAX < 1 || TOKEN_MAX > 255) $fatal(1, "loom_tokens: TOKEN_MAX must be 1..255");
  end
  for (genvar i = 0; i < 4; i++) begin : g_assert
    assert property (@(posedge clk_i) disable iff (!rst_ni)
                     !clear_i && pop_i[i] |-> cnt_q[i*CNT_W +: CNT_W] != '0)
      else $error("loom_tokens: pop of empty counter %0d", i);
  end
`endif

endmodule
