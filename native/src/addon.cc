// rnnlab's Node addon: the kernels of rnn.cc and norm.cc (kernels.h) called from JavaScript through N-API. Every
// argument is checked here (Float32Arrays of the lengths the dims give, numbers where numbers belong), with an error
// that names it, before a kernel sees it. Built at npm install by native/build-native.js (native/binding.gyp).
#include <node_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels.h"
#include "napi_args.h"

namespace {

using rnnlab::Dims;

// A number argument, or a TypeError that names it.
bool numberArg(napi_env env, napi_value v, const char* what, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, (std::string("rnnlab_native: ") + what + " must be a number").c_str());
    return false;
  }
  return true;
}

// A new JS array of the given values (a result of several arrays), or nullptr with an exception pending.
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

// dims = [cell, recurrentActivation, activation, B, T, I, u, returnSequences]
bool readDims(napi_env env, napi_value v, Dims* d) {
  int32_t f[8];
  for (uint32_t k = 0; k < 8; k++) {
    napi_value e;
    if (napi_get_element(env, v, k, &e) != napi_ok || napi_get_value_int32(env, e, &f[k]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "rnnlab_native: dims must be [cell, rec, act, B, T, I, u, returnSequences] integers");
      return false;
    }
  }
  *d = Dims{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7] != 0};
  // The same words as wasm-kernels.ts's checkDims: which entry is wrong, its value, what it must be.
  const char* bad = nullptr;
  int32_t value = 0;
  if (d->cell < 0 || d->cell > 2) bad = "cell (0 SimpleRNN, 1 LSTM, 2 GRU) is %d, expected 0, 1 or 2", value = d->cell;
  else if (d->B <= 0) bad = "B (batch) is %d, expected 1 or more", value = d->B;
  else if (d->T <= 0) bad = "T (time steps) is %d, expected 1 or more", value = d->T;
  else if (d->I <= 0) bad = "I (input features) is %d, expected 1 or more", value = d->I;
  else if (d->u <= 0) bad = "u (units) is %d, expected 1 or more", value = d->u;
  if (bad) {
    std::string msg = "rnnlab_native: dims [cell, rec, act, B, T, I, u, returnSequences] = [";
    for (uint32_t k = 0; k < 8; k++) msg += (k ? ", " : "") + std::to_string(f[k]);
    char what[96];
    snprintf(what, sizeof what, bad, value);
    msg += "]: ";
    msg += what;
    napi_throw_range_error(env, nullptr, msg.c_str());
    return false;
  }
  return true;
}

// Inference keeps nothing for a backward pass: it runs in this buffer, reused from call to call.
thread_local std::vector<float> inferenceScratch;

// forward(dims, x, W, U, b, workspace | null[, out]) -> out. The workspace (workspaceSize(dims) floats) is the
// caller's, so that lib/src/fast/layers.ts can reuse workspaces across training steps: a fresh 10 MB ArrayBuffer per
// LSTM(128) call (zero-filled, page-faulted, then garbage) cost about as much as the forward pass itself. With null it
// runs in a scratch buffer kept here (inference). The output goes into `out` when given (see outFloats).
napi_value Forward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Dims d;
  if (argc < 6 || !readDims(env, argv[0], &d)) return nullptr;
  const size_t Gu = (size_t)d.G() * d.u;
  float *x = nullptr, *W = nullptr, *U = nullptr, *b = nullptr, *out = nullptr, *ws = nullptr;
  if (!floatArg(env, argv[1], d.TB() * d.I, "x", &x, nullptr) || !floatArg(env, argv[2], d.I * Gu, "kernel", &W, nullptr) ||
      !floatArg(env, argv[3], d.u * Gu, "recurrentKernel", &U, nullptr) || !floatArg(env, argv[4], Gu, "bias", &b, nullptr))
    return nullptr;
  napi_valuetype wsType;
  NCHECK(napi_typeof(env, argv[5], &wsType));
  if (wsType == napi_null || wsType == napi_undefined) {
    if (inferenceScratch.size() < d.size()) inferenceScratch.resize(d.size());
    ws = inferenceScratch.data();
  } else if (!floatArg(env, argv[5], d.size(), "workspace", &ws, nullptr)) {
    return nullptr;
  }
  napi_value outV = outFloats(env, argv, argc, 6, (d.returnSequences ? d.TB() : (size_t)d.B) * d.u, "out", &out);
  if (!outV) return nullptr;
  rnnlab::forward(d, x, W, U, b, ws, out);
  return outV;
}

// workspaceSize(dims) -> floats the forward pass keeps for the backward pass
napi_value WorkspaceSize(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Dims d;
  if (argc != 1 || !readDims(env, argv[0], &d)) return nullptr;
  napi_value res;
  NCHECK(napi_create_double(env, (double)d.size(), &res));
  return res;
}

// backward(dims, W, U, workspace, dy[, dx, dW, dU, db]) -> [dx, dW, dU, db], each into the caller's array when given.
napi_value Backward(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Dims d;
  if (argc < 5 || !readDims(env, argv[0], &d)) return nullptr;
  const size_t Gu = (size_t)d.G() * d.u;
  float *W = nullptr, *U = nullptr, *ws = nullptr, *dy = nullptr, *dx = nullptr, *dW = nullptr, *dU = nullptr, *db = nullptr;
  if (!floatArg(env, argv[1], d.I * Gu, "kernel", &W, nullptr) || !floatArg(env, argv[2], d.u * Gu, "recurrentKernel", &U, nullptr) ||
      !floatArg(env, argv[3], d.size(), "workspace", &ws, nullptr) ||
      !floatArg(env, argv[4], (d.returnSequences ? d.TB() : (size_t)d.B) * d.u, "dy", &dy, nullptr))
    return nullptr;
  napi_value v[4];
  if (!(v[0] = outFloats(env, argv, argc, 5, d.TB() * d.I, "dx", &dx)) || !(v[1] = outFloats(env, argv, argc, 6, d.I * Gu, "dW", &dW)) ||
      !(v[2] = outFloats(env, argv, argc, 7, d.u * Gu, "dU", &dU)) || !(v[3] = outFloats(env, argv, argc, 8, Gu, "db", &db)))
    return nullptr;
  rnnlab::backward(d, W, U, ws, dy, dx, dW, dU, db);
  return arrayOf(env, {v[0], v[1], v[2], v[3]});
}

// matMul(a, b, out, dims) with dims = [batch, M, N, K, transposeA, transposeB, aStride, bStride]: for each of the
// batch's products, out[i] = op(a[i])·op(b[i]) in row-major order, op(a) being [M, K] (a stored as [K, M] when
// transposed) and op(b) [K, N]; a[i] starts at i * aStride floats (0: one a for the whole batch), b[i] likewise.
// lib/src/fast/matmul.ts calls it for the wasm backend's larger products (Dense layers), on the tensors' heap memory.
napi_value MatMul(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc != 4) {
    napi_throw_type_error(env, nullptr, "rnnlab_native: matMul(a, b, out, [batch, M, N, K, transposeA, transposeB, aStride, bStride])");
    return nullptr;
  }
  int64_t f[8];
  for (uint32_t k = 0; k < 8; k++) {
    napi_value e;
    if (napi_get_element(env, argv[3], k, &e) != napi_ok || napi_get_value_int64(env, e, &f[k]) != napi_ok || f[k] < 0) {
      napi_throw_type_error(env, nullptr, "rnnlab_native: matMul's dims must be 8 whole numbers, none negative");
      return nullptr;
    }
  }
  const int64_t batch = f[0], M = f[1], N = f[2], K = f[3], aStride = f[6], bStride = f[7];
  const bool ta = f[4] != 0, tb = f[5] != 0;
  float *a, *b, *c;
  size_t na = 0, nb = 0;
  if (!floatArg(env, argv[0], 0, "a", &a, &na) || !floatArg(env, argv[1], 0, "b", &b, &nb) ||
      !floatArg(env, argv[2], (size_t)(batch * M * N), "out", &c, nullptr))
    return nullptr;
  if (batch < 1 || (size_t)(aStride * (batch - 1) + M * K) > na || (size_t)(bStride * (batch - 1) + K * N) > nb) {
    napi_throw_range_error(env, nullptr, "rnnlab_native: matMul's a or b is shorter than its dims say");
    return nullptr;
  }
  rnnlab::matMul(batch, M, N, K, ta, tb, a, aStride, b, bStride, c);
  napi_value undef;
  NCHECK(napi_get_undefined(env, &undef));
  return undef;
}

// ---------------------------------------------------------------------------------------------------------------
// BatchNormalization, Dropout and Adam (norm.cc)

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
  float *y = nullptr, *mean = nullptr, *var = nullptr;
  napi_value yv = outFloats(env, argv, argc, 5, len, "y", &y);
  if (!yv) return nullptr;
  napi_value mv = newFloats(env, C, &mean), vv = newFloats(env, C, &var);
  if (!mv || !vv) {
    napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
    return nullptr;
  }
  rnnlab::bnForward(x, N, C, gamma, beta, eps, y, mean, var);
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
  float *dx = nullptr, *dg = nullptr, *db = nullptr;
  napi_value dxv = outFloats(env, argv, argc, 7, len, "dx", &dx);
  if (!dxv) return nullptr;
  napi_value dgv = newFloats(env, C, &dg), dbv = newFloats(env, C, &db);
  if (!dgv || !dbv) {
    napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
    return nullptr;
  }
  rnnlab::bnBackward(x, dy, N, C, mean, var, gamma, eps, dx, dg, db);
  return arrayOf(env, {dxv, dgv, dbv});
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
  if (len > 0xffffffffu) {
    napi_throw_range_error(env, nullptr, "rnnlab_native: dropout takes at most 2^32 - 1 floats");
    return nullptr;
  }
  rnnlab::dropout(x, (uint32_t)len, rate, (uint32_t)(uint64_t)seedD, y);
  return yv;
}

// adamUpdate(value, m, v, g, newValue, newM, newV, [beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, 1 - beta2^t,
// -learningRate, epsilon]): one Adam step of one variable (norm.cc's adam).
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
  rnnlab::adam(x, m, v, g, nx, nm, nv, n, k);
  napi_value undef;
  NCHECK(napi_get_undefined(env, &undef));
  return undef;
}

// A whole-number setting of the passes: f(n) sets it to n (at least `least`, else a RangeError with `message`), f()
// reads it; either way the current value is returned.
napi_value intSetting(napi_env env, napi_callback_info info, int* setting, int least, const char* message) {
  size_t argc = 1;
  napi_value argv[1];
  NCHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc == 1) {
    int32_t n = 0;
    if (napi_get_value_int32(env, argv[0], &n) != napi_ok || n < least) {
      napi_throw_range_error(env, nullptr, message);
      return nullptr;
    }
    *setting = n;
  }
  napi_value res;
  NCHECK(napi_create_int32(env, *setting, &res));
  return res;
}

// setThreads(n) -> n: the threads of the recurrent passes from now on (at least 1); setThreads() -> the current
// number. lib/src/fast/layers.ts sets it from RNNLAB_NATIVE_THREADS (lib/src/config.ts) when it loads the addon.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return intSetting(env, info, &rnnlab::threads.threads, 1, "rnnlab_native: setThreads takes a whole number of threads, 1 or more");
}

// setActiveThreads(n) -> n: at most n of the pieces run at once from now on (0: no limit, as many as setThreads);
// setActiveThreads() -> the current limit. The split, and so every result, stays what setThreads makes it.
napi_value SetActiveThreads(napi_env env, napi_callback_info info) {
  return intSetting(env, info, &rnnlab::threads.active, 0, "rnnlab_native: setActiveThreads takes a whole number of threads, or 0 for no limit");
}

// lastSplit() -> into how many row ranges the last forward or backward pass split its batch; lastThreads() -> on how
// many threads it ran them (for the tests).
napi_value LastSplit(napi_env env, napi_callback_info info) {
  return intSetting(env, info, &rnnlab::threads.lastParts, INT32_MAX, "rnnlab_native: lastSplit takes no argument");
}
napi_value LastThreads(napi_env env, napi_callback_info info) {
  return intSetting(env, info, &rnnlab::threads.lastWorkers, INT32_MAX, "rnnlab_native: lastThreads takes no argument");
}

// The addon is compiled for the CPU of the machine that built it (-march=native, at npm install). Where it is loaded
// on another (a node_modules folder copied to an older machine), it refuses to load with a message, before any of
// its code runs the instructions that CPU lacks, and the library falls back to the WebAssembly kernels.
const char* missingCpuFeature() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f")) return "AVX-512";
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2")) return "AVX2";
#endif
#if defined(__FMA__)
  if (!__builtin_cpu_supports("fma")) return "FMA";
#endif
#endif
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  if (const char* missing = missingCpuFeature()) {
    const std::string msg = std::string("rnnlab_native: built for a CPU with ") + missing +
                            ", which this one lacks (the addon was built on another machine): run npm run build:native";
    napi_throw_error(env, nullptr, msg.c_str());
    return nullptr;
  }
  const std::pair<const char*, napi_callback> fns[] = {
      {"forward", Forward},       {"backward", Backward},         {"workspaceSize", WorkspaceSize},
      {"setThreads", SetThreads}, {"setActiveThreads", SetActiveThreads}, {"lastSplit", LastSplit},
      {"lastThreads", LastThreads}, {"matMul", MatMul},        {"bnForward", BnForward},
      {"bnBackward", BnBackward},   {"dropout", Dropout},     {"adamUpdate", AdamUpdate}};
  napi_value fn, config;
  for (const auto& f : fns) {
    NCHECK(napi_create_function(env, f.first, NAPI_AUTO_LENGTH, f.second, nullptr, &fn));
    NCHECK(napi_set_named_property(env, exports, f.first, fn));
  }
  // Which inner kernel the matrix products use (packed.h), as the library reports it: "AVX-512", "AVX2+FMA", ...
  NCHECK(napi_create_string_utf8(env, rnnlab::productKernel(), NAPI_AUTO_LENGTH, &config));
  NCHECK(napi_set_named_property(env, exports, "kernel", config));
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
