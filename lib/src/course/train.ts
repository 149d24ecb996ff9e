// Training: one trainer reused by every lesson — checks the data, shows live progress, stops on NaN with a clear
// message, returns the per-epoch numbers, and leaves no tensors behind.
import * as tf from "@tensorflow/tfjs";
import { TrainingProgress } from "../show/progress";
import { plotTrainingCurves, Figure } from "../show/plot";
import { saveModel } from "./modelfiles";
import { Interrupted, recordStop, stopRequested } from "./interrupt";

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

/** What fit's checkpoint stored with the model: its name, the epochs it finished and their numbers. */
export interface CheckpointInfo {
  name: string;
  epochsDone: number;
  history: Record<string, number[]>;
}

/** The checkpoint record of a model loaded from fit's checkpoint, or undefined for any other model. */
export function checkpointInfo(model: tf.LayersModel): CheckpointInfo | undefined {
  const meta = model.getUserDefinedMetadata() as { rnnlabCheckpoint?: CheckpointInfo } | undefined;
  return meta?.rnnlabCheckpoint;
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

// ---------------------------------------------------------------------------------------------------------------
// NaN guard: fit stops where NaN or Infinity arises during training (a too-high learning rate, an exploding
// gradient), naming the epoch, the batch and the first layer whose weights or outputs went non-finite. Per batch it
// costs the loss tfjs already reads and a clone of the weights from before the batch (shared data on cpu and WebGPU,
// a memory copy of the weights on wasm: small next to a batch's work); the weights are read only when the loss goes
// non-finite, and once at the end of each epoch (asynchronously, one number per weight).

/** Index of the first tensor holding NaN or ±Infinity, or -1 (one asynchronous read; x * 0 is 0 only for finite x). */
async function firstNonFinite(ts: tf.Tensor[]): Promise<number> {
  if (ts.length === 0) return -1;
  const flags = tf.tidy(() => tf.stack(ts.map((t) => tf.sum(tf.mul(t.toFloat(), 0)))));
  const v = await flags.data();
  flags.dispose();
  return v.findIndex((f) => f !== 0);
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

class NanGuard {
  /** The weights' values from before the current batch. */
  private before: tf.Tensor[] = [];
  /** Set when training went non-finite: the message fit throws. */
  problem?: string;

  constructor(
    private model: tf.LayersModel,
    private name: string,
    private xs: tf.Tensor[],
    private batchSize: number,
  ) {}

  /** "layer 'lstm_1' (the 2nd layer), its kernel" for the model's k-th weight. */
  private weightPlace(k: number): string {
    const w = this.model.weights[k];
    const index = this.model.layers.findIndex((l) => l.weights.some((lw) => lw.name === w.name));
    const layer = this.model.layers[index];
    const short = w.originalName.split("/").pop();
    return layer ? `layer '${layer.name}' (the ${ordinal(index + 1)} layer), its ${short}` : `weight '${w.name}'`;
  }

  batchBegin(): void {
    tf.dispose(this.before);
    this.before = this.model.weights.map((w) => tf.clone(w.read()));
  }

  /** After each batch: true when training must stop (the message is in `problem`). */
  async batchEnd(epoch: number, batch: number, loss: number | undefined): Promise<boolean> {
    if (loss === undefined || Number.isFinite(loss)) return false;
    const at = `epoch ${epoch + 1}, batch ${batch + 1}`;
    const head = `fit(${this.name}): the loss became NaN or infinite at ${at} (loss ${loss}); training stopped.`;
    const k = await firstNonFinite(this.before);
    if (k >= 0) {
      const when = batch > 0 ? `by the update of batch ${batch}` : epoch > 0 ? "before this epoch" : "before training started";
      this.problem = `${head} The weights had gone non-finite ${when}: first ${this.weightPlace(k)}. Lower the learning rate.`;
      return true;
    }
    // The weights were finite before this batch: its forward pass overflowed. Put them back and find the first layer
    // whose outputs are not finite (the update with a NaN loss wrote NaN into every weight).
    this.model.setWeights(this.before);
    const where = await this.firstNonFiniteOutput();
    this.problem =
      `${head} The weights were finite before this batch; ${where ?? "every layer's outputs are finite, so the loss itself went non-finite (outputs too large for it, or targets it cannot take)"}. ` +
      "Lower the learning rate, or check the inputs' scale. The model keeps the weights from before this batch; compile it again (a fresh optimizer) before training on.";
    return true;
  }

  /** After each epoch: the weights after its last update (they feed no loss until the next epoch). */
  async epochEnd(epoch: number, batches: number): Promise<boolean> {
    const k = await firstNonFinite(this.model.weights.map((w) => w.read()));
    if (k < 0) return false;
    this.problem =
      `fit(${this.name}): the weights went non-finite at epoch ${epoch + 1} (found after its last batch, ${batches}; every batch's loss was finite): ` +
      `first ${this.weightPlace(k)}. Lower the learning rate.`;
    return true;
  }

  /** "the outputs of layer 'x' (the 2nd layer) went non-finite first (sample 17)", or undefined if all are finite. */
  private async firstNonFiniteOutput(): Promise<string | undefined> {
    let probe: tf.LayersModel;
    try {
      probe = tf.model({ inputs: this.model.inputs, outputs: this.model.layers.map((l) => l.output as tf.SymbolicTensor) });
    } catch {
      return undefined; // a layer used twice has no single output to look at
    }
    const n = this.xs[0].shape[0];
    for (let start = 0; start < n; start += this.batchSize) {
      const size = Math.min(this.batchSize, n - start);
      const outs = tf.tidy(() => {
        const o = probe.predict(this.xs.map((x) => x.slice(start, size)));
        return Array.isArray(o) ? o : [o];
      });
      // Per layer, per sample: is anything in it non-finite?
      const bad = tf.tidy(() => tf.stack(outs.map((t) => tf.any(tf.logicalNot(tf.isFinite(t.reshape([size, -1]))), 1))));
      const flags = await bad.data();
      tf.dispose([bad, ...outs]);
      const i = flags.findIndex((f) => f !== 0);
      if (i >= 0) {
        const layer = Math.floor(i / size);
        return `the outputs of layer '${this.model.layers[layer].name}' (the ${ordinal(layer + 1)} layer) went non-finite first (sample ${start + (i % size)} of the inputs)`;
      }
    }
    return undefined;
  }

  dispose(): void {
    tf.dispose(this.before);
    this.before = [];
  }
}

/** Trains a compiled tf.LayersModel with live progress; returns its per-epoch numbers. */
export async function fit(model: tf.LayersModel, x: Tensors, y: Tensors, opts: FitOptions = {}): Promise<FitResult> {
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
  const progress = opts.verbose === false ? undefined : new TrainingProgress({ name, epochs, batchesPerEpoch: Math.ceil(nTrain / batchSize) });

  const es = opts.earlyStopping;
  const monitor = es?.monitor ?? "val_loss";
  const mode = es?.mode ?? (monitor.includes("acc") ? "max" : "min");
  let best = mode === "min" ? Infinity : -Infinity;
  let bestEpoch: number | undefined;
  let bestWeights: tf.Tensor[] | undefined;
  let waited = 0;
  const guard = new NanGuard(model, name, xs, batchSize);
  let epochNow = 0;

  const started = Date.now();
  const history: Record<string, number[]> = {};
  let checkpointUrl: string | undefined;
  const checkpoint = async (epochsDone: number) => {
    if (!opts.checkpoint) return;
    model.setUserDefinedMetadata({ rnnlabCheckpoint: { name, epochsDone, history } satisfies CheckpointInfo });
    checkpointUrl = await saveModel(model, opts.checkpoint);
  };
  const user = opts.callbacks ?? {};
  const batchesPerEpoch = Math.ceil(nTrain / batchSize);
  let lastBatch = -1;
  try {
    await model.fit(x, y, {
      epochs,
      batchSize,
      validationData: opts.validationData,
      validationSplit: opts.validationSplit,
      shuffle: opts.shuffle ?? true,
      verbose: 0,
      callbacks: {
        onEpochBegin: async (epoch, logs) => {
          epochNow = epoch;
          progress?.epochStart(epoch);
          await user.onEpochBegin?.(epoch, logs);
        },
        onBatchBegin: async (batch, logs) => {
          guard.batchBegin();
          await user.onBatchBegin?.(batch, logs);
        },
        onBatchEnd: async (batch, logs) => {
          if (await guard.batchEnd(epochNow, batch, logs?.loss)) model.stopTraining = true;
          lastBatch = batch;
          progress?.batchEnd(batch, logs as Record<string, number>);
          await user.onBatchEnd?.(batch, logs);
        },
        onEpochEnd: async (epoch, logs = {}) => {
          if (stoppedMidEpoch(lastBatch, batchesPerEpoch)) return; // an Interrupt: the epoch did not finish
          for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v as number);
          progress?.epochEnd(epoch, logs as Record<string, number>);
          if (guard.problem || (await guard.epochEnd(epoch, lastBatch + 1))) {
            model.stopTraining = true;
            return;
          }
          if (es) {
            const v = logs[monitor];
            if (v === undefined) {
              throw new Error(`fit(${name}): early stopping watches '${monitor}' but the epoch logs hold ${Object.keys(logs).join(", ")}`);
            }
            const better = mode === "min" ? v < best : v > best;
            if (better) {
              best = v;
              bestEpoch = epoch + 1;
              waited = 0;
              bestWeights?.forEach((t) => t.dispose());
              bestWeights = model.getWeights().map((w) => w.clone());
            } else if (++waited >= es.patience) {
              model.stopTraining = true;
            }
          }
          await checkpoint(epoch + 1);
          await user.onEpochEnd?.(epoch, logs);
        },
      },
    });
    if (guard.problem) throw new Error(guard.problem);
    if (bestWeights && bestEpoch !== undefined) {
      model.setWeights(bestWeights);
      await checkpoint((history.loss ?? []).length); // the checkpoint holds what fit returns: the best epoch's weights
    }
  } catch (e) {
    if (e instanceof Interrupted) throw fitInterrupted(e, { name, history, started, nTrain, progress, checkpointUrl });
    throw e;
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    guard.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  const epochsRun = (history.loss ?? []).length;
  const result: FitResult = {
    name,
    history,
    epochs: epochsRun,
    seconds,
    samplesPerSecond: (nTrain * epochsRun) / Math.max(seconds, 1e-9),
    bestEpoch: es ? bestEpoch : undefined,
  };
  progress?.finish(
    `${Math.round(result.samplesPerSecond)} samples/s` +
      (es && bestEpoch ? `; kept the weights of epoch ${bestEpoch} (best ${monitor} ${best.toFixed(4)})` : "") +
      (checkpointUrl ? `; checkpoint: ${checkpointUrl}` : ""),
  );
  if (opts.plot) result.figure = await plotTrainingCurves(history, { title: `${name}: training curves` });
  return result;
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
  const seconds = (Date.now() - run.started) / 1000;
  const epochsRun = (run.history.loss ?? []).length;
  const result: FitResult = { name: run.name, history: run.history, epochs: epochsRun, seconds, samplesPerSecond: (run.nTrain * epochsRun) / Math.max(seconds, 1e-9) };
  const place = e.at.epoch ? `epoch ${e.at.epoch}, batch ${e.at.batch}${e.at.batches ? ` of ${e.at.batches}` : ""}` : "its next batch";
  run.progress?.stopped(`stopped at ${place} (Interrupt)`);
  const saved = run.checkpointUrl ? `; checkpoint ${run.checkpointUrl} holds epoch ${epochsRun}` : "";
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
