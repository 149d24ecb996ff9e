// Fast recurrent layers: SimpleRNN, LSTM and GRU whose backward pass is written by hand over the whole sequence.
//
// Same weights as tf.layers (kernel [in, G*u], recurrentKernel [u, G*u], bias [G*u]; LSTM gates i,f,c,o; GRU z,r,h
// with the reset gate applied before the recurrent matmul, as tfjs 4.22 does), so getWeights/setWeights move
// weights between them. What makes them fast on the wasm backend:
//  - the input projection x·W + b for all steps is one matMul, and the weight gradients are one matMul each
//    over all steps (not one per step);
//  - every matMul in the backward pass gets an explicitly transposed operand: wasm's transposed-operand matMul is
//    10-30x slower than a transpose followed by a plain matMul;
//  - per-step tensors are read from and written to plain JS buffers: a slice in tfjs-backend-wasm copies its whole
//    input first, so unstacking a [T*B, 4u] tensor costs T full copies;
//  - the gate derivatives are computed once for all steps before the backward loop, leaving ~7 small ops a step.
// Where the backend keeps its data in JS memory (wasm, cpu), the whole-sequence forward and backward run in rnnlab's
// own kernels instead, native or WebAssembly: see "rnnlab's kernels" below.
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { orthogonal } from "../course/initializers";
import { kernelsSetting, nativeSetting, nativeThreadsSetting, PROJECT_ROOT } from "../config";
import { loadWasmKernels, WasmWorkspace } from "./wasm-kernels";
import { checkRecurrentInput, emptyBatchOutput } from "./input-checks";
import { ACTIVATION_CODE, CELL_CODE, CellActivation, CellKind, HOST_MEMORY_TF_BACKENDS, JS_MEMORY_TF_BACKENDS } from "../course/vocabulary";

type Tensor = tf.Tensor;
type Tensor2D = tf.Tensor2D;

let tensorOpsOnly = false;

/** Tests: take the path GPU backends take (tf.split / tf.concat per step) on any backend. */
export function useTensorOpsForSteps(on: boolean): void {
  tensorOpsOnly = on;
}

// ---------------------------------------------------------------------------------------------------------------
// rnnlab's kernels (native/src: rnn.cc, norm.cc): whole-sequence forward and backward with fused gate loops, and
// BatchNormalization, Dropout and Adam in one pass each. Two builds of the same C++: the Node addon, compiled at
// npm install for this machine's CPU (native/build-native.js), and the WebAssembly module shipped in the package
// (native/wasm/, fast/wasm-kernels.ts), which runs where no C++ compiler was found. The addon when it loads, else
// the module (RNNLAB_KERNELS picks one); the layers run as tf ops only where both are off or missing.

/** Where either build keeps a forward pass's workspace: a Float32Array (addon) or the module's memory (wasm). */
type Workspace = Float32Array | WasmWorkspace;

// Every kernel writes its (large) results into the caller's Float32Arrays when they are given as the trailing
// arguments, and into new ones otherwise.
export interface KernelModule {
  /** dims = [cell, recurrentActivation, activation, B, T, I, u, returnSequences] -> output; fills the workspace if given. */
  forward(dims: number[], x: Float32Array, W: Float32Array, U: Float32Array, b: Float32Array, workspace: Workspace | null, out?: Float32Array): Float32Array;
  workspaceSize(dims: number[]): number;
  /** -> [dx, dKernel, dRecurrentKernel, dBias] */
  backward(dims: number[], W: Float32Array, U: Float32Array, workspace: Workspace, dy: Float32Array, ...outs: Float32Array[]): Float32Array[];
  /** setThreads(n) -> n: the threads the recurrent passes split their work for; setThreads() -> the current number. */
  setThreads(n?: number): number;
  /** setActiveThreads(n) -> n: at most n of those pieces run at once (0: no limit); the split and the results stay. */
  setActiveThreads(n?: number): number;
  /** out[i] = op(a[i])·op(b[i]) for dims = [batch, M, N, K, transposeA, transposeB, aStride, bStride]. */
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, dims: number[]): void;
  /** BatchNormalization in training over rows of x [N, C] -> [y, mean, variance] (native/src/norm.cc). */
  bnForward(x: Float32Array, C: number, gamma: Float32Array, beta: Float32Array, eps: number, y?: Float32Array): Float32Array[];
  /** -> [dx, dGamma, dBeta] of bnForward, the batch's statistics differentiated too. */
  bnBackward(x: Float32Array, dy: Float32Array, C: number, mean: Float32Array, variance: Float32Array, gamma: Float32Array, eps: number, dx?: Float32Array): Float32Array[];
  /** x * mask, the mask drawn from (seed, index): the same seed gives the same mask. */
  dropout(x: Float32Array, rate: number, seed: number, y?: Float32Array): Float32Array;
  /** One Adam step of one variable into newValue, newM, newV; scalars = [b1, 1-b1, b2, 1-b2, 1-b1^t, 1-b2^t, -lr, eps]. */
  adamUpdate(value: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, newValue: Float32Array, newM: Float32Array, newV: Float32Array, scalars: number[]): void;
  /** The inner kernel of the matrix products (native/src/packed.h): "AVX-512", "AVX2+FMA", "WebAssembly SIMD128", ... */
  kernel: string;
  /** wasm: workspaces live in the module's memory. */
  newWorkspace?(n: number): WasmWorkspace;
  freeWorkspace?(ws: WasmWorkspace): void;
}

/** Where native/build-native.js puts the addon. */
export const NATIVE_ADDON_PATH = path.join(PROJECT_ROOT, "native", "build", "Release", "rnnlab_native.node");
/** The WebAssembly build, committed (native/build-wasm.js, `npm run build:wasm`). */
export const WASM_KERNELS_PATH = path.join(PROJECT_ROOT, "native", "wasm", "rnnlab_kernels.wasm");

export type KernelBuild = "native" | "wasm";

const loaded: Partial<Record<KernelBuild, KernelModule>> = {};
const loadErrors: Partial<Record<KernelBuild, string>> = {};

/** The build, loaded now or before; null (and loadErrors says why) where it does not load. */
function loadBuild(build: KernelBuild): KernelModule | null {
  if (loaded[build]) return loaded[build]!;
  try {
    loaded[build] = build === "native" ? (require(NATIVE_ADDON_PATH) as KernelModule) : loadWasmKernels(WASM_KERNELS_PATH);
    loaded[build]!.setThreads(nativeThreadsSetting());
    delete loadErrors[build];
    return loaded[build]!;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    loadErrors[build] =
      build === "native"
        ? `native addon ${/Cannot find module/.test(msg) ? "not built (no C++ compiler at npm install? see npm run build:native)" : `does not load: ${msg}`}`
        : `WebAssembly kernels do not load: ${msg} (${WASM_KERNELS_PATH})`;
    return null;
  }
}

let kernels: KernelModule | null = null;
let kernelBuild: KernelBuild | null = null;
{
  const wanted = kernelsSetting();
  for (const build of wanted === "auto" ? (["native", "wasm"] as const) : [wanted]) {
    if ((kernels = loadBuild(build))) {
      kernelBuild = build;
      break;
    }
  }
  if (wanted !== "auto") loadErrors[wanted === "native" ? "wasm" : "native"] = `${wanted === "native" ? "WebAssembly kernels" : "native addon"} not loaded (RNNLAB_KERNELS=${wanted})`;
}

/**
 * Switches the layers to the other build of rnnlab's kernels (for comparisons: npm run bench runs both in one
 * process); returns whether it loaded. The setting of useNativeKernels stays as it is.
 */
export function useKernelBuild(build: KernelBuild): boolean {
  const k = loadBuild(build);
  if (!k) return false;
  kernels = k;
  kernelBuild = build;
  return true;
}
let nativeEnabled = nativeSetting();

/**
 * Turns rnnlab's kernels (native or WebAssembly, whichever loaded) on or off at runtime (RNNLAB_NATIVE=0 starts with
 * them off); for comparisons and tests.
 */
export function useNativeKernels(on: boolean): void {
  nativeEnabled = on;
}

/** The kernels loaded (addon or WebAssembly module), or null; for tests and benchmarks that call them directly. */
export function kernelModule(): KernelModule | null {
  return kernels;
}

/**
 * Sets how many threads the native recurrent passes use from now on (RNNLAB_NATIVE_THREADS sets it at start, default
 * every core); returns the number in effect: 1 for the WebAssembly kernels, 0 where none loaded. The results are the
 * same for any number.
 */
export function setNativeThreads(n: number): number {
  if (!kernels) return 0;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNativeThreads: expected a whole number of threads, 1 or more; got ${n}`);
  return kernels.setThreads(n);
}

/**
 * Runs the native recurrent passes on at most n threads at once (0: no limit) without changing how their work is split
 * for RNNLAB_NATIVE_THREADS, so every result stays the same to the bit; returns the limit in effect, 0 where the addon
 * is not loaded. rl.fit uses it to share the cores with other rnnlab kernels training at the same time (course/cores.ts).
 */
export function limitNativeThreads(n: number): number {
  if (!kernels) return 0;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`limitNativeThreads: expected a whole number of threads, or 0 for no limit; got ${n}`);
  return kernels.setActiveThreads(n);
}

export interface NativeKernelInfo {
  /** rnnlab's kernels loaded, native or WebAssembly. */
  built: boolean;
  /** Which build loaded. */
  build?: KernelBuild;
  /** Not switched off by RNNLAB_NATIVE=0 or useNativeKernels(false). */
  enabled: boolean;
  /** Why a build did not load (the addon, when the WebAssembly module runs instead; both, when neither loaded). */
  why?: string;
  /** The threads of the recurrent passes (RNNLAB_NATIVE_THREADS, default every core; 1 in WebAssembly). */
  threads?: number;
  /** How many of them run at once: fewer than `threads` while rl.fit shares the cores with other training kernels. */
  activeThreads?: number;
  /** The inner kernel of the matrix products (packed.h): "AVX-512", "AVX2+FMA", "WebAssembly SIMD128", ... */
  kernel?: string;
  /** The file loaded, or the addon's path where none did. */
  path: string;
}

export function nativeKernelInfo(): NativeKernelInfo {
  const info: NativeKernelInfo = {
    built: kernels != null,
    enabled: nativeEnabled,
    path: kernelBuild === "wasm" ? WASM_KERNELS_PATH : NATIVE_ADDON_PATH,
  };
  const why = (["native", "wasm"] as const).filter((b) => b !== kernelBuild && loadErrors[b]).map((b) => loadErrors[b]);
  if (why.length) info.why = why.join("; ");
  if (kernels) {
    const threads = kernels.setThreads();
    const limit = kernels.setActiveThreads();
    Object.assign(info, { build: kernelBuild, threads, activeThreads: limit > 0 ? Math.min(limit, threads) : threads, kernel: kernels.kernel });
  }
  return info;
}

/** Whether the fast layers run rnnlab's kernels on the backend `tfBackend` (tf.getBackend()'s name). */
function nativeActive(tfBackend = tf.getBackend()): boolean {
  if (!kernels || !nativeEnabled || tensorOpsOnly) return false;
  return JS_MEMORY_TF_BACKENDS.includes(tfBackend);
}

/**
 * The addon's matrix product for the wasm backend's BatchMatMul (fast/matmul.ts), or null where the addon is off or
 * not loaded. Not the WebAssembly module's: copying both operands into its memory and back costs what it saves.
 */
export function nativeMatMul(): KernelModule["matMul"] | null {
  return kernels && kernelBuild === "native" && nativeEnabled ? kernels.matMul : null;
}

/**
 * The kernel path in words, for the backend line (course/runtime.ts): which code the fast layers run on the backend
 * `tfBackend` (tf.getBackend()'s name) and, where a faster path is one command away, that command.
 */
export function kernelPathLine(tfBackend: string): string {
  const onHost = JS_MEMORY_TF_BACKENDS.includes(tfBackend) && !tensorOpsOnly;
  const threads = kernels ? kernels.setThreads() : 0;
  const addonWhy = loadErrors.native ?? "";
  if (kernels && nativeActive(tfBackend)) {
    if (kernelBuild === "native") return `kernels: native (${kernels.kernel}, ${threads} thread${threads === 1 ? "" : "s"})`;
    const faster = /RNNLAB_KERNELS/.test(addonWhy)
      ? "unset RNNLAB_KERNELS for the native kernels"
      : "faster with a C++ compiler: apt-get install g++ make && npm run build:native";
    return `kernels: WebAssembly (${threads} thread${threads === 1 ? "" : "s"}) — ${faster}`;
  }
  if (onHost) {
    return `kernels: tf ops — ${kernels ? "rnnlab's kernels are off: unset RNNLAB_NATIVE (or call useNativeKernels(true)) for them" : `rnnlab's kernels did not load: ${addonWhy}; ${loadErrors.wasm ?? ""}`}`;
  }
  if (tfBackend === "tensorflow") return "kernels: tf ops (tfjs-node) — rnnlab's kernels run on the default backend: unset RNNLAB_BACKEND";
  return "kernels: tf ops";
}

/** Which code the fast layers run on the current backend: rnnlab's native or WebAssembly kernels, or tf ops. */
export function recurrentKernelPath(): "native" | "wasm" | "tf ops" {
  return nativeActive() ? kernelBuild! : "tf ops";
}

const ACT_CODE: Record<string, number> = ACTIVATION_CODE;

// Workspaces by size, reused across training steps: allocating ~10 MB per LSTM(128) call (zero-filled, then garbage)
// cost about as much as the native forward pass. A few per size cover stacked layers of equal shape.
// The WebAssembly module's workspaces live in its memory, and one not kept is freed at once. A pool per build.
const workspacePools = new Map<KernelModule, Map<number, Workspace[]>>();
function poolOf(k: KernelModule): Map<number, Workspace[]> {
  let pool = workspacePools.get(k);
  if (!pool) workspacePools.set(k, (pool = new Map()));
  return pool;
}
function takeWorkspace(k: KernelModule, size: number): Workspace {
  return poolOf(k).get(size)?.pop() ?? (k.newWorkspace ? k.newWorkspace(size) : new Float32Array(size));
}
function giveBackWorkspace(k: KernelModule, ws: Workspace): void {
  const pool = poolOf(k);
  const list = pool.get(ws.length) ?? [];
  if (list.length < 4) list.push(ws);
  else if (k.freeWorkspace && !(ws instanceof Float32Array)) k.freeWorkspace(ws);
  pool.set(ws.length, list);
}

/** Inside tf.grads / minimize (a tape is recording)? If tfjs's internals ever change, assume yes: keep the workspace. */
function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return state?.gradientDepth !== 0;
}

function floats(t: Tensor): Float32Array {
  const v = t.dataSync();
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

/** The wasm backend, whose tensors lie in its heap, where the kernels can read and write them in place; else null. */
function wasmHeap(): WasmHeapBackend | null {
  if (tensorOpsOnly || tf.getBackend() !== "wasm") return null;
  const b = tf.backend() as unknown as Partial<WasmHeapBackend>;
  return typeof b.typedArrayFromHeap === "function" && typeof b.makeOutput === "function" ? (b as WasmHeapBackend) : null;
}

/**
 * Runs a native kernel on tensors and returns its results as new tensors of the given shapes. On wasm without any
 * copy: the inputs are read where they lie in the heap, and the kernel writes its results straight into the new
 * tensors' heap memory (a dataSync copy out and a tf.tensor copy back in, each into fresh JS memory, were about a
 * fifth of a training step of lesson 07's model, most of it the kernel zero-filling new pages). The views are taken
 * after the last allocation, so the heap cannot grow (and move) under them, and they do not outlive the call.
 * Elsewhere (cpu) the inputs are read with dataSync and the results wrapped.
 */
function runNative(inputs: Tensor[], outShapes: number[][], kernel: (ins: Float32Array[], outs: Float32Array[]) => void): Tensor[] {
  const wasm = wasmHeap();
  if (wasm && inputs.every((t) => t.dtype === "float32" && !t.isDisposed)) {
    const engine = tf.engine() as unknown as { makeTensorFromTensorInfo(info: tf.TensorInfo): Tensor };
    const results = outShapes.map((s) => engine.makeTensorFromTensorInfo(wasm.makeOutput(s, "float32")));
    try {
      kernel(inputs.map((t) => wasm.typedArrayFromHeap(t)), results.map((t) => wasm.typedArrayFromHeap(t)));
    } catch (e) {
      tf.dispose(results);
      throw e;
    }
    return results;
  }
  const outs = outShapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
  kernel(inputs.map(floats), outs);
  return outs.map((o, i) => tf.tensor(o, outShapes[i]));
}

/**
 * The whole sequence in rnnlab's kernels (runNative). The forward pass's workspace (time-major input,
 * every h, the activated gates) stays with gradFunc (a JS array, or the WebAssembly module's memory); the two kernels are saved for the backward pass.
 */
function nativeOp(cell: CellKind, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: RecurrentOpOptions): Tensor {
  const k = kernels!;
  const { units: u, returnSequences } = opts;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, W, U, b] = args as [Tensor, Tensor, Tensor, Tensor];
    const save = args[4] as (ts: Tensor[]) => void;
    const [batch, steps, inDim] = x.shape;
    const dims = [CELL_CODE[cell], ACT_CODE[opts.recurrentActivation.name], ACT_CODE[opts.activation.name], batch, steps, inDim, u, returnSequences ? 1 : 0];
    const ws = recordingGradients() ? takeWorkspace(k, k.workspaceSize(dims)) : null;
    const outShape = returnSequences ? [batch, steps, u] : [batch, u];
    const [value] = runNative([x, W, U, b], [outShape], ([xv, Wv, Uv, bv], [out]) => k.forward(dims, xv, Wv, Uv, bv, ws, out));
    save([W, U]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        if (!ws) throw new Error(`rnnlab ${cell}: the native forward pass ran outside a gradient tape, so it kept nothing to differentiate`);
        const [Ws, Us] = saved;
        const grads = runNative([dy, Ws, Us], [[batch, steps, inDim], W.shape, U.shape, [b.size]], ([dyv, Wv, Uv], outs) => k.backward(dims, Wv, Uv, ws, dyv, ...outs));
        giveBackWorkspace(k, ws);
        return grads;
      },
    };
  });
  return op(x, kernel, recurrentKernel, bias);
}

/** True on backends where dataSync is a cheap memory copy (wasm, cpu, tfjs-node), not a GPU read-back. */
function hostMemoryBackend(): boolean {
  if (tensorOpsOnly) return false;
  return HOST_MEMORY_TF_BACKENDS.includes(tf.getBackend());
}

/**
 * T tensors of shape [B, N], one per time step, collected into one [T*B, N] tensor (rows t*B..t*B+B-1 = step t).
 * On host-memory backends the steps are copied into one JS buffer; elsewhere they are concatenated.
 */
class StepStack {
  private buf?: Float32Array;
  private list: Tensor2D[] = [];
  constructor(private steps: number, private rows: number, private cols: number) {
    if (hostMemoryBackend()) this.buf = new Float32Array(steps * rows * cols);
  }
  set(t: number, x: Tensor): void {
    if (this.buf) this.buf.set(x.dataSync() as Float32Array, t * this.rows * this.cols);
    else this.list[t] = x as Tensor2D;
  }
  /** Steps [from, to) as one [(to-from)*B, N] tensor. */
  tensor(from = 0, to = this.steps): Tensor2D {
    const n = to - from;
    if (this.buf) {
      const size = this.rows * this.cols;
      return tf.tensor2d(this.buf.subarray(from * size, to * size), [n * this.rows, this.cols]);
    }
    return tf.concat(this.list.slice(from, to), 0) as Tensor2D;
  }
}

/** Splits a time-major [T*B, N] tensor into T tensors of shape [B, N]. */
function splitSteps(x: Tensor, steps: number): Tensor2D[] {
  const [rows, cols] = x.shape as [number, number];
  const b = rows / steps;
  if (hostMemoryBackend()) {
    const v = x.dataSync() as Float32Array;
    const out: Tensor2D[] = [];
    for (let t = 0; t < steps; t++) out.push(tf.tensor2d(v.subarray(t * b * cols, (t + 1) * b * cols), [b, cols]));
    return out;
  }
  return tf.split(x as Tensor2D, steps, 0) as Tensor2D[];
}

/** Splits [B, N] into column blocks of the given widths (tf.split's slices copy the whole input each on wasm). */
function splitColumns(x: Tensor, widths: number[]): Tensor2D[] {
  if (!hostMemoryBackend()) return tf.split(x as Tensor2D, widths, 1) as Tensor2D[];
  const [rows, cols] = x.shape as [number, number];
  const v = x.dataSync() as Float32Array;
  let start = 0;
  return widths.map((w) => {
    const out = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) out.set(v.subarray(r * cols + start, r * cols + start + w), r * w);
    start += w;
    return tf.tensor2d(out, [rows, w]);
  });
}

/** An activation and its derivative written in terms of its output y = f(x). */
interface Activation {
  name: string;
  apply: (x: Tensor) => Tensor;
  gradFromOutput: (y: Tensor) => Tensor;
}

/** The vocabulary's activations (course/vocabulary.ts), with their derivatives; every name must be here. */
const ACTIVATIONS: Record<CellActivation, Activation> = {
  // tanh(x) = 2 sigmoid(2x) - 1: wasm's Tanh kernel is ~5x slower than these three ops together. Square is
  // likewise much slower than y * y there.
  tanh: {
    name: "tanh",
    apply: (x) => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1),
    gradFromOutput: (y) => tf.sub(1, tf.mul(y, y)),
  },
  sigmoid: { name: "sigmoid", apply: (x) => tf.sigmoid(x), gradFromOutput: (y) => tf.mul(y, tf.sub(1, y)) },
  hardSigmoid: {
    name: "hardSigmoid",
    // Keras/tfjs: clip(0.2 x + 0.5, 0, 1); slope 0.2 strictly inside the ramp.
    apply: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
    gradFromOutput: (y) => tf.mul(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), "float32"), 0.2),
  },
  relu: { name: "relu", apply: (x) => tf.relu(x), gradFromOutput: (y) => tf.step(y) },
  linear: { name: "linear", apply: (x) => x, gradFromOutput: (y) => tf.onesLike(y) },
};

function activation(name: string | undefined, fallback: string, where: string): Activation {
  const a = ACTIVATIONS[(name ?? fallback) as CellActivation];
  if (!a) throw new Error(`rnnlab ${where}: activation '${name}' is not supported; expected one of ${Object.keys(ACTIVATIONS).join(", ")}`);
  return a;
}

/**
 * x [B, T, I] -> time-major rows [T*B, I], and their transpose with a row of ones appended [I+1, T*B], so that one
 * matMul with dZ gives the kernel's gradient and the bias's (a column sum is much slower than that extra row).
 */
function timeMajor(x: Tensor): { x2: Tensor2D; x2t: Tensor2D } {
  const [b, t, i] = x.shape;
  const x2 = tf.reshape(tf.transpose(x, [1, 0, 2]), [t * b, i]) as Tensor2D;
  const x2t = tf.concat([tf.reshape(tf.transpose(x, [2, 1, 0]), [i, t * b]), tf.ones([1, t * b])], 0) as Tensor2D;
  return { x2, x2t };
}

/** dy of the layer output -> T per-step gradients [B, u] (null where the output does not depend on that step). */
function stepGrads(dy: Tensor, steps: number, returnSequences: boolean): (Tensor2D | null)[] {
  if (!returnSequences) return Array.from({ length: steps }, (_, t) => (t === steps - 1 ? (dy as Tensor2D) : null));
  const [b, t, u] = dy.shape;
  return splitSteps(tf.reshape(tf.transpose(dy, [1, 0, 2]), [t * b, u]), steps);
}

/** The gradients every cell shares once dZ (pre-activation gradients, [T*B, G*u]) is known. */
function inputGrads(dZ: Tensor2D, x2t: Tensor2D, kernel: Tensor2D, xShape: number[]): { dx: Tensor; dW: Tensor; db: Tensor } {
  const [b, t, i] = xShape;
  const dWb = tf.matMul(x2t, dZ);
  const dW = tf.slice(dWb, [0, 0], [i, -1]);
  const db = tf.reshape(tf.slice(dWb, [i, 0], [1, -1]), [dZ.shape[1]]);
  const dx2 = tf.matMul(dZ, tf.transpose(kernel));
  const dx = tf.transpose(tf.reshape(dx2, [t, b, i]), [1, 0, 2]);
  return { dx, dW, db };
}

function output(hs: StepStack, last: Tensor, steps: number, batch: number, units: number, returnSequences: boolean): Tensor {
  if (!returnSequences) return last;
  return tf.transpose(tf.reshape(hs.tensor(1, steps + 1), [steps, batch, units]), [1, 0, 2]);
}

export interface RecurrentOpOptions {
  units: number;
  returnSequences: boolean;
  activation: Activation;
  recurrentActivation: Activation;
}

/** SimpleRNN over a whole sequence: h_t = act(x_t W + h_{t-1} U + b). x [B,T,I] -> [B,T,u] or [B,u]. */
export function simpleRnnOp(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: RecurrentOpOptions): Tensor {
  if (nativeActive()) return nativeOp("simpleRnn", x, kernel, recurrentKernel, bias, opts);
  const { units: u, returnSequences, activation: act } = opts;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, W, U, b] = args as [Tensor, Tensor2D, Tensor2D, Tensor];
    const save = args[4] as (ts: Tensor[]) => void;
    const [batch, steps] = x.shape;
    const { x2, x2t } = timeMajor(x);
    const p = splitSteps(tf.fused.matMul({ a: x2, b: W, bias: b }), steps);
    const hs = new StepStack(steps + 1, batch, u);
    let h: Tensor2D = tf.zeros([batch, u]);
    hs.set(0, h);
    for (let t = 0; t < steps; t++) {
      h = act.apply(tf.add(p[t], tf.matMul(h, U))) as Tensor2D;
      hs.set(t + 1, h);
    }
    const hAll = hs.tensor();
    save([x2t, W, U, hAll]);
    return {
      value: output(hs, h, steps, batch, u, returnSequences),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [x2t, W, U, hAll] = saved as Tensor2D[];
        const hPrev = tf.slice(hAll, [0, 0], [steps * batch, u]);
        const hOut = tf.slice(hAll, [batch, 0], [steps * batch, u]);
        const deriv = splitSteps(act.gradFromOutput(hOut), steps);
        const dys = stepGrads(dy, steps, returnSequences);
        const Ut = tf.transpose(U) as Tensor2D;
        const dZs = new StepStack(steps, batch, u);
        let dh: Tensor2D | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const g = dh && dys[t] ? tf.add(dh, dys[t]!) : (dh ?? dys[t]!);
          const dz = tf.mul(g, deriv[t]);
          dZs.set(t, dz);
          if (t > 0) dh = tf.matMul(dz, Ut) as Tensor2D;
        }
        const dZ = dZs.tensor();
        const { dx, dW, db } = inputGrads(dZ, x2t, W, x.shape);
        const dU = tf.matMul(tf.transpose(hPrev), dZ);
        return [dx, dW, dU, db];
      },
    };
  });
  return op(x, kernel, recurrentKernel, bias);
}

/** LSTM over a whole sequence, gates i,f,c,o as tf.layers orders them. x [B,T,I] -> [B,T,u] or [B,u]. */
export function lstmOp(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: RecurrentOpOptions): Tensor {
  if (nativeActive()) return nativeOp("lstm", x, kernel, recurrentKernel, bias, opts);
  const { units: u, returnSequences, activation: act, recurrentActivation: rec } = opts;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, W, U, b] = args as [Tensor, Tensor2D, Tensor2D, Tensor];
    const save = args[4] as (ts: Tensor[]) => void;
    const [batch, steps] = x.shape;
    const { x2, x2t } = timeMajor(x);
    const p = splitSteps(tf.fused.matMul({ a: x2, b: W, bias: b }), steps);
    const hs = new StepStack(steps + 1, batch, u);
    const cs = new StepStack(steps + 1, batch, u);
    const [is, fs, gs, os] = [0, 1, 2, 3].map(() => new StepStack(steps, batch, u)); // activated i, f, g, o
    const tcs = new StepStack(steps, batch, u);
    let h: Tensor2D = tf.zeros([batch, u]);
    let c: Tensor = h;
    hs.set(0, h);
    cs.set(0, c);
    for (let t = 0; t < steps; t++) {
      const z = tf.add(p[t], tf.matMul(h, U));
      const [zi, zf, zg, zo] = splitColumns(z, [u, u, u, u]);
      const i = rec.apply(zi);
      const f = rec.apply(zf);
      const g = act.apply(zg);
      const o = rec.apply(zo);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = act.apply(c);
      h = tf.mul(o, tc) as Tensor2D;
      hs.set(t + 1, h);
      cs.set(t + 1, c);
      tcs.set(t, tc);
      is.set(t, i);
      fs.set(t, f);
      gs.set(t, g);
      os.set(t, o);
    }
    save([x2t, W, U, hs.tensor(0, steps), cs.tensor(0, steps), is.tensor(), fs.tensor(), gs.tensor(), os.tensor(), tcs.tensor()]);
    return {
      value: output(hs, h, steps, batch, u, returnSequences),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [x2t, W, U, hPrev, cPrev, I, F, G, O, tc] = saved as Tensor2D[];
        // dc_t = dc_{t+1} f_{t+1} + dh_t * o (1 - tanh(c)^2); dz = [dc g i', dc c_prev f', dc i g', dh tanh(c) o'].
        const dcFromDh = splitSteps(tf.mul(O, act.gradFromOutput(tc)), steps);
        const q = splitSteps(
          tf.concat(
            [
              tf.mul(G, rec.gradFromOutput(I)),
              tf.mul(cPrev, rec.gradFromOutput(F)),
              tf.mul(I, act.gradFromOutput(G)),
              tf.mul(tc, rec.gradFromOutput(O)),
            ],
            1,
          ),
          steps,
        );
        const fs = splitSteps(F, steps);
        const dys = stepGrads(dy, steps, returnSequences);
        const Ut = tf.transpose(U) as Tensor2D;
        const dZs = new StepStack(steps, batch, 4 * u);
        let dh: Tensor2D | null = null;
        let dcNext: Tensor | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const g = dh && dys[t] ? tf.add(dh, dys[t]!) : (dh ?? dys[t]!);
          const dcHere = tf.mul(g, dcFromDh[t]);
          const dc: Tensor = dcNext ? tf.add(dcNext, dcHere) : dcHere;
          const dz = tf.mul(tf.concat([dc, dc, dc, g], 1), q[t]);
          dZs.set(t, dz);
          if (t > 0) {
            dh = tf.matMul(dz, Ut) as Tensor2D;
            dcNext = tf.mul(dc, fs[t]);
          }
        }
        const dZ = dZs.tensor();
        const { dx, dW, db } = inputGrads(dZ, x2t, W, x.shape);
        const dU = tf.matMul(tf.transpose(hPrev), dZ);
        return [dx, dW, dU, db];
      },
    };
  });
  return op(x, kernel, recurrentKernel, bias);
}

/**
 * GRU over a whole sequence as tfjs 4.22 computes it (reset gate before the recurrent matmul, gates z,r,h):
 * z = σ(x Wz + h Uz + bz), r = σ(x Wr + h Ur + br), hh = tanh(x Wh + (r*h) Uh + bh), h' = z*h + (1-z)*hh.
 */
export function gruOp(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: RecurrentOpOptions): Tensor {
  if (nativeActive()) return nativeOp("gru", x, kernel, recurrentKernel, bias, opts);
  const { units: u, returnSequences, activation: act, recurrentActivation: rec } = opts;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, W, U, b] = args as [Tensor, Tensor2D, Tensor2D, Tensor];
    const save = args[4] as (ts: Tensor[]) => void;
    const [batch, steps] = x.shape;
    const { x2, x2t } = timeMajor(x);
    const pAll = tf.fused.matMul({ a: x2, b: W, bias: b });
    const [pzrAll, phAll] = splitColumns(pAll, [2 * u, u]);
    const pzr = splitSteps(pzrAll, steps);
    const ph = splitSteps(phAll, steps);
    const [Uzr, Uh] = tf.split(U, [2 * u, u], 1);
    const hs = new StepStack(steps + 1, batch, u);
    const zs = new StepStack(steps, batch, u);
    const rs = new StepStack(steps, batch, u);
    const hhs = new StepStack(steps, batch, u);
    const rhs = new StepStack(steps, batch, u);
    let h: Tensor2D = tf.zeros([batch, u]);
    hs.set(0, h);
    for (let t = 0; t < steps; t++) {
      const zr = rec.apply(tf.add(pzr[t], tf.matMul(h, Uzr)));
      const [z, r] = splitColumns(zr, [u, u]);
      const rh = tf.mul(r, h);
      const hh = act.apply(tf.add(ph[t], tf.matMul(rh, Uh)));
      h = tf.add(hh, tf.mul(z, tf.sub(h, hh))) as Tensor2D;
      hs.set(t + 1, h);
      zs.set(t, z);
      rs.set(t, r);
      hhs.set(t, hh);
      rhs.set(t, rh);
    }
    save([x2t, W, U, hs.tensor(0, steps), zs.tensor(), rs.tensor(), hhs.tensor(), rhs.tensor()]);
    return {
      value: output(hs, h, steps, batch, u, returnSequences),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [x2t, W, U, hPrev, Z, R, HH, RH] = saved as Tensor2D[];
        const [Uzr, Uh] = tf.split(U, [2 * u, u], 1);
        const UzrT = tf.transpose(Uzr) as Tensor2D;
        const UhT = tf.transpose(Uh) as Tensor2D;
        // Per unit of dh: dz_h = (1-z) act'(hh); dz_z = (h_prev - hh) z'; dz_r = d(r*h) h_prev r'.
        const aH = splitSteps(tf.mul(tf.sub(1, Z), act.gradFromOutput(HH)), steps);
        const aZ = splitSteps(tf.mul(tf.sub(hPrev, HH), rec.gradFromOutput(Z)), steps);
        const aR = splitSteps(tf.mul(hPrev, rec.gradFromOutput(R)), steps);
        const zSteps = splitSteps(Z, steps);
        const rSteps = splitSteps(R, steps);
        const dys = stepGrads(dy, steps, returnSequences);
        const dZzr = new StepStack(steps, batch, 2 * u);
        const dZh = new StepStack(steps, batch, u);
        let dh: Tensor2D | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const g = dh && dys[t] ? tf.add(dh, dys[t]!) : (dh ?? dys[t]!);
          const dzh = tf.mul(g, aH[t]);
          const dRh = tf.matMul(dzh, UhT);
          const dzzr = tf.concat([tf.mul(g, aZ[t]), tf.mul(dRh, aR[t])], 1);
          dZzr.set(t, dzzr);
          dZh.set(t, dzh);
          if (t > 0) {
            dh = tf.addN([tf.mul(g, zSteps[t]), tf.mul(dRh, rSteps[t]), tf.matMul(dzzr, UzrT)]) as Tensor2D;
          }
        }
        const dzzrAll = dZzr.tensor();
        const dzhAll = dZh.tensor();
        const dZ = tf.concat([dzzrAll, dzhAll], 1) as Tensor2D;
        const { dx, dW, db } = inputGrads(dZ, x2t, W, x.shape);
        const dU = tf.concat([tf.matMul(tf.transpose(hPrev), dzzrAll), tf.matMul(tf.transpose(RH), dzhAll)], 1);
        return [dx, dW, dU, db];
      },
    };
  });
  return op(x, kernel, recurrentKernel, bias);
}

// ---------------------------------------------------------------------------------------------------------------
// Layers

type Initializer = ReturnType<typeof tf.initializers.zeros>;

type InitializerName = "glorotNormal" | "glorotUniform" | "orthogonal" | "zeros" | "ones" | "heNormal" | "heUniform" | "leCunNormal";

function initializer(name: InitializerName, where: string): Initializer {
  switch (name) {
    case "glorotNormal":
      return tf.initializers.glorotNormal({});
    case "glorotUniform":
      return tf.initializers.glorotUniform({});
    case "orthogonal":
      return orthogonal({}); // tfjs's, without its "Slowness may result" warning (initializers.ts)
    case "zeros":
      return tf.initializers.zeros();
    case "ones":
      return tf.initializers.ones();
    case "heNormal":
      return tf.initializers.heNormal({});
    case "heUniform":
      return tf.initializers.heUniform({});
    case "leCunNormal":
      return tf.initializers.leCunNormal({});
    default:
      throw new Error(`rnnlab ${where}: initializer '${name}' is not supported`);
  }
}

export interface FastRecurrentArgs {
  units: number;
  /** Output every step ([B, T, u]) instead of the last ([B, u]); needed to stack another recurrent layer on top. */
  returnSequences?: boolean;
  /** Output activation: 'tanh' (default), or for SimpleRNN also 'relu', 'sigmoid', 'linear'. */
  activation?: string;
  /** Gate activation for LSTM and GRU: 'sigmoid' (default here, as Keras 2.3+ and PyTorch) or 'hardSigmoid' (tfjs's default). */
  recurrentActivation?: string;
  /** Fraction of input features dropped in training; one mask per sequence, shared by all steps (as tf.layers). */
  dropout?: number;
  /** Not supported by the fast layers (0 only); use the stock layers for recurrent dropout. */
  recurrentDropout?: number;
  useBias?: boolean;
  /** LSTM only: initialise the forget-gate bias to 1 (Keras's default; tfjs's default is false). */
  unitForgetBias?: boolean;
  /**
   * LSTM only: two bias vectors, one added to the input's product and one to the state's, stored as one `bias` of
   * [2 * 4 * units] (input biases, then recurrent biases), as Keras's CuDNNLSTM keeps them (cuDNN's layout). The
   * cell adds the two, so the outputs equal one bias of their sum; training differs, since each half gets the
   * whole gradient (default false: one bias, as tf.layers.lstm and Keras's LSTM).
   */
  separateBiases?: boolean;
  kernelInitializer?: InitializerName;
  recurrentInitializer?: InitializerName;
  biasInitializer?: InitializerName;
  inputShape?: number[];
  batchInputShape?: number[];
  name?: string;
  trainable?: boolean;
  // Fields tf.layers writes into a layer config, accepted (and ignored) so configs round-trip.
  [key: string]: unknown;
}

type Op = typeof simpleRnnOp;

/** What SimpleRNN, LSTM and GRU share: weights in tf.layers's layout and a whole-sequence op with its own gradient. */
abstract class FastRecurrent extends tf.layers.Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly activationName: string;
  readonly recurrentActivationName: string;
  readonly kernelInitializer: InitializerName;
  readonly recurrentInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  readonly separateBiases: boolean;
  protected kernel?: tf.LayerVariable;
  protected recurrentKernel?: tf.LayerVariable;
  protected bias?: tf.LayerVariable;
  protected abstract readonly gates: number;
  protected abstract readonly op: Op;

  constructor(args: FastRecurrentArgs) {
    super(args as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const where = this.constructor.name;
    if (!Number.isInteger(args.units) || args.units <= 0) throw new Error(`rnnlab ${where}: units must be a positive integer, got ${args.units}`);
    if (args.recurrentDropout) {
      throw new Error(`rnnlab ${where}: recurrentDropout=${args.recurrentDropout} is not supported by the fast layers; use impl:'stock' (tf.layers) for it`);
    }
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
    this.dropout = Math.min(1, Math.max(0, args.dropout ?? 0));
    this.useBias = args.useBias ?? true;
    this.activationName = activation(args.activation, "tanh", where).name;
    this.recurrentActivationName = activation(args.recurrentActivation, "sigmoid", where).name;
    this.kernelInitializer = args.kernelInitializer ?? "glorotNormal";
    this.recurrentInitializer = args.recurrentInitializer ?? "orthogonal";
    this.biasInitializer = args.biasInitializer ?? "zeros";
    this.separateBiases = args.separateBiases ?? false;
    this.inputSpec = [{ ndim: 3 } as tf.InputSpec];
  }

  protected biasInit(where: string): Initializer {
    return initializer(this.biasInitializer, where);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1];
    const where = this.getClassName();
    if (inDim == null) throw new Error(`rnnlab ${where}: the last input dimension must be known, got shape [${shape}]`);
    const g = this.gates * this.units;
    this.kernel = this.addWeight("kernel", [inDim, g], "float32", initializer(this.kernelInitializer, where));
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, g], "float32", initializer(this.recurrentInitializer, where));
    if (this.useBias) this.bias = this.addWeight("bias", [this.separateBiases ? 2 * g : g], "float32", this.biasInit(where));
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.rank !== 3) throw new Error(`rnnlab ${this.getClassName()} '${this.name}': expected input [batch, steps, features], got [${x.shape}]`);
      x = checkRecurrentInput(this, x); // dtype, no steps, no features: errors naming the layer (input-checks.ts)
      if (x.shape[0] === 0) return emptyBatchOutput(this, x, this.weights.map((w) => w.read()));
      if (kwargs?.training && this.dropout > 0 && this.dropout < 1) {
        const [b, , i] = x.shape;
        x = tf.mul(x, tf.dropout(tf.ones([b, 1, i]), this.dropout));
      }
      const g = this.gates * this.units;
      let bias = this.bias ? this.bias.read() : tf.zeros([g]);
      // Input bias + recurrent bias: the kernels take their sum, and the gradient reaches both halves.
      if (this.bias && this.separateBiases) bias = tf.add(tf.slice(bias, [0], [g]), tf.slice(bias, [g], [g]));
      return this.op(x, this.kernel!.read(), this.recurrentKernel!.read(), bias, {
        units: this.units,
        returnSequences: this.returnSequences,
        activation: ACTIVATIONS[this.activationName as CellActivation],
        recurrentActivation: ACTIVATIONS[this.recurrentActivationName as CellActivation],
      });
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      activation: this.activationName,
      recurrentActivation: this.recurrentActivationName,
      dropout: this.dropout,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      recurrentInitializer: this.recurrentInitializer,
      biasInitializer: this.biasInitializer,
      ...(this.separateBiases ? { separateBiases: true } : {}),
    };
  }
}

/** Fully-connected RNN, h_t = tanh(x_t W + h_{t-1} U + b); a drop-in for tf.layers.simpleRNN. */
export class FastSimpleRNN extends FastRecurrent {
  static className = "RnnlabSimpleRNN";
  protected readonly gates = 1;
  protected readonly op = simpleRnnOp;
  constructor(args: FastRecurrentArgs) {
    super(args);
    if (this.separateBiases) throw new Error(`rnnlab RnnlabSimpleRNN: separateBiases is for LSTM only (Keras's CuDNNLSTM)`);
  }
}

/** Long short-term memory, gates i,f,c,o; a drop-in for tf.layers.lstm (with recurrentActivation 'sigmoid'). */
export class FastLSTM extends FastRecurrent {
  static className = "RnnlabLSTM";
  protected readonly gates = 4;
  protected readonly op = lstmOp;
  readonly unitForgetBias: boolean;
  constructor(args: FastRecurrentArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? false;
  }
  protected biasInit(where: string): Initializer {
    if (!this.unitForgetBias) return super.biasInit(where);
    const u = this.units;
    const base = super.biasInit(where);
    // [i, f, c, o]: the forget block starts at 1 so early training does not forget everything. With separate
    // biases, [i, f, c, o | i, f, c, o]: the recurrent half's forget block is 1, as in Keras's CuDNNLSTM.
    const before = this.separateBiases ? 5 * u : u;
    return {
      apply: (shape: number[]) => tf.tidy(() => tf.concat([base.apply([before]), tf.ones([u]), base.apply([2 * u])])),
      getClassName: () => "UnitForgetBias",
      getConfig: () => ({}),
    } as unknown as Initializer;
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/** Gated recurrent unit, gates z,r,h, reset before the recurrent matmul; a drop-in for tf.layers.gru. */
export class FastGRU extends FastRecurrent {
  static className = "RnnlabGRU";
  protected readonly gates = 3;
  protected readonly op = gruOp;
  constructor(args: FastRecurrentArgs) {
    super(args);
    // cuDNN's GRU adds its recurrent bias inside the reset gate's product, which is not a sum of two biases.
    if (this.separateBiases) throw new Error(`rnnlab RnnlabGRU: separateBiases is for LSTM only (Keras's CuDNNLSTM)`);
  }
}

for (const cls of [FastSimpleRNN, FastLSTM, FastGRU]) tf.serialization.registerClass(cls);

/** fastLayers.lstm({units: 128}) reads like tf.layers.lstm. */
export const fastLayers = {
  simpleRNN: (args: FastRecurrentArgs) => new FastSimpleRNN(args),
  lstm: (args: FastRecurrentArgs) => new FastLSTM(args),
  gru: (args: FastRecurrentArgs) => new FastGRU(args),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  batchNormalization: (args: Record<string, any> = {}) => new FastBatchNormalization(args),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  dropout: (args: { rate: number } & Record<string, any>) => new FastDropout(args),
};


// ---------------------------------------------------------------------------------------------------------------
// BatchNormalization and Dropout for the layers around the recurrent ones.
//
// tf.layers' BatchNormalization in training is tf.moments + tf.batchNorm differentiated op by op, and its Dropout
// draws a uniform tensor in JS and applies floor, add, div and mul: on [64, 60, 128] sequences they took about half of
// lesson 07's training step. These two subclass the stock layers (same weights, config, inference path) and replace
// the training pass: on host-memory backends with rnnlab's kernels, one native pass forward and one backward
// (native/src/norm.cc); elsewhere (GPU backends, RNNLAB_NATIVE=0) BatchNormalization's batch statistics with a
// hand-written gradient in a few tf ops, and Dropout as tf.layers does it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StockLayerClass = new (args: any) => tf.layers.Layer & Record<string, any>;
const StockBatchNormalization = tf.layers.batchNormalization({}).constructor as StockLayerClass;
const StockDropout = tf.layers.dropout({ rate: 0 }).constructor as StockLayerClass;

function oneTensor(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * Batch normalization in training over the last axis: y = (x - mean) / sqrt(var + eps) * gamma + beta with this
 * batch's mean and (biased) variance per channel, differentiated through the statistics as tf.layers is.
 * Returns y and the statistics (for the moving averages; the caller disposes them).
 */
export function batchNormTrainingOp(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const C = x.shape[x.rank - 1];
  const N = x.size / C;
  if (nativeActive()) {
    const k = kernels!;
    let mean: Float32Array | undefined;
    let variance: Float32Array | undefined;
    const op = tf.customGrad((...args: unknown[]) => {
      const [x, gamma, beta] = args as Tensor[];
      const save = args[3] as (ts: Tensor[]) => void;
      const gv = floats(gamma);
      const [y] = runNative([x, gamma, beta], [x.shape], ([xv, g, b], [y]) => {
        [, mean, variance] = k.bnForward(xv, C, g, b, epsilon, y);
      });
      const m = mean!;
      const v = variance!;
      save([x]); // for the backward pass (on wasm a copy within its heap; the input itself may be gone by then)
      return {
        value: y,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          let dGamma: Float32Array | undefined;
          let dBeta: Float32Array | undefined;
          const [dx] = runNative([saved[0], dy], [x.shape], ([xv, dyv], [dx]) => {
            [, dGamma, dBeta] = k.bnBackward(xv, dyv, C, m, v, gv, epsilon, dx);
          });
          return [dx, tf.tensor1d(dGamma!), tf.tensor1d(dBeta!)];
        },
      };
    });
    const y = op(x, gamma, beta);
    return { y, mean: tf.tensor1d(mean!), variance: tf.tensor1d(variance!) };
  }
  let mean: Tensor | undefined;
  let variance: Tensor | undefined;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, gamma, beta] = args as Tensor[];
    const save = args[3] as (ts: Tensor[]) => void;
    const x2 = tf.reshape(x, [N, C]);
    const mv = tf.moments(x2, 0);
    // Kept past customGrad's scope for the moving averages; the caller disposes them.
    mean = tf.keep(mv.mean);
    variance = tf.keep(mv.variance);
    const invStd = tf.rsqrt(tf.add(mv.variance, epsilon));
    const xHat = tf.mul(tf.sub(x2, mv.mean), invStd);
    save([xHat, tf.mul(gamma, invStd)]);
    return {
      value: tf.reshape(tf.add(tf.mul(xHat, gamma), beta), x.shape),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xHat, scale] = saved;
        const dy2 = tf.reshape(dy, [N, C]);
        const dBeta = tf.sum(dy2, 0);
        const dGamma = tf.sum(tf.mul(dy2, xHat), 0);
        const dx = tf.mul(scale, tf.sub(tf.sub(dy2, tf.div(dBeta, N)), tf.mul(xHat, tf.div(dGamma, N))));
        return [tf.reshape(dx, dy.shape), dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean: mean!, variance: variance! };
}

/** x * mask with rnnlab's kernels, the mask drawn from seed; its gradient multiplies dy by the same mask. */
function nativeDropoutOp(x: Tensor, rate: number, seed: number): Tensor {
  const k = kernels!;
  const op = tf.customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    return {
      value: runNative([x], [x.shape], ([xv], [y]) => k.dropout(xv, rate, seed, y))[0],
      gradFunc: (dy: Tensor) => runNative([dy], [dy.shape], ([dyv], [dx]) => k.dropout(dyv, rate, seed, dx))[0],
    };
  });
  return op(x);
}

/**
 * tf.layers.batchNormalization with a faster training pass (see above); same weights (gamma, beta, moving_mean,
 * moving_variance), same config, same results. The moving statistics are updated as tf.layers does:
 * moving = moving - (moving - batch) * (1 - momentum), with the batch's biased variance.
 */
export class FastBatchNormalization extends StockBatchNormalization {
  static className = "RnnlabBatchNormalization";

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(inputs: Tensor | Tensor[], kwargs: any): Tensor | Tensor[] {
    const x = oneTensor(inputs);
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    if (!kwargs?.training || axis !== x.rank - 1 || !this.center || !this.scale) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTrainingOp(x, this.gamma.read(), this.beta.read(), this.epsilon);
      const decay = 1 - this.momentum;
      for (const [moving, batch] of [[this.movingMean, mean], [this.movingVariance, variance]] as [tf.LayerVariable, Tensor][]) {
        const orig = moving.read();
        moving.write(tf.sub(orig, tf.mul(tf.sub(orig, batch), decay)));
      }
      tf.dispose([mean, variance]);
      return y;
    });
  }
}

/**
 * tf.layers.dropout whose training pass runs in rnnlab's kernels where it is active: one pass over x with a mask
 * drawn from a seed (the layer's `seed` if given, else one from Math.random, which seedEverything seeds), and the
 * gradient multiplied by the same mask. Elsewhere, or with a noiseShape, it is tf.layers' Dropout.
 */
export class FastDropout extends StockDropout {
  static className = "RnnlabDropout";

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(inputs: Tensor | Tensor[], kwargs: any): Tensor | Tensor[] {
    if (!kwargs?.training || !(this.rate > 0 && this.rate < 1) || this.noiseShape != null || !nativeActive()) return super.call(inputs, kwargs);
    const seed = this.seed != null ? Number(this.seed) >>> 0 : Math.floor(Math.random() * 4294967296);
    return tf.tidy(() => nativeDropoutOp(oneTensor(inputs), this.rate, seed));
  }
}

for (const cls of [FastBatchNormalization, FastDropout]) tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

// ---------------------------------------------------------------------------------------------------------------
// Adam's update in rnnlab's kernels: one pass per variable where tf.train.adam runs eleven ops (and on wasm as many
// allocations); the same arithmetic in the same order, so the same numbers.

type NamedTensor = { name: string; tensor: Tensor };

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/**
 * One step of a tf.AdamOptimizer with rnnlab's kernels, equal to its applyGradients (moments, bias correction,
 * accumulated betas and the iteration count); false, with nothing done, where they are not active or the
 * optimizer has not made its moment estimates yet (its own first step makes them).
 */
export function nativeAdamUpdate(optimizer: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]): boolean {
  if (!nativeActive()) return false;
  const o = optimizer as unknown as AdamInternals;
  const list = Array.isArray(variableGradients);
  const names = list ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  const grads = list ? variableGradients.map((v) => v.tensor) : names.map((name) => variableGradients[name]);
  const registered = tf.engine().registeredVariables;
  const ready = names.every((name, i) => {
    const value = registered[name];
    const g = grads[i];
    return o.accumulatedFirstMoment[i] && o.accumulatedSecondMoment[i] && value && value.dtype === "float32" && (g == null || g.dtype === "float32");
  });
  if (!ready) return false;
  const k = kernels!;
  tf.tidy(() => {
    // sub(1, accBeta) in float, as tf computes it.
    const a1 = Math.fround(1 - o.accBeta1.dataSync()[0]);
    const a2 = Math.fround(1 - o.accBeta2.dataSync()[0]);
    const scalars = [o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, a1, a2, -o.learningRate, o.epsilon];
    names.forEach((name, i) => {
      const g = grads[i];
      if (g == null) return;
      const value = registered[name];
      const m = o.accumulatedFirstMoment[i]!.variable;
      const v = o.accumulatedSecondMoment[i]!.variable;
      const [nx, nm, nv] = runNative([value, m, v, g], [value.shape, value.shape, value.shape], ([x, mv, vv, gv], [ox, om, ov]) =>
        k.adamUpdate(x, mv, vv, gv, ox, om, ov, scalars),
      );
      m.assign(nm);
      v.assign(nv);
      value.assign(nx);
    });
    o.accBeta1.assign(tf.mul(o.accBeta1, o.beta1));
    o.accBeta2.assign(tf.mul(o.accBeta2, o.beta2));
  });
  o.incrementIterations();
  return true;
}
