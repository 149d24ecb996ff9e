"use strict";
const assert = require("assert");
const rl = require("rnnlab");
const tf = rl.tf;

function xorModel() {
  const m = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [2], activation: "tanh" }), tf.layers.dense({ units: 1, activation: "sigmoid" })],
  });
  m.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  return m;
}

describe("train: fit", () => {
  let x, y;
  before(async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
    x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
    y = tf.tensor2d([[0], [1], [1], [0]]);
  });
  after(() => tf.dispose([x, y]));

  it("returns per-epoch numbers and learns XOR", async () => {
    rl.seedEverything(3);
    const m = xorModel();
    const r = await rl.fit(m, x, y, { epochs: 150, batchSize: 4, verbose: false });
    assert.strictEqual(r.epochs, 150);
    assert.strictEqual(r.history.loss.length, 150);
    assert.ok(r.history.loss[149] < r.history.loss[0] * 0.5, `loss ${r.history.loss[0]} -> ${r.history.loss[149]}`);
    assert.deepStrictEqual(Array.from(await rl.predictClasses(m, x)), [0, 1, 1, 0]);
    m.dispose();
  });

  it("does not leak tensors: a second and third fit leave the count unchanged", async () => {
    const m = xorModel();
    await rl.fit(m, x, y, { epochs: 2, batchSize: 2, verbose: false }); // creates the optimizer's slots once
    const after1 = tf.memory().numTensors;
    await rl.fit(m, x, y, { epochs: 2, batchSize: 2, verbose: false, validationData: [x, y] });
    const after2 = tf.memory().numTensors;
    await rl.fit(m, x, y, { epochs: 3, batchSize: 2, verbose: false, earlyStopping: { patience: 1 }, validationData: [x, y] });
    assert.strictEqual(after2, after1);
    assert.strictEqual(tf.memory().numTensors, after1);
    m.dispose();
  });

  it("rejects NaN inputs with the place named, before training", async () => {
    const m = xorModel();
    const bad = tf.tensor2d([[0, 0], [0, 1], [1, NaN], [1, 1]]);
    await assert.rejects(rl.fit(m, bad, y, { verbose: false }), /inputs: value NaN at sample 2 \(flat index 5\) of a tensor shaped \[4,2\]/);
    bad.dispose();
    m.dispose();
  });

  it("stops with a clear error when the loss turns NaN", async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: tf.train.sgd(1e30), loss: "meanSquaredError" });
    const big = tf.tensor2d([[1e20, 1e20], [1, 1]]);
    const t = tf.tensor2d([[1e20], [1]]);
    await assert.rejects(rl.fit(m, big, t, { epochs: 5, batchSize: 1, verbose: false }), /loss became NaN or infinite at epoch \d+, batch \d+/);
    tf.dispose([big, t]);
    m.dispose();
  });

  it("early stopping restores the best epoch's weights", async () => {
    rl.seedEverything(1);
    const m = xorModel();
    const r = await rl.fit(m, x, y, { epochs: 30, batchSize: 4, verbose: false, validationData: [x, y], earlyStopping: { patience: 3 } });
    const best = Math.min(...r.history.val_loss);
    assert.strictEqual(r.history.val_loss[r.bestEpoch - 1], best);
    const now = (await rl.evaluate(m, x, y)).loss;
    assert.ok(Math.abs(now - best) < 1e-5, `restored loss ${now} vs best ${best}`);
    m.dispose();
  });

  describe("checkpoint", () => {
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-ckpt-"));
    beforeEach(() => (process.env.RNNLAB_MODELS = dir));
    afterEach(() => delete process.env.RNNLAB_MODELS);
    const predictions = async (m) => {
      const p = tf.tidy(() => m.predict(x));
      const v = Array.from(await p.data());
      p.dispose();
      return v;
    };
    const free = (m) => {
      m.optimizer?.dispose();
      m.dispose();
    };

    it("keeps the last finished epoch when training dies, with the epochs done and the history so far", async () => {
      rl.seedEverything(5);
      const m = xorModel();
      const dies = { onEpochBegin: async (epoch) => { if (epoch === 3) throw new Error("kernel died"); } };
      await assert.rejects(rl.fit(m, x, y, { name: "xor", epochs: 10, batchSize: 4, verbose: false, checkpoint: "xor", callbacks: dies }), /kernel died/);
      const back = await rl.loadModel("xor");
      assert.deepStrictEqual(await predictions(back), await predictions(m), "the checkpoint holds the weights after epoch 3");
      const info = rl.checkpointInfo(back);
      assert.strictEqual(info.name, "xor");
      assert.strictEqual(info.epochsDone, 3);
      assert.strictEqual(info.history.loss.length, 3);
      assert.strictEqual(rl.checkpointInfo(xorModel()), undefined);
      // Training resumes from it, optimizer state included.
      const r = await rl.fit(back, x, y, { epochs: 2, batchSize: 4, verbose: false });
      assert.strictEqual(r.epochs, 2);
      free(m);
      free(back);
    });

    it("with early stopping, holds the best epoch's weights that fit returns; no tensor is left behind", async () => {
      rl.seedEverything(1);
      const m = xorModel();
      await rl.fit(m, x, y, { epochs: 1, batchSize: 4, verbose: false }); // creates Adam's slots (8 tensors) first
      const before = tf.memory().numTensors;
      const r = await rl.fit(m, x, y, { epochs: 30, batchSize: 4, verbose: false, validationData: [x, y], earlyStopping: { patience: 3 }, checkpoint: "xor-es" });
      assert.strictEqual(tf.memory().numTensors, before, "checkpointing must not leak");
      const back = await rl.loadModel("xor-es");
      assert.deepStrictEqual(await predictions(back), await predictions(m));
      assert.strictEqual(rl.checkpointInfo(back).epochsDone, r.epochs);
      free(m);
      free(back);
    });
  });
});

describe("metrics", () => {
  it("accuracy, confusion matrix, balance and majority baseline", () => {
    const t = [0, 1, 1, 2, 2, 2];
    const p = [0, 1, 2, 2, 2, 0];
    assert.strictEqual(rl.accuracy(t, p), 4 / 6);
    assert.deepStrictEqual(rl.confusionMatrix(t, p, 3), [[1, 0, 0], [0, 1, 1], [1, 0, 2]]);
    assert.deepStrictEqual(rl.classBalance(t).counts, [1, 2, 3]);
    assert.deepStrictEqual(rl.majorityBaseline(t, [2, 2, 0, 1]), { cls: 2, accuracy: 0.5 });
    assert.throws(() => rl.accuracy([1], [1, 2]), /1 true labels but 2 predictions/);
    assert.throws(() => rl.confusionMatrix([0, 5], [0, 1], 3), /sample 1 has label 5/);
    const pr = rl.precisionRecall([1, 1, 0, 0], [1, 0, 1, 0], 1);
    assert.deepStrictEqual(pr, { precision: 0.5, recall: 0.5, f1: 0.5 });
  });
});
