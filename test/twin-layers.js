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

module.exports = { TOL, KINDS, maxAbsDiff, twinModels, outputAndGrads };
