// Prices (lesson 08): min-max scaling fitted on the train rows only, the next-day windows of the stock lab checked
// by hand on a tiny series, the lab's own-scaling kept apart, and the forecast comparisons on hand-made numbers.
const assert = require("assert");
const rl = require("rnnlab");

const near = (a, b, eps = 1e-6) => Math.abs(a - b) <= eps;
// Day t: [t, 10 t + 5] — easy to scale by hand.
const tiny = (n) => Array.from({ length: n }, (_, t) => [t, 10 * t + 5]);

describe("prices (lesson 08)", function () {
  before(async () => rl.initRuntime({ force: "cpu", verbose: false }));

  describe("fitMinMaxScaler", () => {
    it("takes min and max from rows [start, end) only, maps them to 0 and 1, and inverts", () => {
      const rows = tiny(10);
      const s = rl.fitMinMaxScaler(rows, 2, 6); // rows 2..5
      assert.deepStrictEqual(Array.from(s.min), [2, 25]);
      assert.deepStrictEqual(Array.from(s.max), [5, 55]);
      const scaled = s.apply(rows);
      assert.deepStrictEqual(scaled[2], [0, 0]);
      assert.deepStrictEqual(scaled[5], [1, 1]);
      assert.ok(near(scaled[8][0], 2) && near(scaled[0][1], -2 / 3), JSON.stringify([scaled[8], scaled[0]]));
      assert.deepStrictEqual(Array.from(s.invert([0, 0.5, 2], 1)), [25, 40, 85]);
      const changedOutside = rows.map((r, t) => (t >= 6 ? [1000, -1000] : r));
      assert.deepStrictEqual(Array.from(rl.fitMinMaxScaler(changedOutside, 2, 6).max), [5, 55]);
    });

    it("refuses a constant column, a non-finite value and a bad range, naming where", () => {
      assert.throws(() => rl.fitMinMaxScaler([[1, 2], [1, 3]], 0, 2), /column 0 is constant \(1\) on rows 0\.\.1/);
      assert.throws(() => rl.fitMinMaxScaler([[1, 2], [NaN, 3], [2, 4]], 0, 3), /row 1 column 0 is NaN/);
      assert.throws(() => rl.fitMinMaxScaler(tiny(5), 0, 9), /rows \[start, end\) must be whole numbers inside 0\.\.5/);
      assert.throws(() => rl.fitMinMaxScaler(tiny(3), 0, 3).apply([[1, 2, 3]]), /rows have 3 columns, the scaler was fitted on 2/);
    });
  });

  describe("makeNextValueDataset", () => {
    it("builds the lab's windows: days t-window..t-1 in, the target column on day t out", () => {
      const ds = rl.makeNextValueDataset({ rows: tiny(20), target: 1, window: 3, trainFraction: 0.5 });
      assert.strictEqual(ds.trainEnd, 10);
      assert.strictEqual(ds.train.n, 7); // targets 3..9
      assert.strictEqual(ds.test.n, 10); // targets 10..19
      assert.deepStrictEqual(Array.from(ds.train.targets), [3, 4, 5, 6, 7, 8, 9]);
      assert.strictEqual(ds.test.targets[0], 10);
      // Train scaler: rows 0..9, so column 0 is t / 9 and column 1 is (10 t + 5 - 5) / 90 = t / 9.
      const x0 = Array.from(ds.train.x.slice(0, 6)); // sample 0: days 0, 1, 2
      [0, 0, 1 / 9, 1 / 9, 2 / 9, 2 / 9].forEach((v, i) => assert.ok(near(x0[i], v), `x0[${i}] = ${x0[i]}, expected ${v}`));
      assert.ok(near(ds.train.y[0], 3 / 9));
      assert.strictEqual(ds.train.actual[0], 35);
      assert.strictEqual(ds.train.lastValue[0], 25);
      // The first test sample reads days 7, 8, 9 (inside the train period) and is labelled with day 10: above 1.
      const firstTest = Array.from(ds.test.x.slice(0, 6));
      [7 / 9, 7 / 9, 8 / 9, 8 / 9, 1, 1].forEach((v, i) => assert.ok(near(firstTest[i], v), `test x[${i}] = ${firstTest[i]}, expected ${v}`));
      assert.ok(near(ds.test.y[0], 10 / 9));
      assert.strictEqual(ds.test.actual[9], 195);
      assert.strictEqual(ds.test.lastValue[9], 185);
      const t = ds.tensors(ds.test);
      assert.deepStrictEqual([t.x.shape, t.y.shape], [[10, 3, 2], [10, 1]]);
      rl.tf.dispose([t.x, t.y]);
    });

    it("with train scaling, the test period changes nothing in the train part or the scaler", () => {
      const rows = tiny(20);
      const later = rows.map((r, t) => (t >= 10 ? [r[0] * 7, r[1] * 3] : r));
      const a = rl.makeNextValueDataset({ rows, target: 1, window: 3, trainFraction: 0.5 });
      const b = rl.makeNextValueDataset({ rows: later, target: 1, window: 3, trainFraction: 0.5 });
      assert.deepStrictEqual(Array.from(a.train.x), Array.from(b.train.x));
      assert.deepStrictEqual(Array.from(a.train.y), Array.from(b.train.y));
      assert.deepStrictEqual(Array.from(a.test.scaler.max), Array.from(b.test.scaler.max));
      assert.notDeepStrictEqual(Array.from(a.test.y), Array.from(b.test.y));
    });

    it("the lab's 'own' scaling scales the test rows (with their window) by their own future min and max", () => {
      const ds = rl.makeNextValueDataset({ rows: tiny(20), target: 1, window: 3, trainFraction: 0.5, scaling: "own" });
      assert.deepStrictEqual(Array.from(ds.test.scaler.min), [7, 75]); // rows 7..19
      assert.deepStrictEqual(Array.from(ds.test.scaler.max), [19, 195]);
      assert.ok(near(ds.test.y[9], 1), "the last test day is the test period's maximum: exactly 1");
      assert.deepStrictEqual(Array.from(ds.train.scaler.max), [9, 95]);
      assert.match(ds.report, /each part scaled with its own min and max/);
    });

    it("refuses what cannot be built, saying what was expected", () => {
      assert.throws(() => rl.makeNextValueDataset({ rows: tiny(20), target: 2, window: 3, trainFraction: 0.5 }), /target must be a column index in 0\.\.1, got 2/);
      assert.throws(() => rl.makeNextValueDataset({ rows: tiny(20), target: 0, window: 3, trainFraction: 1 }), /trainFraction must be between 0 and 1, got 1/);
      assert.throws(() => rl.makeNextValueDataset({ rows: tiny(20), target: 0, window: 9, trainFraction: 0.5 }), /the train period has 10 rows; it needs more than window \+ 1 = 10/);
      assert.throws(() => rl.makeNextValueDataset({ rows: tiny(20), target: 0, window: 3, trainFraction: 0.5, scaling: "all" }), /scaling must be 'train' or 'own', got 'all'/);
      assert.throws(() => rl.makeNextValueDataset({ rows: [[1, 2], [3]], target: 0, window: 1, trainFraction: 0.5 }), /row 1 has 1 values, row 0 has 2/);
    });

    it("on the GOOG file: 505 train / 220 test windows of 7 x 5, test closes up to 1.208 on the train scale", () => {
      const g = rl.loadCandles(rl.datasetPath("stock-daily-goog.csv"));
      const rows = rl.stackColumns([g.open, g.high, g.low, g.volume, g.close]);
      const ds = rl.makeNextValueDataset({ rows, target: 4, window: 7, trainFraction: 0.7 });
      assert.deepStrictEqual([ds.train.n, ds.test.n, ds.trainEnd], [505, 220, 512]);
      assert.ok(near(Math.min(...ds.train.y), 0) && near(Math.max(...ds.train.y), 1));
      assert.ok(near(Math.max(...ds.test.y), 1.208, 1e-4), String(Math.max(...ds.test.y)));
      assert.ok(near(rl.rmse(ds.test.actual, ds.test.lastValue), 7.9682, 1e-4));
    });
  });

  describe("forecast comparisons", () => {
    it("rmse and mae by hand, and a clear error on NaN or unequal lengths", () => {
      assert.ok(near(rl.rmse([1, 2, 3, 4], [1, 2, 3, 8]), 2));
      assert.ok(near(rl.mae([1, 2, 3, 4], [2, 2, 3, 8]), 1.25));
      assert.throws(() => rl.rmse([1, 2], [1]), /rmse: 2 true values but 1 predictions/);
      assert.throws(() => rl.mae([1, NaN], [1, 2]), /mae: sample 1 is not finite \(true NaN, predicted 2\)/);
    });

    it("compareForecasts: better, within noise and worse, from the daily differences of squared errors", () => {
      const actual = [10, 11, 12, 13, 14, 15];
      const off1 = actual.map((v) => v + 1);
      const perfect = rl.compareForecasts(actual, { name: "model", forecast: actual }, { name: "naive", forecast: off1 });
      assert.strictEqual(perfect.meanDifference, -1);
      assert.strictEqual(perfect.beats, true);
      assert.match(perfect.text, /model RMSE 0\.000 vs naive 1\.000 on 6 days: smaller errors by more than 2 standard errors: better/);
      // Squared errors 0 or 4 against the baseline's 1: differences -1 and +3, mean +1, sample variance 4.8.
      const mixed = actual.map((v, i) => (i % 2 ? v + 2 : v));
      const m = rl.compareForecasts(actual, { name: "model", forecast: mixed }, { name: "naive", forecast: off1 });
      assert.ok(near(m.meanDifference, 1) && near(m.standardError, Math.sqrt(4.8 / 6)), JSON.stringify(m));
      assert.strictEqual(m.beats, false);
      assert.match(m.text, /larger errors, within 2 standard errors: not better/);
      const worse = rl.compareForecasts(actual, { name: "model", forecast: actual.map((v) => v + 3) }, { name: "naive", forecast: off1 });
      assert.match(worse.text, /larger errors by more than 2 standard errors: worse/);
      assert.throws(() => rl.compareForecasts(actual, { name: "model", forecast: [1] }, { name: "naive", forecast: off1 }), /6 actual values but 1 forecasts from 'model'/);
    });

    it("upDownFromForecast and directionCheck hold a model to the better of 'always up' and 'always down'", () => {
      assert.deepStrictEqual(Array.from(rl.upDownFromForecast([10, 10, 10], [11, 10, 9])), [1, 0, 0]);
      assert.throws(() => rl.upDownFromForecast([1, 1], [2, NaN]), /forecast 1 is NaN/);
      const actualUp = [1, 1, 1, 0, 1, 1, 0, 1]; // 6 of 8 up
      const c = rl.directionCheck("model", actualUp, [1, 1, 1, 1, 1, 1, 1, 0]); // 5 of 8 right
      assert.deepStrictEqual(c.rows.map((r) => [r.model, r.accuracy]), [["model", 0.625], ["always 'up'", 0.75], ["always 'down'", 0.25]]);
      assert.strictEqual(c.verdict.best.model, "always 'up'");
      assert.strictEqual(c.verdict.beats, false);
    });
  });

  describe("buildRnnRegressor", () => {
    it("LSTM(units) read at its last step -> Dense(1) with no activation, compiled with mean squared error", async () => {
      rl.seedEverything(1);
      const m = rl.buildRnnRegressor({ units: 4, inputShape: [7, 5], learningRate: 0.01 });
      assert.deepStrictEqual(m.outputs[0].shape, [null, 1]);
      assert.strictEqual(m.loss, "meanSquaredError");
      assert.strictEqual(m.layers[1].getConfig().activation, "linear");
      assert.strictEqual(m.countParams(), 4 * 4 * (4 + 5 + 1) + 5);
      assert.throws(() => rl.buildRnnRegressor({ units: 4, inputShape: [7] }), /inputShape must be \[steps, features\], got \[7\]/);
      m.optimizer.dispose();
      m.dispose();
    });
  });
});
