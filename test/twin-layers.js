"use strict";
// Shared by the layer tests: an rnnlab model and a stock tf.layers model with the same layers and weights, and the
// numbers to compare them by. Not a test file itself (mocha runs test/**/*.test.js).
const assert = require("assert");
const rl = require("rnnlab");

const { tf } = rl;
const TOL = 1e-4;

const KINDS = {
  simpleRnn: { fast: rl.FastSimpleRNN, stock: (a) => tf.layers.simpleRNN(a) },
  lstm: { fast: rl.FastLSTM, stock: (a) => tf.layers.lstm(a) },
  gru: { fast: rl.FastGRU, stock: (a) => tf.layers.gru(a) },
};

function maxAbsDiff(a, b) {
  assert.deepStrictEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A fast and a stock model with the same stack of layers (all but the last return sequences) and the same weights. */
function twinModels(kind, { layers = 1, units = 6, inputShape = [5, 4], returnSequences = false, recurrentActivation = "sigmoid" } = {}) {
  const build = (make) => {
    const m = tf.sequential();
    for (let l = 0; l < layers; l++) {
      m.add(
        make({
          units,
          returnSequences: l === layers - 1 ? returnSequences : true,
          recurrentActivation,
          // Random biases too, so a wrong gate order shows up.
          biasInitializer: "glorotUniform",
          ...(l === 0 ? { inputShape } : {}),
        }),
      );
    }
    return m;
  };
  const fast = build((a) => new KINDS[kind].fast(a));
  const stock = build(KINDS[kind].stock);
  stock.setWeights(fast.getWeights());
  return { fast, stock };
}

/** [output, d input, d each weight] of sum(output * r). */
function outputAndGrads(model, x, r) {
  const xv = tf.variable(x);
  const vars = model.trainableWeights.map((w) => w.read());
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(xv), r)), [xv, ...vars]);
  const res = [model.predict(x), grads[xv.name], ...vars.map((v) => grads[v.name])];
  tf.dispose([xv, value]);
  return res;
}

/**
 * A stack of all three fast layers (LSTM -> GRU -> SimpleRNN -> Dense) fitted twice on a toy task: the second fit
 * must leave the tensor count where it was, and the loss must go down. `label` names the run in the messages.
 */
async function assertFitKeepsNoTensorsAndLearns({ dropout = 0, label = "" } = {}) {
  const fastLayers = rl.fastLayers;
  const model = tf.sequential({
    layers: [
      fastLayers.lstm({ units: 8, returnSequences: true, inputShape: [6, 3], dropout }),
      fastLayers.gru({ units: 8, returnSequences: true }),
      fastLayers.simpleRNN({ units: 8 }),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy" });
  const x = tf.randomNormal([32, 6, 3]);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, [1, 2]), 0), "float32"));
  const h1 = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  const before = tf.memory().numTensors;
  const h2 = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  assert.strictEqual(tf.memory().numTensors, before, `tensor count grew across a second fit${label}`);
  assert.ok(h2.history.loss[2] < h1.history.loss[0], `loss did not go down${label}: ${h1.history.loss[0]} -> ${h2.history.loss[2]}`);
  tf.dispose([x, y]);
  model.dispose();
}

module.exports = { TOL, KINDS, maxAbsDiff, twinModels, outputAndGrads, assertFitKeepsNoTensorsAndLearns };
