// The fast recurrent layers must compute what tf.layers computes: same outputs, same gradients, same weights.
const assert = require("assert");
const { tf, initRuntime, seedEverything, FastSimpleRNN, FastLSTM, FastGRU, fastLayers, useTensorOpsForSteps } = require("rnnlab");

const { TOL, KINDS, maxAbsDiff, twinModels, outputAndGrads: grads, assertFitKeepsNoTensorsAndLearns } = require("../twin-layers");

/** Output and the gradients of sum(output * r), named. */
function outputAndGrads(model, x, r) {
  const [out, dx, ...dw] = grads(model, x, r);
  return { out, dx, dw };
}

describe("fast recurrent layers (lib/src/fast/layers.ts)", function () {
  this.timeout(30000);
  before(async () => {
    // RNNLAB_BACKEND=cpu runs the same checks on the plain-JS backend.
    await initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
    seedEverything(7);
  });

  for (const kind of Object.keys(KINDS)) {
    for (const returnSequences of [false, true]) {
      for (const layers of [1, 2]) {
        it(`${kind}: ${layers} layer(s), returnSequences=${returnSequences}: outputs and gradients equal tf.layers`, () => {
          const { fast, stock } = twinModels(kind, { layers, returnSequences });
          const x = tf.randomNormal([3, 5, 4]);
          const outShape = returnSequences ? [3, 5, 6] : [3, 6];
          const r = tf.randomNormal(outShape);
          const a = outputAndGrads(fast, x, r);
          const b = outputAndGrads(stock, x, r);
          assert.deepStrictEqual(a.out.shape, outShape);
          assert.ok(maxAbsDiff(a.out, b.out) < TOL, `output differs by ${maxAbsDiff(a.out, b.out)}`);
          assert.ok(maxAbsDiff(a.dx, b.dx) < TOL, `d input differs by ${maxAbsDiff(a.dx, b.dx)}`);
          assert.strictEqual(a.dw.length, 3 * layers);
          a.dw.forEach((g, i) => {
            const d = maxAbsDiff(g, b.dw[i]);
            assert.ok(d < TOL, `d ${fast.trainableWeights[i].originalName} differs by ${d}`);
          });
          tf.dispose([x, r, a.out, a.dx, b.out, b.dx, ...a.dw, ...b.dw]);
          fast.dispose();
          stock.dispose();
        });
      }
    }
  }

  it("the GPU-backend path (tf.split / tf.concat per step) gives the same numbers", () => {
    useTensorOpsForSteps(true);
    try {
      for (const kind of Object.keys(KINDS)) {
        const { fast, stock } = twinModels(kind, { layers: 2, returnSequences: true });
        const x = tf.randomNormal([2, 5, 4]);
        const r = tf.randomNormal([2, 5, 6]);
        const a = outputAndGrads(fast, x, r);
        const b = outputAndGrads(stock, x, r);
        assert.ok(maxAbsDiff(a.out, b.out) < TOL, kind);
        assert.ok(maxAbsDiff(a.dx, b.dx) < TOL, kind);
        a.dw.forEach((g, i) => assert.ok(maxAbsDiff(g, b.dw[i]) < TOL, `${kind} weight ${i}`));
      }
    } finally {
      useTensorOpsForSteps(false);
    }
  });

  it("lstm with tfjs's hardSigmoid gates still equals tf.layers", () => {
    const { fast, stock } = twinModels("lstm", { returnSequences: true, recurrentActivation: "hardSigmoid" });
    const x = tf.randomNormal([2, 5, 4]);
    const r = tf.randomNormal([2, 5, 6]);
    const a = outputAndGrads(fast, x, r);
    const b = outputAndGrads(stock, x, r);
    assert.ok(maxAbsDiff(a.out, b.out) < TOL);
    assert.ok(maxAbsDiff(a.dx, b.dx) < TOL);
    a.dw.forEach((g, i) => assert.ok(maxAbsDiff(g, b.dw[i]) < TOL, `weight ${i}`));
  });

  it("the weights have tf.layers's shapes: kernel [in, G*u], recurrentKernel [u, G*u], bias [G*u]", () => {
    for (const [kind, G] of [["simpleRnn", 1], ["lstm", 4], ["gru", 3]]) {
      const m = tf.sequential({ layers: [new KINDS[kind].fast({ units: 8, inputShape: [28, 28] })] });
      assert.deepStrictEqual(m.getWeights().map((w) => w.shape), [[28, G * 8], [8, G * 8], [G * 8]], kind);
    }
  });

  it("fit does not leak tensors, and the loss goes down", () => assertFitKeepsNoTensorsAndLearns({ dropout: 0.2 }));

  it("dropout changes training outputs only, and predict does not leak", () => {
    const layer = new FastLSTM({ units: 4, dropout: 0.5, inputShape: [5, 3] });
    const model = tf.sequential({ layers: [layer] });
    const x = tf.randomNormal([4, 5, 3]);
    const p1 = model.predict(x);
    const before = tf.memory().numTensors;
    const p2 = model.predict(x);
    assert.strictEqual(tf.memory().numTensors, before + 1);
    assert.strictEqual(maxAbsDiff(p1, p2), 0);
    const t = tf.tidy(() => layer.apply(x, { training: true }));
    assert.ok(maxAbsDiff(t, p1) > 1e-3, "dropout had no effect in training");
  });

  it("a model with the fast layers saves and loads back with equal outputs", async () => {
    const model = tf.sequential({
      layers: [
        new FastLSTM({ units: 5, returnSequences: true, inputShape: [4, 3], unitForgetBias: true }),
        new FastGRU({ units: 5, returnSequences: true }),
        new FastSimpleRNN({ units: 5, activation: "relu" }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    let artifacts;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assert.deepStrictEqual(loaded.layers.map((l) => l.getClassName()), ["RnnlabLSTM", "RnnlabGRU", "RnnlabSimpleRNN", "Dense"]);
    assert.strictEqual(loaded.layers[0].unitForgetBias, true);
    assert.strictEqual(loaded.layers[2].activationName, "relu");
    const x = tf.randomNormal([2, 4, 3]);
    assert.strictEqual(maxAbsDiff(model.predict(x), loaded.predict(x)), 0);
  });

  it("unitForgetBias starts the forget gate's bias at 1", () => {
    const m = tf.sequential({ layers: [new FastLSTM({ units: 3, unitForgetBias: true, inputShape: [2, 2] })] });
    assert.deepStrictEqual(Array.from(m.getWeights()[2].dataSync()), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("says what is wrong with unsupported options", () => {
    assert.throws(() => new FastLSTM({ units: 4, recurrentDropout: 0.2 }), /recurrentDropout=0.2 is not supported.*impl:'stock'/);
    assert.throws(() => new FastGRU({ units: 4, activation: "softsign" }), /activation 'softsign' is not supported/);
    assert.throws(() => new FastSimpleRNN({ units: 0 }), /units must be a positive integer/);
  });
});
