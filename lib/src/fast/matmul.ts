// Matrix products with a transposed operand on the wasm backend. tfjs-backend-wasm 4.22 multiplies A·B with
// XNNPACK's fast kernel, but Aᵀ·B and A·Bᵀ take a slow path, about 12 times slower for the shapes of a Dense
// layer's backward pass (xᵀ·dy for the kernel's gradient, dy·Wᵀ for the input's): lesson 02's MLP spent most of its
// training there. Here BatchMatMul on wasm first lays the transposed operand out in memory (the backend's own
// Transpose kernel) and then multiplies on the fast path; or, when that moves fewer numbers, computes the product
// the other way round, Cᵀ = op(B)ᵀ·op(A)ᵀ, and transposes the result. The same products, summed in XNNPACK's order
// instead of the slow path's (test/fast/matmul.test.js).
// Where the native addon is on, products of 32,768 multiply-adds or more (a Dense layer on a batch, forward and
// backward) go to its sgemm (native/src/packed.h) instead, transposed operands included, in place on the heap:
// XNNPACK's wasm kernel reached about a quarter of OpenBLAS's sgemm's speed, which the addon used then, on the MLP of
// lessons 02 and 06.
import * as tf from "@tensorflow/tfjs";
import { nativeMatMul } from "./layers";
import { KernelFunc, replaceWasmKernel, TensorInfo } from "./wasm-kernel";
interface Disposer {
  disposeData(dataId: object): boolean;
}

const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/** The permutation that swaps the last two axes. */
function swapLast(rank: number): number[] {
  const p = [...Array(rank).keys()];
  [p[rank - 1], p[rank - 2]] = [p[rank - 2], p[rank - 1]];
  return p;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Products smaller than this many multiply-adds stay on XNNPACK (the call into the addon costs more than it saves). */
const NATIVE_MIN_MACS = 32768;

/**
 * op(A)·op(B) in the addon's sgemm, or null where it does not apply: the addon off, not float32, too small, or batch
 * dimensions that do not broadcast as one batch against one matrix or against the same batch.
 */
function nativeProduct(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, backend: unknown): TensorInfo | null {
  const matMul = nativeMatMul();
  if (!matMul || a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if ((transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) !== K) return null; // the backend's own kernel says what is wrong
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = outer.reduce((x, y) => x * y, 1);
  if (![1, batch].includes(batchA) || ![1, batch].includes(batchB) || M * N * K === 0 || batch * M * N * K < NATIVE_MIN_MACS) return null;
  const heap = backend as HeapBackend;
  const out = heap.makeOutput([...outer, M, N], "float32");
  // Views after the last allocation: the heap cannot grow (and move) under them.
  const dims = [batch, M, N, K, transposeA ? 1 : 0, transposeB ? 1 : 0, batchA === 1 ? 0 : M * K, batchB === 1 ? 0 : K * N];
  matMul(heap.typedArrayFromHeap(a), heap.typedArrayFromHeap(b), heap.typedArrayFromHeap(out), dims);
  return out;
}

/**
 * Registers, in place of the wasm backend's BatchMatMul, one that never takes the slow transposed path (on = true,
 * what initRuntime does when it loads the wasm backend), or puts the backend's own back (false; for comparisons).
 * Returns whether ours is registered now: false also where the wasm backend's kernels are not registered.
 */
export function useFastWasmMatMul(on = true): boolean {
  return replaceWasmKernel("BatchMatMul", on, (multiply) => {
    const transposeKernel = tf.getKernel("Transpose", "wasm");
    return transposeKernel ? fastProduct(multiply, transposeKernel.kernelFunc as unknown as KernelFunc) : null;
  });
}

function fastProduct(multiply: KernelFunc, transposeFn: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    const { a, b } = inputs;
    const native = nativeProduct(a, b, transposeA, transposeB, backend);
    if (native) return native;
    if (!transposeA && !transposeB) return multiply({ inputs, backend, attrs });
    const temporary: TensorInfo[] = [];
    const transpose = (x: TensorInfo) => {
      const t = transposeFn({ inputs: { x }, backend, attrs: { perm: swapLast(x.shape.length) } });
      temporary.push(t);
      return t;
    };
    const plain = { ...attrs, transposeA: false, transposeB: false };
    try {
      // Numbers moved: transposing the flagged operands, or the unflagged ones and the result.
      const outRows = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
      const outCols = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
      const batch = Math.max(size(a) / (a.shape[a.shape.length - 1] * a.shape[a.shape.length - 2]), size(b) / (b.shape[b.shape.length - 1] * b.shape[b.shape.length - 2]));
      const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
      const reversed = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + batch * outRows * outCols;
      if (direct <= reversed) {
        return multiply({ inputs: { a: transposeA ? transpose(a) : a, b: transposeB ? transpose(b) : b }, backend, attrs: plain });
      }
      // C = op(A)·op(B) as (op(B)ᵀ·op(A)ᵀ)ᵀ: op(B)ᵀ is B as stored when B was flagged, else B transposed.
      const bt = transposeB ? b : transpose(b);
      const at = transposeA ? a : transpose(a);
      const ct = multiply({ inputs: { a: bt, b: at }, backend, attrs: plain });
      temporary.push(ct);
      return transposeFn({ inputs: { x: ct }, backend, attrs: { perm: swapLast(ct.shape.length) } });
    } finally {
      for (const t of temporary) (backend as Disposer).disposeData(t.dataId);
    }
  };
}
