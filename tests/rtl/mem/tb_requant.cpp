// SPDX-License-Identifier: Apache-2.0
// loom_requant against loom_requant() (runtime/include/loom/loom_ref.h) and the int32
// path of docs/isa.md STORE: corner cases and 1e6 random vectors. TB_PIPE = the PIPE
// parameter the model was built with (its latency in cycles, 0..2).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "Vloom_requant.h"
#include "loom/loom_ref.h"
#include "verilated.h"

#ifndef TB_PIPE
#define TB_PIPE 0
#endif

struct Vec {
    int32_t acc, bias, mult;
    unsigned shift;
    int8_t zp;
    bool bias_en, relu, i32;
};

static int32_t expect(const Vec &v) {
    int32_t x = v.bias_en ? (int32_t)((uint32_t)v.acc + (uint32_t)v.bias) : v.acc;
    if (v.i32)
        return v.relu && x < 0 ? 0 : x;
    return loom_requant(x, v.mult, v.shift, v.zp, v.relu);
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    auto top = std::make_unique<Vloom_requant>();
    std::vector<Vec> vecs;
    const int32_t accs[] = {0, 1, -1, 2, -2, 3, -3, 127, -128, 128, -129, INT32_MAX, INT32_MIN, INT32_MIN + 1,
                            0x40000000, -0x40000000, 12345, -12345};
    const int32_t mults[] = {0, 1, -1, 2, -2, 3, INT32_MAX, -INT32_MAX, INT32_MIN, 0x40000000, 1 << 16, 0x5555};
    const unsigned shifts[] = {0, 1, 2, 3, 15, 16, 30, 31, 32, 33, 47, 61, 62, 63};
    const int8_t zps[] = {0, 1, -1, 127, -128, 5, -7};
    for (int32_t a : accs)
        for (int32_t m : mults)
            for (unsigned s : shifts)
                for (int8_t z : zps)
                    for (int r = 0; r < 2; r++)
                        vecs.push_back({a, 0, m, s, z, false, (bool)r, false});
    // Ties: v*mult = odd multiples of 2^(s-1), both signs.
    for (unsigned s = 1; s < 63; s++)
        for (int k = -5; k <= 5; k += 2) {
            int64_t p = (int64_t)k << (s - 1);
            if (p >= INT32_MIN && p <= INT32_MAX)
                vecs.push_back({(int32_t)p, 0, 1, s, 0, false, false, false});
            if (s >= 32)
                vecs.push_back({(int32_t)(k * 3), 0, (int32_t)(1u << 30), s, 0, false, false, false});
        }
    // Bias wrap, int32 path with relu.
    const int32_t biases[] = {0, 1, -1, INT32_MAX, INT32_MIN, 77};
    for (int32_t a : accs)
        for (int32_t b : biases)
            for (int r = 0; r < 2; r++) {
                vecs.push_back({a, b, 1, 0, 0, true, (bool)r, true});
                vecs.push_back({a, b, 3, 1, -3, true, (bool)r, false});
                vecs.push_back({a, b, 0, 0, 0, false, (bool)r, true});
            }
    std::mt19937_64 rng(42);
    const size_t n_fixed = vecs.size();
    for (int i = 0; i < 1000000; i++) {
        uint64_t r = rng();
        Vec v;
        v.acc = (int32_t)rng();
        if ((r & 3) == 0)
            v.acc >>= (r >> 2) % 32;   // small magnitudes
        v.bias = (int32_t)rng();
        v.mult = (int32_t)rng();
        if ((r & 0x30) == 0)
            v.mult >>= (r >> 8) % 32;
        v.shift = (r >> 16) % 64;
        v.zp = (int8_t)(r >> 24);
        v.bias_en = (r >> 32) & 1;
        v.relu = (r >> 33) & 1;
        v.i32 = ((r >> 34) & 7) == 0;
        vecs.push_back(v);
    }

    unsigned fails = 0;
    top->rst_ni = 1;   // a real negedge for the asynchronous reset
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 0;
    top->eval();
    top->rst_ni = 1;
    top->eval();
    for (size_t i = 0; i < vecs.size() + TB_PIPE; i++) {
        if (i < vecs.size()) {
            const Vec &v = vecs[i];
            top->acc_i = (uint32_t)v.acc;
            top->bias_i = (uint32_t)v.bias;
            top->bias_en_i = v.bias_en;
            top->mult_i = (uint32_t)v.mult;
            top->shift_i = v.shift;
            top->zp_i = (uint8_t)v.zp;
            top->relu_i = v.relu;
            top->out_i32_i = v.i32;
        }
        top->clk_i = 0;
        top->eval();
        if (i >= TB_PIPE) {
            const Vec &v = vecs[i - TB_PIPE];
            int32_t got = (int32_t)top->y_o, want = expect(v);
            if (got != want) {
                if (fails < 20)
                    fprintf(stderr,
                            "MISMATCH #%zu acc=%d bias=%d en=%d mult=%d shift=%u zp=%d relu=%d i32=%d: got %d want %d\n",
                            i - TB_PIPE, v.acc, v.bias, v.bias_en, v.mult, v.shift, v.zp, v.relu, v.i32, got, want);
                fails++;
            }
        }
        top->clk_i = 1;
        top->eval();
    }
    printf("%s: loom_requant PIPE=%d, %zu corner + %zu random vectors, %u mismatches\n", fails ? "FAIL" : "PASS",
           TB_PIPE, n_fixed, vecs.size() - n_fixed, fails);
    top->final();
    top.reset();
    return fails ? 1 : 0;
}
