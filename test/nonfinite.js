"use strict";
// Shared by the layer tests: NaN and ±Infinity must flow through an rnnlab layer exactly as through its tf.layers
// counterpart, in the output and in every gradient. Works for any layer: give it two factories (rnnlab's layer and
// the stock one) and it poisons one place at a time (one element of one sample's input, or one element of a weight)
// in both models and compares which elements of the output and of the gradients come out NaN, +Infinity, -Infinity
// or finite (and the finite ones by value). Not a test file itself (mocha runs test/**/*.test.js).
const rl = require("rnnlab");

const { tf } = rl;

/** The three values that a diverging training produces. */
const NON_FINITE = [NaN, Infinity, -Infinity];

const kindOf = (v) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : "finite");

/**
 * Differences between two arrays of numbers: an element whose kind (finite, NaN, +Inf, -Inf) differs, or two finite
 * elements further apart than tol (absolute, plus tol relative to the expected value). At most `max` are listed.
 * With atLeast, only the elements that are non-finite in `want` but finite in `got` count (nothing hidden).
 */
function patternDiffs(got, want, tol = 1e-4, max = 4, atLeast = false) {
  const out = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    const [a, b] = [got[i], want[i]];
    const [ka, kb] = [kindOf(a), kindOf(b)];
    const bad = atLeast ? kb !== "finite" && ka === "finite" : ka !== kb || (ka === "finite" && Math.abs(a - b) > tol * (1 + Math.abs(b)));
    if (bad && count++ < max) out.push(`[${i}] ${a} (tf.layers: ${b})`);
  }
  const nonFinite = (xs) => Array.prototype.filter.call(xs, (v) => !Number.isFinite(v)).length;
  return count ? `${count} of ${want.length} elements differ (${nonFinite(got)} non-finite here, ${nonFinite(want)} in tf.layers): ${out.join(", ")}` : "";
}

/** [output (predict), then the gradients of sum(output * r) by the input and by each trainable weight], as arrays. */
function outputAndGrads(model, x, r, training) {
  return tf.tidy(() => {
    const xv = tf.variable(x);
    const vars = model.trainableWeights.map((w) => w.read());
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(xv, { training }), r)), [xv, ...vars]);
    const res = [model.predict(x), grads[xv.name], ...vars.map((v) => grads[v.name])].map((t) => t.dataSync());
    tf.dispose([xv, value, ...Object.values(grads)]);
    return res;
  });
}

/**
 * Compares the NaN/Infinity pattern of an rnnlab layer with tf.layers's.
 *   makeFast(args), makeStock(args): a new layer of each kind from the same args ({...layerArgs, inputShape});
 *   inputShape: one sample's shape, e.g. [steps, features]; batch: samples (the poisoned one is sample 1);
 *   positions(name, shape): flat indices of a weight to poison, one case each (default: its middle element);
 *   inputPosition: flat index inside sample 1 (default: its middle element); values: default NaN, +Inf, -Inf;
 *   training: passed to apply() for the gradients;
 *   atLeast: only report what the layer hides (non-finite in tf.layers, finite here), for where tf.layers's own
 *   kernels turn NaN into a bound and the layer under test keeps it.
 * Returns one line per case that differs ("input=NaN: output: 3 of 18 elements differ ..."), empty when all match.
 * The caller picks the path (e.g. rl.useNativeKernels) before calling; both models run on the current backend.
 */
function nonFiniteMismatches({ makeFast, makeStock, layerArgs = {}, inputShape, batch = 3, positions, inputPosition, values = NON_FINITE, training = false, tol = 1e-4, seed = 3, atLeast = false }) {
  const build = (make) => tf.sequential({ layers: [make({ ...layerArgs, inputShape })] });
  const fast = build(makeFast);
  const stock = build(makeStock);
  const weights = fast.getWeights().map((w) => w.clone()); // getWeights gives the variables themselves
  const names = fast.weights.map((w) => w.originalName.split("/").pop());
  const trainable = fast.trainableWeights.map((w) => w.originalName.split("/").pop());
  const x0 = tf.randomNormal([batch, ...inputShape], 0, 1, "float32", seed);
  const outShape = fast.outputs[0].shape.slice(1);
  const r = tf.randomNormal([batch, ...outShape], 0, 1, "float32", seed + 1);
  const perSample = inputShape.reduce((a, b) => a * b, 1);
  const xAt = perSample + (inputPosition ?? Math.floor(perSample / 2)); // sample 1
  const middle = (name, shape) => [Math.floor(shape.reduce((a, b) => a * b, 1) / 2)];

  const cases = [{ place: `input[1][${xAt - perSample}]`, weight: -1, index: xAt }];
  weights.forEach((w, k) => {
    for (const i of (positions ?? middle)(names[k], w.shape)) cases.push({ place: `${names[k]}[${i}]`, weight: k, index: i });
  });

  const lines = [];
  for (const c of cases) {
    for (const v of values) {
      const poisoned = (t, i) => {
        const a = t.dataSync().slice();
        a[i] = v;
        return tf.tensor(a, t.shape);
      };
      const ws = weights.map((w, k) => (k === c.weight ? poisoned(w, c.index) : w));
      const x = c.weight < 0 ? poisoned(x0, c.index) : x0;
      fast.setWeights(ws);
      stock.setWeights(ws);
      const got = outputAndGrads(fast, x, r, training);
      const want = outputAndGrads(stock, x, r, training);
      const what = ["output", "d input", ...trainable.map((n) => `d ${n}`)];
      want.forEach((w, i) => {
        const d = patternDiffs(got[i], w, tol, 4, atLeast);
        if (d) lines.push(`${c.place}=${v}: ${what[i]}: ${d}`);
      });
      if (c.weight >= 0) ws[c.weight].dispose();
      if (x !== x0) x.dispose();
    }
  }
  tf.dispose([x0, r, ...weights]);
  fast.dispose();
  stock.dispose();
  return lines;
}

module.exports = { NON_FINITE, kindOf, patternDiffs, nonFiniteMismatches };
