// Baselines: persistence and majority checked by hand on tiny series, the verdict's arithmetic, logistic regression
// learning a rule a window makes obvious, and the two leaks doing exactly (and only) the leaking they claim.
const assert = require("assert");
const {
  persistencePredictions,
  majorityPredictions,
  scoreRow,
  verdictAgainstBaselines,
  buildLogisticRegression,
  testWindowsScaledOnTheirOwn,
  makeLeakyUpDownDataset,
  makeUpDownDataset,
  fitStandardizer,
  initRuntime,
  seedEverything,
  tf,
} = require("rnnlab");

describe("baselines", function () {
  this.timeout(60000);
  before(async () => initRuntime({ force: "cpu", verbose: false }));

  describe("persistencePredictions", () => {
    const close = [10, 11, 12, 11, 11, 13, 12];
    it("repeats the direction of the last step (lag 1): up only when strictly higher", () => {
      // t=1: 11>10 up; t=2: 12>11 up; t=3: 11<12 down; t=4: 11=11 flat -> down; t=5: 13>11 up; t=6: 12<13 down
      assert.deepStrictEqual(Array.from(persistencePredictions(close, [1, 2, 3, 4, 5, 6], 1)), [1, 1, 0, 0, 1, 0]);
    });
    it("with lag = horizon compares close[t] with close[t - lag]", () => {
      // t=3: 11 vs close[0]=10 up; t=4: 11 vs 11 flat -> down; t=6: 12 vs close[3]=11 up
      assert.deepStrictEqual(Array.from(persistencePredictions(close, [3, 4, 6], 3)), [1, 0, 1]);
    });
    it("refuses a reference time without enough history, and a bad lag", () => {
      assert.throws(() => persistencePredictions(close, [1], 2), /reference time 1 \(sample 0\) needs close\[-1\]/);
      assert.throws(() => persistencePredictions(close, [9], 1), /close has 7 values/);
      assert.throws(() => persistencePredictions(close, [3], 0), /lag must be a whole number >= 1/);
    });
    it("scores 1.0 on a series whose moves always repeat and 0.0 on one that always reverses", () => {
      const trend = [1, 2, 3, 4, 5, 6, 7];
      const zigzag = [1, 2, 1, 2, 1, 2, 1];
      const refs = [1, 2, 3, 4, 5];
      const label = (c, t) => (c[t + 1] > c[t] ? 1 : 0);
      assert.strictEqual(scoreRow("p", refs.map((t) => label(trend, t)), persistencePredictions(trend, refs)).accuracy, 1);
      assert.strictEqual(scoreRow("p", refs.map((t) => label(zigzag, t)), persistencePredictions(zigzag, refs)).accuracy, 0);
    });
  });

  describe("majority and scoreRow", () => {
    it("predicts the training set's majority class, not the test set's", () => {
      const { cls, predictions } = majorityPredictions([0, 0, 0, 1], 4);
      assert.strictEqual(cls, 0);
      const row = scoreRow("majority", [1, 1, 1, 0], predictions);
      assert.strictEqual(row.accuracy, 0.25);
      assert.strictEqual(row.predictedUp, 0);
    });
  });

  describe("verdictAgainstBaselines", () => {
    const base = [
      { model: "majority", accuracy: 0.52, predictedUp: 1, note: "" },
      { model: "persistence", accuracy: 0.5, predictedUp: 0.5, note: "" },
    ];
    it("compares with the best baseline and uses 2 standard errors of an accuracy on n samples", () => {
      // se = sqrt(0.52 * 0.48 / 400) = 0.02498; 2 se = 0.04996
      const near = verdictAgainstBaselines({ model: "LSTM", accuracy: 0.56, predictedUp: 0.6, note: "" }, base, 400);
      assert.strictEqual(near.best.model, "majority");
      assert.ok(Math.abs(near.standardError - Math.sqrt((0.52 * 0.48) / 400)) < 1e-12);
      assert.ok(Math.abs(near.difference - 0.04) < 1e-12);
      assert.strictEqual(near.beats, false);
      assert.match(near.text, /within 2 standard errors/);
      const far = verdictAgainstBaselines({ model: "LSTM", accuracy: 0.58, predictedUp: 0.6, note: "" }, base, 400);
      assert.strictEqual(far.beats, true);
      const worse = verdictAgainstBaselines({ model: "LSTM", accuracy: 0.45, predictedUp: 0.6, note: "" }, base, 400);
      assert.strictEqual(worse.beats, false);
      assert.match(worse.text, /worse by more than 2 standard errors/);
    });
  });

  describe("buildLogisticRegression", () => {
    it("is Flatten -> Dense(2) with (steps * features + 1) * 2 parameters, and learns a rule read off the window", async () => {
      seedEverything(1);
      const m = buildLogisticRegression({ inputShape: [4, 2], l2: 0, learningRate: 0.05 });
      assert.strictEqual(m.countParams(), (4 * 2 + 1) * 2);
      // label = 1 when the last step's first feature is positive
      const n = 400;
      const data = new Float32Array(n * 8);
      const y = new Float32Array(n);
      let s = 7;
      for (let i = 0; i < data.length; i++) {
        s = (s * 16807) % 2147483647;
        data[i] = s / 2147483647 - 0.5;
      }
      for (let k = 0; k < n; k++) y[k] = data[k * 8 + 6] > 0 ? 1 : 0;
      const x = tf.tensor3d(data, [n, 4, 2]);
      const yt = tf.tensor1d(y);
      await m.fit(x, yt, { epochs: 60, batchSize: 50, verbose: 0 });
      const pred = m.predict(x).argMax(-1).dataSync();
      let hit = 0;
      for (let k = 0; k < n; k++) hit += pred[k] === y[k] ? 1 : 0;
      assert.ok(hit / n > 0.9, `accuracy ${hit / n}`);
      tf.dispose([x, yt]);
      m.optimizer.dispose();
      m.dispose();
    });
  });

  describe("leaks, on purpose", () => {
    // A series whose scale changes halfway, so statistics of the late part differ from the early part's.
    const n = 200;
    const features = Array.from({ length: n }, (_, t) => [t < 150 ? Math.sin(t) : 10 + 5 * Math.sin(t), Math.cos(t / 3)]);
    const close = Array.from({ length: n }, (_, t) => 100 + Math.sin(t / 2) + t / 50);
    const ds = makeUpDownDataset({ features, close, window: 5, horizon: 2, split: { train: 0.7, val: 0.1, test: 0.2 } });

    it("testWindowsScaledOnTheirOwn scales the test windows with the test period's statistics, at the same reference times", () => {
      const own = testWindowsScaledOnTheirOwn(features, ds);
      assert.strictEqual(own.length, ds.test.x.length);
      const { start, end } = ds.ranges.test;
      const st = fitStandardizer(features.slice(start, end), end - start);
      // the last value of the last window is feature row refs[last], column 1
      const t = ds.test.refs[ds.test.n - 1];
      const expect = (features[t][1] - st.mean[1]) / st.std[1];
      assert.ok(Math.abs(own[own.length - 1] - expect) < 1e-5, `${own[own.length - 1]} vs ${expect}`);
      // and it differs from the honest (train-statistics) scaling, which is the point
      assert.ok(Math.abs(own[own.length - 1] - ds.test.x[ds.test.x.length - 1]) > 1e-3);
    });

    it("makeLeakyUpDownDataset mixes times across parts, keeps every window once, and scales with all rows", () => {
      const leaky = makeLeakyUpDownDataset({ features, close, window: 5, horizon: 2, testFraction: 0.1, seed: 3 });
      const total = n - 4 - 2; // windows from t = 4 to n - 3
      assert.strictEqual(leaky.train.n + leaky.test.n, total);
      assert.strictEqual(leaky.test.n, Math.round(total * 0.1));
      const all = new Set([...leaky.train.refs, ...leaky.test.refs]);
      assert.strictEqual(all.size, total);
      // shuffled: test times are not one block at the end
      assert.ok(Math.min(...leaky.test.refs) < n / 2, `test refs ${Array.from(leaky.test.refs)}`);
      // scaled with every row: each column of the full matrix has mean 0
      const st = fitStandardizer(features, n);
      const t0 = leaky.train.refs[0];
      assert.ok(Math.abs(leaky.train.x[4 * 2] - (features[t0][0] - st.mean[0]) / st.std[0]) < 1e-5);
      // same seed, same split; another seed, another split
      const again = makeLeakyUpDownDataset({ features, close, window: 5, horizon: 2, testFraction: 0.1, seed: 3 });
      assert.deepStrictEqual(Array.from(again.test.refs), Array.from(leaky.test.refs));
      const other = makeLeakyUpDownDataset({ features, close, window: 5, horizon: 2, testFraction: 0.1, seed: 4 });
      assert.notDeepStrictEqual(Array.from(other.test.refs), Array.from(leaky.test.refs));
    });
  });
});
