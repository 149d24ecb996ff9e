// AdamDecay is Keras's Adam(lr, decay): each update uses lr / (1 + decay * iterations). Checked against Adam
// written out by hand with that schedule, on a problem whose gradient is known.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");
const { tf, initRuntime, AdamDecay, adamDecay, kerasDecayedLearningRate, buildLectureMnistLstm, saveModel, loadModel } = rl;

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

describe("withClipNorm (Keras's clipnorm)", function () {
  before(async () => initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false }));

  it("scales each gradient longer than clipnorm down to it, leaves shorter ones alone, and records the global norm before clipping", async () => {
    const a = tf.variable(tf.tensor1d([0, 0]));
    const b = tf.variable(tf.tensor1d([0]));
    const opt = rl.withClipNorm(tf.train.sgd(1), 1);
    // Gradients [3, 4] (norm 5) and [0.5] (norm 0.5): a moves by -[3, 4] / 5, b by -0.5.
    opt.applyGradients({ [a.name]: tf.tensor1d([3, 4]), [b.name]: tf.tensor1d([0.5]) });
    const close = (got, want) => got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${got} vs ${want}`));
    close(Array.from(a.dataSync()), [-0.6, -0.8]);
    close(Array.from(b.dataSync()), [-0.5]);
    assert.strictEqual(opt.gradientNorms.length, 1);
    await opt.readGradientNorms();
    assert.ok(Math.abs(opt.gradientNorms[0] - Math.sqrt(25 + 0.25)) < 1e-5, String(opt.gradientNorms[0]));
    // Infinity clips nothing; the list form works too.
    const free = rl.withClipNorm(tf.train.sgd(1), Infinity);
    free.applyGradients([{ name: a.name, tensor: tf.tensor1d([3, 4]) }]);
    close(Array.from(a.dataSync()), [-3.6, -4.8]);
    assert.ok(Math.abs((await free.readGradientNorms())[0] - 5) < 1e-6);
    // NaN stays NaN (the NaN guard must still see it).
    opt.applyGradients({ [b.name]: tf.tensor1d([NaN]) });
    assert.ok(Number.isNaN(b.dataSync()[0]));
    assert.ok(Number.isNaN((await opt.readGradientNorms())[1]));
    tf.dispose([a, b]);
  });

  it("refuses a clipnorm that is not > 0, and a second clip on one optimizer", () => {
    assert.throws(() => rl.withClipNorm(tf.train.sgd(1), 0), /clipnorm must be a number > 0 \(or Infinity\), got 0/);
    assert.throws(() => rl.withClipNorm(tf.train.sgd(1), NaN), /got NaN/);
    const opt = rl.withClipNorm(tf.train.sgd(1), 1);
    assert.throws(() => rl.withClipNorm(opt, 2), /already clips/);
  });

  it("lets a diverging SimpleRNN (ReLU, recurrent kernel 1.1 x identity, SGD 0.01) train: unclipped the loss goes NaN, clipped it falls", async () => {
    const x = tf.randomNormal([128, 40, 1], 0, 1, "float32", 1);
    const y = tf.sum(x, 1);
    const losses = {};
    for (const clip of [Infinity, 1]) {
      rl.seedEverything(3);
      const m = tf.sequential({ layers: [
        tf.layers.simpleRNN({ units: 16, activation: "relu", recurrentInitializer: tf.initializers.identity({ gain: 1.1 }), inputShape: [40, 1] }),
        tf.layers.dense({ units: 1 }),
      ] });
      m.compile({ optimizer: rl.withClipNorm(tf.train.sgd(0.01), clip), loss: "meanSquaredError" });
      const h = await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, shuffle: false });
      losses[clip] = h.history.loss;
      m.optimizer.dispose();
      m.dispose();
    }
    assert.ok(losses[Infinity].some((v) => !Number.isFinite(v)), `unclipped: ${losses[Infinity]}`);
    assert.ok(losses[1].every(Number.isFinite) && losses[1][2] < losses[1][0], `clipped: ${losses[1]}`);
    tf.dispose([x, y]);
  });
});

describe("Adam's update in the native addon (nativeAdamUpdate, withNativeAdam)", function () {
  this.timeout(60000);
  before(async () => initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false }));
  afterEach(() => rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0"));

  /** Runs f; returns how many Sqrt kernels tf ran meanwhile. */
  function countSqrtKernels(f) {
    let sqrts = 0;
    const engine = tf.engine();
    const runKernel = engine.runKernel;
    engine.runKernel = function (name, ...rest) {
      if (name === "Sqrt") sqrts += 1;
      return runKernel.call(this, name, ...rest);
    };
    try {
      f();
    } finally {
      engine.runKernel = runKernel;
    }
    return sqrts;
  }

  /**
   * Two copies of three variables (a matrix, a vector, a scalar), one updated by tf's Adam, one by the builders' Adam,
   * with the same gradients (list form and map form, one variable without a gradient in some steps): returns both
   * copies' values, moments and step counts after `steps` steps, and how many updates the addon ran.
   */
  function twinAdam(makeOpt, steps, gradAt) {
    const init = [tf.randomNormal([5, 7]), tf.randomNormal([7]), tf.scalar(0.3)];
    const vars = [0, 1].map((side) => init.map((t, i) => tf.variable(t.clone(), true, `adam_twin_${side}_${i}_${Math.random()}`)));
    const opts = [makeOpt(), rl.withNativeAdam(makeOpt())];
    let nativeSteps = 0;
    for (let t = 0; t < steps; t++) {
      const grads = init.map((x, i) => gradAt(t, i, x.shape));
      opts.forEach((opt, side) => {
        const pairs = vars[side].map((v, i) => ({ name: v.name, tensor: grads[i] })).filter((p) => p.tensor != null);
        const sqrts = countSqrtKernels(() => opt.applyGradients(t % 2 ? pairs : Object.fromEntries(pairs.map((p) => [p.name, p.tensor]))));
        if (side === 1 && sqrts === 0) nativeSteps += 1; // tf's Adam takes a Sqrt per variable; the addon none
      });
      tf.dispose(grads.filter((g) => g != null));
    }
    const state = (side) => ({
      values: vars[side].map((v) => Array.from(v.dataSync())),
      moments: [...opts[side].accumulatedFirstMoment, ...opts[side].accumulatedSecondMoment].map((m) => Array.from(m.variable.dataSync())),
      accumulatedBetas: [opts[side].accBeta1.dataSync()[0], opts[side].accBeta2.dataSync()[0]],
      iterations: opts[side].iterations,
    });
    const out = { tf: state(0), native: state(1), nativeSteps };
    tf.dispose([...init, ...vars.flat()]);
    opts.forEach((o) => o.dispose());
    return out;
  }

  it("the builders' Adam and AdamDecay update weights and moments bit for bit as tf's, map and list forms, a missing gradient skipped", function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    for (const makeOpt of [() => tf.train.adam(0.01), () => new AdamDecay(0.02, 0.1), () => tf.train.adam(0.003, 0.8, 0.99, 1e-4)]) {
      const r = twinAdam(makeOpt, 6, (t, i, shape) => (t === 3 && i === 2 ? null : tf.randomNormal(shape, 0, 1 + t)));
      assert.deepStrictEqual(r.native, r.tf);
      assert.strictEqual(r.tf.iterations, 6);
      assert.strictEqual(r.nativeSteps, 5, "the addon runs every update after the first (tf's own first makes the moments)");
    }
  });

  it("the builders' models get it, and it runs there: a step after the first leaves tf's Adam kernels unused", async function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    const model = rl.buildSequenceModel({ inputShape: [4, 3], units: [5], dense: 4 });
    const x = tf.randomNormal([8, 4, 3]);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]);
    await model.trainOnBatch(x, y); // tf's own first step makes the moment estimates
    const opt = model.optimizer;
    const update = opt.applyGradients;
    let sqrts;
    opt.applyGradients = (g) => (sqrts = countSqrtKernels(() => update(g)));
    await model.trainOnBatch(x, y);
    opt.applyGradients = update;
    assert.strictEqual(sqrts, 0, "tf's Adam ran (its update takes a Sqrt per variable)");
    assert.strictEqual(model.optimizer.iterations, 2);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("rl.fit gives a plain tf.train.adam the native update: the same weights bit for bit as model.fit, without tf's Adam kernels", async function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    const x = tf.randomNormal([48, 6]);
    const y = tf.tensor1d(Array.from({ length: 48 }, (_, i) => i % 3));
    const build = () => {
      rl.seedEverything(5);
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [6] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
      m.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy" });
      return m;
    };
    const plain = build();
    await plain.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
    const viaRl = build();
    const update = viaRl.optimizer.applyGradients;
    await rl.fit(viaRl, x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: false });
    assert.notStrictEqual(viaRl.optimizer.applyGradients, update, "rl.fit left tf's own update in place");
    let sqrts;
    const wrapped = viaRl.optimizer.applyGradients;
    viaRl.optimizer.applyGradients = (g) => (sqrts = countSqrtKernels(() => wrapped(g)));
    await viaRl.trainOnBatch(x, y);
    viaRl.optimizer.applyGradients = wrapped;
    await plain.trainOnBatch(x, y);
    assert.strictEqual(sqrts, 0, "tf's Adam ran (its update takes a Sqrt per variable)");
    const [a, b] = [plain, viaRl].map((m) => m.getWeights().map((w) => Array.from(w.dataSync())));
    assert.deepStrictEqual(b, a);
    await rl.fit(viaRl, x, y, { epochs: 1, batchSize: 16, verbose: false });
    assert.strictEqual(viaRl.optimizer.applyGradients, wrapped, "a second fit wrapped the optimizer again");
    tf.dispose([x, y]);
    plain.dispose();
    viaRl.dispose();
  });

  it("NaN and Infinity in a gradient reach the weights and moments as with tf's Adam", function () {
    if (!rl.nativeKernelInfo().built) this.skip();
    const r = twinAdam(() => tf.train.adam(0.01), 4, (t, i, shape) =>
      tf.tidy(() => {
        const g = tf.randomNormal(shape).dataSync().slice();
        if (t === 2 && i === 0) (g[3] = NaN), (g[5] = Infinity), (g[6] = -Infinity);
        if (t === 2 && i === 2) g[0] = NaN;
        return tf.tensor(g, shape);
      }),
    );
    assert.deepStrictEqual(r.native, r.tf);
    assert.ok(Number.isNaN(r.tf.values[0][3]) && Number.isNaN(r.tf.values[2][0]), "the NaN gradient did not reach the weights");
    assert.strictEqual(r.nativeSteps, 3, "the addon ran the updates after the first");
  });

  it("with the addon off, the builders' Adam is tf's", function () {
    rl.useNativeKernels(false);
    const r = twinAdam(() => tf.train.adam(0.01), 3, (t, i, shape) => tf.randomNormal(shape));
    assert.deepStrictEqual(r.native, r.tf);
    assert.strictEqual(r.nativeSteps, 0);
  });
});
