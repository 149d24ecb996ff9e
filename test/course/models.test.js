// The builders make the lecture's models: shapes and parameter counts as Keras reports them, both implementations.
const assert = require("assert");
const { tf, initRuntime, seedEverything, buildRnnClassifier, buildLectureMnistLstm, buildSequenceModel, buildRnnRegressor, buildLogisticRegression, ownOptimizer, recurrentLayer } = require("rnnlab");

// Keras's parameter counts, by formula: SimpleRNN u(in+u+1), LSTM 4u(in+u+1), GRU (reset-before) 3u(in+u+1).
const GATES = { simpleRnn: 1, lstm: 4, gru: 3 };
const recurrentParams = (cell, inDim, u) => GATES[cell] * u * (inDim + u + 1);
const denseParams = (inDim, u) => inDim * u + u;

describe("model builders (lib/src/course/models.ts)", function () {
  this.timeout(30000);
  before(async () => {
    await initRuntime({ force: "wasm", verbose: false });
    seedEverything(3);
  });

  it("LSTM(128) on 28 features has Keras's 80,384 parameters", () => {
    assert.strictEqual(recurrentParams("lstm", 28, 128), 80384);
    for (const impl of ["rnnlab", "stock"]) {
      const m = buildRnnClassifier({ cell: "lstm", units: 128, impl, compile: false });
      assert.strictEqual(m.layers[0].countParams(), 80384, impl);
    }
  });

  for (const cell of ["simpleRnn", "lstm", "gru"]) {
    it(`${cell}: 2 stacked layers + dense, shapes and parameter counts for both implementations`, () => {
      for (const impl of ["rnnlab", "stock"]) {
        const m = buildRnnClassifier({ cell, units: 16, layers: 2, dropout: 0.1, dense: 8, numClasses: 10, impl });
        const expected = recurrentParams(cell, 28, 16) + recurrentParams(cell, 16, 16) + denseParams(16, 8) + denseParams(8, 10);
        assert.strictEqual(m.countParams(), expected, `${cell} ${impl}`);
        assert.deepStrictEqual(m.layers[0].outputShape, [null, 28, 16]);
        assert.deepStrictEqual(m.outputShape, [null, 10]);
        const rnnClass = m.layers[0].getClassName();
        assert.ok(impl === "rnnlab" ? rnnClass.startsWith("Rnnlab") : !rnnClass.startsWith("Rnnlab"), rnnClass);
        m.dispose();
      }
    });
  }

  it("the lecture's MNIST LSTM is the lab's CuDNNLSTM cell: layers, shapes, two biases per LSTM, the forget bias at 1, and stock equal to it with the biases summed", () => {
    const fast = buildLectureMnistLstm();
    const stock = buildLectureMnistLstm({ impl: "stock" });
    assert.deepStrictEqual(
      fast.layers.map((l) => l.getClassName()),
      ["RnnlabLSTM", "RnnlabDropout", "RnnlabLSTM", "RnnlabDropout", "Dense", "RnnlabDropout", "Dense"],
    );
    assert.deepStrictEqual(fast.layers.map((l) => l.outputShape), [[null, 28, 128], [null, 28, 128], [null, 128], [null, 128], [null, 32], [null, 32], [null, 10]]);
    // CuDNNLSTM: 4 * u * (in + u) weights and 8 * u biases (Keras's summary of the lab: 80,896 and 132,096).
    const cudnn = (inp, u) => 4 * u * (inp + u) + 8 * u;
    assert.strictEqual(cudnn(28, 128), 80896);
    assert.strictEqual(cudnn(128, 128), 132096);
    assert.strictEqual(fast.countParams(), cudnn(28, 128) + cudnn(128, 128) + denseParams(128, 32) + denseParams(32, 10));
    assert.strictEqual(stock.countParams(), 80384 + recurrentParams("lstm", 128, 128) + denseParams(128, 32) + denseParams(32, 10));
    for (const l of [0, 2]) {
      const bias = Array.from(fast.layers[l].getWeights()[2].dataSync());
      assert.strictEqual(bias.length, 8 * 128);
      bias.forEach((v, i) => assert.strictEqual(v, i >= 5 * 128 && i < 6 * 128 ? 1 : 0, `layer ${l} bias[${i}]`));
      const stockBias = Array.from(stock.layers[l].getWeights()[2].dataSync());
      stockBias.forEach((v, i) => assert.strictEqual(v, i >= 128 && i < 256 ? 1 : 0, `stock layer ${l} bias[${i}]`));
    }
    for (const l of [0, 2]) {
      const [k, rk, b] = fast.layers[l].getWeights();
      // Non-zero biases in both halves, so that the sum is tested.
      const b2 = tf.randomNormal(b.shape, 0, 0.5);
      fast.layers[l].setWeights([k, rk, b2]);
      stock.layers[l].setWeights([k, rk, tf.add(b2.slice([0], [512]), b2.slice([512], [512]))]);
    }
    for (const l of [4, 6]) stock.layers[l].setWeights(fast.layers[l].getWeights());
    const x = tf.randomNormal([4, 28, 28]);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.predict(x), stock.predict(x)))).dataSync()[0]);
    assert.ok(d < 1e-5, `fast and stock differ by ${d}`);
    // Each half of the bias gets the whole gradient of the sum.
    const layer = recurrentLayer("lstm", { units: 3, separateBiases: true, inputShape: [2, 2] });
    const m = tf.sequential({ layers: [layer] });
    const grads = tf.variableGrads(() => tf.sum(m.apply(tf.randomNormal([2, 2, 2]))), [layer.trainableWeights[2].val]).grads;
    const g = Object.values(grads)[0].arraySync();
    assert.ok(g.slice(0, 12).some((v) => v !== 0));
    assert.deepStrictEqual(g.slice(0, 12), g.slice(12));
    assert.throws(() => recurrentLayer("gru", { units: 3, separateBiases: true }), /separateBiases is for LSTM only/);
  });

  it("buildSequenceModel with cudnn builds the crypto lab's CuDNNLSTM stack (8u biases per LSTM, forget bias 1) and refuses other cells", () => {
    const m = buildSequenceModel({ inputShape: [6, 8], units: [4, 4], cudnn: true, decay: 1e-6, compile: true });
    const lstms = m.layers.filter((l) => l.getClassName() === "RnnlabLSTM");
    assert.strictEqual(lstms.length, 2);
    for (const l of lstms) {
      assert.strictEqual(l.getConfig().separateBiases, true);
      const bias = Array.from(l.getWeights()[2].dataSync());
      assert.deepStrictEqual(bias, Array.from({ length: 32 }, (_, i) => (i >= 20 && i < 24 ? 1 : 0)));
    }
    assert.strictEqual(m.optimizer.decay, 1e-6);
    assert.throws(() => buildSequenceModel({ inputShape: [6, 8], cell: "gru", cudnn: true }), /cell must be 'lstm', got 'gru'/);
    m.dispose();
  });

  it("trains with integer labels (sparse categorical cross-entropy) and reports accuracy", async () => {
    const m = buildRnnClassifier({ cell: "gru", units: 8, inputShape: [5, 3], numClasses: 3, learningRate: 0.01 });
    const x = tf.randomNormal([24, 5, 3]);
    const y = tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 3), "float32");
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    assert.ok(Number.isFinite(h.history.loss[1]));
    assert.ok(h.history.acc[1] >= 0 && h.history.acc[1] <= 1, `acc ${h.history.acc}`);
  });

  it("buildSequenceModel: stacked LSTM with dropout and batch normalisation, Dense(32 relu), Dense(2 softmax)", () => {
    const m = buildSequenceModel({ inputShape: [60, 7] });
    assert.deepStrictEqual(m.layers.map((l) => l.getClassName()), [
      "RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization",
      "RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization",
      "RnnlabLSTM", "RnnlabDropout", "RnnlabBatchNormalization",
      "Dense", "RnnlabDropout", "Dense",
    ]);
    const s = buildSequenceModel({ inputShape: [60, 7], impl: "stock" });
    assert.deepStrictEqual(s.layers.map((l) => l.getClassName()).slice(0, 3), ["LSTM", "Dropout", "BatchNormalization"]);
    const bn = 4 * 128; // gamma, beta, moving mean, moving variance
    const expected = recurrentParams("lstm", 7, 128) + 2 * recurrentParams("lstm", 128, 128) + 3 * bn + denseParams(128, 32) + denseParams(32, 2);
    assert.strictEqual(m.countParams(), expected);
    assert.deepStrictEqual(m.outputShape, [null, 2]);
    const g = buildSequenceModel({ inputShape: [10, 3], cell: "gru", units: [4, 4], dropout: 0, batchNorm: false, dense: 0, impl: "stock" });
    assert.deepStrictEqual(g.layers.map((l) => l.getClassName()), ["GRU", "GRU", "Dense"]);
  });

  it("errors name the builder and the bad value", () => {
    assert.throws(() => recurrentLayer("rnn", { units: 4 }), /recurrentLayer: cell 'rnn' is not one of simpleRnn, lstm, gru/);
    assert.throws(() => recurrentLayer("lstm", { units: 4 }, "keras"), /impl 'keras'/);
    assert.throws(() => buildSequenceModel({ inputShape: [10] }), /inputShape must be \[steps, features\]/);
    assert.throws(() => buildSequenceModel({ inputShape: [10, 3], dropout: [0.1] }), /1 dropout rates for 3 recurrent layers/);
    assert.throws(() => buildRnnClassifier({ cell: "lstm", units: 4, layers: 0 }), /layers must be a positive integer/);
  });

  describe("model.dispose() frees the builder's optimizer too: 0 tensors left after build -> fit -> dispose", () => {
    const builders = {
      "buildRnnClassifier (rnnlab)": () => buildRnnClassifier({ cell: "lstm", units: 4, inputShape: [5, 3], numClasses: 3, dense: 4 }),
      "buildRnnClassifier (stock)": () => buildRnnClassifier({ cell: "gru", units: 4, inputShape: [5, 3], numClasses: 3, impl: "stock" }),
      buildLectureMnistLstm: () => buildLectureMnistLstm({ units: 4 }),
      buildSequenceModel: () => buildSequenceModel({ inputShape: [5, 3], units: [4, 4], dense: 4, numClasses: 3 }),
      buildRnnRegressor: () => buildRnnRegressor({ cell: "simpleRnn", units: 4, inputShape: [5, 3], outputs: 3 }),
      buildLogisticRegression: () => buildLogisticRegression({ inputShape: [5, 3] }),
    };
    for (const [name, build] of Object.entries(builders)) {
      it(name, async () => {
        const m0 = build();
        const [steps, features] = m0.inputs[0].shape.slice(1);
        m0.dispose();
        const x = tf.randomNormal([8, steps, features]);
        const y = name === "buildRnnRegressor" ? tf.randomNormal([8, 3]) : tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], "float32");
        const before = tf.memory().numTensors;
        const m = build();
        await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
        assert.ok(m.optimizer.getClassName() === "Adam");
        assert.ok(tf.memory().numTensors > before);
        m.dispose();
        assert.strictEqual(tf.memory().numTensors, before, `${name}: tensors left after dispose`);
        tf.dispose([x, y]);
      });
    }

    it("freeing the optimizer by hand first, as older code does, is harmless; ownOptimizer does the same for a model of your own", async () => {
      const x = tf.randomNormal([8, 5, 3]);
      const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], "float32");
      const before = tf.memory().numTensors;
      const m = buildRnnClassifier({ cell: "simpleRnn", units: 4, inputShape: [5, 3], numClasses: 2 });
      await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      m.optimizer.dispose();
      m.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
      // tfjs alone: an optimizer instance outlives model.dispose() (Adam's 2 step counts + 2 moments per weight).
      const own = () => {
        const mm = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [5, 3] }), tf.layers.dense({ units: 2, activation: "softmax" })] });
        mm.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy" });
        return mm;
      };
      const plain = own();
      await plain.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      plain.dispose();
      assert.strictEqual(tf.memory().numTensors - before, 2 + 2 * 2, "tfjs leaves the optimizer's tensors");
      plain.optimizer.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
      const owned = ownOptimizer(own());
      await owned.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      owned.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
      tf.dispose([x, y]);
    });
  });
});
