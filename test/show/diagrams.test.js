"use strict";
// The lecture's diagrams (lib/src/show/diagrams.ts): well-formed SVG, a real PNG, a structure that follows the
// parameters, arrows that end on the shapes they point at, labels in the lecture's notation, clear errors.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Throws unless the SVG is well-formed XML: balanced tags, quoted attributes, escaped text. */
function checkWellFormed(svg) {
  const stack = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const text = svg.slice(i, lt < 0 ? svg.length : lt);
    const bad = text.match(/&(?!(amp|lt|gt|quot|apos|#\d+);)|>/);
    if (bad) throw new Error(`unescaped '${bad[0]}' in text near: ${text.slice(0, 40)}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (!m) throw new Error(`malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      stack.push(name);
    }
    i = lt + m[0].length;
    if (stack.length === 0) {
      if (svg.slice(i).trim()) throw new Error(`content after the root element: ${svg.slice(i, i + 40)}`);
      return;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
}

const count = (svg, re) => (svg.match(re) || []).length;
const attr = (el, name) => {
  const m = el.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? m[1] : undefined;
};
const num = (el, name) => Number(attr(el, name));

/** The labels as written in the source shorthand: sub/superscripts back to _{…} and ^{…}, tags stripped. */
function labels(svg) {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) =>
    m[1]
      .replace(/<tspan baseline-shift="sub"[^>]*>(.*?)<\/tspan>/g, "_{$1}")
      .replace(/<tspan baseline-shift="super"[^>]*>(.*?)<\/tspan>/g, "^{$1}")
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&"),
  );
}

/** Shapes an arrow can point at: rectangles and circles, except the cell's background. */
function shapes(svg) {
  const out = [];
  for (const m of svg.matchAll(/<rect [^>]*>/g)) {
    if (/class="cell-body"/.test(m[0]) || !attr(m[0], "class")) continue;
    const [x, y, w, h] = ["x", "y", "width", "height"].map((k) => num(m[0], k));
    out.push({ kind: "rect", x, y, w, h, el: m[0] });
  }
  for (const m of svg.matchAll(/<circle [^>]*>/g)) {
    if (!attr(m[0], "class")) continue; // junction dots
    out.push({ kind: "circle", cx: num(m[0], "cx"), cy: num(m[0], "cy"), r: num(m[0], "r"), el: m[0] });
  }
  return out;
}

function distanceToEdge(s, [px, py]) {
  if (s.kind === "circle") return Math.abs(Math.hypot(px - s.cx, py - s.cy) - s.r);
  const dx = Math.max(s.x - px, 0, px - (s.x + s.w));
  const dy = Math.max(s.y - py, 0, py - (s.y + s.h));
  if (dx || dy) return Math.hypot(dx, dy);
  return Math.min(px - s.x, s.x + s.w - px, py - s.y, s.y + s.h - py);
}

/** Every arrow: its class, first point, last point and the tip of its head (3 px beyond the path's end). */
function arrows(svg) {
  return [...svg.matchAll(/<path class="([^"]*)" d="([^"]*)"[^>]*marker-end[^>]*>/g)].map((m) => {
    const xy = m[2].match(/-?[\d.]+/g).map(Number);
    const pts = [];
    for (let k = 0; k < xy.length; k += 2) pts.push([xy[k], xy[k + 1]]);
    const [a, b] = [pts[pts.length - 2], pts[pts.length - 1]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const tip = [b[0] + ((b[0] - a[0]) / len) * 3, b[1] + ((b[1] - a[1]) / len) * 3];
    return { cls: m[1].split(" "), start: pts[0], end: b, tip };
  });
}

/** The checks every diagram must pass; returns the SVG. */
function checkDiagram(fig, what) {
  assert.ok(fig instanceof rl.Figure, `${what}: a Figure`);
  const svg = fig.svg;
  assert.doesNotThrow(() => checkWellFormed(svg), `${what}: well-formed SVG`);
  assert.ok(svg.startsWith("<svg") && svg.includes('font-family="DejaVu Sans"'), `${what}: plot.ts's font family`);
  assert.ok(!/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/.test(svg), `${what}: no Hangul (the font has no glyphs for it)`);
  // PNG: the signature, and twice the SVG's size (svgToPng renders at zoom 2).
  const png = Buffer.from(fig.png);
  assert.deepStrictEqual(png.subarray(0, 8), PNG_MAGIC, `${what}: PNG signature`);
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const root = svg.slice(0, svg.indexOf(">"));
  assert.strictEqual(w, 2 * num(root, "width"), `${what}: PNG width`);
  assert.strictEqual(h, 2 * num(root, "height"), `${what}: PNG height`);
  assert.ok(w >= 300 && w <= 4000 && h >= 200 && h <= 3000, `${what}: plausible size ${w}x${h}`);
  assert.ok(png.length > 5000, `${what}: a PNG with something drawn in it (${png.length} bytes)`);
  // Everything inside the view box: shapes whole, labels anchored inside.
  const [vx, vy, vw, vh] = attr(root, "viewBox").split(" ").map(Number);
  const inside = (x, y) => x >= vx && x <= vx + vw && y >= vy && y <= vy + vh;
  for (const s of shapes(svg)) {
    const box = s.kind === "rect" ? [s.x, s.y, s.x + s.w, s.y + s.h] : [s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r];
    assert.ok(inside(box[0], box[1]) && inside(box[2], box[3]), `${what}: shape outside the view box: ${s.el}`);
  }
  for (const m of svg.matchAll(/<text [^>]*>/g)) {
    assert.ok(inside(num(m[0], "x"), num(m[0], "y")), `${what}: label outside the view box: ${m[0]}`);
  }
  // Every arrowhead touches the shape it points at, unless the arrow leaves the drawing.
  const targets = shapes(svg);
  for (const a of arrows(svg)) {
    if (a.cls.includes("exit")) continue;
    const nearest = Math.min(...targets.map((s) => distanceToEdge(s, a.tip)));
    assert.ok(nearest <= 2.5, `${what}: arrow ${a.cls.join(" ")} ending at ${a.tip.map((v) => v.toFixed(1))} touches no shape (${nearest.toFixed(1)} px away)`);
  }
  return svg;
}

describe("diagrams", function () {
  this.timeout(60000);
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-diagrams-"));
    process.env.RNNLAB_FIGURES = dir;
  });
  after(() => delete process.env.RNNLAB_FIGURES);

  it("the checks themselves catch a broken SVG and an arrow that points at nothing", () => {
    assert.throws(() => checkWellFormed('<svg><g><rect x="1"/></svg>'), /closes <g>/);
    assert.throws(() => checkWellFormed("<svg><text>a < b</text></svg>"), /malformed tag/);
    assert.throws(() => checkWellFormed("<svg><text>a & b</text></svg>"), /unescaped '&'/);
    assert.throws(() => checkWellFormed("<svg><g></g>"), /unclosed <svg>/);
    assert.doesNotThrow(() => checkWellFormed('<svg a="1"><text>x<tspan b="2">t</tspan> &amp; y</text><rect/></svg>'));
    const fig = rl.drawRnnUnrolled({ steps: 2, show: false });
    const moved = fig.svg.replace(/(<path class="wire recurrent" d="M[\d.]+,[\d.]+ L)([\d.]+)/, (_, head, x) => `${head}${Number(x) - 20}`);
    assert.notStrictEqual(moved, fig.svg);
    assert.throws(() => checkDiagram({ __proto__: rl.Figure.prototype, svg: moved, png: fig.png }, "moved"), /touches no shape/);
  });

  it("drawPerceptron: n inputs, n weights into one sum, the sigmoid, one output; y = f(w·x + b)", () => {
    for (const n of [1, 3, 8]) {
      const svg = checkDiagram(rl.drawPerceptron({ inputs: n, show: false }), `perceptron ${n}`);
      assert.strictEqual(count(svg, /<circle class="input"/g), n);
      assert.strictEqual(count(svg, /class="wire weight"/g), n);
      assert.strictEqual(count(svg, /<circle class="sum"/g), 1);
      assert.strictEqual(count(svg, /class="activation"/g), 1);
      assert.strictEqual(count(svg, /<circle class="output"/g), 1);
      const text = labels(svg);
      for (let k = 1; k <= n; k++) assert.ok(text.includes(`x_{${k}}`) && text.includes(`w_{${k}}`), `x_${k}, w_${k} (n = ${n})`);
      assert.ok(!text.includes(`x_{${n + 1}}`));
      assert.ok(text.includes("b") && text.includes("f = sigmoid"));
      assert.ok(text.some((t) => t.startsWith("y = f(w·x + b)")), text.join(" | "));
      // Every weight arrow runs from an input (left) into the sum node (right).
      const sum = shapes(svg).find((s) => s.el.includes('class="sum"'));
      for (const a of arrows(svg).filter((a) => a.cls.includes("weight"))) {
        assert.ok(a.start[0] < a.end[0] && distanceToEdge(sum, a.tip) <= 2.5);
      }
    }
    const eight = labels(rl.drawPerceptron({ inputs: 8, show: false }).svg);
    assert.ok(eight.some((t) => t.includes("w_{1} x_{1} + … + w_{8} x_{8} + b")), "the sum written out with an ellipsis");
  });

  it("drawRnnLoop: one cell, x_t in, y_t out, and the W_hh loop back into the cell", () => {
    const svg = checkDiagram(rl.drawRnnLoop({ show: false }), "loop");
    assert.strictEqual(count(svg, /<rect class="cell"/g), 1);
    const loop = arrows(svg).filter((a) => a.cls.includes("recurrent"));
    assert.strictEqual(loop.length, 1);
    const cell = shapes(svg).find((s) => s.el.includes('class="cell"'));
    assert.ok(distanceToEdge(cell, loop[0].start) <= 1 && distanceToEdge(cell, loop[0].tip) <= 2.5, "the loop leaves and re-enters the cell");
    const text = labels(svg);
    for (const l of ["x_{t}", "y_{t}", "W_{xh}", "W_{hh}", "W_{hy}", "h_{t−1}"]) assert.ok(text.includes(l), l);
    assert.ok(text.includes("h_{t} = tanh(W_{hh} h_{t−1} + W_{xh} x_{t})") && text.includes("y_{t} = W_{hy} h_{t}"), text.join(" | "));
  });

  it("drawRnnUnrolled: one cell per step, inputs up, outputs up, the state carried left to right from h_0", () => {
    for (const steps of [1, 4, 12]) {
      const svg = checkDiagram(rl.drawRnnUnrolled({ steps, show: false }), `unrolled ${steps}`);
      assert.strictEqual(count(svg, /<rect class="cell"/g), steps, "cells");
      assert.strictEqual(count(svg, /<rect class="input"/g), steps, "inputs");
      assert.strictEqual(count(svg, /<rect class="output"/g), steps, "outputs");
      const all = arrows(svg);
      const recurrent = all.filter((a) => a.cls.includes("recurrent"));
      assert.strictEqual(recurrent.length, steps, "h_0 -> h_1, then one arrow between each pair of neighbouring cells");
      for (const a of recurrent) assert.ok(a.end[0] > a.start[0] && a.end[1] === a.start[1], "state arrows run forward in time");
      for (const a of all.filter((a) => a.cls.includes("input-weight") || a.cls.includes("output-weight"))) {
        assert.ok(a.end[1] < a.start[1], "x -> h and h -> y point up");
      }
      assert.strictEqual(all.filter((a) => a.cls.includes("input-weight")).length, steps);
      const text = labels(svg);
      assert.ok(text.includes("h_{0} = 0"));
      assert.ok(text.includes(`h_{${steps}}`) && !text.includes(`h_{${steps + 1}}`));
      assert.strictEqual(text.filter((t) => t === "W_{hh}").length, steps, "the same W_hh on every state arrow");
    }
    assert.match(rl.drawRnnUnrolled({ show: false }).title, /4 time steps/);
  });

  it("drawRnnPatterns: Karpathy's five patterns with the right inputs, states and outputs in each", () => {
    const svg = checkDiagram(rl.drawRnnPatterns({ show: false }), "patterns");
    const groups = [...svg.matchAll(/<g class="pattern" data-name="([^"]*)">(.*?)<\/g>/g)];
    const shape = Object.fromEntries(
      groups.map((g) => [g[1], ["input", "cell", "output"].map((c) => count(g[2], new RegExp(`<rect class="${c}"`, "g")))]),
    );
    assert.deepStrictEqual(shape, {
      "one to one": [1, 1, 1],
      "one to many": [1, 3, 3],
      "many to one": [3, 3, 1],
      "many to many": [3, 5, 2],
      "many to many (synced)": [3, 3, 3],
    });
    // Many-to-one answers after the last input; the translation pattern answers only after reading all its inputs.
    const xs = (body, c) => [...body.matchAll(new RegExp(`<rect class="${c}" x="([\\d.-]+)"`, "g"))].map((m) => Number(m[1]));
    const [m2o, m2m, synced] = [groups[2][2], groups[3][2], groups[4][2]];
    assert.ok(Math.min(...xs(m2o, "output")) >= Math.max(...xs(m2o, "input")));
    assert.ok(Math.min(...xs(m2m, "output")) > Math.max(...xs(m2m, "input")));
    assert.deepStrictEqual(xs(synced, "output"), xs(synced, "input"));
    const text = labels(svg).join(" | ");
    for (const l of ["1) vanilla NN", "2) image captioning", "3) sentiment classification", "4) machine translation", "5) video classification"]) {
      assert.ok(text.includes(l), l);
    }
  });

  it("drawStackedRnn: layers x steps cells, recurrent arrows along each layer, one output per step or only the last", () => {
    const svg = checkDiagram(rl.drawStackedRnn({ layers: 3, steps: 5, show: false }), "stacked 3x5");
    assert.strictEqual(count(svg, /<rect class="cell"/g), 15);
    assert.strictEqual(count(svg, /<rect class="input"/g), 5);
    assert.strictEqual(count(svg, /<rect class="output"/g), 5);
    const all = arrows(svg);
    assert.strictEqual(all.filter((a) => a.cls.includes("recurrent")).length, 3 * 4);
    assert.strictEqual(all.filter((a) => a.cls.includes("up")).length, 5 * 3 + 5, "x -> layer 1, layer to layer, top -> y");
    for (const a of all.filter((a) => a.cls.includes("up"))) assert.ok(a.end[1] < a.start[1] && a.end[0] === a.start[0]);
    const text = labels(svg);
    assert.ok(text.includes("h^{(3)}_{5}") && text.includes("h^{(1)}_{1}") && !text.includes("h^{(4)}_{1}"));
    assert.strictEqual(text.filter((t) => t === "returnSequences: true").length, 3);

    const last = checkDiagram(rl.drawStackedRnn({ layers: 2, steps: 10, output: "last", show: false }), "stacked many-to-one");
    assert.strictEqual(count(last, /<rect class="cell"/g), 20);
    assert.strictEqual(count(last, /<rect class="output"/g), 1, "many-to-one: one output");
    const lastText = labels(last);
    assert.deepStrictEqual(lastText.filter((t) => t.startsWith("returnSequences")), ["returnSequences: true", "returnSequences: false"]);
    const out = shapes(last).find((s) => s.el.includes('class="output"'));
    const cells = shapes(last).filter((s) => s.el.includes('class="cell"'));
    assert.strictEqual(out.x + out.w / 2, Math.max(...cells.map((c) => c.x + c.w / 2)), "the one output sits above the last step");
  });

  it("drawLstmCell: the carry through forget (×) and add (+), gates i, f, o and the candidate k as lesson 05 names them", () => {
    const svg = checkDiagram(rl.drawLstmCell({ show: false }), "lstm");
    for (const g of ["f", "i", "o"]) assert.match(svg, new RegExp(`<rect class="gate gate-${g}"[^>]*>(<text[^>]*>σ</text>)`), `gate ${g} is a sigmoid`);
    assert.match(svg, /<rect class="gate gate-k"[^>]*><text[^>]*>tanh<\/text>/, "the candidate k goes through tanh");
    assert.strictEqual(count(svg, /class="gate /g), 4);
    assert.strictEqual(count(svg, /<circle class="op multiply"/g), 3, "forget, input × candidate, output gate");
    assert.strictEqual(count(svg, /<circle class="op add"/g), 1);
    // The carry: a straight line at one height through the forget multiply and the add.
    const carry = arrows(svg).filter((a) => a.cls.includes("carry"));
    assert.strictEqual(carry.length, 3);
    const carryY = carry[0].start[1];
    assert.ok(carry.every((a) => a.start[1] === carryY && a.end[1] === carryY));
    const ops = shapes(svg).filter((s) => s.kind === "circle" && s.cy === carryY);
    assert.deepStrictEqual(ops.map((s) => attr(s.el, "class")), ["op multiply", "op add"], "forget first, then add");
    const text = labels(svg);
    for (const l of ["c_{t−1}", "c_{t}", "h_{t−1}", "x_{t}", "f_{t}", "i_{t}", "o_{t}", "tanh(k_{t})", "h_{t} (output)"]) assert.ok(text.includes(l), l);
    assert.ok(text.some((t) => t.includes("c_{t} = f_{t} * c_{t−1} + i_{t} * tanh(k_{t})") && t.includes("h_{t} = o_{t} * tanh(c_{t})")), text.join(" | "));
  });

  it("drawGruCell: gates z and r, the reset before the candidate, h_t = z_t * h_{t-1} + (1 - z_t) * candidate", () => {
    const svg = checkDiagram(rl.drawGruCell({ show: false }), "gru");
    assert.match(svg, /<rect class="gate gate-z"[^>]*><text[^>]*>σ<\/text>/);
    assert.match(svg, /<rect class="gate gate-r"[^>]*><text[^>]*>σ<\/text>/);
    assert.match(svg, /<rect class="gate gate-h"[^>]*><text[^>]*>tanh<\/text>/);
    assert.strictEqual(count(svg, /class="gate /g), 3);
    assert.strictEqual(count(svg, /<circle class="op multiply"/g), 3, "z * h, r * h, (1 - z) * candidate");
    assert.strictEqual(count(svg, /class="op one-minus"/g), 1);
    // The arrow out of the reset multiply ends on the candidate's box: reset BEFORE the product, as tf.layers.gru.
    const all = shapes(svg);
    const cand = all.find((s) => s.el.includes("gate-h"));
    const resetOp = all.filter((s) => s.el.includes("op multiply")).sort((a, b) => a.cx - b.cx)[0];
    const fromReset = arrows(svg).filter((a) => Math.hypot(a.start[0] - (resetOp.cx + resetOp.r), a.start[1] - resetOp.cy) < 1);
    assert.strictEqual(fromReset.length, 1);
    assert.ok(distanceToEdge(cand, fromReset[0].tip) <= 2.5);
    const text = labels(svg);
    for (const l of ["h_{t−1}", "h_{t}", "x_{t}", "z_{t}", "r_{t}", "h\u0303_{t}"]) assert.ok(text.includes(l), l);
    assert.ok(text.includes("h_{t} = z_{t} * h_{t−1} + (1 − z_{t}) * h\u0303_{t}"), text.join(" | "));
  });

  it("show by default: outside a notebook the PNG is saved under RNNLAB_FIGURES and its path printed; show: false saves nothing", () => {
    const log = console.log;
    const lines = [];
    console.log = (s) => lines.push(s);
    let shown, hidden;
    try {
      shown = rl.drawLstmCell();
      hidden = rl.drawGruCell({ show: false });
    } finally {
      console.log = log;
    }
    assert.ok(shown.file && shown.file.startsWith(dir) && fs.existsSync(shown.file));
    assert.deepStrictEqual(fs.readFileSync(shown.file), Buffer.from(shown.png));
    assert.strictEqual(hidden.file, undefined);
    assert.deepStrictEqual(lines, [`[figure: Anatomy of an LSTM] saved to ${shown.file}`]);
  });

  it("refuse bad parameters, naming the function, the parameter and what was expected", () => {
    assert.throws(() => rl.drawRnnUnrolled({ steps: 0 }), /^Error: drawRnnUnrolled: steps must be a whole number from 1 to 12 \(got 0\)$/);
    assert.throws(() => rl.drawRnnUnrolled({ steps: 2.5 }), /steps must be a whole number from 1 to 12 \(got 2\.5\)/);
    assert.throws(() => rl.drawRnnUnrolled({ steps: "4" }), /steps must be a whole number .* \(got "4"\)/);
    assert.throws(() => rl.drawRnnUnrolled({ steps: 13 }), /from 1 to 12 \(got 13\)/);
    assert.throws(() => rl.drawStackedRnn({ layers: 0, steps: 5 }), /drawStackedRnn: layers must be a whole number from 1 to 6 \(got 0\)/);
    assert.throws(() => rl.drawStackedRnn({ layers: 2, steps: -1 }), /drawStackedRnn: steps must be a whole number from 1 to 10 \(got -1\)/);
    assert.throws(() => rl.drawStackedRnn({ output: "all" }), /drawStackedRnn: output must be "sequence" or "last" \(got "all"\)/);
    assert.throws(() => rl.drawPerceptron({ inputs: 0 }), /drawPerceptron: inputs must be a whole number from 1 to 8 \(got 0\)/);
    assert.throws(() => rl.drawPerceptron({ inputs: NaN }), /inputs must be a whole number from 1 to 8 \(got NaN\)/);
  });
});
