// Training callbacks: the three things rl.fit adds to tfjs's model.fit, each a tf.Callback of its own, so that a
// cell training with tfjs directly can use them too:
//
//   await model.fit(x, y, { epochs: 20, validationSplit: 0.1,
//                           callbacks: [rl.nanGuard(), rl.earlyStopping({ patience: 3 }), rl.checkpoint(model, "lstm")] });
//
//  - nanGuard: stops where NaN or Infinity arises (a too-high learning rate, an exploding gradient), naming the
//    epoch, the batch and the first layer whose weights or outputs went non-finite;
//  - earlyStopping: stops when a validation number has not improved for `patience` epochs and puts the best epoch's
//    weights back (tf.callbacks.earlyStopping stops but keeps the last weights);
//  - checkpoint: saves the model (with its optimizer, the epochs done and their history) after every epoch, so a
//    kernel that dies mid-training keeps its last finished epoch.
//
// Passed together, in that order, they agree: after a non-finite batch neither early stopping nor the checkpoint
// acts on the broken weights, and the checkpoint holds the weights early stopping restored. An epoch cut short by
// Jupyter's Interrupt counts for none of them.
import * as tf from "@tensorflow/tfjs";
import { saveModel } from "./modelfiles";
import { stopRequested } from "./interrupt";

type UnresolvedLogs = Record<string, number | tf.Scalar>;

/** What fit's checkpoint stored with the model: its name, the epochs it finished and their numbers. */
export interface CheckpointInfo {
  name: string;
  epochsDone: number;
  history: Record<string, number[]>;
}

/** The checkpoint record of a model loaded from a checkpoint, or undefined for any other model. */
export function checkpointInfo(model: tf.LayersModel): CheckpointInfo | undefined {
  const meta = model.getUserDefinedMetadata() as { rnnlabCheckpoint?: CheckpointInfo } | undefined;
  return meta?.rnnlabCheckpoint;
}

/** The callbacks' shared view of one training run of a model. */
interface RunState {
  /** Set by the NaN guard when training went non-finite: the message. */
  problem?: string;
  /** Set by early stopping when it put the best epoch's weights back at the end. */
  restoredBest?: boolean;
}
const runs = new WeakMap<tf.LayersModel, RunState>();
function runOf(model: tf.LayersModel): RunState {
  let s = runs.get(model);
  if (!s) runs.set(model, (s = {}));
  return s;
}

/** tfjs hands callbacks the batch's numbers as scalars: read them into plain numbers (as tf.CustomCallback does). */
async function readLogs(logs: UnresolvedLogs | undefined): Promise<Record<string, number>> {
  if (!logs) return {};
  const keys = Object.keys(logs).filter((k) => typeof logs[k] !== "number");
  if (keys.length) {
    const scalars = keys.map((k) => logs[k] as tf.Scalar);
    const values = await Promise.all(scalars.map((s) => s.data()));
    keys.forEach((k, i) => (logs[k] = values[i][0]));
    tf.dispose(scalars);
  }
  return logs as Record<string, number>;
}

/** What the callbacks share: the model's name in messages, and whether an Interrupt cut the epoch short. */
abstract class RnnlabCallback extends tf.Callback {
  protected lastBatch = -1;
  protected epochNow = 0;

  constructor(
    private readonly label?: string,
    /** The model as its user holds it (tfjs hands a Sequential's callbacks the functional model inside it). */
    private readonly given?: tf.LayersModel,
  ) {
    super();
  }

  /** How messages name the training: `fit(name)`. */
  protected get where(): string {
    return `fit(${this.label ?? this.given?.name ?? this.model?.name ?? "model"})`;
  }

  /** The model being trained, as tfjs hands it to callbacks. */
  protected get trained(): tf.LayersModel {
    if (!this.model) throw new Error(`${this.constructor.name}: used outside model.fit`);
    return this.model as unknown as tf.LayersModel;
  }

  /** The model as the user holds it: the one given, else the trained one. */
  protected get userModel(): tf.LayersModel {
    return this.given ?? this.trained;
  }

  /** The layers as the user counts them: a Sequential's, or the trained model's without its input layers. */
  protected get userLayers(): tf.layers.Layer[] {
    if (this.given) return this.given.layers;
    return this.trained.layers.filter((l) => l.getClassName() !== "InputLayer");
  }

  override async onTrainBegin(): Promise<void> {
    this.lastBatch = -1;
    runs.set(this.trained, {});
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epochNow = epoch;
    this.lastBatch = -1;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    this.lastBatch = batch;
  }

  /** True after an Interrupt that stopped training before the epoch's last batch: the epoch did not finish. */
  protected epochCut(): boolean {
    const p = this.params as { samples?: number; steps?: number | null; batchSize?: number };
    const batches = p.steps ?? Math.ceil((p.samples ?? 0) / (p.batchSize ?? 32));
    return stopRequested() && this.lastBatch + 1 < batches;
  }

  /** The NaN guard found non-finite values in this run. */
  protected get wentNonFinite(): boolean {
    return this.model != null && runOf(this.trained).problem !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// NaN guard. Per batch it costs the loss tfjs already reads and a clone of the weights from before the batch (shared
// data on cpu and WebGPU, a memory copy of the weights on wasm: small next to a batch's work); the weights are read
// only when the loss goes non-finite, and once at the end of each epoch (asynchronously, one number per weight).

/** Index of the first tensor holding NaN or ±Infinity, or -1 (one asynchronous read; x * 0 is 0 only for finite x). */
async function firstNonFinite(ts: tf.Tensor[]): Promise<number> {
  if (ts.length === 0) return -1;
  const flags = tf.tidy(() => tf.stack(ts.map((t) => tf.sum(tf.mul(t.toFloat(), 0)))));
  const v = await flags.data();
  flags.dispose();
  return v.findIndex((f) => f !== 0);
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

export interface NanGuardOptions {
  /** How messages name the training (default: the model's name): "fit(name): the loss became NaN ...". */
  name?: string;
  /** The model being trained, so that messages count its layers as it does (default: the one tfjs hands over). */
  model?: tf.LayersModel;
  /** The training inputs: with them, a forward pass that overflowed names the first layer whose outputs did. */
  inputs?: tf.Tensor | tf.Tensor[];
  /** Batch size for that search (default: fit's). */
  batchSize?: number;
  /** Throw the message when training ends (default true); false leaves it in `problem` (rl.fit throws it itself). */
  throws?: boolean;
}

/** Stops training at the first NaN or Infinity in the loss or the weights and says where it came from. */
export class NanGuardCallback extends RnnlabCallback {
  /** The weights' values from before the current batch. */
  private before: tf.Tensor[] = [];
  /** Set when training went non-finite: the message. */
  problem?: string;

  constructor(private readonly opts: NanGuardOptions = {}) {
    super(opts.name, opts.model);
  }

  override async onTrainBegin(): Promise<void> {
    await super.onTrainBegin();
    this.problem = undefined;
  }

  override async onBatchBegin(): Promise<void> {
    tf.dispose(this.before);
    this.before = this.trained.weights.map((w) => tf.clone(w.read()));
  }

  override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    await super.onBatchEnd(batch);
    const loss = (await readLogs(logs)).loss;
    if (await this.batchEnd(this.epochNow, batch, loss)) this.stop();
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    if (this.epochCut() || this.problem) return;
    if (await this.epochEnd(epoch, this.lastBatch + 1)) this.stop();
  }

  override async onTrainEnd(): Promise<void> {
    this.dispose();
    if (this.problem && (this.opts.throws ?? true)) throw new Error(this.problem);
  }

  private stop(): void {
    runOf(this.trained).problem = this.problem;
    this.trained.stopTraining = true;
  }

  /** "layer 'lstm_1' (the 2nd layer), its kernel" for the model's k-th weight. */
  private weightPlace(k: number): string {
    const w = this.trained.weights[k];
    const layers = this.userLayers;
    const index = layers.findIndex((l) => l.weights.some((lw) => lw.name === w.name));
    const layer = layers[index];
    const short = w.originalName.split("/").pop();
    return layer ? `layer '${layer.name}' (the ${ordinal(index + 1)} layer), its ${short}` : `weight '${w.name}'`;
  }

  /** After each batch: true when training must stop (the message is in `problem`). */
  private async batchEnd(epoch: number, batch: number, loss: number | undefined): Promise<boolean> {
    if (loss === undefined || Number.isFinite(loss)) return false;
    const at = `epoch ${epoch + 1}, batch ${batch + 1}`;
    const head = `${this.where}: the loss became NaN or infinite at ${at} (loss ${loss}); training stopped.`;
    const k = await firstNonFinite(this.before);
    if (k >= 0) {
      const when = batch > 0 ? `by the update of batch ${batch}` : epoch > 0 ? "before this epoch" : "before training started";
      this.problem = `${head} The weights had gone non-finite ${when}: first ${this.weightPlace(k)}. Lower the learning rate.`;
      return true;
    }
    // The weights were finite before this batch: its forward pass overflowed. Put them back and find the first layer
    // whose outputs are not finite (the update with a NaN loss wrote NaN into every weight).
    this.trained.setWeights(this.before);
    const where = this.opts.inputs ? await this.firstNonFiniteOutput() : undefined;
    const found =
      where ??
      (this.opts.inputs
        ? "every layer's outputs are finite, so the loss itself went non-finite (outputs too large for it, or targets it cannot take)"
        : "the layer whose outputs overflowed is named when nanGuard is given the inputs ({ inputs: x })");
    this.problem =
      `${head} The weights were finite before this batch; ${found}. ` +
      "Lower the learning rate, or check the inputs' scale. The model keeps the weights from before this batch; compile it again (a fresh optimizer) before training on.";
    return true;
  }

  /** After each epoch: the weights after its last update (they feed no loss until the next epoch). */
  private async epochEnd(epoch: number, batches: number): Promise<boolean> {
    const k = await firstNonFinite(this.trained.weights.map((w) => w.read()));
    if (k < 0) return false;
    this.problem =
      `${this.where}: the weights went non-finite at epoch ${epoch + 1} (found after its last batch, ${batches}; every batch's loss was finite): ` +
      `first ${this.weightPlace(k)}. Lower the learning rate.`;
    return true;
  }

  /** "the outputs of layer 'x' (the 2nd layer) went non-finite first (sample 17)", or undefined if all are finite. */
  private async firstNonFiniteOutput(): Promise<string | undefined> {
    const model = this.userModel;
    const layers = this.userLayers;
    const xs = Array.isArray(this.opts.inputs) ? this.opts.inputs : [this.opts.inputs!];
    const batchSize = this.opts.batchSize ?? (this.params as { batchSize?: number }).batchSize ?? 32;
    let probe: tf.LayersModel;
    try {
      probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tf.SymbolicTensor) });
    } catch {
      return undefined; // a layer used twice has no single output to look at
    }
    const n = xs[0].shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const outs = tf.tidy(() => {
        const o = probe.predict(xs.map((x) => x.slice(start, size)));
        return Array.isArray(o) ? o : [o];
      });
      // Per layer, per sample: is anything in it non-finite?
      const bad = tf.tidy(() => tf.stack(outs.map((t) => tf.any(tf.logicalNot(tf.isFinite(t.reshape([size, -1]))), 1))));
      const flags = await bad.data();
      tf.dispose([bad, ...outs]);
      const i = flags.findIndex((f) => f !== 0);
      if (i >= 0) {
        const layer = Math.floor(i / size);
        return `the outputs of layer '${layers[layer].name}' (the ${ordinal(layer + 1)} layer) went non-finite first (sample ${start + (i % size)} of the inputs)`;
      }
    }
    return undefined;
  }

  /** Frees the weights kept from before the current batch (done at the end of training). */
  dispose(): void {
    tf.dispose(this.before);
    this.before = [];
  }
}

/** A NaN guard for model.fit's callbacks: `callbacks: [rl.nanGuard({ inputs: x })]`. */
export function nanGuard(opts: NanGuardOptions = {}): NanGuardCallback {
  return new NanGuardCallback(opts);
}

// ---------------------------------------------------------------------------------------------------------------
// Early stopping with the best weights restored.

export interface EarlyStoppingOptions {
  /** Epochs without improvement before training stops. */
  patience: number;
  /** The epoch log watched (default 'val_loss'). */
  monitor?: string;
  /** 'min' or 'max' (default: 'max' for an accuracy, else 'min'). */
  mode?: "min" | "max";
  /** How messages name the training (default: the model's name). */
  name?: string;
}

/** Stops when the monitored number has not improved for `patience` epochs, and puts the best epoch's weights back. */
export class EarlyStoppingCallback extends RnnlabCallback {
  readonly patience: number;
  readonly monitor: string;
  readonly mode: "min" | "max";
  /** The best value seen, and the epoch (1-based) it came from. */
  best: number;
  bestEpoch?: number;
  private bestWeights?: tf.Tensor[];
  private waited = 0;

  constructor(opts: EarlyStoppingOptions) {
    super(opts.name);
    this.patience = opts.patience;
    this.monitor = opts.monitor ?? "val_loss";
    this.mode = opts.mode ?? (this.monitor.includes("acc") ? "max" : "min");
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  override async onTrainBegin(): Promise<void> {
    await super.onTrainBegin();
    this.dispose();
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.bestEpoch = undefined;
    this.waited = 0;
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    if (this.epochCut()) return;
    if (this.wentNonFinite) return this.dispose(); // nothing to restore: the NaN guard stopped training
    const numbers = await readLogs(logs);
    const v = numbers[this.monitor];
    if (v === undefined) {
      throw new Error(`${this.where}: early stopping watches '${this.monitor}' but the epoch logs hold ${Object.keys(numbers).join(", ")}`);
    }
    const better = this.mode === "min" ? v < this.best : v > this.best;
    if (better) {
      this.best = v;
      this.bestEpoch = epoch + 1;
      this.waited = 0;
      this.bestWeights?.forEach((t) => t.dispose());
      this.bestWeights = this.trained.getWeights().map((w) => w.clone());
    } else if (++this.waited >= this.patience) {
      this.trained.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.wentNonFinite && this.bestWeights && this.bestEpoch !== undefined) {
      this.trained.setWeights(this.bestWeights);
      runOf(this.trained).restoredBest = true;
    }
    this.dispose();
  }

  /** Frees the kept weights (done at the end of training). */
  dispose(): void {
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = undefined;
  }
}

/** Early stopping for model.fit's callbacks: `callbacks: [rl.earlyStopping({ patience: 3 })]`. */
export function earlyStopping(opts: EarlyStoppingOptions): EarlyStoppingCallback {
  return new EarlyStoppingCallback(opts);
}

// ---------------------------------------------------------------------------------------------------------------
// Checkpoint.

export interface CheckpointOptions {
  /** The name stored with the model (checkpointInfo(model).name; default: the model's name). */
  name?: string;
}

/**
 * Saves the model after every finished epoch under a name in build/models (or to a URL), with the epochs done and
 * their history (`rl.checkpointInfo(model)`); `rl.loadModel(name)` gets it back. When early stopping put the best
 * weights back, the checkpoint is saved once more, so it holds what training ended with.
 */
export class CheckpointCallback extends RnnlabCallback {
  /** Where the last save went; undefined before the first. */
  url?: string;
  /** The finished epochs' numbers. */
  readonly history: Record<string, number[]> = {};

  constructor(
    /** The model being trained: the one saved (tfjs hands a Sequential's callbacks the functional model inside it). */
    private readonly saved: tf.LayersModel,
    readonly target: string,
    private readonly opts: CheckpointOptions = {},
  ) {
    super(opts.name, saved);
  }

  override async onTrainBegin(): Promise<void> {
    await super.onTrainBegin();
    for (const k of Object.keys(this.history)) delete this.history[k];
    this.url = undefined;
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    if (this.epochCut()) return;
    for (const [k, v] of Object.entries(await readLogs(logs))) (this.history[k] ??= []).push(v);
    if (this.wentNonFinite) return;
    await this.save(epoch + 1);
  }

  override async onTrainEnd(): Promise<void> {
    const run = runOf(this.trained);
    if (run.restoredBest && !run.problem) await this.save((this.history.loss ?? []).length);
  }

  private async save(epochsDone: number): Promise<void> {
    const model = this.saved;
    const name = this.opts.name ?? model.name;
    model.setUserDefinedMetadata({ rnnlabCheckpoint: { name, epochsDone, history: this.history } satisfies CheckpointInfo });
    this.url = await saveModel(model, this.target);
  }
}

/** A checkpoint of `model` for its fit's callbacks: `callbacks: [rl.checkpoint(model, "lstm")]`. */
export function checkpoint(model: tf.LayersModel, target: string, opts: CheckpointOptions = {}): CheckpointCallback {
  return new CheckpointCallback(model, target, opts);
}
