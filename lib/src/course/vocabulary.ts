// Vocabulary: the names the whole library shares — the recurrent cells, their gates in storage order, the
// activations they take, and the TensorFlow.js backends. The from-scratch cells (course/scratch.ts), the fast layers
// (fast/layers.ts, and through them the native kernels' numeric codes), the model builders (course/models.ts) and
// the runtime (course/runtime.ts) all read them from here, so one cell has one spelling everywhere.
import * as tf from "@tensorflow/tfjs";

// ---------------------------------------------------------------------------------------------------------------
// Cells and gates

/** The three recurrent cells of the lecture, spelled as the library spells them everywhere. */
export const CELL_KINDS = ["simpleRnn", "lstm", "gru"] as const;
export type CellKind = (typeof CELL_KINDS)[number];
/** The cell kind as the from-scratch cells name it (the same names as CellKind). */
export type RecurrentCellKind = CellKind;
/** The cell kind as the model builders name it (the same names as CellKind). */
export type RnnCell = CellKind;

/** The blocks each cell keeps side by side in its kernels, in tf.layers' order (LSTM's k is tfjs's "c", the candidate). */
export const GATE_ORDER: Record<CellKind, string[]> = {
  simpleRnn: ["h"],
  lstm: ["i", "f", "k", "o"],
  gru: ["z", "r", "h"],
};

/** How many weight blocks each cell keeps side by side in its kernels. */
export const GATE_COUNT: Record<CellKind, number> = { simpleRnn: 1, lstm: 4, gru: 3 };

/** The Keras / tf.layers class each cell corresponds to. */
export const CELL_LAYER_CLASS: Record<CellKind, string> = { simpleRnn: "SimpleRNN", lstm: "LSTM", gru: "GRU" };

/** The cell's number in the native kernels (native/src/rnn.cc). */
export const CELL_CODE: Record<CellKind, number> = { simpleRnn: 0, lstm: 1, gru: 2 };

export function isCellKind(kind: unknown): kind is CellKind {
  return typeof kind === "string" && (CELL_KINDS as readonly string[]).includes(kind);
}

// ---------------------------------------------------------------------------------------------------------------
// Activations

/** The activations a recurrent cell takes, by the names tf.layers uses, in the native kernels' numbering. */
export const CELL_ACTIVATIONS = ["tanh", "sigmoid", "hardSigmoid", "relu", "linear"] as const;
export type CellActivation = (typeof CELL_ACTIVATIONS)[number];

/** The activation's number in the native kernels (native/src/rnn.cc): its place in CELL_ACTIVATIONS. */
export const ACTIVATION_CODE = Object.fromEntries(CELL_ACTIVATIONS.map((name, i) => [name, i])) as Record<CellActivation, number>;

/**
 * The activations as written in the lecture, with plain tf ops: the reference the from-scratch cells run. The fast
 * layers compute the same functions by other ops (and with their derivatives), keyed by the same names.
 * hardSigmoid is tfjs-layers' clip(0.2x + 0.5, 0, 1) (Keras 3 uses x/6 + 0.5).
 */
export const ACTIVATION_FORMULA: Record<CellActivation, (x: tf.Tensor) => tf.Tensor> = {
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  hardSigmoid: (x) => tf.tidy(() => tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1)),
  relu: (x) => tf.relu(x),
  linear: (x) => x.clone(),
};

export function isCellActivation(name: unknown): name is CellActivation {
  return typeof name === "string" && (CELL_ACTIVATIONS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------------------------
// Backends

/** The backends rnnlab knows (RNNLAB_BACKEND names one of them). */
export const BACKENDS = ["tfjs-node-gpu", "webgpu", "tfjs-node", "wasm", "cpu"] as const;
export type BackendKind = (typeof BACKENDS)[number];

/**
 * The order they are tried in when RNNLAB_BACKEND names none: a GPU where one answers, else wasm, on which rnnlab's
 * own kernels run (native, else WebAssembly: fast/layers.ts). tfjs-node runs only when asked for
 * (RNNLAB_BACKEND=tfjs-node): the fast layers run as tf ops there, and it has not been measured against them.
 */
export const BACKEND_ORDER: readonly BackendKind[] = ["tfjs-node-gpu", "webgpu", "wasm", "cpu"];

/** Other names RNNLAB_BACKEND accepts for a backend. */
export const BACKEND_ALIASES: Record<string, BackendKind> = { node: "tfjs-node", tensorflow: "tfjs-node", gpu: "tfjs-node-gpu", "node-gpu": "tfjs-node-gpu" };

/** The tf backend name (tf.getBackend()) each kind registers. */
export const TF_BACKEND_NAME: Record<BackendKind, string> = {
  "tfjs-node-gpu": "tensorflow",
  "tfjs-node": "tensorflow",
  webgpu: "webgpu",
  wasm: "wasm",
  cpu: "cpu",
};

/** tf backends whose tensors live in JavaScript memory, where the native kernels can read and write them. */
export const JS_MEMORY_TF_BACKENDS: readonly string[] = [TF_BACKEND_NAME.wasm, TF_BACKEND_NAME.cpu];

/** tf backends where dataSync is a cheap memory copy, not a GPU read-back (the JS-memory ones and tfjs-node). */
export const HOST_MEMORY_TF_BACKENDS: readonly string[] = [...JS_MEMORY_TF_BACKENDS, TF_BACKEND_NAME["tfjs-node"]];
