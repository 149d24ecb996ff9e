// Solutions to lesson 02's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

export function denseForward(x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): rl.tf.Tensor2D {
  return tf.relu(tf.add(tf.matMul(x, kernel), bias)) as rl.tf.Tensor2D;
}

export function xorWeights(): { W1: number[][]; b1: number[]; W2: number[]; b2: number } {
  // hidden unit 1 = OR (x1 + x2 - 0.5 >= 0), hidden unit 2 = NAND (-x1 - x2 + 1.5 >= 0), output = AND of the two
  return { W1: [[1, -1], [1, -1]], b1: [-0.5, 1.5], W2: [1, 1], b2: -1.5 };
}

export function mlpParamCount(sizes: number[]): number {
  let total = 0;
  for (let i = 0; i + 1 < sizes.length; i++) total += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return total;
}

export const wrongAnswers = [
  { id: "02-1", code: "missing-bias", fn: (x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, _bias: rl.tf.Tensor1D) => tf.relu(tf.matMul(x, kernel)) },
  { id: "02-1", code: "no-activation", fn: (x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D) => tf.add(tf.matMul(x, kernel), bias) },
  { id: "02-1", code: "sigmoid-not-relu", fn: (x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D) => tf.sigmoid(x.matMul(kernel).add(bias)) },
  { id: "02-1", code: "transposed-weight", fn: (x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D) => tf.relu(tf.add(tf.matMul(x, tf.transpose(kernel)), bias)) },
  { id: "02-1", code: "shape", fn: (x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D) => tf.relu(tf.add(tf.matMul(x, kernel), bias)).sum(1) },
  { id: "02-2", code: "xnor", fn: () => ({ W1: [[1, -1], [1, -1]], b1: [-0.5, 1.5], W2: [-1, -1], b2: 1.5 }) },
  { id: "02-2", code: "or", fn: () => ({ W1: [[1, -1], [1, -1]], b1: [-0.5, 1.5], W2: [1, 0], b2: -0.5 }) },
  { id: "02-2", code: "shape", fn: () => ({ W1: [1, 1, -1, -1], b1: [-0.5, 1.5], W2: [1, 1], b2: -1.5 }) },
  {
    id: "02-3", code: "no-bias",
    fn: (sizes: number[]) => sizes.slice(1).reduce((s, n, i) => s + sizes[i] * n, 0),
  },
  {
    id: "02-3", code: "bias-of-input",
    fn: (sizes: number[]) => { let t = 0; for (let i = 0; i < sizes.length - 1; i++) t += (sizes[i] + 1) * sizes[i + 1] - sizes[i + 1] + sizes[i]; return t; },
  },
  {
    id: "02-3", code: "skips-last-layer",
    fn: (sizes: number[]) => { let t = 0; for (let i = 1; i < sizes.length - 1; i++) t += sizes[i - 1] * sizes[i] + sizes[i]; return t; },
  },
];
