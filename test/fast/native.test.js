// rnnlab's kernels (native/src) must compute what tf.layers computes, on both of rnnlab's paths, and the tf-ops path
// must take over when they are off. The same tests run on either build of the kernels: the Node addon (by default,
// where it is built) and the WebAssembly module (RNNLAB_KERNELS=wasm; CI runs this file both ways).
// test/layers.test.js runs on whichever path is active.
const assert = require("assert");
const path = require("path");
const { spawnSync } = require("child_process");
const rl = require("rnnlab");
const { prerequisites } = require("../../native/build-native.js");

const { tf } = rl;
const { TOL, KINDS, maxAbsDiff, outputAndGrads, assertFitKeepsNoTensorsAndLearns } = require("../twin-layers");
const twin = require("../twin-layers").twinModels;

/** Two stacked layers (the first returns sequences), random weights and biases, the same in fast and stock. */
const twinModels = (kind, returnSequences, recurrentActivation = "sigmoid") => twin(kind, { layers: 2, returnSequences, recurrentActivation });

const addonExpected = prerequisites();

describe("native recurrent kernels (native/, lib/src/fast/layers.ts)", function () {
  this.timeout(60000);
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
    rl.seedEverything(11);
  });
  afterEach(() => rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0"));

  it("the addon is built wherever a C++ compiler is, else the WebAssembly kernels load; either way the layers run on them", () => {
    const info = rl.nativeKernelInfo();
    const wanted = rl.readSettings().kernels;
    assert.ok(info.built, `rnnlab's kernels did not load: ${info.why}`);
    if (wanted === "wasm" || (wanted === "auto" && !addonExpected.ok)) {
      assert.strictEqual(info.build, "wasm", `expected the WebAssembly kernels (RNNLAB_KERNELS=${wanted}, addon: ${addonExpected.why || "built"})`);
      assert.strictEqual(info.kernel, "WebAssembly SIMD128");
      assert.strictEqual(info.threads, rl.readSettings().nativeThreads, "threads of the passes: RNNLAB_NATIVE_THREADS, else every core");
      if (wanted === "auto") assert.match(info.why, /native addon not built/);
    } else {
      assert.strictEqual(
        info.build,
        "native",
        `a C++ compiler is here (${addonExpected.cxx}) but the native addon did not load: ${info.why}. Run \`npm run build:native\` and read native/build/build-native.log.`,
      );
      assert.match(info.kernel, /AVX-512|AVX2\+FMA|portable/);
      assert.strictEqual(info.threads, rl.readSettings().nativeThreads, "threads of the native passes: RNNLAB_NATIVE_THREADS, else every core");
    }
    rl.useNativeKernels(true);
    assert.strictEqual(rl.recurrentKernelPath(), info.build);
  });

  for (const kind of Object.keys(KINDS)) {
    it(`${kind}: native and tf-ops paths both equal tf.layers (2 stacked layers, batch 3, returnSequences both ways)`, function () {
      if (!rl.nativeKernelInfo().built) this.skip(); // the test above says why; the tf-ops path is tested elsewhere
      for (const returnSequences of [false, true]) {
        const { fast, stock } = twinModels(kind, returnSequences);
        const x = tf.randomNormal([3, 5, 4]);
        const r = tf.randomNormal(returnSequences ? [3, 5, 6] : [3, 6]);
        const want = outputAndGrads(stock, x, r);
        const got = {};
        for (const on of [true, false]) {
          rl.useNativeKernels(on);
          assert.strictEqual(rl.recurrentKernelPath(), on ? rl.nativeKernelInfo().build : "tf ops");
          got[on] = outputAndGrads(fast, x, r);
        }
        const names = ["output", "d input", ...fast.trainableWeights.map((w) => `d ${w.name}`)];
        for (const on of [true, false]) {
          got[on].forEach((t, i) => {
            const d = maxAbsDiff(t, want[i]);
            assert.ok(d < TOL, `${kind} returnSequences=${returnSequences} ${on ? "native" : "tf ops"}: ${names[i]} differs from tf.layers by ${d}`);
          });
        }
        tf.dispose([x, r, ...want, ...got[true], ...got[false]]);
        fast.dispose();
        stock.dispose();
      }
    });
  }

  it("split between threads by rows of the batch, every kind still equals tf.layers, and equals the one-thread pass to rounding", function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    const k = rl.kernelModule();
    const threadsBefore = rl.nativeKernelInfo().threads;
    rl.useNativeKernels(true);
    try {
      for (const kind of Object.keys(KINDS)) {
        for (const returnSequences of [false, true]) {
          const { fast, stock } = twinModels(kind, returnSequences);
          // 37 rows: 8 or more for each of up to 4 threads, in ranges of unequal length.
          const x = tf.randomNormal([37, 5, 4]);
          const r = tf.randomNormal(returnSequences ? [37, 5, 6] : [37, 6]);
          const want = outputAndGrads(stock, x, r);
          const byThreads = {};
          for (const n of [1, 2, 3, 4]) {
            assert.strictEqual(rl.setNativeThreads(n), n, "threads in effect");
            byThreads[n] = outputAndGrads(fast, x, r);
            tf.dispose(fast.predict(x, { batchSize: 64 })); // all 37 rows in one pass (predict's default batch is 32)
            assert.strictEqual(k.lastSplit(), n, `${kind}: the last pass split its 37 rows ${k.lastSplit()} ways at ${n} thread(s)`);
          }
          const names = ["output", "d input", ...fast.trainableWeights.map((w) => `d ${w.name}`)];
          for (const n of [2, 3, 4]) {
            byThreads[n].forEach((t, i) => {
              const d = maxAbsDiff(t, want[i]);
              assert.ok(d < TOL, `${kind} returnSequences=${returnSequences}, ${n} threads: ${names[i]} differs from tf.layers by ${d}`);
              const scale = tf.tidy(() => tf.max(tf.abs(byThreads[1][i])).dataSync()[0]);
              const d1 = maxAbsDiff(t, byThreads[1][i]);
              assert.ok(d1 <= 1e-5 * Math.max(scale, 1), `${kind} returnSequences=${returnSequences}: ${names[i]} at ${n} threads differs from 1 thread by ${d1}`);
            });
          }
          tf.dispose([x, r, ...want, ...Object.values(byThreads).flat()]);
          fast.dispose();
          stock.dispose();
        }
      }
      // A batch too small to split stays on one thread; a NaN in one row stays in that row, whichever thread had it.
      rl.setNativeThreads(4);
      const { fast } = twinModels("lstm", true);
      tf.dispose(fast.predict(tf.zeros([3, 5, 4])));
      assert.strictEqual(k.lastSplit(), 1, "3 rows are not split");
      const xs = tf.randomNormal([40, 5, 4]).arraySync();
      xs[25][2][1] = NaN;
      const y = fast.predict(tf.tensor3d(xs), { batchSize: 64 }).arraySync();
      assert.strictEqual(k.lastSplit(), 4);
      y.forEach((row, b) => {
        const nans = row.flat().filter(Number.isNaN).length;
        if (b === 25) assert.ok(nans > 0, "the row with a NaN input has NaN outputs");
        else assert.strictEqual(nans, 0, `row ${b} has ${nans} NaN outputs, from row 25's NaN`);
      });
      fast.dispose();
      assert.throws(() => rl.setNativeThreads(0), /whole number of threads, 1 or more; got 0/);
    } finally {
      rl.setNativeThreads(threadsBefore);
    }
  });

  it("a limit on the threads at once (core sharing) keeps the split, so every output and gradient stays the same to the bit", function () {
    if (rl.nativeKernelInfo().build !== "native") this.skip(); // the addon's alone: the WebAssembly kernels take no limit
    const k = rl.kernelModule();
    const { limitNativeThreads } = require("../../lib/dist/fast/layers");
    const threadsBefore = rl.nativeKernelInfo().threads;
    rl.useNativeKernels(true);
    try {
      for (const kind of Object.keys(KINDS)) {
        const { fast } = twinModels(kind, true);
        const x = tf.randomNormal([37, 5, 4]);
        const r = tf.randomNormal([37, 5, 6]);
        for (const n of [2, 3]) {
          rl.setNativeThreads(n);
          const runs = {};
          for (const limit of [0, 1, 2]) {
            assert.strictEqual(limitNativeThreads(limit), limit);
            assert.strictEqual(rl.nativeKernelInfo().activeThreads, limit ? Math.min(limit, n) : n);
            const ts = outputAndGrads(fast, x, r);
            runs[limit] = ts.map((t) => t.dataSync().slice());
            tf.dispose(ts);
            tf.dispose(fast.predict(x, { batchSize: 64 }));
            assert.strictEqual(k.lastSplit(), n, `${kind}: ${n} row ranges whatever the limit (${limit})`);
            assert.strictEqual(k.lastThreads(), limit ? Math.min(limit, n) : n, `${kind}: threads at once under limit ${limit}`);
          }
          for (const limit of [1, 2]) {
            runs[limit].forEach((a, i) => {
              const b = runs[0][i];
              const at = a.findIndex((v, j) => !Object.is(v, b[j]));
              assert.strictEqual(at, -1, `${kind}, ${n} ranges on ${limit} thread(s): tensor ${i} differs at ${at} (${a[at]} vs ${b[at]})`);
            });
          }
        }
        tf.dispose([x, r]);
        fast.dispose();
      }
      assert.throws(() => limitNativeThreads(-1), /whole number of threads, or 0 for no limit; got -1/);
    } finally {
      limitNativeThreads(0);
      rl.setNativeThreads(threadsBefore);
    }
  });

  it("native lstm and gru with hardSigmoid gates and a relu SimpleRNN equal tf.layers", function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    rl.useNativeKernels(true);
    for (const kind of ["lstm", "gru"]) {
      const { fast, stock } = twinModels(kind, true, "hardSigmoid");
      const x = tf.randomNormal([2, 5, 4]);
      const r = tf.randomNormal([2, 5, 6]);
      const [a, b] = [outputAndGrads(fast, x, r), outputAndGrads(stock, x, r)];
      a.forEach((t, i) => assert.ok(maxAbsDiff(t, b[i]) < TOL, `${kind} tensor ${i}: ${maxAbsDiff(t, b[i])}`));
    }
    const fast = tf.sequential({ layers: [new rl.FastSimpleRNN({ units: 5, activation: "relu", inputShape: [4, 3] })] });
    const stock = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 5, activation: "relu", inputShape: [4, 3] })] });
    stock.setWeights(fast.getWeights());
    const x = tf.randomNormal([3, 4, 3]);
    const r = tf.randomNormal([3, 5]);
    const [a, b] = [outputAndGrads(fast, x, r), outputAndGrads(stock, x, r)];
    a.forEach((t, i) => assert.ok(maxAbsDiff(t, b[i]) < TOL, `relu simpleRnn tensor ${i}: ${maxAbsDiff(t, b[i])}`));
  });

  it("with the addon off, fit runs on tf ops; on both paths the tensor count does not grow across fits", async () => {
    for (const on of [false, true]) {
      rl.useNativeKernels(on);
      if (!on) assert.strictEqual(rl.recurrentKernelPath(), "tf ops");
      await assertFitKeepsNoTensorsAndLearns({ label: ` (${rl.recurrentKernelPath()})` });
    }
  });

  it("every kernel writes into the caller's arrays when given them (as layers.ts does on wasm), the same numbers as into its own, and refuses a wrong length", function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    const k = rl.kernelModule();
    const rand = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + n) * 0.5);
    const [B, T, I, u] = [3, 4, 5, 6];
    const eq = (a, b, what) => assert.deepStrictEqual(Array.from(a), Array.from(b), what);
    for (const [cell, G] of [[0, 1], [1, 4], [2, 3]]) {
      const dims = [cell, 1, 0, B, T, I, u, 1];
      const [x, W, U, b, dy] = [rand(B * T * I), rand(I * G * u), rand(u * G * u), rand(G * u), rand(B * T * u)];
      const ws = k.newWorkspace ? k.newWorkspace(k.workspaceSize(dims)) : new Float32Array(k.workspaceSize(dims));
      const own = k.forward(dims, x, W, U, b, ws);
      const out = new Float32Array(own.length).fill(NaN);
      assert.strictEqual(k.forward(dims, x, W, U, b, ws, out), out, `cell ${cell}: forward returns the given array`);
      eq(out, own, `cell ${cell}: forward`);
      const ownGrads = k.backward(dims, W, U, ws, dy);
      const given = ownGrads.map((g) => new Float32Array(g.length).fill(NaN));
      const grads = k.backward(dims, W, U, ws, dy, ...given);
      grads.forEach((g, i) => {
        assert.strictEqual(g, given[i], `cell ${cell}: backward returns the given array ${i}`);
        eq(g, ownGrads[i], `cell ${cell}: backward result ${i}`);
      });
      assert.throws(() => k.forward(dims, x, W, U, b, ws, new Float32Array(own.length - 1)), /out must be a Float32Array of/);
      assert.throws(() => k.forward(dims, x.subarray(1), W, U, b, ws), /x must be a Float32Array of \d+ floats, got/);
      assert.throws(() => k.backward(dims, W, U, ws, dy, new Float32Array(1)), /dx must be a Float32Array of/);
    }
    const C = 4;
    const [x, g, be, dy] = [rand(8 * C), rand(C), rand(C), rand(8 * C)];
    const [y0, m, v] = k.bnForward(x, C, g, be, 1e-3);
    const y = new Float32Array(y0.length).fill(NaN);
    assert.strictEqual(k.bnForward(x, C, g, be, 1e-3, y)[0], y);
    eq(y, y0, "bnForward");
    const [dx0, dg0, db0] = k.bnBackward(x, dy, C, m, v, g, 1e-3);
    const dx = new Float32Array(dx0.length).fill(NaN);
    const [dx1, dg1, db1] = k.bnBackward(x, dy, C, m, v, g, 1e-3, dx);
    assert.strictEqual(dx1, dx);
    eq(dx, dx0, "bnBackward dx");
    eq(dg1, dg0, "bnBackward dGamma");
    eq(db1, db0, "bnBackward dBeta");
    const d = new Float32Array(x.length).fill(NaN);
    assert.strictEqual(k.dropout(x, 0.3, 7, d), d);
    eq(d, k.dropout(x, 0.3, 7), "dropout");
    assert.throws(() => k.dropout(x, 0.3, 7, new Float32Array(3)), /y must be a Float32Array of/);
  });

  // A process started with these settings: its backend line and its kernel path.
  const startWith = (env) => {
    const code = `const rl = require("rnnlab"); rl.initRuntime({ force: "wasm" }).then(() => console.log("PATH", rl.recurrentKernelPath(), rl.nativeKernelInfo().kernel))`;
    const r = spawnSync(process.execPath, ["-e", code], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8", env: { ...process.env, ...env } });
    assert.strictEqual(r.status, 0, r.stderr);
    return { line: r.stdout.split("\n").find((l) => l.startsWith("rnnlab backend:")), path: r.stdout.split("\n").find((l) => l.startsWith("PATH ")) };
  };

  it("RNNLAB_NATIVE=0 starts a process on the tf-ops path, and its backend line says so and how to turn them on", () => {
    const { line, path: p } = startWith({ RNNLAB_NATIVE: "0" });
    assert.match(p, /^PATH tf ops /);
    assert.match(line, /; kernels: tf ops — rnnlab's kernels are off: unset RNNLAB_NATIVE/);
  });

  it("RNNLAB_KERNELS=wasm starts a process on the WebAssembly kernels even where the addon is built; the backend line names them", () => {
    const { line, path: p } = startWith({ RNNLAB_KERNELS: "wasm", RNNLAB_NATIVE: "1", RNNLAB_NATIVE_THREADS: "3" });
    assert.strictEqual(p, "PATH wasm WebAssembly SIMD128");
    assert.match(line, /; kernels: WebAssembly \(3 threads\) — unset RNNLAB_KERNELS for the native kernels$/);
  });

  it("without the addon the backend line gives the command for the native kernels; with it, it names them", function () {
    if (rl.readSettings().kernels !== "auto") this.skip(); // RNNLAB_KERNELS picks the build: the test above
    if (rl.nativeKernelInfo().build === "native") {
      assert.match(startWith({ RNNLAB_NATIVE_THREADS: "2" }).line, /; kernels: native \((AVX-512|AVX2\+FMA|portable[^)]*), 2 threads\)$/);
    } else {
      assert.match(startWith({}).line, /; kernels: WebAssembly \(\d+ threads?\) — faster with a C\+\+ compiler: apt-get install g\+\+ make && npm run build:native$/);
    }
  });

  it("the GPU backends' path (useTensorOpsForSteps) never takes the addon", () => {
    rl.useNativeKernels(true);
    rl.useTensorOpsForSteps(true);
    try {
      assert.strictEqual(rl.recurrentKernelPath(), "tf ops");
    } finally {
      rl.useTensorOpsForSteps(false);
    }
  });
});
