// Solutions to lesson 05's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

type T2 = rl.tf.Tensor2D;
type T1 = rl.tf.Tensor1D;

export function myLstmStep(x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, c: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, recurrentKernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): { h: rl.tf.Tensor2D; c: rl.tf.Tensor2D } {
  const z = tf.add(tf.add(tf.matMul(x, kernel), tf.matMul(h, recurrentKernel)), bias);
  const [zi, zf, zk, zo] = tf.split(z, 4, 1);
  const i = tf.sigmoid(zi), f = tf.sigmoid(zf), o = tf.sigmoid(zo);
  const cNew = tf.add(tf.mul(f, c), tf.mul(i, tf.tanh(zk))) as rl.tf.Tensor2D;
  return { h: tf.mul(o, tf.tanh(cNew)) as rl.tf.Tensor2D, c: cNew };
}

export function myGruStep(x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, recurrentKernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): rl.tf.Tensor2D {
  const [xz, xr, xh] = tf.split(tf.add(tf.matMul(x, kernel), bias), 3, 1);
  const [uz, ur, uh] = tf.split(recurrentKernel, 3, 1);
  const z = tf.sigmoid(tf.add(xz, tf.matMul(h, uz)));
  const r = tf.sigmoid(tf.add(xr, tf.matMul(h, ur)));
  const candidate = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), uh)));
  return tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as rl.tf.Tensor2D;
}

/** An LSTM step as a learner might write it, with its mistakes switched on by name. */
function lstmLike(opts: { order?: string; hard?: boolean; oldC?: boolean }) {
  return (x: T2, h: T2, c: T2, kernel: T2, recurrentKernel: T2, bias: T1) => {
    const z = x.matMul(kernel).add(h.matMul(recurrentKernel)).add(bias);
    const parts = tf.split(z, 4, 1);
    const gate = (name: string) => parts[(opts.order ?? "ifco").indexOf(name)];
    const act = (t: rl.tf.Tensor) => (opts.hard ? tf.clipByValue(t.mul(0.2).add(0.5), 0, 1) : tf.sigmoid(t));
    const cNew = act(gate("f")).mul(c).add(act(gate("i")).mul(tf.tanh(gate("c"))));
    return { h: act(gate("o")).mul(tf.tanh(opts.oldC ? c : cNew)), c: cNew };
  };
}

function gruLike(opts: { order?: string; resetAfter?: boolean; zSwapped?: boolean }) {
  return (x: T2, h: T2, kernel: T2, recurrentKernel: T2, bias: T1) => {
    const order = opts.order ?? "zrh";
    const xs = tf.split(x.matMul(kernel).add(bias), 3, 1);
    const us = tf.split(recurrentKernel, 3, 1);
    const pick = <T>(arr: T[], name: string) => arr[order.indexOf(name)];
    const z = tf.sigmoid(pick(xs, "z").add(h.matMul(pick(us, "z"))));
    const r = tf.sigmoid(pick(xs, "r").add(h.matMul(pick(us, "r"))));
    const rec = opts.resetAfter ? r.mul(h.matMul(pick(us, "h"))) : r.mul(h).matMul(pick(us, "h"));
    const cand = tf.tanh(pick(xs, "h").add(rec));
    return opts.zSwapped ? tf.sub(1, z).mul(h).add(z.mul(cand)) : z.mul(h).add(tf.sub(1, z).mul(cand));
  };
}

export const wrongAnswers = [
  { id: "05-1", code: "gate-order", message: /i와 f가 뒤바뀌었습니다/, fn: lstmLike({ order: "fico" }) },
  { id: "05-1", code: "gate-order", message: /\(i, f, o, k\)/, fn: lstmLike({ order: "ifoc" }) },
  { id: "05-1", code: "hard-sigmoid", fn: lstmLike({ hard: true }) },
  { id: "05-1", code: "h-uses-old-c", fn: lstmLike({ oldC: true }) },
  {
    id: "05-1", code: "missing-bias",
    fn: (x: T2, h: T2, c: T2, kernel: T2, recurrentKernel: T2, _bias: T1) => lstmLike({})(x, h, c, kernel, recurrentKernel, tf.zerosLike(_bias) as T1),
  },
  {
    id: "05-1", code: "no-forget",
    fn: (x: T2, h: T2, c: T2, kernel: T2, recurrentKernel: T2, bias: T1) => lstmLike({})(x, h, tf.zerosLike(c) as T2, kernel, recurrentKernel, bias),
  },
  { id: "05-1", code: "type", fn: (x: T2, h: T2, c: T2, kernel: T2, recurrentKernel: T2, bias: T1) => lstmLike({})(x, h, c, kernel, recurrentKernel, bias).h },
  { id: "05-2", code: "reset-after", fn: gruLike({ resetAfter: true }) },
  { id: "05-2", code: "update-gate-swapped", fn: gruLike({ zSwapped: true }) },
  { id: "05-2", code: "gate-order", message: /z와 r가 뒤바뀌었습니다/, fn: gruLike({ order: "rzh" }) },
  {
    id: "05-2", code: "hard-sigmoid",
    fn: (x: T2, h: T2, kernel: T2, recurrentKernel: T2, bias: T1) => {
      const g = (t: rl.tf.Tensor) => tf.clipByValue(t.mul(0.2).add(0.5), 0, 1);
      const [xz, xr, xh] = tf.split(x.matMul(kernel).add(bias), 3, 1);
      const [uz, ur, uh] = tf.split(recurrentKernel, 3, 1);
      const z = g(xz.add(h.matMul(uz)));
      const r = g(xr.add(h.matMul(ur)));
      return z.mul(h).add(tf.sub(1, z).mul(tf.tanh(xh.add(r.mul(h).matMul(uh)))));
    },
  },
  // One call to the library function the lesson has just shown: refused, not counted as passed.
  { id: "05-1", code: "library-call", status: "library-call", message: /rl\.lstmStep/, fn: (x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, c: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, recurrentKernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D) => rl.lstmStep({ kernel, recurrentKernel, bias }, x, { h, c }) },
];
