// rnnlab's kernels for the recurrent layers: the whole-sequence forward and backward passes of SimpleRNN, LSTM and
// GRU, with the same math, weight layout and gate order as lib/src/fast/layers.ts and tf.layers (kernel [I, G*u],
// recurrentKernel [u, G*u], bias [G*u]; LSTM gates i,f,c,o; GRU z,r,h with the reset gate applied before the
// recurrent matmul). Plain C++ with no library beyond the compiler's: the same file is the Node addon's (addon.cc)
// and the WebAssembly module's (wasm.cc).
//
// Where the time goes and what this file does about it:
//  - every matrix product is packed.h's: the products over all steps (the input projection x·W + b, and in the
//    backward pass the weight gradients Xᵀ·dZ, Hᵀ·dZ and dZ·Wᵀ) one blocked product each, and the product of every
//    step (h·U forward, dz·Uᵀ backward, written straight into that step's rows) with U packed once for the whole
//    pass; a row's numbers are the same however many rows are multiplied with it;
//  - the gate activations and the cell update are one fused loop per step over plain float arrays, exp taken 8 floats
//    at a time (glibc's vector expf where there is one, see exp8);
//  - everything inside is time-major ([T, B, ·]) so that "all steps" is one contiguous matrix; x, dx and the output
//    are transposed from/to tf's [B, T, ·] at the edges;
//  - with n threads (threads.threads; lib/src/config.ts's RNNLAB_NATIVE_THREADS), the recurrence is split by rows of
//    the batch: the rows of a batch never meet inside a recurrent layer, so each thread runs its rows through all T
//    steps with no synchronisation per step, and the products over all steps are split by steps or by gate columns.
//    The results equal one thread's (test/fast/native.test.js);
//  - how the work is split depends on threads.threads only; how many of the pieces run at once can be limited below
//    it (threads.active: rl.fit does so while other rnnlab kernels train on the same machine, course/cores.ts), and
//    then a thread takes several pieces: the row ranges of a recurrence as one range, the products over all steps
//    one by one. So a limit never changes a result.
// The forward pass fills a workspace (a Float32Array the caller owns) with what the backward pass needs: the
// time-major input, every h, and the activated gates (plus c and tanh(c) for LSTM, r*h for GRU).
//
// NaN and ±Infinity go through as through tf.layers: the file is compiled without -ffast-math (see binding.gyp and
// native/build-wasm.js), every clamp keeps NaN (a comparison with NaN is false, so `v < lo ? lo : v` leaves it), and
// the products with a zero state at step 0 that the loops skip are done after all when a weight is not finite
// (0 * Inf is NaN).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#if !defined(RNNLAB_SINGLE_THREAD)
#include <system_error>
#include <thread>
#endif
#include <utility>
#include <vector>

#include "kernels.h"
#include "packed.h"

// glibc's vector expf (libmvec) for the gate loops. glibc declares it only under -ffast-math (__FAST_MATH__), which
// would also let g++ assume that no NaN or Infinity exists; this declaration (with -fopenmp-simd) asks for the
// same vector variants without that assumption. libmvec's expf returns NaN for NaN, 0 for -Inf and Inf for +Inf.
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__FAST_MATH__)
extern "C" {
#pragma omp declare simd notinbranch
float expf(float) noexcept;
}
#endif

namespace rnnlab {

Threads threads;

namespace {

// exp of 8 floats in place, every lane alike: glibc's 8-wide vector expf (libmvec) called directly where there is
// one; in WebAssembly, whose libc has only a scalar expf, Cephes's expf 4 lanes at a time (below); else the scalar
// expf for each.
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__AVX2__)
extern "C" __m256 _ZGVdN8v_expf(__m256);
inline void exp8(float* v) { _mm256_storeu_ps(v, _ZGVdN8v_expf(_mm256_loadu_ps(v))); }
#elif defined(__wasm_simd128__)
// exp(x) = 2^n exp(r), n = round(x log2 e), r = x - n ln 2 (ln 2 in two parts, so r is exact to float), exp(r) by
// Cephes's degree-6 polynomial: within 2 ulp of the exact value. Past the float range: +Inf above 88.38 and 0 below
// -87.34 (where exp is subnormal: tf's may give a subnormal, here 0; sigmoid and tanh are the same either way). NaN
// stays NaN: pmin/pmax (b < a ? b : a) keep their first operand when it is NaN, and NaN goes on through the rest.
inline v128_t exp4(v128_t x) {
  const v128_t hi = wasm_f32x4_splat(88.3762626647949f), lo = wasm_f32x4_splat(-87.3365478515625f);
  const v128_t xc = wasm_f32x4_pmax(wasm_f32x4_pmin(x, hi), lo);
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.f));
  // 2^n for n in [-126, 127]: n + 127 in the exponent bits.
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  v128_t y = wasm_f32x4_mul(p, scale);
  y = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), y, wasm_f32x4_gt(x, hi));
  return wasm_v128_bitselect(wasm_f32x4_splat(0.f), y, wasm_f32x4_lt(x, lo));
}
inline void exp8(float* v) {
  wasm_v128_store(v, exp4(wasm_v128_load(v)));
  wasm_v128_store(v + 4, exp4(wasm_v128_load(v + 4)));
}
#else
inline void exp8(float* v) {
  for (int j = 0; j < 8; j++) v[j] = std::exp(v[j]);
}
#endif

// f over n floats in blocks of 8, the last one padded, so that every element goes through the same code wherever it
// lies in the array. Left to g++, a loop's remainder takes expf's scalar or 4-wide variant, whose last bit can differ
// from the 8-wide one's, and a row's numbers would depend on which rows share the call (the recurrences run several
// row ranges as one when they land on one thread, see parallel()).
template <class F>
inline void inBlocksOf8(float* __restrict x, int n, F f) {
  int j = 0;
  for (; j + 8 <= n; j += 8) f(x + j);
  if (j < n) {
    float t[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
    std::memcpy(t, x + j, sizeof(float) * (n - j));
    f(t);
    std::memcpy(x + j, t, sizeof(float) * (n - j));
  }
}

// In place: y = f(x) over n contiguous floats.
void activate(int act, float* __restrict x, int n) {
  // No clamp before expf: exp overflows to Inf or underflows to 0 and the formulas give exactly ±1, 0 or 1 at ±Inf,
  // as tf does (a clamp at ±80 made sigmoid(-Inf) 1.8e-35 instead of 0, and 0 * Inf NaN in the backward pass).
  switch (act) {
    case TANH:
      inBlocksOf8(x, n, [](float* v) {
        float e[8];
        for (int j = 0; j < 8; j++) e[j] = 2.f * v[j];
        exp8(e);
        for (int j = 0; j < 8; j++) v[j] = 1.f - 2.f / (1.f + e[j]);
      });
      break;
    case SIGMOID:
      inBlocksOf8(x, n, [](float* v) {
        float e[8];
        for (int j = 0; j < 8; j++) e[j] = -v[j];
        exp8(e);
        for (int j = 0; j < 8; j++) v[j] = 1.f / (1.f + e[j]);
      });
      break;
    case HARD_SIGMOID:  // Keras/tfjs: clip(0.2 x + 0.5, 0, 1)
      for (int j = 0; j < n; j++) {
        float v = 0.2f * x[j] + 0.5f;
        x[j] = v < 0.f ? 0.f : v > 1.f ? 1.f : v;
      }
      break;
    case RELU:
      for (int j = 0; j < n; j++) x[j] = x[j] < 0.f ? 0.f : x[j];
      break;
    default:
      break;
  }
}

// d = f'(x) written in terms of the output y = f(x), as layers.ts's gradFromOutput.
void derivative(int act, const float* __restrict y, float* __restrict d, int n) {
  switch (act) {
    case TANH:
      for (int j = 0; j < n; j++) d[j] = 1.f - y[j] * y[j];
      break;
    case SIGMOID:
      for (int j = 0; j < n; j++) d[j] = y[j] * (1.f - y[j]);
      break;
    case HARD_SIGMOID:  // NaN where y is NaN (y != y), as tf.step does, so that the gradient does not hide it
      for (int j = 0; j < n; j++) d[j] = (y[j] > 0.f && y[j] < 1.f) ? 0.2f : y[j] != y[j] ? y[j] : 0.f;
      break;
    case RELU:
      for (int j = 0; j < n; j++) d[j] = y[j] > 0.f ? 1.f : y[j] != y[j] ? y[j] : 0.f;
      break;
    default:
      for (int j = 0; j < n; j++) d[j] = 1.f;
      break;
  }
}

// The derivatives of an LSTM unit's gates (input, forget, candidate, output) and of tanh(c), at one unit.
struct GateDerivs {
  float di, df, dg, dO, dtc;
};

// One row of the LSTM's backward step: the gates' pre-activation gradients dz [4u] and the gradient dcn carried to
// c_{t-1} (in: from step t+1), from g = dL/dh_t, the activated gates z [4u], c_{t-1} (cpb) and tanh(c_t) (tcb).
// deriv(j) gives the derivatives at unit j: written inline for the usual sigmoid and tanh, read from scratch arrays
// for the others; either way the same expressions in the same order, so the same numbers.
template <class D>
inline void lstmRowBackward(int u, const float* z, const float* __restrict tcb, const float* __restrict cpb, const float* __restrict g,
                            float* __restrict dcn, float* __restrict dz, D deriv) {
  const float* __restrict zi = z;
  const float* __restrict zf = z + u;
  const float* __restrict zg = z + 2 * u;
  const float* __restrict zo = z + 3 * u;
  for (int j = 0; j < u; j++) {
    const GateDerivs dv = deriv(j);
    float dc = dcn[j] + g[j] * zo[j] * dv.dtc;
    dz[j] = dc * zg[j] * dv.di;
    dz[u + j] = dc * cpb[j] * dv.df;
    dz[2 * u + j] = dc * zi[j] * dv.dg;
    dz[3 * u + j] = g[j] * tcb[j] * dv.dO;
    dcn[j] = dc * zf[j];
  }
}

// True when no element is NaN or ±Infinity (x * 0 is 0 for every finite x, NaN otherwise).
bool allFinite(const float* __restrict p, size_t n) {
  float acc = 0.f;
  for (size_t i = 0; i < n; i++) acc += p[i] * 0.f;
  return acc == 0.f;
}

// C[m,n] = A·B + beta C (beta 0 or 1), row-major, with optional transposes and explicit leading dimensions: packed.h's.
inline void gemm(bool ta, bool tb, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float beta, float* c,
                 int ldc) {
  packed::sgemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

// Splits [0, n) into `parts` nearly equal ranges; range k is [begin(k), begin(k + 1)), each a multiple of `align`
// except the last.
struct Split {
  size_t n;
  int parts;
  size_t align;
  size_t begin(int k) const {
    size_t b = (n * (size_t)k / (size_t)parts) / align * align;
    return k >= parts ? n : b;
  }
};

// How many threads a pass over n independent units takes: at most threads.threads, and each at least minPerThread units.
int threadsFor(size_t n, size_t minPerThread) {
  size_t byWork = n / std::max<size_t>(minPerThread, 1);
  return (int)std::max<size_t>(1, std::min<size_t>((size_t)threads.threads, byWork));
}

// f(begin, end) over the ranges of `split`, on at most threads.active threads: thread w takes a block of consecutive ranges,
// thread 0 being the calling one. With `merge`, a thread runs its block as one range (for the recurrences, whose rows
// give the same numbers alone or together), else range by range (the products over all steps, whose ranges are
// pieces of one matrix). Returns how many threads ran. Built without threads (RNNLAB_SINGLE_THREAD: WebAssembly), all
// blocks run on the calling thread, in the same pieces.
template <class F>
int parallel(const Split& split, bool merge, F&& f) {
  const int workers = std::max(1, std::min(split.parts, threads.active > 0 ? threads.active : split.parts));
  auto run = [&f, &split, workers, merge](int w) {
    const int k0 = (int)((long)split.parts * w / workers), k1 = (int)((long)split.parts * (w + 1) / workers);
    if (merge) {
      if (k1 > k0) f(split.begin(k0), split.begin(k1));
      return;
    }
    for (int k = k0; k < k1; k++) f(split.begin(k), split.begin(k + 1));
  };
#if defined(RNNLAB_SINGLE_THREAD)
  for (int w = 0; w < workers; w++) run(w);
  return 1;
#else
  if (workers == 1) {
    run(0);
    return 1;
  }
  std::vector<std::thread> others;
  others.reserve(workers - 1);
  int w = 1;
  try {
    for (; w < workers; w++) others.emplace_back(run, w);
  } catch (const std::system_error&) {
    // No thread to be had (a limit on threads): the blocks not started run here, after thread 0's.
  }
  const int started = w;
  run(0);
  for (; w < workers; w++) run(w);
  for (auto& t : others) t.join();
  return started;
#endif
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Forward: x [B,T,I] -> out ([B,T,u] or [B,u]) and the workspace.

void forward(const Dims& d, const float* x, const float* W, const float* U, const float* bias, float* ws, float* out) {
  const int B = d.B, T = d.T, I = d.I, u = d.u, G = d.G(), Gu = G * u;
  float* XT = ws + d.xt();
  float* H = ws + d.h();
  float* Z = d.cell == SIMPLE ? H + (size_t)B * u : ws + d.gates();  // SimpleRNN's pre-activations are H[1..T]
  std::fill(H, H + (size_t)B * u, 0.f);  // h_0 = 0
  if (d.cell == LSTM) std::fill(ws + d.c(), ws + d.c() + (size_t)B * u, 0.f);  // c_0 = 0

  // Pre-activations of all steps: rows of XT times W plus the bias, one sgemm per range of steps.
  const int byTime = threadsFor((size_t)T * B * (I + 1) * Gu, (size_t)1 << 20);
  parallel(Split{(size_t)T, byTime, 1}, false, [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; t++)
      for (int b = 0; b < B; b++) std::memcpy(XT + (t * B + b) * I, x + ((size_t)b * T + t) * I, sizeof(float) * I);
    for (size_t r = t0 * B; r < t1 * B; r++) std::memcpy(Z + r * Gu, bias, sizeof(float) * Gu);
    gemm(false, false, (int)((t1 - t0) * B), Gu, I, XT + t0 * B * I, I, W, Gu, 1.f, Z + t0 * B * Gu, Gu);
  });
  // At step 0, h_0 = 0 and h_0·U adds nothing, so the loops skip it, unless U holds NaN or ±Infinity: then tf.layers
  // gets NaN from 0 * Inf or 0 * NaN, and so must this.
  const bool skipStep0 = allFinite(U, (size_t)u * Gu);
  // The recurrent matrix packed once for the whole pass (packed.h): all of U, or for GRU [Uz Ur] and Uh apart.
  packed::PackedB Pu, Puh;
  if (d.cell == GRU) {
    packed::pack(U, Gu, u, 2 * u, false, Pu);
    packed::pack(U + 2 * u, Gu, u, u, false, Puh);
  } else {
    packed::pack(U, Gu, u, Gu, false, Pu);
  }

  // The recurrence, rows [b0, b1) of the batch through all steps (8 rows or more for each thread).
  threads.lastParts = threadsFor((size_t)B, 8);
  threads.lastWorkers = parallel(Split{(size_t)B, threads.lastParts, 1}, true, [&](size_t b0, size_t b1) {
    const int nb = (int)(b1 - b0);
    for (int t = 0; t < T; t++) {
      const float* hp = H + (size_t)t * B * u;
      float* hn = H + (size_t)(t + 1) * B * u;
      float* Zt = Z + (size_t)t * B * Gu;
      if (d.cell == SIMPLE) {
        if (t > 0 || !skipStep0) packed::gemm(nb, hp + b0 * u, u, Pu, Zt + b0 * u, u, true);
        activate(d.act, Zt + b0 * u, nb * u);  // Zt is hn
      } else if (d.cell == LSTM) {
        const float* cp = ws + d.c() + (size_t)t * B * u;
        float* cn = ws + d.c() + (size_t)(t + 1) * B * u;
        float* tc = ws + d.tc() + (size_t)t * B * u;
        if (t > 0 || !skipStep0) packed::gemm(nb, hp + b0 * u, u, Pu, Zt + b0 * Gu, Gu, true);
        for (size_t b = b0; b < b1; b++) {
          float* z = Zt + b * Gu;
          activate(d.rec, z, 2 * u);
          activate(d.act, z + 2 * u, u);
          activate(d.rec, z + 3 * u, u);
          const float* __restrict zi = z;
          const float* __restrict zf = z + u;
          const float* __restrict zg = z + 2 * u;
          const float* __restrict zo = z + 3 * u;
          const float* __restrict cpb = cp + b * u;
          float* __restrict cnb = cn + b * u;
          float* __restrict tcb = tc + b * u;
          float* __restrict hnb = hn + b * u;
          for (int j = 0; j < u; j++) cnb[j] = zf[j] * cpb[j] + zi[j] * zg[j];
          std::memcpy(tcb, cnb, sizeof(float) * u);
          activate(d.act, tcb, u);
          for (int j = 0; j < u; j++) hnb[j] = zo[j] * tcb[j];
        }
      } else {  // GRU
        float* RH = ws + d.rh() + (size_t)t * B * u;
        if (t > 0 || !skipStep0) packed::gemm(nb, hp + b0 * u, u, Pu, Zt + b0 * Gu, Gu, true);  // h·[Uz Ur]
        for (size_t b = b0; b < b1; b++) {
          float* z = Zt + b * Gu;
          activate(d.rec, z, 2 * u);
          const float* __restrict r = z + u;
          const float* __restrict hpb = hp + b * u;
          float* __restrict rhb = RH + b * u;
          for (int j = 0; j < u; j++) rhb[j] = r[j] * hpb[j];
        }
        // (r*h)·Uh; at step 0 r*h_0 is 0 unless r is NaN (0 * NaN).
        if (t > 0 || !skipStep0 || !allFinite(RH + b0 * u, (size_t)nb * u))
          packed::gemm(nb, RH + b0 * u, u, Puh, Zt + b0 * Gu + 2 * u, Gu, true);
        for (size_t b = b0; b < b1; b++) {
          float* z = Zt + b * Gu;
          activate(d.act, z + 2 * u, u);
          const float* __restrict zz = z;
          const float* __restrict hh = z + 2 * u;
          const float* __restrict hpb = hp + b * u;
          float* __restrict hnb = hn + b * u;
          for (int j = 0; j < u; j++) hnb[j] = hh[j] + zz[j] * (hpb[j] - hh[j]);
        }
      }
    }
    if (d.returnSequences) {
      for (size_t b = b0; b < b1; b++)
        for (int t = 0; t < T; t++)
          std::memcpy(out + (b * T + t) * u, H + ((size_t)(t + 1) * B + b) * u, sizeof(float) * u);
    } else {
      std::memcpy(out + b0 * u, H + (size_t)T * B * u + b0 * u, sizeof(float) * nb * u);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Backward: dy (as out) -> dx [B,T,I], dW [I,Gu], dU [u,Gu], db [Gu].

void backward(const Dims& d, const float* W, const float* U, const float* ws, const float* dy, float* dx, float* dW, float* dU,
              float* db) {
  const int B = d.B, T = d.T, I = d.I, u = d.u, G = d.G(), Gu = G * u;
  const size_t TB = d.TB();
  const float* XT = ws + d.xt();
  const float* H = ws + d.h();
  // dZ (pre-activation gradients of every step, [T*B, Gu]) and dx (time-major) live in buffers kept from call to
  // call: a fresh 7 MB allocation each step costs page faults and a zero-fill that were ~5% of an LSTM(128) step.
  RNNLAB_PER_THREAD std::vector<float> dZbuf, dxBuf;
  if (dZbuf.size() < TB * Gu) dZbuf.resize(TB * Gu);
  if (dxBuf.size() < TB * I) dxBuf.resize(TB * I);
  float* const dZ = dZbuf.data();
  float* const dxT = dxBuf.data();
  // dL/dh_t from the layer's output at step t, row b (null where the output does not depend on step t).
  auto dyAt = [&](int t, size_t b) -> const float* {
    if (d.returnSequences) return dy + (b * T + t) * u;
    return t == T - 1 ? dy + b * u : nullptr;
  };

  // Uᵀ packed once for the whole pass (packed.h): all of it, or for GRU Uhᵀ and [Uz Ur]ᵀ apart.
  packed::PackedB PuT, PzrT;
  if (d.cell == GRU) {
    packed::pack(U + 2 * u, Gu, u, u, true, PuT);
    packed::pack(U, Gu, 2 * u, u, true, PzrT);
  } else {
    packed::pack(U, Gu, Gu, u, true, PuT);
  }
  // The recurrence backwards, rows [b0, b1) of the batch through all steps; dh, dc, ... hold those rows only.
  threads.lastParts = threadsFor((size_t)B, 8);
  threads.lastWorkers = parallel(Split{(size_t)B, threads.lastParts, 1}, true, [&](size_t b0, size_t b1) {
    const int nb = (int)(b1 - b0);
    std::vector<float> dh((size_t)nb * u, 0.f), dhNext((size_t)nb * u), dcNext((size_t)nb * u, 0.f), dRh((size_t)nb * u);
    std::vector<float> d1(Gu), d2(u);  // per-row derivative scratch
    for (int t = T - 1; t >= 0; t--) {
      const float* hp = H + (size_t)t * B * u;
      float* dZt = dZ + (size_t)t * B * Gu;
      // g = dh + dy_t, kept in dh.
      for (size_t b = b0; b < b1; b++) {
        const float* __restrict y = dyAt(t, b);
        float* __restrict g = dh.data() + (b - b0) * u;
        if (y)
          for (int j = 0; j < u; j++) g[j] += y[j];
      }
      if (d.cell == SIMPLE) {
        const float* hn = H + (size_t)(t + 1) * B * u;
        for (size_t b = b0; b < b1; b++) {
          derivative(d.act, hn + b * u, d2.data(), u);
          const float* __restrict g = dh.data() + (b - b0) * u;
          const float* __restrict a = d2.data();
          float* __restrict dz = dZt + b * u;
          for (int j = 0; j < u; j++) dz[j] = g[j] * a[j];
        }
        if (t > 0) packed::gemm(nb, dZt + b0 * u, u, PuT, dh.data(), u, false);
      } else if (d.cell == LSTM) {
        const float* Zt = ws + d.gates() + (size_t)t * B * Gu;
        const float* cp = ws + d.c() + (size_t)t * B * u;
        const float* tc = ws + d.tc() + (size_t)t * B * u;
        const bool usualGates = d.rec == SIGMOID && d.act == TANH;
        for (size_t b = b0; b < b1; b++) {
          const float* z = Zt + b * Gu;
          const float* tcb = tc + b * u;
          const float* g = dh.data() + (b - b0) * u;
          float* dcn = dcNext.data() + (b - b0) * u;
          float* dz = dZt + b * Gu;
          if (usualGates) {
            // The derivatives inline, instead of four passes into scratch arrays first.
            lstmRowBackward(u, z, tcb, cp + b * u, g, dcn, dz, [z, tcb, u](int j) {
              const float zi = z[j], zf = z[u + j], zg = z[2 * u + j], zo = z[3 * u + j], tj = tcb[j];
              return GateDerivs{zi * (1.f - zi), zf * (1.f - zf), 1.f - zg * zg, zo * (1.f - zo), 1.f - tj * tj};
            });
          } else {
            derivative(d.rec, z, d1.data(), 2 * u);
            derivative(d.act, z + 2 * u, d1.data() + 2 * u, u);
            derivative(d.rec, z + 3 * u, d1.data() + 3 * u, u);
            derivative(d.act, tcb, d2.data(), u);
            const float* dr = d1.data();
            const float* dt = d2.data();
            lstmRowBackward(u, z, tcb, cp + b * u, g, dcn, dz, [dr, dt, u](int j) {
              return GateDerivs{dr[j], dr[u + j], dr[2 * u + j], dr[3 * u + j], dt[j]};
            });
          }
        }
        if (t > 0) packed::gemm(nb, dZt + b0 * Gu, Gu, PuT, dh.data(), u, false);
      } else {  // GRU
        const float* Zt = ws + d.gates() + (size_t)t * B * Gu;
        for (size_t b = b0; b < b1; b++) {
          const float* z = Zt + b * Gu;
          derivative(d.act, z + 2 * u, d2.data(), u);
          const float* __restrict zz = z;
          const float* __restrict a = d2.data();
          const float* __restrict g = dh.data() + (b - b0) * u;
          float* __restrict dz = dZt + b * Gu;
          for (int j = 0; j < u; j++) dz[2 * u + j] = g[j] * (1.f - zz[j]) * a[j];
        }
        packed::gemm(nb, dZt + b0 * Gu + 2 * u, Gu, PuT, dRh.data(), u, false);  // d(r*h) = dzh·Uhᵀ
        for (size_t b = b0; b < b1; b++) {
          const float* z = Zt + b * Gu;
          derivative(d.rec, z, d1.data(), 2 * u);
          const float* __restrict zz = z;
          const float* __restrict r = z + u;
          const float* __restrict hh = z + 2 * u;
          const float* __restrict dzd = d1.data();
          const float* __restrict drd = d1.data() + u;
          const float* __restrict hpb = hp + b * u;
          const float* __restrict g = dh.data() + (b - b0) * u;
          const float* __restrict drh = dRh.data() + (b - b0) * u;
          float* __restrict dz = dZt + b * Gu;
          float* __restrict dn = dhNext.data() + (b - b0) * u;
          for (int j = 0; j < u; j++) {
            dz[j] = g[j] * (hpb[j] - hh[j]) * dzd[j];
            dz[u + j] = drh[j] * hpb[j] * drd[j];
            dn[j] = g[j] * zz[j] + drh[j] * r[j];
          }
        }
        if (t > 0) {
          packed::gemm(nb, dZt + b0 * Gu, Gu, PzrT, dhNext.data(), u, true);  // + [dzz dzr]·[Uz Ur]ᵀ
          dh.swap(dhNext);
        }
      }
    }
  });

  // Over all steps at once: the weight gradients Xᵀ·dZ, Hᵀ·dZ (GRU: [Hᵀ·dZzr, (r*h)ᵀ·dZh]) and the bias gradient,
  // split by gate columns [c0, c1), and dx = dZ·Wᵀ, split by steps.
  const int parts = threadsFor(TB * (size_t)(I + u + 1) * Gu, (size_t)1 << 20);
  parallel(Split{(size_t)Gu, std::min(parts, std::max(1, Gu / 16)), 16}, false, [&](size_t c0, size_t c1) {
    const int nc = (int)(c1 - c0);
    gemm(true, false, I, nc, (int)TB, XT, I, dZ + c0, Gu, 0.f, dW + c0, Gu);
    // GRU's candidate columns [2u, 3u) multiply r*h instead of h.
    const size_t split = d.cell == GRU ? std::min(std::max(c0, (size_t)2 * u), c1) : c1;
    gemm(true, false, u, (int)(split - c0), (int)TB, H, u, dZ + c0, Gu, 0.f, dU + c0, Gu);
    gemm(true, false, u, (int)(c1 - split), (int)TB, ws + d.rh(), u, dZ + split, Gu, 0.f, dU + split, Gu);
    std::fill(db + c0, db + c1, 0.f);
    for (size_t r = 0; r < TB; r++) {
      const float* __restrict z = dZ + r * Gu;
      float* __restrict acc = db;
      for (size_t j = c0; j < c1; j++) acc[j] += z[j];
    }
  });
  parallel(Split{(size_t)T, parts, 1}, false, [&](size_t t0, size_t t1) {
    gemm(false, true, (int)((t1 - t0) * B), I, Gu, dZ + t0 * B * Gu, Gu, W, Gu, 0.f, dxT + t0 * B * I, I);
    for (int b = 0; b < B; b++)
      for (size_t t = t0; t < t1; t++) std::memcpy(dx + ((size_t)b * T + t) * I, dxT + (t * B + b) * I, sizeof(float) * I);
  });
}

void matMul(int64_t batch, int64_t M, int64_t N, int64_t K, bool ta, bool tb, const float* a, int64_t aStride, const float* b,
            int64_t bStride, float* c) {
  for (int64_t i = 0; i < batch; i++)
    gemm(ta, tb, (int)M, (int)N, (int)K, a + i * aStride, ta ? (int)M : (int)K, b + i * bStride, tb ? (int)K : (int)N, 0.f,
         c + i * M * N, (int)N);
}

const char* productKernel() { return packed::activeKernel(); }

}  // namespace rnnlab
