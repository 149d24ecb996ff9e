// rnnlab's WebAssembly module: the kernels of rnn.cc and norm.cc (kernels.h) as plain C functions over this module's
// memory, for machines where the Node addon cannot be built (no C++ compiler). lib/src/fast/wasm-kernels.ts loads it,
// checks every argument (as addon.cc does), copies the inputs in and the results out. One thread, SIMD128.
// Built by native/build-wasm.js (`npm run build:wasm`) into native/wasm/rnnlab_kernels.wasm, which is committed.
#include <cstdint>
#include <cstdlib>

#include "kernels.h"

#define EXPORT(name) __attribute__((export_name(#name)))

namespace {

rnnlab::Dims dimsOf(const int32_t* f) { return rnnlab::Dims{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7] != 0}; }

}  // namespace

extern "C" {

// n bytes of this module's memory (16-byte aligned), or 0 when there is no more.
EXPORT(rl_alloc) void* rl_alloc(uint32_t n) { return std::aligned_alloc(16, (n + 15) / 16 * 16); }
EXPORT(rl_free) void rl_free(void* p) { std::free(p); }

// packed.h's inner kernel, as a C string.
EXPORT(rl_kernel) const char* rl_kernel() { return rnnlab::productKernel(); }

// dims = [cell, recurrentActivation, activation, B, T, I, u, returnSequences], 8 int32s.
EXPORT(rl_workspace_size) double rl_workspace_size(const int32_t* dims) { return (double)dimsOf(dims).size(); }

EXPORT(rl_forward)
void rl_forward(const int32_t* dims, const float* x, const float* W, const float* U, const float* b, float* ws, float* out) {
  rnnlab::forward(dimsOf(dims), x, W, U, b, ws, out);
}

EXPORT(rl_backward)
void rl_backward(const int32_t* dims, const float* W, const float* U, const float* ws, const float* dy, float* dx, float* dW,
                 float* dU, float* db) {
  rnnlab::backward(dimsOf(dims), W, U, ws, dy, dx, dW, dU, db);
}

// dims = [batch, M, N, K, transposeA, transposeB, aStride, bStride], 8 int32s.
EXPORT(rl_mat_mul) void rl_mat_mul(const float* a, const float* b, float* c, const int32_t* f) {
  rnnlab::matMul(f[0], f[1], f[2], f[3], f[4] != 0, f[5] != 0, a, f[6], b, f[7], c);
}

EXPORT(rl_bn_forward)
void rl_bn_forward(const float* x, uint32_t N, uint32_t C, const float* gamma, const float* beta, double eps, float* y, float* mean,
                   float* var) {
  rnnlab::bnForward(x, N, C, gamma, beta, eps, y, mean, var);
}

EXPORT(rl_bn_backward)
void rl_bn_backward(const float* x, const float* dy, uint32_t N, uint32_t C, const float* mean, const float* var, const float* gamma,
                    double eps, float* dx, float* dgamma, float* dbeta) {
  rnnlab::bnBackward(x, dy, N, C, mean, var, gamma, eps, dx, dgamma, dbeta);
}

EXPORT(rl_dropout) void rl_dropout(const float* x, uint32_t n, double rate, uint32_t seed, float* y) {
  rnnlab::dropout(x, n, rate, seed, y);
}

EXPORT(rl_adam)
void rl_adam(const float* x, const float* m, const float* v, const float* g, float* nx, float* nm, float* nv, uint32_t n, const float* k) {
  rnnlab::adam(x, m, v, g, nx, nm, nv, n, k);
}

}  // extern "C"
