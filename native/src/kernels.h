// rnnlab's kernels as plain C++ over float arrays, shared by the two builds: the Node addon (addon.cc, N-API, built
// at npm install by native/build-native.js) and the WebAssembly module (wasm.cc, built by `npm run build:wasm` and
// shipped in the package for machines without a C++ compiler). The math is in rnn.cc (recurrent layers and the
// general matrix product) and norm.cc (BatchNormalization, Dropout, Adam); the callers check every argument first.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rnnlab {

enum Act { TANH = 0, SIGMOID = 1, HARD_SIGMOID = 2, RELU = 3, LINEAR = 4 };
enum Cell { SIMPLE = 0, LSTM = 1, GRU = 2 };

struct Dims {
  int cell, rec, act, B, T, I, u;
  bool returnSequences;
  int G() const { return cell == LSTM ? 4 : cell == GRU ? 3 : 1; }
  size_t TB() const { return (size_t)T * B; }
  // Workspace layout (floats): XT [T*B*I], H [(T+1)*B*u], then per cell:
  //   LSTM: gates [T*B*4u] (activated i,f,g,o), C [(T+1)*B*u], TC = tanh(c) [T*B*u]
  //   GRU:  gates [T*B*3u] (activated z,r,hh), RH = r*h_prev [T*B*u]
  size_t xt() const { return 0; }
  size_t h() const { return xt() + TB() * I; }
  size_t gates() const { return h() + (TB() + B) * u; }
  size_t c() const { return gates() + TB() * G() * u; }
  size_t tc() const { return c() + (TB() + B) * u; }
  size_t rh() const { return gates() + TB() * 3 * u; }
  size_t size() const {
    if (cell == LSTM) return tc() + TB() * u;
    if (cell == GRU) return rh() + TB() * u;
    return gates();
  }
};

// Threads of the passes (rnn.cc): the work is split into pieces for `threads`; at most `active` pieces run at once
// (0: no limit), which never changes how the work is split. lastParts / lastWorkers: into how many row ranges the
// last recurrence was split and on how many threads it ran (for the tests). The WebAssembly build has one thread.
struct Threads {
  int threads = 1, active = 0, lastParts = 0, lastWorkers = 0;
};
extern Threads threads;

// x [B,T,I] -> out ([B,T,u] or [B,u]); fills the workspace (d.size() floats) with what backward needs.
void forward(const Dims& d, const float* x, const float* W, const float* U, const float* bias, float* ws, float* out);
// dy (shaped as out) -> dx [B,T,I], dW [I,G*u], dU [u,G*u], db [G*u], from forward's workspace.
void backward(const Dims& d, const float* W, const float* U, const float* ws, const float* dy, float* dx, float* dW, float* dU,
              float* db);
// For each of `batch` products: c[i] [M,N] = op(a[i])·op(b[i]), op(a) [M,K] (a stored [K,M] when ta), op(b) [K,N]
// (b stored [N,K] when tb); a[i] starts at i * aStride floats, b[i] at i * bStride.
void matMul(int64_t batch, int64_t M, int64_t N, int64_t K, bool ta, bool tb, const float* a, int64_t aStride, const float* b,
            int64_t bStride, float* c);
// Which inner kernel the matrix products use (packed.h): "AVX-512", "AVX2+FMA", "WebAssembly SIMD128", ...
const char* productKernel();

// norm.cc. x [N, C] -> y, and the batch's mean [C] and (biased) var [C].
void bnForward(const float* x, size_t N, size_t C, const float* gamma, const float* beta, double eps, float* y, float* mean, float* var);
// The training-mode BatchNormalization's gradients: dx [N, C], dgamma [C], dbeta [C].
void bnBackward(const float* x, const float* dy, size_t N, size_t C, const float* mean, const float* var, const float* gamma, double eps,
                float* dx, float* dgamma, float* dbeta);
// y = x * mask, the mask drawn from (seed, index); rate in [0, 1).
void dropout(const float* x, uint32_t n, double rate, uint32_t seed, float* y);
// One Adam step: k = [beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, 1 - beta2^t, -learningRate, epsilon].
void adam(const float* x, const float* m, const float* v, const float* g, float* nx, float* nm, float* nv, size_t n, const float* k);

}  // namespace rnnlab
