// Exercises: checks that run a learner's function against a reference on seeded random inputs and edge cases, and
// say HOW an answer is wrong (a shape beside the expected one, two gates swapped, a missing bias, hardSigmoid for
// sigmoid, a transposed weight, a label that peeks at the future, ...), never only "wrong".
//
// A check compares the learner's outputs with the reference's on every case. When they differ it tries a list of
// typical mistakes (each a small variant of the reference) and names the one that reproduces the learner's outputs
// on every case; failing that, it names the first case and element that differ. An unsolved exercise (its skeleton
// calls notYet()) is reported as "not solved yet" and never fails the notebook run.
//
// Messages for learners are in Korean (the course's language); codes and identifiers are English. Each check also
// publishes its result as machine-readable display data (EXERCISE_MIME) that `npm run grade` reads.
import * as tf from "@tensorflow/tfjs";
import { publish } from "../show/display";
import { mulberry32 as rng } from "../course/random";
import { recordLibraryCalls } from "../course/calls";

/** MIME type of the machine-readable result each check publishes beside its text. */
export const EXERCISE_MIME = "application/vnd.rnnlab.exercise+json";

/** Thrown by an exercise skeleton that the learner has not filled in yet. */
export class NotYetError extends Error {
  constructor() {
    super("not solved yet: replace rl.notYet() with your code");
    this.name = "NotYetError";
  }
}

/** Put in an exercise skeleton where the learner's code goes: the check then says "not solved yet". */
export function notYet(): never {
  throw new NotYetError();
}

/** "library-call": the answer calls the library function the exercise asks the learner to write; not counted as passed. */
export type ExerciseStatus = "pass" | "fail" | "not-solved" | "library-call";

/** The outcome of one check: `code` names the diagnosis ("ok", "missing-bias", "gate-order", ...). */
export interface ExerciseResult {
  id: string;
  title: string;
  status: ExerciseStatus;
  code: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Values: whatever a learner returns (tensor, number, nested array, typed array, object of these) becomes one form.

type Norm = { kind: "array"; shape: number[]; values: number[] } | { kind: "object"; fields: Record<string, Norm> } | { kind: "other"; text: string };

async function normalize(v: unknown): Promise<Norm> {
  if (v instanceof tf.Tensor) return { kind: "array", shape: v.shape.slice(), values: Array.from(await v.data()) };
  if (typeof v === "number") return { kind: "array", shape: [], values: [v] };
  if (typeof v === "boolean") return { kind: "array", shape: [], values: [v ? 1 : 0] };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { kind: "array", shape: [(v as unknown as ArrayLike<number>).length], values: Array.from(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) {
    const items = await Promise.all(v.map(normalize));
    if (items.length === 0) return { kind: "array", shape: [0], values: [] };
    if (items.every((it) => it.kind === "array")) {
      const arrs = items as { kind: "array"; shape: number[]; values: number[] }[];
      const inner = arrs[0].shape;
      if (arrs.every((a) => a.shape.length === inner.length && a.shape.every((d, i) => d === inner[i]))) {
        return { kind: "array", shape: [arrs.length, ...inner], values: arrs.flatMap((a) => a.values) };
      }
      return { kind: "other", text: `길이가 서로 다른 배열들의 배열 (길이 ${arrs.map((a) => a.shape[0] ?? 1).join(", ")})` };
    }
    return { kind: "other", text: "숫자가 아닌 것이 든 배열" };
  }
  if (v && typeof v === "object") {
    const fields: Record<string, Norm> = {};
    for (const [k, x] of Object.entries(v)) fields[k] = await normalize(x);
    return { kind: "object", fields };
  }
  return { kind: "other", text: v === undefined ? "undefined" : String(v) };
}

const shapeText = (s: number[]) => `[${s.join(", ")}]`;

function describe(n: Norm): string {
  if (n.kind === "array") return n.shape.length === 0 ? `숫자 ${n.values[0]}` : `모양 ${shapeText(n.shape)}의 값`;
  if (n.kind === "object") return `{ ${Object.keys(n.fields).join(", ")} }`;
  return n.text;
}

/** null when equal within tolerance; else what differs, in Korean, with the place. */
function difference(got: Norm, want: Norm, tol: number, where = "출력"): { kind: "shape" | "value" | "type"; text: string } | null {
  if (want.kind === "object") {
    if (got.kind !== "object") return { kind: "type", text: `${where}이 ${describe(got)}입니다. 기대: { ${Object.keys(want.fields).join(", ")} } 객체` };
    for (const k of Object.keys(want.fields)) {
      if (!(k in got.fields)) return { kind: "type", text: `${where}에 ${k}가 없습니다 (받은 키: ${Object.keys(got.fields).join(", ") || "없음"})` };
      const d = difference(got.fields[k], want.fields[k], tol, `${where}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if (want.kind === "other") return got.kind === "other" && got.text === want.text ? null : { kind: "type", text: `${where}: ${describe(got)}, 기대: ${want.text}` };
  if (got.kind !== "array") return { kind: "type", text: `${where}이 ${describe(got)}입니다. 기대: ${describe(want)}` };
  const sameShape = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
  if (!sameShape) return { kind: "shape", text: `${where}의 모양(shape)이 ${shapeText(got.shape)}입니다. 기대한 모양: ${shapeText(want.shape)}` };
  for (let i = 0; i < want.values.length; i++) {
    const a = got.values[i];
    const b = want.values[i];
    if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) {
      const idx = want.shape.length === 0 ? "" : `[${unravel(i, want.shape).join(", ")}]`;
      return { kind: "value", text: `${where}${idx} = ${fmt(a)}, 기대값 ${fmt(b)}` };
    }
  }
  return null;
}

function unravel(i: number, shape: number[]): number[] {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return out;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toPrecision(4) : String(v));

// ---------------------------------------------------------------------------------------------------------------
// Seeded inputs: a check never touches tf's or Math's random state, so the lesson's seeds are left alone
// (each check draws from its own mulberry32).

/** Uniform values in [-scale, scale), rounded to 3 decimals so cases print readably. */
function randomArray(r: () => number, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => Math.round((r() * 2 - 1) * scale * 1000) / 1000);
}

const mat = (r: () => number, rows: number, cols: number, scale = 1) => tf.tensor2d(randomArray(r, rows * cols, scale), [rows, cols]);
const vec = (r: () => number, n: number, scale = 1) => tf.tensor1d(randomArray(r, n, scale));

// ---------------------------------------------------------------------------------------------------------------
// Exercises as data.

type Fn = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Mistake {
  code: string;
  message: string;
  fn: Fn;
}

interface Case {
  name: string;
  /** Fresh inputs each call (tensors are created anew): the learner, the reference and each mistake get their own. */
  args: () => unknown[];
}

interface FunctionExercise {
  id: string;
  title: string;
  /** The name of the function the skeleton defines. */
  name: string;
  cases: Case[];
  reference: Fn;
  mistakes: Mistake[];
  tol?: number;
  /** Added to a shape message (why the expected shape is what it is). */
  shapeHint?: string;
  /** Added when no known mistake matches. */
  hint?: string;
  /**
   * The library functions that do what this exercise asks for (names as noted by course/calls.ts): an answer that
   * calls one of them is told so and not counted as passed.
   */
  shortcuts?: string[];
}

interface CustomExercise {
  id: string;
  title: string;
  name: string;
  custom: (answer: Fn) => Promise<{ code: string; message: string }>;
}

type Exercise = FunctionExercise | CustomExercise;

const sigmoidT = (z: tf.Tensor) => tf.sigmoid(z);
const hardSigmoidT = (z: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1);
const stepN = (z: number) => (z >= 0 ? 1 : 0);
const dot = (w: number[], x: number[]) => w.reduce((s, wi, i) => s + wi * x[i], 0);

// --- 01: the perceptron -----------------------------------------------------------------------------------------

function perceptronCases(): Case[] {
  const out: Case[] = [];
  for (let k = 0; k < 5; k++) {
    out.push({ name: `random ${k + 1}`, args: () => { const r = rng(100 + k); return [randomArray(r, 3), randomArray(r, 1)[0], randomArray(r, 3)]; } });
  }
  out.push({ name: "w·x + b = 0 (edge)", args: () => [[1, -1], 0, [2, 2]] });
  out.push({ name: "w·x = 0, b < 0", args: () => [[0.5, 0.5], -0.3, [1, -1]] });
  out.push({ name: "w·x < 0, b > 0", args: () => [[1, 1], 0.8, [-0.3, -0.2]] });
  return out;
}

const perceptronOutputRef = (w: number[], b: number, x: number[]) => stepN(dot(w, x) + b);

function updateCases(): Case[] {
  // (w, b, x, y, lr): predicted 1 but y 0, predicted 0 but y 1, already right, and lr other than 1.
  return [
    { name: "ŷ=1, y=0", args: () => [[0.5, 0.5], 0.1, [1, 1], 0, 0.1] },
    { name: "ŷ=0, y=1", args: () => [[-0.4, 0.2], -0.5, [1, 0.5], 1, 0.25] },
    { name: "ŷ=y=1 (no change)", args: () => [[0.3, 0.3], 0.2, [1, 0], 1, 0.5] },
    { name: "ŷ=0, y=1, lr 0.5", args: () => [[-1, 2, 0.5], -3, [1, 0.5, 2], 1, 0.5] },
    { name: "ŷ=1, y=0, 3 inputs", args: () => [[1, 2, 3], 0, [0.2, 0.1, 0.3], 0, 0.3] },
  ];
}

function updateWith(opts: { bias?: boolean; sign?: number; lr?: boolean }) {
  return (w: number[], b: number, x: number[], y: number, lr: number) => {
    const err = (opts.sign ?? 1) * (y - perceptronOutputRef(w, b, x));
    const rate = opts.lr === false ? 1 : lr;
    return { w: w.map((wi, i) => wi + rate * err * x[i]), b: opts.bias === false ? b : b + rate * err };
  };
}

// --- 02: a dense layer, XOR by hand, counting parameters ---------------------------------------------------------

function denseCases(): Case[] {
  const shapes: [string, number, number, number, number][] = [
    ["batch 3, 4 → 2", 3, 4, 2, 1],
    ["batch 2, 3 → 3 (square kernel)", 2, 3, 3, 2],
    ["batch 1, 2 → 5", 1, 2, 5, 3],
    ["batch 4, 5 → 5, large bias", 4, 5, 5, 4],
  ];
  return shapes.map(([name, n, i, o, s]) => ({
    name,
    args: () => { const r = rng(200 + s); return [mat(r, n, i), mat(r, i, o), vec(r, o, s === 4 ? 3 : 1)]; },
  }));
}

const denseWith = (opts: { bias?: boolean; act?: "relu" | "sigmoid" | "linear"; transposed?: boolean }) =>
  (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => {
    let z: tf.Tensor = tf.matMul(x, kernel, false, opts.transposed === true);
    if (opts.bias !== false) z = tf.add(z, bias);
    const act = opts.act ?? "relu";
    return act === "relu" ? tf.relu(z) : act === "sigmoid" ? tf.sigmoid(z) : z;
  };

const GATE_TABLES: [string, number[]][] = [
  ["XOR", [0, 1, 1, 0]], ["XNOR", [1, 0, 0, 1]], ["AND", [0, 0, 0, 1]], ["OR", [0, 1, 1, 1]], ["NAND", [1, 1, 1, 0]], ["NOR", [1, 0, 0, 0]],
  ["항상 0 (always 0)", [0, 0, 0, 0]], ["항상 1 (always 1)", [1, 1, 1, 1]], ["x1", [0, 0, 1, 1]], ["x2", [0, 1, 0, 1]], ["NOT x1", [1, 1, 0, 0]], ["NOT x2", [1, 0, 1, 0]],
];
const XOR_POINTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const gateName = (ys: number[]) => GATE_TABLES.find(([, t]) => t.every((v, i) => v === ys[i]))?.[0] ?? `(${ys.join(", ")})`;

async function checkXor(answer: Fn): Promise<{ code: string; message: string }> {
  const w = answer() as { W1?: number[][]; b1?: number[]; W2?: number[]; b2?: number };
  const bad = (what: string) => ({ code: "shape", message: `${what}. 기대: W1 [2][2] (입력 × 은닉), b1 [2], W2 [2], b2 숫자 하나` });
  if (!w || typeof w !== "object") return bad(`객체 { W1, b1, W2, b2 } 대신 ${String(w)}을 돌려주었습니다`);
  const isNums = (a: unknown, n: number) => Array.isArray(a) && a.length === n && a.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!Array.isArray(w.W1) || w.W1.length !== 2 || !w.W1.every((row) => isNums(row, 2))) return bad("W1이 2×2 숫자 배열이 아닙니다");
  if (!isNums(w.b1, 2)) return bad("b1이 숫자 2개의 배열이 아닙니다");
  if (!isNums(w.W2, 2)) return bad("W2가 숫자 2개의 배열이 아닙니다");
  if (typeof w.b2 !== "number" || !Number.isFinite(w.b2)) return bad("b2가 숫자가 아닙니다");
  const W1 = w.W1, b1 = w.b1!, W2 = w.W2!, b2 = w.b2;
  const hidden = XOR_POINTS.map((x) => [0, 1].map((j) => stepN(x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j])));
  const out = hidden.map((h) => stepN(dot(W2, h) + b2));
  if (gateName(out) === "XOR") return { code: "ok", message: "" };
  const units = [0, 1].map((j) => `은닉 유닛 ${j + 1} = ${gateName(hidden.map((h) => h[j]))}`).join(", ");
  const wrongAt = XOR_POINTS.filter((_, i) => out[i] !== [0, 1, 1, 0][i]).map((x, i) => `(${x.join(", ")})`).join(" ");
  const gate = gateName(out);
  const code = gate === "XNOR" ? "xnor" : gate === "OR" ? "or" : gate === "AND" ? "and" : gate === "NAND" ? "nand" : "other";
  const tip = gate === "XNOR" ? " 출력이 정확히 반대입니다: 출력 유닛의 가중치와 편향의 부호를 모두 바꿔 보세요." : " XOR = OR AND NAND: 은닉 유닛 하나는 OR, 하나는 NAND, 출력은 둘의 AND가 되게 해 보세요.";
  return { code, message: `이 망은 XOR이 아니라 ${gate}을(를) 계산합니다 (틀린 입력: ${wrongAt}); ${units}.${tip}` };
}

const paramsWith = (opts: { bias?: "out" | "in" | "none"; skipLast?: boolean }) => (sizes: number[]) => {
  let n = 0;
  const end = sizes.length - 1 - (opts.skipLast ? 1 : 0);
  for (let i = 0; i < end; i++) {
    n += sizes[i] * sizes[i + 1];
    if ((opts.bias ?? "out") === "out") n += sizes[i + 1];
    if (opts.bias === "in") n += sizes[i];
  }
  return n;
};

// --- 03: SimpleRNN step, the loop, the BPTT factor ---------------------------------------------------------------

function rnnStepCases(): Case[] {
  const shapes: [string, number, number, number, number][] = [
    ["batch 2, 3 features, 4 units", 2, 3, 4, 1],
    ["batch 1, 4 features, 4 units (square)", 1, 4, 4, 2],
    ["batch 3, 2 features, 3 units, large values", 3, 2, 3, 3],
  ];
  return shapes.map(([name, n, i, u, s]) => ({
    name,
    args: () => { const r = rng(300 + s); const k = s === 3 ? 3 : 1; return [mat(r, n, i, k), mat(r, n, u), mat(r, i, u, k), mat(r, u, u, k), vec(r, u, k)]; },
  }));
}

const rnnStepWith = (opts: { bias?: boolean; act?: "tanh" | "sigmoid" | "relu" | "linear"; transposed?: boolean; recurrence?: boolean; swapped?: boolean }) =>
  (x: tf.Tensor2D, h: tf.Tensor2D, Wxh: tf.Tensor2D, Whh: tf.Tensor2D, b: tf.Tensor1D) => {
    const [A, B] = opts.swapped ? [Whh, Wxh] : [Wxh, Whh];
    let z: tf.Tensor = tf.matMul(x, A);
    if (opts.recurrence !== false) z = tf.add(z, tf.matMul(h, B, false, opts.transposed === true));
    if (opts.bias !== false) z = tf.add(z, b);
    const act = opts.act ?? "tanh";
    return act === "tanh" ? tf.tanh(z) : act === "sigmoid" ? tf.sigmoid(z) : act === "relu" ? tf.relu(z) : z;
  };

function rnnForwardCases(): Case[] {
  const shapes: [string, number, number, number, number][] = [
    ["batch 2, 5 steps, 3 features, 4 units", 2, 5, 3, 4],
    ["batch 1, 3 steps, 2 features, 2 units", 1, 3, 2, 2],
    ["batch 3, 1 step (edge)", 3, 1, 2, 3],
  ];
  return shapes.map(([name, n, T, i, u], s) => ({
    name,
    args: () => { const r = rng(350 + s); return [tf.tensor3d(randomArray(r, n * T * i), [n, T, i]), mat(r, i, u), mat(r, u, u), vec(r, u)]; },
  }));
}

const rnnForwardWith = (opts: { last?: boolean; timeMajor?: boolean; shifted?: boolean; carry?: boolean; reversed?: boolean }) =>
  (x: tf.Tensor3D, Wxh: tf.Tensor2D, Whh: tf.Tensor2D, b: tf.Tensor1D) => {
    const [n, T] = x.shape;
    const zeros = tf.zeros([n, Whh.shape[0]]) as tf.Tensor2D;
    let h = zeros;
    const hs: tf.Tensor2D[] = [];
    const order = Array.from({ length: T }, (_, t) => (opts.reversed ? T - 1 - t : t));
    for (const t of order) {
      const xt = tf.squeeze(tf.slice(x, [0, t, 0], [n, 1, x.shape[2]]), [1]) as tf.Tensor2D;
      if (opts.shifted) hs.push(h);
      h = rnnStepWith({})(xt, opts.carry === false ? zeros : h, Wxh, Whh, b) as tf.Tensor2D;
      if (!opts.shifted) hs.push(h);
    }
    if (opts.last) return h;
    return tf.stack(hs, opts.timeMajor ? 0 : 1);
  };

function bpttCases(): Case[] {
  return [3, 4, 2].map((u, s) => ({
    name: `${u} units`,
    args: () => { const r = rng(380 + s); return [tf.tanh(vec(r, u, 2)), mat(r, u, u)]; },
  }));
}

const bpttWith = (opts: { form: "ok" | "transposed" | "no-derivative" | "not-squared" | "wrong-side" | "sigmoid-derivative" }) =>
  (h: tf.Tensor1D, Whh: tf.Tensor2D) => {
    const u = h.shape[0];
    const d = opts.form === "not-squared" ? tf.sub(1, h) : opts.form === "sigmoid-derivative" ? tf.mul(h, tf.sub(1, h)) : tf.sub(1, tf.square(h));
    const WT = tf.transpose(Whh);
    if (opts.form === "no-derivative") return WT;
    if (opts.form === "transposed") return tf.mul(tf.reshape(d, [u, 1]), Whh);
    if (opts.form === "wrong-side") return tf.mul(WT, tf.reshape(d, [1, u]));
    return tf.mul(tf.reshape(d, [u, 1]), WT);
  };

// --- 04: shapes of stacked recurrent layers ---------------------------------------------------------------------

type LayerSpec = { units: number; returnSequences: boolean };

function stackShapeCases(): Case[] {
  const specs: [string, number, number, number, LayerSpec[]][] = [
    ["2 layers, many-to-one", 32, 28, 28, [{ units: 64, returnSequences: true }, { units: 32, returnSequences: false }]],
    ["2 layers, many-to-many", 8, 10, 5, [{ units: 16, returnSequences: true }, { units: 4, returnSequences: true }]],
    ["1 layer, many-to-one", 1, 7, 3, [{ units: 2, returnSequences: false }]],
    ["3 layers", 4, 6, 2, [{ units: 9, returnSequences: true }, { units: 7, returnSequences: true }, { units: 5, returnSequences: false }]],
  ];
  return specs.map(([name, b, T, f, layers]) => ({ name, args: () => [b, T, f, layers.map((l) => ({ ...l }))] }));
}

const stackShapesWith = (opts: { batch?: boolean; seq?: "ok" | "always" | "never"; features?: boolean }) =>
  (batch: number, steps: number, features: number, layers: LayerSpec[]) =>
    layers.map((l) => {
      const seq = opts.seq === "always" ? true : opts.seq === "never" ? false : l.returnSequences;
      const last = opts.features ? features : l.units;
      const shape = seq ? [batch, steps, last] : [batch, last];
      return opts.batch === false ? shape.slice(1) : shape;
    });

async function checkStack(answer: Fn): Promise<{ code: string; message: string }> {
  const cases: [number[], number, number, boolean][] = [
    [[8, 4], 6, 3, false],
    [[8, 4], 6, 3, true],
    [[5, 6, 2], 4, 2, false],
  ];
  for (const [units, steps, features, manyToMany] of cases) {
    const label = `units [${units.join(", ")}], ${steps} steps, ${features} features, ${manyToMany ? "many-to-many" : "many-to-one"}`;
    let model: tf.LayersModel | undefined;
    const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
    try {
      model = answer(units.slice(), steps, features, manyToMany) as tf.LayersModel;
    } catch (e) {
      // The layers built before the failing one hold weights that no model owns any more: free them.
      for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
      if (e instanceof NotYetError) throw e;
      const msg = (e as Error).message ?? String(e);
      if (/expected ndim=3, found ndim=2/.test(msg)) {
        return { code: "middle-not-sequences", message: `(${label}) 모델을 만들다가 오류: 마지막이 아닌 순환층의 returnSequences가 false라서 다음 순환층이 [batch, steps, units] 대신 [batch, units]를 받습니다. 마지막 층만 manyToMany를 따르고, 그 앞의 층은 모두 returnSequences: true여야 합니다.` };
      }
      return { code: "error", message: `(${label}) 모델을 만들다가 오류: ${msg.split("\n")[0]}` };
    }
    try {
      if (!model || !Array.isArray((model as tf.LayersModel).layers)) return { code: "type", message: `(${label}) tf.Sequential 모델 대신 ${String(model)}을 돌려주었습니다` };
      const recurrent = model.layers.filter((l) => /RNN|LSTM|GRU/i.test(l.getClassName()));
      if (recurrent.length !== units.length) return { code: "layer-count", message: `(${label}) 순환층이 ${recurrent.length}개입니다. 기대: units 배열의 길이 ${units.length}개` };
      for (let k = 0; k < recurrent.length; k++) {
        const shape = recurrent[k].outputShape as (number | null)[];
        const last = k === recurrent.length - 1;
        const want = last && !manyToMany ? [null, units[k]] : [null, steps, units[k]];
        if (JSON.stringify(shape) !== JSON.stringify(want)) {
          const fmtShape = (s: (number | null)[]) => `[${s.map((d) => (d === null ? "null" : d)).join(", ")}]`;
          let code = "shape";
          let why = "";
          if (last && shape.length !== want.length) {
            code = manyToMany ? "many-to-one-instead" : "many-to-many-instead";
            why = manyToMany ? " 마지막 층도 returnSequences: true여야 시간 단계마다 출력이 나옵니다 (many-to-many)." : " 마지막 층은 returnSequences: false여야 마지막 시간 단계의 출력 하나만 나옵니다 (many-to-one).";
          } else if (shape[shape.length - 1] !== units[k]) {
            code = "units";
            why = ` 층 ${k + 1}의 units는 ${units[k]}이어야 합니다.`;
          }
          return { code, message: `(${label}) 순환층 ${k + 1}의 출력 모양이 ${fmtShape(shape)}입니다. 기대한 모양: ${fmtShape(want)}.${why}` };
        }
      }
    } finally {
      model?.dispose();
    }
  }
  return { code: "ok", message: "" };
}

// --- 05: LSTM and GRU steps -------------------------------------------------------------------------------------

const LSTM_GATES = ["i", "f", "k", "o"]; // k: the candidate (tfjs calls its block c, the cell input)
const GRU_GATES = ["z", "r", "h"];

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

/** The columns of a [.., G*u] matrix (or a [G*u] vector) with its G gate blocks reordered: block k ← block perm[k]. */
function permuteBlocks<T extends tf.Tensor>(t: T, perm: number[]): T {
  const axis = t.rank - 1;
  const parts = tf.split(t, perm.length, axis);
  return tf.concat(perm.map((p) => parts[p]), axis) as T;
}

function describePermutation(perm: number[], names: string[]): string {
  const read = perm.map((_, b) => names[perm.indexOf(b)]); // block b is used as the code's gate read[b]
  const moved = perm.map((p, k) => (p !== k ? k : -1)).filter((k) => k >= 0);
  const swap = moved.length === 2 ? ` — ${names[moved[0]]}와 ${names[moved[1]]}가 뒤바뀌었습니다` : "";
  return `게이트 블록의 순서가 다릅니다: tfjs는 kernel, recurrentKernel, bias의 열을 (${names.join(", ")}) 순서로 쌓는데, 이 코드는 그 블록을 (${read.join(", ")})로 읽습니다${swap}.`;
}

function lstmCases(): Case[] {
  const shapes: [string, number, number, number, number][] = [
    ["batch 2, 3 features, 4 units", 2, 3, 4, 1],
    ["batch 1, 2 features, 2 units", 1, 2, 2, 1],
    ["batch 3, 4 features, 3 units, large values", 3, 4, 3, 3],
  ];
  return shapes.map(([name, n, i, u, k], s) => ({
    name,
    args: () => { const r = rng(500 + s); return [mat(r, n, i, k), mat(r, n, u), mat(r, n, u), mat(r, i, 4 * u, k), mat(r, u, 4 * u, k), vec(r, 4 * u, k)]; },
  }));
}

type LstmOpts = { perm?: number[]; hard?: boolean; bias?: boolean; forget?: boolean; hTanh?: boolean; oldC?: boolean };
const lstmWith = (opts: LstmOpts) =>
  (x: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, kernel: tf.Tensor2D, rk: tf.Tensor2D, bias: tf.Tensor1D) => {
    const p = opts.perm;
    const [K, U, B] = p ? [permuteBlocks(kernel, p), permuteBlocks(rk, p), permuteBlocks(bias, p)] : [kernel, rk, bias];
    let z: tf.Tensor = tf.add(tf.matMul(x, K), tf.matMul(h, U));
    if (opts.bias !== false) z = tf.add(z, B);
    const [zi, zf, zk, zo] = tf.split(z, 4, 1);
    const g = opts.hard ? hardSigmoidT : sigmoidT;
    const cNew = opts.forget === false ? tf.mul(g(zi), tf.tanh(zk)) : tf.add(tf.mul(g(zf), c), tf.mul(g(zi), tf.tanh(zk)));
    const hNew = tf.mul(g(zo), opts.hTanh === false ? cNew : tf.tanh(opts.oldC ? c : cNew));
    return { h: hNew, c: cNew };
  };

function gruCases(): Case[] {
  const shapes: [string, number, number, number, number][] = [
    ["batch 2, 3 features, 4 units", 2, 3, 4, 1],
    ["batch 1, 2 features, 2 units", 1, 2, 2, 1],
    ["batch 3, 4 features, 3 units, large values", 3, 4, 3, 3],
  ];
  return shapes.map(([name, n, i, u, k], s) => ({
    name,
    args: () => { const r = rng(550 + s); return [mat(r, n, i, k), mat(r, n, u), mat(r, i, 3 * u, k), mat(r, u, 3 * u, k), vec(r, 3 * u, k)]; },
  }));
}

type GruOpts = { perm?: number[]; hard?: boolean; bias?: boolean; resetAfter?: boolean; zSwapped?: boolean; noReset?: boolean };
const gruWith = (opts: GruOpts) =>
  (x: tf.Tensor2D, h: tf.Tensor2D, kernel: tf.Tensor2D, rk: tf.Tensor2D, bias: tf.Tensor1D) => {
    const p = opts.perm;
    const [K, U, B] = p ? [permuteBlocks(kernel, p), permuteBlocks(rk, p), permuteBlocks(bias, p)] : [kernel, rk, bias];
    let xz: tf.Tensor = tf.matMul(x, K);
    if (opts.bias !== false) xz = tf.add(xz, B);
    const [xZ, xR, xH] = tf.split(xz, 3, 1);
    const [uZ, uR, uH] = tf.split(U, 3, 1);
    const g = opts.hard ? hardSigmoidT : sigmoidT;
    const z = g(tf.add(xZ, tf.matMul(h, uZ)));
    const r = g(tf.add(xR, tf.matMul(h, uR)));
    const rec = opts.noReset ? tf.matMul(h, uH) : opts.resetAfter ? tf.mul(r, tf.matMul(h, uH)) : tf.matMul(tf.mul(r, h), uH);
    const cand = tf.tanh(tf.add(xH, rec));
    return opts.zSwapped ? tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, cand)) : tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), cand));
  };

function gateMistakes(count: number, names: string[], make: (perm: number[]) => Fn): Mistake[] {
  return permutations(count)
    .filter((p) => p.some((v, k) => v !== k))
    .map((perm) => ({ code: "gate-order", message: describePermutation(perm, names), fn: make(perm) }));
}

// --- 06: MNIST images as sequences ------------------------------------------------------------------------------

function mnistCases(): Case[] {
  return [3, 1, 2].map((n, s) => ({
    name: `${n} image${n > 1 ? "s" : ""}`,
    args: () => { const r = rng(600 + s); return [Uint8Array.from({ length: n * 784 }, () => Math.floor(r() * 256)), n]; },
  }));
}

const seqWith = (opts: { scale?: boolean; columns?: boolean }) => (pixels: Uint8Array, n: number) => {
  const t = tf.tensor3d(Float32Array.from(pixels), [n, 28, 28]);
  const scaled = opts.scale === false ? t : tf.div(t, 255);
  return opts.columns ? tf.transpose(scaled, [0, 2, 1]) : scaled;
};

function digitCases(): Case[] {
  return [5, 1, 8].map((n, s) => ({
    name: `${n} image${n > 1 ? "s" : ""}`,
    args: () => { const r = rng(650 + s); return [tf.softmax(mat(r, n, 10, 3))]; },
  }));
}

const digitsWith = (opts: { value?: boolean; plusOne?: boolean }) => (probs: tf.Tensor2D) =>
  opts.value ? tf.max(probs, 1) : opts.plusOne ? tf.add(tf.argMax(probs, 1), 1) : tf.argMax(probs, 1);

// --- 07: labels without look-ahead, a baseline to beat ----------------------------------------------------------

function closeCases(): Case[] {
  const walk = (seed: number, n: number) => { const r = rng(seed); let p = 100; return Array.from({ length: n }, () => (p = Math.round((p + (r() - 0.5) * 4) * 100) / 100)); };
  return [
    { name: "10 days, horizon 1", args: () => [walk(700, 10), 1] },
    { name: "12 days, horizon 3", args: () => [walk(701, 12), 3] },
    { name: "unchanged prices (edge)", args: () => [[5, 5, 6, 6, 4, 4], 1] },
    { name: "horizon 2", args: () => [[3, 1, 4, 1, 5, 9, 2, 6], 2] },
  ];
}

const labelsWith = (opts: { ties?: boolean; horizon1?: boolean; reversed?: boolean }) => (close: number[], horizon: number) => {
  const h = opts.horizon1 ? 1 : horizon;
  const out: number[] = [];
  for (let t = 0; t < close.length - horizon; t++) {
    const [a, b] = [close[t], close[t + h]];
    out.push((opts.reversed ? a > b : opts.ties ? b >= a : b > a) ? 1 : 0);
  }
  return out;
};

function windowCases(): Case[] {
  return [
    { name: "8 values, window 3", args: () => [[3, 1, 4, 1, 5, 9, 2, 6], 3] },
    { name: "10 values, window 4", args: () => [[10, 11, 12, 11, 10, 9, 10, 12, 13, 13], 4] },
    { name: "window 1", args: () => [[2, 3, 1, 1, 5], 1] },
  ];
}

const windowsWith = (opts: { peek?: boolean; labelFromStart?: boolean; oneFewer?: boolean }) => (values: number[], window: number) => {
  const x: number[][] = [];
  const y: number[] = [];
  const count = values.length - window - (opts.oneFewer ? 1 : 0);
  for (let k = 0; k < count; k++) {
    const start = opts.peek ? k + 1 : k;
    x.push(values.slice(start, start + window));
    const today = opts.labelFromStart ? values[k] : values[k + window - 1];
    y.push(values[k + window] > today ? 1 : 0);
  }
  return { x, y };
};

function baselineCases(): Case[] {
  return [
    { name: "train mostly up, test mostly down", args: () => [[1, 1, 1, 0, 1, 0, 1], [0, 0, 1, 0, 0]] },
    { name: "train mostly down, test mostly up", args: () => [[0, 0, 1, 0, 0, 0], [1, 1, 0, 1]] },
    { name: "same majority", args: () => [[1, 1, 0, 1], [1, 0, 1, 1, 1, 0]] },
    { name: "a tie in train (edge): 0, the lower class", args: () => [[1, 0, 0, 1], [1, 1, 0]] },
    { name: "a tie in train, test mostly down", args: () => [[0, 1, 1, 0, 1, 0], [0, 0, 1, 0]] },
  ];
}

/** The more frequent class; on a tie the lower one, 0 (down), as rl.majorityBaseline and numpy's argmax. */
const majority = (labels: number[], tieUp = false) => {
  const ones = labels.filter((v) => v === 1).length * 2;
  return ones > labels.length || (tieUp && ones === labels.length) ? 1 : 0;
};
const accuracyOf = (cls: number, labels: number[]) => labels.filter((v) => v === cls).length / labels.length;
const baselineWith = (opts: { fromTest?: boolean; returnsClass?: boolean; alwaysUp?: boolean; onTrain?: boolean; tieUp?: boolean }) => (train: number[], test: number[]) => {
  const cls = opts.alwaysUp ? 1 : majority(opts.fromTest ? test : train, opts.tieUp);
  if (opts.returnsClass) return cls;
  return accuracyOf(cls, opts.onTrain ? train : test);
};


// --- 06: the lab's model: its parameters, its learning rate, which data for what ---------------------------------

/** Parameters of the lab's MNIST model with `units` per CuDNNLSTM, 28 features per step. */
const lectureParamsWith = (opts: { oneBias?: boolean; noRecurrent?: boolean; gates?: number; noDense?: boolean; noDenseBias?: boolean }) => (units: number) => {
  const g = opts.gates ?? 4;
  const lstm = (inp: number) => g * units * (inp + (opts.noRecurrent ? 0 : units)) + (opts.oneBias ? 1 : 2) * g * units;
  const dense = (inp: number, out: number) => inp * out + (opts.noDenseBias ? 0 : out);
  return lstm(28) + lstm(units) + (opts.noDense ? 0 : dense(units, 32) + dense(32, 10));
};

/** Keras's legacy decay after `epochs` epochs of `samples` at `batchSize`: lr / (1 + decay * updates). */
const decayedWith = (opts: { floor?: boolean; perEpoch?: boolean; perSample?: boolean; exponential?: boolean; oneMore?: boolean }) =>
  (lr: number, decay: number, samples: number, batchSize: number, epochs: number) => {
    const perEpoch = opts.floor ? Math.floor(samples / batchSize) : Math.ceil(samples / batchSize);
    let n = opts.perEpoch ? epochs : opts.perSample ? samples * epochs : perEpoch * epochs;
    if (opts.oneMore) n += 1;
    return opts.exponential ? lr * Math.pow(1 - decay, n) : lr / (1 + decay * n);
  };

const DATA_ROLES: Record<string, "train" | "validation" | "test"> = { "fit the weights": "train", "choose the epochs": "validation", "report the accuracy": "test" };

async function checkDataRoles(answer: Fn): Promise<{ code: string; message: string }> {
  const got: Record<string, unknown> = {};
  for (const use of Object.keys(DATA_ROLES)) got[use] = answer(use);
  const bad = Object.entries(got).find(([, v]) => v !== "train" && v !== "validation" && v !== "test");
  if (bad) return { code: "type", message: `dataFor("${bad[0]}")이 ${JSON.stringify(bad[1])}을 돌려주었습니다. 기대: "train", "validation", "test" 중 하나` };
  if (got["choose the epochs"] === "test") {
    return { code: "choose-on-test", message: "에포크(또는 모델)를 테스트 세트로 고르면, 고른 뒤의 테스트 정확도는 새 데이터에서의 성능이 아닙니다: 테스트 세트에서 가장 좋았던 것을 골랐으니 그 숫자는 운 좋게 부풀려집니다. 고르는 데는 학습 데이터에서 뗀 검증 데이터를 씁니다." };
  }
  if (got["report the accuracy"] === "validation") {
    return { code: "report-on-validation", message: "검증 데이터는 에포크를 고르는 데 이미 썼습니다: 그 위의 정확도는 고른 만큼 낙관적입니다. 마지막에 한 번 보고하는 숫자는 아무 결정에도 쓰지 않은 테스트 세트에서 잽니다." };
  }
  if (got["fit the weights"] !== "train") return { code: "fit-on-held-out", message: `가중치는 학습 데이터로만 맞춥니다: "${got["fit the weights"]}" 데이터로 학습하면 그 데이터로 잰 점수는 외운 것을 재는 셈입니다.` };
  const wrong = Object.entries(DATA_ROLES).filter(([use, want]) => got[use] !== want).map(([use]) => use);
  if (wrong.length) return { code: "value", message: `${wrong.map((u) => `"${u}"`).join(", ")}에 고른 데이터가 맞지 않습니다.` };
  return { code: "ok", message: "" };
}

// ---------------------------------------------------------------------------------------------------------------
// The catalogue: lesson → exercises, in order.

export const EXERCISES: Exercise[] = [
  {
    id: "01-1", title: "퍼셉트론의 출력 (perceptron output)", name: "perceptronOutput",
    cases: perceptronCases(), reference: perceptronOutputRef,
    mistakes: [
      { code: "missing-bias", message: "편향(bias) b가 빠졌습니다: 가중합 w·x에 b를 더한 뒤 계단 함수에 넣으세요.", fn: (w: number[], _b: number, x: number[]) => stepN(dot(w, x)) },
      { code: "sigmoid-not-step", message: "계단 함수(step) 대신 시그모이드를 썼습니다: 출력이 0 또는 1이 아니라 그 사이의 수입니다.", fn: (w: number[], b: number, x: number[]) => 1 / (1 + Math.exp(-(dot(w, x) + b))) },
      { code: "step-at-zero", message: "w·x + b = 0일 때 1이어야 합니다 (rl.step처럼 z >= 0이면 1). 이 코드는 z > 0만 1로 봅니다.", fn: (w: number[], b: number, x: number[]) => (dot(w, x) + b > 0 ? 1 : 0) },
      { code: "bias-sign", message: "편향의 부호가 반대입니다: w·x - b가 아니라 w·x + b입니다.", fn: (w: number[], b: number, x: number[]) => stepN(dot(w, x) - b) },
    ],
  },
  {
    id: "01-2", title: "퍼셉트론 학습 규칙 (perceptron update rule)", name: "perceptronUpdate",
    cases: updateCases(), reference: updateWith({}),
    mistakes: [
      { code: "bias-not-updated", message: "가중치 w는 맞게 바뀌지만 편향 b를 갱신하지 않았습니다: b ← b + lr·(y − ŷ).", fn: updateWith({ bias: false }) },
      { code: "error-sign", message: "오차의 부호가 반대입니다: (ŷ − y)가 아니라 (y − ŷ)입니다. 지금은 틀릴 때마다 더 틀리는 쪽으로 움직입니다.", fn: updateWith({ sign: -1 }) },
      { code: "no-learning-rate", message: "학습률(learning rate) lr을 곱하지 않았습니다: w ← w + lr·(y − ŷ)·x.", fn: updateWith({ lr: false }) },
    ],
  },
  {
    id: "02-1", title: "완전 연결 층 하나의 순전파 (forward pass)", name: "denseForward",
    cases: denseCases(), reference: denseWith({}),
    shapeHint: "x가 [batch, 입력], kernel이 [입력, 출력]이면 x·kernel은 [batch, 출력]입니다.",
    mistakes: [
      { code: "missing-bias", message: "편향(bias)이 빠졌습니다: relu(x·kernel + bias).", fn: denseWith({ bias: false }) },
      { code: "no-activation", message: "활성화 함수를 적용하지 않았습니다: 음수가 0이 되지 않습니다 (relu).", fn: denseWith({ act: "linear" }) },
      { code: "sigmoid-not-relu", message: "ReLU 대신 시그모이드를 썼습니다.", fn: denseWith({ act: "sigmoid" }) },
      { code: "transposed-weight", message: "kernel을 전치(transpose)해서 곱했습니다: tfjs의 kernel은 [입력, 출력]이므로 x·kernel 그대로입니다.", fn: denseWith({ transposed: true }) },
    ],
  },
  { id: "02-2", title: "XOR을 푸는 2-2-1 망의 가중치 (XOR by hand)", name: "xorWeights", custom: checkXor },
  {
    id: "02-3", title: "MLP의 파라미터 수 (parameter count)", name: "mlpParamCount",
    cases: [[2, 2, 1], [784, 128, 10], [3, 5], [4, 8, 8, 2], [5]].map((s) => ({ name: `[${s.join(", ")}]`, args: () => [s.slice()] })),
    reference: paramsWith({}),
    mistakes: [
      { code: "no-bias", message: "편향(bias)을 세지 않았습니다: 층마다 출력 유닛 수만큼 편향이 있습니다.", fn: paramsWith({ bias: "none" }) },
      { code: "bias-of-input", message: "편향을 입력 쪽 크기로 셌습니다: 편향은 층의 출력 유닛마다 하나입니다 (sizes[i+1]개).", fn: paramsWith({ bias: "in" }) },
      { code: "skips-last-layer", message: "마지막 층(출력층)을 빠뜨렸습니다: 층의 수는 sizes.length − 1입니다.", fn: paramsWith({ skipLast: true }) },
    ],
  },
  {
    id: "03-1", title: "SimpleRNN의 시간 단계 하나 (one step)", name: "rnnStep",
    cases: rnnStepCases(), reference: rnnStepWith({}), shortcuts: ["simpleRnnStep"],
    shapeHint: "h_t는 h_{t-1}과 같은 모양 [batch, units]입니다.",
    mistakes: [
      { code: "missing-bias", message: "편향(bias) b가 빠졌습니다: tanh(x·Wxh + h·Whh + b).", fn: rnnStepWith({ bias: false }) },
      { code: "transposed-weight", message: "Whh를 전치(transpose)해서 곱했습니다: 행 벡터 표기에서는 h_{t-1}·Whh 그대로입니다.", fn: rnnStepWith({ transposed: true }) },
      { code: "no-recurrence", message: "이전 은닉 상태 h_{t-1}을 쓰지 않았습니다: 순환(h·Whh 항)이 빠지면 RNN이 아니라 완전 연결 층입니다.", fn: rnnStepWith({ recurrence: false }) },
      { code: "swapped-weights", message: "Wxh와 Whh를 바꿔 썼습니다: x에는 Wxh, h에는 Whh를 곱합니다.", fn: rnnStepWith({ swapped: true }) },
      { code: "no-activation", message: "tanh를 적용하지 않았습니다: 출력이 −1과 1 사이로 눌리지 않습니다.", fn: rnnStepWith({ act: "linear" }) },
      { code: "sigmoid-not-tanh", message: "tanh 대신 sigmoid를 썼습니다: 은닉 상태가 0과 1 사이가 되어 음수가 나오지 않습니다.", fn: rnnStepWith({ act: "sigmoid" }) },
      { code: "relu-not-tanh", message: "tanh 대신 ReLU를 썼습니다.", fn: rnnStepWith({ act: "relu" }) },
    ],
  },
  {
    id: "03-2", title: "시간에 따라 펼친 루프 (the unrolled loop)", name: "rnnForward",
    cases: rnnForwardCases(), reference: rnnForwardWith({}), shortcuts: ["simpleRnnForward"],
    shapeHint: "모든 시간 단계의 은닉 상태를 [batch, steps, units]로 쌓습니다 (tf.stack(hs, 1)): returnSequences: true인 층과 같은 모양입니다.",
    hint: "rnnStep(03-1)이 틀렸다면 먼저 그것을 고치세요.",
    mistakes: [
      { code: "last-only", message: "마지막 은닉 상태 h_T만 돌려주었습니다: 모든 시간 단계의 h_t를 [batch, steps, units]로 쌓아 돌려주세요.", fn: rnnForwardWith({ last: true }) },
      { code: "time-major", message: "축 순서가 [steps, batch, units]입니다: tf.stack(hs, 1)로 시간 축을 두 번째에 두세요.", fn: rnnForwardWith({ timeMajor: true }) },
      { code: "off-by-one", message: "시간 단계 하나만큼 밀렸습니다 (off-by-one): h_0(영벡터)을 넣고 마지막 h_T를 빠뜨렸습니다. 시간 단계 t의 출력은 x_t를 본 뒤의 h_t입니다.", fn: rnnForwardWith({ shifted: true }) },
      { code: "no-carry", message: "은닉 상태를 다음 시간 단계로 넘기지 않았습니다: 시간 단계마다 h_0(0)에서 다시 시작합니다. h = rnnStep(x_t, h, ...)로 h를 갱신하세요.", fn: rnnForwardWith({ carry: false }) },
      { code: "reversed-time", message: "시간을 거꾸로(마지막 시간 단계부터) 돌았습니다.", fn: rnnForwardWith({ reversed: true }) },
    ],
  },
  {
    id: "03-3", title: "BPTT에서 시간 단계 하나의 곱 ∂h_t/∂h_{t-1}", name: "bpttJacobian",
    cases: bpttCases(), reference: bpttWith({ form: "ok" }),
    shapeHint: "J[j][i] = ∂h_t[j]/∂h_{t-1}[i]: units × units 행렬입니다.",
    mistakes: [
      { code: "transposed-weight", message: "Whh가 전치되지 않았습니다: h_t = tanh(x·Wxh + h_{t-1}·Whh + b)에서 ∂h_t[j]/∂h_{t-1}[i] = (1 − h_t[j]²)·Whh[i][j], 곧 diag(1 − h_t²)·Whhᵀ입니다.", fn: bpttWith({ form: "transposed" }) },
      { code: "no-tanh-derivative", message: "tanh의 미분 (1 − h_t²)이 빠졌습니다: Whhᵀ만으로는 기울기가 얼마나 눌리는지 보이지 않습니다.", fn: bpttWith({ form: "no-derivative" }) },
      { code: "not-squared", message: "tanh의 미분은 1 − h_t가 아니라 1 − h_t²입니다.", fn: bpttWith({ form: "not-squared" }) },
      { code: "sigmoid-derivative", message: "h(1 − h)는 시그모이드의 미분입니다: tanh의 미분은 1 − h²입니다.", fn: bpttWith({ form: "sigmoid-derivative" }) },
      { code: "derivative-wrong-side", message: "(1 − h_t²)를 열에 곱했습니다: 행 j(출력 h_t[j])마다 (1 − h_t[j]²)를 곱하세요 (diag를 왼쪽에).", fn: bpttWith({ form: "wrong-side" }) },
    ],
  },
  {
    id: "04-1", title: "쌓은 순환층의 출력 모양 (shapes of a stack)", name: "stackOutputShapes",
    cases: stackShapeCases(), reference: stackShapesWith({}),
    mistakes: [
      { code: "no-batch", message: "배치(batch) 축을 빠뜨렸습니다: 모양의 첫 번째 수는 batch입니다.", fn: stackShapesWith({ batch: false }) },
      { code: "ignores-return-sequences", message: "returnSequences: false인 층도 [batch, steps, units]로 적었습니다: false이면 마지막 시간 단계의 출력만 [batch, units]로 나옵니다 (many-to-one).", fn: stackShapesWith({ seq: "always" }) },
      { code: "never-sequences", message: "returnSequences: true인 층을 [batch, units]로 적었습니다: true이면 시간 단계마다 출력이 나와 [batch, steps, units]입니다.", fn: stackShapesWith({ seq: "never" }) },
      { code: "features-not-units", message: "마지막 축에 입력 특성 수(features)를 적었습니다: 순환층의 출력 크기는 그 층의 units입니다.", fn: stackShapesWith({ features: true }) },
    ],
  },
  { id: "04-2", title: "many-to-one과 many-to-many 스택 만들기", name: "buildStack", custom: checkStack },
  {
    id: "05-1", title: "LSTM의 시간 단계 하나, tfjs의 게이트 순서 (i, f, k, o)", name: "myLstmStep",
    cases: lstmCases(), reference: lstmWith({}), shortcuts: ["lstmStep", "lstmForward"],
    shapeHint: "h와 c는 모두 [batch, units]입니다.",
    mistakes: [
      ...gateMistakes(4, LSTM_GATES, (perm) => lstmWith({ perm })),
      { code: "hard-sigmoid", message: "게이트에 sigmoid 대신 hardSigmoid를 썼습니다 (tfjs 층의 기본값). 이 연습은 강의처럼 로지스틱 시그모이드입니다: tf.sigmoid.", fn: lstmWith({ hard: true }) },
      { code: "missing-bias", message: "편향(bias)이 빠졌습니다: z = x·kernel + h·recurrentKernel + bias.", fn: lstmWith({ bias: false }) },
      { code: "no-forget", message: "셀 상태에 f * c_{t-1}이 빠졌습니다: c_t = f * c_{t-1} + i * tanh(k).", fn: lstmWith({ forget: false }) },
      { code: "h-without-tanh", message: "h_t = o * c_t로 계산했습니다: h_t = o * tanh(c_t)입니다.", fn: lstmWith({ hTanh: false }) },
      { code: "h-uses-old-c", message: "h_t에 이전 셀 상태 c_{t-1}을 썼습니다: 새 셀 상태로 h_t = o * tanh(c_t)입니다.", fn: lstmWith({ oldC: true }) },
    ],
  },
  {
    id: "05-2", title: "GRU의 시간 단계 하나, 후보보다 먼저 리셋 게이트 (reset before)", name: "myGruStep",
    cases: gruCases(), reference: gruWith({}),
    shapeHint: "h_t는 [batch, units]입니다.",
    mistakes: [
      ...gateMistakes(3, GRU_GATES, (perm) => gruWith({ perm })),
      { code: "reset-after", message: "리셋 게이트를 행렬 곱 뒤에 곱했습니다 (r * (h·U_h), Keras의 reset_after=true). tf.layers.gru는 곱하기 전에 적용합니다: (r * h)·U_h.", fn: gruWith({ resetAfter: true }) },
      { code: "update-gate-swapped", message: "업데이트 게이트 z의 역할이 반대입니다: tfjs에서는 h_t = z * h_{t-1} + (1 − z) * h̃ (z가 크면 이전 상태를 유지).", fn: gruWith({ zSwapped: true }) },
      { code: "no-reset", message: "후보 h̃에 리셋 게이트 r이 빠졌습니다: h̃ = tanh(x·W_h + (r * h_{t-1})·U_h + b_h).", fn: gruWith({ noReset: true }) },
      { code: "hard-sigmoid", message: "게이트에 sigmoid 대신 hardSigmoid를 썼습니다 (tfjs 층의 기본값). 이 연습은 로지스틱 시그모이드입니다: tf.sigmoid.", fn: gruWith({ hard: true }) },
      { code: "missing-bias", message: "편향(bias)이 빠졌습니다.", fn: gruWith({ bias: false }) },
    ],
  },
  {
    id: "06-1", title: "MNIST 이미지를 시퀀스로 (images as sequences)", name: "imagesToSequences",
    cases: mnistCases(), reference: seqWith({}),
    shapeHint: "한 이미지는 시간 단계 28개 × 특성 28개: 행 하나가 시간 단계 하나입니다. n장이면 [n, 28, 28].",
    mistakes: [
      { code: "not-scaled", message: "픽셀을 255로 나누지 않았습니다: 값이 0-255입니다. 모델에는 0-1로 줄여 넣습니다.", fn: seqWith({ scale: false }) },
      { code: "columns-not-rows", message: "열(column)을 시간 단계로 만들었습니다 (이미지가 전치됨): 시간 단계 t는 이미지의 행 t입니다. reshape만으로 충분합니다.", fn: seqWith({ columns: true }) },
    ],
  },
  {
    id: "06-2", title: "확률에서 예측한 숫자 (predicted digits)", name: "predictedDigits",
    cases: digitCases(), reference: digitsWith({}),
    shapeHint: "이미지마다 숫자 하나: n장이면 길이 n. argMax는 클래스 축(axis 1)을 따라 구합니다.",
    mistakes: [
      { code: "max-not-argmax", message: "가장 큰 확률 값(max)을 돌려주었습니다: 필요한 것은 그 위치, 곧 숫자입니다 (argMax).", fn: digitsWith({ value: true }) },
      { code: "off-by-one", message: "숫자가 1씩 큽니다 (off-by-one): 클래스 번호는 0부터 시작합니다.", fn: digitsWith({ plusOne: true }) },
    ],
  },
  {
    id: "06-3", title: "강의 모델의 파라미터 수 (the lab's parameters, by hand)", name: "lectureModelParams",
    cases: [128, 64, 16, 3, 1].map((u) => ({ name: `units ${u}`, args: () => [u] })), reference: lectureParamsWith({}),
    shortcuts: ["buildLectureMnistLstm"],
    mistakes: [
      { code: "one-bias", message: "LSTM의 편향을 게이트마다 하나로 셌습니다: tf.layers.lstm이라면 맞지만, 실습의 CuDNNLSTM은 입력 쪽과 순환 쪽 편향을 따로 가져 층마다 8 × units개입니다.", fn: lectureParamsWith({ oneBias: true }) },
      { code: "no-recurrent-kernel", message: "순환 가중치(recurrent kernel, units × 4·units)를 빠뜨렸습니다: 게이트마다 이전 은닉 상태 h_{t-1}에 곱하는 행렬이 있습니다.", fn: lectureParamsWith({ noRecurrent: true }) },
      { code: "three-gates", message: "게이트를 3개로 셌습니다(GRU): LSTM은 i, f, k, o 네 블록입니다.", fn: lectureParamsWith({ gates: 3 }) },
      { code: "no-dense", message: "완전 연결(Dense) 층 두 개(units → 32, 32 → 10)를 빠뜨렸습니다. Dropout 층에는 파라미터가 없습니다.", fn: lectureParamsWith({ noDense: true }) },
      { code: "no-dense-bias", message: "완전 연결 층의 편향을 빠뜨렸습니다: 출력 유닛마다 하나씩입니다.", fn: lectureParamsWith({ noDenseBias: true }) },
    ],
  },
  {
    id: "06-4", title: "Keras의 decay: n번 갱신한 뒤의 학습률 (the learning rate under decay)", name: "learningRateAfter",
    cases: [
      { name: "the lab: 1e-3, decay 1e-6, 60,000 at 32, 3 epochs", args: () => [1e-3, 1e-6, 60000, 32, 3] },
      { name: "decay 0.01, 1,000 at 32 (not a multiple), 2 epochs", args: () => [0.01, 0.01, 1000, 32, 2] },
      { name: "decay 0.1, 100 at 10, 1 epoch", args: () => [0.5, 0.1, 100, 10, 1] },
      { name: "decay 0 (no decay)", args: () => [1e-3, 0, 500, 64, 4] },
      { name: "one sample short of a batch", args: () => [0.1, 0.05, 63, 64, 3] },
    ],
    reference: decayedWith({}), tol: 1e-6,
    shortcuts: ["kerasDecayedLearningRate"],
    hint: "갱신 횟수 = 에포크 수 × 에포크마다의 배치 수, 배치 수 = ceil(샘플 수 / 배치 크기)입니다 (마지막 배치는 작아도 한 번의 갱신입니다).",
    mistakes: [
      { code: "floor-batches", message: "에포크마다의 배치 수를 내림(floor)으로 셌습니다: 마지막의 작은 배치도 한 번의 갱신이므로 ceil(샘플 수 / 배치 크기)입니다.", fn: decayedWith({ floor: true }) },
      { code: "per-epoch", message: "에포크마다 한 번 줄였습니다: Keras의 decay는 갱신(배치)마다 lr / (1 + decay · 갱신 횟수)로 줄입니다.", fn: decayedWith({ perEpoch: true }) },
      { code: "per-sample", message: "샘플마다 줄였습니다: 갱신은 배치마다 한 번입니다.", fn: decayedWith({ perSample: true }) },
      { code: "exponential", message: "지수적으로(lr · (1 − decay)^n) 줄였습니다: Keras의 decay는 lr / (1 + decay · n)입니다.", fn: decayedWith({ exponential: true }) },
      { code: "off-by-one", message: "갱신 횟수를 하나 더 셌습니다: n번 갱신한 뒤의 학습률은 lr / (1 + decay · n)입니다 (첫 갱신은 lr 그대로).", fn: decayedWith({ oneMore: true }) },
    ],
  },
  { id: "06-5", title: "어떤 데이터로 무엇을 하나 (train, validation, test)", name: "dataFor", custom: checkDataRoles },
  {
    id: "07-1", title: "상승/하락 레이블 (up/down labels)", name: "upDownLabelsByHand",
    cases: closeCases(), reference: labelsWith({}), shortcuts: ["upDownLabels"],
    shapeHint: "마지막 horizon일은 미래 가격이 없어 레이블을 만들 수 없습니다: 길이는 close.length − horizon입니다.",
    mistakes: [
      { code: "ties-count-as-up", message: "가격이 그대로인 날을 상승(1)으로 셌습니다: 상승은 close[t + horizon] > close[t] (엄격히 큼)입니다.", fn: labelsWith({ ties: true }) },
      { code: "horizon-ignored", message: "horizon을 무시하고 항상 다음 날과 비교했습니다: close[t + horizon]과 비교하세요.", fn: labelsWith({ horizon1: true }) },
      { code: "reversed", message: "상승과 하락이 뒤바뀌었습니다: 미래 가격이 더 높을 때 1입니다.", fn: labelsWith({ reversed: true }) },
    ],
  },
  {
    id: "07-2", title: "미래를 엿보지 않는 창 (windows without look-ahead)", name: "makeWindowsByHand",
    cases: windowCases(), reference: windowsWith({}),
    shapeHint: "값이 n개이고 창이 w이면 창은 n − w개입니다: 마지막 창 뒤에 레이블을 정할 다음 날이 하나 있어야 합니다.",
    mistakes: [
      { code: "look-ahead", message: "미래를 엿봅니다 (look-ahead): 창이 한 칸 늦게 시작해서 창의 마지막 값이 레이블을 정하는 날의 가격입니다. 창 k는 values[k .. k+w−1], 레이블은 values[k+w] > values[k+w−1]입니다.", fn: windowsWith({ peek: true }) },
      { code: "label-from-window-start", message: "레이블을 창의 첫날과 비교했습니다: '오늘'은 창의 마지막 날 values[k+w−1]입니다.", fn: windowsWith({ labelFromStart: true }) },
      { code: "one-window-short", message: "창을 하나 덜 만들었습니다 (off-by-one): n − w개입니다.", fn: windowsWith({ oneFewer: true }) },
    ],
  },
  {
    id: "07-3", title: "모델이 넘어야 할 기준선 (majority baseline)", name: "majorityBaselineAccuracy",
    cases: baselineCases(), reference: baselineWith({}), shortcuts: ["majorityBaseline", "majorityPredictions"],
    mistakes: [
      { code: "majority-from-test", message: "다수 클래스를 테스트(test) 레이블에서 골랐습니다: 테스트 구간을 미리 보는 누수(leak)입니다. 학습(train) 레이블의 다수 클래스를 테스트 구간에 예측하세요.", fn: baselineWith({ fromTest: true }) },
      { code: "returns-class", message: "다수 클래스(0 또는 1)를 돌려주었습니다: 돌려줄 것은 그 클래스를 테스트 구간 전체에 예측했을 때의 정확도입니다.", fn: baselineWith({ returnsClass: true }) },
      { code: "always-up", message: "항상 상승(1)을 예측했습니다: 학습 구간에서 더 흔한 클래스를 예측하세요.", fn: baselineWith({ alwaysUp: true }) },
      { code: "accuracy-on-train", message: "정확도를 학습 레이블에서 쟀습니다: 기준선은 테스트 구간에서 잽니다.", fn: baselineWith({ onTrain: true }) },
      { code: "tie-as-up", message: "학습 레이블의 0과 1이 같은 수일 때 1(상승)을 골랐습니다: 같으면 더 작은 클래스 0(하락)을 고릅니다 (rl.majorityBaseline과 numpy의 argmax도 그렇습니다).", fn: baselineWith({ tieUp: true }) },
    ],
  },
];

/** The exercises of one lesson ("05"), in order. */
export function lessonExercises(lesson: string): { id: string; title: string; name: string }[] {
  return EXERCISES.filter((e) => e.id.startsWith(`${lesson}-`)).map(({ id, title, name }) => ({ id, title, name }));
}

// ---------------------------------------------------------------------------------------------------------------
// Running a check.

type Outcome = ({ ok: true; value: Norm } | { ok: false; error: unknown }) & { calls?: Set<string> };

async function runCase(fn: Fn, c: Case): Promise<Outcome> {
  tf.engine().startScope();
  try {
    const args = c.args();
    const r = recordLibraryCalls(() => fn(...args));
    if (r.threw) return { ok: false, error: r.error, calls: r.calls };
    return { ok: true, value: await normalize(r.value), calls: r.calls };
  } catch (error) {
    return { ok: false, error };
  } finally {
    tf.engine().endScope();
  }
}

/** The message for an answer that calls the library function the exercise is about. */
function libraryCallMessage(names: string[]): string {
  const list = names.map((n) => `rl.${n}`).join(", ");
  return `${list}을(를) 불렀습니다. 결과는 맞을 수 있지만, 이 연습은 그 함수가 하는 일을 직접 써 보는 것이므로 통과로 세지 않습니다. 라이브러리 함수 없이 tf 연산과 반복문으로 써 보세요.`;
}

const errorText = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0].slice(0, 200);

async function checkFunction(ex: FunctionExercise, answer: Fn): Promise<{ code: string; message: string }> {
  const tol = ex.tol ?? 1e-4;
  const want: Outcome[] = [];
  const got: Outcome[] = [];
  for (const c of ex.cases) {
    want.push(await runCase(ex.reference, c));
    const g = await runCase(answer, c);
    if (!g.ok && g.error instanceof NotYetError) throw g.error;
    got.push(g);
  }
  const used = (ex.shortcuts ?? []).filter((name) => got.some((g) => g.calls?.has(name)));
  if (used.length) return { code: "library-call", message: libraryCallMessage(used) };
  const firstBad = ex.cases.findIndex((_, k) => {
    const g = got[k], w = want[k];
    return !g.ok || !w.ok || difference(g.value, w.value, tol) !== null;
  });
  if (firstBad < 0) return { code: "ok", message: "" };
  // A known mistake that reproduces every case (errors included: a transposed weight fails on non-square shapes).
  for (const m of ex.mistakes) {
    let all = true;
    for (let k = 0; k < ex.cases.length && all; k++) {
      const v = await runCase(m.fn, ex.cases[k]);
      const g = got[k];
      all = v.ok ? g.ok && difference(g.value, v.value, tol) === null : !g.ok;
    }
    if (all) return { code: m.code, message: m.message };
  }
  const c = ex.cases[firstBad];
  const g = got[firstBad];
  const w = want[firstBad];
  if (!g.ok) return { code: "error", message: `(${c.name}) ${ex.name}가 오류를 던졌습니다: ${errorText(g.error)}${ex.shapeHint ? ` — ${ex.shapeHint}` : ""}` };
  if (!w.ok) return { code: "error", message: `(${c.name}) the reference failed: ${errorText(w.error)}` };
  if (g.value.kind === "other" && g.value.text === "undefined") return { code: "no-return", message: `(${c.name}) ${ex.name}가 아무것도 돌려주지 않았습니다: return이 빠졌나요?` };
  const d = difference(g.value, w.value, tol)!;
  const extra = d.kind === "shape" && ex.shapeHint ? ` ${ex.shapeHint}` : d.kind !== "shape" && ex.hint ? ` ${ex.hint}` : "";
  const nonFinite = g.value.kind === "array" && g.value.values.some((v) => !Number.isFinite(v)) ? " (NaN 또는 Infinity가 있습니다)" : "";
  return { code: d.kind === "shape" ? "shape" : d.kind === "type" ? "type" : "value", message: `(${c.name}) ${d.text}${nonFinite}.${extra}` };
}

/** Runs exercise `id`'s check on the learner's answer (the function the skeleton defines); returns the result. */
export async function evaluateExercise(id: string, answer: unknown): Promise<ExerciseResult> {
  const ex = EXERCISES.find((e) => e.id === id);
  if (!ex) throw new Error(`checkExercise: no exercise "${id}" (known: ${EXERCISES.map((e) => e.id).join(", ")})`);
  const base = { id, title: ex.title };
  if (typeof answer !== "function") {
    return { ...base, status: "fail", code: "not-a-function", message: `${ex.name}는 함수여야 합니다 (받은 것: ${answer === undefined ? "undefined" : typeof answer}).` };
  }
  try {
    const r = "custom" in ex ? await ex.custom(answer as Fn) : await checkFunction(ex, answer as Fn);
    if (r.code === "ok") {
      const n = "custom" in ex ? "" : ` ${ex.cases.length}개 입력(경계 사례 포함)에서 기준 구현과 같습니다.`;
      return { ...base, status: "pass", code: "ok", message: `통과 (passed).${n}` };
    }
    if (r.code === "library-call") return { ...base, status: "library-call", code: r.code, message: r.message };
    return { ...base, status: "fail", code: r.code, message: r.message };
  } catch (e) {
    if (e instanceof NotYetError) return { ...base, status: "not-solved", code: "not-solved", message: "아직 풀지 않았습니다 (not solved yet): rl.notYet()을 여러분의 코드로 바꾸세요." };
    return { ...base, status: "fail", code: "error", message: `${ex.name}가 오류를 던졌습니다: ${errorText(e)}` };
  }
}

const MARK: Record<ExerciseStatus, string> = { pass: "✔", fail: "✘", "not-solved": "…", "library-call": "⚠" };

/** One readable line for a result. */
export function formatExerciseResult(r: ExerciseResult): string {
  return `${MARK[r.status]} 연습 ${r.id} ${r.title}: ${r.message}`;
}

/**
 * The check cell of an exercise: runs the check, prints one line (✔ passed, ✘ with the diagnosis, … not solved yet)
 * and, in a notebook, attaches the machine-readable result for the grader. Never throws for a wrong or unsolved
 * answer, so that a notebook still runs to its end.
 */
export async function checkExercise(id: string, answer: unknown): Promise<void> {
  const r = await evaluateExercise(id, answer);
  const line = formatExerciseResult(r);
  if (!publish({ "text/plain": line, [EXERCISE_MIME]: JSON.stringify(r) })) console.log(line);
}
