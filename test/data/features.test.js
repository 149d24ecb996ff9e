// Features: percentage changes, windows, labels and splits checked by hand on tiny series, and proof that no
// sample sees the future (changing everything after its reference time changes nothing in it).
const assert = require("assert");
const {
  pctChange,
  stackColumns,
  fitStandardizer,
  slidingWindows,
  upDownLabels,
  timeSplit,
  makeUpDownDataset,
  loadCandles,
  joinOnTime,
  datasetPath,
  seededRng,
  initRuntime,
  tf,
} = require("rnnlab");

const close = (a, b, eps = 1e-12) => Math.abs(a - b) <= eps;

describe("features", function () {
  before(async () => initRuntime({ force: "cpu", verbose: false }));

  describe("pctChange", () => {
    it("drops the first value: out[i] is the change from value i to value i+1", () => {
      const out = pctChange([100, 110, 99, 99]);
      assert.strictEqual(out.length, 3);
      assert.ok(close(out[0], 0.1) && close(out[1], -0.1) && out[2] === 0, String(out));
      assert.strictEqual(pctChange([5]).length, 0);
    });
    it("refuses a zero, negative or missing value instead of letting Infinity or NaN through", () => {
      assert.throws(() => pctChange([1, 0, 2]), /pctChange: value 1 is 0; the change from it to value 2 is undefined/);
      assert.throws(() => pctChange([1, -2, 2]), /value 1 is -2/);
      assert.throws(() => pctChange([1, NaN, 2]), /pctChange: value 1 is NaN, not a finite number/);
      // A zero at the very end has no change *from* it, so it is allowed.
      assert.deepStrictEqual(Array.from(pctChange([2, 0])), [-1]);
    });
  });

  describe("labels, windows, splits (by hand)", () => {
    it("upDownLabels: 1 only when close[t+h] is strictly higher; the last h times get no label", () => {
      const c = [1, 2, 2, 1, 3];
      assert.deepStrictEqual(Array.from(upDownLabels(c, 1)), [1, 0, 0, 1]);
      assert.deepStrictEqual(Array.from(upDownLabels(c, 2)), [1, 0, 1]);
      assert.deepStrictEqual(Array.from(upDownLabels(c, 4)), [1]);
      assert.strictEqual(upDownLabels(c, 5).length, 0);
      assert.throws(() => upDownLabels(c, 0), /horizon must be a whole number >= 1/);
    });

    it("slidingWindows: the window for t holds rows t-window+1 .. t, in order", () => {
      const rows = [0, 1, 2, 3, 4, 5].map((t) => [t, 10 + t]);
      const w = slidingWindows(rows, 3);
      assert.deepStrictEqual(w.shape, [4, 3, 2]);
      assert.deepStrictEqual(Array.from(w.refs), [2, 3, 4, 5]);
      assert.deepStrictEqual(Array.from(w.data.subarray(0, 6)), [0, 10, 1, 11, 2, 12]);
      assert.deepStrictEqual(Array.from(w.data.subarray(18, 24)), [3, 13, 4, 14, 5, 15]);
      // With labels for t = 0..3 only (horizon 2), windows stop at t = 3.
      const l = slidingWindows(rows, 3, { labels: [9, 8, 7, 6] });
      assert.deepStrictEqual(Array.from(l.refs), [2, 3]);
      assert.deepStrictEqual(Array.from(l.labels), [7, 6]);
      assert.deepStrictEqual(Array.from(slidingWindows(rows, 3, { refs: [4] }).data), [2, 12, 3, 13, 4, 14]);
      assert.throws(() => slidingWindows(rows, 3, { refs: [1] }), /reference time 1 is outside 2..5/);
      assert.throws(() => slidingWindows(rows, 7), /window must be a whole number in 1..6/);
    });

    it("timeSplit: contiguous periods in time order; fractions must add up to 1", () => {
      assert.deepStrictEqual(timeSplit(10, { train: 0.6, val: 0.2, test: 0.2 }), { train: { start: 0, end: 6 }, val: { start: 6, end: 8 }, test: { start: 8, end: 10 } });
      assert.deepStrictEqual(timeSplit(1000, [0.9, 0.05, 0.05]).test, { start: 950, end: 1000 });
      assert.deepStrictEqual(timeSplit(10, [0.7, 0.3]).val, { start: 7, end: 7 });
      assert.throws(() => timeSplit(10, { train: 0.9, val: 0.05, test: 0.1 }), /fractions add up to 1.05, not 1/);
    });

    it("fitStandardizer uses rows before trainEnd only, and applies to any row", () => {
      const m = [[1], [2], [3], [100]];
      const s = fitStandardizer(m, 3);
      assert.strictEqual(s.mean[0], 2);
      assert.ok(close(s.std[0], Math.sqrt(2 / 3)));
      const z = s.apply(m);
      assert.ok(close(z[0][0], -1 / Math.sqrt(2 / 3)) && z[1][0] === 0);
      assert.ok(close(z[3][0], 98 / Math.sqrt(2 / 3)));
      assert.throws(() => fitStandardizer([[1, 5], [2, 5], [3, 5]], 3), /column 1 is constant on rows 0..2/);
      assert.throws(() => fitStandardizer([[1], [NaN], [3]], 3), /row 1 column 0 is NaN/);
    });

    it("makeUpDownDataset on 12 rows: refs, labels, purged samples and values, by hand", () => {
      // close goes up, up, down, ...; feature = close itself, so windows are easy to read.
      const closeSeries = [10, 11, 12, 11, 13, 14, 12, 12, 15, 16, 14, 17];
      const features = closeSeries.map((c) => [c]);
      const ds = makeUpDownDataset({ features, close: closeSeries, window: 3, horizon: 1, split: { train: 0.5, val: 0.25, test: 0.25 }, standardize: false });
      // Rows: train 0..5, val 6..8, test 9..11. A sample needs t >= 2 and t+1 in the same period.
      assert.deepStrictEqual(Array.from(ds.train.refs), [2, 3, 4]);
      assert.deepStrictEqual(Array.from(ds.val.refs), [6, 7]);
      assert.deepStrictEqual(Array.from(ds.test.refs), [9, 10]);
      // Labels: close[t+1] > close[t]: t=2: 11>12 no; 3: 13>11 yes; 4: 14>13 yes; 6: 12>12 no (equal); 7: 15>12 yes; 9: 14>16 no; 10: 17>14 yes.
      assert.deepStrictEqual(Array.from(ds.train.y), [0, 1, 1]);
      assert.deepStrictEqual(Array.from(ds.val.y), [0, 1]);
      assert.deepStrictEqual(Array.from(ds.test.y), [0, 1]);
      // The val window for t=6 reaches back into train rows 4, 5: the past is allowed.
      assert.deepStrictEqual(Array.from(ds.val.x.subarray(0, 3)), [13, 14, 12]);
      assert.deepStrictEqual(Array.from(ds.test.x), [12, 15, 16, 15, 16, 14]);
      assert.strictEqual(ds.report.purged, 2); // t=5 (label at 6, in val) and t=8 (label at 9, in test)
      assert.strictEqual(ds.report.warmup, 2);
      assert.strictEqual(ds.report.unlabelled, 1);
      assert.ok(Math.abs(ds.train.upRate - 2 / 3) < 1e-12);
      assert.match(ds.report.lines, /12 rows -> 3 train \/ 2 val \/ 2 test windows of 3 x 1/);
      // Standardised: with mean and std of rows 0..5 only.
      const z = makeUpDownDataset({ features, close: closeSeries, window: 3, horizon: 1, split: { train: 0.5, val: 0.25, test: 0.25 } });
      const train = closeSeries.slice(0, 6);
      const mean = train.reduce((a, b) => a + b) / 6;
      const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / 6);
      assert.ok(close(z.scaler.mean[0], mean));
      assert.ok(close(z.test.x[5], Math.fround((14 - mean) / std), 1e-6));
      assert.ok(close(z.val.x[0], Math.fround((13 - mean) / std), 1e-6));
    });

    it("refuses features and close of different lengths, and says how to align them", () => {
      assert.throws(
        () => makeUpDownDataset({ features: [[1], [2], [3]], close: [1, 2], window: 1, horizon: 1, split: [0.5, 0.5] }),
        /features have 3 rows but close has 2 values; align them first \(pctChange drops the first row/,
      );
    });
  });

  describe("no look-ahead", () => {
    const n = 300;
    const d = 3;
    const opts = { window: 10, horizon: 3, split: { train: 0.6, val: 0.2, test: 0.2 } };
    const rng = seededRng(11);
    const base = Array.from({ length: n }, () => Array.from({ length: d }, () => rng() * 2 - 1));
    const baseClose = Array.from({ length: n }, (_, t) => 100 + Math.sin(t / 7) * 5 + rng());
    const build = (features, closeSeries) => makeUpDownDataset({ features, close: closeSeries, ...opts });
    /** Everything at times > t (or >= from) replaced by huge, different numbers. */
    const mutateAfter = (from) => ({
      features: base.map((row, s) => (s >= from ? row.map((v, j) => v * 1000 + 50 * (j + 1) + s) : row)),
      close: baseClose.map((c, s) => (s >= from ? 1e4 - c * s : c)),
    });
    const sampleOf = (part, t) => {
      const k = Array.from(part.refs).indexOf(t);
      assert.ok(k >= 0, `no sample for t=${t}`);
      const size = opts.window * d;
      return { x: Array.from(part.x.subarray(k * size, (k + 1) * size)), y: part.y[k] };
    };
    const original = build(base, baseClose);

    it("a val or test window and its standardised values do not change when every later value changes", () => {
      assert.deepStrictEqual(original.ranges.train, { start: 0, end: 180 });
      const checks = [
        ["val", 180],
        ["val", 200],
        ["test", 240],
        ["test", 270],
      ];
      for (const [part, t] of checks) {
        const m = mutateAfter(t + 1);
        const after = build(m.features, m.close);
        assert.deepStrictEqual(sampleOf(after[part], t).x, sampleOf(original[part], t).x, `${part} t=${t}`);
        // Control: with a scaler fitted on all rows (the lab's leak) the same mutation changes this very window.
        const leakyWindow = (features) => fitStandardizer(features, n).apply(features).slice(t - opts.window + 1, t + 1).flat();
        assert.notDeepStrictEqual(leakyWindow(m.features), leakyWindow(base), `the mutation must be visible to a leaking scaler (t=${t})`);
      }
    });

    it("no training sample (input or label) changes when everything from the validation period on changes", () => {
      const m = mutateAfter(original.ranges.train.end);
      const after = build(m.features, m.close);
      assert.deepStrictEqual(after.train.refs, original.train.refs);
      assert.deepStrictEqual(after.train.x, original.train.x);
      // Purging keeps the last train labels from reading val prices: t + horizon < trainEnd for every t.
      assert.deepStrictEqual(after.train.y, original.train.y);
      assert.ok(Math.max(...original.train.refs) + opts.horizon < original.ranges.train.end);
      assert.deepStrictEqual(Array.from(after.scaler.mean), Array.from(original.scaler.mean));
      // Control: without purging, the label of t = trainEnd - 1 would read close[trainEnd + 2], which changed.
      const t = original.ranges.train.end - 1;
      assert.notStrictEqual(m.close[t + opts.horizon] > m.close[t], baseClose[t + opts.horizon] > baseClose[t]);
    });
  });

  describe("the lab's dataset from the shipped 5-minute candles", () => {
    it("4 coins x (close, volume) -> pctChange -> 60-bar windows, LTC up 3 bars later; tensors free on dispose", () => {
      const coins = Object.fromEntries(["BTC", "LTC", "ETH", "BCH"].map((k) => [k, loadCandles(datasetPath("crypto-5m", `${k}-USD.csv`))]));
      const joined = joinOnTime(coins, ["close", "volume"]);
      const features = stackColumns(joined.names.map((name) => pctChange(joined.columns[name])));
      assert.strictEqual(features.length, 24132);
      const ds = makeUpDownDataset({ features, close: joined.columns.LTC_close.subarray(1), window: 60, horizon: 3, split: { train: 0.9, val: 0.05, test: 0.05 } });
      assert.deepStrictEqual([ds.train.n, ds.val.n, ds.test.n], [21657, 1203, 1204]);
      assert.strictEqual(ds.train.n + ds.val.n + ds.test.n, 24132 - 59 - 3 - 6);
      assert.ok(ds.test.upRate > 0.4 && ds.test.upRate < 0.6, String(ds.test.upRate));
      // Standardised train inputs have mean ~0 and std ~1 per feature (windows overlap, so nearly every train row counts 60 times).
      for (let j = 0; j < 8; j++) {
        let sum = 0;
        let sq = 0;
        const count = ds.train.x.length / 8;
        for (let k = j; k < ds.train.x.length; k += 8) {
          sum += ds.train.x[k];
          sq += ds.train.x[k] ** 2;
        }
        const mean = sum / count;
        assert.ok(Math.abs(mean) < 0.02, `feature ${j} mean ${mean}`);
        assert.ok(Math.abs(Math.sqrt(sq / count - mean * mean) - 1) < 0.05, `feature ${j} std`);
      }
      const before = tf.memory().numTensors;
      const t = ds.toTensors();
      assert.deepStrictEqual(t.train.x.shape, [21657, 60, 8]);
      assert.deepStrictEqual(t.test.y.shape, [1204]);
      assert.strictEqual(t.test.y.dtype, "float32");
      t.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
    });
  });
});
