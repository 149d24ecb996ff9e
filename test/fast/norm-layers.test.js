// BatchNormalization and Dropout of rnnlab (FastBatchNormalization, FastDropout) against tf.layers': outputs,
// gradients and moving statistics in training and inference, NaN and Infinity where tf.layers has them, on the
// native path and on the tf-ops path (RNNLAB_NATIVE=0, GPU backends), and save/load round trips.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const rl = require("rnnlab");

const { tf, FastBatchNormalization, FastDropout } = rl;
const TOL = 1e-4;

/** Max |a - b| over the finite entries, after checking that NaN and +-Infinity sit in the same places. */
function diffSameSpecials(a, b, what) {
  assert.deepStrictEqual(a.shape, b.shape, `${what}: shapes differ`);
  const av = a.dataSync();
  const bv = b.dataSync();
  let d = 0;
  for (let i = 0; i < av.length; i++) {
    if (Number.isNaN(bv[i]) || !Number.isFinite(bv[i])) {
      assert.ok(Object.is(av[i], bv[i]), `${what}[${i}]: rnnlab ${av[i]}, tf.layers ${bv[i]}`);
    } else {
      assert.ok(Number.isFinite(av[i]), `${what}[${i}]: rnnlab ${av[i]}, tf.layers ${bv[i]}`);
      d = Math.max(d, Math.abs(av[i] - bv[i]) / Math.max(1, Math.abs(bv[i])));
    }
  }
  return d;
}

/** A stock and an rnnlab BatchNormalization with the same weights (random gamma, beta and moving statistics). */
function twinBatchNorms(shape, args = {}, weights) {
  const C = shape[shape.length - 1];
  const stock = tf.layers.batchNormalization(args);
  const fast = new FastBatchNormalization(args);
  stock.build([null, ...shape.slice(1)]);
  fast.build([null, ...shape.slice(1)]);
  const w = weights ?? [tf.randomUniform([C], 0.5, 1.5), tf.randomNormal([C]), tf.randomNormal([C]), tf.randomUniform([C], 0.5, 2)];
  stock.setWeights(w);
  fast.setWeights(w);
  return { stock, fast, w };
}

/** Output of apply(x, {training}) and the gradients of sum(output * r) by x, gamma and beta. */
function applyAndGrads(layer, x, r, training) {
  const xv = tf.variable(x);
  const vars = layer.trainableWeights.map((w) => w.read());
  let out;
  const { value, grads } = tf.variableGrads(() => {
    out = tf.keep(layer.apply(xv, { training }));
    return tf.sum(tf.mul(out, r));
  }, [xv, ...vars]);
  const res = { out, dx: grads[xv.name], dw: vars.map((v) => grads[v.name]) };
  tf.dispose([xv, value]);
  return res;
}

function bothPaths(title, fn) {
  for (const native of [true, false]) {
    it(`${title} (${native ? "native" : "tf ops"})`, function () {
      if (native && !rl.nativeKernelInfo().built) this.skip();
      rl.useNativeKernels(native);
      try {
        return fn(native);
      } finally {
        rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0");
      }
    });
  }
}

describe("rnnlab BatchNormalization and Dropout (lib/src/fast/layers.ts, native/src/norm.cc)", function () {
  this.timeout(60000);
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
    rl.seedEverything(11);
  });

  for (const shape of [[4, 6, 5], [7, 5]]) {
    for (const training of [true, false]) {
      bothPaths(`BatchNormalization on [${shape}], training=${training}: output, gradients and moving statistics equal tf.layers'`, () => {
        const { stock, fast, w } = twinBatchNorms(shape, { momentum: 0.9, epsilon: 1e-3 });
        const x = tf.add(tf.mul(tf.randomNormal(shape), 3), 1);
        const r = tf.randomNormal(shape);
        const a = applyAndGrads(fast, x, r, training);
        const b = applyAndGrads(stock, x, r, training);
        assert.ok(diffSameSpecials(a.out, b.out, "output") < TOL);
        assert.ok(diffSameSpecials(a.dx, b.dx, "d input") < TOL);
        assert.strictEqual(a.dw.length, 2);
        a.dw.forEach((g, i) => assert.ok(diffSameSpecials(g, b.dw[i], `d ${fast.trainableWeights[i].originalName}`) < TOL));
        const [fw, sw] = [fast.getWeights(), stock.getWeights()];
        ["gamma", "beta", "moving_mean", "moving_variance"].forEach((name, i) => assert.ok(diffSameSpecials(fw[i], sw[i], name) < 1e-6, name));
        if (training) {
          // The moving statistics did move (by 1 - momentum towards the batch's).
          const mm = tf.tidy(() => tf.max(tf.abs(tf.sub(fw[2], w[2]))).dataSync()[0]);
          assert.ok(mm > 1e-3, "moving mean did not move");
        }
        tf.dispose([x, r, a.out, a.dx, b.out, b.dx, ...a.dw, ...b.dw]);
      });
    }
  }
  bothPaths("BatchNormalization: NaN and Infinity in the input, gamma, beta and moving statistics come out where tf.layers' do", () => {
    const shape = [3, 4, 5];
    const x = tf.tidy(() => {
      const v = tf.randomNormal(shape).dataSync().slice();
      v[0 * 5 + 1] = NaN; // channel 1: NaN in the batch
      v[7 * 5 + 2] = Infinity; // channel 2: +Inf
      v[3 * 5 + 3] = 3e20; // channel 3: a square that overflows float32
      return tf.tensor(v, shape);
    });
    const r = tf.randomNormal(shape);
    const weights = [
      tf.tensor1d([1, 1, Infinity, 0.5, NaN]), // gamma
      tf.tensor1d([0, NaN, 1, 0, 2]), // beta
      tf.tensor1d([0, 1, NaN, Infinity, 0]), // moving mean
      tf.tensor1d([1, Infinity, 1, 1, -1e-3]), // moving variance (the last: var + eps = 0 -> Infinity)
    ];
    for (const training of [true, false]) {
      const { stock, fast } = twinBatchNorms(shape, {}, weights);
      const a = applyAndGrads(fast, x, r, training);
      const b = applyAndGrads(stock, x, r, training);
      assert.ok(diffSameSpecials(a.out, b.out, `output (training=${training})`) < TOL);
      assert.ok(diffSameSpecials(a.dx, b.dx, `d input (training=${training})`) < TOL);
      a.dw.forEach((g, i) => assert.ok(diffSameSpecials(g, b.dw[i], `d weight ${i} (training=${training})`) < TOL));
      const [fw, sw] = [fast.getWeights(), stock.getWeights()];
      fw.forEach((w, i) => assert.ok(diffSameSpecials(w, sw[i], `weight ${i} after training=${training}`) < 1e-6));
      const nans = Array.from(a.out.dataSync()).filter(Number.isNaN).length;
      assert.ok(nans > 0, "the case has NaN outputs");
    }
  });

  bothPaths("Dropout in training: each value dropped (x * 0) or scaled by 1/(1 - rate), about rate of them dropped; the gradient uses the same mask", (native) => {
    const rate = 0.3;
    const layer = new FastDropout({ rate });
    const x = tf.add(tf.randomUniform([20, 50, 10]), 1); // all >= 1: a zero output means dropped
    const r = tf.randomNormal(x.shape);
    const { out, dx } = applyAndGrads(layer, x, r, true);
    const [xv, yv, rv, gv] = [x, out, r, dx].map((t) => t.dataSync());
    let dropped = 0;
    for (let i = 0; i < xv.length; i++) {
      if (yv[i] === 0) {
        dropped++;
        assert.ok(gv[i] === 0, `gradient at dropped ${i}: ${gv[i]}`);
      } else {
        assert.ok(Math.abs(yv[i] - xv[i] / (1 - rate)) < 1e-5, `kept ${i}: ${yv[i]} vs ${xv[i] / (1 - rate)}`);
        assert.ok(Math.abs(gv[i] - rv[i] / (1 - rate)) < 1e-5, `gradient at kept ${i}`);
      }
    }
    const frac = dropped / xv.length;
    assert.ok(Math.abs(frac - rate) < 0.02, `dropped ${frac}, expected about ${rate}`);
    // A new mask each call.
    const again = tf.tidy(() => layer.apply(x, { training: true }));
    assert.ok(Array.from(again.dataSync()).some((v, i) => (v === 0) !== (yv[i] === 0)), "the same mask twice");
    // NaN and Infinity stay NaN where dropped (x * 0, as tf.dropout) and NaN / Infinity where kept.
    const special = tf.tensor1d([NaN, NaN, NaN, NaN, Infinity, Infinity, Infinity, Infinity]).tile([500]);
    const sv = tf.tidy(() => layer.apply(special, { training: true })).dataSync();
    const st = tf.tidy(() => tf.layers.dropout({ rate }).apply(special, { training: true })).dataSync();
    for (let i = 0; i < sv.length; i++) {
      if (i % 8 < 4) assert.ok(Number.isNaN(sv[i]) && Number.isNaN(st[i]), `NaN input ${i}: ${sv[i]}, tf.layers ${st[i]}`);
      else assert.ok(sv[i] === Infinity || Number.isNaN(sv[i]), `Infinity input ${i}: ${sv[i]}`);
    }
    // Infinity: kept -> Infinity, dropped -> Infinity * 0 = NaN, both in rnnlab and tf.layers.
    assert.ok(sv.some((v) => v === Infinity) && sv.some((v) => Number.isNaN(v)));
    assert.ok(st.some((v) => v === Infinity) && st.some((v) => Number.isNaN(v)));
    tf.dispose([x, r, out, dx, again, special]);
  });

  it("Dropout: identity in inference; a given seed repeats its mask; seedEverything makes the masks reproducible", () => {
    const x = tf.add(tf.randomUniform([6, 40, 8]), 1);
    const layer = new FastDropout({ rate: 0.5 });
    assert.strictEqual(diffSameSpecials(layer.apply(x), x, "inference"), 0);
    const seeded = new FastDropout({ rate: 0.5, seed: 123 });
    const [s1, s2] = [1, 2].map(() => tf.tidy(() => seeded.apply(x, { training: true })));
    assert.strictEqual(diffSameSpecials(s1, s2, "seed 123 twice"), 0);
    rl.seedEverything(5);
    const r1 = tf.tidy(() => layer.apply(x, { training: true }));
    rl.seedEverything(5);
    const r2 = tf.tidy(() => layer.apply(x, { training: true }));
    assert.strictEqual(diffSameSpecials(r1, r2, "seedEverything(5) twice"), 0);
    tf.dispose([x, s1, s2, r1, r2]);
  });

  bothPaths("lab 07's model (rl.buildSequenceModel) uses them, fits without leaking tensors, and learns", async () => {
    rl.seedEverything(2);
    const model = rl.buildSequenceModel({ inputShape: [6, 3], units: [8, 8], dropout: 0.2, dense: 8, learningRate: 0.01 });
    assert.deepStrictEqual(model.layers.map((l) => l.getClassName()), [
      "RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization",
      "RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization",
      "Dense", "RnnlabDropout", "Dense",
    ]);
    const x = tf.randomNormal([64, 6, 3]);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, [1, 2]), 0), "float32"));
    const h1 = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const before = tf.memory().numTensors;
    const h2 = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
    assert.strictEqual(tf.memory().numTensors, before, "tensor count grew across a second fit");
    assert.ok(h2.history.loss[4] < h1.history.loss[0], `loss did not go down: ${h1.history.loss[0]} -> ${h2.history.loss[4]}`);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("a model with them saves and loads back (tf.loadLayersModel, rl.saveModel / rl.loadModel) with their config and equal outputs", async () => {
    rl.seedEverything(3);
    const model = tf.sequential({
      layers: [
        rl.fastLayers.lstm({ units: 5, returnSequences: true, inputShape: [4, 3] }),
        rl.fastLayers.dropout({ rate: 0.25, seed: 9 }),
        rl.fastLayers.batchNormalization({ momentum: 0.8, epsilon: 0.01 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const x = tf.randomNormal([8, 4, 3]);
    await model.fit(x, tf.randomNormal([8, 4, 2]), { epochs: 2, verbose: 0 }); // moves the moving statistics
    let artifacts;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-norm-"));
    await rl.saveModel(model, `file://${dir}`);
    for (const loaded of [await tf.loadLayersModel(tf.io.fromMemory(artifacts)), await rl.loadModel(`file://${dir}`)]) {
      assert.deepStrictEqual(loaded.layers.map((l) => l.getClassName()), ["RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization", "Dense"]);
      assert.strictEqual(loaded.layers[1].rate, 0.25);
      assert.strictEqual(loaded.layers[1].seed, 9);
      assert.strictEqual(loaded.layers[2].momentum, 0.8);
      assert.strictEqual(loaded.layers[2].epsilon, 0.01);
      assert.deepStrictEqual(loaded.getWeights().map((w) => Array.from(w.dataSync())), model.getWeights().map((w) => Array.from(w.dataSync())));
      assert.strictEqual(diffSameSpecials(loaded.predict(x), model.predict(x), "predict"), 0);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("RNNLAB_NATIVE=0: a process trains lab 07's model on the tf-ops path", () => {
    const code = `const rl = require("rnnlab"); (async () => { await rl.initRuntime({ force: "wasm", verbose: false });
      const m = rl.buildSequenceModel({ inputShape: [5, 2], units: [4], dense: 4 }); const x = rl.tf.randomNormal([8, 5, 2]);
      const h = await m.fit(x, rl.tf.tensor1d([0,1,0,1,0,1,0,1]), { epochs: 1, verbose: 0 });
      console.log(rl.recurrentKernelPath(), Number.isFinite(h.history.loss[0])); })();`;
    const r = spawnSync(process.execPath, ["-e", code], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8", env: { ...process.env, RNNLAB_NATIVE: "0" } });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tf ops true/);
  });
});
