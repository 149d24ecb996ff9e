// Matrix products with a transposed operand on the wasm backend. tfjs-backend-wasm 4.22 multiplies A·B with
// XNNPACK's fast kernel, but Aᵀ·B and A·Bᵀ take a slow path, about 12 times slower for the shapes of a Dense
// layer's backward pass (xᵀ·dy for the kernel's gradient, dy·Wᵀ for the input's): lesson 02's MLP spent most of its
// training there. Here BatchMatMul on wasm first lays the transposed operand out in memory (the backend's own
// Transpose kernel) and then multiplies on the fast path; or, when that moves fewer numbers, computes the product
// the other way round, Cᵀ = op(B)ᵀ·op(A)ᵀ, and transposes the result. The same products, summed in XNNPACK's order
// instead of the slow path's (test/fast/matmul.test.js).
import * as tf from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => TensorInfo;
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

/** The wasm backend's own BatchMatMul, kept while ours is registered in its place. */
let original: tf.KernelConfig | undefined;

/**
 * Registers, in place of the wasm backend's BatchMatMul, one that never takes the slow transposed path (on = true,
 * what initRuntime does when it loads the wasm backend), or puts the backend's own back (false; for comparisons).
 * Returns whether ours is registered now: false also where the wasm backend's kernels are not registered.
 */
export function useFastWasmMatMul(on = true): boolean {
  if (!on) {
    if (original) {
      tf.unregisterKernel("BatchMatMul", "wasm");
      tf.registerKernel(original);
      original = undefined;
    }
    return false;
  }
  if (original) return true;
  const own = tf.getKernel("BatchMatMul", "wasm");
  const transposeKernel = tf.getKernel("Transpose", "wasm");
  if (!own || !transposeKernel) return false;
  const multiply = own.kernelFunc as unknown as KernelFunc;
  const transposeFn = transposeKernel.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    if (!transposeA && !transposeB) return multiply({ inputs, backend, attrs });
    const { a, b } = inputs;
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
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({ ...own, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  original = own;
  return true;
}
