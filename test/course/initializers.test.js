"use strict";
// rnnlab's orthogonal initializer: tfjs's values for the same seed, orthogonal, and no "Slowness may result"
// warning, for the fast layers and for stock tf.layers (the class is registered under tfjs's name).
const assert = require("assert");
const rl = require("rnnlab");
const tf = rl.tf;

/** Runs fn and returns what it passed to console.warn. */
async function warningsOf(fn) {
  const seen = [];
  const warn = console.warn;
  console.warn = (...a) => seen.push(a.join(" "));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return seen.filter((w) => /Orthogonal initializer/.test(w));
}

async function maxAbs(t) {
  const m = tf.tidy(() => tf.max(tf.abs(t)));
  const v = (await m.data())[0];
  m.dispose();
  return v;
}

describe("orthogonal initializer without tfjs's warning", function () {
  this.timeout(120000);
  before(async () => {
    // wasm, as in the notebooks: an earlier test file may have forced the slow cpu backend in this process (QR of a
    // [512, 128] matrix then takes minutes).
    await rl.initRuntime({ force: "wasm", verbose: false });
  });

  for (const [shape, gain] of [[[32, 128], 1], [[128, 32], 1], [[64, 256], 1], [[3, 4, 5], 1], [[16, 48], 2.5]]) {
    it(`gives tf.initializers.orthogonal's exact values for the same seed: shape [${shape}], gain ${gain}`, async () => {
      for (const seed of [1, 42]) {
        let ours, theirs;
        await warningsOf(() => {
          theirs = tf.initializers.orthogonal({ seed, gain }).apply(shape);
        });
        const warned = await warningsOf(() => {
          ours = rl.orthogonal({ seed, gain }).apply(shape);
        });
        assert.deepStrictEqual(warned, []);
        assert.deepStrictEqual(ours.shape, shape);
        assert.deepStrictEqual(Array.from(await ours.data()), Array.from(await theirs.data()));
        tf.dispose([ours, theirs]);
      }
    });
  }

  it("is orthogonal (W·Wᵀ = I for a wide matrix, Wᵀ·W = I for a tall one, times gain²), and draws differ without a seed", async () => {
    const wide = rl.orthogonal({}).apply([128, 512]);
    const tall = rl.orthogonal({ gain: 2 }).apply([512, 128]);
    const again = rl.orthogonal({}).apply([128, 512]);
    const e1 = tf.tidy(() => tf.sub(tf.matMul(wide, wide, false, true), tf.eye(128)));
    const e2 = tf.tidy(() => tf.sub(tf.matMul(tall, tall, true, false), tf.mul(4, tf.eye(128))));
    const diff = tf.sub(wide, again);
    assert.ok((await maxAbs(e1)) < 1e-4);
    assert.ok((await maxAbs(e2)) < 4e-4);
    assert.ok((await maxAbs(diff)) > 0.01, "two unseeded draws should differ");
    tf.dispose([wide, tall, again, e1, e2, diff]);
  });

  it("tfjs's own errors stay: a 1-D shape and an unsupported dtype", () => {
    assert.throws(() => rl.orthogonal({}).apply([5]), /Shape must be at least 2D/);
    assert.throws(() => rl.orthogonal({}).apply([5, 5], "bool"), /Unsupported data type/);
  });

  it("the fast layers and stock tf.layers (recurrent initializer 'orthogonal') build 128-unit LSTMs without the warning; the saved config still names Orthogonal", async () => {
    const warned = await warningsOf(() => {
      const stock = tf.sequential({ layers: [tf.layers.lstm({ units: 128, inputShape: [28, 28] })] });
      assert.match(JSON.stringify(stock.toJSON(null, false)), /"recurrent_initializer":\{"class_name":"Orthogonal"/);
      const fast = rl.buildLectureMnistLstm();
      const lecture = rl.buildLectureMnistLstm({ impl: "stock" });
      for (const m of [stock, fast, lecture]) m.dispose();
    });
    assert.deepStrictEqual(warned, []);
  });
});
