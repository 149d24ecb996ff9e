// rnnlab native kernels for the layers around the recurrent ones: BatchNormalization in training over [N, C] rows
// (statistics per channel, the last axis, as tf.layers' default axis -1) and Dropout's multiply by a random mask; and
// Adam's update of a variable.
//
// Each is one or two passes over plain float arrays, where tfjs runs a dozen ops (moments, batchNorm and their
// autodiff gradients; randomUniform, floor, add, div, mul). NaN and Infinity propagate as in tf.layers without relying
// on any fast-math flag: no comparisons or clamps touch the data, channel sums are plain additions (a NaN or an
// infinity in a channel spoils that channel's statistics, as tf.moments does), the per-channel 1/sqrt(var + eps) is
// computed in double (sqrt(Inf) = Inf, 1/Inf = 0, as tf's rsqrt), and dropped positions are multiplied by 0 (not
// replaced by 0), so NaN * 0 = NaN as in tf.dropout.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "napi_args.h"

namespace {

bool numberArg(napi_env env, napi_value v, const char* what, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, (std::string("rnnlab_native: ") + what + " must be a number").c_str());
    return false;
  }
  return true;
}


napi_value arrayOf(napi_env env, std::initializer_list<napi_value> items) {
  napi_value res;
  if (napi_create_array_with_length(env, items.size(), &res) != napi_ok) return nullptr;
  uint32_t k = 0;
  for (napi_value v : items) {
    if (!v || napi_set_element(env, res, k++, v) != napi_ok) {
      napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
      return nullptr;
    }
  }
  return res;
}

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

// bnForward(x, C, gamma, beta, eps[, y]) -> [y, mean, var]: y = (x - mean) / sqrt(var + eps) * gamma + beta,
// statistics of this batch over the rows of x [N, C]; y goes into the caller's array when given.
napi_value BnForward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc != 5 && argc != 6) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: bnForward(x, C, gamma, beta, eps[, y])");
    return nullptr;
  }
  double Cd = 0, eps = 0;
  float *x, *gamma, *beta;
  size_t len = 0;
  if (!numberArg(env, argv[1], "C", &Cd) || !numberArg(env, argv[4], "eps", &eps)) return nullptr;
  const size_t C = (size_t)Cd;
  if (C == 0 || !floatArg(env, argv[0], 0, "x", &x, &len) || !floatArg(env, argv[2], C, "gamma", &gamma, nullptr) ||
      !floatArg(env, argv[3], C, "beta", &beta, nullptr))
    return nullptr;
  if (len % C) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: x's length must be a multiple of C");
    return nullptr;
  }
  const size_t N = len / C;
  float *y, *mean, *var;
  napi_value yv = outFloats(env, argv, argc, 5, len, "y", &y);
  if (!yv) return nullptr;
  napi_value mv = newFloats(env, C, &mean), vv = newFloats(env, C, &var);
  if (!mv || !vv) {
    napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
    return nullptr;
  }
  moments(x, N, C, mean, var);
  std::vector<float> is(C), scale(C);
  invStd(var, C, eps, is.data());
  for (size_t c = 0; c < C; c++) scale[c] = is[c] * gamma[c];
  for (size_t n = 0; n < N; n++) {
    const float* r = x + n * C;
    float* o = y + n * C;
    for (size_t c = 0; c < C; c++) o[c] = (r[c] - mean[c]) * scale[c] + beta[c];
  }
  return arrayOf(env, {yv, mv, vv});
}

// bnBackward(x, dy, C, mean, var, gamma, eps[, dx]) -> [dx, dgamma, dbeta] of the training-mode forward pass, the
// batch's statistics differentiated too: dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat));
// dx goes into the caller's array when given.
napi_value BnBackward(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc != 7 && argc != 8) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: bnBackward(x, dy, C, mean, var, gamma, eps[, dx])");
    return nullptr;
  }
  double Cd = 0, eps = 0;
  if (!numberArg(env, argv[2], "C", &Cd) || !numberArg(env, argv[6], "eps", &eps)) return nullptr;
  const size_t C = (size_t)Cd;
  float *x, *dy, *mean, *var, *gamma;
  size_t len = 0;
  if (C == 0 || !floatArg(env, argv[0], 0, "x", &x, &len)) return nullptr;
  if (len % C) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: x's length must be a multiple of C");
    return nullptr;
  }
  if (!floatArg(env, argv[1], len, "dy", &dy, nullptr) || !floatArg(env, argv[3], C, "mean", &mean, nullptr) ||
      !floatArg(env, argv[4], C, "var", &var, nullptr) || !floatArg(env, argv[5], C, "gamma", &gamma, nullptr))
    return nullptr;
  const size_t N = len / C;
  float *dx, *dg, *db;
  napi_value dxv = outFloats(env, argv, argc, 7, len, "dx", &dx);
  if (!dxv) return nullptr;
  napi_value dgv = newFloats(env, C, &dg), dbv = newFloats(env, C, &db);
  if (!dgv || !dbv) {
    napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
    return nullptr;
  }
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
  return arrayOf(env, {dxv, dgv, dbv});
}

// murmur3's finaliser: a well-mixed 32-bit value per element index, for any seed.
inline uint32_t mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// dropout(x, rate, seed[, y]) -> y = x * mask, mask = 1 / (1 - rate) where u >= rate and 0 elsewhere, u uniform in
// [0, 1) from (seed, index): the same seed gives the same mask, so the backward pass calls it again on dy. y goes into
// the caller's array when given.
napi_value Dropout(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc != 3 && argc != 4) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: dropout(x, rate, seed[, y])");
    return nullptr;
  }
  float* x;
  size_t len = 0;
  double rate = 0, seedD = 0;
  if (!floatArg(env, argv[0], 0, "x", &x, &len) || !numberArg(env, argv[1], "rate", &rate) || !numberArg(env, argv[2], "seed", &seedD))
    return nullptr;
  if (!(rate >= 0 && rate < 1)) {
    napi_throw_range_error(env, nullptr, "rnnlab_native: dropout's rate must be in [0, 1)");
    return nullptr;
  }
  float* y;
  napi_value yv = outFloats(env, argv, argc, 3, len, "y", &y);
  if (!yv) return nullptr;
  const uint32_t seed = (uint32_t)(uint64_t)seedD;
  // u >= rate <=> (h >> 8) >= ceil(rate * 2^24): an integer threshold, so the comparison never touches a float.
  const uint32_t threshold = (uint32_t)std::ceil(rate * 16777216.0);
  const float scale = (float)(1.0 / (1.0 - rate));
  const uint32_t s = mix(seed ^ 0x9e3779b9u);
  if (len > 0xffffffffu) {
    napi_throw_range_error(env, nullptr, "rnnlab_native: dropout takes at most 2^32 - 1 floats");
    return nullptr;
  }
  // A 32-bit index and a select between two floats (not a bool converted to float): so g++ vectorises the loop
  // (8 lanes of the hash at once); the mask and the products are the same as one element at a time.
  const uint32_t n = (uint32_t)len;
  for (uint32_t i = 0; i < n; i++) {
    const float keep = (mix(i * 0x9e3779b9u + s) >> 8) >= threshold ? scale : 0.f;
    y[i] = x[i] * keep;
  }
  return yv;
}

// adamUpdate(value, m, v, g, newValue, newM, newV, [beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, 1 - beta2^t,
// -learningRate, epsilon]): one Adam step of one variable, tf.train.adam's ops in their order, each rounded to float
// as tf rounds it (the scalars are rounded to float first, as tf's scalar tensors are; no fused multiply-add, so that
// the results equal tf's bit for bit). One pass where tf runs eleven ops over the variable.
__attribute__((optimize("fp-contract=off")))
void adam(const float* __restrict x, const float* __restrict m, const float* __restrict v, const float* __restrict g, float* __restrict nx,
          float* __restrict nm, float* __restrict nv, size_t n, const float* k) {
  const float b1 = k[0], c1 = k[1], b2 = k[2], c2 = k[3], a1 = k[4], a2 = k[5], nlr = k[6], eps = k[7];
  for (size_t i = 0; i < n; i++) {
    float m1 = m[i] * b1 + g[i] * c1;
    float v1 = v[i] * b2 + (g[i] * g[i]) * c2;
    nm[i] = m1;
    nv[i] = v1;
    nx[i] = (m1 / a1) / (std::sqrt(v1 / a2) + eps) * nlr + x[i];
  }
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc != 8) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: adamUpdate(value, m, v, g, newValue, newM, newV, scalars)");
    return nullptr;
  }
  float *x, *m, *v, *g, *nx, *nm, *nv;
  size_t n = 0;
  if (!floatArg(env, argv[0], 0, "value", &x, &n) || n == 0) return nullptr;
  if (!floatArg(env, argv[1], n, "m", &m, nullptr) || !floatArg(env, argv[2], n, "v", &v, nullptr) || !floatArg(env, argv[3], n, "g", &g, nullptr) ||
      !floatArg(env, argv[4], n, "newValue", &nx, nullptr) || !floatArg(env, argv[5], n, "newM", &nm, nullptr) ||
      !floatArg(env, argv[6], n, "newV", &nv, nullptr))
    return nullptr;
  float k[8];
  for (uint32_t j = 0; j < 8; j++) {
    napi_value e;
    double d;
    if (napi_get_element(env, argv[7], j, &e) != napi_ok || !numberArg(env, e, "each of adamUpdate's scalars", &d)) return nullptr;
    k[j] = (float)d;
  }
  adam(x, m, v, g, nx, nm, nv, n, k);
  napi_value undef;
  NCHECK(napi_get_undefined(env, &undef));
  return undef;
}

}  // namespace

// Adds bnForward, bnBackward, dropout and adamUpdate to the addon's exports (called from rnn.cc's Init).
napi_status RegisterNormKernels(napi_env env, napi_value exports) {
  napi_status st;
  napi_value fn;
  const std::pair<const char*, napi_callback> fns[] = {{"bnForward", BnForward}, {"bnBackward", BnBackward}, {"dropout", Dropout}, {"adamUpdate", AdamUpdate}};
  for (const auto& f : fns) {
    if ((st = napi_create_function(env, f.first, NAPI_AUTO_LENGTH, f.second, nullptr, &fn)) != napi_ok) return st;
    if ((st = napi_set_named_property(env, exports, f.first, fn)) != napi_ok) return st;
  }
  return napi_ok;
}
