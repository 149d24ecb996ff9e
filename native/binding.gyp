# rnnlab's optional native kernels: whole-sequence SimpleRNN/LSTM/GRU forward and backward on OpenBLAS's sgemm.
# Built by scripts/build-native.js (postinstall, `npm run build:native`), which passes the folder of cblas.h it found.
{
  "variables": {
    "cblas_include%": "/usr/include",
    "openblas_libdir%": "/usr/lib",
  },
  "targets": [
    {
      "target_name": "rnnlab_native",
      "sources": ["src/rnn.cc", "src/norm.cc"],
      "include_dirs": ["<(cblas_include)"],
      "libraries": ["-L<(openblas_libdir)", "-Wl,-rpath,<(openblas_libdir)", "-lopenblas"],
      # -march=native: the addon is compiled on the machine that runs it (at npm install), so it may use AVX-512.
      # -ffast-math lets g++ call glibc's vector expf (libmvec) in the gate loops; the tests hold it to 1e-4.
      "cflags_cc": ["-O3", "-march=native", "-ffast-math", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions"],
    }
  ]
}
