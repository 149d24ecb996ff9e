"use strict";
// The training callbacks (lib/src/course/callbacks.ts) in tfjs's own model.fit, and rl.fit built from them: the
// same early stop and restored weights, the NaN guard's message, a checkpoint that loads back.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");
const tf = rl.tf;

function xorModel(seed, lr = 0.05) {
  rl.seedEverything(seed);
  const m = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [2], activation: "tanh" }), tf.layers.dense({ units: 1, activation: "sigmoid" })],
  });
  m.compile({ optimizer: tf.train.adam(lr), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  return m;
}

const weightsOf = (m) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe("training callbacks in tfjs's model.fit", () => {
  let x, y, yFlipped;
  before(async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
    x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
    y = tf.tensor2d([[0], [1], [1], [0]]);
    // Validated against the opposite labels, the validation loss rises as training learns: the best epoch is an early one.
    yFlipped = tf.tensor2d([[1], [0], [0], [1]]);
  });
  after(() => tf.dispose([x, y, yFlipped]));

  it("earlyStopping stops after `patience` epochs without improvement and puts the best epoch's weights back", async () => {
    const m = xorModel(5);
    const seen = [];
    const keep = new tf.CustomCallback({ onEpochEnd: async () => seen.push(weightsOf(m)) });
    const es = rl.earlyStopping({ patience: 3 });
    const h = await m.fit(x, y, { epochs: 100, batchSize: 4, shuffle: false, validationData: [x, yFlipped], verbose: 0, callbacks: [keep, es] });
    const epochs = h.history.loss.length;
    assert.ok(epochs < 100, `stopped early (ran ${epochs} epochs)`);
    assert.strictEqual(es.bestEpoch, epochs - 3, "the best epoch is the one `patience` epochs before the stop");
    const vl = h.history.val_loss;
    assert.strictEqual(es.best, Math.min(...vl));
    assert.deepStrictEqual(weightsOf(m), seen[es.bestEpoch - 1], "the model holds the best epoch's weights, not the last");
    assert.notDeepStrictEqual(weightsOf(m), seen[epochs - 1]);
    m.dispose();
  });

  it("rl.fit's early stopping is the same callback: same best epoch, same weights as model.fit with it", async () => {
    const a = xorModel(11);
    const es = rl.earlyStopping({ patience: 2 });
    const h = await a.fit(x, y, { epochs: 60, batchSize: 4, shuffle: false, validationData: [x, yFlipped], verbose: 0, callbacks: [rl.nanGuard(), es] });
    const b = xorModel(11);
    const r = await rl.fit(b, x, y, { epochs: 60, batchSize: 4, shuffle: false, validationData: [x, yFlipped], verbose: false, earlyStopping: { patience: 2 } });
    assert.strictEqual(r.bestEpoch, es.bestEpoch);
    assert.deepStrictEqual(r.history.val_loss, h.history.val_loss);
    assert.deepStrictEqual(weightsOf(b), weightsOf(a));
    a.dispose();
    b.dispose();
  });

  it("earlyStopping names a monitor the logs lack", async () => {
    const m = xorModel(1);
    await assert.rejects(
      m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [rl.earlyStopping({ patience: 1 })] }),
      /early stopping watches 'val_loss' but the epoch logs hold loss, acc/,
    );
    m.dispose();
  });

  it("nanGuard stops a model.fit whose loss goes non-finite and says where, as rl.fit does", async () => {
    const big = tf.tensor2d([[1e20, 1e20], [1, 1]]);
    const t = tf.tensor2d([[1e20], [1]]);
    const model = () => {
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: "only" })] });
      m.compile({ optimizer: tf.train.sgd(1e30), loss: "meanSquaredError" });
      return m;
    };
    const a = model();
    const own = await m_fit_error(a.fit(big, t, { epochs: 5, batchSize: 1, verbose: 0, shuffle: false, callbacks: [rl.nanGuard({ name: "net", model: a, inputs: big })] }));
    const b = model();
    const viaFit = await m_fit_error(rl.fit(b, big, t, { name: "net", epochs: 5, batchSize: 1, verbose: false, shuffle: false }));
    assert.match(own, /^fit\(net\): the loss became NaN or infinite at epoch \d+, batch \d+/);
    assert.match(own, /The weights were finite before this batch; every layer's outputs are finite/);
    assert.strictEqual(own, viaFit);
    // throws: false leaves the message on the callback and the run's history short.
    const c = model();
    const guard = rl.nanGuard({ throws: false });
    const h = await c.fit(big, t, { epochs: 5, batchSize: 1, verbose: 0, callbacks: [guard] });
    assert.match(guard.problem, /the loss became NaN or infinite at epoch 1, batch \d+/);
    assert.ok(h.history.loss.length < 5, `stopped in epoch 1 (${h.history.loss.length} epochs logged)`);
    tf.dispose([big, t]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it("checkpoint saves every finished epoch with its history; the model loads back with checkpointInfo", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-ckpt-"));
    const prev = process.env.RNNLAB_MODELS;
    process.env.RNNLAB_MODELS = dir;
    try {
      const m = xorModel(2);
      const saver = rl.checkpoint(m, "xor_ckpt");
      const h = await m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, callbacks: [saver] });
      assert.strictEqual(saver.url, `file://${path.join(dir, "xor_ckpt")}`);
      const back = await rl.loadModel("xor_ckpt");
      assert.strictEqual(back.getClassName(), "Sequential", "the model as trained, not the functional model inside it");
      const info = rl.checkpointInfo(back);
      assert.strictEqual(info.epochsDone, 3);
      assert.strictEqual(info.name, m.name);
      assert.deepStrictEqual(info.history.loss, h.history.loss);
      assert.deepStrictEqual(weightsOf(back), weightsOf(m));
      back.dispose();
      m.dispose();
    } finally {
      if (prev === undefined) delete process.env.RNNLAB_MODELS;
      else process.env.RNNLAB_MODELS = prev;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leave no tensors behind", async () => {
    const m = xorModel(4);
    const run = () =>
      m.fit(x, y, { epochs: 4, batchSize: 2, validationData: [x, yFlipped], verbose: 0, callbacks: [rl.nanGuard(), rl.earlyStopping({ patience: 1 })] });
    await run(); // creates the optimizer's slots once
    const before = tf.memory().numTensors;
    await run();
    assert.strictEqual(tf.memory().numTensors, before);
    m.dispose();
  });
});

async function m_fit_error(promise) {
  try {
    await promise;
  } catch (e) {
    return e.message;
  }
  throw new Error("training should have failed");
}
