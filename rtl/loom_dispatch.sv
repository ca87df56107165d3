// SPDX-License-Identifier: Apache-2.0
// The engine FSM (docs/isa.md "Execution", "Errors"; docs/microarch.md "loom_dispatch").
//
//   IDLE  --start, ring ok-->  RUN  <--FENCE done-- DRAIN
//   RUN: fetched instruction -> decode register -> loom_decode -> queue push
//        FENCE / END -> DRAIN (wait until every queue is empty and every unit idle)
//   DRAIN: END -> token check -> IDLE (done) ; FENCE -> RUN
//   any error -> ABORT (abort units, flush fetch, wait for bus idle) -> ERROR
//   soft reset (any state) -> RESET (same drain) -> clear everything -> IDLE
//
// The instruction is registered before loom_decode (d_*_q) so the decode arithmetic
// starts from a flop. RING_HEAD is the slot after the last instruction taken from the
// fetcher, so after END it points just past the END even if the fetcher had read ahead.
// Deadlock: the dispatcher cannot proceed (queue full, FENCE or END) and every queue is
// either empty with nothing in flight or blocked on a token with nothing in flight, for
// DL_CYCLES cycles in a row -> TOKEN_UNDERFLOW at the head of the first blocked queue.
module loom_dispatch #(
  parameter int unsigned ROWS       = 16,
  parameter int unsigned COLS       = 16,
  parameter int unsigned APAD_DEPTH = 4096,
  parameter int unsigned WPAD_DEPTH = 4096,
  parameter int unsigned ACC_DEPTH  = 1024,
  parameter logic [1:0]  MODES      = 2'b11
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // CSR
  input  logic                start_i,
  input  logic                soft_reset_i,
  input  logic [31:0]         ring_base_i,
  input  logic [31:0]         ring_size_i,
  input  logic [31:0]         ring_tail_i,
  input  logic [31:0]         dma_base_i,
  input  logic [31:0]         dma_limit_i,
  output logic                busy_o,
  output logic                error_o,
  output logic                done_o,
  output logic                resetting_o,
  output logic [7:0]          err_code_o,
  output logic [15:0]         err_index_o,
  output logic [15:0]         ring_head_o,
  output logic [31:0]         done_count_o,
  output logic                irq_done_o,
  output logic                irq_fence_o,
  output logic                irq_error_o,

  // Fetch
  output logic                fetch_run_o,
  output logic                fetch_start_o,
  output logic                fetch_flush_o,
  input  logic                fetch_idle_i,
  input  logic                f_valid_i,
  output logic                f_ready_o,
  input  logic [127:0]        f_insn_i,
  input  logic [15:0]         f_slot_i,
  input  logic                f_err_i,

  // Queues (index = loom_pkg::queue_e)
  output logic [2:0]          q_valid_o,
  input  logic [2:0]          q_ready_i,
  output logic [127:0]        q_insn_o,
  output logic [15:0]         q_slot_o,
  input  logic [2:0]          q_empty_i,       // queue empty and nothing in flight
  input  logic [2:0]          q_blocked_i,     // head waits for a token, nothing in flight
  input  logic [47:0]         q_head_slot_i,   // queue q at [16*q +: 16]
  input  logic [47:0]         q_push_slot_i,   // slot of the instruction pushing tokens
  input  logic                units_idle_i,
  input  logic                bus_idle_i,

  // Tokens (loom_tokens indices)
  input  logic                tok_all_zero_i,
  input  logic [3:0]          tok_overflow_i,

  // Unit errors (0 load, 1 acc load, 2 store)
  input  logic [2:0]          unit_err_i,
  input  logic [23:0]         unit_err_code_i, // unit u at [8*u +: 8]
  input  logic [47:0]         unit_err_slot_i, // unit u at [16*u +: 16]

  // Control of everything else
  output logic                abort_o,         // level: issue stages hand out nothing
  output logic                unit_abort_o,    // one cycle on entering ABORT / RESET
  output logic                clear_o
);

  localparam int unsigned DL_CYCLES    = 4;
  localparam int unsigned QUIET_CYCLES = 2;   // bus idle for this long after the abort

  typedef enum logic [2:0] {
    S_IDLE, S_RUN, S_DRAIN, S_ABORT, S_ERROR, S_RESET
  } state_e;

  state_e      state_q, state_d;
  logic        d_valid_q, d_valid_d;
  logic [127:0] d_insn_q, d_insn_d;
  logic [15:0] d_slot_q, d_slot_d;
  logic        d_err_q, d_err_d;
  logic [15:0] head_q, head_d;
  logic        w_end_q, w_end_d, w_irq_q, w_irq_d;
  logic [15:0] w_slot_q, w_slot_d;
  logic [7:0]  err_code_q, err_code_d;
  logic [15:0] err_index_q, err_index_d;
  logic        done_q, done_d;
  logic [31:0] done_count_q, done_count_d;
  logic [$clog2(DL_CYCLES+1)-1:0] dl_cnt_q, dl_cnt_d;
  logic        uabort_q, uabort_d;
  logic [1:0]  quiet_q, quiet_d;
  logic        settled;

  // ---------------------------------------------------------------- decode
  loom_pkg::err_e   dec_err;
  logic [1:0]       dec_queue;
  logic             dec_fence, dec_end;

  loom_decode #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .APAD_DEPTH (APAD_DEPTH),
    .WPAD_DEPTH (WPAD_DEPTH),
    .ACC_DEPTH  (ACC_DEPTH),
    .MODES      (MODES)
  ) u_decode (
    .insn_i      (d_insn_q),
    .dma_base_i  (dma_base_i),
    .dma_limit_i (dma_limit_i),
    .err_o       (dec_err),
    .queue_o     (dec_queue),
    .fence_o     (dec_fence),
    .end_o       (dec_end)
  );

  // ---------------------------------------------------------------- ring config
  logic        ring_ok;
  logic [33:0] ring_end;
  assign ring_end = 34'(ring_base_i) + (34'(ring_size_i) << 4);
  assign ring_ok  = (ring_base_i[3:0] == 4'd0) &&
                    (ring_size_i != '0) && (ring_size_i <= 32'd65536) &&
                    (32'(head_q) < ring_size_i) && (ring_tail_i < ring_size_i) &&
                    (ring_base_i >= dma_base_i) && (ring_end <= 34'(dma_limit_i));

  function automatic logic [15:0] slot_inc(input logic [15:0] s, input logic [31:0] size);
    slot_inc = (32'(s) + 32'd1 >= size) ? 16'd0 : s + 16'd1;
  endfunction

  // ---------------------------------------------------------------- error sources
  // In priority order when several fire in one cycle: units, token overflow, deadlock,
  // the instruction in the decode register.
  logic        all_quiet, all_empty, dl_raw, disp_blocked;
  logic        d_is_queue, d_queue_ready, d_bad;
  logic        unit_err, tok_err, dl_err, consume;
  logic [7:0]  unit_code;
  logic [15:0] unit_slot, tok_slot, dl_slot;

  assign d_bad         = d_err_q || (dec_err != loom_pkg::ERR_NONE);
  assign d_is_queue    = !dec_fence && !dec_end;
  assign d_queue_ready = q_ready_i[dec_queue];
  assign all_empty     = (&q_empty_i) && units_idle_i;
  assign all_quiet     = units_idle_i && fetch_idle_i && bus_idle_i;

  always_comb begin
    unit_err  = |unit_err_i;
    unit_code = unit_err_code_i[0 +: 8];
    unit_slot = unit_err_slot_i[0 +: 16];
    if (!unit_err_i[0]) begin
      unit_code = unit_err_i[1] ? unit_err_code_i[8 +: 8] : unit_err_code_i[16 +: 8];
      unit_slot = unit_err_i[1] ? unit_err_slot_i[16 +: 16] : unit_err_slot_i[32 +: 16];
    end
    // Counter -> pushing queue: L2C load, C2L and C2S compute, S2C store.
    tok_err  = |tok_overflow_i;
    tok_slot = tok_overflow_i[0] ? q_push_slot_i[0 +: 16] :
               (tok_overflow_i[1] || tok_overflow_i[2]) ? q_push_slot_i[16 +: 16] :
               q_push_slot_i[32 +: 16];
    dl_slot  = q_blocked_i[0] ? q_head_slot_i[0 +: 16] :
               q_blocked_i[1] ? q_head_slot_i[16 +: 16] : q_head_slot_i[32 +: 16];
  end

  assign disp_blocked = (state_q == S_DRAIN) ||
                        ((state_q == S_RUN) && d_valid_q && !d_bad && d_is_queue && !d_queue_ready);
  assign dl_raw       = disp_blocked && (&(q_empty_i | q_blocked_i)) && (|q_blocked_i);
  assign dl_err       = dl_raw && (dl_cnt_q == ($bits(dl_cnt_q))'(DL_CYCLES - 1));

  always_comb begin
    dl_cnt_d = '0;
    if (dl_raw && !dl_err) begin
      dl_cnt_d = dl_cnt_q + 1'b1;
    end
  end

  // The units get a one-cycle abort when the engine enters ABORT or RESET: each drops
  // its work and drains the bus on its own (they keep a drain state). The FSM then waits
  // until units, fetcher and read mux have been idle for QUIET_CYCLES cycles in a row,
  // which also covers idle flags that react one cycle after the abort.
  assign settled = all_quiet && (quiet_q == 2'(QUIET_CYCLES - 1));
  always_comb begin
    quiet_d = '0;
    if (all_quiet && !uabort_q && !settled) begin
      quiet_d = quiet_q + 2'd1;
    end
  end

  // ---------------------------------------------------------------- FSM
  always_comb begin
    state_d      = state_q;
    d_valid_d    = d_valid_q;
    d_insn_d     = d_insn_q;
    d_slot_d     = d_slot_q;
    d_err_d      = d_err_q;
    head_d       = head_q;
    w_end_d      = w_end_q;
    w_irq_d      = w_irq_q;
    w_slot_d     = w_slot_q;
    err_code_d   = err_code_q;
    err_index_d  = err_index_q;
    done_d       = done_q;
    done_count_d = done_count_q;

    consume       = 1'b0;
    f_ready_o     = 1'b0;
    q_valid_o     = 3'b000;
    fetch_start_o = 1'b0;
    fetch_flush_o = 1'b0;
    irq_done_o    = 1'b0;
    irq_fence_o   = 1'b0;
    irq_error_o   = 1'b0;
    clear_o       = 1'b0;

    unique case (state_q)
      S_IDLE: begin
        if (start_i) begin
          done_d = 1'b0;
          if (ring_ok) begin
            fetch_start_o = 1'b1;
            state_d       = S_RUN;
          end else begin
            err_code_d  = loom_pkg::ERR_RING_CONFIG;
            err_index_d = head_q;
            state_d     = S_ABORT;
          end
        end
      end

      S_RUN, S_DRAIN: begin
        if (unit_err) begin
          err_code_d  = unit_code;
          err_index_d = unit_slot;
          state_d     = S_ABORT;
        end else if (tok_err) begin
          err_code_d  = loom_pkg::ERR_TOKEN_OVERFLOW;
          err_index_d = tok_slot;
          state_d     = S_ABORT;
        end else if (dl_err) begin
          err_code_d  = loom_pkg::ERR_TOKEN_UNDERFLOW;
          err_index_d = dl_slot;
          state_d     = S_ABORT;
        end else if (state_q == S_RUN) begin
          if (d_valid_q) begin
            if (d_err_q) begin
              err_code_d  = loom_pkg::ERR_BUS_ERROR;
              err_index_d = d_slot_q;
              state_d     = S_ABORT;
            end else if (dec_err != loom_pkg::ERR_NONE) begin
              err_code_d  = dec_err;
              err_index_d = d_slot_q;
              state_d     = S_ABORT;
            end else if (!d_is_queue) begin
              consume  = 1'b1;
              w_end_d  = dec_end;
              w_irq_d  = d_insn_q[loom_pkg::FENCE_IRQ_LO];
              w_slot_d = d_slot_q;
              state_d  = S_DRAIN;
            end else begin
              q_valid_o[dec_queue] = 1'b1;
              consume = d_queue_ready;
            end
          end
          if (state_d == S_RUN) begin
            // Refill the decode register.
            f_ready_o = !d_valid_q || consume;
          end
          if (consume) begin
            head_d = slot_inc(d_slot_q, ring_size_i);
          end
          if (f_ready_o && f_valid_i) begin
            d_valid_d = 1'b1;
            d_insn_d  = f_insn_i;
            d_slot_d  = f_slot_i;
            d_err_d   = f_err_i;
          end else if (consume) begin
            d_valid_d = 1'b0;
          end
        end else if (all_empty) begin
          // S_DRAIN: everything before the FENCE / END has completed.
          if (!w_end_q) begin
            if (w_irq_q) begin
              irq_fence_o  = 1'b1;
              done_count_d = done_count_q + 32'd1;
            end
            state_d = S_RUN;
          end else if (!tok_all_zero_i) begin
            err_code_d  = loom_pkg::ERR_TOKEN_LEAK;
            err_index_d = w_slot_q;
            state_d     = S_ABORT;
          end else begin
            done_d        = 1'b1;
            irq_done_o    = 1'b1;
            done_count_d  = done_count_q + 32'd1;
            fetch_flush_o = 1'b1;
            state_d       = S_IDLE;
          end
        end
        if (state_d == S_ABORT) begin
          fetch_flush_o = 1'b1;
        end
      end

      S_ABORT: begin
        if (settled) begin
          irq_error_o = 1'b1;
          state_d     = S_ERROR;
        end
      end

      S_ERROR: begin
        // Held until soft reset.
      end

      S_RESET: begin
        if (settled) begin
          clear_o     = 1'b1;
          d_valid_d   = 1'b0;
          head_d      = '0;
          err_code_d  = loom_pkg::ERR_NONE;
          err_index_d = '0;
          done_d      = 1'b0;
          state_d     = S_IDLE;
        end
      end

      default: state_d = S_IDLE;
    endcase

    if (soft_reset_i) begin
      fetch_flush_o = 1'b1;
      fetch_start_o = 1'b0;
      q_valid_o     = 3'b000;
      f_ready_o     = 1'b0;
      irq_done_o    = 1'b0;
      irq_fence_o   = 1'b0;
      irq_error_o   = 1'b0;
      clear_o       = 1'b0;
      state_d       = S_RESET;
    end

    uabort_d = (state_d != state_q) && ((state_d == S_ABORT) || (state_d == S_RESET));
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= S_IDLE;
      d_valid_q    <= 1'b0;
      d_insn_q     <= '0;
      d_slot_q     <= '0;
      d_err_q      <= 1'b0;
      head_q       <= '0;
      w_end_q      <= 1'b0;
      w_irq_q      <= 1'b0;
      w_slot_q     <= '0;
      err_code_q   <= '0;
      err_index_q  <= '0;
      done_q       <= 1'b0;
      done_count_q <= '0;
      dl_cnt_q     <= '0;
      uabort_q     <= 1'b0;
      quiet_q      <= '0;
    end else begin
      state_q      <= state_d;
      d_valid_q    <= d_valid_d;
      d_insn_q     <= d_insn_d;
      d_slot_q     <= d_slot_d;
      d_err_q      <= d_err_d;
      head_q       <= head_d;
      w_end_q      <= w_end_d;
      w_irq_q      <= w_irq_d;
      w_slot_q     <= w_slot_d;
      err_code_q   <= err_code_d;
      err_index_q  <= err_index_d;
      done_q       <= done_d;
      done_count_q <= done_count_d;
      dl_cnt_q     <= dl_cnt_d;
      uabort_q     <= uabort_d;
      quiet_q      <= quiet_d;
    end
  end

  assign fetch_run_o  = (state_q == S_RUN) || (state_q == S_DRAIN);
  assign abort_o      = (state_q == S_ABORT) || (state_q == S_ERROR) || (state_q == S_RESET);
  assign unit_abort_o = uabort_q;
  assign busy_o       = (state_q == S_RUN) || (state_q == S_DRAIN) || (state_q == S_ABORT);
  assign error_o      = (state_q == S_ERROR);
  assign resetting_o  = (state_q == S_RESET);
  assign done_o       = done_q;
  assign err_code_o   = err_code_q;
  assign err_index_o  = err_index_q;
  assign ring_head_o  = head_q;
  assign done_count_o = done_count_q;
  assign q_insn_o     = d_insn_q;
  assign q_slot_o     = d_slot_q;

`ifndef SYNTHESIS
  assert property (@(posedge clk_i) disable iff (!rst_ni) $onehot0(q_valid_o))
    else $error("loom_dispatch: two queues pushed at once");
`endif

endmodule
