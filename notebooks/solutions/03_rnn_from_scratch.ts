// Solutions to lesson 03's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

export function rnnStep(x: rl.tf.Tensor2D, hPrev: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D): rl.tf.Tensor2D {
  return tf.tanh(tf.add(tf.add(tf.matMul(x, Wxh), tf.matMul(hPrev, Whh)), b)) as rl.tf.Tensor2D;
}

export function rnnForward(x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D): rl.tf.Tensor3D {
  const [batch, steps] = x.shape;
  let h = tf.zeros([batch, Whh.shape[0]]) as rl.tf.Tensor2D;
  const hs: rl.tf.Tensor2D[] = [];
  const xs = tf.unstack(x, 1) as rl.tf.Tensor2D[];
  for (let t = 0; t < steps; t++) {
    h = rnnStep(xs[t], h, Wxh, Whh, b);
    hs.push(h);
  }
  return tf.stack(hs, 1) as rl.tf.Tensor3D;
}

export function bpttJacobian(h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D): rl.tf.Tensor2D {
  const derivative = tf.sub(1, tf.square(h)).reshape([-1, 1]); // one value per row j
  return tf.mul(derivative, tf.transpose(Whh)) as rl.tf.Tensor2D;
}

const step = (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => rnnStep(x, h, Wxh, Whh, b);

export const wrongAnswers = [
  { id: "03-1", code: "missing-bias", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, _b: rl.tf.Tensor1D) => tf.tanh(x.matMul(Wxh).add(h.matMul(Whh))) },
  { id: "03-1", code: "transposed-weight", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => tf.tanh(x.matMul(Wxh).add(tf.matMul(Whh, h, false, true).transpose()).add(b)) },
  { id: "03-1", code: "no-recurrence", fn: (x: rl.tf.Tensor2D, _h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, _Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => tf.tanh(x.matMul(Wxh).add(b)) },
  { id: "03-1", code: "swapped-weights", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => tf.tanh(x.matMul(Whh).add(h.matMul(Wxh)).add(b)) },
  { id: "03-1", code: "no-activation", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => x.matMul(Wxh).add(h.matMul(Whh)).add(b) },
  { id: "03-1", code: "sigmoid-not-tanh", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => tf.sigmoid(x.matMul(Wxh).add(h.matMul(Whh)).add(b)) },
  { id: "03-1", code: "relu-not-tanh", fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => tf.relu(x.matMul(Wxh).add(h.matMul(Whh)).add(b)) },
  {
    id: "03-2", code: "last-only",
    fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => {
      let h = tf.zeros([x.shape[0], Whh.shape[0]]) as rl.tf.Tensor2D;
      for (const xt of tf.unstack(x, 1) as rl.tf.Tensor2D[]) h = step(xt, h, Wxh, Whh, b);
      return h;
    },
  },
  {
    id: "03-2", code: "time-major",
    fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => {
      let h = tf.zeros([x.shape[0], Whh.shape[0]]) as rl.tf.Tensor2D;
      const hs = (tf.unstack(x, 1) as rl.tf.Tensor2D[]).map((xt) => (h = step(xt, h, Wxh, Whh, b)));
      return tf.stack(hs);
    },
  },
  {
    id: "03-2", code: "off-by-one",
    fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => {
      const hs: rl.tf.Tensor2D[] = [tf.zeros([x.shape[0], Whh.shape[0]])];
      const xs = tf.unstack(x, 1) as rl.tf.Tensor2D[];
      for (let t = 0; t < xs.length - 1; t++) hs.push(step(xs[t], hs[t], Wxh, Whh, b));
      return tf.stack(hs, 1);
    },
  },
  {
    id: "03-2", code: "no-carry",
    fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => {
      const h0 = tf.zeros([x.shape[0], Whh.shape[0]]) as rl.tf.Tensor2D;
      return tf.stack((tf.unstack(x, 1) as rl.tf.Tensor2D[]).map((xt) => step(xt, h0, Wxh, Whh, b)), 1);
    },
  },
  {
    id: "03-2", code: "reversed-time",
    fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => {
      let h = tf.zeros([x.shape[0], Whh.shape[0]]) as rl.tf.Tensor2D;
      const hs = (tf.unstack(x, 1) as rl.tf.Tensor2D[]).reverse().map((xt) => (h = step(xt, h, Wxh, Whh, b)));
      return tf.stack(hs, 1);
    },
  },
  { id: "03-3", code: "transposed-weight", fn: (h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.mul(tf.sub(1, tf.square(h)).reshape([-1, 1]), Whh) },
  { id: "03-3", code: "no-tanh-derivative", fn: (_h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.transpose(Whh) },
  { id: "03-3", code: "not-squared", fn: (h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.mul(tf.sub(1, h).reshape([-1, 1]), Whh.transpose()) },
  { id: "03-3", code: "sigmoid-derivative", fn: (h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.mul(h.mul(tf.sub(1, h)).reshape([-1, 1]), Whh.transpose()) },
  { id: "03-3", code: "derivative-wrong-side", fn: (h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.matMul(tf.transpose(Whh), tf.diag(tf.sub(1, tf.square(h)))) },
  { id: "03-3", code: "shape", fn: (h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D) => tf.sub(1, tf.square(h)) },
  // One call to the library function the lesson has just shown: refused, not counted as passed.
  { id: "03-1", code: "library-call", status: "library-call", message: /rl\.simpleRnnStep/, fn: (x: rl.tf.Tensor2D, hPrev: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => rl.simpleRnnStep({ kernel: Wxh, recurrentKernel: Whh, bias: b }, x, hPrev) },
  { id: "03-2", code: "library-call", status: "library-call", message: /rl\.simpleRnnForward/, fn: (x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D) => rl.simpleRnnForward({ kernel: Wxh, recurrentKernel: Whh, bias: b }, x).hiddenStates },
];
