// Gathering on the wasm backend (lib/src/fast/gather.ts): the same numbers as the backend's own GatherV2 for every
// axis, batch dimension and dtype, the same error for an index out of range, and model.fit trains to the same
// weights with either.
const assert = require("assert");
const rl = require("rnnlab");

const { tf } = rl;

describe("gathering slices on wasm (lib/src/fast/gather.ts)", function () {
  this.timeout(60000);
  before(async () => {
    await rl.initRuntime({ force: "wasm", verbose: false });
    rl.seedEverything(5);
  });
  after(() => rl.useFastWasmGather(true));

  // The backend's own kernel with batchDims 0 is the reference; with batch dimensions (which that kernel reads out of
  // bounds in tfjs-backend-wasm 4.22) the reference is one gather per batch entry, stacked.
  const gatherBoth = (x, indices, axis, batchDims) => {
    const out = {};
    for (const fast of [false, true]) {
      assert.strictEqual(rl.useFastWasmGather(fast), fast);
      let t;
      if (fast || batchDims === 0) t = tf.gather(x, indices, axis, batchDims);
      else t = tf.tidy(() => tf.stack(tf.unstack(x).map((xb, b) => tf.gather(xb, tf.unstack(indices)[b], axis - 1))));
      out[fast] = { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
      t.dispose();
    }
    return out;
  };

  it("equals the backend's own kernel for every axis, batch dimension and dtype, and leaves nothing behind", () => {
    const backend = tf.engine().backend;
    const cases = [
      // [x shape, indices shape, axis, batchDims]
      [[50, 7, 3], [32], 0, 0],
      [[50, 7, 3], [4, 5], 0, 0],
      [[6, 9, 4], [11], 1, 0],
      [[6, 9, 4], [3], 2, 0],
      [[5, 8, 3], [5, 4], 1, 1],
      [[20], [7], 0, 0],
      [[20, 3], [0], 0, 0],
    ];
    for (const dtype of ["float32", "int32", "bool"]) {
      for (const [shape, ishape, axis, batchDims] of cases) {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: size }, (_, i) => (dtype === "bool" ? i % 3 === 0 : dtype === "int32" ? i * 7 - 50 : Math.sin(i) * 10));
        const x = tf.tensor(values, shape, dtype);
        const n = ishape.reduce((a, b) => a * b, 1);
        const indices = tf.tensor(Array.from({ length: n }, (_, i) => (i * 5 + 3) % shape[axis]), ishape, "int32");
        const ids = backend.numDataIds();
        rl.useFastWasmGather(true);
        tf.dispose(tf.gather(x, indices, axis, batchDims));
        assert.strictEqual(backend.numDataIds(), ids, "no data left behind");
        const got = gatherBoth(x, indices, axis, batchDims);
        assert.deepStrictEqual(got.true, got.false, `${dtype} [${shape}] gathered by [${ishape}] on axis ${axis}, batchDims ${batchDims}`);
        tf.dispose([x, indices]);
      }
    }
  });

  it("refuses an index out of range with the backend's own message", () => {
    const x = tf.zeros([4, 2]);
    for (const fast of [false, true]) {
      rl.useFastWasmGather(fast);
      assert.throws(() => tf.gather(x, tf.tensor1d([1, 4], "int32")), /GatherV2: the index value 4 is not in \[0, 3\]/);
      assert.throws(() => tf.gather(x, tf.tensor1d([-1], "int32")), /GatherV2: the index value -1 is not in \[0, 3\]/);
    }
    x.dispose();
  });

  it("model.fit (which takes its batches with tf.gather) trains to the same weights bit for bit", async () => {
    const x = tf.randomNormal([96, 12]);
    const y = tf.randomNormal([96, 2]);
    const train = async (fast) => {
      rl.useFastWasmGather(fast);
      rl.seedEverything(4);
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: "tanh", inputShape: [12] }), tf.layers.dense({ units: 2 })] });
      m.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
      await m.fit(x, y, { epochs: 2, batchSize: 16, shuffle: true, verbose: 0 });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    assert.deepStrictEqual(await train(true), await train(false));
    tf.dispose([x, y]);
  });
});
