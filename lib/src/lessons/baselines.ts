// Baselines (lesson 07): what an up/down classifier must beat before anyone believes it — the majority class,
// "same direction as the last move" (persistence) and a logistic regression on the same window — plus the
// lecture's leaks, rebuilt on purpose so a notebook can show what they falsely add, and a price-with-predictions
// figure.
import * as tf from "@tensorflow/tfjs";
import { fitStandardizer, Matrix, slidingWindows, upDownLabels, UpDownDataset, UpDownPart } from "../data/features";
import { permutation, seededRng } from "../course/random";
import { accuracy, majorityBaseline } from "../course/metrics";
import { plotSpec, Figure, FigureOptions } from "../show/plot";
import { ownOptimizer } from "../course/models";
import { noteLibraryCall } from "../course/calls";

/**
 * Persistence ("same as the last move"): for reference time t, predict 1 ("up") when close[t] > close[t - lag],
 * else 0 — the direction of the last `lag` steps, carried forward. Use lag = horizon to compare like with like
 * (the label is close[t + horizon] > close[t]). A flat last move predicts 0, as the label calls a flat future 0.
 */
export function persistencePredictions(close: ArrayLike<number>, refs: ArrayLike<number>, lag = 1): Int32Array {
  if (!Number.isInteger(lag) || lag < 1) throw new Error(`persistencePredictions: lag must be a whole number >= 1, got ${lag}`);
  const out = new Int32Array(refs.length);
  for (let k = 0; k < refs.length; k++) {
    const t = refs[k];
    if (!Number.isInteger(t) || t - lag < 0 || t >= close.length) {
      throw new Error(`persistencePredictions: reference time ${t} (sample ${k}) needs close[${t - lag}] and close[${t}], but close has ${close.length} values`);
    }
    const a = close[t - lag];
    const b = close[t];
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`persistencePredictions: close ${Number.isFinite(a) ? t : t - lag} is not a finite number`);
    out[k] = b > a ? 1 : 0;
  }
  return out;
}

export interface LogisticRegressionOptions {
  /** [steps, features] of one window; it is flattened into steps * features inputs. */
  inputShape: [number, number];
  /** L2 penalty on the weights (default 1e-4): a window of 60 x 8 is 480 inputs, easy to overfit. */
  l2?: number;
  learningRate?: number;
}

/**
 * Logistic regression on the flattened window: Flatten -> Dense(2, softmax), which is the two-class logistic
 * regression written the way the LSTM's head is written (same loss, same labels, same predictClasses).
 */
export function buildLogisticRegression(opts: LogisticRegressionOptions): tf.Sequential {
  const { inputShape, l2 = 1e-4, learningRate = 1e-3 } = opts;
  if (!Array.isArray(inputShape) || inputShape.length !== 2) {
    throw new Error(`buildLogisticRegression: inputShape must be [steps, features], got ${JSON.stringify(inputShape)}`);
  }
  const model = tf.sequential({ name: "logistic_regression" });
  model.add(tf.layers.flatten({ inputShape }));
  model.add(tf.layers.dense({ units: 2, activation: "softmax", kernelRegularizer: l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return ownOptimizer(model); // model.dispose() frees Adam's tensors too
}

export interface BaselineRow {
  model: string;
  accuracy: number;
  /** Share of test samples predicted "up". */
  predictedUp: number;
  note: string;
}

/** The majority class of the training labels, predicted for every test sample. */
export function majorityPredictions(trainLabels: ArrayLike<number>, n: number): { cls: number; predictions: Int32Array } {
  noteLibraryCall("majorityPredictions");
  const { cls } = majorityBaseline(trainLabels, [] as number[]);
  return { cls, predictions: new Int32Array(n).fill(cls) };
}

/** One table row: accuracy on the test labels and how often the model said "up". */
export function scoreRow(model: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, note = ""): BaselineRow {
  let up = 0;
  for (let i = 0; i < yPred.length; i++) up += yPred[i] === 1 ? 1 : 0;
  return { model, accuracy: accuracy(yTrue, yPred), predictedUp: up / Math.max(yPred.length, 1), note };
}

/**
 * The lab's test windows: the held-out period's features standardised with the held-out period's own mean and
 * std (the lab called `preprocessing.scale` on it separately), at the same reference times as `ds.test`, so the
 * same trained model can be scored both ways. `features` are the unscaled rows given to makeUpDownDataset.
 */
export function testWindowsScaledOnTheirOwn(features: Matrix, ds: UpDownDataset): Float32Array {
  const { start, end } = ds.ranges.test;
  const own = fitStandardizer(features.slice(start, end), end - start);
  return slidingWindows(own.apply(features), ds.window, { refs: ds.test.refs }).data;
}

export interface LeakyOptions {
  features: Matrix;
  close: ArrayLike<number>;
  window: number;
  horizon: number;
  /** Share of all windows drawn at random for the test part (default 0.05). */
  testFraction?: number;
  seed?: number;
}

export interface LeakyDataset {
  train: UpDownPart;
  test: UpDownPart;
  window: number;
  d: number;
  lines: string;
}

/**
 * What not to do, on purpose: standardise with statistics of ALL rows (the test period included), then shuffle
 * every window and draw the test part at random, so test windows sit between training windows that overlap them
 * in time (and whose inputs contain the very price moves that decide the test labels).
 */
export function makeLeakyUpDownDataset(opts: LeakyOptions): LeakyDataset {
  const { features, close, window, horizon, testFraction = 0.05, seed = 42 } = opts;
  if (close.length !== features.length) throw new Error(`makeLeakyUpDownDataset: features have ${features.length} rows but close has ${close.length} values`);
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`makeLeakyUpDownDataset: testFraction must be in (0, 1), got ${testFraction}`);
  const labels = upDownLabels(close, horizon);
  const scaler = fitStandardizer(features, features.length); // every row, the future included: the leak
  const all = slidingWindows(scaler.apply(features), window, { labels });
  const n = all.refs.length;
  const order = permutation(n, seededRng(seed));
  const nTest = Math.round(n * testFraction);
  const d = all.shape[2];
  const per = window * d;
  const take = (idx: number[]): UpDownPart => {
    const sorted = [...idx].sort((a, b) => a - b); // keep time order inside a part; the mixing is across parts
    const x = new Float32Array(sorted.length * per);
    const y = new Int32Array(sorted.length);
    const refs = new Int32Array(sorted.length);
    sorted.forEach((k, i) => {
      x.set(all.data.subarray(k * per, (k + 1) * per), i * per);
      y[i] = all.labels![k];
      refs[i] = all.refs[k];
    });
    const up = y.reduce((a, b) => a + b, 0);
    return { x, y, refs, n: y.length, upRate: y.length ? up / y.length : NaN };
  };
  const test = take(order.slice(0, nTest));
  const train = take(order.slice(nTest));
  const lines = `leaky split: ${n.toLocaleString("en-US")} windows scaled with all rows' statistics, shuffled, ${train.n.toLocaleString("en-US")} train / ${test.n.toLocaleString("en-US")} test drawn at random`;
  return { train, test, window, d, lines };
}

/** Tensors of one part: x [n, window, d] and float32 labels [n]. The caller disposes them. */
export function partTensors(part: UpDownPart, window: number, d: number): { x: tf.Tensor3D; y: tf.Tensor1D } {
  return { x: tf.tensor3d(part.x, [part.n, window, d]), y: tf.tensor1d(part.y, "float32") };
}

export interface PricePredictionOptions extends FigureOptions {
  /** Unix seconds of each point (x axis as dates). */
  time: ArrayLike<number>;
  price: ArrayLike<number>;
  /** Predicted class per point: 1 up, 0 down. */
  predicted: ArrayLike<number>;
  /** True class per point; when given, wrong predictions are drawn hollow. */
  actual?: ArrayLike<number>;
  yLabel?: string;
  logY?: boolean;
}

/**
 * Price line with a marker per prediction: a green triangle pointing up for a predicted rise, a red one pointing
 * down for a predicted fall; filled when right, hollow when wrong (if the true labels are given).
 */
export async function plotPricePredictions(opts: PricePredictionOptions): Promise<Figure> {
  const { time, price, predicted, actual } = opts;
  const n = time.length;
  if (price.length !== n || predicted.length !== n || (actual && actual.length !== n)) {
    throw new Error(`plotPricePredictions: time has ${n} values, price ${price.length}, predicted ${predicted.length}${actual ? `, actual ${actual.length}` : ""}; they must match`);
  }
  const values: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(price[i]) || !Number.isFinite(time[i])) throw new Error(`plotPricePredictions: point ${i} is not finite (time ${time[i]}, price ${price[i]})`);
    values.push({
      t: time[i] * 1000,
      price: price[i],
      call: predicted[i] === 1 ? "predicted up" : "predicted down",
      result: actual ? (actual[i] === predicted[i] ? "right" : "wrong") : "right",
    });
  }
  const x = { field: "t", type: "temporal", title: "time (UTC)" };
  const y = { field: "price", type: "quantitative", title: opts.yLabel ?? "price", scale: opts.logY ? { type: "log" } : { zero: false } };
  return plotSpec(
    {
      data: { values },
      layer: [
        { mark: { type: "line", color: "#888", strokeWidth: 1 }, encoding: { x, y } },
        {
          mark: { type: "point", size: 28, strokeWidth: 1 },
          encoding: {
            x,
            y,
            shape: { field: "call", type: "nominal", scale: { domain: ["predicted up", "predicted down"], range: ["triangle-up", "triangle-down"] }, title: null },
            color: { field: "call", type: "nominal", scale: { domain: ["predicted up", "predicted down"], range: ["#1a9850", "#d73027"] }, title: null },
            fill: {
              condition: { test: "datum.result === 'right'", field: "call", type: "nominal", scale: { domain: ["predicted up", "predicted down"], range: ["#1a9850", "#d73027"] } },
              value: "transparent",
              legend: null,
            },
          },
        },
      ],
    },
    { width: 640, height: 280, ...opts },
  );
}

export interface Verdict {
  model: string;
  accuracy: number;
  best: BaselineRow;
  /** model accuracy minus the best baseline's. */
  difference: number;
  /** Standard error of an accuracy near the best baseline's on n test samples: sqrt(p(1-p)/n). */
  standardError: number;
  beats: boolean;
  text: string;
}

/**
 * Compares one row with the best of the baseline rows on the same n test samples, and says it in one line. The
 * model "beats" the baselines only when it is ahead by more than two standard errors of an accuracy on n samples;
 * a smaller lead is reported as within noise, and a deficit as such.
 */
export function verdictAgainstBaselines(model: BaselineRow, baselines: BaselineRow[], n: number): Verdict {
  if (baselines.length === 0) throw new Error("verdictAgainstBaselines: no baselines given");
  if (!Number.isInteger(n) || n < 1) throw new Error(`verdictAgainstBaselines: n must be a whole number >= 1 (test samples), got ${n}`);
  const best = baselines.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const difference = model.accuracy - best.accuracy;
  const p = Math.min(Math.max(best.accuracy, 1e-9), 1 - 1e-9);
  const standardError = Math.sqrt((p * (1 - p)) / n);
  const beats = difference > 2 * standardError;
  const f = (v: number) => v.toFixed(4);
  const how = beats
    ? "better by more than 2 standard errors"
    : difference > 0
      ? "ahead, but within 2 standard errors: not distinguishable from noise"
      : difference === 0
        ? "exactly level"
        : Math.abs(difference) > 2 * standardError
          ? "worse by more than 2 standard errors"
          : "behind, within 2 standard errors";
  const text = `${model.model} ${f(model.accuracy)} vs best baseline '${best.model}' ${f(best.accuracy)}: difference ${difference >= 0 ? "+" : ""}${f(difference)}, 2 standard errors = ${f(2 * standardError)} on ${n} test samples -> ${how}`;
  return { model: model.model, accuracy: model.accuracy, best, difference, standardError, beats, text };
}
