// Features: turn price series into what an RNN reads (lesson 07): percentage changes, standardisation fitted on
// the training period only, windows that look only backwards, up/down labels, and a split by time.
//
// Conventions used throughout:
// - A matrix is an array of rows, `features[t][j]` = feature j at time t (rows oldest first).
// - The sample with reference time t reads rows t-window+1 .. t and is labelled by close[t + horizon].
import { tf } from "../course/runtime";
import { noteLibraryCall } from "../course/calls";

export type Matrix = ArrayLike<number>[];

/**
 * Percentage change from each value to the next: `out[i] = values[i+1] / values[i] - 1`, so the result is one
 * shorter and `out[i]` belongs to time i+1 (the first value has no previous one and is dropped, not set to NaN).
 * A zero, negative or non-finite value is an error naming its index: x/0 has no percentage change.
 */
export function pctChange(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`pctChange: value ${i} is ${v}, not a finite number`);
    if (i < n - 1 && !(v > 0)) {
      throw new Error(`pctChange: value ${i} is ${v}; the change from it to value ${i + 1} is undefined (only positive values have a percentage change)`);
    }
    if (i > 0) out[i - 1] = v / values[i - 1] - 1;
  }
  return out;
}

/** Columns (one array per feature, equal lengths) to rows: `stackColumns([a, b])[t] = [a[t], b[t]]`. */
export function stackColumns(columns: ArrayLike<number>[]): number[][] {
  if (columns.length === 0) throw new Error("stackColumns: no columns given");
  const n = columns[0].length;
  columns.forEach((c, j) => {
    if (c.length !== n) throw new Error(`stackColumns: column ${j} has ${c.length} values, column 0 has ${n}`);
  });
  const rows: number[][] = new Array(n);
  for (let t = 0; t < n; t++) {
    const row = new Array(columns.length);
    for (let j = 0; j < columns.length; j++) row[j] = columns[j][t];
    rows[t] = row;
  }
  return rows;
}

/** Columns per row of a matrix, checking that every row has as many; errors name the caller and the row. */
export function matrixWidth(matrix: Matrix, who: string): number {
  if (matrix.length === 0) throw new Error(`${who}: the matrix has no rows`);
  const d = matrix[0].length;
  for (let t = 0; t < matrix.length; t++) {
    if (matrix[t].length !== d) throw new Error(`${who}: row ${t} has ${matrix[t].length} values, row 0 has ${d}`);
  }
  return d;
}

export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
  /** Rows 0 .. trainEnd-1 were used for the fit; nothing after. */
  trainEnd: number;
  /** (x - mean) / std for every row given (any rows: train, validation, test). */
  apply(matrix: Matrix): number[][];
}

/**
 * Fits a z-score (mean, population std) per column on rows 0 .. trainEnd-1 only, so that the validation and test
 * periods are scaled with statistics from the past. (The lecture's lab scaled the held-out part with its own
 * statistics, which lets the future leak in.)
 */
export function fitStandardizer(matrix: Matrix, trainEnd: number): Standardizer {
  const d = matrixWidth(matrix, "fitStandardizer");
  if (!Number.isInteger(trainEnd) || trainEnd < 2 || trainEnd > matrix.length) {
    throw new Error(`fitStandardizer: trainEnd must be a whole number in 2..${matrix.length} (rows fitted on), got ${trainEnd}`);
  }
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let t = 0; t < trainEnd; t++) {
    for (let j = 0; j < d; j++) {
      const v = matrix[t][j];
      if (!Number.isFinite(v)) throw new Error(`fitStandardizer: row ${t} column ${j} is ${v}, not a finite number`);
      mean[j] += v;
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= trainEnd;
  for (let t = 0; t < trainEnd; t++) for (let j = 0; j < d; j++) std[j] += (matrix[t][j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    std[j] = Math.sqrt(std[j] / trainEnd);
    if (!(std[j] > 0)) throw new Error(`fitStandardizer: column ${j} is constant on rows 0..${trainEnd - 1}; it cannot be standardised`);
  }
  return {
    mean,
    std,
    trainEnd,
    apply(m: Matrix): number[][] {
      const dm = matrixWidth(m, "Standardizer.apply");
      if (dm !== d) throw new Error(`Standardizer.apply: rows have ${dm} columns, the standardizer was fitted on ${d}`);
      return Array.from(m, (row) => Array.from(row, (v, j) => (v - mean[j]) / std[j]));
    },
  };
}

/**
 * 1 where close[t + horizon] > close[t] (strictly: an unchanged price is 0, "not up"), else 0, for
 * t = 0 .. n-horizon-1. The last `horizon` times have no label, so the result is `horizon` shorter than close.
 */
export function upDownLabels(close: ArrayLike<number>, horizon: number): Int32Array {
  noteLibraryCall("upDownLabels");
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`upDownLabels: horizon must be a whole number >= 1, got ${horizon}`);
  const n = Math.max(0, close.length - horizon);
  const out = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const a = close[t];
    const b = close[t + horizon];
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`upDownLabels: close ${Number.isFinite(a) ? t + horizon : t} is not a finite number`);
    out[t] = b > a ? 1 : 0;
  }
  return out;
}

export interface Windows {
  /** Flat [count, window, d] values, row-major, ready for tf.tensor3d(data, shape). */
  data: Float32Array;
  shape: [number, number, number];
  /** The reference time t of each window: it holds rows t-window+1 .. t. */
  refs: Int32Array;
  /** labels[refs[k]] for each window, when labels were given. */
  labels?: Int32Array;
}

export interface WindowOptions {
  /** Per-time labels (e.g. from upDownLabels); windows are made only for times that have one. */
  labels?: ArrayLike<number>;
  /** Reference times to use (default: every t from window-1 to the last row, or the last labelled time). */
  refs?: ArrayLike<number>;
}

/**
 * Windows of `window` consecutive rows. The window for reference time t holds rows t-window+1 .. t and nothing
 * later, so a model reading it cannot see the future. The first possible t is window-1.
 */
export function slidingWindows(features: Matrix, window: number, opts: WindowOptions = {}): Windows {
  const d = matrixWidth(features, "slidingWindows");
  const n = features.length;
  if (!Number.isInteger(window) || window < 1 || window > n) throw new Error(`slidingWindows: window must be a whole number in 1..${n}, got ${window}`);
  const last = opts.labels ? Math.min(n, opts.labels.length) - 1 : n - 1;
  let refs: Int32Array;
  if (opts.refs) {
    refs = Int32Array.from(opts.refs);
    refs.forEach((t) => {
      if (t < window - 1 || t > last) throw new Error(`slidingWindows: reference time ${t} is outside ${window - 1}..${last} (a full window${opts.labels ? " and a label" : ""} is needed)`);
    });
  } else {
    refs = new Int32Array(Math.max(0, last - (window - 1) + 1));
    for (let k = 0; k < refs.length; k++) refs[k] = window - 1 + k;
  }
  const data = new Float32Array(refs.length * window * d);
  let o = 0;
  for (const t of refs) {
    for (let s = t - window + 1; s <= t; s++) {
      const row = features[s];
      for (let j = 0; j < d; j++) data[o++] = row[j];
    }
  }
  const out: Windows = { data, shape: [refs.length, window, d], refs };
  if (opts.labels) {
    const labels = opts.labels;
    out.labels = Int32Array.from(refs, (t) => labels[t]);
  }
  return out;
}

export interface TimeRanges {
  /** Rows [start, end) of each part, in time order: train, then validation, then test. */
  train: { start: number; end: number };
  val: { start: number; end: number };
  test: { start: number; end: number };
}

export type SplitFractions = { train: number; val?: number; test: number } | [number, number, number] | [number, number];

/**
 * Splits n time steps by time, never shuffled: the first fraction trains, the next validates, the last tests.
 * Fractions must add up to 1: `timeSplit(1000, { train: 0.9, val: 0.05, test: 0.05 })` gives rows [0, 900),
 * [900, 950), [950, 1000).
 */
export function timeSplit(n: number, fractions: SplitFractions): TimeRanges {
  const f = Array.isArray(fractions)
    ? fractions.length === 2
      ? { train: fractions[0], val: 0, test: fractions[1] }
      : { train: fractions[0], val: fractions[1], test: fractions[2] }
    : { train: fractions.train, val: fractions.val ?? 0, test: fractions.test };
  for (const [name, v] of Object.entries(f)) {
    if (!(v >= 0 && v <= 1)) throw new Error(`timeSplit: the ${name} fraction must be in 0..1, got ${v}`);
  }
  const sum = f.train + f.val + f.test;
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`timeSplit: fractions add up to ${sum}, not 1 (train ${f.train}, val ${f.val}, test ${f.test})`);
  if (!Number.isInteger(n) || n < 0) throw new Error(`timeSplit: n must be a whole number >= 0, got ${n}`);
  const trainEnd = Math.round(n * f.train);
  const valEnd = Math.min(n, Math.round(n * (f.train + f.val)));
  return { train: { start: 0, end: trainEnd }, val: { start: trainEnd, end: valEnd }, test: { start: valEnd, end: n } };
}

export interface UpDownPart {
  /** Flat [n, window, d] inputs. */
  x: Float32Array;
  /** 0/1 labels. */
  y: Int32Array;
  /** Reference time of each sample (index into the rows given). */
  refs: Int32Array;
  n: number;
  /** Share of samples labelled 1 ("up"): the majority-class baseline is max(upRate, 1 - upRate). */
  upRate: number;
}

export interface UpDownTensors {
  train: { x: tf.Tensor3D; y: tf.Tensor1D };
  val: { x: tf.Tensor3D; y: tf.Tensor1D };
  test: { x: tf.Tensor3D; y: tf.Tensor1D };
  dispose(): void;
}

export interface UpDownDataset {
  train: UpDownPart;
  val: UpDownPart;
  test: UpDownPart;
  window: number;
  horizon: number;
  /** Features per time step. */
  d: number;
  /** The rows of each period (before windows and labels). */
  ranges: TimeRanges;
  /** Fitted on the train period's rows only; undefined when standardize was false. */
  scaler?: Standardizer;
  /** Samples lost and why, for the notebook to print. */
  report: { rows: number; warmup: number; unlabelled: number; purged: number; lines: string };
  /**
   * Tensors for model.fit: x [n, window, d], y [n] of 0/1, both float32 (tfjs 4.22's sparseCategoricalCrossentropy
   * refuses int32 labels; binaryCrossentropy takes them as they are). The caller disposes them.
   */
  toTensors(): UpDownTensors;
}

export interface UpDownOptions {
  /** Rows of features, oldest first, aligned with close (same length: row t and close[t] are the same time). */
  features: Matrix;
  close: ArrayLike<number>;
  window: number;
  horizon: number;
  /** Fractions by time, e.g. { train: 0.9, val: 0.05, test: 0.05 }. */
  split: SplitFractions;
  /** z-score the features with statistics of the train period (default true). */
  standardize?: boolean;
}

/**
 * The up/down dataset of lesson 07, built without looking ahead:
 * - the label of reference time t is 1 when close[t + horizon] > close[t];
 * - its input window holds feature rows t-window+1 .. t;
 * - the standardizer is fitted on the train period's rows only;
 * - a sample belongs to a period when both t and t + horizon lie in it, so no training label peeks at the
 *   validation period (the `horizon` samples before each boundary are purged and counted).
 */
export function makeUpDownDataset(opts: UpDownOptions): UpDownDataset {
  const { features, close, window, horizon } = opts;
  const n = features.length;
  const d = matrixWidth(features, "makeUpDownDataset");
  if (close.length !== n) {
    throw new Error(`makeUpDownDataset: features have ${n} rows but close has ${close.length} values; align them first (pctChange drops the first row: pass close.slice(1))`);
  }
  const labels = upDownLabels(close, horizon);
  const ranges = timeSplit(n, opts.split);
  if (ranges.train.end < window + horizon) throw new Error(`makeUpDownDataset: the train period has ${ranges.train.end} rows, fewer than window + horizon = ${window + horizon}`);
  const scaler = opts.standardize === false ? undefined : fitStandardizer(features, ranges.train.end);
  const rows = scaler ? scaler.apply(features) : features;

  let purged = 0;
  const part = (r: { start: number; end: number }): UpDownPart => {
    const refs: number[] = [];
    for (let t = Math.max(r.start, window - 1); t < r.end; t++) {
      if (t + horizon < r.end) refs.push(t);
      else if (t + horizon < n) purged++;
    }
    const w = slidingWindows(rows, window, { labels, refs });
    const y = w.labels!;
    const up = y.reduce((a, b) => a + b, 0);
    return { x: w.data, y, refs: w.refs, n: y.length, upRate: y.length ? up / y.length : NaN };
  };
  const train = part(ranges.train);
  const val = part(ranges.val);
  const test = part(ranges.test);
  const warmup = Math.min(window - 1, n);
  const unlabelled = Math.min(horizon, n);
  const pct = (p: UpDownPart) => (p.n ? `${(100 * p.upRate).toFixed(1)}% up` : "empty");
  const lines = [
    `${n.toLocaleString("en-US")} rows -> ${train.n.toLocaleString("en-US")} train / ${val.n.toLocaleString("en-US")} val / ${test.n.toLocaleString("en-US")} test windows of ${window} x ${d}, label: close ${horizon} step${horizon > 1 ? "s" : ""} later is higher`,
    `  rows: train ${ranges.train.start}..${ranges.train.end - 1}, val ${ranges.val.start}..${ranges.val.end - 1}, test ${ranges.test.start}..${ranges.test.end - 1}; standardised with train statistics: ${scaler ? "yes" : "no"}`,
    `  not used: ${warmup} warm-up rows (no full window), ${unlabelled} last rows (no label), ${purged} before a period boundary (label in the next period)`,
    `  up rate: train ${pct(train)}, val ${pct(val)}, test ${pct(test)} (always guessing the majority class scores max(p, 1-p))`,
  ].join("\n");
  const shape = (p: UpDownPart): [number, number, number] => [p.n, window, d];
  return {
    train,
    val,
    test,
    window,
    horizon,
    d,
    ranges,
    scaler,
    report: { rows: n, warmup, unlabelled, purged, lines },
    toTensors(): UpDownTensors {
      const t = {
        train: { x: tf.tensor3d(train.x, shape(train)), y: tf.tensor1d(train.y, "float32") },
        val: { x: tf.tensor3d(val.x, shape(val)), y: tf.tensor1d(val.y, "float32") },
        test: { x: tf.tensor3d(test.x, shape(test)), y: tf.tensor1d(test.y, "float32") },
      };
      return { ...t, dispose: () => tf.dispose([t.train.x, t.train.y, t.val.x, t.val.y, t.test.x, t.test.y]) };
    },
  };
}
