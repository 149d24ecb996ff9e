// Solutions to lesson 06's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

export function imagesToSequences(pixels: Uint8Array, n: number): rl.tf.Tensor3D {
  return tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 28, 28]);
}

export function predictedDigits(probs: rl.tf.Tensor2D): rl.tf.Tensor1D {
  return tf.argMax(probs, 1) as rl.tf.Tensor1D;
}

export const wrongAnswers = [
  { id: "06-1", code: "not-scaled", fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels), [n, 28, 28]) },
  { id: "06-1", code: "columns-not-rows", fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 28, 28]).transpose([0, 2, 1]) },
  { id: "06-1", code: "shape", message: /\[3, 784\].*\[3, 28, 28\]/, fn: (pixels: Uint8Array, n: number) => tf.tensor2d(Float32Array.from(pixels, (p) => p / 255), [n, 784]) },
  { id: "06-1", code: "shape", message: /\[3, 784, 1\]/, fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 784, 1]) },
  { id: "06-2", code: "max-not-argmax", fn: (probs: rl.tf.Tensor2D) => probs.max(1) },
  { id: "06-2", code: "off-by-one", fn: (probs: rl.tf.Tensor2D) => probs.argMax(1).add(1) },
  { id: "06-2", code: "shape", message: /\[10\].*\[5\]/, fn: (probs: rl.tf.Tensor2D) => probs.argMax(0) },
];
