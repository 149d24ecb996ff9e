// Model builders the lessons call: one function per model in the lecture, rnnlab's fast layers by default (recurrent
// layers, Dropout and BatchNormalization; impl: 'stock' builds the same model from tf.layers).
//
// Labels are class indices (0..k-1) and the loss is sparseCategoricalCrossentropy, which tfjs 4.22 supports (with
// 'accuracy' resolved to sparse categorical accuracy), so no one-hot copy of the labels is needed.
import * as tf from "@tensorflow/tfjs";
import { fastLayers, FastRecurrentArgs, nativeAdamUpdate } from "../fast/layers";
import { AdamDecay } from "./optimizers";
import { noteLibraryCall } from "./calls";
import { CELL_KINDS, RnnCell } from "./vocabulary";

/** 'rnnlab': the fast layers of lib/src/fast/layers.ts; 'stock': tf.layers (with logistic gates, as the lecture). */
export type RnnImpl = "rnnlab" | "stock";

const CELLS = CELL_KINDS;

/** One recurrent layer of the given cell; both implementations default the gates to the logistic sigmoid. */
export function recurrentLayer(cell: RnnCell, args: FastRecurrentArgs, impl: RnnImpl = "rnnlab"): tf.layers.Layer {
  if (!CELLS.includes(cell)) throw new Error(`recurrentLayer: cell '${cell}' is not one of ${CELLS.join(", ")}`);
  if (impl !== "rnnlab" && impl !== "stock") throw new Error(`recurrentLayer: impl '${impl}' is not 'rnnlab' or 'stock'`);
  const a = { ...args };
  if (cell !== "simpleRnn") a.recurrentActivation = a.recurrentActivation ?? "sigmoid";
  if (impl === "rnnlab") return fastLayers[cell === "simpleRnn" ? "simpleRNN" : cell](a);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const stockArgs = a as any;
  if (cell === "simpleRnn") return tf.layers.simpleRNN(stockArgs);
  return cell === "lstm" ? tf.layers.lstm(stockArgs) : tf.layers.gru(stockArgs);
}

/** Dropout of the given implementation: rnnlab's (a native training pass where the addon runs) or tf.layers'. */
function dropoutLayer(rate: number, impl: RnnImpl): tf.layers.Layer {
  return impl === "rnnlab" ? fastLayers.dropout({ rate }) : tf.layers.dropout({ rate });
}

/** BatchNormalization over the last axis: rnnlab's (cheaper training pass, same results) or tf.layers'. */
function batchNormLayer(impl: RnnImpl): tf.layers.Layer {
  return impl === "rnnlab" ? fastLayers.batchNormalization() : tf.layers.batchNormalization();
}

export interface CompileOptions {
  /** Adam's learning rate (default 1e-3, the lecture's). */
  learningRate?: number;
  /** Keras's legacy `decay`: the learning rate falls as lr / (1 + decay * step) (default 0: constant; the lecture's 1e-6). */
  decay?: number;
  /** Leave the model uncompiled (default false). */
  compile?: boolean;
}

/**
 * Hands a model its optimizer to own, so that `model.dispose()` frees the optimizer's tensors (Adam's moment
 * estimates and step counts) with the weights. tfjs does this for an optimizer named by a string ('adam') but not
 * for an instance such as `tf.train.adam(0.01)`, which the caller may share; the builders' optimizers are their
 * model's alone. Call it after `model.compile({ optimizer: tf.train.adam(...) })` for a model of your own, or free
 * the optimizer by hand with `model.optimizer.dispose()` before `model.dispose()`. Returns the model.
 */
export function ownOptimizer<M extends tf.LayersModel>(model: M): M {
  // `isOptimizerOwned` is tfjs-layers' own flag (protected in its types), read by LayersModel.dispose.
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = model.optimizer != null;
  return model;
}

/** The optimizers withNativeAdam has already taken over (a second call changes nothing). */
const nativeAdams = new WeakSet<object>();

/**
 * The builders' Adam: tf's own (same class, config, weights and saved files), its updates run by the native addon
 * where it is active (nativeAdamUpdate: the same numbers in one pass per variable instead of eleven tf ops).
 */
export function withNativeAdam<O extends tf.AdamOptimizer>(optimizer: O): O {
  if (nativeAdams.has(optimizer)) return optimizer;
  nativeAdams.add(optimizer);
  const tfUpdate = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (variableGradients) => {
    // AdamDecay sets its learning rate in its own applyGradients; the native path sets it here. (Not instanceof:
    // tf's Optimizer answers instanceof for any object with an optimizer's methods.)
    const decayed = optimizer as unknown as { learningRate: number; currentLearningRate?: () => number };
    if (typeof decayed.currentLearningRate === "function") decayed.learningRate = decayed.currentLearningRate();
    if (!nativeAdamUpdate(optimizer, variableGradients)) tfUpdate(variableGradients);
  };
  return optimizer;
}

function compileClassifier(model: tf.Sequential, opts: CompileOptions): tf.Sequential {
  if (opts.compile === false) return model;
  model.compile({
    optimizer: withNativeAdam(opts.decay ? new AdamDecay(opts.learningRate ?? 1e-3, opts.decay) : tf.train.adam(opts.learningRate ?? 1e-3)),
    loss: "sparseCategoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return ownOptimizer(model);
}

export interface RnnClassifierOptions extends CompileOptions {
  cell: RnnCell;
  units: number;
  /** Stacked recurrent layers (default 1); all but the last return sequences. */
  layers?: number;
  /** [steps, features]; MNIST rows as steps: [28, 28] (default). */
  inputShape?: [number, number];
  numClasses?: number;
  /** A Dropout layer of this rate after each recurrent layer (default 0: none). */
  dropout?: number;
  /** A hidden Dense(relu) layer of this many units before the output (default none). */
  dense?: number;
  impl?: RnnImpl;
}

/** Recurrent layer(s) -> [Dense(relu)] -> Dense(numClasses, softmax), compiled with Adam and sparse cross-entropy. */
export function buildRnnClassifier(opts: RnnClassifierOptions): tf.Sequential {
  const { cell, units, layers = 1, inputShape = [28, 28], numClasses = 10, dropout = 0, dense, impl = "rnnlab" } = opts;
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`buildRnnClassifier: layers must be a positive integer, got ${layers}`);
  const model = tf.sequential();
  for (let l = 0; l < layers; l++) {
    model.add(recurrentLayer(cell, { units, returnSequences: l < layers - 1, ...(l === 0 ? { inputShape } : {}) }, impl));
    if (dropout > 0) model.add(dropoutLayer(dropout, impl));
  }
  if (dense) model.add(tf.layers.dense({ units: dense, activation: "relu" }));
  model.add(tf.layers.dense({ units: numClasses, activation: "softmax" }));
  return compileClassifier(model, opts);
}

/**
 * An LSTM's arguments as Keras's CuDNNLSTM defines them: glorot-uniform and orthogonal kernels, the forget-gate bias
 * at 1, and (fast layers only; tf.layers.lstm has one bias) an input and a recurrent bias.
 */
function cudnnLstmArgs(units: number, impl: RnnImpl): FastRecurrentArgs {
  const args: FastRecurrentArgs = { units, kernelInitializer: "glorotUniform", recurrentInitializer: "orthogonal", unitForgetBias: true };
  if (impl === "rnnlab") args.separateBiases = true;
  return args;
}

/**
 * The lecture's MNIST lab, as its cell defines it: CuDNNLSTM(128, return_sequences) -> Dropout .2 -> CuDNNLSTM(128) ->
 * Dropout .1 -> Dense(32, relu) -> Dropout .2 -> Dense(10, softmax), sparse categorical cross-entropy, and the
 * lab's `Adam(lr=0.001, decay=1e-6)` when called with `{ decay: 1e-6 }`. Keras's defaults of that time are spelled
 * out: CuDNNLSTM's kernels start glorot-uniform (tfjs: glorot-normal) and orthogonal, its gates are the logistic
 * sigmoid, it keeps an input and a recurrent bias (`separateBiases`: 8 * 128 biases per layer), and its forget-gate
 * bias starts at 1 (`unit_forget_bias=True`); Dense kernels start glorot-uniform. impl 'stock' (tf.layers.lstm)
 * has one bias per gate: everything else is the same.
 */
export function buildLectureMnistLstm(opts: CompileOptions & { impl?: RnnImpl; units?: number } = {}): tf.Sequential {
  noteLibraryCall("buildLectureMnistLstm");
  const { impl = "rnnlab", units = 128 } = opts;
  const cudnn = cudnnLstmArgs(units, impl);
  const model = tf.sequential();
  model.add(recurrentLayer("lstm", { ...cudnn, returnSequences: true, inputShape: [28, 28] }, impl));
  model.add(dropoutLayer(0.2, impl));
  model.add(recurrentLayer("lstm", cudnn, impl));
  model.add(dropoutLayer(0.1, impl));
  model.add(tf.layers.dense({ units: 32, activation: "relu", kernelInitializer: "glorotUniform" }));
  model.add(dropoutLayer(0.2, impl));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: "glorotUniform" }));
  return compileClassifier(model, opts);
}

export interface SequenceModelOptions extends CompileOptions {
  /** [steps, features] of one input window. */
  inputShape: [number, number];
  cell?: RnnCell;
  /** Units of each recurrent layer; its length is the number of layers (default [128, 128, 128]). */
  units?: number[];
  /** Dropout after each recurrent layer: one rate for all, or one per layer (default [0.2, 0.1, 0.2]). */
  dropout?: number | number[];
  /** BatchNormalization after each recurrent layer's dropout (default true). */
  batchNorm?: boolean;
  /** Hidden Dense(relu) units (default 32; 0 for none), followed by Dropout 0.2. */
  dense?: number;
  numClasses?: number;
  impl?: RnnImpl;
  /**
   * Build as the crypto lab's Keras code does (default false): each LSTM as Keras's CuDNNLSTM (see
   * buildLectureMnistLstm) and glorot-uniform Dense kernels. Only for cell 'lstm'.
   */
  cudnn?: boolean;
}

/**
 * The bitcoin lesson's classifier: stacked recurrent layers, each followed by Dropout and BatchNormalization,
 * then Dense(32, relu) -> Dropout .2 -> Dense(numClasses = 2, softmax) for "up" / "down".
 */
export function buildSequenceModel(opts: SequenceModelOptions): tf.Sequential {
  const { inputShape, cell = "lstm", units = [128, 128, 128], batchNorm = true, dense = 32, numClasses = 2, impl = "rnnlab" } = opts;
  if (!Array.isArray(inputShape) || inputShape.length !== 2) {
    throw new Error(`buildSequenceModel: inputShape must be [steps, features], got ${JSON.stringify(inputShape)}`);
  }
  if (units.length === 0) throw new Error("buildSequenceModel: units must name at least one recurrent layer");
  const d = opts.dropout;
  const rates: number[] = Array.isArray(d) ? d : units.map((_, i) => d ?? [0.2, 0.1, 0.2][i % 3]);
  if (rates.length !== units.length) {
    throw new Error(`buildSequenceModel: ${rates.length} dropout rates for ${units.length} recurrent layers; give one per layer or a single number`);
  }
  if (opts.cudnn && cell !== "lstm") throw new Error(`buildSequenceModel: cudnn builds Keras's CuDNNLSTM, so cell must be 'lstm', got '${cell}'`);
  const denseInit = opts.cudnn ? { kernelInitializer: "glorotUniform" as const } : {};
  const model = tf.sequential();
  units.forEach((u, l) => {
    const args = opts.cudnn ? cudnnLstmArgs(u, impl) : { units: u };
    model.add(recurrentLayer(cell, { ...args, returnSequences: l < units.length - 1, ...(l === 0 ? { inputShape } : {}) }, impl));
    if (rates[l] > 0) model.add(dropoutLayer(rates[l], impl));
    if (batchNorm) model.add(batchNormLayer(impl));
  });
  if (dense) {
    model.add(tf.layers.dense({ units: dense, activation: "relu", ...denseInit }));
    model.add(dropoutLayer(0.2, impl));
  }
  model.add(tf.layers.dense({ units: numClasses, activation: "softmax", ...denseInit }));
  return compileClassifier(model, opts);
}

export interface RnnRegressorOptions extends CompileOptions {
  cell?: RnnCell;
  units: number;
  /** [steps, features] of one input window. */
  inputShape: [number, number];
  /** Values predicted per sample (default 1: tomorrow's close). */
  outputs?: number;
  impl?: RnnImpl;
}

/**
 * A recurrent layer read at its last step -> Dense(outputs), no activation: a number, not a class. Compiled with Adam
 * and mean squared error (the stock lab of *모두를 위한 딥러닝*: LSTM(10) -> Dense(1), Adam 0.01).
 */
export function buildRnnRegressor(opts: RnnRegressorOptions): tf.Sequential {
  const { cell = "lstm", units, inputShape, outputs = 1, impl = "rnnlab" } = opts;
  if (!Array.isArray(inputShape) || inputShape.length !== 2) {
    throw new Error(`buildRnnRegressor: inputShape must be [steps, features], got ${JSON.stringify(inputShape)}`);
  }
  const model = tf.sequential();
  model.add(recurrentLayer(cell, { units, inputShape }, impl));
  model.add(tf.layers.dense({ units: outputs }));
  if (opts.compile !== false) {
    model.compile({ optimizer: withNativeAdam(tf.train.adam(opts.learningRate ?? 1e-3)), loss: "meanSquaredError" });
    ownOptimizer(model);
  }
  return model;
}
