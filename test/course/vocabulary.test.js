"use strict";
// One vocabulary (lib/src/course/vocabulary.ts): every cell kind and activation it names means the same thing to the
// from-scratch cells, the fast layers (native kernels and tf ops) and the model builders.
const assert = require("assert");
const rl = require("rnnlab");
const { recurrentForward } = require("rnnlab/dist/course/scratch");
const { CELL_LAYER_CLASS } = require("rnnlab/dist/course/vocabulary");
const { tf } = rl;

describe("vocabulary: cell kinds, gates, activations", () => {
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
  });
  afterEach(() => rl.useTensorOpsForSteps(false));

  it("names each cell once, with its gates in storage order", () => {
    assert.deepStrictEqual(rl.CELL_KINDS, ["simpleRnn", "lstm", "gru"]);
    for (const kind of rl.CELL_KINDS) assert.strictEqual(rl.GATE_ORDER[kind].length, rl.GATE_COUNT[kind], kind);
    assert.deepStrictEqual(rl.GATE_ORDER.lstm, ["i", "f", "k", "o"]);
    assert.deepStrictEqual(rl.GATE_ORDER.gru, ["z", "r", "h"]);
  });

  it("every cell kind builds in both implementations, with GATE_COUNT blocks side by side", () => {
    for (const kind of rl.CELL_KINDS) {
      for (const impl of ["rnnlab", "stock"]) {
        const layer = rl.recurrentLayer(kind, { units: 3, inputShape: [4, 2] }, impl);
        const m = tf.sequential({ layers: [layer] });
        assert.ok(layer.getClassName().endsWith(CELL_LAYER_CLASS[kind]), `${kind} ${impl}: ${layer.getClassName()}`);
        assert.deepStrictEqual(layer.getWeights()[0].shape, [2, 3 * rl.GATE_COUNT[kind]], `${kind} ${impl} kernel`);
        m.dispose();
      }
    }
  });

  // The fast layers compute each activation by other ops than the from-scratch cells (tanh through sigmoid, with
  // derivatives; in C++ on the native path); the same name must still give the same numbers.
  for (const path of ["native or tf ops, as active", "tf ops"]) {
    it(`every activation gives the from-scratch numbers in the fast layers (${path})`, () => {
      if (path === "tf ops") rl.useTensorOpsForSteps(true);
      rl.seedEverything(7);
      const x = tf.randomNormal([2, 5, 3]);
      for (const kind of rl.CELL_KINDS) {
        for (const act of rl.CELL_ACTIVATIONS) {
          const args = kind === "simpleRnn" ? { units: 4, activation: act } : { units: 4, recurrentActivation: act };
          const layer = rl.fastLayers[kind === "simpleRnn" ? "simpleRNN" : kind]({ ...args, returnSequences: true });
          const fast = layer.apply(x);
          const [kernel, recurrentKernel, bias] = layer.getWeights(); // the layout tf.layers stores, as the scratch cells read it
          const params = { kernel, recurrentKernel, bias };
          const scratch = recurrentForward(kind, params, x, { ...args, returnSequences: true });
          const diff = tf.max(tf.abs(tf.sub(fast, scratch.output))).dataSync()[0];
          assert.ok(diff < 1e-5, `${kind} with ${act}: fast and from-scratch differ by ${diff}`);
          tf.dispose([fast, scratch.output, scratch.hiddenStates, scratch.lastState]);
          layer.dispose();
        }
      }
      x.dispose();
    });
  }

  it("an activation outside the vocabulary is refused with the vocabulary listed", () => {
    assert.throws(() => rl.fastLayers.lstm({ units: 2, recurrentActivation: "softsign" }), new RegExp(`expected one of ${rl.CELL_ACTIVATIONS.join(", ")}`));
  });
});
