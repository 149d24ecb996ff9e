// Solutions to lesson 01's exercises, and typical wrong answers, each with the diagnosis its check must give.
// Each solution is a function as a learner would write it in the exercise cell (the test pastes it there).

export function perceptronOutput(w: number[], b: number, x: number[]): number {
  let z = b;
  for (let i = 0; i < w.length; i++) z += w[i] * x[i];
  return z >= 0 ? 1 : 0;
}

export function perceptronUpdate(w: number[], b: number, x: number[], y: number, lr: number): { w: number[]; b: number } {
  const error = y - perceptronOutput(w, b, x);
  return { w: w.map((wi, i) => wi + lr * error * x[i]), b: b + lr * error };
}

export const wrongAnswers = [
  { id: "01-1", code: "missing-bias", fn: (w: number[], b: number, x: number[]) => (w.reduce((s, wi, i) => s + wi * x[i], 0) >= 0 ? 1 : 0) },
  { id: "01-1", code: "sigmoid-not-step", fn: (w: number[], b: number, x: number[]) => 1 / (1 + Math.exp(-(w[0] * x[0] + w.slice(1).reduce((s, wi, i) => s + wi * x[i + 1], 0) + b))) },
  { id: "01-1", code: "step-at-zero", fn: (w: number[], b: number, x: number[]) => (w.reduce((s, wi, i) => s + wi * x[i], b) > 0 ? 1 : 0) },
  { id: "01-1", code: "bias-sign", fn: (w: number[], b: number, x: number[]) => (w.reduce((s, wi, i) => s + wi * x[i], 0) - b >= 0 ? 1 : 0) },
  { id: "01-1", code: "shape", fn: (w: number[], b: number, x: number[]) => w.map((wi, i) => (wi * x[i] + b >= 0 ? 1 : 0)) },
  {
    id: "01-2", code: "bias-not-updated",
    fn: (w: number[], b: number, x: number[], y: number, lr: number) => {
      const err = y - perceptronOutput(w, b, x);
      for (let i = 0; i < w.length; i++) w[i] += lr * err * x[i];
      return { w, b };
    },
  },
  {
    id: "01-2", code: "error-sign",
    fn: (w: number[], b: number, x: number[], y: number, lr: number) => {
      const err = perceptronOutput(w, b, x) - y;
      return { w: w.map((wi, i) => wi + lr * err * x[i]), b: b + lr * err };
    },
  },
  {
    id: "01-2", code: "no-learning-rate",
    fn: (w: number[], b: number, x: number[], y: number, _lr: number) => {
      const err = y - perceptronOutput(w, b, x);
      return { w: w.map((wi, i) => wi + err * x[i]), b: b + err };
    },
  },
  { id: "01-2", code: "type", fn: (w: number[], b: number, x: number[], y: number, lr: number) => [w.map((wi, i) => wi + lr * (y - perceptronOutput(w, b, x)) * x[i]), b] },
];
