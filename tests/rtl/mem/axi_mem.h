// SPDX-License-Identifier: Apache-2.0
// Behavioural AXI4 memory slave for the Verilator benches (INCR bursts, full-width
// beats). Per cycle the bench calls drive() (model outputs for this cycle), evaluates
// the DUT, then sample() (handshakes at the coming clock edge, state update).
// Configurable: read latency, probability of a beat per cycle on R and of W ready,
// random AR/AW ready, write response latency, and an address range answered with
// SLVERR. It checks the master side of the protocol (stable AR/AW/W while waiting,
// INCR, full size, no 4 KiB crossing, aligned addresses, WLAST position) and counts
// violations in `violations`.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

struct AxiPins {
    // AR / R
    bool arvalid = false, arready = false;
    uint32_t arid = 0, araddr = 0, arlen = 0, arsize = 0, arburst = 0;
    bool rvalid = false, rready = false, rlast = false;
    uint32_t rid = 0, rresp = 0;
    uint8_t rdata[64] = {};
    // AW / W / B
    bool awvalid = false, awready = false;
    uint32_t awid = 0, awaddr = 0, awlen = 0, awsize = 0, awburst = 0;
    bool wvalid = false, wready = false, wlast = false;
    uint8_t wdata[64] = {};
    uint64_t wstrb = 0;
    bool bvalid = false, bready = false;
    uint32_t bid = 0, bresp = 0;
};

struct AxiMemCfg {
    unsigned bus_bytes = 16;
    unsigned rd_latency = 4;   // cycles from AR accepted to the first beat
    double r_rate = 1.0;       // probability of offering an R beat in a cycle
    double ar_ready = 1.0;     // probability of ARREADY
    double aw_ready = 1.0;
    double w_ready = 1.0;
    unsigned b_latency = 3;    // cycles from the last W beat to BVALID
    bool err_en = false;       // SLVERR for beats in [err_lo, err_hi)
    uint64_t err_lo = 0, err_hi = 0;
};

class AxiMem {
  public:
    AxiMem(uint64_t base, size_t size, uint32_t seed) : base_(base), mem_(size), rng_(seed) {}

    AxiMemCfg cfg;
    unsigned violations = 0;
    uint64_t r_beats = 0, w_beats = 0, ar_count = 0, aw_count = 0;
    uint64_t cycle = 0;

    uint8_t *at(uint64_t addr) { return &mem_[addr - base_]; }
    uint64_t base() const { return base_; }
    size_t size() const { return mem_.size(); }
    bool in_err(uint64_t addr) const {
        return cfg.err_en && addr + cfg.bus_bytes > cfg.err_lo && addr < cfg.err_hi;
    }
    // Nothing accepted and not answered.
    bool quiet() const { return rq_.empty() && wq_.empty() && bq_.empty() && wpend_.empty(); }

    void drive(AxiPins &p) {
        p.arready = rnd() < cfg.ar_ready;
        p.awready = rnd() < cfg.aw_ready;
        p.wready = rnd() < cfg.w_ready;
        // R: once offered, hold until taken.
        if (!r_offer_ && !rq_.empty() && rq_.front().ready_at <= cycle && rnd() < cfg.r_rate)
            r_offer_ = true;
        p.rvalid = r_offer_;
        if (r_offer_) {
            const Burst &b = rq_.front();
            uint64_t a = b.addr + (uint64_t)b.beat * cfg.bus_bytes;
            p.rid = b.id;
            p.rlast = b.beat == b.len;
            p.rresp = in_err(a) ? 2 : 0;
            for (unsigned i = 0; i < cfg.bus_bytes; i++)
                p.rdata[i] = inside(a + i) ? *at(a + i) : 0xEE;
        }
        p.bvalid = !bq_.empty() && bq_.front().ready_at <= cycle;
        if (p.bvalid) {
            p.bid = bq_.front().id;
            p.bresp = bq_.front().err ? 2 : 0;
        }
    }

    void sample(const AxiPins &p) {
        // AR
        if (p.arvalid) {
            if (ar_wait_ && (p.araddr != ar_prev_.addr || p.arlen != ar_prev_.len || p.arid != ar_prev_.id))
                bad("AR changed while waiting for ARREADY");
            check_burst("AR", p.araddr, p.arlen, p.arsize, p.arburst);
            if (p.arready) {
                rq_.push_back({p.arid, p.araddr, p.arlen, 0, cycle + cfg.rd_latency, false});
                ar_count++;
                ar_wait_ = false;
            } else {
                ar_wait_ = true;
                ar_prev_ = {p.arid, p.araddr, p.arlen, 0, 0, false};
            }
        } else if (ar_wait_) {
            bad("ARVALID dropped before ARREADY");
            ar_wait_ = false;
        }
        // R
        if (r_offer_ && p.rready) {
            Burst &b = rq_.front();
            r_beats++;
            r_offer_ = false;
            if (b.beat == b.len)
                rq_.pop_front();
            else
                b.beat++;
        }
        // AW
        if (p.awvalid) {
            if (aw_wait_ && (p.awaddr != aw_prev_.addr || p.awlen != aw_prev_.len || p.awid != aw_prev_.id))
                bad("AW changed while waiting for AWREADY");
            check_burst("AW", p.awaddr, p.awlen, p.awsize, p.awburst);
            if (p.awready) {
                wq_.push_back({p.awid, p.awaddr, p.awlen, 0, 0, false});
                aw_count++;
                aw_wait_ = false;
            } else {
                aw_wait_ = true;
                aw_prev_ = {p.awid, p.awaddr, p.awlen, 0, 0, false};
            }
        } else if (aw_wait_) {
            bad("AWVALID dropped before AWREADY");
            aw_wait_ = false;
        }
        // W
        if (p.wvalid) {
            if (w_wait_ && (p.wstrb != w_prev_.strb || p.wlast != w_prev_.last ||
                            memcmp(p.wdata, w_prev_.data, cfg.bus_bytes)))
                bad("W changed while waiting for WREADY");
            if (p.wready) {
                WBeat wb;
                memcpy(wb.data, p.wdata, sizeof wb.data);
                wb.strb = p.wstrb;
                wb.last = p.wlast;
                wpend_.push_back(wb);
                w_beats++;
                w_wait_ = false;
            } else {
                w_wait_ = true;
                memcpy(w_prev_.data, p.wdata, sizeof w_prev_.data);
                w_prev_.strb = p.wstrb;
                w_prev_.last = p.wlast;
            }
        } else if (w_wait_) {
            bad("WVALID dropped before WREADY");
            w_wait_ = false;
        }
        while (!wpend_.empty() && !wq_.empty()) {
            Burst &b = wq_.front();
            const WBeat &wb = wpend_.front();
            uint64_t a = b.addr + (uint64_t)b.beat * cfg.bus_bytes;
            if (in_err(a))
                b.err = true;
            else
                for (unsigned i = 0; i < cfg.bus_bytes; i++)
                    if ((wb.strb >> i) & 1) {
                        if (inside(a + i))
                            *at(a + i) = wb.data[i];
                        else
                            bad("write outside memory");
                    }
            if (wb.last != (b.beat == b.len))
                bad("WLAST in the wrong place");
            wpend_.pop_front();
            if (b.beat == b.len) {
                bq_.push_back({b.id, 0, 0, 0, cycle + cfg.b_latency, b.err});
                wq_.pop_front();
            } else {
                b.beat++;
            }
        }
        // B
        if (!bq_.empty() && bq_.front().ready_at <= cycle && p.bready)
            bq_.pop_front();
        cycle++;
    }

  private:
    struct Burst {
        uint32_t id, addr, len, beat;
        uint64_t ready_at;
        bool err;
    };
    struct WBeat {
        uint8_t data[64];
        uint64_t strb;
        bool last;
    };
    uint64_t base_;
    std::vector<uint8_t> mem_;
    std::mt19937 rng_;
    std::deque<Burst> rq_, wq_, bq_;
    std::deque<WBeat> wpend_;
    bool r_offer_ = false;
    bool ar_wait_ = false, aw_wait_ = false, w_wait_ = false;
    Burst ar_prev_{}, aw_prev_{};
    WBeat w_prev_{};

    double rnd() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
    bool inside(uint64_t a) const { return a >= base_ && a < base_ + mem_.size(); }
    void bad(const char *what) {
        if (violations < 20)
            fprintf(stderr, "AXI violation at cycle %llu: %s\n", (unsigned long long)cycle, what);
        violations++;
    }
    void check_burst(const char *ch, uint32_t addr, uint32_t len, uint32_t size, uint32_t burst) {
        unsigned lg = 0;
        while ((1u << lg) < cfg.bus_bytes)
            lg++;
        if (size != lg || burst != 1)
            bad(ch[0] == 'A' && ch[1] == 'R' ? "AR size/burst" : "AW size/burst");
        if (addr % cfg.bus_bytes)
            bad("unaligned burst address");
        if (len > 15)
            bad("burst longer than 16 beats");
        uint64_t end = (uint64_t)addr + (uint64_t)(len + 1) * cfg.bus_bytes - 1;
        if ((addr >> 12) != (end >> 12))
            bad("burst crosses 4 KiB");
        if (!inside(addr) || !inside(end))
            bad("burst outside memory");
    }
};

// Copy between Verilator vectors (VlWide or plain integers) and byte arrays.
template <typename T> inline void to_bytes(const T &v, uint8_t *out, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        out[i] = (uint8_t)(v[i / 4] >> (8 * (i % 4)));
}
template <typename T> inline void from_bytes(T &v, const uint8_t *in, unsigned n) {
    for (unsigned w = 0; w < (n + 3) / 4; w++) {
        uint32_t x = 0;
        for (unsigned i = 0; i < 4 && 4 * w + i < n; i++)
            x |= (uint32_t)in[4 * w + i] << (8 * i);
        v[w] = x;
    }
}
