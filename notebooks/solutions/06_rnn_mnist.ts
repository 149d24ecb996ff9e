// Solutions to lesson 06's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

export function imagesToSequences(pixels: Uint8Array, n: number): rl.tf.Tensor3D {
  return tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 28, 28]);
}

export function predictedDigits(probs: rl.tf.Tensor2D): rl.tf.Tensor1D {
  return tf.argMax(probs, 1) as rl.tf.Tensor1D;
}

export function lectureModelParams(units: number): number {
  // CuDNNLSTM: 4 gate blocks of input and recurrent weights, and two biases (input and recurrent) per block.
  const lstm = (inputs: number) => 4 * units * (inputs + units) + 2 * 4 * units;
  const dense = (inputs: number, outputs: number) => inputs * outputs + outputs;
  return lstm(28) + lstm(units) + dense(units, 32) + dense(32, 10);
}

export function learningRateAfter(lr: number, decay: number, samples: number, batchSize: number, epochs: number): number {
  const updates = Math.ceil(samples / batchSize) * epochs;
  return lr / (1 + decay * updates);
}

export function dataFor(use: "fit the weights" | "choose the epochs" | "report the accuracy"): "train" | "validation" | "test" {
  if (use === "fit the weights") return "train";
  if (use === "choose the epochs") return "validation";
  return "test";
}

export const wrongAnswers = [
  { id: "06-1", code: "not-scaled", fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels), [n, 28, 28]) },
  { id: "06-1", code: "columns-not-rows", fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 28, 28]).transpose([0, 2, 1]) },
  { id: "06-1", code: "shape", message: /\[3, 784\].*\[3, 28, 28\]/, fn: (pixels: Uint8Array, n: number) => tf.tensor2d(Float32Array.from(pixels, (p) => p / 255), [n, 784]) },
  { id: "06-1", code: "shape", message: /\[3, 784, 1\]/, fn: (pixels: Uint8Array, n: number) => tf.tensor3d(Float32Array.from(pixels, (p) => p / 255), [n, 784, 1]) },
  { id: "06-2", code: "max-not-argmax", fn: (probs: rl.tf.Tensor2D) => probs.max(1) },
  { id: "06-2", code: "off-by-one", fn: (probs: rl.tf.Tensor2D) => probs.argMax(1).add(1) },
  { id: "06-2", code: "shape", message: /\[10\].*\[5\]/, fn: (probs: rl.tf.Tensor2D) => probs.argMax(0) },
  { id: "06-3", code: "one-bias", fn: (u: number) => 4 * u * (28 + u) + 4 * u + 4 * u * (u + u) + 4 * u + (u * 32 + 32) + (32 * 10 + 10) },
  { id: "06-3", code: "no-recurrent-kernel", fn: (u: number) => 4 * u * 28 + 8 * u + 4 * u * u + 8 * u + (u * 32 + 32) + (32 * 10 + 10) },
  { id: "06-3", code: "no-dense", fn: (u: number) => 4 * u * (28 + u) + 8 * u + 4 * u * (u + u) + 8 * u },
  { id: "06-3", code: "library-call", status: "library-call", message: /rl\.buildLectureMnistLstm/, fn: (u: number) => { const m = rl.buildLectureMnistLstm({ units: u, compile: false }); const n = m.countParams(); m.dispose(); return n; } },
  { id: "06-4", code: "floor-batches", fn: (lr: number, decay: number, samples: number, batch: number, epochs: number) => lr / (1 + decay * Math.floor(samples / batch) * epochs) },
  { id: "06-4", code: "per-epoch", fn: (lr: number, decay: number, _samples: number, _batch: number, epochs: number) => lr / (1 + decay * epochs) },
  { id: "06-4", code: "exponential", fn: (lr: number, decay: number, samples: number, batch: number, epochs: number) => lr * Math.pow(1 - decay, Math.ceil(samples / batch) * epochs) },
  { id: "06-4", code: "library-call", status: "library-call", message: /rl\.kerasDecayedLearningRate/, fn: (lr: number, decay: number, samples: number, batch: number, epochs: number) => rl.kerasDecayedLearningRate(lr, decay, Math.ceil(samples / batch) * epochs) },
  { id: "06-5", code: "choose-on-test", fn: (use: string) => (use === "fit the weights" ? "train" : "test") },
  { id: "06-5", code: "report-on-validation", fn: (use: string) => (use === "fit the weights" ? "train" : "validation") },
  { id: "06-5", code: "fit-on-held-out", fn: (use: string) => (use === "fit the weights" ? "validation" : use === "choose the epochs" ? "validation" : "test") },
];
