// Putting one of rnnlab's kernels in place of one of the wasm backend's, and the backend's own back: fast/matmul.ts
// (BatchMatMul) and fast/gather.ts (GatherV2).
import * as tf from "@tensorflow/tfjs";

export type TensorInfo = { dataId: object; shape: number[]; dtype: string };
export type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => TensorInfo;

/** The backend's own kernels, kept while ours are registered in their place. */
const originals = new Map<string, tf.KernelConfig>();

/**
 * on: registers make(theirs) in place of the wasm backend's kernel `name` (theirs: the backend's own, for what ours
 * leaves to it), once; off: puts the backend's own back. Returns whether ours is registered now: false also where the
 * wasm backend has no such kernel registered (not loaded) or make finds what it needs missing (returns null).
 */
export function replaceWasmKernel(name: string, on: boolean, make: (theirs: KernelFunc) => KernelFunc | null): boolean {
  const original = originals.get(name);
  if (!on) {
    if (original) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(original);
      originals.delete(name);
    }
    return false;
  }
  if (original) return true;
  const own = tf.getKernel(name, "wasm");
  if (!own) return false;
  const ours = make(own.kernelFunc as unknown as KernelFunc);
  if (!ours) return false;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...own, kernelFunc: ours as unknown as tf.KernelFunc });
  originals.set(name, own);
  return true;
}
