// AdamDecay is Keras's Adam(lr, decay): each update uses lr / (1 + decay * iterations). Checked against Adam
// written out by hand with that schedule, on a problem whose gradient is known.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { tf, initRuntime, AdamDecay, adamDecay, kerasDecayedLearningRate, buildLectureMnistLstm, saveModel, loadModel } = require("rnnlab");

// Adam by hand (Kingma & Ba, as tfjs and Keras write it: epsilon added to sqrt(v-hat)).
function adamByHand(x0, grad, steps, lrAt, beta1 = 0.9, beta2 = 0.999, eps = 1e-7) {
  let x = x0.slice();
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  for (let t = 0; t < steps; t++) {
    const g = grad(x);
    const lr = lrAt(t);
    x = x.map((xi, i) => {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      const mh = m[i] / (1 - Math.pow(beta1, t + 1));
      const vh = v[i] / (1 - Math.pow(beta2, t + 1));
      return xi - lr * mh / (Math.sqrt(vh) + eps);
    });
  }
  return x;
}

describe("AdamDecay (Keras's Adam with decay)", function () {
  this.timeout(60000);
  before(async () => initRuntime({ force: "wasm", verbose: false }));

  it("kerasDecayedLearningRate is lr / (1 + decay * iterations)", () => {
    assert.strictEqual(kerasDecayedLearningRate(1e-3, 1e-6, 0), 1e-3);
    assert.ok(Math.abs(kerasDecayedLearningRate(1e-3, 1e-6, 5625) - 1e-3 / 1.005625) < 1e-15);
    assert.strictEqual(kerasDecayedLearningRate(0.1, 0.5, 2), 0.05);
  });

  it("updates like Adam written by hand with the decayed rate at every step, and differs from plain Adam", async () => {
    // f(x) = sum(c_i * x_i^2) / 2, gradient c_i * x_i. A strong decay (0.3) makes the schedule visible in 20 steps.
    const c = [1, 3, 0.5];
    const x0 = [1, -2, 0.5];
    const steps = 20;
    const lr = 0.1;
    const decay = 0.3;
    const x = tf.variable(tf.tensor1d(x0));
    const cT = tf.tensor1d(c);
    const opt = adamDecay(lr, decay);
    const seen = [];
    for (let t = 0; t < steps; t++) {
      seen.push(opt.currentLearningRate());
      opt.minimize(() => tf.mul(tf.mul(cT, tf.square(x)), 0.5).sum());
    }
    const got = Array.from(await x.data());
    const want = adamByHand(x0, (v) => v.map((vi, i) => c[i] * vi), steps, (t) => lr / (1 + decay * t));
    const plain = adamByHand(x0, (v) => v.map((vi, i) => c[i] * vi), steps, () => lr);
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `x[${i}]: ${g} vs by hand ${want[i]}`));
    assert.ok(got.some((g, i) => Math.abs(g - plain[i]) > 1e-3), "decay made no difference to the result");
    seen.forEach((r, t) => assert.ok(Math.abs(r - lr / (1 + decay * t)) < 1e-12, `step ${t}: rate ${r}`));
    assert.strictEqual(opt.iterations, steps);
    tf.dispose([x, cT]);
    opt.dispose();
  });

  it("rejects a bad rate or decay with a clear message", () => {
    assert.throws(() => new AdamDecay(0, 1e-6), /learningRate must be a number > 0, got 0/);
    assert.throws(() => new AdamDecay(1e-3, -1), /decay must be a number >= 0, got -1/);
    assert.throws(() => new AdamDecay(1e-3, NaN), /decay must be a number >= 0, got NaN/);
  });

  it("the lecture's model with decay saves and loads back with its schedule and step count", async () => {
    const model = buildLectureMnistLstm({ units: 8, decay: 1e-2 });
    assert.ok(model.optimizer instanceof AdamDecay);
    const x = tf.randomUniform([6, 28, 28]);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5]);
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    assert.strictEqual(model.optimizer.iterations, 3);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-adamdecay-"));
    await saveModel(model, "file://" + dir);
    const back = await loadModel("file://" + dir);
    assert.ok(back.optimizer instanceof AdamDecay, `loaded optimizer is ${back.optimizer && back.optimizer.getClassName()}`);
    assert.strictEqual(back.optimizer.decay, 1e-2);
    assert.strictEqual(back.optimizer.initialLearningRate, 1e-3);
    assert.strictEqual(back.optimizer.iterations, 3);
    assert.ok(Math.abs(back.optimizer.currentLearningRate() - 1e-3 / 1.03) < 1e-15);
    tf.dispose([x, y]);
    for (const m of [model, back]) {
      m.optimizer.dispose();
      m.dispose();
    }
  });
});
