# rnnlab's native kernels: whole-sequence SimpleRNN/LSTM/GRU forward and backward, BatchNormalization, Dropout and
# Adam, with rnnlab's own matrix products (src/packed.h). Plain C++17: nothing to install but a C++ compiler.
# Built by native/build-native.js (postinstall, `npm run build:native`).
{
  "targets": [
    {
      "target_name": "rnnlab_native",
      "sources": ["src/addon.cc", "src/rnn.cc", "src/norm.cc"],
      # -march=native: the addon is compiled on the machine that runs it (at npm install), so it may use AVX-512.
      # No -ffast-math: it includes -ffinite-math-only, which lets g++ assume that no NaN or Infinity ever occurs and
      # drop what only matters for them (x * 0 becomes 0, clamps and comparisons lose NaN), so a NaN in an input or
      # a weight came out as finite, plausible numbers and a diverged model looked healthy. Only what is safe for
      # NaN and Infinity is kept: -fno-math-errno and -fno-trapping-math (no errno or FP traps to preserve, so loops
      # with expf may vectorise) and -fopenmp-simd, which honours rnn.cc's declaration of glibc's vector expf
      # (libmvec). test/course/nan-propagation.test.js holds the kernels to tf.layers's NaN/Infinity pattern.
      "cflags_cc": ["-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-std=c++17"],
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      },
    }
  ]
}
