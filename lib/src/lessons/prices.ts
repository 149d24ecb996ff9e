// Prices: the next-value regression of the *모두를 위한 딥러닝* stock lab (lesson 08) — a window of past days in,
// tomorrow's close out — with min-max scaling fitted on the training period, and the lab's own scaling (each part
// with its own minimum and maximum) kept for comparison, as the leak it is.
import { tf } from "../course/runtime";
import { matrixWidth, Matrix } from "../data/features";
import { scoreRow, verdictAgainstBaselines, BaselineRow, Verdict } from "./baselines";

export interface MinMaxScaler {
  min: Float64Array;
  max: Float64Array;
  /** Rows [start, end) the minimum and maximum were taken from; nothing else. */
  fittedOn: { start: number; end: number };
  /** (x - min) / (max - min) per column, for any rows (values outside the fitted range go below 0 or above 1). */
  apply(matrix: Matrix): number[][];
  /** Back to the original units for one column: v * (max - min) + min. */
  invert(values: ArrayLike<number>, column: number): Float64Array;
}

/**
 * Min-max scaling per column, fitted on rows [start, end) only. Fit it on the training period, then apply it to
 * every period: the test period must not lend its own minimum and maximum (they are the future).
 */
export function fitMinMaxScaler(matrix: Matrix, start: number, end: number): MinMaxScaler {
  const d = matrixWidth(matrix, "fitMinMaxScaler");
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > matrix.length || end - start < 2) {
    throw new Error(`fitMinMaxScaler: rows [start, end) must be whole numbers inside 0..${matrix.length} with at least 2 rows, got [${start}, ${end})`);
  }
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let t = start; t < end; t++) {
    for (let j = 0; j < d; j++) {
      const v = matrix[t][j];
      if (!Number.isFinite(v)) throw new Error(`fitMinMaxScaler: row ${t} column ${j} is ${v}, not a finite number`);
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < d; j++) {
    if (!(max[j] > min[j])) throw new Error(`fitMinMaxScaler: column ${j} is constant (${min[j]}) on rows ${start}..${end - 1}; it cannot be scaled`);
  }
  return {
    min,
    max,
    fittedOn: { start, end },
    apply(m: Matrix): number[][] {
      const dm = matrixWidth(m, "MinMaxScaler.apply");
      if (dm !== d) throw new Error(`MinMaxScaler.apply: rows have ${dm} columns, the scaler was fitted on ${d}`);
      return Array.from(m, (row) => Array.from(row, (v, j) => (v - min[j]) / (max[j] - min[j])));
    },
    invert(values: ArrayLike<number>, column: number): Float64Array {
      if (!Number.isInteger(column) || column < 0 || column >= d) throw new Error(`MinMaxScaler.invert: column must be in 0..${d - 1}, got ${column}`);
      return Float64Array.from(values, (v) => v * (max[column] - min[column]) + min[column]);
    },
  };
}

export interface NextValuePart {
  /** Flat [n, window, d] scaled inputs, ready for tf.tensor3d. */
  x: Float32Array;
  /** Scaled target value of each sample (the target column on the day after its window). */
  y: Float32Array;
  n: number;
  /** Row index of each sample's target day; its window is rows target-window .. target-1. */
  targets: Int32Array;
  /** The target column in original units on the target day (what is to be predicted)... */
  actual: Float64Array;
  /** ... and on the window's last day ("tomorrow = today", the persistence forecast). */
  lastValue: Float64Array;
  /** The scaler this part's rows went through: invert predictions with it. */
  scaler: MinMaxScaler;
}

export interface NextValueOptions {
  /** Rows of features, oldest first (e.g. open, high, low, volume, close of each day). */
  rows: Matrix;
  /** The column to predict on the next day (e.g. 4 for close). */
  target: number;
  /** Days per input window (the lab: 7). */
  window: number;
  /** Share of rows, from the start, that train (the lab: 0.7); the rest test. */
  trainFraction: number;
  /**
   * 'train' (default): one scaler fitted on the train rows, applied to all rows.
   * 'own': the lab's way — the train rows and the test rows (with the window of days before them) are each scaled
   * with their own minimum and maximum, so the test inputs are scaled with the test period's future extremes.
   */
  scaling?: "train" | "own";
  /** Column names, for the report. */
  names?: string[];
}

export interface NextValueDataset {
  train: NextValuePart;
  test: NextValuePart;
  window: number;
  d: number;
  target: number;
  /** First row of the test period (the first test target day). */
  trainEnd: number;
  scaling: "train" | "own";
  /** What was built, in a few lines. */
  report: string;
  /** x [n, window, d] and y [n, 1] of one part; the caller disposes them. */
  tensors(part: NextValuePart): { x: tf.Tensor3D; y: tf.Tensor2D };
}

/**
 * The stock lab's dataset: sample k reads `window` consecutive days and is labelled with the target column on the
 * next day. Train targets are days window .. trainEnd-1; test targets are days trainEnd .. n-1, their windows
 * reaching back into the train period for their first days (as the lab does: `xy[train_size - seq_length:]`).
 */
export function makeNextValueDataset(opts: NextValueOptions): NextValueDataset {
  const { rows, target, window } = opts;
  const n = rows.length;
  const d = matrixWidth(rows, "makeNextValueDataset");
  const scaling = opts.scaling ?? "train";
  if (!Number.isInteger(target) || target < 0 || target >= d) throw new Error(`makeNextValueDataset: target must be a column index in 0..${d - 1}, got ${target}`);
  if (!(opts.trainFraction > 0 && opts.trainFraction < 1)) throw new Error(`makeNextValueDataset: trainFraction must be between 0 and 1, got ${opts.trainFraction}`);
  if (!Number.isInteger(window) || window < 1) throw new Error(`makeNextValueDataset: window must be a whole number >= 1, got ${window}`);
  if (scaling !== "train" && scaling !== "own") throw new Error(`makeNextValueDataset: scaling must be 'train' or 'own', got '${scaling}'`);
  const trainEnd = Math.floor(n * opts.trainFraction);
  if (trainEnd < window + 2) throw new Error(`makeNextValueDataset: the train period has ${trainEnd} rows; it needs more than window + 1 = ${window + 1}`);
  if (n - trainEnd < 1) throw new Error(`makeNextValueDataset: no rows are left for the test period (${n} rows, trainFraction ${opts.trainFraction})`);

  const trainScaler = fitMinMaxScaler(rows, 0, trainEnd);
  const testScaler = scaling === "own" ? fitMinMaxScaler(rows, trainEnd - window, n) : trainScaler;
  const part = (first: number, last: number, scaler: MinMaxScaler): NextValuePart => {
    const from = first - window;
    const scaled = scaler.apply(rows.slice(from, last + 1));
    const count = last - first + 1;
    const x = new Float32Array(count * window * d);
    const y = new Float32Array(count);
    const targets = new Int32Array(count);
    const actual = new Float64Array(count);
    const lastValue = new Float64Array(count);
    let o = 0;
    for (let k = 0; k < count; k++) {
      const day = first + k;
      for (let s = day - window; s < day; s++) {
        const row = scaled[s - from];
        for (let j = 0; j < d; j++) x[o++] = row[j];
      }
      y[k] = scaled[day - from][target];
      targets[k] = day;
      actual[k] = rows[day][target];
      lastValue[k] = rows[day - 1][target];
    }
    return { x, y, n: count, targets, actual, lastValue, scaler };
  };
  const train = part(window, trainEnd - 1, trainScaler);
  const test = part(trainEnd, n - 1, testScaler);
  const name = opts.names?.[target] ?? `column ${target}`;
  const range = (s: MinMaxScaler) => `${s.min[target].toFixed(2)}..${s.max[target].toFixed(2)}`;
  const report = [
    `${n} rows -> ${train.n} train / ${test.n} test windows of ${window} x ${d}; target: ${name} on the next row`,
    `  train targets rows ${window}..${trainEnd - 1}; test targets rows ${trainEnd}..${n - 1} (their windows start at row ${trainEnd - window})`,
    scaling === "train"
      ? `  min-max scaled with the train rows only: ${name} ${range(trainScaler)} -> 0..1`
      : `  each part scaled with its own min and max (the lab's way): train ${name} ${range(trainScaler)}, test ${name} ${range(testScaler)} (the test period's future extremes)`,
  ].join("\n");
  return {
    train,
    test,
    window,
    d,
    target,
    trainEnd,
    scaling,
    report,
    tensors(p: NextValuePart) {
      return { x: tf.tensor3d(p.x, [p.n, window, d]), y: tf.tensor2d(p.y, [p.n, 1]) };
    },
  };
}

/**
 * Up/down calls read off price forecasts: 1 where the forecast for the target day is above the last known value
 * (strictly, as upDownLabels counts "up"), else 0. With `actual` in place of the forecast, the true labels.
 */
export function upDownFromForecast(lastValue: ArrayLike<number>, forecast: ArrayLike<number>): Int32Array {
  if (lastValue.length !== forecast.length) throw new Error(`upDownFromForecast: ${lastValue.length} last values but ${forecast.length} forecasts`);
  return Int32Array.from(forecast, (f, i) => {
    if (!Number.isFinite(f)) throw new Error(`upDownFromForecast: forecast ${i} is ${f}, not a finite number`);
    return f > lastValue[i] ? 1 : 0;
  });
}

export interface ForecastComparison {
  model: string;
  baseline: string;
  n: number;
  rmseModel: number;
  rmseBaseline: number;
  /** Mean over samples of (model's squared error - baseline's squared error); negative: the model is better. */
  meanDifference: number;
  /** Standard error of that mean, sqrt(var / n) (days are treated as independent, which flatters neither side). */
  standardError: number;
  /** The model's errors are smaller by more than 2 standard errors. */
  beats: boolean;
  text: string;
}

/**
 * Compares two forecasts of the same values, day by day: the difference of their squared errors, its mean and its
 * standard error. "Better" needs a lead of more than two standard errors; a smaller one is within noise.
 */
export function compareForecasts(
  actual: ArrayLike<number>,
  model: { name: string; forecast: ArrayLike<number> },
  baseline: { name: string; forecast: ArrayLike<number> },
): ForecastComparison {
  const n = actual.length;
  if (n < 2) throw new Error(`compareForecasts: need at least 2 values, got ${n}`);
  for (const f of [model, baseline]) {
    if (f.forecast.length !== n) throw new Error(`compareForecasts: ${n} actual values but ${f.forecast.length} forecasts from '${f.name}'`);
  }
  const d = new Float64Array(n);
  let seM = 0;
  let seB = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const m = model.forecast[i];
    const b = baseline.forecast[i];
    if (!Number.isFinite(a) || !Number.isFinite(m) || !Number.isFinite(b)) {
      throw new Error(`compareForecasts: day ${i} is not finite (actual ${a}, '${model.name}' ${m}, '${baseline.name}' ${b})`);
    }
    seM += (a - m) ** 2;
    seB += (a - b) ** 2;
    d[i] = (a - m) ** 2 - (a - b) ** 2;
  }
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const standardError = Math.sqrt(variance / n);
  const beats = -mean > 2 * standardError;
  const rmseModel = Math.sqrt(seM / n);
  const rmseBaseline = Math.sqrt(seB / n);
  const how = beats
    ? "smaller errors by more than 2 standard errors: better"
    : mean < 0
      ? "smaller errors, but within 2 standard errors: not distinguishable from noise"
      : mean > 2 * standardError
        ? "larger errors by more than 2 standard errors: worse"
        : "larger errors, within 2 standard errors: not better";
  const text = `${model.name} RMSE ${rmseModel.toPrecision(4)} vs ${baseline.name} ${rmseBaseline.toPrecision(4)} on ${n} days: ${how}`;
  return { model: model.name, baseline: baseline.name, n, rmseModel, rmseBaseline, meanDifference: mean, standardError, beats, text };
}

/**
 * Does a forecast know tomorrow's direction? Scores its up/down calls against the true ones, next to the two calls
 * that need no model (always "up", always "down"). Which constant wins is known only afterwards, so the model is
 * held to the better of the two: `verdict.beats` needs a lead of more than 2 standard errors.
 */
export function directionCheck(model: string, actualUp: ArrayLike<number>, calls: ArrayLike<number>): { rows: BaselineRow[]; verdict: Verdict } {
  if (actualUp.length !== calls.length) throw new Error(`directionCheck: ${actualUp.length} true directions but ${calls.length} calls from '${model}'`);
  const n = actualUp.length;
  const modelRow = scoreRow(model, actualUp, calls);
  const constants = [scoreRow("always 'up'", actualUp, new Int32Array(n).fill(1)), scoreRow("always 'down'", actualUp, new Int32Array(n))];
  return { rows: [modelRow, ...constants], verdict: verdictAgainstBaselines(modelRow, constants, n) };
}
