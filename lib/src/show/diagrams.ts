// Diagrams: the lecture's lost figures (perceptron, RNN loop and unrolled, Karpathy's five patterns, stacked RNN,
// LSTM and GRU cells), drawn as hand-written SVG from a few primitives (box, circle, wire, label) and shown as PNG
// like every other figure. Labels are English and math only: the renderer's font (DejaVu Sans) has no Hangul.
import { Figure, showSvg } from "./plot";

/** Options every diagram takes. */
export interface DiagramOptions {
  /** Show the figure (default true); the Figure is returned either way. */
  show?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Primitives

const FONT = "DejaVu Sans"; // the family plot.ts hands resvg, so the text renders with the same glyphs
const INK = "#333333";

interface Style {
  fill: string;
  stroke: string;
}
// Karpathy's colours: inputs red, hidden states green, outputs blue; Colah's for the gated cells.
const INPUT: Style = { fill: "#f8cecc", stroke: "#b85450" };
const HIDDEN: Style = { fill: "#d5e8d4", stroke: "#5a9a4a" };
const OUTPUT: Style = { fill: "#dae8fc", stroke: "#4a7ab0" };
const GATE: Style = { fill: "#fff2cc", stroke: "#b7950b" };
const POINTWISE: Style = { fill: "#fce4ec", stroke: "#b0577a" };
const CELL_BODY: Style = { fill: "#f5f5f5", stroke: "#9e9e9e" };

type Point = [number, number];

interface Box {
  cx: number;
  cy: number;
  w: number;
  h: number;
  top: Point;
  bottom: Point;
  left: Point;
  right: Point;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** One label in TeX-like shorthand: `h_t`, `W_hh`, `h_{t-1}`, `h^{(2)}_3` (a bare index runs over letters and digits). */
interface Run {
  text: string;
  shift?: "sub" | "super";
}

function parseLabel(label: string): Run[] {
  const runs: Run[] = [];
  let plain = "";
  let i = 0;
  while (i < label.length) {
    const ch = label[i];
    if ((ch === "_" || ch === "^") && i + 1 < label.length) {
      let j = i + 1;
      let part: string;
      if (label[j] === "{") {
        const close = label.indexOf("}", j);
        if (close < 0) throw new Error(`diagrams: label '${label}' has '{' without '}'`);
        part = label.slice(j + 1, close);
        j = close + 1;
      } else {
        while (j < label.length && /[A-Za-z0-9]/.test(label[j])) j++;
        part = label.slice(i + 1, j);
      }
      if (plain) runs.push({ text: plain });
      plain = "";
      runs.push({ text: part.replace(/-/g, "\u2212"), shift: ch === "_" ? "sub" : "super" });
      i = j;
    } else {
      plain += ch;
      i++;
    }
  }
  if (plain) runs.push({ text: plain });
  return runs;
}

/** Width of a label in px, estimated from DejaVu Sans's average advance (a little generous, so nothing clips). */
function labelWidth(label: string, size: number): number {
  return parseLabel(label).reduce((w, r) => w + r.text.length * size * (r.shift ? 0.72 * 0.62 : 0.62), 0);
}

interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  bold?: boolean;
  italic?: boolean;
  color?: string;
  cls?: string;
}

interface WireOptions {
  /** Arrowhead at the last point (default true). */
  arrow?: boolean;
  /** Extra classes; "exit" marks an arrow that leaves the drawing (every other arrow ends on a shape). */
  cls?: string;
  dashed?: boolean;
  /** A band of the background's colour under the wire, so that it visibly passes over a wire it crosses. */
  halo?: string;
  color?: string;
}

/** An SVG drawing that grows its own bounds, so the canvas always fits what was drawn (no clipped labels). */
class Drawing {
  private parts: string[] = [];
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;

  private grow(xa: number, ya: number, xb: number, yb: number): void {
    this.x0 = Math.min(this.x0, xa, xb);
    this.y0 = Math.min(this.y0, ya, yb);
    this.x1 = Math.max(this.x1, xa, xb);
    this.y1 = Math.max(this.y1, ya, yb);
  }

  raw(svg: string, bounds: [number, number, number, number]): void {
    this.parts.push(svg);
    this.grow(...bounds);
  }

  /** A labelled box centred at (cx, cy). */
  box(cx: number, cy: number, w: number, h: number, style: Style, label = "", opts: { cls?: string; round?: number; size?: number } = {}): Box {
    const x = cx - w / 2;
    const y = cy - h / 2;
    const cls = opts.cls ? ` class="${opts.cls}"` : "";
    this.parts.push(
      `<rect${cls} x="${x}" y="${y}" width="${w}" height="${h}" rx="${opts.round ?? 4}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.6"/>`,
    );
    this.grow(x, y, x + w, y + h);
    if (label) this.text(cx, cy, label, { size: opts.size ?? 14 });
    return { cx, cy, w, h, top: [cx, y], bottom: [cx, y + h], left: [x, cy], right: [x + w, cy] };
  }

  /** A labelled circle (a node, or a pointwise operation such as × and +). */
  circle(cx: number, cy: number, r: number, style: Style, label = "", opts: { cls?: string; size?: number } = {}): Box {
    const cls = opts.cls ? ` class="${opts.cls}"` : "";
    this.parts.push(`<circle${cls} cx="${cx}" cy="${cy}" r="${r}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.6"/>`);
    this.grow(cx - r, cy - r, cx + r, cy + r);
    if (label) this.text(cx, cy, label, { size: opts.size ?? 14 });
    return { cx, cy, w: 2 * r, h: 2 * r, top: [cx, cy - r], bottom: [cx, cy + r], left: [cx - r, cy], right: [cx + r, cy] };
  }

  /** A label, vertically centred on y. */
  text(x: number, y: number, label: string, opts: TextOptions = {}): void {
    const size = opts.size ?? 14;
    const anchor = opts.anchor ?? "middle";
    const inner = parseLabel(label)
      .map((r) => (r.shift ? `<tspan baseline-shift="${r.shift}" font-size="${Math.round(size * 0.72)}">${esc(r.text)}</tspan>` : esc(r.text)))
      .join("");
    const attrs = [
      opts.cls ? `class="${opts.cls}"` : "",
      `x="${x}"`,
      `y="${y + size * 0.36}"`, // the baseline that centres a line of DejaVu Sans on y
      `font-size="${size}"`,
      `text-anchor="${anchor}"`,
      `xml:space="preserve"`, // keep the spaces that separate two equations on one line
      `fill="${opts.color ?? INK}"`,
      opts.bold ? `font-weight="bold"` : "",
      opts.italic ? `font-style="italic"` : "",
    ].filter(Boolean);
    this.parts.push(`<text ${attrs.join(" ")}>${inner}</text>`);
    const w = labelWidth(label, size);
    const left = anchor === "start" ? x : anchor === "middle" ? x - w / 2 : x - w;
    this.grow(left, y - size * 0.7, left + w, y + size * 0.7);
  }

  /** A wire through the given points, with an arrowhead at the end unless arrow is false. */
  wire(points: Point[], opts: WireOptions = {}): void {
    const arrow = opts.arrow ?? true;
    const pts = points.map((p) => [...p] as Point);
    if (arrow) {
      // Pull the end back a little: the arrowhead's tip, not the line's blunt end, touches the target.
      const [a, b] = [pts[pts.length - 2], pts[pts.length - 1]];
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (len > 0) pts[pts.length - 1] = [b[0] - ((b[0] - a[0]) / len) * 3, b[1] - ((b[1] - a[1]) / len) * 3];
    }
    const d = pts.map((p, i) => `${i ? "L" : "M"}${round(p[0])},${round(p[1])}`).join(" ");
    this.path(d, opts, points);
  }

  /** A free path (curves), its bounds given by the points it passes near. */
  path(d: string, opts: WireOptions, near: Point[]): void {
    const arrow = opts.arrow ?? true;
    if (opts.halo) this.parts.push(`<path d="${d}" fill="none" stroke="${opts.halo}" stroke-width="7"/>`);
    const cls = ["wire", opts.cls].filter(Boolean).join(" ");
    const extra = (opts.dashed ? ` stroke-dasharray="5,4"` : "") + (arrow ? ` marker-end="url(#arrowhead)"` : "");
    this.parts.push(`<path class="${cls}" d="${d}" fill="none" stroke="${opts.color ?? INK}" stroke-width="1.6"${extra}/>`);
    for (const [x, y] of near) this.grow(x - 4, y - 4, x + 4, y + 4);
  }

  /** A junction dot where one wire splits into two. */
  dot(x: number, y: number): void {
    this.parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${INK}"/>`);
  }

  /** The finished SVG: the title on top, everything inside a margin. */
  svg(title: string): string {
    const titleY = this.y0 - 24;
    this.text((this.x0 + this.x1) / 2, titleY, title, { size: 16, bold: true, cls: "title" });
    const m = 14;
    const [x, y, w, h] = [this.x0 - m, this.y0 - m, this.x1 - this.x0 + 2 * m, this.y1 - this.y0 + 2 * m].map(Math.round);
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}" font-family="${FONT}">` +
      `<defs><marker id="arrowhead" markerWidth="10" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse">` +
      `<path d="M0,0 L10,4 L0,8 z" fill="${INK}"/></marker></defs>` +
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white"/>` +
      this.parts.join("") +
      `</svg>`
    );
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The point on a circle's edge facing (x, y). */
function towards(c: Box, x: number, y: number): Point {
  const r = c.w / 2;
  const len = Math.hypot(x - c.cx, y - c.cy);
  return [c.cx + ((x - c.cx) / len) * r, c.cy + ((y - c.cy) / len) * r];
}

function checkCount(fn: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === "number" ? String(value) : JSON.stringify(value);
    throw new Error(`${fn}: ${name} must be a whole number from ${min} to ${max} (got ${got})`);
  }
  return value;
}

function finish(d: Drawing, title: string, opts: DiagramOptions): Figure {
  return showSvg(d.svg(title), title, opts.show ?? true);
}

// ---------------------------------------------------------------------------------------------------------------
// The lecture's figures

export interface PerceptronOptions extends DiagramOptions {
  /** How many inputs x_1 … x_n (1 to 8, default 3). */
  inputs?: number;
}

/** The perceptron, y = f(w·x + b): inputs x_1 … x_n, weights w_1 … w_n, the sum z, the sigmoid f, the output y. */
export function drawPerceptron(opts: PerceptronOptions = {}): Figure {
  const n = checkCount("drawPerceptron", "inputs", opts.inputs ?? 3, 1, 8);
  const d = new Drawing();
  const gap = 64;
  const cy = ((n - 1) * gap) / 2;
  const sx = 250 + 14 * n; // more inputs: a longer fan-in, so that the arrowheads do not pile up
  const sum = d.circle(sx, cy, n > 4 ? 34 : 28, HIDDEN, "Σ", { cls: "sum", size: 22 });
  for (let k = 0; k < n; k++) {
    const x = d.circle(40, k * gap, 22, INPUT, `x_${k + 1}`, { cls: "input" });
    const from = towards(x, sum.cx, sum.cy);
    const to = towards(sum, x.cx, x.cy);
    d.wire([from, to], { cls: "weight" });
    // The weight sits a third of the way along its wire, on the side away from the others.
    const [lx, ly] = [from[0] + (to[0] - from[0]) * 0.36, from[1] + (to[1] - from[1]) * 0.36];
    d.text(lx, ly + (x.cy > cy ? 13 : -13), `w_${k + 1}`, { size: 13, color: "#7a3b38" });
  }
  d.text(sum.cx, sum.top[1] - 68, "b", { size: 15 });
  d.wire([[sum.cx, sum.top[1] - 58], sum.top], { cls: "bias" });
  d.text(sum.cx, sum.bottom[1] + 20, "z = w·x + b", { size: 13 });

  // The activation: a box holding the sigmoid's curve.
  const act = d.box(sx + 120, cy, 76, 56, GATE, "", { cls: "activation" });
  const curve = Array.from({ length: 25 }, (_, i) => {
    const z = -6 + i * 0.5;
    return [act.cx - 30 + i * 2.5, act.cy + 18 - 36 / (1 + Math.exp(-z))] as Point;
  });
  d.raw(`<path d="M${act.cx - 32},${act.cy} L${act.cx + 32},${act.cy} M${act.cx},${act.cy - 22} L${act.cx},${act.cy + 22}" stroke="#bbbbbb" stroke-width="1"/>`, [
    act.cx - 32, act.cy - 22, act.cx + 32, act.cy + 22,
  ]);
  d.wire(curve, { arrow: false, color: "#b7950b" });
  d.text(act.cx, act.bottom[1] + 20, "f = sigmoid", { size: 13 });
  d.wire([sum.right, act.left]);
  const y = d.circle(sx + 240, cy, 22, OUTPUT, "y", { cls: "output" });
  d.wire([act.right, y.left]);

  const terms = n <= 3 ? Array.from({ length: n }, (_, k) => `w_${k + 1} x_${k + 1}`).join(" + ") : `w_1 x_1 + … + w_${n} x_${n}`;
  d.text(sx - 10, Math.max((n - 1) * gap, sum.bottom[1] + 20) + 56, `y = f(w·x + b) = f(${terms} + b)`, { size: 15 });
  return finish(d, `Perceptron: ${n} input${n > 1 ? "s" : ""}`, opts);
}

/** The RNN with its loop (Chollet fig 6.9): x_t in, h_t kept and fed back through W_hh, y_t out. */
export function drawRnnLoop(opts: DiagramOptions = {}): Figure {
  const d = new Drawing();
  const x = d.box(0, 160, 56, 34, INPUT, "x_t", { cls: "input" });
  const h = d.box(0, 80, 84, 44, HIDDEN, "RNN", { cls: "cell" });
  const y = d.box(0, 0, 56, 34, OUTPUT, "y_t", { cls: "output" });
  d.wire([x.top, h.bottom], { cls: "input-weight" });
  d.text(10, 121, "W_xh", { size: 13, anchor: "start" });
  d.wire([h.top, y.bottom], { cls: "output-weight" });
  d.text(10, 40, "W_hy", { size: 13, anchor: "start" });
  // The loop: out of the cell's right side and back in, carrying h_t to the next step as h_{t-1}.
  const [rx, top, bottom] = [h.right[0], h.cy - 12, h.cy + 12];
  d.path(`M${rx},${top} C${rx + 90},${top - 56} ${rx + 90},${bottom + 56} ${rx + 3},${bottom}`, { cls: "recurrent" }, [
    [rx, top - 30], [rx + 70, h.cy], [rx, bottom + 30],
  ]);
  d.text(rx + 76, h.cy, "W_hh", { size: 13, anchor: "start" });
  d.text(rx + 30, h.cy - 40, "h_t", { size: 13, anchor: "start" });
  d.text(rx + 30, h.cy + 40, "h_{t-1}", { size: 13, anchor: "start" });
  d.text(0, 210, "h_t = tanh(W_hh h_{t-1} + W_xh x_t)", { size: 14 });
  d.text(0, 234, "y_t = W_hy h_t", { size: 14 });
  return finish(d, "A recurrent network: a network with a loop", opts);
}

export interface UnrolledOptions extends DiagramOptions {
  /** Time steps to draw (1 to 12, default 4). */
  steps?: number;
}

/** The RNN unrolled over time (Chollet fig 6.10): one cell per step, the same W_xh, W_hh, W_hy at every step. */
export function drawRnnUnrolled(opts: UnrolledOptions = {}): Figure {
  const steps = checkCount("drawRnnUnrolled", "steps", opts.steps ?? 4, 1, 12);
  const d = new Drawing();
  const dx = 120;
  d.text(0, 80, "h_0 = 0", { size: 14, anchor: "end", cls: "initial-state" });
  let prevRight: Point = [6, 80];
  for (let t = 1; t <= steps; t++) {
    const cx = t * dx;
    const x = d.box(cx, 160, 50, 32, INPUT, `x_${t}`, { cls: "input" });
    const h = d.box(cx, 80, 62, 42, HIDDEN, `h_${t}`, { cls: "cell" });
    const y = d.box(cx, 0, 50, 32, OUTPUT, `y_${t}`, { cls: "output" });
    d.wire([x.top, h.bottom], { cls: "input-weight" });
    d.wire([h.top, y.bottom], { cls: "output-weight" });
    d.wire([prevRight, h.left], { cls: "recurrent" });
    d.text((prevRight[0] + h.left[0]) / 2, 66, "W_hh", { size: 12 });
    d.text(cx + 6, 121, "W_xh", { size: 12, anchor: "start" });
    d.text(cx + 6, 39, "W_hy", { size: 12, anchor: "start" });
    prevRight = h.right;
  }
  const mid = ((steps + 1) * dx) / 2 - 20;
  d.text(mid, 208, "h_t = tanh(W_hh h_{t-1} + W_xh x_t),   y_t = W_hy h_t", { size: 14 });
  d.text(mid, 232, "the same W_xh, W_hh, W_hy at every step", { size: 13, italic: true, color: "#666666" });
  return finish(d, `A simple RNN, unrolled over ${steps} time step${steps > 1 ? "s" : ""}`, opts);
}

/** One of Karpathy's five patterns: which steps take an input and which give an output. */
interface Pattern {
  name: string;
  lines: string[];
  inputs: number[];
  outputs: number[];
  cells: number;
}

/** The five input/output patterns, as lesson 04 numbers them. */
const RNN_PATTERNS: readonly Pattern[] = [
  { name: "one to one", lines: ["1) vanilla NN"], inputs: [0], outputs: [0], cells: 1 },
  { name: "one to many", lines: ["2) image captioning", "image → words"], inputs: [0], outputs: [0, 1, 2], cells: 3 },
  { name: "many to one", lines: ["3) sentiment classification", "words → sentiment"], inputs: [0, 1, 2], outputs: [2], cells: 3 },
  { name: "many to many", lines: ["4) machine translation", "words → words"], inputs: [0, 1, 2], outputs: [3, 4], cells: 5 },
  { name: "many to many (synced)", lines: ["5) video classification", "on frame level"], inputs: [0, 1, 2], outputs: [0, 1, 2], cells: 3 },
];

/** Karpathy's "Recurrent networks offer a lot of flexibility": five patterns, inputs red, states green, outputs blue. */
export function drawRnnPatterns(opts: DiagramOptions = {}): Figure {
  const d = new Drawing();
  const [bw, bh, dx] = [34, 24, 54];
  const [yOut, yHid, yIn] = [0, 60, 120];
  let left = 0;
  for (const p of RNN_PATTERNS) {
    const width = Math.max(p.cells * dx, 200);
    const x0 = left + (width - (p.cells - 1) * dx) / 2;
    d.raw(`<g class="pattern" data-name="${esc(p.name)}">`, [left, yOut, left, yOut]);
    d.text(left + width / 2, -40, p.name, { size: 14, bold: true });
    let prev: Box | null = null;
    for (let c = 0; c < p.cells; c++) {
      const cx = x0 + c * dx;
      const h = d.box(cx, yHid, bw, bh, HIDDEN, "", { cls: "cell", round: 2 });
      if (prev) d.wire([prev.right, h.left], { cls: "recurrent" });
      if (p.inputs.includes(c)) d.wire([d.box(cx, yIn, bw, bh, INPUT, "", { cls: "input", round: 2 }).top, h.bottom]);
      if (p.outputs.includes(c)) d.wire([h.top, d.box(cx, yOut, bw, bh, OUTPUT, "", { cls: "output", round: 2 }).bottom]);
      prev = h;
    }
    p.lines.forEach((line, k) => d.text(left + width / 2, yIn + 40 + k * 18, line, { size: k ? 12 : 13, color: k ? "#666666" : INK }));
    d.raw(`</g>`, [left, yOut, left, yOut]);
    left += width + 24;
  }
  const keyY = yIn + 100;
  let kx = left / 2 - 250;
  for (const [style, label] of [[INPUT, "input x"], [HIDDEN, "hidden state h (the RNN)"], [OUTPUT, "output y"]] as [Style, string][]) {
    d.box(kx, keyY, 24, 16, style, "", { round: 2 });
    d.text(kx + 20, keyY, label, { size: 13, anchor: "start" });
    kx += 40 + labelWidth(label, 13) + 20;
  }
  d.text(left / 2, keyY + 26, "arrows: functions (a matrix multiply, then an activation)", { size: 12, color: "#666666" });
  return finish(d, "Recurrent networks offer a lot of flexibility", opts);
}

export interface StackedOptions extends DiagramOptions {
  /** Recurrent layers (1 to 6, default 2). */
  layers?: number;
  /** Time steps (1 to 10, default 4). */
  steps?: number;
  /** "sequence": an output at every step (default); "last": only after the last step (many-to-one). */
  output?: "sequence" | "last";
}

/** The multi-layer (stacked) RNN: each layer's output sequence is the next layer's input sequence. */
export function drawStackedRnn(opts: StackedOptions = {}): Figure {
  const layers = checkCount("drawStackedRnn", "layers", opts.layers ?? 2, 1, 6);
  const steps = checkCount("drawStackedRnn", "steps", opts.steps ?? 4, 1, 10);
  const output = opts.output ?? "sequence";
  if (output !== "sequence" && output !== "last") {
    throw new Error(`drawStackedRnn: output must be "sequence" or "last" (got ${JSON.stringify(output)})`);
  }
  const d = new Drawing();
  const [dx, dy] = [92, 74];
  const rowY = (l: number) => (layers - l + 1) * dy; // layer 1 just above the inputs, layer L at the top
  const inputY = (layers + 1) * dy;
  const below: Box[] = [];
  for (let t = 1; t <= steps; t++) below.push(d.box(t * dx, inputY, 48, 30, INPUT, `x_${t}`, { cls: "input" }));
  let lower = below;
  for (let l = 1; l <= layers; l++) {
    const row: Box[] = [];
    d.text(dx / 2 - 8, rowY(l), `layer ${l}`, { size: 13, anchor: "end", color: "#666666" });
    for (let t = 1; t <= steps; t++) {
      const h = d.box(t * dx, rowY(l), 60, 38, HIDDEN, `h^{(${l})}_${t}`, { cls: "cell", size: 14 });
      d.wire([lower[t - 1].top, h.bottom], { cls: "up" });
      if (t > 1) d.wire([row[t - 2].right, h.left], { cls: "recurrent" });
      row.push(h);
    }
    const returns = l < layers || output === "sequence";
    d.text(steps * dx + 46, rowY(l), `returnSequences: ${returns}`, { size: 12, anchor: "start", color: "#666666" });
    lower = row;
  }
  for (let t = 1; t <= steps; t++) {
    if (output === "last" && t < steps) continue;
    const y = d.box(t * dx, 0, 48, 30, OUTPUT, output === "last" ? "y" : `y_${t}`, { cls: "output" });
    d.wire([lower[t - 1].top, y.bottom], { cls: "up" });
  }
  const what = output === "last" ? "many-to-one" : "an output at every step";
  return finish(d, `Stacked RNN: ${layers} layer${layers > 1 ? "s" : ""} x ${steps} step${steps > 1 ? "s" : ""}, ${what}`, opts);
}

/** The anatomy of an LSTM (Chollet fig 6.15, drawn as the real cell): the carry c, gates i, f, o and the candidate k. */
export function drawLstmCell(opts: DiagramOptions = {}): Figure {
  const d = new Drawing();
  const [carryY, midY, gateY, busY] = [70, 150, 230, 290];
  d.box(360, 185, 560, 270, CELL_BODY, "", { cls: "cell-body", round: 14 });

  // The carry (cell state) runs straight along the top: forget (×), then add the new memory (+).
  d.text(40, carryY - 16, "c_{t-1}", { size: 14 });
  const forget = d.circle(190, carryY, 13, POINTWISE, "×", { cls: "op multiply" });
  const add = d.circle(350, carryY, 13, POINTWISE, "+", { cls: "op add" });
  d.wire([[20, carryY], forget.left], { cls: "carry" });
  d.wire([forget.right, add.left], { cls: "carry" });
  d.wire([add.right, [680, carryY]], { cls: "carry exit" });
  d.text(665, carryY - 16, "c_t", { size: 14 });
  d.text(460, carryY - 14, "carry (cell state)", { size: 12, italic: true, color: "#666666" });

  // h_{t-1} and x_t meet on a bus that feeds all four blocks.
  d.text(30, busY + 18, "h_{t-1}", { size: 14 });
  d.wire([[20, busY], [470, busY]], { arrow: false });
  d.text(130, 360, "x_t", { size: 14 });
  d.wire([[130, 345], [130, busY]], { arrow: false });
  d.dot(130, busY);

  const gate = (cx: number, label: string, name: string) => {
    d.wire([[cx, busY], [cx, gateY + 15]]);
    d.dot(cx, busY);
    return d.box(cx, gateY, label === "tanh" ? 48 : 34, 30, GATE, label, { cls: `gate gate-${name}` });
  };
  const f = gate(190, "σ", "f");
  const i = gate(270, "σ", "i");
  const k = gate(350, "tanh", "k");
  const o = gate(470, "σ", "o");

  d.wire([f.top, forget.bottom]);
  d.text(178, 115, "f_t", { size: 13, anchor: "end" });
  const ik = d.circle(350, midY, 13, POINTWISE, "×", { cls: "op multiply" });
  d.wire([i.top, [270, midY], ik.left]);
  d.text(258, 185, "i_t", { size: 13, anchor: "end" });
  d.wire([k.top, ik.bottom]);
  d.text(360, 190, "tanh(k_t)", { size: 13, anchor: "start" });
  d.wire([ik.top, add.bottom]);

  // The output: the new carry squashed by tanh, scaled by the output gate o_t.
  d.dot(570, carryY);
  const squash = d.box(570, 125, 48, 26, POINTWISE, "tanh", { cls: "op tanh", round: 13 });
  d.wire([[570, carryY], squash.top]);
  const out = d.circle(570, 185, 13, POINTWISE, "×", { cls: "op multiply" });
  d.wire([squash.bottom, out.top]);
  d.wire([o.top, [470, 185], out.left]);
  d.text(458, 200, "o_t", { size: 13, anchor: "end" });
  d.wire([out.bottom, [570, busY], [680, busY]], { cls: "state exit" });
  d.text(665, busY + 18, "h_t", { size: 14 });
  d.dot(620, busY);
  // A gap in the carry where the output passes over it (a halo on the whole wire would also cut the cell's border).
  d.raw(`<path d="M620,${carryY + 9} L620,${carryY - 9}" stroke="${CELL_BODY.fill}" stroke-width="7"/>`, [616, carryY - 9, 624, carryY + 9]);
  d.wire([[620, busY], [620, 0]], { cls: "output exit" });
  d.text(630, 10, "h_t (output)", { size: 14, anchor: "start" });

  d.text(350, 398, "c_t = f_t * c_{t-1} + i_t * tanh(k_t)        h_t = o_t * tanh(c_t)", { size: 14 });
  d.text(350, 422, "i_t, f_t, o_t = σ(x_t W + h_{t-1} U + b) per gate;   k_t = x_t W_k + h_{t-1} U_k + b_k (tfjs: block c)", {
    size: 12,
    color: "#666666",
  });
  return finish(d, "Anatomy of an LSTM", opts);
}

/** The GRU cell as tf.layers.gru computes it: gates z, r; candidate h~ with the reset applied before U_h. */
export function drawGruCell(opts: DiagramOptions = {}): Figure {
  const d = new Drawing();
  const [topY, resetY, gateY, busY, xY] = [70, 150, 230, 290, 318];
  d.box(340, 190, 520, 290, CELL_BODY, "", { cls: "cell-body", round: 14 });

  // The state runs along the top: kept in proportion z_t, topped up with (1 - z_t) of the candidate.
  d.text(40, topY - 16, "h_{t-1}", { size: 14 });
  const keep = d.circle(300, topY, 13, POINTWISE, "×", { cls: "op multiply" });
  const add = d.circle(540, topY, 13, POINTWISE, "+", { cls: "op add" });
  d.wire([[20, topY], keep.left], { cls: "state" });
  d.wire([keep.right, add.left], { cls: "state" });
  d.wire([add.right, [680, topY]], { cls: "state exit" });
  d.text(665, topY - 16, "h_t", { size: 14 });

  // h_{t-1} drops to the bus that feeds the two gates; x_t joins it from below.
  d.dot(110, topY);
  d.wire([[110, topY], [110, busY], [300, busY]], { arrow: false });
  d.text(150, 370, "x_t", { size: 14 });
  d.wire([[150, 355], [150, busY]], { arrow: false });
  d.dot(150, busY);
  const gate = (cx: number, label: string, name: string, from: number) => {
    d.wire([[cx, from], [cx, gateY + 15]]);
    return d.box(cx, gateY, label === "tanh" ? 48 : 34, 30, GATE, label, { cls: `gate gate-${name}` });
  };
  const r = gate(190, "σ", "r", busY);
  d.dot(190, busY);
  const z = gate(300, "σ", "z", busY);

  // Reset before the product: r_t * h_{t-1} feeds the candidate together with x_t (x_t only: not the bus).
  const reset = d.circle(190, resetY, 13, POINTWISE, "×", { cls: "op multiply" });
  d.dot(110, resetY);
  d.wire([[110, resetY], reset.left]);
  d.wire([r.top, reset.bottom]);
  d.text(180, 196, "r_t", { size: 13, anchor: "end" });
  d.dot(150, xY);
  d.wire([[150, xY], [430, xY], [430, gateY + 15]]);
  const cand = d.box(430, gateY, 48, 30, GATE, "tanh", { cls: "gate gate-h" });
  d.wire([reset.right, [370, resetY], [370, gateY], cand.left], { halo: CELL_BODY.fill });

  d.wire([z.top, keep.bottom]);
  d.text(290, 196, "z_t", { size: 13, anchor: "end" });
  d.dot(300, 115);
  const oneMinus = d.box(352, 115, 38, 22, POINTWISE, "1−", { cls: "op one-minus", round: 11 });
  d.wire([[300, 115], oneMinus.left]);
  const mix = d.circle(540, 115, 13, POINTWISE, "×", { cls: "op multiply" });
  d.wire([oneMinus.right, mix.left]);
  d.wire([cand.top, [430, 175], [540, 175], mix.bottom]);
  d.text(440, 162, "h\u0303_t", { size: 13, anchor: "start" });
  d.wire([mix.top, add.bottom]);

  d.text(350, 398, "h_t = z_t * h_{t-1} + (1 − z_t) * h\u0303_t", { size: 14 });
  d.text(350, 422, "z_t, r_t = σ(x_t W + h_{t-1} U + b);   h\u0303_t = tanh(x_t W_h + (r_t * h_{t-1}) U_h + b_h)", { size: 12, color: "#666666" });
  return finish(d, "GRU: two gates, no separate carry", opts);
}
