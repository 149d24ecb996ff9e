// Lessons 01-02 (perceptron, DNN): activation functions as plain numbers, the logic gates AND / OR / XOR, where a
// perceptron's line w1*x1 + w2*x2 + b = 0 crosses the plotted square, and the decision-boundary figure.
import * as tf from "@tensorflow/tfjs";
import { Figure, plotSpec, VegaLiteSpec } from "../show/plot";

/** The activation functions of lesson 01, on plain numbers. */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const step = (z: number): number => (z >= 0 ? 1 : 0);
export const relu = (z: number): number => Math.max(0, z);
export const ACTIVATIONS: Record<"step" | "sigmoid" | "tanh" | "ReLU", (z: number) => number> = {
  step,
  sigmoid,
  tanh: Math.tanh,
  ReLU: relu,
};

export type GateName = "AND" | "OR" | "XOR";

/** The truth table of a two-input logic gate: x is [[0,0],[0,1],[1,0],[1,1]], y the gate's output for each row. */
export function logicGate(name: GateName): { x: number[][]; y: number[] } {
  const x = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const rule: Record<GateName, (a: number, b: number) => number> = {
    AND: (a, b) => a & b,
    OR: (a, b) => a | b,
    XOR: (a, b) => a ^ b,
  };
  if (!rule[name]) throw new Error(`logicGate: '${name}' is not one of AND, OR, XOR`);
  return { x, y: x.map(([a, b]) => rule[name](a, b)) };
}

/**
 * The segment of the line w[0]*x1 + w[1]*x2 + b = 0 inside the square [lo, hi] x [lo, hi], as its two end points,
 * or null when the line misses the square (or w is zero, so there is no line).
 */
export function boundarySegment(w: [number, number], b: number, domain: [number, number]): [number, number][] | null {
  const [lo, hi] = domain;
  const [w1, w2] = w;
  const found: [number, number][] = [];
  const add = (x1: number, x2: number) => {
    const eps = 1e-9 * (hi - lo);
    if (x1 < lo - eps || x1 > hi + eps || x2 < lo - eps || x2 > hi + eps) return;
    if (found.some(([a, c]) => Math.abs(a - x1) < 1e-9 && Math.abs(c - x2) < 1e-9)) return;
    found.push([x1, x2]);
  };
  // Where the line crosses each side of the square.
  if (w2 !== 0) for (const x1 of [lo, hi]) add(x1, -(w1 * x1 + b) / w2);
  if (w1 !== 0) for (const x2 of [lo, hi]) add(-(w2 * x2 + b) / w1, x2);
  if (found.length < 2) return null;
  // A line through a corner can produce three points; keep the two farthest apart.
  let best: [number, number][] = [found[0], found[1]];
  let bestD = -1;
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const d = (found[i][0] - found[j][0]) ** 2 + (found[i][1] - found[j][1]) ** 2;
      if (d > bestD) [bestD, best] = [d, [found[i], found[j]]];
    }
  }
  return best;
}

/** A function from points [[x1, x2], ...] to one probability per point (the model's P(y = 1)). */
export type Predictor = (points: number[][]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/** Wraps a model with one sigmoid output as a Predictor, leaving no tensors behind. */
export function modelPredictor(model: tf.LayersModel): (points: number[][]) => Promise<Float32Array> {
  return async (points) => {
    const p = tf.tidy(() => (model.predict(tf.tensor2d(points, [points.length, 2])) as tf.Tensor).reshape([-1]));
    const values = (await p.data()) as Float32Array;
    p.dispose();
    return values;
  };
}

/** The centres of a steps x steps grid over [lo, hi]^2, row by row (x1 varies fastest). */
export function gridPoints(domain: [number, number], steps: number): number[][] {
  const [lo, hi] = domain;
  const cell = (hi - lo) / steps;
  const pts: number[][] = [];
  for (let j = 0; j < steps; j++) for (let i = 0; i < steps; i++) pts.push([lo + (i + 0.5) * cell, lo + (j + 0.5) * cell]);
  return pts;
}

export interface BoundaryLine {
  /** Legend name, e.g. "epoch 10". Lines are drawn and listed in the order given. */
  name: string;
  w: [number, number];
  b: number;
}

export interface DecisionBoundaryOptions {
  /** The data points, drawn white (label 0) or black (label 1). */
  points: { x1: number; x2: number; label: number }[];
  /** When given, the background shows P(y = 1) over the square. */
  predict?: Predictor;
  /** Perceptron lines w1*x1 + w2*x2 + b = 0 (e.g. the same perceptron after several epochs). */
  lines?: BoundaryLine[];
  /** The square shown (default [-0.5, 1.5], the gates' square with a margin). */
  domain?: [number, number];
  /** Background grid cells per side (default 40). */
  steps?: number;
  /** Legend title of the lines (default "boundary"). */
  linesTitle?: string;
  title?: string;
  width?: number;
  height?: number;
  show?: boolean;
}

/**
 * The decision-boundary figure: P(y = 1) as a background (blue near 0, orange near 1), the lines where a
 * perceptron's w.x + b = 0, and the data points on top.
 */
export async function plotDecisionBoundary(opts: DecisionBoundaryOptions): Promise<Figure> {
  const domain = opts.domain ?? [-0.5, 1.5];
  const [lo, hi] = domain;
  if (!(hi > lo)) throw new Error(`plotDecisionBoundary: domain [${lo}, ${hi}] must have lo < hi`);
  const axis = (title: string) => ({ type: "quantitative", title, scale: { domain, nice: false, zero: false }, axis: { grid: false } });
  const layers: VegaLiteSpec[] = [];
  if (opts.predict) {
    const steps = opts.steps ?? 40;
    const pts = gridPoints(domain, steps);
    const p = await opts.predict(pts);
    if (p.length !== pts.length) throw new Error(`plotDecisionBoundary: predict returned ${p.length} values for ${pts.length} points`);
    const half = (hi - lo) / steps / 2;
    const cells = pts.map(([a, c], k) => {
      if (!Number.isFinite(p[k])) throw new Error(`plotDecisionBoundary: predict gave ${p[k]} at (${a}, ${c})`);
      return { a0: a - half, a1: a + half, c0: c - half, c1: c + half, p: p[k] };
    });
    layers.push({
      data: { values: cells },
      mark: { type: "rect", opacity: 0.75 },
      encoding: {
        x: { field: "a0", ...axis("x1") },
        x2: { field: "a1" },
        y: { field: "c0", ...axis("x2") },
        y2: { field: "c1" },
        color: { field: "p", type: "quantitative", title: "P(y=1)", scale: { scheme: "blueorange", domain: [0, 1] } },
      },
    });
  }
  if (opts.lines?.length) {
    const values: Record<string, unknown>[] = [];
    for (const line of opts.lines) {
      const seg = boundarySegment(line.w, line.b, domain);
      if (seg) seg.forEach(([a, c], k) => values.push({ line: line.name, k, a, c }));
    }
    const names = opts.lines.map((l) => l.name);
    layers.push({
      data: { values },
      mark: { type: "line", strokeWidth: 2.5, clip: true },
      encoding: {
        x: { field: "a", ...axis("x1") },
        y: { field: "c", ...axis("x2") },
        detail: { field: "line" },
        order: { field: "k" },
        stroke: {
          field: "line",
          type: "ordinal",
          sort: names,
          title: opts.linesTitle ?? "boundary",
          scale: { domain: names, scheme: names.length > 1 ? "viridis" : undefined, range: names.length > 1 ? undefined : ["#222"] },
        },
      },
    });
  }
  layers.push({
    data: { values: opts.points.map((q) => ({ a: q.x1, c: q.x2, y: String(q.label) })) },
    mark: { type: "point", filled: true, size: 220, stroke: "black", strokeWidth: 1.5, opacity: 1 },
    encoding: {
      x: { field: "a", ...axis("x1") },
      y: { field: "c", ...axis("x2") },
      fill: { field: "y", type: "nominal", title: "target y", scale: { domain: ["0", "1"], range: ["white", "black"] } },
    },
  });
  return plotSpec(
    {
      layer: layers,
      resolve: { scale: { color: "independent", stroke: "independent", fill: "independent" } },
    },
    { title: opts.title ?? "Decision boundary", width: opts.width ?? 300, height: opts.height ?? 300, show: opts.show },
  );
}
