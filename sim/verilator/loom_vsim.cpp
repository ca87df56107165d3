// SPDX-License-Identifier: Apache-2.0
// The Verilator harness behind loom_vsim.h: clocks Vloom_top, drives its AXI4-Lite
// slave from the CSR calls and serves its AXI4 master from a memory model.
//
// Clocking. One cycle is: sample every handshake on the settled signals
// (valid && ready before the edge), rising edge, update the models (they only
// change the design's inputs here, like registers clocked by the same edge),
// falling edge, which settles the design's combinational outputs for the next
// sample. The models never look at the design's outputs between edges, so the
// model outputs are registered and there are no combinational loops through C++.
//
// Memory model. Bursts are served strictly in acceptance order per direction.
// Bandwidth is a token bucket shared by reads and writes: it gains
// mem_bytes_per_cycle per cycle (capped at that plus one beat), a beat costs
// bus_bytes, and when both directions want the same cycle they alternate.
// A read beat pays when it is put on R; a write beat pays when it is accepted
// (wready is raised only when the tokens are set aside, and they are returned
// if the design does not send). Latency L: a burst accepted at edge e has its
// first R beat at edge e+L at the earliest; a write whose last beat is taken at
// edge e has B at edge e+L at the earliest.
#include "loom_vsim.h"

#include "loom/loom_isa.h"

#include "Vloom_top.h"
#include "verilated.h"
#if LOOM_VSIM_TRACE
#include "verilated_fst_c.h"
#endif

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#ifndef LOOM_VSIM_CFG
#error "build with the Makefile in sim/verilator: it defines the LOOM_VSIM_* parameters"
#endif

namespace {

constexpr unsigned kBus = LOOM_VSIM_BUS_BYTES;
constexpr unsigned kMaxOutstanding = 64;
constexpr uint64_t kMmioTimeout = 10000;
constexpr unsigned kResetCycles = 8;

constexpr uint8_t kOkay = 0, kSlverr = 2, kDecerr = 3;

static_assert(kBus >= 4 && kBus <= 64 && (kBus & (kBus - 1)) == 0, "bus width 4..64 bytes");

// Bus-wide signal access; Verilator uses a scalar up to 64 bits, VlWide beyond.
template <std::size_t N> inline void bus_put(VlWide<N> &w, const uint8_t *p)
{
    std::memcpy(w.data(), p, N * sizeof(EData));
}
inline void bus_put(QData &w, const uint8_t *p) { std::memcpy(&w, p, sizeof w); }
inline void bus_put(IData &w, const uint8_t *p) { std::memcpy(&w, p, sizeof w); }
template <std::size_t N> inline void bus_get(const VlWide<N> &w, uint8_t *p)
{
    std::memcpy(p, w.data(), N * sizeof(EData));
}
inline void bus_get(const QData &w, uint8_t *p) { std::memcpy(p, &w, sizeof w); }
inline void bus_get(const IData &w, uint8_t *p) { std::memcpy(p, &w, sizeof w); }
template <std::size_t N> inline void bus_zero(VlWide<N> &w)
{
    std::memset(w.data(), 0, N * sizeof(EData));
}
inline void bus_zero(QData &w) { w = 0; }
inline void bus_zero(IData &w) { w = 0; }

struct Burst {
    uint64_t addr;   // address of the first beat
    uint64_t ready;  // cycle from which the first R beat / the B may be presented
    uint32_t beats;  // len + 1
    uint32_t done;   // beats presented (read) or accepted (write)
    uint8_t size;    // log2 bytes per beat
    uint8_t burst;   // AXI burst type
    uint8_t id;
    uint8_t forced;  // response of every beat of an unservable burst, else OKAY
    uint8_t resp;    // worst response so far (for B)
};

// A ring of bursts: [head, tail) in flight, [head, mid) past their data phase
// (writes only: waiting for B).
struct Ring {
    static constexpr unsigned kSize = kMaxOutstanding + 1; // never full: head == tail is empty
    Burst b[kSize];
    unsigned head = 0, mid = 0, tail = 0, count = 0;
    void clear() { head = mid = tail = count = 0; }
    static unsigned next(unsigned i) { return i + 1 == kSize ? 0 : i + 1; }
};

// Fields of an address channel request, for the stability check.
struct AddrReq {
    uint64_t addr;
    uint32_t len;
    uint8_t size, burst, id;
    bool operator!=(const AddrReq &o) const
    {
        return addr != o.addr || len != o.len || size != o.size || burst != o.burst || id != o.id;
    }
};

} // namespace

struct loom_vsim {
    VerilatedContext *ctx = nullptr;
    Vloom_top *top = nullptr;
#if LOOM_VSIM_TRACE
    VerilatedFstC *tfp = nullptr;
#endif
    uint64_t ticks = 0;   // half cycles, the trace time
    uint64_t cycles = 0;  // rising edges since reset release at create
    bool broken = false;  // an MMIO timeout or a design error: only destroy is safe

    // host memory
    uint8_t *mem = nullptr;
    uint64_t mem_base = 0, mem_bytes = 0;
    uint64_t err_lo = 0, err_hi = 0;

    // memory model
    uint32_t bpc = 0, latency = 0, outstanding = 0;
    int64_t bucket = 0, bucket_cap = 0;
    bool prio_w = false;   // who wins the next contended cycle
    bool w_reserved = false;
    Ring rd, wr;
    bool ar_wait = false, aw_wait = false, w_wait = false;  // valid seen without ready
    AddrReq ar_last{}, aw_last{};
    uint8_t w_last_data[kBus + 8] = {};
    uint64_t w_last_strb = 0;
    bool w_last_last = false;

    // CSR master
    bool l_aw_done = false, l_w_done = false, l_b = false, l_r = false;
    uint8_t l_bresp = 0, l_rresp = 0;
    uint32_t l_rdata = 0;

    loom_vsim_stats st{};
    char err[256] = "";

    void seterr(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(err, sizeof err, fmt, ap);
        va_end(ap);
    }
    // The first violation of a call is the one reported; all are counted.
    void violation(const char *what, uint64_t addr)
    {
        if (st.protocol_errors++ == proto_at_call)
            seterr("AXI protocol: %s (address 0x%llx, cycle %llu)", what, (unsigned long long)addr,
                   (unsigned long long)cycles);
    }
    uint64_t proto_at_call = 0;

    void eval_dump()
    {
        ctx->time(ticks);
        top->eval();
#if LOOM_VSIM_TRACE
        if (tfp)
            tfp->dump(ticks);
#endif
        ticks++;
    }

    bool mem_idle() const
    {
        const Vloom_top *t = top;
        return rd.count == 0 && wr.count == 0 && !t->m_axi_rvalid_i && !t->m_axi_bvalid_i &&
               !t->m_axi_arvalid_o && !t->m_axi_awvalid_o && !t->m_axi_wvalid_o;
    }

    // Address of beat i of a burst.
    static uint64_t beat_addr(const Burst &b, uint32_t i)
    {
        if (b.burst == 0 || i == 0) // FIXED, or the (possibly unaligned) first beat
            return b.addr;
        uint64_t sz = 1ull << b.size;
        return (b.addr & ~(sz - 1)) + (uint64_t)i * sz;
    }

    // Response for one beat at addr of 2^size bytes; *off receives the offset of
    // its bus-aligned window in mem when OKAY.
    uint8_t beat_check(uint64_t addr, unsigned size, uint64_t *off) const
    {
        uint64_t win = addr & ~(uint64_t)(kBus - 1);
        if (win < mem_base || win - mem_base >= mem_bytes)
            return kDecerr;
        uint64_t lo = addr, hi = (addr & ~((1ull << size) - 1)) + (1ull << size);
        if (lo < err_hi && err_lo < hi)
            return kSlverr;
        *off = win - mem_base;
        return kOkay;
    }

    void check_request(Burst &b, bool is_read)
    {
        const char *dir = is_read ? "AR" : "AW";
        char what[96];
        if (b.burst != 0 && b.burst != 1) {
            std::snprintf(what, sizeof what, "%s burst type %u (only INCR/FIXED served)", dir,
                          b.burst);
            violation(what, b.addr);
            b.forced = kSlverr;
        }
        if ((1u << b.size) > kBus) {
            std::snprintf(what, sizeof what, "%s size %u wider than the bus", dir, b.size);
            violation(what, b.addr);
            b.forced = kSlverr;
            b.size = 0;
        }
        if (b.burst == 1) {
            uint64_t last = beat_addr(b, b.beats - 1) | ((1ull << b.size) - 1);
            if ((b.addr >> 12) != (last >> 12)) {
                std::snprintf(what, sizeof what, "%s burst of %u beats crosses 4 KiB", dir,
                              b.beats);
                violation(what, b.addr);
            }
        }
    }

    // -------------------------------------------------------------- one cycle
    void cycle()
    {
        Vloom_top *t = top;

        // 1. sample the handshakes of this cycle
        const bool ar = t->m_axi_arvalid_o && t->m_axi_arready_i;
        const bool aw = t->m_axi_awvalid_o && t->m_axi_awready_i;
        const bool w = t->m_axi_wvalid_o && t->m_axi_wready_i;
        const bool r = t->m_axi_rvalid_i && t->m_axi_rready_o;
        const bool b = t->m_axi_bvalid_i && t->m_axi_bready_o;

        if (t->m_axi_arvalid_o) {
            AddrReq q{t->m_axi_araddr_o, t->m_axi_arlen_o, t->m_axi_arsize_o, t->m_axi_arburst_o,
                      t->m_axi_arid_o};
            if (ar_wait && q != ar_last)
                violation("AR changed while waiting for ARREADY", q.addr);
            ar_wait = !ar;
            ar_last = q;
        } else if (ar_wait) {
            violation("ARVALID dropped before ARREADY", ar_last.addr);
            ar_wait = false;
        }
        if (t->m_axi_awvalid_o) {
            AddrReq q{t->m_axi_awaddr_o, t->m_axi_awlen_o, t->m_axi_awsize_o, t->m_axi_awburst_o,
                      t->m_axi_awid_o};
            if (aw_wait && q != aw_last)
                violation("AW changed while waiting for AWREADY", q.addr);
            aw_wait = !aw;
            aw_last = q;
        } else if (aw_wait) {
            violation("AWVALID dropped before AWREADY", aw_last.addr);
            aw_wait = false;
        }
        uint8_t wdata[kBus + 8];
        uint64_t wstrb = 0;
        bool wlast = false;
        if (t->m_axi_wvalid_o) {
            bus_get(t->m_axi_wdata_o, wdata);
            wstrb = (uint64_t)t->m_axi_wstrb_o;
            wlast = t->m_axi_wlast_o;
            if (w_wait && (std::memcmp(wdata, w_last_data, kBus) != 0 || wstrb != w_last_strb ||
                           wlast != w_last_last))
                violation("W changed while waiting for WREADY", 0);
            w_wait = !w;
            std::memcpy(w_last_data, wdata, kBus);
            w_last_strb = wstrb;
            w_last_last = wlast;
        } else if (w_wait) {
            violation("WVALID dropped before WREADY", 0);
            w_wait = false;
        }

        if (ar) {
            Burst &n = rd.b[rd.tail];
            // accepted at the coming edge, cycles + 1: first beat at that + latency
            n = Burst{ar_last.addr, cycles + latency, ar_last.len + 1, 0, ar_last.size,
                      ar_last.burst, ar_last.id, kOkay, kOkay};
            check_request(n, true);
            rd.tail = Ring::next(rd.tail);
            rd.count++;
            st.rd_bursts++;
        }
        if (aw) {
            Burst &n = wr.b[wr.tail];
            n = Burst{aw_last.addr, 0, aw_last.len + 1, 0, aw_last.size, aw_last.burst,
                      aw_last.id, kOkay, kOkay};
            check_request(n, false);
            wr.tail = Ring::next(wr.tail);
            wr.count++;
            st.wr_bursts++;
        }
        bool w_burst_done = false;
        if (w) { // wready is only raised with a burst at wr.mid awaiting data
            Burst &cur = wr.b[wr.mid];
            uint64_t a = beat_addr(cur, cur.done);
            uint64_t off = 0;
            uint8_t resp = cur.forced != kOkay ? cur.forced : beat_check(a, cur.size, &off);
            if (resp == kOkay) {
                unsigned lo = (unsigned)(a & (kBus - 1));
                unsigned hi = (unsigned)((a & ~((1ull << cur.size) - 1)) & (kBus - 1)) +
                              (1u << cur.size);
                for (unsigned i = lo; i < hi; i++)
                    if ((wstrb >> i) & 1) {
                        mem[off + i] = wdata[i];
                        st.wr_bytes++;
                    }
                const uint64_t lanes = (hi - lo >= 64 ? ~0ull : (1ull << (hi - lo)) - 1) << lo;
                if (wstrb & ~lanes)
                    violation("WSTRB set outside the beat's byte lanes", a);
            }
            if (resp > cur.resp)
                cur.resp = resp;
            cur.done++;
            st.wr_beats++;
            bool last = cur.done == cur.beats;
            if (wlast != last)
                violation(wlast ? "WLAST before the last beat" : "WLAST missing on the last beat",
                          a);
            w_burst_done = last;
        }
        // CSR master handshakes
        const bool l_aw = t->s_axil_awvalid_i && t->s_axil_awready_o;
        const bool l_w = t->s_axil_wvalid_i && t->s_axil_wready_o;
        const bool l_bf = t->s_axil_bvalid_o && t->s_axil_bready_i;
        const bool l_ar = t->s_axil_arvalid_i && t->s_axil_arready_o;
        const bool l_rf = t->s_axil_rvalid_o && t->s_axil_rready_i;
        if (l_bf)
            l_bresp = t->s_axil_bresp_o;
        if (l_rf) {
            l_rresp = t->s_axil_rresp_o;
            l_rdata = t->s_axil_rdata_o;
        }

        // 2. rising edge
        t->clk_i = 1;
        eval_dump();
        cycles++;
        const uint64_t now = cycles;

        // 3. models update their outputs (the design's inputs)
        if (l_aw) {
            t->s_axil_awvalid_i = 0;
            l_aw_done = true;
        }
        if (l_w) {
            t->s_axil_wvalid_i = 0;
            l_w_done = true;
        }
        if (l_bf) {
            t->s_axil_bready_i = 0;
            l_b = true;
        }
        if (l_ar)
            t->s_axil_arvalid_i = 0;
        if (l_rf) {
            t->s_axil_rready_i = 0;
            l_r = true;
        }

        if (r) {
            t->m_axi_rvalid_i = 0;
            st.rd_beats++;
            if (t->m_axi_rlast_i) {
                rd.head = Ring::next(rd.head);
                rd.count--;
            }
        }
        if (b) {
            t->m_axi_bvalid_i = 0;
            wr.head = Ring::next(wr.head);
            wr.count--;
        }
        if (w_burst_done) {
            wr.b[wr.mid].ready = now + latency - 1;
            wr.mid = Ring::next(wr.mid);
        }
        if (w_reserved && !w)
            bucket += kBus;
        w_reserved = false;
        bucket += bpc;
        if (bucket > bucket_cap)
            bucket = bucket_cap;

        const bool r_want = !t->m_axi_rvalid_i && rd.count != 0 && rd.b[rd.head].ready <= now;
        const bool w_want = wr.mid != wr.tail;
        bool r_go = false;
        auto take = [this]() {
            if (bucket < (int64_t)kBus)
                return false;
            bucket -= kBus;
            return true;
        };
        if (r_want && w_want) {
            if (prio_w) {
                w_reserved = take();
                r_go = take();
            } else {
                r_go = take();
                w_reserved = take();
            }
            prio_w = !prio_w;
        } else if (r_want) {
            r_go = take();
        } else if (w_want) {
            w_reserved = take();
        }
        t->m_axi_wready_i = w_reserved;

        if (r_go)
            present_read_beat();

        if (!t->m_axi_bvalid_i && wr.head != wr.mid && wr.b[wr.head].ready <= now) {
            const Burst &h = wr.b[wr.head];
            t->m_axi_bvalid_i = 1;
            t->m_axi_bid_i = h.id;
            t->m_axi_bresp_i = h.resp;
            if (h.resp == kDecerr)
                st.decerr++;
            else if (h.resp == kSlverr)
                st.slverr++;
        }
        t->m_axi_arready_i = rd.count < outstanding;
        t->m_axi_awready_i = wr.count < outstanding;

        // 4. falling edge
        t->clk_i = 0;
        eval_dump();
    }

    void present_read_beat()
    {
        Vloom_top *t = top;
        Burst &h = rd.b[rd.head];
        uint64_t a = beat_addr(h, h.done);
        uint64_t off = 0;
        uint8_t resp = h.forced != kOkay ? h.forced : beat_check(a, h.size, &off);
        if (resp == kOkay) {
            bus_put(t->m_axi_rdata_i, mem + off);
            st.rd_bytes += kBus;
        } else {
            bus_zero(t->m_axi_rdata_i);
            if (resp == kDecerr)
                st.decerr++;
            else
                st.slverr++;
        }
        h.done++;
        t->m_axi_rvalid_i = 1;
        t->m_axi_rid_i = h.id;
        t->m_axi_rresp_i = resp;
        t->m_axi_rlast_i = h.done == h.beats;
    }

    // Drops every burst and handshake state (for reset).
    void model_clear()
    {
        Vloom_top *t = top;
        rd.clear();
        wr.clear();
        ar_wait = aw_wait = w_wait = false;
        w_reserved = false;
        prio_w = false;
        bucket = bucket_cap;
        t->m_axi_arready_i = 0;
        t->m_axi_awready_i = 0;
        t->m_axi_wready_i = 0;
        t->m_axi_rvalid_i = 0;
        t->m_axi_rlast_i = 0;
        t->m_axi_rresp_i = 0;
        t->m_axi_rid_i = 0;
        bus_zero(t->m_axi_rdata_i);
        t->m_axi_bvalid_i = 0;
        t->m_axi_bresp_i = 0;
        t->m_axi_bid_i = 0;
        t->s_axil_awvalid_i = 0;
        t->s_axil_wvalid_i = 0;
        t->s_axil_bready_i = 0;
        t->s_axil_arvalid_i = 0;
        t->s_axil_rready_i = 0;
        t->s_axil_awaddr_i = 0;
        t->s_axil_araddr_i = 0;
        t->s_axil_wdata_i = 0;
        t->s_axil_wstrb_i = 0;
    }

    void hw_reset()
    {
        model_clear();
        top->rst_ni = 0;
        top->clk_i = 0;
        eval_dump();
        for (unsigned i = 0; i < kResetCycles; i++)
            cycle();
        top->rst_ni = 1;
        top->eval();
    }

    // Design-side failure ($stop or a failed assertion) seen by Verilator.
    bool design_error()
    {
        if (!ctx->gotError())
            return false;
        if (!broken)
            seterr("the design stopped or an assertion failed at cycle %llu (see its output)",
                   (unsigned long long)cycles);
        broken = true;
        return true;
    }

    int begin_call()
    {
        if (broken)
            return LOOM_VSIM_ERR_DESIGN;
        proto_at_call = st.protocol_errors;
        return LOOM_VSIM_OK;
    }
    int end_call(int rc)
    {
        if (design_error())
            return LOOM_VSIM_ERR_DESIGN;
        if (rc == LOOM_VSIM_OK && st.protocol_errors != proto_at_call)
            return LOOM_VSIM_ERR_PROTOCOL;
        return rc;
    }

    // One AXI4-Lite transaction; the inputs are set between edges, so settle first.
    int mmio(bool write, uint32_t off, uint32_t val, uint32_t *out)
    {
        Vloom_top *t = top;
        if (write) {
            t->s_axil_awaddr_i = off;
            t->s_axil_wdata_i = val;
            t->s_axil_wstrb_i = 0xF;
            t->s_axil_awvalid_i = 1;
            t->s_axil_wvalid_i = 1;
            t->s_axil_bready_i = 1;
            l_aw_done = l_w_done = l_b = false;
        } else {
            t->s_axil_araddr_i = off;
            t->s_axil_arvalid_i = 1;
            t->s_axil_rready_i = 1;
            l_r = false;
        }
        t->eval(); // settle the design on the new inputs (shown in the trace at the next edge)
        for (uint64_t n = 0; n < kMmioTimeout; n++) {
            cycle();
            if (write ? l_b : l_r) {
                uint8_t resp = write ? l_bresp : l_rresp;
                if (write)
                    st.mmio_writes++;
                else {
                    st.mmio_reads++;
                    *out = l_rdata;
                }
                if (resp != kOkay) {
                    seterr("CSR %s at 0x%03x answered %s", write ? "write" : "read", off,
                           resp == kSlverr ? "SLVERR" : resp == kDecerr ? "DECERR" : "EXOKAY");
                    return LOOM_VSIM_ERR_BUS;
                }
                return LOOM_VSIM_OK;
            }
        }
        seterr("CSR %s at 0x%03x: no %s within %llu cycles", write ? "write" : "read", off,
               write ? (!l_aw_done ? "AWREADY" : !l_w_done ? "WREADY" : "BVALID")
                     : (t->s_axil_arvalid_i ? "ARREADY" : "RVALID"),
               (unsigned long long)kMmioTimeout);
        broken = true;
        return LOOM_VSIM_ERR_TIMEOUT;
    }

    int trace_open(const char *path)
    {
#if LOOM_VSIM_TRACE
        if (tfp) {
            tfp->close();
            delete tfp;
            tfp = nullptr;
        }
        if (!path)
            return LOOM_VSIM_OK;
        FILE *f = std::fopen(path, "wb");
        if (!f) {
            seterr("cannot open trace file %s", path);
            return LOOM_VSIM_ERR_IO;
        }
        std::fclose(f);
        tfp = new (std::nothrow) VerilatedFstC;
        if (!tfp)
            return LOOM_VSIM_ERR_NOMEM;
        top->trace(tfp, 99);
        tfp->open(path);
        if (!tfp->isOpen()) {
            delete tfp;
            tfp = nullptr;
            seterr("cannot open trace file %s", path);
            return LOOM_VSIM_ERR_IO;
        }
        return LOOM_VSIM_OK;
#else
        if (!path)
            return LOOM_VSIM_OK;
        seterr("this build has no tracing");
        return LOOM_VSIM_ERR_NOT_SUPPORTED;
#endif
    }
};

// ------------------------------------------------------------------ public API

extern "C" {

const loom_vsim_params *loom_vsim_build_info(void)
{
    static const loom_vsim_params info = {
        LOOM_VSIM_CFG,         LOOM_VSIM_TOP,          LOOM_VSIM_ROWS,        LOOM_VSIM_COLS,
        LOOM_VSIM_BUS_BYTES,   LOOM_VSIM_ADDR_W,       LOOM_VSIM_APAD_DEPTH,  LOOM_VSIM_WPAD_DEPTH,
        LOOM_VSIM_ACC_DEPTH,   LOOM_VSIM_QUEUE_DEPTH,  LOOM_VSIM_PP_LANES,    LOOM_VSIM_MODES,
        LOOM_VSIM_TRACE,
    };
    return &info;
}

const char *loom_vsim_strerror(int code)
{
    switch (code) {
    case LOOM_VSIM_OK: return "ok";
    case LOOM_VSIM_ERR_INVAL: return "invalid argument";
    case LOOM_VSIM_ERR_NOMEM: return "out of memory";
    case LOOM_VSIM_ERR_TIMEOUT: return "timeout";
    case LOOM_VSIM_ERR_BUS: return "CSR access answered with an error response";
    case LOOM_VSIM_ERR_PROTOCOL: return "AXI protocol violation by the design";
    case LOOM_VSIM_ERR_IO: return "I/O error";
    case LOOM_VSIM_ERR_NOT_SUPPORTED: return "not supported by this build";
    case LOOM_VSIM_ERR_DESIGN: return "the design stopped or an assertion failed";
    default: return "unknown error";
    }
}

void loom_vsim_config_init(loom_vsim_config *cfg)
{
    if (!cfg)
        return;
    *cfg = loom_vsim_config{};
    cfg->mem_bytes = 16u << 20;
    cfg->mem_bytes_per_cycle = 16;
    cfg->mem_latency = 64;
    cfg->mem_outstanding = 64;
}

int loom_vsim_create(const loom_vsim_config *cfg_in, loom_vsim **out)
{
    if (!out)
        return LOOM_VSIM_ERR_INVAL;
    *out = nullptr;
    loom_vsim_config cfg;
    loom_vsim_config_init(&cfg);
    if (cfg_in) {
        cfg.mem_base = cfg_in->mem_base;
        cfg.trace_path = cfg_in->trace_path;
        if (cfg_in->mem_bytes)
            cfg.mem_bytes = cfg_in->mem_bytes;
        if (cfg_in->mem_bytes_per_cycle)
            cfg.mem_bytes_per_cycle = cfg_in->mem_bytes_per_cycle;
        if (cfg_in->mem_latency)
            cfg.mem_latency = cfg_in->mem_latency;
        if (cfg_in->mem_outstanding)
            cfg.mem_outstanding = cfg_in->mem_outstanding;
    }
    const uint64_t space = 1ull << LOOM_VSIM_ADDR_W;
    if (cfg.mem_bytes % 4096 || cfg.mem_base % 4096 || cfg.mem_bytes > space ||
        cfg.mem_base > space - cfg.mem_bytes || cfg.mem_outstanding > kMaxOutstanding ||
        cfg.mem_bytes_per_cycle > (1u << 20) || cfg.mem_latency > (1u << 24))
        return LOOM_VSIM_ERR_INVAL;

    loom_vsim *s = new (std::nothrow) loom_vsim;
    if (!s)
        return LOOM_VSIM_ERR_NOMEM;
    s->mem = static_cast<uint8_t *>(std::calloc(1, cfg.mem_bytes));
    if (!s->mem) {
        delete s;
        return LOOM_VSIM_ERR_NOMEM;
    }
    s->mem_base = cfg.mem_base;
    s->mem_bytes = cfg.mem_bytes;
    s->bpc = cfg.mem_bytes_per_cycle;
    s->latency = cfg.mem_latency;
    s->outstanding = cfg.mem_outstanding;
    s->bucket_cap = (int64_t)s->bpc + kBus;
    try {
        s->ctx = new VerilatedContext;
        s->ctx->fatalOnError(false);
        s->ctx->randReset(0);
#if LOOM_VSIM_TRACE
        s->ctx->traceEverOn(true);
#endif
        s->top = new Vloom_top(s->ctx, "TOP");
    } catch (const std::bad_alloc &) {
        loom_vsim_destroy(s);
        return LOOM_VSIM_ERR_NOMEM;
    }
    const char *tp = cfg.trace_path ? cfg.trace_path : std::getenv("LOOM_VSIM_TRACE");
    if (tp && *tp) {
        int rc = s->trace_open(tp);
        if (rc) {
            loom_vsim_destroy(s);
            return rc;
        }
    }
    s->hw_reset();
    s->cycles = 0;
    if (s->design_error()) {
        loom_vsim_destroy(s);
        return LOOM_VSIM_ERR_DESIGN;
    }
    *out = s;
    return LOOM_VSIM_OK;
}

void loom_vsim_destroy(loom_vsim *s)
{
    if (!s)
        return;
#if LOOM_VSIM_TRACE
    if (s->tfp) {
        s->tfp->close();
        delete s->tfp;
    }
#endif
    if (s->top) {
        s->top->final();
        delete s->top;
    }
    delete s->ctx;
    std::free(s->mem);
    delete s;
}

const char *loom_vsim_last_error(const loom_vsim *s) { return s ? s->err : ""; }

static int mmio_args(loom_vsim *s, uint32_t off)
{
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    if (off % 4 || off >= 4096) {
        s->seterr("CSR offset 0x%x is not a 4-aligned offset below 0x1000", off);
        return LOOM_VSIM_ERR_INVAL;
    }
    return s->begin_call();
}

int loom_vsim_mmio_read(loom_vsim *s, uint32_t off, uint32_t *val)
{
    int rc = mmio_args(s, off);
    if (rc)
        return rc;
    if (!val)
        return LOOM_VSIM_ERR_INVAL;
    return s->end_call(s->mmio(false, off, 0, val));
}

int loom_vsim_mmio_write(loom_vsim *s, uint32_t off, uint32_t val)
{
    int rc = mmio_args(s, off);
    if (rc)
        return rc;
    return s->end_call(s->mmio(true, off, val, nullptr));
}

uint8_t *loom_vsim_mem(loom_vsim *s, uint64_t *base, uint64_t *size)
{
    if (!s)
        return nullptr;
    if (base)
        *base = s->mem_base;
    if (size)
        *size = s->mem_bytes;
    return s->mem;
}

int loom_vsim_step(loom_vsim *s, uint64_t n)
{
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    int rc = s->begin_call();
    if (rc)
        return rc;
    for (uint64_t i = 0; i < n; i++) {
        s->cycle();
        if ((i & 1023) == 1023 && s->ctx->gotError())
            break;
    }
    return s->end_call(LOOM_VSIM_OK);
}

int loom_vsim_run_until_idle(loom_vsim *s, uint64_t max_cycles, uint64_t *cycles_run)
{
    if (cycles_run)
        *cycles_run = 0;
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    int rc = s->begin_call();
    if (rc)
        return rc;
    const uint64_t start = s->cycles;
    for (;;) {
        uint32_t status = 0;
        rc = s->mmio(false, LOOM_CSR_STATUS, 0, &status);
        if (rc)
            break;
        const uint32_t active = 1u << LOOM_STATUS_BUSY_LO | 1u << LOOM_STATUS_RESETTING_LO;
        if (!(status & active) && s->mem_idle())
            break;
        if (s->ctx->gotError())
            break;
        if (s->cycles - start >= max_cycles) {
            s->seterr("not idle after %llu cycles (STATUS 0x%x, %u reads and %u writes in flight)",
                      (unsigned long long)(s->cycles - start), status, s->rd.count, s->wr.count);
            rc = LOOM_VSIM_ERR_TIMEOUT;
            break;
        }
    }
    if (cycles_run)
        *cycles_run = s->cycles - start;
    return s->end_call(rc);
}

int loom_vsim_irq(const loom_vsim *s) { return s && s->top->irq_o ? 1 : 0; }

uint64_t loom_vsim_cycles(const loom_vsim *s) { return s ? s->cycles : 0; }

int loom_vsim_trace(loom_vsim *s, const char *fst_path)
{
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    return s->trace_open(fst_path);
}

int loom_vsim_set_mem_error(loom_vsim *s, uint64_t lo, uint64_t hi)
{
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    if (lo >= hi)
        lo = hi = 0;
    s->err_lo = lo;
    s->err_hi = hi;
    return LOOM_VSIM_OK;
}

int loom_vsim_get_stats(const loom_vsim *s, loom_vsim_stats *out)
{
    if (!s || !out)
        return LOOM_VSIM_ERR_INVAL;
    *out = s->st;
    return LOOM_VSIM_OK;
}

int loom_vsim_reset(loom_vsim *s)
{
    if (!s)
        return LOOM_VSIM_ERR_INVAL;
    int rc = s->begin_call();
    if (rc)
        return rc;
    s->hw_reset();
    return s->end_call(LOOM_VSIM_OK);
}

} // extern "C"
