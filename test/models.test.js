// The builders make the lecture's models: shapes and parameter counts as Keras reports them, both implementations.
const assert = require("assert");
const { tf, initRuntime, seedEverything, buildRnnClassifier, buildLectureMnistLstm, buildSequenceModel, recurrentLayer } = require("rnnlab");

// Keras's parameter counts, by formula: SimpleRNN u(in+u+1), LSTM 4u(in+u+1), GRU (reset-before) 3u(in+u+1).
const GATES = { simpleRnn: 1, lstm: 4, gru: 3 };
const recurrentParams = (cell, inDim, u) => GATES[cell] * u * (inDim + u + 1);
const denseParams = (inDim, u) => inDim * u + u;

describe("model builders (lib/src/models.ts)", function () {
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

  it("the lecture's MNIST LSTM: layers, shapes, parameters, and the same function for both implementations", () => {
    const fast = buildLectureMnistLstm();
    const stock = buildLectureMnistLstm({ impl: "stock" });
    assert.deepStrictEqual(
      fast.layers.map((l) => l.getClassName()),
      ["RnnlabLSTM", "RnnlabDropout", "RnnlabLSTM", "RnnlabDropout", "Dense", "RnnlabDropout", "Dense"],
    );
    assert.deepStrictEqual(fast.layers.map((l) => l.outputShape), [[null, 28, 128], [null, 28, 128], [null, 128], [null, 128], [null, 32], [null, 32], [null, 10]]);
    const expected = 80384 + recurrentParams("lstm", 128, 128) + denseParams(128, 32) + denseParams(32, 10);
    assert.strictEqual(fast.countParams(), expected);
    assert.strictEqual(stock.countParams(), expected);
    stock.setWeights(fast.getWeights());
    const x = tf.randomNormal([4, 28, 28]);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.predict(x), stock.predict(x)))).dataSync()[0]);
    assert.ok(d < 1e-5, `fast and stock differ by ${d}`);
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
});
