"use strict";
// Every notebook runs, in the quick profile, through the same runner as `npm run notebooks`.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { ROOT, runScript, writeNotebook, lessonProblems } = require("../notebook-helpers");
const { findJupyterPython } = require("../../scripts/jupyter/jupyter-env");

const RUNNER = path.join(ROOT, "scripts", "jupyter", "run-notebooks.js");
const runNotebooks = (args, env) => runScript(RUNNER, args, env);

function outputsOf(nb) {
  return nb.cells.filter((c) => c.cell_type === "code").flatMap((c) => c.outputs);
}

function streamText(nb) {
  return outputsOf(nb)
    .filter((o) => o.output_type === "stream")
    .map((o) => [].concat(o.text).join(""))
    .join("");
}

describe("notebooks", function () {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-nb-"));

  it("are in sync with their sources in notebooks/src", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "course", "build-notebooks.js"), "--check"], { encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it("(and the library and scripts) read tensors asynchronously, so that they run on a GPU backend (WebGPU has no synchronous read-back in Node.js)", () => {
    const sync = /\.(dataSync|arraySync|bufferSync)\s*\(|\btf\.print\(|\.print\(\s*\)\s*;?\s*$/;
    const offenders = [];
    const scan = (dir, exempt = () => false, recursive = false) => {
      for (const f of fs.readdirSync(dir, { recursive }).filter((f) => /\.(ts|js)$/.test(f)).sort()) {
        fs.readFileSync(path.join(dir, f), "utf8")
          .split("\n")
          .forEach((line, i) => {
            // danfo's DataFrame.print() formats JS arrays, not tensors.
            if (sync.test(line) && !/\b(df|frame)\b.*\.print\(/.test(line) && !exempt(f, line)) offenders.push(`${path.relative(ROOT, dir)}/${f}:${i + 1}: ${line.trim()}`);
          });
      }
    };
    scan(path.join(ROOT, "notebooks", "src"));
    // layers.ts reads synchronously only on host-memory backends (hostMemoryBackend(): wasm, cpu, tfjs-node).
    scan(path.join(ROOT, "lib", "src"), (f) => f === path.join("fast", "layers.ts"), true);
    // The scripts that run on a GPU host (device-check runs the bench and the lessons there).
    for (const d of fs.readdirSync(path.join(ROOT, "scripts"))) scan(path.join(ROOT, "scripts", d), (f) => f === "trace-files.js");
    assert.deepStrictEqual(offenders, [], `synchronous reads:\n${offenders.join("\n")}`);
  });

  it("carry the language_info the kernel reports, so opening one in the classic Notebook leaves it unmodified", () => {
    // The Notebook sets metadata.language_info to the kernel_info_reply's and marks the notebook changed when they
    // differ (deep equality): the reply of this project's tslab, asked directly.
    const { JupyterHandlerImpl } = require("tslab/dist/jupyter");
    const reported = new JupyterHandlerImpl(null, false).handleKernel().language_info;
    for (const f of fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^\d\d_.*\.ipynb$/.test(f))) {
      const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", f), "utf8"));
      assert.deepStrictEqual(nb.metadata.language_info, reported, `${f}: language_info differs from the kernel's`);
    }
  });

  it("name the tslab kernel, and carry a full run's outputs (test/tooling/outputs.test.js checks them)", () => {
    for (const f of fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"))) {
      const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", f), "utf8"));
      assert.strictEqual(nb.metadata.kernelspec.name, "tslab", f);
      assert.match(f, /^\d\d_[a-z0-9_]+\.ipynb$/);
      assert.ok(outputsOf(nb).length > 0, `${f} has no outputs: npm run notebooks:outputs`);
      assert.strictEqual(nb.metadata.rnnlab && nb.metadata.rnnlab.profile, "full", f);
    }
  });

  const jupyter = findJupyterPython();
  const brokenSource = '// %%\nconsole.log("fine");\n// %%\nconst n: number = 1;\nthrow new Error("deliberately broken " + n);\n// %%\nconsole.log("never");\n';

  /** The broken-notebook run, through whichever executor `env` leads the runner to; returns the runner's output. */
  function checkBrokenRun(out, env) {
    const broken = writeNotebook(tmp, "01_broken.ipynb", brokenSource);
    const typo = writeNotebook(tmp, "02_typo.ipynb", '// %%\nconst s: number = "not a number";\n');
    const r = runNotebooks(["--keep-going", "--out", out, broken, typo], env);
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /FAILED .*01_broken\.ipynb: cell 2 \(code cell 2, first line 'const n: number = 1;'\): Error: deliberately broken 1/);
    assert.match(r.out, /FAILED .*02_typo\.ipynb: cell 1 .*Type 'string' is not assignable to type 'number'/);
    assert.match(r.out, /notebook\s+seconds\s+cells\s+status\n.*01_broken\.ipynb\s+[\d.]+\s+3\s+FAILED\n.*02_typo\.ipynb\s+[\d.]+\s+1\s+FAILED\ntotal\s+[\d.]+\s+4\s+\d+ min \d+ s, kernel starts included\n/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "01_broken.ipynb"), "utf8"));
    const stdout = outputsOf(executed).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => [].concat(o.text).join("")).join("");
    assert.strictEqual(stdout, "fine\n", "the first cell's output is kept, and cells after the failure do not run");
    return r.out;
  }

  it(`the runner fails loudly on a deliberately broken cell, naming notebook, cell and error (here through ${jupyter ? "Jupyter" : "tslab's own executor"})`, function () {
    this.timeout(120000);
    const out = checkBrokenRun(path.join(tmp, "out"));
    if (jupyter) {
      assert.match(out, /^executor: Jupyter's nbclient, found in /m);
      assert.ok(fs.existsSync(path.join(tmp, "out", "01_broken.html")), "the HTML rendering");
    } else {
      assert.match(out, /^executor: tslab's own, without Jupyter \(no Python here can import nbclient and nbconvert\), so no HTML is written/m);
    }
  });

  it("without Jupyter the runner uses tslab's own executor, says so in one line, and gives the same table and failure lines", function () {
    this.timeout(120000);
    // RNNLAB_PYTHON names the only interpreter tried: one that cannot import nbclient stands for a machine without Jupyter.
    const out = checkBrokenRun(path.join(tmp, "out-headless"), { RNNLAB_PYTHON: "/bin/false", RNNLAB_REQUIRE_JUPYTER: "" });
    assert.strictEqual(out.match(/^executor: /gm).length, 1, out);
    assert.match(out, /^executor: tslab's own, without Jupyter .* no HTML is written/m);
    assert.ok(!fs.existsSync(path.join(tmp, "out-headless", "01_broken.html")));
  });

  it("RNNLAB_REQUIRE_JUPYTER=1 turns a missing Jupyter into an error that says how to install it", () => {
    const nb = writeNotebook(tmp, "03_fine.ipynb", '// %%\nconsole.log("fine");\n');
    const r = runNotebooks(["--out", path.join(tmp, "out-required"), nb], { RNNLAB_PYTHON: "/bin/false", RNNLAB_REQUIRE_JUPYTER: "1" });
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /Jupyter \(nbclient \+ nbconvert\) was not found/);
    assert.match(r.out, /npm run install-system/);
    assert.match(r.out, /RNNLAB_REQUIRE_JUPYTER is set/);
    assert.ok(!fs.existsSync(path.join(tmp, "out-required", "03_fine.ipynb")), "nothing ran");
  });

  if (process.env.RNNLAB_REQUIRE_JUPYTER && process.env.RNNLAB_REQUIRE_JUPYTER !== "0") {
    it("RNNLAB_REQUIRE_JUPYTER is set, so Jupyter is here (CI proves the Jupyter path)", () => {
      assert.ok(jupyter, "no Python here can import nbclient and nbconvert");
    });
  }

  const notebooks = fs
    .readdirSync(path.join(ROOT, "notebooks"))
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
    .sort();
  const outDir = path.join(ROOT, "build", "notebooks-test");

  describe("every lesson, in one run of the runner (as `npm run notebooks -- --quick --keep-going`)", function () {
    this.timeout(40 * 60 * 1000);
    let run;
    // One runner for all the lessons: one Jupyter start-up instead of one per lesson, two lessons at a time where
    // there are two cores (the runner's default), and every lesson runs even when one fails. Models go to the run's
    // own folder, so that another suite running a lesson at the same time cannot overwrite the one it loads back.
    before(() => {
      fs.rmSync(outDir, { recursive: true, force: true });
      run = runNotebooks(["--quick", "--keep-going", "--out", outDir, ...notebooks.map((f) => path.join("notebooks", f))], {
        RNNLAB_PROFILE: "quick",
        RNNLAB_MODELS: path.join(outDir, "models"),
      });
    });

    for (const f of notebooks) {
      it(`${f} runs in the quick profile`, function () {
        const row = run.out.match(new RegExp(`^\\S*${f.replace(/\./g, "\\.")}\\s+[\\d.]+\\s+\\d+\\s+(\\S+)$`, "m"));
        assert.ok(row, `${f} is not in the runner's table:\n${run.out}`);
        assert.strictEqual(row[1], "ok", run.out);
        const executed = JSON.parse(fs.readFileSync(path.join(outDir, f), "utf8"));
        // No error; nothing a learner has to read past (stderr only in cells tagged for it, no empty stdout line);
        // figures are images inside the notebook file, not scripts (the same checks as under Deno's kernel).
        assert.deepStrictEqual(lessonProblems(executed, f), []);
      });
    }

    it("the runner exits 0 when every lesson ran", () => {
      assert.strictEqual(run.status, 0, run.out);
    });

    it("00_setup names the backend that the library chooses on this machine", async function () {
      const rl = require("rnnlab");
      const { chosen } = await rl.chooseBackend();
      const executed = JSON.parse(fs.readFileSync(path.join(outDir, "00_setup.ipynb"), "utf8"));
      const text = streamText(executed);
      assert.match(text, new RegExp(`rnnlab backend: ${chosen} — `));
      assert.match(text, /^kernel: tslab \d+\.\d+\.\d+, TypeScript \d+\.\d+\.\d+, Node\.js v\d+/m);
      assert.match(text, /predictions: Int32Array\(4\) \[ 0, 1, 1, 0 \]/);
      assert.match(text, /tensors still allocated: 0\n/, "the clean-up cell frees everything, the optimizer's tensors included");
    });

    it("the HTML exports name a CJK font stack (the prose is Korean)", function () {
      if (!jupyter) this.skip(); // without nbconvert the runner writes no HTML
      const html = fs.readFileSync(path.join(outDir, "00_setup.html"), "utf8");
      assert.match(html, /<style id="rnnlab-cjk-fonts">[^<]*"Noto Sans CJK KR"[^<]*"Malgun Gothic"[^<]*<\/style>\s*<\/head>/);
    });
  });
});
