"use strict";
// The lessons are committed with a full run's outputs (scripts/course/notebook-outputs.js). The committed notebooks
// must carry this source's code and the recorded full-run numbers; the cleaning (paths, timings) and the lossless PNG
// re-encoding are checked on their own below.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const out = require("../../scripts/course/notebook-outputs.js");

const ROOT = path.resolve(__dirname, "..", "..");

/** A notebook built from lesson 01's source, with outputs as a full run would leave them. */
function fakeRun(extraText = "") {
  const nb = out.builtNotebook("01_perceptron");
  nb.metadata.rnnlab = { profile: "full" };
  let first = true;
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    c.outputs = [{ output_type: "stream", name: "stdout", text: [first ? `profile: full\nrecorded 01.x = 0.5\n${extraText}` : "ok\n"] }];
    first = false;
  }
  return nb;
}

describe("committed notebook outputs (npm run notebooks:outputs)", function () {
  this.timeout(60000);

  it("the committed lessons carry a full run of their own sources, with the recorded numbers, no paths and no timings", () => {
    const problems = out.checkAll();
    assert.deepStrictEqual(problems, [], problems.join("\n"));
  });

  it("the check fails on a notebook whose code was edited without regenerating, on other numbers, paths, timings and errors", () => {
    assert.deepStrictEqual(out.checkNotebook("01_perceptron", fakeRun(), { "01.x": "0.5" }), []);
    const edited = fakeRun();
    const cell = edited.cells.find((c) => c.cell_type === "code");
    cell.source = [...[].concat(cell.source), "\nconsole.log(1);"];
    assert.match(out.checkNotebook("01_perceptron", edited, { "01.x": "0.5" }).join("\n"), /cell \d+ differs from notebooks\/src\/01_perceptron\.ts: its outputs belong to other code/);
    assert.match(out.checkNotebook("01_perceptron", fakeRun(), { "01.x": "0.6" }).join("\n"), /records 01\.x = 0\.5, notebooks\/results\.full\.json says 0\.6/);
    assert.match(out.checkNotebook("01_perceptron", fakeRun(`saved to ${ROOT}/build/x\n`), { "01.x": "0.5" }).join("\n"), /the outputs name /);
    assert.match(out.checkNotebook("01_perceptron", fakeRun("done, 3 epoch(s) in 2.7 s\n"), { "01.x": "0.5" }).join("\n"), /a run-to-run timing/);
    const quick = fakeRun();
    quick.metadata.rnnlab = { profile: "quick" };
    assert.match(out.checkNotebook("01_perceptron", quick, {}).join("\n"), /not from a full-profile run/);
    const empty = out.builtNotebook("01_perceptron");
    assert.match(out.checkNotebook("01_perceptron", empty, {}).join("\n"), /code cells have outputs/);
    const failed = fakeRun();
    failed.cells.find((c) => c.cell_type === "code").outputs.push({ output_type: "error", ename: "Error", evalue: "boom", traceback: [] });
    assert.match(out.checkNotebook("01_perceptron", failed, { "01.x": "0.5" }).join("\n"), /an error output \(Error: boom\)/);
  });

  it("takes out timings and paths, and keeps recorded results", () => {
    assert.strictEqual(out.maskTimingText("LSTM 5m: done, 10 epoch(s) in 123.4 s; 1,900 samples/s"), "LSTM 5m: done, 10 epoch(s) in … s; … samples/s");
    assert.strictEqual(out.maskTimingText("epoch 1  loss 0.25  seconds 0.8"), "epoch 1  loss 0.25  seconds …");
    assert.strictEqual(out.maskTimingText("run: epoch 1/10 [==>   ] batch 1/16  loss 1034.6  0.1 s"), "run: epoch 1/10 [==>   ] batch 1/16  loss 1034.6  … s");
    assert.strictEqual(out.maskTimingText("training MSE (scaled units) 0.00123, 4.5 s"), "training MSE (scaled units) 0.00123, … s");
    assert.strictEqual(out.cleanText("recorded 06.lecture_lstm.samples_per_s = 1900\ntrained in 3 s"), "recorded 06.lecture_lstm.samples_per_s = 1900\ntrained in … s");
    const table = ["model  test accuracy  train seconds  samples/s", "-----  -------------  -------------  ---------", "  GRU         0.9812            123       1900", "", "after"].join("\n");
    assert.strictEqual(out.maskTimingColumnsText(table), ["model  test accuracy  train seconds  samples/s", "-----  -------------  -------------  ---------", "  GRU         0.9812              …          …", "", "after"].join("\n"));
    const html = "<table><thead><tr><th>model</th><th>acc</th><th>seconds</th></tr></thead><tbody><tr><td>GRU</td><td>0.98</td><td>12.3</td></tr></tbody></table>";
    assert.strictEqual(out.maskTimingColumnsHtml(html), "<table><thead><tr><th>model</th><th>acc</th><th>seconds</th></tr></thead><tbody><tr><td>GRU</td><td>0.98</td><td>…</td></tr></tbody></table>");
    assert.strictEqual(out.relativePaths(`checkpoint: file://${ROOT}/build/models/07 and ${os.tmpdir()}/x`), "checkpoint: file://./build/models/07 and $TMPDIR/x");
  });

  it("re-encodes a PNG losslessly and smaller: palette, RGB, and RGBA with transparency", () => {
    for (const [kind, colours, alpha] of [["palette", 40, false], ["rgb", 1000, false], ["palette with alpha", 10, true]]) {
      const width = 120;
      const height = 50;
      const rgba = Buffer.alloc(width * height * 4);
      for (let k = 0; k < width * height; k++) {
        const v = (k * 7919) % colours;
        rgba.writeUInt32BE((((v * 2654435761) >>> 8) << 8 | (alpha && v % 3 === 0 ? 128 : 255)) >>> 0, k * 4);
      }
      const png = out.encodePng({ width, height, rgba });
      assert.ok(out.decodePng(png).rgba.equals(rgba), `${kind}: pixels differ`);
    }
  });

  it("shrinks a figure as the course renders it (resvg's RGBA PNG) without changing a pixel", () => {
    const { svgToPng } = require("rnnlab");
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="white"/><line x1="0" y1="0" x2="200" y2="100" stroke="steelblue" stroke-width="3"/><text x="10" y="90" font-size="14">loss</text></svg>';
    const png = Buffer.from(svgToPng(svg));
    const small = out.shrinkPng(png);
    assert.ok(small.length < png.length, `${small.length} vs ${png.length}`);
    assert.ok(out.decodePng(small).rgba.equals(out.decodePng(png).rgba));
  });

  it("the committed notebooks stay under 6 MiB in all (what one regeneration can add to the repository)", () => {
    const total = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).reduce((s, f) => s + fs.statSync(path.join(ROOT, "notebooks", f)).size, 0);
    assert.ok(total < 6 * 1048576, `${(total / 1048576).toFixed(2)} MiB`);
  });
});
