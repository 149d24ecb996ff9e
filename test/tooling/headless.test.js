"use strict";
// The Jupyter-free runner (scripts/jupyter/run-headless.js): tslab's executor cell by cell, outputs recorded like a kernel's.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { ROOT, runScript, writeNotebook } = require("../notebook-helpers");

const RUNNER = path.join(ROOT, "scripts", "jupyter", "run-headless.js");
const run = (args, env) => runScript(RUNNER, args, env);

const codeOutputs = (nb) => nb.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs);
const text = (outs, name) => outs.filter((o) => o.output_type === "stream" && o.name === name).map((o) => o.text.join("")).join("");

describe("run-headless (notebooks without Jupyter)", function () {
  this.timeout(180000);
  // Inside the project, so that `import ... from "rnnlab"` resolves as it does for notebooks/.
  fs.mkdirSync(path.join(ROOT, "build"), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(ROOT, "build", "headless-test-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const out = path.join(tmp, "out");

  it("records stdout, the last expression, rich displays and in-place updates per cell; state carries across cells", () => {
    const nb = writeNotebook(
      tmp,
      "01_ok.ipynb",
      [
        "// %%",
        'import * as rl from "rnnlab";',
        "const answer: number = 6 * 7;",
        'console.log("answer", answer);',
        "// %%",
        "answer + 1",
        "// %%",
        "const live = rl.liveOutput();",
        'live.update("step 1");',
        'live.update("step 2");',
        'rl.showHtml("<b>bold</b>", "bold");',
        'console.log("profile", process.env.RNNLAB_PROFILE, "cwd", process.cwd());',
      ].join("\n"),
    );
    const r = run(["--quick", "--out", out, nb]);
    assert.strictEqual(r.status, 0, r.out);
    assert.match(r.out, /01_ok\.ipynb\s+[\d.]+\s+3\s+ok/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "01_ok.ipynb"), "utf8"));
    const [c1, c2, c3] = codeOutputs(executed);
    assert.strictEqual(text(c1, "stdout"), "answer 42\n");
    assert.strictEqual(text(c2, "stdout"), "43\n");
    const shown = c3.filter((o) => o.output_type === "display_data");
    assert.deepStrictEqual(
      shown.map((o) => o.data["text/plain"]),
      ["step 2", "bold"],
      "the live output is one display, updated in place",
    );
    assert.strictEqual(shown[1].data["text/html"], "<b>bold</b>");
    assert.strictEqual(text(c3, "stdout"), `profile quick cwd ${tmp}\n`);
    assert.deepStrictEqual(
      executed.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count),
      [1, 2, 3],
    );
  });

  it("fails loudly naming notebook, cell and error (thrown error and type error), and runs nothing after", () => {
    const broken = writeNotebook(tmp, "02_broken.ipynb", '// %%\nconsole.log("fine");\n// %%\nconst n: number = 1;\nthrow new Error("deliberately broken " + n);\n// %%\nconsole.log("never");\n');
    const typo = writeNotebook(tmp, "03_typo.ipynb", '// %%\nconst s: number = "not a number";\n');
    const r = run(["--keep-going", "--out", out, broken, typo]);
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /FAILED .*02_broken\.ipynb: cell 2 \(code cell 2, first line 'const n: number = 1;'\): Error: deliberately broken 1/);
    assert.match(r.out, /FAILED .*03_typo\.ipynb: cell 1 .*Type 'string' is not assignable to type 'number'/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "02_broken.ipynb"), "utf8"));
    const outs = codeOutputs(executed);
    assert.strictEqual(text(outs[0], "stdout"), "fine\n");
    assert.deepStrictEqual(outs[2], [], "cells after the failure must not run");
  });

  it("stops a cell that runs past --timeout", () => {
    const slow = writeNotebook(tmp, "04_slow.ipynb", "// %%\nawait new Promise((r) => setTimeout(r, 60000));\n");
    const r = run(["--timeout", "2", "--out", out, slow]);
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /04_slow\.ipynb: cell 1 .*ran past 2 s/);
    assert.match(r.out, /04_slow\.ipynb\s+[\d.]+\s+1\s+TIMEOUT/);
  });
});
