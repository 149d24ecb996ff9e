"use strict";
// Lessons stay correct on every backend: one training step of each recurrent model on the backend the runtime
// chooses (wasm here; WebGPU or tfjs-node on other machines) gives the same weights as on the cpu backend.
const assert = require("assert");
const rl = require("rnnlab");
const tf = rl.tf;

const X = Array.from({ length: 6 * 5 * 4 }, (_, i) => Math.sin(i * 0.37));
const Y = [0, 1, 2, 1, 0, 2];

async function oneStep(backend, cell, impl, init) {
  await tf.setBackend(backend);
  const model = rl.buildRnnClassifier({ cell, units: 8, layers: 2, inputShape: [5, 4], numClasses: 3, impl, compile: false });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: "sparseCategoricalCrossentropy" });
  model.setWeights(init.map((w) => tf.tensor(w.data, w.shape)));
  const x = tf.tensor3d(X, [6, 5, 4]);
  const y = tf.tensor1d(Y, "float32");
  const h = await model.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
  // Asynchronous reads: WebGPU has no synchronous read-back in Node.js.
  const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  const pred = model.predict(x);
  const out = Array.from(await pred.data());
  pred.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { loss: h.history.loss[0], weights, out };
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("backends agree on a training step", function () {
  this.timeout(60000);
  let chosen;
  before(async () => {
    // chooseBackend, not initRuntime: other test files may have forced cpu earlier in this process.
    const { chosen: kind } = await rl.chooseBackend();
    chosen = kind.startsWith("tfjs-node") ? "tensorflow" : kind;
  });
  after(async () => {
    await tf.setBackend(chosen);
  });

  for (const impl of ["rnnlab", "stock"]) {
    for (const cell of ["simpleRnn", "lstm", "gru"]) {
      it(`${cell} (${impl}): the chosen backend's step equals the cpu backend's within 1e-4`, async () => {
        await tf.setBackend("cpu");
        rl.seedEverything(11);
        const proto = rl.buildRnnClassifier({ cell, units: 8, layers: 2, inputShape: [5, 4], numClasses: 3, impl, compile: false });
        const init = proto.getWeights().map((w) => ({ data: Array.from(w.dataSync()), shape: w.shape }));
        proto.dispose();
        const ref = await oneStep("cpu", cell, impl, init);
        const got = await oneStep(chosen, cell, impl, init);
        assert.ok(Number.isFinite(ref.loss) && Math.abs(got.loss - ref.loss) < 1e-4, `loss ${got.loss} on ${chosen} vs ${ref.loss} on cpu`);
        // The step really moved the weights, so agreeing is not agreeing on nothing.
        assert.ok(maxDiff(ref.weights.flat(), init.map((w) => w.data).flat()) > 1e-3);
        ref.weights.forEach((w, i) => assert.ok(maxDiff(got.weights[i], w) < 1e-4, `weight ${i} differs by ${maxDiff(got.weights[i], w)}`));
        assert.ok(maxDiff(got.out, ref.out) < 1e-4);
      });
    }
  }
});
