// rnnlab's kernels in WebAssembly (native/wasm/rnnlab_kernels.wasm, built from the same C++ as the Node addon by
// native/build-wasm.js): what fast/layers.ts runs where the addon could not be built, because the machine has no
// C++ compiler. It needs nothing but Node, and is several times faster than the layers' tf ops.
//
// The module has its own memory: every call copies its inputs into it and its results out (a few percent of a
// training step), and checks its arguments first, with the addon's messages. A forward pass's workspace, which the
// backward pass reads, stays in the module's memory as a WasmWorkspace. One thread: setThreads reports 1.
import * as fs from "fs";

// What this file uses of Node's WebAssembly (the project compiles against ES2020 and Node's types, without the DOM's).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** A workspace held in the module's memory: `floats` floats at byte offset `ptr`. */
export interface WasmWorkspace {
  readonly ptr: number;
  readonly length: number;
}

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

const PREFIX = "rnnlab wasm kernels: ";

function checkFloats(v: unknown, expected: number, what: string): Float32Array {
  if (!(v instanceof Float32Array) || (expected && v.length !== expected)) {
    const got = v instanceof Float32Array ? `, got ${v.length}` : "";
    throw new TypeError(`${PREFIX}${what} must be a Float32Array${expected ? ` of ${expected} floats` : ""}${got}`);
  }
  return v;
}

function checkNumber(v: unknown, what: string): number {
  if (typeof v !== "number") throw new TypeError(`${PREFIX}${what} must be a number`);
  return v;
}

/** dims = [cell, rec, act, B, T, I, u, returnSequences] as the addon reads them (addon.cc's readDims). */
function checkDims(dims: unknown): number[] {
  if (!Array.isArray(dims) || dims.length < 8 || !dims.slice(0, 8).every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
    throw new TypeError(`${PREFIX}dims must be [cell, rec, act, B, T, I, u, returnSequences] integers`);
  }
  const [cell, , , B, T, I, u] = dims as number[];
  if (cell < 0 || cell > 2 || B <= 0 || T <= 0 || I <= 0 || u <= 0) throw new RangeError(`${PREFIX}bad dims`);
  return (dims as number[]).slice(0, 8);
}

/** The floats of each array a recurrent pass reads or writes, for dims (kernels.h's Dims). */
function sizes(dims: number[]) {
  const [cell, , , B, T, I, u, rs] = dims;
  const Gu = (cell === 1 ? 4 : cell === 2 ? 3 : 1) * u;
  return { x: B * T * I, W: I * Gu, U: u * Gu, b: Gu, out: (rs ? B * T : B) * u };
}

/** The module loaded from `file`, with the addon's interface (fast/layers.ts's KernelModule). */
export function loadWasmKernels(file: string) {
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  ex._initialize();

  const alloc = (bytes: number): number => {
    const p = ex.rl_alloc(Math.max(bytes, 16));
    if (!p) throw new RangeError(`${PREFIX}out of memory (${bytes} bytes asked, ${ex.memory.buffer.byteLength} held)`);
    return p;
  };
  // A scratch area for one call's arrays, kept and grown as calls need: [offset, floats] per array.
  let scratch = 0;
  let scratchBytes = 0;
  const region = (floats: number[]): number[] => {
    const bytes = floats.reduce((s, n) => s + Math.ceil(n / 4) * 16, 0);
    if (bytes > scratchBytes) {
      if (scratch) ex.rl_free(scratch);
      scratch = 0;
      scratch = alloc(bytes);
      scratchBytes = bytes;
    }
    let p = scratch;
    return floats.map((n) => {
      const at = p;
      p += Math.ceil(n / 4) * 16;
      return at;
    });
  };
  const heap = () => new Float32Array(ex.memory.buffer);
  const put = (ptr: number, a: Float32Array | ArrayLike<number>) => heap().set(a, ptr >> 2);
  const get = (ptr: number, n: number, into?: Float32Array): Float32Array => {
    const view = heap().subarray(ptr >> 2, (ptr >> 2) + n);
    if (into) {
      into.set(view);
      return into;
    }
    return view.slice();
  };
  const intsAt = (ptr: number, v: number[]) => new Int32Array(ex.memory.buffer).set(v, ptr >> 2);
  const outArg = (args: unknown[], i: number, n: number, what: string): Float32Array | undefined =>
    args[i] == null ? undefined : checkFloats(args[i], n, what);

  const freed = new FinalizationRegistry<number>((ptr) => ex.rl_free(ptr));
  const workspaces = new WeakMap<WasmWorkspace, number>();
  const workspaceOf = (ws: unknown, floats: number): number => {
    const p = typeof ws === "object" && ws ? workspaces.get(ws as WasmWorkspace) : undefined;
    if (p === undefined) throw new TypeError(`${PREFIX}workspace must be one that newWorkspace returned`);
    if ((ws as WasmWorkspace).length !== floats) throw new TypeError(`${PREFIX}workspace must be a workspace of ${floats} floats, got ${(ws as WasmWorkspace).length}`);
    return p;
  };
  let inference = { ptr: 0, floats: 0 };

  const kernels = {
    build: "wasm" as const,
    kernel: (() => {
      const p = ex.rl_kernel();
      const bytes = new Uint8Array(ex.memory.buffer, p);
      return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
    })(),
    /** A workspace of n floats in the module's memory, freed by freeWorkspace or when dropped. */
    newWorkspace(n: number): WasmWorkspace {
      const ptr = alloc(n * 4);
      const ws = Object.freeze({ ptr, length: n });
      workspaces.set(ws, ptr);
      freed.register(ws, ptr, ws);
      return ws;
    },
    freeWorkspace(ws: WasmWorkspace): void {
      const p = workspaces.get(ws);
      if (p === undefined) return;
      workspaces.delete(ws);
      freed.unregister(ws);
      ex.rl_free(p);
    },
    workspaceSize(dims: number[]): number {
      const d = checkDims(dims);
      const [pd] = region([8]);
      intsAt(pd, d);
      return ex.rl_workspace_size(pd);
    },
    forward(...args: unknown[]): Float32Array {
      if (args.length < 6) throw new TypeError(`${PREFIX}forward(dims, x, W, U, b, workspace | null[, out])`);
      const d = checkDims(args[0]);
      const s = sizes(d);
      const x = checkFloats(args[1], s.x, "x");
      const W = checkFloats(args[2], s.W, "kernel");
      const U = checkFloats(args[3], s.U, "recurrentKernel");
      const b = checkFloats(args[4], s.b, "bias");
      const out = outArg(args, 6, s.out, "out");
      const wsFloats = kernels.workspaceSize(d);
      let ws: number;
      if (args[5] == null) {
        if (inference.floats < wsFloats) {
          if (inference.ptr) ex.rl_free(inference.ptr);
          inference = { ptr: 0, floats: 0 };
          inference = { ptr: alloc(wsFloats * 4), floats: wsFloats };
        }
        ws = inference.ptr;
      } else ws = workspaceOf(args[5], wsFloats);
      const [pd, px, pW, pU, pb, po] = region([8, s.x, s.W, s.U, s.b, s.out]);
      intsAt(pd, d);
      put(px, x);
      put(pW, W);
      put(pU, U);
      put(pb, b);
      ex.rl_forward(pd, px, pW, pU, pb, ws, po);
      return get(po, s.out, out);
    },
    backward(...args: unknown[]): Float32Array[] {
      if (args.length < 5) throw new TypeError(`${PREFIX}backward(dims, W, U, workspace, dy[, dx, dW, dU, db])`);
      const d = checkDims(args[0]);
      const s = sizes(d);
      const W = checkFloats(args[1], s.W, "kernel");
      const U = checkFloats(args[2], s.U, "recurrentKernel");
      const ws = workspaceOf(args[3], kernels.workspaceSize(d));
      const dy = checkFloats(args[4], s.out, "dy");
      const outs = [outArg(args, 5, s.x, "dx"), outArg(args, 6, s.W, "dW"), outArg(args, 7, s.U, "dU"), outArg(args, 8, s.b, "db")];
      const [pd, pW, pU, pdy, pdx, pdW, pdU, pdb] = region([8, s.W, s.U, s.out, s.x, s.W, s.U, s.b]);
      intsAt(pd, d);
      put(pW, W);
      put(pU, U);
      put(pdy, dy);
      ex.rl_backward(pd, pW, pU, ws, pdy, pdx, pdW, pdU, pdb);
      return [get(pdx, s.x, outs[0]), get(pdW, s.W, outs[1]), get(pdU, s.U, outs[2]), get(pdb, s.b, outs[3])];
    },
    /** One thread: the module is built without threads. */
    setThreads(n?: number): number {
      if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new RangeError(`${PREFIX}setThreads takes a whole number of threads, 1 or more`);
      return 1;
    },
    setActiveThreads(n?: number): number {
      if (n !== undefined && !(Number.isInteger(n) && n >= 0)) throw new RangeError(`${PREFIX}setActiveThreads takes a whole number of threads, or 0 for no limit`);
      return 0;
    },
    matMul(a: Float32Array, b: Float32Array, out: Float32Array, dims: number[]): void {
      if (!Array.isArray(dims) || dims.length !== 8 || !dims.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31)) {
        throw new TypeError(`${PREFIX}matMul's dims must be 8 whole numbers, none negative`);
      }
      const [batch, M, N, K, , , aStride, bStride] = dims;
      checkFloats(a, 0, "a");
      checkFloats(b, 0, "b");
      checkFloats(out, batch * M * N, "out");
      if (batch < 1 || aStride * (batch - 1) + M * K > a.length || bStride * (batch - 1) + K * N > b.length) {
        throw new RangeError(`${PREFIX}matMul's a or b is shorter than its dims say`);
      }
      const [pd, pa, pb, pc] = region([8, a.length, b.length, out.length]);
      intsAt(pd, dims);
      put(pa, a);
      put(pb, b);
      ex.rl_mat_mul(pa, pb, pc, pd);
      get(pc, out.length, out);
    },
    bnForward(...args: unknown[]): Float32Array[] {
      if (args.length !== 5 && args.length !== 6) throw new TypeError(`${PREFIX}bnForward(x, C, gamma, beta, eps[, y])`);
      const C = checkNumber(args[1], "C");
      const eps = checkNumber(args[4], "eps");
      const x = checkFloats(args[0], 0, "x");
      if (!(C >= 1)) throw new TypeError(`${PREFIX}C must be a number of channels, 1 or more`);
      const gamma = checkFloats(args[2], C, "gamma");
      const beta = checkFloats(args[3], C, "beta");
      if (x.length % C) throw new TypeError(`${PREFIX}x's length must be a multiple of C`);
      const y = outArg(args, 5, x.length, "y");
      const [px, pg, pb, py, pm, pv] = region([x.length, C, C, x.length, C, C]);
      put(px, x);
      put(pg, gamma);
      put(pb, beta);
      ex.rl_bn_forward(px, x.length / C, C, pg, pb, eps, py, pm, pv);
      return [get(py, x.length, y), get(pm, C), get(pv, C)];
    },
    bnBackward(...args: unknown[]): Float32Array[] {
      if (args.length !== 7 && args.length !== 8) throw new TypeError(`${PREFIX}bnBackward(x, dy, C, mean, var, gamma, eps[, dx])`);
      const C = checkNumber(args[2], "C");
      const eps = checkNumber(args[6], "eps");
      const x = checkFloats(args[0], 0, "x");
      if (!(C >= 1)) throw new TypeError(`${PREFIX}C must be a number of channels, 1 or more`);
      if (x.length % C) throw new TypeError(`${PREFIX}x's length must be a multiple of C`);
      const dy = checkFloats(args[1], x.length, "dy");
      const mean = checkFloats(args[3], C, "mean");
      const variance = checkFloats(args[4], C, "var");
      const gamma = checkFloats(args[5], C, "gamma");
      const dx = outArg(args, 7, x.length, "dx");
      const [px, pdy, pm, pv, pg, pdx, pdg, pdb] = region([x.length, x.length, C, C, C, x.length, C, C]);
      put(px, x);
      put(pdy, dy);
      put(pm, mean);
      put(pv, variance);
      put(pg, gamma);
      ex.rl_bn_backward(px, pdy, x.length / C, C, pm, pv, pg, eps, pdx, pdg, pdb);
      return [get(pdx, x.length, dx), get(pdg, C), get(pdb, C)];
    },
    dropout(...args: unknown[]): Float32Array {
      if (args.length !== 3 && args.length !== 4) throw new TypeError(`${PREFIX}dropout(x, rate, seed[, y])`);
      const x = checkFloats(args[0], 0, "x");
      const rate = checkNumber(args[1], "rate");
      const seed = checkNumber(args[2], "seed");
      if (!(rate >= 0 && rate < 1)) throw new RangeError(`${PREFIX}dropout's rate must be in [0, 1)`);
      if (!Number.isFinite(seed)) throw new TypeError(`${PREFIX}seed must be a finite number`);
      const y = outArg(args, 3, x.length, "y");
      const [px, py] = region([x.length, x.length]);
      put(px, x);
      // The seed as addon.cc reads it: a double converted to a 64-bit integer, then its low 32 bits.
      ex.rl_dropout(px, x.length, rate, Number(BigInt.asUintN(32, BigInt(Math.trunc(seed)))), py);
      return get(py, x.length, y);
    },
    adamUpdate(...args: unknown[]): void {
      if (args.length !== 8) throw new TypeError(`${PREFIX}adamUpdate(value, m, v, g, newValue, newM, newV, scalars)`);
      const x = checkFloats(args[0], 0, "value");
      const n = x.length;
      if (n === 0) throw new TypeError(`${PREFIX}value must be a Float32Array of 1 float or more`);
      const [m, v, g, nx, nm, nv] = ["m", "v", "g", "newValue", "newM", "newV"].map((w, i) => checkFloats(args[i + 1], n, w));
      const k = args[7];
      if (!Array.isArray(k) || k.length < 8 || !k.slice(0, 8).every((e) => typeof e === "number")) {
        throw new TypeError(`${PREFIX}each of adamUpdate's scalars must be a number`);
      }
      const [px, pm, pv, pg, pnx, pnm, pnv, pk] = region([n, n, n, n, n, n, n, 8]);
      put(px, x);
      put(pm, m);
      put(pv, v);
      put(pg, g);
      put(pk, Float32Array.from(k.slice(0, 8)));
      ex.rl_adam(px, pm, pv, pg, pnx, pnm, pnv, n, pk);
      get(pnx, n, nx);
      get(pnm, n, nm);
      get(pnv, n, nv);
    },
  };
  return kernels;
}
