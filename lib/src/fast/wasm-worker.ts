// A worker thread of rnnlab's WebAssembly kernels (fast/wasm-kernels.ts starts one per thread beyond the first): its
// own instance of the module, which runs the part of a recurrent pass it is given, reading and writing the shared
// arena. It waits on its control block (Atomics), so the main thread can hand it work and wait for it synchronously,
// inside a tf.customGrad, without returning to the event loop.
import { MessagePort, receiveMessageOnPort, workerData } from "worker_threads";
import { arenaLayout, C, CONTROL_INTS, OP, partBegin, rowFloats, rowsOf, sizes, WasmInstance } from "./wasm-instance";

const { compiled, control, index, port } = workerData as { compiled: object; control: SharedArrayBuffer; index: number; port: MessagePort };
const ctl = new Int32Array(control, index * CONTROL_INTS * 4, CONTROL_INTS);
let inst: WasmInstance;
try {
  inst = new WasmInstance(compiled);
} catch (e) {
  // Said to the main thread, which waits for `ready` without an event loop to receive an 'error' event.
  port.postMessage(String((e as Error).message || e));
  Atomics.store(ctl, C.ready, -1);
  Atomics.notify(ctl, C.ready);
  throw e;
}
let arena = new Float32Array(0);
// This thread's part of each workspace the main thread holds (by id): its pointer and floats.
const workspaces = new Map<number, { ptr: number; floats: number }>();

function workspace(id: number, floats: number): number {
  if (!id) return 0;
  let w = workspaces.get(id);
  if (w && w.floats !== floats) {
    inst.free(w.ptr);
    workspaces.delete(id);
    w = undefined;
  }
  if (!w) workspaces.set(id, (w = { ptr: inst.alloc(floats * 4), floats }));
  return w.ptr;
}

function run(op: number): void {
  if (op === OP.arena) {
    const m = receiveMessageOnPort(port);
    if (m) arena = new Float32Array(m.message as SharedArrayBuffer);
    return;
  }
  if (op === OP.free) {
    const w = workspaces.get(ctl[C.wsId]);
    if (w) inst.free(w.ptr);
    workspaces.delete(ctl[C.wsId]);
    return;
  }
  const dims = Array.from(ctl.subarray(C.dims, C.dims + 8));
  const k = ctl[C.part];
  const parts = ctl[C.parts];
  const r0 = partBegin(dims[3], parts, k);
  const r1 = partBegin(dims[3], parts, k + 1);
  const sub = rowsOf(dims, r1 - r0);
  const L = arenaLayout(dims, parts);
  const s = sizes(dims);
  const row = rowFloats(dims);
  const view = (at: number, n: number) => arena.subarray(at, at + n);
  const W = view(L.W, s.W);
  const U = view(L.U, s.U);
  if (op === OP.forward) {
    const ws = workspace(ctl[C.wsId], inst.workspaceSize(sub));
    inst.forward(sub, view(L.x + r0 * row.x, (r1 - r0) * row.x), W, U, view(L.b, s.b), ws, view(L.out + r0 * row.out, (r1 - r0) * row.out));
  } else if (op === OP.backward) {
    const w = workspaces.get(ctl[C.wsId]);
    if (!w) throw new Error(`no workspace ${ctl[C.wsId]} on worker ${index}: backward without its forward pass`);
    inst.backward(sub, W, U, w.ptr, view(L.dy + r0 * row.out, (r1 - r0) * row.out), view(L.dx + r0 * row.x, (r1 - r0) * row.x), view(L.dW + k * s.W, s.W), view(L.dU + k * s.U, s.U), view(L.db + k * s.b, s.b));
  }
}

Atomics.store(ctl, C.ready, 1);
Atomics.notify(ctl, C.ready);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, C.seq, seen);
  const seq = Atomics.load(ctl, C.seq);
  if (seq === seen) continue;
  seen = seq;
  let status = 0;
  try {
    run(ctl[C.op]);
  } catch (e) {
    status = 1;
    port.postMessage(String((e as Error).message || e));
  }
  Atomics.store(ctl, C.status, status);
  Atomics.store(ctl, C.done, seq);
  Atomics.notify(ctl, C.done);
}
