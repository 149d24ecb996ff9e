// fit's NaN guard sees NaN or Infinity where it arises during training, on both of the fast layers' paths, and says
// where: the epoch, the batch, and the first layer whose weights or outputs went non-finite.
const assert = require("assert");
const rl = require("rnnlab");

const { tf } = rl;
const LOSS_LINE = /the loss became NaN or infinite at epoch (\d+), batch (\d+)/;

/** True when every weight of the model is finite (asynchronous read). */
async function weightsFinite(model) {
  for (const w of model.getWeights()) {
    if (!(await w.data()).every(Number.isFinite)) return false;
  }
  return true;
}

function lstmRegressor() {
  const m = tf.sequential({ layers: [rl.fastLayers.lstm({ units: 8, inputShape: [6, 3] }), tf.layers.dense({ units: 1 })] });
  return m;
}

describe("fit's NaN guard", function () {
  this.timeout(120000);
  let x, y;
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
    rl.seedEverything(5);
    x = tf.randomNormal([64, 6, 3]);
    y = tf.tidy(() => tf.sum(x, [1, 2]).reshape([64, 1]));
  });
  after(() => tf.dispose([x, y]));
  afterEach(() => rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0"));

  const paths = [
    ["native", true],
    ["tf ops", false],
  ];
  for (const [pathName, native] of paths) {
    it(`${pathName} path: a learning rate that makes training diverge stops fit with the epoch, the batch and what went non-finite`, async function () {
      if (native && !rl.nativeKernelInfo().built) this.skip();
      rl.useNativeKernels(native);
      rl.seedEverything(5);
      const m = lstmRegressor();
      m.compile({ optimizer: tf.train.sgd(1e6), loss: "meanSquaredError" });
      const before = tf.memory().numTensors;
      let lastBatch = { epoch: -1, batch: -1 };
      const err = await rl
        .fit(m, x, y, {
          epochs: 20,
          batchSize: 16,
          verbose: false,
          callbacks: { onEpochBegin: (e) => (lastBatch = { epoch: e, batch: -1 }), onBatchEnd: (b) => (lastBatch.batch = b) },
        })
        .then(
          () => null,
          (e) => e,
        );
      assert.ok(err, "fit finished although training diverged");
      const m1 = LOSS_LINE.exec(err.message);
      assert.ok(m1, err.message);
      // The batch named is the one that fit stopped after.
      assert.deepStrictEqual([Number(m1[1]), Number(m1[2])], [lastBatch.epoch + 1, lastBatch.batch + 1], err.message);
      assert.match(err.message, /layer '[^']+' \(the \d+(st|nd|rd|th) layer\)|every layer's outputs are finite, so the loss itself went non-finite/);
      assert.ok(await weightsFinite(m), "the model should keep the weights from before the batch whose loss was NaN");
      assert.strictEqual(tf.memory().numTensors, before, "tensors leaked");
      m.dispose();
    });

    it(`${pathName} path: a NaN in the LSTM's recurrent kernel is seen at the first batch and named`, async function () {
      if (native && !rl.nativeKernelInfo().built) this.skip();
      rl.useNativeKernels(native);
      const m = lstmRegressor();
      m.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
      const ws = m.getWeights().map((w) => w.clone());
      const u = ws[1].arraySync();
      u[3][5] = NaN;
      const poisoned = tf.tensor2d(u);
      m.setWeights([ws[0], poisoned, ...ws.slice(2)]);
      await assert.rejects(
        rl.fit(m, x, y, { epochs: 2, batchSize: 16, verbose: false }),
        (e) => {
          assert.match(e.message, /loss became NaN or infinite at epoch 1, batch 1 /);
          assert.match(e.message, /non-finite before training started: first layer '[^']+' \(the 1st layer\), its recurrent_kernel/);
          return true;
        },
      );
      tf.dispose([...ws, poisoned]);
      m.dispose();
    });
  }

  it("names the first layer whose outputs overflow while its weights are finite", async () => {
    // 3e38 + 3e38 overflows float32: the first Dense layer's output is Infinity, its weights (ones) are finite.
    const m = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones", name: "wide" }), tf.layers.dense({ units: 1, name: "head" })],
    });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: "meanSquaredError" });
    const big = tf.tensor2d([
      [1, 1],
      [1, 2],
      [3e38, 3e38],
      [2, 1],
    ]);
    const t = tf.tensor2d([[1], [2], [3], [4]]);
    await assert.rejects(rl.fit(m, big, t, { epochs: 1, batchSize: 4, shuffle: false, verbose: false }), (e) => {
      assert.match(e.message, /epoch 1, batch 1/);
      assert.match(e.message, /the weights were finite before this batch; the outputs of layer 'wide' \(the 1st layer\) went non-finite first \(sample 2 of the inputs\)/i);
      return true;
    });
    assert.ok(await weightsFinite(m));
    tf.dispose([big, t]);
    m.dispose();
  });

  it("sees weights that go non-finite in the last batch of an epoch, where no later loss would show it", async () => {
    // A callback that writes Infinity into the kernel after the epoch's last update stands for an update that
    // overflowed: the loss of that batch was computed before and is finite.
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: "only" })] });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: "meanSquaredError" });
    const xs = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const t = tf.tensor2d([[1], [2]]);
    const spoil = {
      onBatchEnd: (batch) => {
        if (batch !== 1) return;
        const bad = tf.tensor2d([[Infinity], [1]]);
        m.layers[0].getWeights()[0].assign(bad);
        bad.dispose();
      },
    };
    await assert.rejects(rl.fit(m, xs, t, { epochs: 3, batchSize: 1, shuffle: false, verbose: false, callbacks: spoil }), (e) => {
      assert.match(e.message, /weights went non-finite at epoch 1 \(found after its last batch, 2; every batch's loss was finite\): first layer 'only' \(the 1st layer\), its kernel/);
      return true;
    });
    tf.dispose([xs, t]);
    m.dispose();
  });
});
