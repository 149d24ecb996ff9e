// Training: one trainer reused by every lesson — checks the data, shows live progress, stops on NaN with a clear
// message, returns the per-epoch numbers, and leaves no tensors behind.
import * as tf from "@tensorflow/tfjs";
import { TrainingProgress } from "../show/progress";
import { plotTrainingCurves, Figure } from "../show/plot";
import { Interrupted, recordStop, stopRequested } from "./interrupt";
import { CheckpointCallback, EarlyStoppingCallback, NanGuardCallback } from "./callbacks";
import { withNativeAdam } from "./models";
import { shareCores, updateShare } from "./cores";
import { displayLocation } from "../data/files";

export { checkpointInfo } from "./callbacks";
export type { CheckpointInfo } from "./callbacks";

export type Tensors = tf.Tensor | tf.Tensor[];

export interface FitOptions {
  /** Shown in the progress line and in curve legends. */
  name?: string;
  epochs?: number;
  batchSize?: number;
  validationData?: [tf.Tensor, tf.Tensor];
  validationSplit?: number;
  shuffle?: boolean;
  /** Stop when the monitored validation number has not improved for this many epochs, and restore the best weights. */
  earlyStopping?: { patience: number; monitor?: string; mode?: "min" | "max" };
  /** Draw training curves when done (default false: lessons usually compare several runs in one figure). */
  plot?: boolean;
  /** Show live progress (default true). */
  verbose?: boolean;
  /** Extra tf callbacks. */
  callbacks?: tf.CustomCallbackArgs;
  /**
   * Save the model (with its optimizer, the epochs done and the history so far) after every epoch, under this name
   * in build/models (or to this URL), so a kernel that dies mid-training keeps its last finished epoch:
   * `rl.loadModel(name)` gets it back, `rl.checkpointInfo(model)` says how far it got.
   */
  checkpoint?: string;
}

export interface FitResult {
  name: string;
  /** Per-epoch numbers: loss, acc, val_loss, val_acc, ... */
  history: Record<string, number[]>;
  epochs: number;
  seconds: number;
  /** Training samples per second over the whole run (validation included in the time). */
  samplesPerSecond: number;
  /** The epoch (1-based) whose weights the model holds at the end (the best one under early stopping). */
  bestEpoch?: number;
  figure?: Figure;
}

/** Throws a clear error if a tensor holds NaN or Infinity: such values must never flow silently into training. */
export async function assertFinite(t: tf.Tensor, what: string): Promise<void> {
  // Asynchronous reads: on WebGPU in Node.js there is no synchronous read-back from the GPU.
  const flag = tf.tidy(() => tf.logicalNot(tf.isFinite(t.toFloat())).any());
  const bad = (await flag.data())[0];
  flag.dispose();
  if (bad) {
    const data = await t.data();
    let index = -1;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        index = i;
        break;
      }
    }
    const per = t.shape.slice(1).reduce((a, b) => a * b, 1) || 1;
    throw new Error(
      `${what}: value ${data[index]} at sample ${Math.floor(index / per)} (flat index ${index}) of a tensor shaped [${t.shape}]; training needs finite numbers`,
    );
  }
}

function firstDim(t: Tensors): number {
  return (Array.isArray(t) ? t[0] : t).shape[0];
}

/**
 * Trains a compiled tf.LayersModel with live progress; returns its per-epoch numbers. An Adam optimizer runs its
 * update in the native addon where it is active (rl.withNativeAdam: the same numbers as tf's, bit for bit).
 */
export async function fit(model: tf.LayersModel, x: Tensors, y: Tensors, opts: FitOptions = {}): Promise<FitResult> {
  // A plain Adam (tf.train.adam, as lessons 02 and 06 compile their MLP) gets the builders' update in the native addon
  // where it is active: the same numbers bit for bit, one pass per weight instead of eleven ops (withNativeAdam).
  if (model.optimizer && model.optimizer.getClassName() === "Adam") withNativeAdam(model.optimizer as tf.AdamOptimizer);
  const name = opts.name ?? model.name;
  const epochs = opts.epochs ?? 1;
  const batchSize = opts.batchSize ?? 32;
  const xs = Array.isArray(x) ? x : [x];
  const ys = Array.isArray(y) ? y : [y];
  for (const [i, t] of xs.entries()) await assertFinite(t, `fit(${name}): inputs${xs.length > 1 ? `[${i}]` : ""}`);
  for (const [i, t] of ys.entries()) await assertFinite(t, `fit(${name}): targets${ys.length > 1 ? `[${i}]` : ""}`);
  if (firstDim(x) !== firstDim(y)) {
    throw new Error(`fit(${name}): ${firstDim(x)} input samples but ${firstDim(y)} targets`);
  }
  if (opts.validationData) {
    await assertFinite(opts.validationData[0], `fit(${name}): validation inputs`);
    await assertFinite(opts.validationData[1], `fit(${name}): validation targets`);
  }
  const n = firstDim(x);
  const nTrain = opts.validationSplit ? Math.floor(n * (1 - opts.validationSplit)) : n;
  const batchesPerEpoch = Math.ceil(nTrain / batchSize);
  const progress = opts.verbose === false ? undefined : new TrainingProgress({ name, epochs, batchesPerEpoch });

  // The NaN guard, early stopping and the checkpoint are tf callbacks (course/callbacks.ts); fit adds the progress,
  // the history and the user's own callbacks around them.
  const guard = new NanGuardCallback({ name, model, inputs: xs, batchSize, throws: false });
  const es = opts.earlyStopping ? new EarlyStoppingCallback({ ...opts.earlyStopping, name }) : undefined;
  const saver = opts.checkpoint ? new CheckpointCallback(model, opts.checkpoint, { name }) : undefined;
  const started = Date.now();
  const history: Record<string, number[]> = {};
  const user = opts.callbacks ?? {};
  let lastBatch = -1;
  let cut = false;
  // Yields to the event loop as tfjs does for callbacks given as plain functions, so progress shows and an Interrupt
  // is seen while training runs.
  const shown = new tf.CustomCallback({
    onEpochBegin: async (epoch) => {
      progress?.epochStart(epoch);
    },
    onBatchEnd: async (batch, logs) => {
      lastBatch = batch;
      progress?.batchEnd(batch, logs as Record<string, number>);
      updateShare();
    },
    onEpochEnd: async (epoch, logs = {}) => {
      cut = stoppedMidEpoch(lastBatch, batchesPerEpoch);
      if (cut) return; // an Interrupt: the epoch did not finish
      for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v as number);
      progress?.epochEnd(epoch, logs as Record<string, number>);
    },
  });
  // The user's callbacks: after the others, and not for an epoch cut short or gone non-finite.
  const users = new tf.CustomCallback({
    onEpochBegin: async (epoch, logs) => {
      await user.onEpochBegin?.(epoch, logs);
    },
    onBatchBegin: async (batch, logs) => {
      await user.onBatchBegin?.(batch, logs);
    },
    onBatchEnd: async (batch, logs) => {
      await user.onBatchEnd?.(batch, logs);
    },
    onEpochEnd: async (epoch, logs) => {
      if (cut || guard.problem) return;
      await user.onEpochEnd?.(epoch, logs);
    },
  }, "never");
  const callbacks: tf.Callback[] = [guard, shown as unknown as tf.Callback, ...(es ? [es] : []), ...(saver ? [saver] : []), users as unknown as tf.Callback];
  // Other rnnlab kernels training at the same time get their share of the cores (course/cores.ts).
  const unshare = shareCores();
  try {
    await model.fit(x, y, {
      epochs,
      batchSize,
      validationData: opts.validationData,
      validationSplit: opts.validationSplit,
      shuffle: opts.shuffle ?? true,
      verbose: 0,
      callbacks,
    });
    if (guard.problem) throw new Error(guard.problem);
  } catch (e) {
    if (e instanceof Interrupted) throw fitInterrupted(e, { name, history, started, nTrain, progress, checkpointUrl: saver?.url });
    throw e;
  } finally {
    unshare();
    es?.dispose();
    guard.dispose();
  }
  const bestEpoch = es?.bestEpoch;
  const best = es?.best ?? NaN;
  const monitor = es?.monitor;
  const checkpointUrl = saver?.url;
  const result: FitResult = { ...resultSoFar(name, history, started, nTrain), bestEpoch: es ? bestEpoch : undefined };
  progress?.finish(
    `${Math.round(result.samplesPerSecond)} samples/s` +
      (es && bestEpoch ? `; kept the weights of epoch ${bestEpoch} (best ${monitor} ${best.toFixed(4)})` : "") +
      (checkpointUrl ? `; checkpoint: ${displayLocation(checkpointUrl)}` : ""),
  );
  if (opts.plot) result.figure = await plotTrainingCurves(history, { title: `${name}: training curves` });
  return result;
}

/** The result of the epochs in `history`, trained on nTrain samples each since `started`. */
function resultSoFar(name: string, history: Record<string, number[]>, started: number, nTrain: number): FitResult {
  const seconds = (Date.now() - started) / 1000;
  const epochs = (history.loss ?? []).length;
  return { name, history, epochs, seconds, samplesPerSecond: (nTrain * epochs) / Math.max(seconds, 1e-9) };
}

/** True after an Interrupt that stopped training before the epoch's last batch. */
function stoppedMidEpoch(lastBatch: number, batchesPerEpoch: number): boolean {
  return stopRequested() && lastBatch + 1 < batchesPerEpoch;
}

/**
 * rl.fit stopped by an Interrupt: the progress says where, rl.lastInterrupted() holds the finished epochs' result,
 * and the error's one line says what is kept (the model's weights at the stop; a checkpoint of the last finished epoch).
 */
function fitInterrupted(
  e: Interrupted,
  run: { name: string; history: Record<string, number[]>; started: number; nTrain: number; progress?: TrainingProgress; checkpointUrl?: string },
): Interrupted {
  const result = resultSoFar(run.name, run.history, run.started, run.nTrain);
  const epochsRun = result.epochs;
  const place = e.at.epoch ? `epoch ${e.at.epoch}, batch ${e.at.batch}${e.at.batches ? ` of ${e.at.batches}` : ""}` : "its next batch";
  run.progress?.stopped(`stopped at ${place} (Interrupt)`);
  const saved = run.checkpointUrl ? `; checkpoint ${displayLocation(run.checkpointUrl)} holds epoch ${epochsRun}` : "";
  const stop = new Interrupted(
    `fit(${run.name}) stopped at ${place}; the model keeps its weights; ${epochsRun} epoch${epochsRun === 1 ? "" : "s"} finished (their history: rl.lastInterrupted().history)${saved}`,
    e.at,
    run.history,
  );
  stop.result = result;
  return recordStop(stop);
}

/** Predicted class per sample (argmax of the model's output), computed in batches, as plain numbers. */
export async function predictClasses(model: tf.LayersModel, x: tf.Tensor, batchSize = 256): Promise<Int32Array> {
  const out = new Int32Array(x.shape[0]);
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const cls = tf.tidy(() => {
      const part = x.slice(start, size);
      const p = model.predict(part) as tf.Tensor;
      return p.shape[p.shape.length - 1] === 1 ? p.reshape([-1]).greater(0.5).toInt() : p.argMax(-1);
    });
    out.set((await cls.data()) as Int32Array, start);
    cls.dispose();
  }
  return out;
}

/** Class probabilities per sample, computed in batches, as a plain [n][k] array. */
export async function predictProbabilities(model: tf.LayersModel, x: tf.Tensor, batchSize = 256): Promise<number[][]> {
  const rows: number[][] = [];
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const p = tf.tidy(() => model.predict(x.slice(start, size)) as tf.Tensor);
    rows.push(...((await p.array()) as number[][]));
    p.dispose();
  }
  return rows;
}

/** Loss and metrics of a compiled model on data, as named numbers. */
export async function evaluate(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize = 256): Promise<Record<string, number>> {
  const out = model.evaluate(x, y, { batchSize, verbose: 0 });
  const list = Array.isArray(out) ? out : [out];
  const names = model.metricsNames;
  const result: Record<string, number> = {};
  for (const [i, t] of list.entries()) {
    result[names[i] ?? `m${i}`] = (await t.data())[0];
    t.dispose();
  }
  return result;
}
