// Products with a transposed operand on the wasm backend (lib/src/fast/matmul.ts): the same numbers as a plain
// triple loop for every combination of transposes, ranks and batch broadcasting, nothing left in the backend's
// memory, and the backend's own kernel back when switched off.
const assert = require("assert");
const rl = require("rnnlab");

const { tf } = rl;

/** op(A)·op(B) in plain JavaScript, batch dims broadcast as tf.matMul does (1 against n). */
function reference(a, b, shapeA, shapeB, transposeA, transposeB) {
  const r = shapeA.length;
  const [ra, ca] = shapeA.slice(-2);
  const [rb, cb] = shapeB.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const n = transposeB ? rb : cb;
  const batchA = r === 3 ? shapeA[0] : 1;
  const batchB = shapeB.length === 3 ? shapeB[0] : 1;
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let s = 0; s < batch; s++) {
    const oa = (batchA === 1 ? 0 : s) * ra * ca;
    const ob = (batchB === 1 ? 0 : s) * rb * cb;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = transposeA ? a[oa + q * ca + i] : a[oa + i * ca + q];
          const bv = transposeB ? b[ob + j * cb + q] : b[ob + q * cb + j];
          acc += av * bv;
        }
        out[(s * m + i) * n + j] = acc;
      }
  }
  return out;
}

describe("products with a transposed operand on wasm (lib/src/fast/matmul.ts)", function () {
  this.timeout(60000);
  before(async () => {
    await rl.initRuntime({ force: "wasm", verbose: false });
    rl.seedEverything(3);
  });
  after(() => rl.useFastWasmMatMul(true));

  // [shape of A as stored, shape of B as stored, transposeA, transposeB]: Dense's backward shapes, rank 3, and
  // a batch of 1 broadcast against 3 (both ways round, so both of the kernel's orders are taken).
  const CASES = [];
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    const m = 7, k = 33, n = 5;
    const sa = tA ? [k, m] : [m, k];
    const sb = tB ? [n, k] : [k, n];
    CASES.push([sa, sb, tA, tB]);
    CASES.push([[3, ...sa], [3, ...sb], tA, tB]);
    CASES.push([[1, ...sa], [3, ...sb], tA, tB]);
    CASES.push([[3, ...sa], [1, ...sb], tA, tB]);
  }
  // One where the other order moves fewer numbers (a small dy against a large kernel: dy·Wᵀ), and its mirror.
  CASES.push([[4, 16], [300, 16], false, true]);
  CASES.push([[16, 4], [16, 300], true, false]);

  it("equal a plain triple loop for every transpose, rank and broadcast, and leave nothing in the backend", async () => {
    assert.strictEqual(tf.getBackend(), "wasm");
    assert.strictEqual(rl.useFastWasmMatMul(true), true, "initRuntime registered it on wasm");
    const backend = tf.engine().backend;
    for (const [sa, sb, tA, tB] of CASES) {
      const a = tf.randomNormal(sa);
      const b = tf.randomNormal(sb);
      const [av, bv] = [await a.data(), await b.data()];
      const want = reference(av, bv, sa, sb, tA, tB);
      const idsBefore = backend.numDataIds();
      const c = tf.matMul(a, b, tA, tB);
      assert.strictEqual(backend.numDataIds(), idsBefore + 1, `[${sa}]${tA ? "ᵀ" : ""}·[${sb}]${tB ? "ᵀ" : ""}: only the result is left in the backend`);
      const got = await c.data();
      assert.strictEqual(got.length, want.length, `[${sa}]·[${sb}]: ${got.length} numbers, expected ${want.length}`);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      assert.ok(worst < 1e-4, `[${sa}]${tA ? "ᵀ" : ""}·[${sb}]${tB ? "ᵀ" : ""}: differs from the loop by ${worst}`);
      tf.dispose([a, b, c]);
    }
  });

  it("larger products run in the addon's sgemm where it is on, and equal the triple loop for every transpose and broadcast", async function () {
    // Without the addon every product stays in wasm (the test above); the WebAssembly kernels leave them there too.
    if (rl.nativeKernelInfo().build !== "native") this.skip();
    const addon = rl.kernelModule();
    const realMatMul = addon.matMul;
    let calls = 0;
    addon.matMul = (...args) => {
      calls++;
      return realMatMul(...args);
    };
    const backend = tf.engine().backend;
    try {
      for (const native of [true, false]) {
        rl.useNativeKernels(native);
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          const m = 40, k = 300, n = 30; // 360,000 multiply-adds
          const sa = tA ? [k, m] : [m, k];
          const sb = tB ? [n, k] : [k, n];
          for (const [shapeA, shapeB] of [[sa, sb], [[3, ...sa], [3, ...sb]], [[1, ...sa], [3, ...sb]], [[3, ...sa], sb]]) {
            const a = tf.randomNormal(shapeA);
            const b = tf.randomNormal(shapeB);
            const want = reference(await a.data(), await b.data(), shapeA, shapeB, tA, tB);
            const before = calls;
            const idsBefore = backend.numDataIds();
            const c = tf.matMul(a, b, tA, tB);
            const name = `[${shapeA}]${tA ? "ᵀ" : ""}·[${shapeB}]${tB ? "ᵀ" : ""}`;
            assert.strictEqual(calls - before, native ? 1 : 0, `${name}: ${native ? "one sgemm call" : "no call into the addon when it is off"}`);
            assert.strictEqual(backend.numDataIds(), idsBefore + 1, `${name}: only the result is left in the backend`);
            assert.deepStrictEqual(c.shape, shapeA.length === 3 || shapeB.length === 3 ? [3, m, n] : [m, n]);
            const got = await c.data();
            let worst = 0;
            for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
            assert.ok(worst < 1e-3, `${name} (native ${native}): differs from the loop by ${worst}`);
            tf.dispose([a, b, c]);
          }
        }
      }
      // NaN and Infinity go where they go in plain arithmetic: a NaN in a row of A makes that row of the product NaN,
      // and 0 * Infinity is NaN.
      rl.useNativeKernels(true);
      const av = tf.randomNormal([64, 256]).arraySync();
      av[5][17] = NaN;
      av[9].fill(0);
      const bv = tf.randomNormal([256, 64]).arraySync();
      bv[3][2] = Infinity;
      const before = calls;
      const c = tf.matMul(tf.tensor2d(av), tf.tensor2d(bv)).arraySync();
      assert.strictEqual(calls - before, 1);
      c.forEach((row, i) =>
        row.forEach((v, j) => {
          const nan = i === 5 || (i === 9 && j === 2);
          assert.strictEqual(Number.isNaN(v), nan, `product [${i}][${j}] = ${v}`);
        }),
      );
    } finally {
      addon.matMul = realMatMul;
      rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0");
    }
  });

  it("a Dense layer trains to the same weights with it and with the backend's own kernel", async () => {
    const x = tf.randomNormal([64, 20]);
    const y = tf.randomNormal([64, 3]);
    const train = async (fast) => {
      assert.strictEqual(rl.useFastWasmMatMul(fast), fast);
      rl.seedEverything(9);
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: "relu", inputShape: [20] }), tf.layers.dense({ units: 3 })] });
      m.compile({ optimizer: tf.train.sgd(0.05), loss: "meanSquaredError" });
      await m.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      const w = await Promise.all(m.getWeights().map((t) => t.data()));
      m.dispose();
      return w;
    };
    const own = await train(false);
    const fast = await train(true);
    own.forEach((w, i) => {
      let worst = 0;
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - fast[i][j]));
      assert.ok(worst < 1e-5, `weight ${i} differs by ${worst}`);
    });
    tf.dispose([x, y]);
  });
});
