// From scratch: the recurrent cells of the lecture written with plain tf ops, with their weights in plain sight,
// laid out exactly as tf.layers stores them so that the same numbers run in both and can be compared.
//
// Row-vector convention (as tf.layers): a batch of inputs x_t is [batch, features] and
//   h_t = tanh(x_t W_xh + h_{t-1} W_hh + b),
// which is the lecture's h_t = tanh(W_hh h_{t-1} + W_xh x_t) with every matrix transposed:
//   kernel = W_xh^T [features, G*units], recurrentKernel = W_hh^T [units, G*units], bias [G*units].
// G is the number of gate blocks side by side: 1 for SimpleRNN, 4 for LSTM (i, f, k, o; tfjs calls k "c"),
// 3 for GRU (z, r, h) — the order of @tensorflow/tfjs-layers 4.22 (layers/recurrent.js).
import { tf } from "./runtime";
import { orthogonal } from "./initializers";
import { noteLibraryCall } from "./calls";
import { ACTIVATION_FORMULA, CELL_ACTIVATIONS, CELL_LAYER_CLASS, CellActivation, GATE_COUNT, GATE_ORDER, isCellActivation, RecurrentCellKind } from "./vocabulary";

type Tensor2D = tf.Tensor2D;
type Tensor3D = tf.Tensor3D;

/** The weights of one recurrent layer: kernel [features, G*units], recurrentKernel [units, G*units], bias [G*units]. */
export interface RecurrentCellParams {
  kernel: Tensor2D;
  recurrentKernel: Tensor2D;
  bias: tf.Tensor1D;
}
/** SimpleRNN: kernel = W_xh^T, recurrentKernel = W_hh^T (the output y_t = W_hy h_t is a Dense layer after it). */
export type SimpleRnnParams = RecurrentCellParams;
/** LSTM: four blocks i, f, k (candidate), o side by side, as tf.layers.lstm stores them. */
export type LstmParams = RecurrentCellParams;
/** GRU: three blocks z (update), r (reset), h (candidate) side by side, as tf.layers.gru stores them. */
export type GruParams = RecurrentCellParams;

/** LSTM's two states: h (the output, "state_t" in the book) and c (the carry). */
export interface LstmState {
  h: Tensor2D;
  c: Tensor2D;
}

/** Applies an activation by name (course/vocabulary.ts's ACTIVATION_FORMULA). */
export function applyCellActivation(name: CellActivation, x: tf.Tensor): tf.Tensor {
  if (!isCellActivation(name)) {
    throw new Error(`applyCellActivation: '${name}' is not an activation scratch.ts knows (${CELL_ACTIVATIONS.join(", ")})`);
  }
  return ACTIVATION_FORMULA[name](x);
}

const LAYER_CLASS = CELL_LAYER_CLASS;

const FORWARD_NAME: Record<RecurrentCellKind, string> = {
  simpleRnn: "simpleRnnForward",
  lstm: "lstmForward",
  gru: "gruForward",
};

function shapeOf(t: tf.Tensor): string {
  return `[${t.shape.join(",")}]`;
}

/** Checks the params' shapes against each other and returns [features, units]; errors name the caller. */
function checkParams(kind: RecurrentCellKind, p: RecurrentCellParams, where: string): [number, number] {
  const G = GATE_COUNT[kind];
  if (!p || !p.kernel || !p.recurrentKernel || !p.bias) {
    throw new Error(`${where}: params need kernel, recurrentKernel and bias tensors`);
  }
  if (p.recurrentKernel.rank !== 2 || p.recurrentKernel.shape[1] !== G * p.recurrentKernel.shape[0]) {
    throw new Error(
      `${where}: recurrentKernel has shape ${shapeOf(p.recurrentKernel)} but ${LAYER_CLASS[kind]} needs [units, ${G}*units]`
    );
  }
  const units = p.recurrentKernel.shape[0];
  if (p.kernel.rank !== 2 || p.kernel.shape[1] !== G * units) {
    throw new Error(`${where}: kernel has shape ${shapeOf(p.kernel)} but recurrentKernel says [features, ${G * units}]`);
  }
  if (p.bias.rank !== 1 || p.bias.shape[0] !== G * units) {
    throw new Error(`${where}: bias has shape ${shapeOf(p.bias)} but recurrentKernel says [${G * units}]`);
  }
  return [p.kernel.shape[0], units];
}

function checkState(where: string, name: string, s: tf.Tensor, batch: number, units: number): void {
  if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== units) {
    throw new Error(`${where}: ${name} has shape ${shapeOf(s)} but expected [${batch},${units}] (batch, units)`);
  }
}

/** Checks one time step's input x_t [batch, features] and state(s) against the params. */
function checkStep(kind: RecurrentCellKind, p: RecurrentCellParams, xt: tf.Tensor, states: [string, tf.Tensor][], where: string): void {
  const [features, units] = checkParams(kind, p, where);
  if (xt.rank !== 2 || xt.shape[1] !== features) {
    throw new Error(`${where}: x_t has shape ${shapeOf(xt)} but expected [batch,${features}] (the kernel expects ${features} features)`);
  }
  for (const [name, s] of states) checkState(where, name, s, xt.shape[0], units);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters: random initialisation and the way to and from tf.layers.

/** Random weights like tf.layers' defaults (kernel glorotNormal, recurrent kernel orthogonal, bias zeros), seeded. */
export function initRecurrentCellParams(kind: RecurrentCellKind, inputDim: number, units: number, seed = 42): RecurrentCellParams {
  for (const [name, v] of [["inputDim", inputDim], ["units", units]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`init ${kind} params: ${name} must be a positive integer, got ${v}`);
  }
  const G = GATE_COUNT[kind];
  return tf.tidy(() => ({
    kernel: tf.initializers.glorotNormal({ seed }).apply([inputDim, G * units]) as Tensor2D,
    recurrentKernel: orthogonal({ seed: seed + 1, gain: 1 }).apply([units, G * units]) as Tensor2D,
    bias: tf.zeros([G * units]) as tf.Tensor1D,
  }));
}
/** Seeded random SimpleRNN weights: W_xh^T [inputDim, units], W_hh^T [units, units], b [units]. */
export function initSimpleRnnParams(inputDim: number, units: number, seed = 42): SimpleRnnParams {
  return initRecurrentCellParams("simpleRnn", inputDim, units, seed);
}
/** Seeded random LSTM weights, four blocks i, f, k, o side by side. */
export function initLstmParams(inputDim: number, units: number, seed = 42): LstmParams {
  return initRecurrentCellParams("lstm", inputDim, units, seed);
}
/** Seeded random GRU weights, three blocks z, r, h side by side. */
export function initGruParams(inputDim: number, units: number, seed = 42): GruParams {
  return initRecurrentCellParams("gru", inputDim, units, seed);
}

/** What scratch.ts needs of a tf.layers layer (tf.layers.simpleRNN / lstm / gru, already built). */
export interface RecurrentLayerLike {
  name: string;
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  getClassName?(): string;
}

function checkLayer(kind: RecurrentCellKind, layer: RecurrentLayerLike, where: string): tf.Tensor[] {
  const cls = layer.getClassName?.();
  if (cls !== undefined && cls !== LAYER_CLASS[kind]) {
    throw new Error(`${where}: layer '${layer.name}' is ${cls}, expected ${LAYER_CLASS[kind]}`);
  }
  const w = layer.getWeights();
  if (w.length === 0) {
    throw new Error(`${where}: layer '${layer.name}' has no weights yet; build it first (give it an inputShape in a model, or call it once)`);
  }
  if (w.length !== 3) {
    throw new Error(`${where}: layer '${layer.name}' has ${w.length} weights; scratch cells need kernel, recurrentKernel and bias (useBias: true)`);
  }
  return w;
}

/** Copies a layer's weights into plain params (copies: disposing them leaves the layer intact). */
export function recurrentParamsFromLayer(kind: RecurrentCellKind, layer: RecurrentLayerLike): RecurrentCellParams {
  const where = `${kind}ParamsFromLayer`;
  const [kernel, recurrentKernel, bias] = checkLayer(kind, layer, where);
  const p = { kernel: kernel.clone(), recurrentKernel: recurrentKernel.clone(), bias: bias.clone() } as RecurrentCellParams;
  try {
    checkParams(kind, p, where);
  } catch (e) {
    tf.dispose([p.kernel, p.recurrentKernel, p.bias]);
    throw e;
  }
  return p;
}
/** Writes plain params into a built layer (the layer keeps its own copy). */
export function recurrentParamsToLayer(kind: RecurrentCellKind, params: RecurrentCellParams, layer: RecurrentLayerLike): void {
  const where = `${kind}ParamsToLayer`;
  checkParams(kind, params, where);
  const current = checkLayer(kind, layer, where);
  const mine = [params.kernel, params.recurrentKernel, params.bias];
  current.forEach((w, i) => {
    if (w.shape.join(",") !== mine[i].shape.join(",")) {
      const name = ["kernel", "recurrentKernel", "bias"][i];
      throw new Error(`${where}: ${name} has shape ${shapeOf(mine[i])} but layer '${layer.name}' holds ${shapeOf(w)}`);
    }
  });
  layer.setWeights(mine);
}

/** tf.layers.simpleRNN's weights as plain SimpleRnnParams. */
export const simpleRnnParamsFromLayer = (layer: RecurrentLayerLike): SimpleRnnParams => recurrentParamsFromLayer("simpleRnn", layer);
/** tf.layers.lstm's weights as plain LstmParams. */
export const lstmParamsFromLayer = (layer: RecurrentLayerLike): LstmParams => recurrentParamsFromLayer("lstm", layer);
/** tf.layers.gru's weights as plain GruParams. */
export const gruParamsFromLayer = (layer: RecurrentLayerLike): GruParams => recurrentParamsFromLayer("gru", layer);
/** Puts SimpleRnnParams into a built tf.layers.simpleRNN. */
export const simpleRnnParamsToLayer = (params: SimpleRnnParams, layer: RecurrentLayerLike): void => recurrentParamsToLayer("simpleRnn", params, layer);
/** Puts LstmParams into a built tf.layers.lstm. */
export const lstmParamsToLayer = (params: LstmParams, layer: RecurrentLayerLike): void => recurrentParamsToLayer("lstm", params, layer);
/** Puts GruParams into a built tf.layers.gru. */
export const gruParamsToLayer = (params: GruParams, layer: RecurrentLayerLike): void => recurrentParamsToLayer("gru", params, layer);

/** One gate's own weights, the book's W (input), U (state) and b, cut out of the side-by-side layout. */
export interface GateWeights {
  W: Tensor2D;
  U: Tensor2D;
  b: tf.Tensor1D;
}
/** Cuts params into per-gate W, U, b (e.g. LSTM's Wi, Ui, bi of listing 6.25); new tensors, dispose them. */
export function splitGates(kind: RecurrentCellKind, params: RecurrentCellParams): Record<string, GateWeights> {
  checkParams(kind, params, "splitGates");
  return tf.tidy(() => {
    const G = GATE_COUNT[kind];
    const Ws = tf.split(params.kernel, G, 1) as Tensor2D[];
    const Us = tf.split(params.recurrentKernel, G, 1) as Tensor2D[];
    const bs = tf.split(params.bias, G, 0) as tf.Tensor1D[];
    const out: Record<string, GateWeights> = {};
    GATE_ORDER[kind].forEach((g, i) => (out[g] = { W: Ws[i], U: Us[i], b: bs[i] }));
    return out as unknown as tf.TensorContainer;
  }) as unknown as Record<string, GateWeights>;
}

// ---------------------------------------------------------------------------------------------------------------
// One time step of each cell.

/** SimpleRNN step: the lecture's h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), here x_t W_xh + h_{t-1} W_hh + b. */
export function simpleRnnStep(
  params: SimpleRnnParams,
  xt: Tensor2D,
  hPrev: Tensor2D,
  opts: { activation?: CellActivation } = {}
): Tensor2D {
  noteLibraryCall("simpleRnnStep");
  checkStep("simpleRnn", params, xt, [["hPrev", hPrev]], "simpleRnnStep");
  return tf.tidy(() => {
    const z = tf.add(tf.add(tf.matMul(xt, params.kernel), tf.matMul(hPrev, params.recurrentKernel)), params.bias);
    return applyCellActivation(opts.activation ?? "tanh", z) as Tensor2D;
  });
}

/**
 * LSTM step as tf.layers.lstm computes it: gates i, f, o = σ(x W + h U + b) and candidate k = x W_k + h U_k + b_k,
 * c_t = f * c_{t-1} + i * tanh(k), h_t = o * tanh(c_t). σ is recurrentActivation ('sigmoid' here; tfjs's default is 'hardSigmoid').
 */
export function lstmStep(
  params: LstmParams,
  xt: Tensor2D,
  state: LstmState,
  opts: { recurrentActivation?: CellActivation; activation?: CellActivation } = {}
): LstmState {
  noteLibraryCall("lstmStep");
  checkStep("lstm", params, xt, [["state.h", state.h], ["state.c", state.c]], "lstmStep");
  const gate = opts.recurrentActivation ?? "sigmoid";
  const act = opts.activation ?? "tanh";
  return tf.tidy(() => {
    const z = tf.add(tf.add(tf.matMul(xt, params.kernel), tf.matMul(state.h, params.recurrentKernel)), params.bias);
    const [zi, zf, zk, zo] = tf.split(z, 4, 1);
    const i = applyCellActivation(gate, zi);
    const f = applyCellActivation(gate, zf);
    const o = applyCellActivation(gate, zo);
    const c = tf.add(tf.mul(f, state.c), tf.mul(i, applyCellActivation(act, zk))) as Tensor2D;
    const h = tf.mul(o, applyCellActivation(act, c)) as Tensor2D;
    return { h, c };
  });
}

/**
 * The book's simplified LSTM sketch (Chollet listings 6.25/6.26) with the same LSTM params:
 *   output_t = activation(dot(state_t, Uo) + dot(input_t, Wo) + dot(C_t, Vo) + bo)
 *   i_t, f_t = gateActivation(...), k_t = activation(...),  c_{t+1} = i_t * k_t + c_t * f_t.
 * With activation 'tanh' the carry is the real LSTM's; the output is not: the real one is o_t * tanh(c_{t+1}),
 * a gate times the NEW carry, while the sketch squashes the OLD carry through a matrix Vo (zeros unless given).
 * The listing writes one `activation` everywhere; pass the same name to both options to read it literally.
 */
export function lstmBookSketchStep(
  params: LstmParams,
  xt: Tensor2D,
  state: LstmState,
  opts: { Vo?: Tensor2D; activation?: CellActivation; gateActivation?: CellActivation } = {}
): LstmState {
  checkStep("lstm", params, xt, [["state.h", state.h], ["state.c", state.c]], "lstmBookSketchStep");
  const units = params.recurrentKernel.shape[0];
  if (opts.Vo && (opts.Vo.rank !== 2 || opts.Vo.shape[0] !== units || opts.Vo.shape[1] !== units)) {
    throw new Error(`lstmBookSketchStep: Vo has shape ${shapeOf(opts.Vo)} but expected [${units},${units}]`);
  }
  const act = opts.activation ?? "tanh";
  const gate = opts.gateActivation ?? "sigmoid";
  return tf.tidy(() => {
    const z = tf.add(tf.add(tf.matMul(xt, params.kernel), tf.matMul(state.h, params.recurrentKernel)), params.bias);
    const [zi, zf, zk, zo] = tf.split(z, 4, 1);
    const output = applyCellActivation(act, opts.Vo ? tf.add(zo, tf.matMul(state.c, opts.Vo)) : zo) as Tensor2D;
    const i = applyCellActivation(gate, zi);
    const f = applyCellActivation(gate, zf);
    const k = applyCellActivation(act, zk);
    const c = tf.add(tf.mul(i, k), tf.mul(state.c, f)) as Tensor2D;
    return { h: output, c };
  });
}

/**
 * GRU step as tf.layers.gru computes it (reset gate applied BEFORE the recurrent matmul, Keras reset_after=false):
 * z, r = σ(x W + h U + b), h~ = tanh(x W_h + (r * h_{t-1}) U_h + b_h), h_t = z * h_{t-1} + (1 - z) * h~.
 */
export function gruStep(
  params: GruParams,
  xt: Tensor2D,
  hPrev: Tensor2D,
  opts: { recurrentActivation?: CellActivation; activation?: CellActivation } = {}
): Tensor2D {
  checkStep("gru", params, xt, [["hPrev", hPrev]], "gruStep");
  const gate = opts.recurrentActivation ?? "sigmoid";
  const units = params.recurrentKernel.shape[0];
  return tf.tidy(() => {
    const xz = tf.add(tf.matMul(xt, params.kernel), params.bias);
    const [xZ, xR, xH] = tf.split(xz, 3, 1);
    const [uZR, uH] = tf.split(params.recurrentKernel, [2 * units, units], 1);
    const [hZ, hR] = tf.split(tf.matMul(hPrev, uZR), 2, 1);
    const z = applyCellActivation(gate, tf.add(xZ, hZ));
    const r = applyCellActivation(gate, tf.add(xR, hR));
    const candidate = applyCellActivation(opts.activation ?? "tanh", tf.add(xH, tf.matMul(tf.mul(r, hPrev), uH)));
    return tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate)) as Tensor2D;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The loop over time (the RNN unrolled).

/** Options of the sequence loops; returnSequences and initialState mean what they mean in tf.layers. */
export interface RecurrentForwardOptions {
  /** Output every h_t ([batch, T, units]) instead of only the last ([batch, units]); default false, as tf.layers. */
  returnSequences?: boolean;
  /** h_0 [batch, units]; zeros when absent (for LSTM see LstmForwardOptions). */
  initialState?: Tensor2D;
  /** The gates' σ: 'sigmoid' (default here) or 'hardSigmoid' (tf.layers.lstm/gru's default). */
  recurrentActivation?: CellActivation;
  /** The squashing function: 'tanh' by default, as the lecture and tf.layers. */
  activation?: CellActivation;
}
export interface LstmForwardOptions extends Omit<RecurrentForwardOptions, "initialState"> {
  /** h_0 and c_0, each [batch, units]; zeros when absent. */
  initialState?: LstmState;
}

/** What a loop returns: all new tensors, owned by the caller (`tf.dispose(result)` frees them all). */
export interface RecurrentForwardResult {
  /** What the layer outputs: [batch, T, units] with returnSequences, else [batch, units]. */
  output: tf.Tensor;
  /** Every hidden state h_1..h_T, [batch, T, units], for plotting the state over time. */
  hiddenStates: Tensor3D;
  /** h_T, [batch, units]. */
  lastState: Tensor2D;
}
export interface LstmForwardResult extends RecurrentForwardResult {
  /** Every carry c_1..c_T, [batch, T, units]. */
  cellStates: Tensor3D;
  /** c_T, [batch, units]. */
  lastCell: Tensor2D;
}

/** The step form the loops share: states[0] is h, and an LSTM adds c as states[1] (tf.layers' order). */
type StepFn = (xt: Tensor2D, states: Tensor2D[]) => Tensor2D[];

function stepFor(kind: RecurrentCellKind, params: RecurrentCellParams, opts: { recurrentActivation?: CellActivation; activation?: CellActivation }, bookSketch?: { Vo?: Tensor2D }): StepFn {
  const o = { recurrentActivation: opts.recurrentActivation, activation: opts.activation };
  if (kind === "simpleRnn") return (xt, [h]) => [simpleRnnStep(params, xt, h, o)];
  if (kind === "gru") return (xt, [h]) => [gruStep(params, xt, h, o)];
  if (bookSketch) {
    return (xt, [h, c]) => {
      const s = lstmBookSketchStep(params, xt, { h, c }, { Vo: bookSketch.Vo, activation: o.activation, gateActivation: o.recurrentActivation });
      return [s.h, s.c];
    };
  }
  return (xt, [h, c]) => {
    const s = lstmStep(params, xt, { h, c }, o);
    return [s.h, s.c];
  };
}

/** Checks x against the params and the initial states; returns [batch, T, units]. */
function checkSequence(kind: RecurrentCellKind, params: RecurrentCellParams, x: tf.Tensor, init: [string, tf.Tensor | undefined][], where: string): [number, number, number] {
  const [features, units] = checkParams(kind, params, where);
  if (!x || x.rank !== 3) {
    throw new Error(`${where}: x has shape ${x ? shapeOf(x) : String(x)} but expected [batch,time,features] (rank 3)`);
  }
  const [batch, time, xFeatures] = x.shape as [number, number, number];
  if (xFeatures !== features) {
    throw new Error(`${where}: x has shape ${shapeOf(x)} but the kernel expects ${features} features`);
  }
  if (time < 1) throw new Error(`${where}: x has shape ${shapeOf(x)}; a sequence needs at least one time step`);
  for (const [name, s] of init) if (s) checkState(where, name, s, batch, units);
  return [batch, time, units];
}

/** Runs a step over time; nudges (one [batch, units] per t) are added to each new h, which lets tf.grad see ∂/∂h_t. */
function unroll(step: StepFn, x: Tensor3D, states0: Tensor2D[], nudges?: Tensor2D[]): Tensor2D[][] {
  const xs = tf.unstack(x, 1) as Tensor2D[];
  let states = states0;
  const history: Tensor2D[][] = states0.map(() => []);
  xs.forEach((xt, t) => {
    states = step(xt, states);
    if (nudges) states = [tf.add(states[0], nudges[t]) as Tensor2D, ...states.slice(1)];
    states.forEach((s, i) => history[i].push(s));
  });
  return history;
}

type AnyForwardOptions = Omit<RecurrentForwardOptions, "initialState"> & { initialState?: Tensor2D | LstmState };

function runForward(kind: RecurrentCellKind, params: RecurrentCellParams, x: Tensor3D, opts: AnyForwardOptions, where: string, bookSketch?: { Vo?: Tensor2D }) {
  const lstm = kind === "lstm";
  const init = opts.initialState as LstmState | Tensor2D | undefined;
  const initList: [string, tf.Tensor | undefined][] = lstm
    ? [["initialState.h", (init as LstmState | undefined)?.h], ["initialState.c", (init as LstmState | undefined)?.c]]
    : [["initialState", init as Tensor2D | undefined]];
  if (lstm && init && (!(init as LstmState).h || !(init as LstmState).c)) {
    throw new Error(`${where}: initialState for an LSTM is {h, c}, each [batch, units]`);
  }
  const [batch, , units] = checkSequence(kind, params, x, initList, where);
  return tf.tidy(() => {
    const states0 = initList.map(([, s]) => (s as Tensor2D | undefined) ?? (tf.zeros([batch, units]) as Tensor2D));
    const history = unroll(stepFor(kind, params, opts, bookSketch), x, states0);
    const hiddenStates = tf.stack(history[0], 1) as Tensor3D;
    const lastState = history[0][history[0].length - 1].clone();
    const result: Record<string, tf.Tensor> = {
      output: opts.returnSequences ? hiddenStates.clone() : lastState.clone(),
      hiddenStates,
      lastState,
    };
    if (lstm) {
      result.cellStates = tf.stack(history[1], 1);
      result.lastCell = history[1][history[1].length - 1].clone();
    }
    return result;
  });
}

/** SimpleRNN over a sequence x [batch, T, features], as tf.layers.simpleRNN; also returns every h_t. */
export function simpleRnnForward(params: SimpleRnnParams, x: Tensor3D, opts: RecurrentForwardOptions = {}): RecurrentForwardResult {
  noteLibraryCall("simpleRnnForward");
  return runForward("simpleRnn", params, x, opts, "simpleRnnForward") as unknown as RecurrentForwardResult;
}
/** LSTM over a sequence x [batch, T, features], as tf.layers.lstm; also returns every h_t and c_t. */
export function lstmForward(params: LstmParams, x: Tensor3D, opts: LstmForwardOptions = {}): LstmForwardResult {
  noteLibraryCall("lstmForward");
  return runForward("lstm", params, x, opts, "lstmForward") as unknown as LstmForwardResult;
}
/** The book's LSTM sketch (lstmBookSketchStep) over a sequence, to set beside lstmForward; recurrentActivation is its gateActivation. */
export function lstmBookSketchForward(params: LstmParams, x: Tensor3D, opts: LstmForwardOptions & { Vo?: Tensor2D } = {}): LstmForwardResult {
  return runForward("lstm", params, x, opts, "lstmBookSketchForward", { Vo: opts.Vo }) as unknown as LstmForwardResult;
}
/** GRU over a sequence x [batch, T, features], as tf.layers.gru; also returns every h_t. */
export function gruForward(params: GruParams, x: Tensor3D, opts: RecurrentForwardOptions = {}): RecurrentForwardResult {
  return runForward("gru", params, x, opts, "gruForward") as unknown as RecurrentForwardResult;
}
/** Any of the three loops by kind, for code that compares cells. */
export function recurrentForward(kind: RecurrentCellKind, params: RecurrentCellParams, x: Tensor3D, opts: RecurrentForwardOptions | LstmForwardOptions = {}): RecurrentForwardResult {
  return runForward(kind, params, x, opts as AnyForwardOptions, FORWARD_NAME[kind]) as unknown as RecurrentForwardResult;
}

// ---------------------------------------------------------------------------------------------------------------
// The book's pseudocode loop in plain numbers.

/**
 * Chollet listings 6.19/6.20 with plain arrays: state_t = 0; for input_t: output_t = tanh(dot(W, input_t) +
 * dot(U, state_t) + b); state_t = output_t. W is [units][features], U [units][units] as the book writes them
 * (so W = kernel^T, U = recurrentKernel^T). Returns every output_t.
 */
export function simpleRnnPseudocode(inputs: number[][], W: number[][], U: number[][], b: number[]): number[][] {
  const units = b.length;
  const dot = (M: number[][], v: number[]) => M.map((row) => row.reduce((s, m, j) => s + m * v[j], 0));
  if (W.length !== units || U.length !== units || U.some((r) => r.length !== units)) {
    throw new Error(`simpleRnnPseudocode: W must be [${units}][features] and U [${units}][${units}] (b has ${units} entries)`);
  }
  let state = new Array<number>(units).fill(0);
  const outputs: number[][] = [];
  inputs.forEach((input, t) => {
    if (W.some((r) => r.length !== input.length)) {
      throw new Error(`simpleRnnPseudocode: inputs[${t}] has ${input.length} features but W's rows have ${W[0].length}`);
    }
    const Wx = dot(W, input);
    const Us = dot(U, state);
    state = Wx.map((v, i) => Math.tanh(v + Us[i] + b[i]));
    outputs.push(state);
  });
  return outputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Vanishing gradients, shown with numbers.

export interface GradientNormsOptions {
  /** 'input': ‖∂h_T/∂x_t‖ (default); 'state': ‖∂h_T/∂h_t‖, how much h_T still depends on the state at step t. */
  wrt?: "input" | "state";
  /** When given, the norm of ∂loss(h_T)/∂x_t (or ∂loss/∂h_t) instead of the whole Jacobian of h_T. */
  loss?: (hT: Tensor2D) => tf.Scalar;
  recurrentActivation?: CellActivation;
  activation?: CellActivation;
}

/**
 * Vanishing gradients with numbers: for each time step t = 0..T-1 of one sequence x [1, T, features], the
 * Frobenius norm of ∂h_T/∂x_t (or ∂h_T/∂h_t, or of a loss's gradient), computed with tf.grads through the loop.
 * Small numbers at early t mean the last state has all but forgotten those inputs.
 */
export async function gradientNormsOverTime(kind: RecurrentCellKind, params: RecurrentCellParams, x: Tensor3D, opts: GradientNormsOptions = {}): Promise<number[]> {
  const where = "gradientNormsOverTime";
  const [batch, T, units] = checkSequence(kind, params, x, [], where);
  if (batch !== 1) throw new Error(`${where}: x has shape ${shapeOf(x)}; give one sequence, shape [1,time,features]`);
  const wrt = opts.wrt ?? "input";
  if (wrt !== "input" && wrt !== "state") throw new Error(`${where}: wrt must be 'input' or 'state', got '${wrt}'`);
  const step = stepFor(kind, params, opts);
  const nStates = kind === "lstm" ? 2 : 1;
  const norms = tf.tidy(() => {
    const zeros = () => Array.from({ length: nStates }, () => tf.zeros([1, units]) as Tensor2D);
    const lastH = (xIn: Tensor3D, nudges?: Tensor2D[]) => {
      const h = unroll(step, xIn, zeros(), nudges)[0];
      return h[h.length - 1];
    };
    // One backward pass per scalar: the loss, or each unit j of h_T (row j of the Jacobian for every t at once).
    const scalars: ((hT: Tensor2D) => tf.Scalar)[] = opts.loss
      ? [opts.loss]
      : Array.from({ length: units }, (_, j) => (hT: Tensor2D) => tf.sum(tf.slice(hT, [0, j], [1, 1])) as tf.Scalar);
    let squares = tf.zeros([T]);
    for (const f of scalars) {
      let perStep: tf.Tensor;
      if (wrt === "input") {
        const g = tf.grad((xIn: tf.Tensor) => f(lastH(xIn as Tensor3D)))(x); // [1, T, F]
        perStep = tf.sum(tf.square(g), [0, 2]);
      } else {
        const nudges = Array.from({ length: T }, () => tf.zeros([1, units]) as Tensor2D);
        const gs = tf.grads((...ns: tf.Tensor[]) => f(lastH(x, ns as Tensor2D[])))(nudges);
        perStep = tf.stack(gs.map((g) => tf.sum(tf.square(g))));
      }
      squares = tf.add(squares, perStep);
    }
    return tf.sqrt(squares);
  });
  const values = (await norms.array()) as number[];
  norms.dispose();
  return values;
}
