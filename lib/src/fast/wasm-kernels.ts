// rnnlab's kernels in WebAssembly (native/wasm/rnnlab_kernels.wasm, built from the same C++ as the Node addon by
// native/build-wasm.js): what fast/layers.ts runs where the addon could not be built, because the machine has no
// C++ compiler. It needs nothing but Node, and is several times faster than the layers' tf ops.
//
// Each instance of the module has its own memory: every call copies its inputs into it and its results out (a few
// percent of a training step), and checks its arguments first, with the addon's messages. A forward pass's
// workspace, which the backward pass reads, stays in the instances' memory (a WasmWorkspace).
//
// Threads, as the addon's: with setThreads(n) (RNNLAB_NATIVE_THREADS, default every core) a recurrent pass over a
// batch of 8n rows or more is split into n parts by rows; part 0 runs here and the others on worker threads, each in
// its own instance (fast/wasm-worker.ts), through a shared arena. The main thread waits for them with Atomics, so a
// pass stays one synchronous call. The weight gradients of the parts are added up in part order, so a result
// depends on n only by rounding, and never on timing. BatchNormalization, Dropout and Adam run here.
import * as path from "path";
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "worker_threads";
import { arenaLayout, C, compileKernels, CONTROL_INTS, OP, partBegin, PREFIX, rowFloats, rowsOf, sizes, WasmInstance } from "./wasm-instance";

/** A workspace: `length` floats for the whole batch, held in part by each instance that ran a part of its pass. */
export interface WasmWorkspace {
  readonly length: number;
}

/** Inside: its id for the workers, and the main thread's part. */
interface Held extends WasmWorkspace {
  id: number;
  ptr: number;
  floats: number;
  /** Into how many parts its forward pass was split (the backward pass splits the same way). */
  parts: number;
}

/** How an error names a value that is not a Float32Array: "an Int32Array", "a number", ... (as addon.cc's). */
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (ArrayBuffer.isView(v)) return /^[AEIOU]/.test(v.constructor.name) ? `an ${v.constructor.name}` : `a ${v.constructor.name}`;
  const t = typeof v;
  return t === "undefined" ? t : t === "object" ? "an object" : `a ${t}`;
}

function checkFloats(v: unknown, expected: number, what: string): Float32Array {
  if (!(v instanceof Float32Array) || (expected && v.length !== expected)) {
    const got = v instanceof Float32Array ? `, got ${v.length}` : `, got ${typeName(v)}`;
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
  const d = (dims as number[]).slice(0, 8);
  const [cell, , , B, T, I, u] = d;
  // The same words as addon.cc's readDims: which entry is wrong, its value, what it must be.
  const bad =
    cell < 0 || cell > 2 ? `cell (0 SimpleRNN, 1 LSTM, 2 GRU) is ${cell}, expected 0, 1 or 2`
    : B <= 0 ? `B (batch) is ${B}, expected 1 or more`
    : T <= 0 ? `T (time steps) is ${T}, expected 1 or more`
    : I <= 0 ? `I (input features) is ${I}, expected 1 or more`
    : u <= 0 ? `u (units) is ${u}, expected 1 or more`
    : undefined;
  if (bad) throw new RangeError(`${PREFIX}dims [cell, rec, act, B, T, I, u, returnSequences] = [${d.join(", ")}]: ${bad}`);
  return d;
}

const outArg = (args: unknown[], i: number, n: number, what: string): Float32Array | undefined => (args[i] == null ? undefined : checkFloats(args[i], n, what));

/** The module loaded from `file`, with the addon's interface (fast/layers.ts's KernelModule). */
export function loadWasmKernels(file: string) {
  const module = compileKernels(file);
  const main = new WasmInstance(module);

  // Workers, started when a pass first needs them; each waits on its slice of `control`.
  let threads = 1;
  const MAX_WORKERS = 63;
  const control = new SharedArrayBuffer(MAX_WORKERS * CONTROL_INTS * 4);
  const workers: { ctl: Int32Array; port: MessagePort; seq: number }[] = [];
  let arena = new Float32Array(new SharedArrayBuffer(0));
  let arenaGiven = 0; // how many workers hold the current arena
  let lastParts = 0; // each part runs on a thread of its own

  const startWorkers = (n: number) => {
    const started: Worker[] = [];
    while (workers.length < n) {
      const index = workers.length;
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(path.join(__dirname, "wasm-worker.js"), { workerData: { compiled: module, control, index, port: port2 }, transferList: [port2] });
      w.unref();
      port1.unref();
      started.push(w);
      workers.push({ ctl: new Int32Array(control, index * CONTROL_INTS * 4, CONTROL_INTS), port: port1, seq: 0 });
    }
    workers.forEach((w, i) => {
      // Blocks until the worker has its instance (the Worker starts on its own thread, without this event loop).
      if (Atomics.wait(w.ctl, C.ready, 0, 30000) === "timed-out") throw new Error(`${PREFIX}worker thread ${i + 1} did not start in 30 s`);
      if (w.ctl[C.ready] < 0) {
        const m = receiveMessageOnPort(w.port);
        throw new Error(`${PREFIX}worker thread ${i + 1} could not start: ${m ? m.message : "no message"}`);
      }
    });
  };
  const submit = (w: (typeof workers)[number], op: number, fill: (ctl: Int32Array) => void) => {
    fill(w.ctl);
    w.ctl[C.op] = op;
    w.seq++;
    Atomics.store(w.ctl, C.seq, w.seq);
    Atomics.notify(w.ctl, C.seq);
  };
  const finish = (w: (typeof workers)[number], i: number) => {
    let done: number;
    while ((done = Atomics.load(w.ctl, C.done)) !== w.seq) Atomics.wait(w.ctl, C.done, done, 1000);
    if (w.ctl[C.status] !== 0) {
      const m = receiveMessageOnPort(w.port);
      throw new Error(`${PREFIX}worker thread ${i + 1} failed: ${m ? m.message : "no message"}`);
    }
  };
  /** The arena, at least `floats` long, held by the first n workers. */
  const arenaFor = (floats: number, n: number) => {
    if (arena.length < floats) {
      arena = new Float32Array(new SharedArrayBuffer(Math.ceil(floats * 1.25) * 4));
      arenaGiven = 0;
    }
    for (; arenaGiven < n; arenaGiven++) {
      const w = workers[arenaGiven];
      w.port.postMessage(arena.buffer);
      submit(w, OP.arena, () => undefined);
      finish(w, arenaGiven);
    }
    return arena;
  };

  let nextId = 1;
  const freed = new FinalizationRegistry<{ id: number; ptr: number }>(({ id, ptr }) => release(id, ptr));
  const held = new WeakMap<WasmWorkspace, Held>();
  const release = (id: number, ptr: number) => {
    main.free(ptr);
    workers.forEach((w, i) => {
      submit(w, OP.free, (c) => (c[C.wsId] = id));
      finish(w, i);
    });
  };
  const workspaceOf = (ws: unknown, floats: number): Held => {
    const h = typeof ws === "object" && ws ? held.get(ws as WasmWorkspace) : undefined;
    if (!h) throw new TypeError(`${PREFIX}workspace must be one that newWorkspace returned`);
    if (h.length !== floats) throw new TypeError(`${PREFIX}workspace must be a workspace of ${floats} floats, got ${h.length}`);
    return h;
  };

  /** Into how many parts a pass over B rows splits: at most `threads`, each of 8 rows or more (rnn.cc's threadsFor). */
  const partsFor = (B: number) => Math.max(1, Math.min(threads, Math.floor(B / 8)));

  /**
   * A split pass: parts 1.. of `op` on the workers (the arena already holds their inputs), part 0 here by `mainPart`,
   * and back once every worker is done, also when part 0 throws.
   */
  const runParts = (op: number, dims: number[], parts: number, wsId: number, mainPart: () => void) => {
    for (let k = 1; k < parts; k++) {
      submit(workers[k - 1], op, (c) => {
        c[C.wsId] = wsId;
        c[C.part] = k;
        c[C.parts] = parts;
        c.set(dims, C.dims);
      });
    }
    try {
      mainPart();
    } finally {
      for (let k = 1; k < parts; k++) finish(workers[k - 1], k - 1);
    }
  };

  const kernels = {
    build: "wasm" as const,
    kernel: main.kernel(),
    /** A workspace of n floats, whose parts the instances allocate when a forward pass first fills it. */
    newWorkspace(n: number): WasmWorkspace {
      const ws = Object.freeze({ length: n });
      held.set(ws, { length: n, id: nextId++, ptr: 0, floats: 0, parts: 0 });
      return ws;
    },
    freeWorkspace(ws: WasmWorkspace): void {
      const h = held.get(ws);
      if (!h) return;
      held.delete(ws);
      freed.unregister(ws);
      release(h.id, h.ptr);
    },
    workspaceSize(dims: number[]): number {
      return main.workspaceSize(checkDims(dims));
    },
    forward(...args: unknown[]): Float32Array {
      if (args.length < 6) throw new TypeError(`${PREFIX}forward(dims, x, W, U, b, workspace | null[, out])`);
      const d = checkDims(args[0]);
      const s = sizes(d);
      const x = checkFloats(args[1], s.x, "x");
      const W = checkFloats(args[2], s.W, "kernel");
      const U = checkFloats(args[3], s.U, "recurrentKernel");
      const b = checkFloats(args[4], s.b, "bias");
      const out = outArg(args, 6, s.out, "out") ?? new Float32Array(s.out);
      const h = args[5] == null ? null : workspaceOf(args[5], main.workspaceSize(d));
      const parts = partsFor(d[3]);
      if (parts > 1) startWorkers(parts - 1);
      const r1 = partBegin(d[3], parts, 1);
      const sub = rowsOf(d, r1);
      const row = rowFloats(d);
      let ws = 0;
      if (h) {
        const floats = main.workspaceSize(sub);
        if (h.floats !== floats) {
          // Freed with the workers' parts when the handle is dropped without freeWorkspace (a tape never run back).
          const handle = args[5] as WasmWorkspace;
          main.free(h.ptr);
          h.ptr = 0;
          h.ptr = main.alloc(floats * 4);
          h.floats = floats;
          freed.unregister(handle);
          freed.register(handle, { id: h.id, ptr: h.ptr }, handle);
        }
        h.parts = parts;
        ws = h.ptr;
      }
      if (parts > 1) {
        const L = arenaLayout(d, parts);
        const A = arenaFor(L.floats, parts - 1);
        A.set(x, L.x);
        A.set(W, L.W);
        A.set(U, L.U);
        A.set(b, L.b);
        runParts(OP.forward, d, parts, h ? h.id : 0, () => main.forward(sub, x.subarray(0, r1 * row.x), W, U, b, ws, out.subarray(0, r1 * row.out)));
        out.set(A.subarray(L.out + r1 * row.out, L.out + s.out), r1 * row.out);
      } else {
        main.forward(d, x, W, U, b, ws, out);
      }
      lastParts = parts;
      return out;
    },
    backward(...args: unknown[]): Float32Array[] {
      if (args.length < 5) throw new TypeError(`${PREFIX}backward(dims, W, U, workspace, dy[, dx, dW, dU, db])`);
      const d = checkDims(args[0]);
      const s = sizes(d);
      const W = checkFloats(args[1], s.W, "kernel");
      const U = checkFloats(args[2], s.U, "recurrentKernel");
      const h = workspaceOf(args[3], main.workspaceSize(d));
      const dy = checkFloats(args[4], s.out, "dy");
      const [dx, dW, dU, db] = [outArg(args, 5, s.x, "dx"), outArg(args, 6, s.W, "dW"), outArg(args, 7, s.U, "dU"), outArg(args, 8, s.b, "db")].map(
        (o, i) => o ?? new Float32Array([s.x, s.W, s.U, s.b][i]),
      );
      if (!h.ptr) throw new TypeError(`${PREFIX}the workspace holds no forward pass`);
      const parts = h.parts;
      const r1 = partBegin(d[3], parts, 1);
      const row = rowFloats(d);
      if (parts > 1) {
        const L = arenaLayout(d, parts);
        const A = arenaFor(L.floats, parts - 1);
        A.set(W, L.W);
        A.set(U, L.U);
        A.set(dy, L.dy);
        runParts(OP.backward, d, parts, h.id, () =>
          main.backward(rowsOf(d, r1), W, U, h.ptr, dy.subarray(0, r1 * row.out), dx.subarray(0, r1 * row.x), dW, dU, db),
        );
        dx.set(A.subarray(L.dx + r1 * row.x, L.dx + s.x), r1 * row.x);
        // The parts' weight gradients, added in part order (a float sum, rounded as float: JS adds two floats exactly
        // in double, and the store rounds once).
        for (let k = 1; k < parts; k++) {
          for (const [g, at, n] of [[dW, L.dW, s.W], [dU, L.dU, s.U], [db, L.db, s.b]] as const) {
            const p = A.subarray(at + k * n, at + (k + 1) * n);
            for (let i = 0; i < n; i++) g[i] += p[i];
          }
        }
      } else {
        main.backward(d, W, U, h.ptr, dy, dx, dW, dU, db);
      }
      lastParts = parts;
      return [dx, dW, dU, db];
    },
    /** setThreads(n) -> n: a pass over 8n rows or more splits into n parts, n - 1 of them on worker threads. */
    setThreads(n?: number): number {
      if (n !== undefined) {
        if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`${PREFIX}setThreads takes a whole number of threads, 1 or more`);
        threads = Math.min(n, MAX_WORKERS + 1);
      }
      return threads;
    },
    /** No limit below setThreads (rl.fit's sharing of the cores is the addon's). */
    setActiveThreads(n?: number): number {
      if (n !== undefined && !(Number.isInteger(n) && n >= 0)) throw new RangeError(`${PREFIX}setActiveThreads takes a whole number of threads, or 0 for no limit`);
      return 0;
    },
    /** Into how many parts the last pass split its batch, and on how many threads they ran (for the tests). */
    lastSplit: () => lastParts,
    lastThreads: () => lastParts,
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
      main.matMul(a, b, out, dims);
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
      return main.bnForward(x, C, gamma, beta, eps, outArg(args, 5, x.length, "y"));
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
      return main.bnBackward(x, dy, C, mean, variance, gamma, eps, outArg(args, 7, x.length, "dx"));
    },
    dropout(...args: unknown[]): Float32Array {
      if (args.length !== 3 && args.length !== 4) throw new TypeError(`${PREFIX}dropout(x, rate, seed[, y])`);
      const x = checkFloats(args[0], 0, "x");
      const rate = checkNumber(args[1], "rate");
      const seed = checkNumber(args[2], "seed");
      if (!(rate >= 0 && rate < 1)) throw new RangeError(`${PREFIX}dropout's rate must be in [0, 1)`);
      if (!Number.isFinite(seed)) throw new TypeError(`${PREFIX}seed must be a finite number`);
      // The seed as addon.cc reads it: a double converted to a 64-bit integer, then its low 32 bits.
      return main.dropout(x, rate, Number(BigInt.asUintN(32, BigInt(Math.trunc(seed)))), outArg(args, 3, x.length, "y"));
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
      main.adam(x, m, v, g, nx, nm, nv, k as number[]);
    },
  };
  return kernels;
}
