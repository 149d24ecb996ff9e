// rnnlab's own matrix products (rnn.cc, norm.cc): no BLAS library is needed, only a C++ compiler.
//
// Two entry points:
//  - gemm(M, A, lda, P, C, ldc, acc): C (+)= A·B with B packed once (PackedB) and used many times: the recurrent
//    matrix's product of every step, packed once per pass instead of once a step;
//  - sgemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc): the general product (transposes, beta 0 or 1) for the
//    products over all steps and the Dense layers, in blocks of KC values of k so that a block of B stays in cache.
//
// Every element of C is one chain of multiply-adds over k in order (a new chain every KC values of k, added to C),
// whatever the number of rows or columns multiplied with it: a row of a batch gives the same numbers alone, in any
// group of rows, on any thread (rnn.cc relies on it to split and merge row ranges freely), and a column the same in
// any range of columns. On x86-64 and ARM the multiply-adds are fused (FMA), one rounding each; in WebAssembly, which
// has no FMA in its SIMD, a multiply then an add.
//
// The inner kernels work on MR rows of A times a panel of 16 columns of B, chosen by what the compiler targets
// (native/binding.gyp compiles with -march=native, on the machine that runs the addon; build-wasm.js with SIMD128):
// AVX-512 (16 floats a register, up to 12 rows), AVX2 with FMA (8 floats, 6 rows), WebAssembly SIMD128 (4 floats,
// 2 rows), else a plain loop that the compiler vectorises (NEON on ARM). activeKernel() names the one compiled in.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

// Buffers kept from call to call, one per thread (Node's worker_threads may each load the addon); a plain static in
// a build without threads (WebAssembly), where thread_local objects with destructors need a runtime it lacks.
#if defined(RNNLAB_SINGLE_THREAD)
#define RNNLAB_PER_THREAD static
#else
#define RNNLAB_PER_THREAD thread_local
#endif

namespace packed {

// B [K, N] packed in panels of 16 columns: panel p holds, for k = 0..K-1, the 16 floats B[k][16p .. 16p+15] (0 past N).
struct PackedB {
  std::vector<float> data;
  int K = 0, N = 0, panels = 0;
};

// B as stored: row-major [K, N] with row stride ldb, or, when trans, row-major [N, K] (B = that matrix transposed).
inline void pack(const float* B, int ldb, int K, int N, bool trans, PackedB& P) {
  P.K = K;
  P.N = N;
  P.panels = (N + 15) / 16;
  const size_t need = (size_t)P.panels * K * 16;
  if (P.data.size() < need) P.data.resize(need);
  for (int p = 0; p < P.panels; p++) {
    float* dst = P.data.data() + (size_t)p * K * 16;
    const int n0 = p * 16, nn = std::min(16, N - n0);
    if (!trans && nn == 16) {
      for (int k = 0; k < K; k++) std::memcpy(dst + (size_t)k * 16, B + (size_t)k * ldb + n0, sizeof(float) * 16);
      continue;
    }
    for (int k = 0; k < K; k++) {
      float* d = dst + (size_t)k * 16;
      for (int j = 0; j < nn; j++) d[j] = trans ? B[(size_t)(n0 + j) * ldb + k] : B[(size_t)k * ldb + n0 + j];
      for (int j = nn; j < 16; j++) d[j] = 0.f;
    }
  }
}

// Stores a 16-wide row of results (nn of them valid) into c, added to what is there when acc.
inline void put(float* c, const float* t, int nn, bool acc) {
  for (int j = 0; j < nn; j++) c[j] = acc ? c[j] + t[j] : t[j];
}

#if defined(__AVX512F__)
constexpr int MR = 12;
inline const char* activeKernel() { return "AVX-512"; }
// R rows (1..12) of A times one panel: one 16-float register a row.
template <int R>
inline void micro(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  __m512 c[R];
#pragma GCC unroll 12
  for (int r = 0; r < R; r++) c[r] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m512 b = _mm512_loadu_ps(Bp + (size_t)k * 16);
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) c[r] = _mm512_fmadd_ps(_mm512_set1_ps(A[(size_t)r * lda + k]), b, c[r]);
  }
  for (int r = 0; r < R; r++) {
    float* cr = C + (size_t)r * ldc;
    if (nn == 16) {
      _mm512_storeu_ps(cr, acc ? _mm512_add_ps(_mm512_loadu_ps(cr), c[r]) : c[r]);
    } else {
      alignas(64) float t[16];
      _mm512_store_ps(t, c[r]);
      put(cr, t, nn, acc);
    }
  }
}
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int MR = 6;
inline const char* activeKernel() { return "AVX2+FMA"; }
// R rows (1..5) of A times one panel.
template <int R>
inline void micro(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  __m256 c0[R], c1[R];
  for (int r = 0; r < R; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_loadu_ps(Bp + (size_t)k * 16), b1 = _mm256_loadu_ps(Bp + (size_t)k * 16 + 8);
    for (int r = 0; r < R; r++) {
      const __m256 a = _mm256_broadcast_ss(A + (size_t)r * lda + k);
      c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
    }
  }
  alignas(32) float t[16];
  for (int r = 0; r < R; r++) {
    _mm256_store_ps(t, c0[r]);
    _mm256_store_ps(t + 8, c1[r]);
    put(C + (size_t)r * ldc, t, nn, acc);
  }
}

// Six rows of A times one panel, the twelve accumulators named so that they stay in registers.
template <>
inline void micro<6>(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00, a40 = a00,
         a41 = a00, a50 = a00, a51 = a00;
  const float *r0 = A, *r1 = A + lda, *r2 = A + 2 * (size_t)lda, *r3 = A + 3 * (size_t)lda, *r4 = A + 4 * (size_t)lda,
              *r5 = A + 5 * (size_t)lda;
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_loadu_ps(Bp + (size_t)k * 16), b1 = _mm256_loadu_ps(Bp + (size_t)k * 16 + 8);
    __m256 a;
    a = _mm256_broadcast_ss(r0 + k); a00 = _mm256_fmadd_ps(a, b0, a00); a01 = _mm256_fmadd_ps(a, b1, a01);
    a = _mm256_broadcast_ss(r1 + k); a10 = _mm256_fmadd_ps(a, b0, a10); a11 = _mm256_fmadd_ps(a, b1, a11);
    a = _mm256_broadcast_ss(r2 + k); a20 = _mm256_fmadd_ps(a, b0, a20); a21 = _mm256_fmadd_ps(a, b1, a21);
    a = _mm256_broadcast_ss(r3 + k); a30 = _mm256_fmadd_ps(a, b0, a30); a31 = _mm256_fmadd_ps(a, b1, a31);
    a = _mm256_broadcast_ss(r4 + k); a40 = _mm256_fmadd_ps(a, b0, a40); a41 = _mm256_fmadd_ps(a, b1, a41);
    a = _mm256_broadcast_ss(r5 + k); a50 = _mm256_fmadd_ps(a, b0, a50); a51 = _mm256_fmadd_ps(a, b1, a51);
  }
  const __m256 lo[6] = {a00, a10, a20, a30, a40, a50}, hi[6] = {a01, a11, a21, a31, a41, a51};
  alignas(32) float t[16];
  for (int r = 0; r < 6; r++) {
    _mm256_store_ps(t, lo[r]);
    _mm256_store_ps(t + 8, hi[r]);
    put(C + (size_t)r * ldc, t, nn, acc);
  }
}
#elif defined(__wasm_simd128__)
// Two rows: 8 accumulators, 4 vectors of B and a broadcast stay within the 16 registers an engine has on x86-64 (four
// rows spilled and ran at a third of the speed; measured in Node 20: 2 rows 34-49 GFLOP/s, 3 rows 25-29, 4 rows 14-25).
constexpr int MR = 2;
inline const char* activeKernel() { return "WebAssembly SIMD128"; }
// R rows (1..2) of A times one panel: four 4-float vectors a row, a multiply then an add (SIMD128 has no FMA).
template <int R>
inline void micro(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  v128_t c[R][4];
  for (int r = 0; r < R; r++)
    for (int q = 0; q < 4; q++) c[r][q] = wasm_f32x4_splat(0.f);
  for (int k = 0; k < K; k++) {
    const float* b = Bp + (size_t)k * 16;
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), b2 = wasm_v128_load(b + 8), b3 = wasm_v128_load(b + 12);
    for (int r = 0; r < R; r++) {
      const v128_t a = wasm_v128_load32_splat(A + (size_t)r * lda + k);
      c[r][0] = wasm_f32x4_add(c[r][0], wasm_f32x4_mul(a, b0));
      c[r][1] = wasm_f32x4_add(c[r][1], wasm_f32x4_mul(a, b1));
      c[r][2] = wasm_f32x4_add(c[r][2], wasm_f32x4_mul(a, b2));
      c[r][3] = wasm_f32x4_add(c[r][3], wasm_f32x4_mul(a, b3));
    }
  }
  float t[16];
  for (int r = 0; r < R; r++) {
    for (int q = 0; q < 4; q++) wasm_v128_store(t + 4 * q, c[r][q]);
    put(C + (size_t)r * ldc, t, nn, acc);
  }
}
#else
constexpr int MR = 4;
inline const char* activeKernel() { return "portable (compiler-vectorised)"; }
template <int R>
inline void micro(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  float t[R][16] = {};
  for (int k = 0; k < K; k++) {
    const float* b = Bp + (size_t)k * 16;
    for (int r = 0; r < R; r++) {
      const float a = A[(size_t)r * lda + k];
      for (int j = 0; j < 16; j++) t[r][j] = std::fma(a, b[j], t[r][j]);
    }
  }
  for (int r = 0; r < R; r++) put(C + (size_t)r * ldc, t[r], nn, acc);
}
#endif

// The remainder of fewer than MR rows, by count.
template <int R>
inline void tail(int rows, int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  if constexpr (R > 0) {
    if (rows == R) return micro<R>(K, A, lda, Bp, C, ldc, nn, acc);
    tail<R - 1>(rows, K, A, lda, Bp, C, ldc, nn, acc);
  }
}

// C[M, N] = A[M, K]·B, or C += A·B when acc; A row-major with row stride lda, C with ldc.
inline void gemm(int M, const float* A, int lda, const PackedB& P, float* C, int ldc, bool acc) {
  const int K = P.K;
  for (int p = 0; p < P.panels; p++) {
    const float* Bp = P.data.data() + (size_t)p * K * 16;
    const int n0 = p * 16, nn = std::min(16, P.N - n0);
    int m = 0;
    for (; m + MR <= M; m += MR) micro<MR>(K, A + (size_t)m * lda, lda, Bp, C + (size_t)m * ldc + n0, ldc, nn, acc);
    if (m < M) tail<MR - 1>(M - m, K, A + (size_t)m * lda, lda, Bp, C + (size_t)m * ldc + n0, ldc, nn, acc);
  }
}

// Blocking of the general product: KC values of k at a time (a panel of B, 16 x KC floats, stays in L1), MC rows of
// A at a time (an MC x KC block stays in L2).
constexpr int KC = 256;
constexpr int MC = (MR >= 6 ? 8 : 32) * MR;

// C[M, N] = op(A)·op(B) + beta C (beta 0 or 1), row-major: op(A) [M, K] is A, or when ta A [K, M] transposed;
// op(B) [K, N] is B, or when tb B [N, K] transposed. lda, ldb, ldc are the stored matrices' row strides.
inline void sgemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (beta == 0.f)
      for (int m = 0; m < M; m++) std::fill(C + (size_t)m * ldc, C + (size_t)m * ldc + N, 0.f);
    return;
  }
  RNNLAB_PER_THREAD PackedB P;
  RNNLAB_PER_THREAD std::vector<float> At;  // a block of op(A) laid out row-major, when A is transposed
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    pack(tb ? B + k0 : B + (size_t)k0 * ldb, ldb, kc, N, tb, P);
    const bool acc = k0 > 0 || beta != 0.f;
    for (int m0 = 0; m0 < M; m0 += MC) {
      const int mc = std::min(MC, M - m0);
      const float* Ab;
      int ldAb;
      if (ta) {
        if (At.size() < (size_t)MC * KC) At.resize((size_t)MC * KC);
        for (int k = 0; k < kc; k++) {
          const float* src = A + (size_t)(k0 + k) * lda + m0;
          for (int m = 0; m < mc; m++) At[(size_t)m * kc + k] = src[m];
        }
        Ab = At.data();
        ldAb = kc;
      } else {
        Ab = A + (size_t)m0 * lda + k0;
        ldAb = lda;
      }
      gemm(mc, Ab, ldAb, P, C + (size_t)m0 * ldc, ldc, acc);
    }
  }
}

}  // namespace packed
