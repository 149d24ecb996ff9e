// One instance of rnnlab's WebAssembly kernels (native/wasm/rnnlab_kernels.wasm, native/src/wasm.cc) and the copies
// into and out of its memory. fast/wasm-kernels.ts runs one on the main thread and one on each of its worker threads
// (fast/wasm-worker.ts); the arguments are checked there, not here.
import * as fs from "fs";

// What this file uses of Node's WebAssembly (the project compiles against ES2020 and Node's types, without the DOM's).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  rl_alloc(bytes: number): number;
  rl_free(ptr: number): void;
  rl_kernel(): number;
  rl_workspace_size(dims: number): number;
  rl_forward(dims: number, x: number, W: number, U: number, b: number, ws: number, out: number): void;
  rl_backward(dims: number, W: number, U: number, ws: number, dy: number, dx: number, dW: number, dU: number, db: number): void;
  rl_mat_mul(a: number, b: number, c: number, dims: number): void;
  rl_bn_forward(x: number, N: number, C: number, gamma: number, beta: number, eps: number, y: number, mean: number, variance: number): void;
  rl_bn_backward(x: number, dy: number, N: number, C: number, mean: number, variance: number, gamma: number, eps: number, dx: number, dg: number, db: number): void;
  rl_dropout(x: number, n: number, rate: number, seed: number, y: number): void;
  rl_adam(x: number, m: number, v: number, g: number, nx: number, nm: number, nv: number, n: number, k: number): void;
}

export const PREFIX = "rnnlab wasm kernels: ";

/**
 * The module compiled once: the main thread's instance and each worker's share it (a compiled module passes to a
 * worker as is), and with it the engine's optimised code of its hot functions, so a worker is as fast from its start.
 */
export function compileKernels(file: string): object {
  return new WebAssembly.Module(fs.readFileSync(file));
}

/** The floats of each array a recurrent pass reads or writes, for dims = [cell, rec, act, B, T, I, u, returnSequences]. */
export function sizes(dims: number[]) {
  const [cell, , , B, T, I, u, rs] = dims;
  const Gu = (cell === 1 ? 4 : cell === 2 ? 3 : 1) * u;
  return { x: B * T * I, W: I * Gu, U: u * Gu, b: Gu, out: (rs ? B * T : B) * u };
}

/** dims with the batch cut to `rows` rows (a part of the batch run on one thread). */
export function rowsOf(dims: number[], rows: number): number[] {
  const d = dims.slice(0, 8);
  d[3] = rows;
  return d;
}

export class WasmInstance {
  private readonly ex: Exports;
  // A scratch area for one call's arrays, kept and grown as calls need.
  private scratch = 0;
  private scratchBytes = 0;
  // The workspace of passes that keep none (inference).
  private inference = { ptr: 0, floats: 0 };

  /** An instance of the module compiled from `file` (compileKernels), or of `module` itself (a worker's). */
  constructor(module: object) {
    this.ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.ex._initialize();
  }

  /** packed.h's inner kernel, as the module names it. */
  kernel(): string {
    const p = this.ex.rl_kernel();
    const bytes = new Uint8Array(this.ex.memory.buffer, p);
    return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  }

  alloc(bytes: number): number {
    const p = this.ex.rl_alloc(Math.max(bytes, 16));
    if (!p) throw new RangeError(`${PREFIX}out of memory (${bytes} bytes asked, ${this.ex.memory.buffer.byteLength} held)`);
    return p;
  }

  free(ptr: number): void {
    if (ptr) this.ex.rl_free(ptr);
  }

  /** Byte offsets in the scratch area for arrays of these many floats (each 16-byte aligned). */
  private region(floats: number[]): number[] {
    const bytes = floats.reduce((s, n) => s + Math.ceil(n / 4) * 16, 0);
    if (bytes > this.scratchBytes) {
      this.free(this.scratch);
      this.scratch = 0;
      this.scratchBytes = 0;
      this.scratch = this.alloc(bytes);
      this.scratchBytes = bytes;
    }
    let p = this.scratch;
    return floats.map((n) => {
      const at = p;
      p += Math.ceil(n / 4) * 16;
      return at;
    });
  }

  private put(ptr: number, a: ArrayLike<number>): void {
    new Float32Array(this.ex.memory.buffer).set(a, ptr >> 2);
  }

  private get(ptr: number, n: number, into?: Float32Array): Float32Array {
    const view = new Float32Array(this.ex.memory.buffer, ptr, n);
    if (into) {
      into.set(view);
      return into;
    }
    return view.slice();
  }

  private ints(ptr: number, v: number[]): void {
    new Int32Array(this.ex.memory.buffer).set(v, ptr >> 2);
  }

  workspaceSize(dims: number[]): number {
    const [pd] = this.region([8]);
    this.ints(pd, dims);
    return this.ex.rl_workspace_size(pd);
  }

  /** The forward pass into `out`; ws: a workspace of workspaceSize(dims) floats here, or 0 to keep nothing. */
  forward(dims: number[], x: Float32Array, W: Float32Array, U: Float32Array, b: Float32Array, ws: number, out: Float32Array): void {
    const s = sizes(dims);
    if (!ws) {
      const floats = this.workspaceSize(dims);
      if (this.inference.floats < floats) {
        this.free(this.inference.ptr);
        this.inference = { ptr: 0, floats: 0 };
        this.inference = { ptr: this.alloc(floats * 4), floats };
      }
      ws = this.inference.ptr;
    }
    const [pd, px, pW, pU, pb, po] = this.region([8, s.x, s.W, s.U, s.b, s.out]);
    this.ints(pd, dims);
    this.put(px, x);
    this.put(pW, W);
    this.put(pU, U);
    this.put(pb, b);
    this.ex.rl_forward(pd, px, pW, pU, pb, ws, po);
    this.get(po, s.out, out);
  }

  /** The backward pass from forward's workspace `ws` into dx, dW, dU, db. */
  backward(dims: number[], W: Float32Array, U: Float32Array, ws: number, dy: Float32Array, dx: Float32Array, dW: Float32Array, dU: Float32Array, db: Float32Array): void {
    const s = sizes(dims);
    const [pd, pW, pU, pdy, pdx, pdW, pdU, pdb] = this.region([8, s.W, s.U, s.out, s.x, s.W, s.U, s.b]);
    this.ints(pd, dims);
    this.put(pW, W);
    this.put(pU, U);
    this.put(pdy, dy);
    this.ex.rl_backward(pd, pW, pU, ws, pdy, pdx, pdW, pdU, pdb);
    this.get(pdx, s.x, dx);
    this.get(pdW, s.W, dW);
    this.get(pdU, s.U, dU);
    this.get(pdb, s.b, db);
  }

  matMul(a: Float32Array, b: Float32Array, out: Float32Array, dims: number[]): void {
    const [pd, pa, pb, pc] = this.region([8, a.length, b.length, out.length]);
    this.ints(pd, dims);
    this.put(pa, a);
    this.put(pb, b);
    this.ex.rl_mat_mul(pa, pb, pc, pd);
    this.get(pc, out.length, out);
  }

  bnForward(x: Float32Array, C: number, gamma: Float32Array, beta: Float32Array, eps: number, y: Float32Array | undefined): Float32Array[] {
    const [px, pg, pb, py, pm, pv] = this.region([x.length, C, C, x.length, C, C]);
    this.put(px, x);
    this.put(pg, gamma);
    this.put(pb, beta);
    this.ex.rl_bn_forward(px, x.length / C, C, pg, pb, eps, py, pm, pv);
    return [this.get(py, x.length, y), this.get(pm, C), this.get(pv, C)];
  }

  bnBackward(x: Float32Array, dy: Float32Array, C: number, mean: Float32Array, variance: Float32Array, gamma: Float32Array, eps: number, dx: Float32Array | undefined): Float32Array[] {
    const [px, pdy, pm, pv, pg, pdx, pdg, pdb] = this.region([x.length, x.length, C, C, C, x.length, C, C]);
    this.put(px, x);
    this.put(pdy, dy);
    this.put(pm, mean);
    this.put(pv, variance);
    this.put(pg, gamma);
    this.ex.rl_bn_backward(px, pdy, x.length / C, C, pm, pv, pg, eps, pdx, pdg, pdb);
    return [this.get(pdx, x.length, dx), this.get(pdg, C), this.get(pdb, C)];
  }

  dropout(x: Float32Array, rate: number, seed: number, y: Float32Array | undefined): Float32Array {
    const [px, py] = this.region([x.length, x.length]);
    this.put(px, x);
    this.ex.rl_dropout(px, x.length, rate, seed, py);
    return this.get(py, x.length, y);
  }

  adam(x: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, nx: Float32Array, nm: Float32Array, nv: Float32Array, k: number[]): void {
    const n = x.length;
    const [px, pm, pv, pg, pnx, pnm, pnv, pk] = this.region([n, n, n, n, n, n, n, 8]);
    this.put(px, x);
    this.put(pm, m);
    this.put(pv, v);
    this.put(pg, g);
    this.put(pk, Float32Array.from(k.slice(0, 8)));
    this.ex.rl_adam(px, pm, pv, pg, pnx, pnm, pnv, n, pk);
    this.get(pnx, n, nx);
    this.get(pnm, n, nm);
    this.get(pnv, n, nv);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Passes split by rows of the batch between threads (fast/wasm-kernels.ts on the main thread, fast/wasm-worker.ts
// on the others), as native/src/rnn.cc splits them: the rows of a batch never meet inside a recurrent layer, so each
// thread runs its rows through all steps in its own instance, and the weight gradients of the parts are added up.

/** The control block of one worker: Int32s at these indices of its CONTROL_INTS-long slice of a SharedArrayBuffer. */
export const C = { seq: 0, done: 1, status: 2, op: 3, wsId: 4, part: 5, parts: 6, dims: 7, ready: 15 } as const;
export const CONTROL_INTS = 16;
export const OP = { forward: 1, backward: 2, free: 3, arena: 4 } as const;

/** First row of part k of a batch of B rows in `parts` parts (rnn.cc's Split with align 1). */
export function partBegin(B: number, parts: number, k: number): number {
  return k >= parts ? B : Math.floor((B * k) / parts);
}

/**
 * Where each array of a split pass lies in the shared arena (offsets in floats, each a multiple of 4): the whole
 * batch's x, out, dy and dx, the weights once, and each part's weight gradients.
 */
export function arenaLayout(dims: number[], parts: number) {
  const s = sizes(dims);
  let at = 0;
  const take = (n: number) => {
    const p = at;
    at += Math.ceil(n / 4) * 4;
    return p;
  };
  const L = { x: take(s.x), W: take(s.W), U: take(s.U), b: take(s.b), out: take(s.out), dy: take(s.out), dx: take(s.x), dW: take(s.W * parts), dU: take(s.U * parts), db: take(s.b * parts), floats: 0 };
  L.floats = at;
  return L;
}

/** The floats of x (and dx) and of out (and dy) before row r, and in one row. */
export function rowFloats(dims: number[]) {
  const [, , , , T, I, u, rs] = dims;
  return { x: T * I, out: rs ? T * u : u };
}
