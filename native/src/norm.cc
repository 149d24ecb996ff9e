// rnnlab's kernels for the layers around the recurrent ones: BatchNormalization in training over [N, C] rows
// (statistics per channel, the last axis, as tf.layers' default axis -1) and Dropout's multiply by a random mask; and
// Adam's update of a variable.
//
// Each is one or two passes over plain float arrays, where tfjs runs a dozen ops (moments, batchNorm and their
// autodiff gradients; randomUniform, floor, add, div, mul). NaN and Infinity propagate as in tf.layers without relying
// on any fast-math flag: no comparisons or clamps touch the data, channel sums are plain additions (a NaN or an
// infinity in a channel spoils that channel's statistics, as tf.moments does), the per-channel 1/sqrt(var + eps) is
// computed in double (sqrt(Inf) = Inf, 1/Inf = 0, as tf's rsqrt), and dropped positions are multiplied by 0 (not
// replaced by 0), so NaN * 0 = NaN as in tf.dropout.
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels.h"

namespace rnnlab {

namespace {

// x [N, C] -> mean[C], var[C] (biased, as tf.moments): sums in double, the deviations and squares in float as tf.
void moments(const float* x, size_t N, size_t C, float* mean, float* var) {
  std::vector<double> acc(C, 0.0);
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    for (size_t c = 0; c < C; c++) acc[c] += r[c];
  }
  for (size_t c = 0; c < C; c++) mean[c] = (float)(acc[c] / (double)N), acc[c] = 0.0;
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    for (size_t c = 0; c < C; c++) {
      float d = r[c] - mean[c];
      acc[c] += d * d;
    }
  }
  for (size_t c = 0; c < C; c++) var[c] = (float)(acc[c] / (double)N);
}

// 1 / sqrt(var + eps) per channel, in double: no reciprocal-sqrt approximation, Inf -> 0, NaN -> NaN.
void invStd(const float* var, size_t C, double eps, float* out) {
  for (size_t c = 0; c < C; c++) out[c] = (float)(1.0 / std::sqrt((double)var[c] + eps));
}

}  // namespace

// y = (x - mean) / sqrt(var + eps) * gamma + beta, statistics of this batch over the rows of x [N, C].
void bnForward(const float* x, size_t N, size_t C, const float* gamma, const float* beta, double eps, float* y, float* mean, float* var) {
  moments(x, N, C, mean, var);
  std::vector<float> is(C), scale(C);
  invStd(var, C, eps, is.data());
  for (size_t c = 0; c < C; c++) scale[c] = is[c] * gamma[c];
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    float* o = y + n * C;
    for (size_t c = 0; c < C; c++) o[c] = (r[c] - mean[c]) * scale[c] + beta[c];
  }
}

// The training-mode forward pass's gradients, the batch's statistics differentiated too:
// dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat)).
void bnBackward(const float* x, const float* dy, size_t N, size_t C, const float* mean, const float* var, const float* gamma, double eps,
                float* dx, float* dg, float* db) {
  std::vector<float> is(C);
  invStd(var, C, eps, is.data());
  std::vector<double> sdy(C, 0.0), sdyx(C, 0.0);
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    const float* g = dy + n * C;
    for (size_t c = 0; c < C; c++) {
      float xh = (r[c] - mean[c]) * is[c];
      sdy[c] += g[c];
      sdyx[c] += g[c] * xh;
    }
  }
  std::vector<float> a(C), b(C), k(C);
  for (size_t c = 0; c < C; c++) {
    db[c] = (float)sdy[c];
    dg[c] = (float)sdyx[c];
    k[c] = gamma[c] * is[c];
    a[c] = (float)(sdy[c] / (double)N);
    b[c] = (float)(sdyx[c] / (double)N);
  }
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    const float* g = dy + n * C;
    float* o = dx + n * C;
    for (size_t c = 0; c < C; c++) {
      float xh = (r[c] - mean[c]) * is[c];
      o[c] = k[c] * (g[c] - a[c] - xh * b[c]);
    }
  }
}

namespace {

// murmur3's finaliser: a well-mixed 32-bit value per element index, for any seed.
inline uint32_t mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

}  // namespace

// y = x * mask, mask = 1 / (1 - rate) where u >= rate and 0 elsewhere, u uniform in [0, 1) from (seed, index): the
// same seed gives the same mask, so the backward pass calls it again on dy.
void dropout(const float* x, uint32_t n, double rate, uint32_t seed, float* y) {
  // u >= rate <=> (h >> 8) >= ceil(rate * 2^24): an integer threshold, so the comparison never touches a float.
  const uint32_t threshold = (uint32_t)std::ceil(rate * 16777216.0);
  const float scale = (float)(1.0 / (1.0 - rate));
  const uint32_t s = mix(seed ^ 0x9e3779b9u);
  // A 32-bit index and a select between two floats (not a bool converted to float): so g++ vectorises the loop
  // (8 lanes of the hash at once); the mask and the products are the same as one element at a time.
  for (uint32_t i = 0; i < n; i++) {
    const float keep = (mix(i * 0x9e3779b9u + s) >> 8) >= threshold ? scale : 0.f;
    y[i] = x[i] * keep;
  }
}

// One Adam step of one variable, tf.train.adam's ops in their order, each rounded to float as tf rounds it (the
// scalars are rounded to float first, as tf's scalar tensors are; no fused multiply-add, so that the results equal
// tf's bit for bit). One pass where tf runs eleven ops over the variable.
#if defined(__clang__)
#define RNNLAB_NO_FMA
#else
#define RNNLAB_NO_FMA __attribute__((optimize("fp-contract=off")))
#endif
RNNLAB_NO_FMA
void adam(const float* __restrict x, const float* __restrict m, const float* __restrict v, const float* __restrict g, float* __restrict nx,
          float* __restrict nm, float* __restrict nv, size_t n, const float* k) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
  const float b1 = k[0], c1 = k[1], b2 = k[2], c2 = k[3], a1 = k[4], a2 = k[5], nlr = k[6], eps = k[7];
  for (size_t i = 0; i < n; i++) {
    float m1 = m[i] * b1 + g[i] * c1;
    float v1 = v[i] * b2 + (g[i] * g[i]) * c2;
    nm[i] = m1;
    nv[i] = v1;
    nx[i] = (m1 / a1) / (std::sqrt(v1 / a2) + eps) * nlr + x[i];
  }
}

}  // namespace rnnlab
