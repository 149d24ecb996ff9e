// The recurrent matrix's product of every step, C (+)= A·B with B packed once per pass (rnn.cc).
//
// OpenBLAS's sgemm packs both operands on every call, so a pass of T steps packed the recurrent matrix T times, and
// it rounds a row differently in products of different heights. This kernel packs B once for the whole pass and
// computes every element of C as one chain of fused multiply-adds over k in order, whatever the number of rows: the
// rows of a batch give the same numbers alone, in any group, on any thread (native/src/rnn.cc relies on it to run
// several row ranges as one when they land on the same thread). With AVX2 and FMA (x86-64, -march=native) it works
// on 6 rows x 16 columns at a time; elsewhere a plain loop of the same order.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
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
  P.data.assign((size_t)P.panels * K * 16, 0.f);
  for (int p = 0; p < P.panels; p++) {
    float* dst = P.data.data() + (size_t)p * K * 16;
    const int n0 = p * 16, nn = std::min(16, N - n0);
    for (int k = 0; k < K; k++)
      for (int j = 0; j < nn; j++) dst[(size_t)k * 16 + j] = trans ? B[(size_t)(n0 + j) * ldb + k] : B[(size_t)k * ldb + n0 + j];
  }
}

// Stores a 16-wide row of results (nn of them valid) into c, added to what is there when acc.
inline void put(float* c, const float* t, int nn, bool acc) {
  for (int j = 0; j < nn; j++) c[j] = acc ? c[j] + t[j] : t[j];
}

#if defined(__AVX2__) && defined(__FMA__)
// MR rows (1..5) of A times one panel.
template <int MR>
inline void micro(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
  __m256 c0[MR], c1[MR];
  for (int r = 0; r < MR; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_loadu_ps(Bp + (size_t)k * 16), b1 = _mm256_loadu_ps(Bp + (size_t)k * 16 + 8);
    for (int r = 0; r < MR; r++) {
      const __m256 a = _mm256_broadcast_ss(A + (size_t)r * lda + k);
      c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
    }
  }
  alignas(32) float t[16];
  for (int r = 0; r < MR; r++) {
    _mm256_store_ps(t, c0[r]);
    _mm256_store_ps(t + 8, c1[r]);
    put(C + (size_t)r * ldc, t, nn, acc);
  }
}

// Six rows of A times one panel, the twelve accumulators named so that they stay in registers.
inline void micro6(int K, const float* A, int lda, const float* Bp, float* C, int ldc, int nn, bool acc) {
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
#endif

// C[M, N] = A[M, K]·B, or C += A·B when acc; A row-major with row stride lda, C with ldc.
inline void gemm(int M, const float* A, int lda, const PackedB& P, float* C, int ldc, bool acc) {
  for (int p = 0; p < P.panels; p++) {
    const float* Bp = P.data.data() + (size_t)p * P.K * 16;
    const int n0 = p * 16, nn = std::min(16, P.N - n0);
    const int K = P.K;
#if defined(__AVX2__) && defined(__FMA__)
    int m = 0;
    for (; m + 6 <= M; m += 6) micro6(K, A + (size_t)m * lda, lda, Bp, C + (size_t)m * ldc + n0, ldc, nn, acc);
    const float* Am = A + (size_t)m * lda;
    float* Cm = C + (size_t)m * ldc + n0;
    switch (M - m) {
      case 5: micro<5>(K, Am, lda, Bp, Cm, ldc, nn, acc); break;
      case 4: micro<4>(K, Am, lda, Bp, Cm, ldc, nn, acc); break;
      case 3: micro<3>(K, Am, lda, Bp, Cm, ldc, nn, acc); break;
      case 2: micro<2>(K, Am, lda, Bp, Cm, ldc, nn, acc); break;
      case 1: micro<1>(K, Am, lda, Bp, Cm, ldc, nn, acc); break;
    }
#else
    for (int m = 0; m < M; m++) {
      float t[16] = {0};
      for (int k = 0; k < K; k++) {
        const float a = A[(size_t)m * lda + k];
        for (int j = 0; j < 16; j++) t[j] = std::fma(a, Bp[(size_t)k * 16 + j], t[j]);
      }
      put(C + (size_t)m * ldc + n0, t, nn, acc);
    }
#endif
  }
}

}  // namespace packed
