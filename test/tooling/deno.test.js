"use strict";
// The second kernel, Deno's own ("TypeScript (rnnlab, Deno)"): setup registers it where Deno is found and says how to
// add it where not; every lesson runs under it through Jupyter in the quick profile with the same checks as under
// tslab; a notebook outside the project imports rnnlab and draws a figure; Interrupt stops training as under tslab,
// and ends the kernel where nothing of rnnlab's runs. Where Deno or Jupyter is missing the kernel cases skip, saying
// so in one line; RNNLAB_REQUIRE_DENO=1 (CI) turns that into a failure.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { ROOT, runScript, writeNotebook, lessonProblems } = require("../notebook-helpers");
const env = require("../../scripts/jupyter/jupyter-env");
const { runKernel, SETUP, CHECK, RL_FIT, LOOP, checked } = require("../interrupt-cells");

const RUNNER = path.join(ROOT, "scripts", "jupyter", "run-notebooks.js");
const deno = env.findDeno();
const python = env.findJupyterPython();
const required = Boolean(process.env.RNNLAB_REQUIRE_DENO) && process.env.RNNLAB_REQUIRE_DENO !== "0";
const missing = !deno ? `Deno not found (RNNLAB_DENO, deno on PATH, or the npm package deno in this project; add it with: ${env.DENO_INSTALL_HINT})` : !python ? "Jupyter not found (Deno's kernel runs through it: npm run install-system)" : null;

const outputsOf = (nb) => nb.cells.filter((c) => c.cell_type === "code").flatMap((c) => c.outputs);
const streamText = (outs) => outs.filter((o) => o.output_type === "stream").map((o) => [].concat(o.text).join("")).join("");

/** Setup in a temporary Jupyter data folder (never the user's); returns its output and that folder. */
function runSetup(tmp, extra) {
  const data = path.join(tmp, "jupyter-data");
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "jupyter", "setup.js")], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_DATA_DIR: data, HOME: tmp, RNNLAB_NO_USER_KERNEL: "", ...extra },
    encoding: "utf8",
  });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  return { out: r.stdout, data };
}

describe("Deno's kernel: setup", function () {
  this.timeout(120000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-deno-setup-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("without Deno: one line saying how to add it from npm, and no Deno kernelspec", () => {
    // RNNLAB_DENO names the only binary tried: one that is not Deno stands for a machine without it.
    const { out, data } = runSetup(tmp, { RNNLAB_DENO: "/bin/false" });
    const lines = out.split("\n").filter((l) => /\bDeno\b/.test(l));
    assert.deepStrictEqual(lines, [`rnnlab setup: Deno not found, so "TypeScript (rnnlab, Deno)" is not registered; to add it: npm install -g deno && npm run setup`]);
    assert.ok(fs.existsSync(path.join(data, "kernels", "tslab", "kernel.json")), "tslab's kernelspec is written as before");
    assert.ok(!fs.existsSync(path.join(data, "kernels", env.DENO_KERNEL_NAME)), "no Deno kernelspec");
  });

  it("with Deno: 'TypeScript (rnnlab, Deno)' beside 'TypeScript (rnnlab)', starting the Deno found", function () {
    if (!deno) {
      if (required) assert.fail(`RNNLAB_REQUIRE_DENO is set, but ${missing}`);
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    const { out, data } = runSetup(tmp, { RNNLAB_DENO: deno.path });
    assert.match(out, new RegExp(`^rnnlab setup: Deno ${deno.version.replace(/\./g, "\\.")} \\(.*\\): kernelspec 'rnnlab-deno' written to .* \\(opens as "TypeScript \\(rnnlab, Deno\\)"\\)$`, "m"));
    const spec = JSON.parse(fs.readFileSync(path.join(data, "kernels", env.DENO_KERNEL_NAME, "kernel.json"), "utf8"));
    assert.strictEqual(spec.display_name, "TypeScript (rnnlab, Deno)");
    assert.strictEqual(spec.language, "typescript");
    assert.deepStrictEqual(spec.argv, ["/bin/sh", path.join(ROOT, "scripts", "jupyter", "deno-kernel.sh"), deno.path, ROOT, "{connection_file}"]);
    assert.strictEqual(JSON.parse(fs.readFileSync(path.join(data, "kernels", "tslab", "kernel.json"), "utf8")).display_name, "TypeScript (rnnlab)");
  });
});

describe("Deno's kernel: the lessons, a notebook of one's own, Interrupt", function () {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-deno-"));
  const outDir = path.join(ROOT, "build", "notebooks-deno-test");
  const times = [];
  const denoEnv = () => (deno ? { RNNLAB_DENO: deno.path } : {});

  before(function () {
    if (missing) {
      if (required) throw new Error(`RNNLAB_REQUIRE_DENO is set, but ${missing}`);
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    console.log(`      Deno ${deno.version} (${deno.path}, from ${deno.from})`);
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (times.length) console.log(`      (seconds per lesson under Deno's kernel: ${times.join(", ")})`);
  });

  const lessons = fs
    .readdirSync(path.join(ROOT, "notebooks"))
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
    .sort();

  it("the runner fails loudly on a broken cell under Deno too, naming notebook, cell and error", function () {
    this.timeout(120000);
    // The first cell imports rnnlab, as the lessons do: printing then goes through rnnlab (Deno's own forwarding can
    // deliver a cell's last line after the cell's end, where nbclient no longer listens).
    const nb = writeNotebook(tmp, "01_broken.ipynb", '// %%\nimport * as rl from "rnnlab";\nconsole.log("fine");\n// %%\nthrow new Error("deliberately broken");\n// %%\nconsole.log("never");\n');
    const r = runScript(RUNNER, ["--kernel", "deno", "--out", path.join(tmp, "out"), nb], denoEnv());
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /kernel: rnnlab-deno \(Deno \d+\.\d+\.\d+, /);
    assert.match(r.out, /FAILED .*01_broken\.ipynb: cell 2 \(code cell 2, first line 'throw new Error\("deliberately broken"\);'\): Error: deliberately broken/);
    const executed = JSON.parse(fs.readFileSync(path.join(tmp, "out", "01_broken.ipynb"), "utf8"));
    assert.strictEqual(streamText(outputsOf(executed)), "fine\n");
  });

  for (const f of lessons) {
    it(`${f} runs in the quick profile under Deno's kernel, with the same checks as under tslab`, function () {
      this.timeout(20 * 60 * 1000);
      const t0 = Date.now();
      const r = runScript(RUNNER, ["--kernel", "deno", "--quick", "--out", outDir, path.join("notebooks", f)], denoEnv());
      times.push(`${f.slice(0, 2)} ${((Date.now() - t0) / 1000).toFixed(0)}`);
      assert.strictEqual(r.status, 0, r.out);
      const executed = JSON.parse(fs.readFileSync(path.join(outDir, f), "utf8"));
      assert.deepStrictEqual(lessonProblems(executed, f), []);
    });
  }

  it("00_setup names Deno's kernel, and trains and frees as under tslab", function () {
    const file = path.join(outDir, "00_setup.ipynb");
    if (!fs.existsSync(file)) this.skip();
    const text = streamText(outputsOf(JSON.parse(fs.readFileSync(file, "utf8"))));
    assert.match(text, new RegExp(`^kernel: Deno ${deno.version.replace(/\./g, "\\.")}, TypeScript \\d+\\.\\d+\\.\\d+, V8 `, "m"));
    assert.match(text, /predictions: Int32Array\(4\) \[ 0, 1, 1, 0 \]/);
    assert.match(text, /tensors still allocated: 0\n/);
  });

  it("a notebook in a folder of one's own, with the kernelspec setup registers: imports rnnlab and danfo, draws a figure", function () {
    this.timeout(10 * 60 * 1000);
    const work = path.join(tmp, "my notebooks"); // no package.json or deno.json here or above
    fs.mkdirSync(work);
    const nb = writeNotebook(
      work,
      "mine.ipynb",
      [
        "// %%",
        'import * as rl from "rnnlab";',
        'import * as dfd from "danfojs-node";',
        "const tf = rl.tf;",
        "await rl.initRuntime({ verbose: false });",
        'console.log("tfjs", tf.version.tfjs);',
        "console.log(rl.kernelLine());",
        "// %%",
        "const df = new dfd.DataFrame({ x: [1, 2, 3], y: [2, 4, 6] });",
        'console.log("shape", df.shape.join("x"));',
        'await rl.plotLines({ name: "y", y: [2, 4, 6] }, { title: "anywhere" });',
        "// %%",
        'console.log("sum", (await tf.tensor1d([1, 2, 3]).sum().data())[0]);',
      ].join("\n"),
    );
    const { data } = runSetup(tmp, denoEnv());
    const driver = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="rnnlab-deno", timeout=600, resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1] + ".out.ipynb")
`;
    // Only the kernelspec setup wrote: JUPYTER_PATH and HOME point away from everything else.
    const r = spawnSync(python, ["-c", driver, nb, work], {
      cwd: work,
      env: { ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: "", JUPYTER_CONFIG_DIR: path.join(tmp, "jupyter-config"), HOME: tmp, RNNLAB_PROFILE: "quick" },
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    const outs = outputsOf(JSON.parse(fs.readFileSync(nb + ".out.ipynb", "utf8")));
    const all = streamText(outs);
    const tfjs = require(path.join(ROOT, "node_modules", "@tensorflow", "tfjs", "package.json")).version;
    assert.match(all, new RegExp(`^tfjs ${tfjs.replace(/\./g, "\\.")}$`, "m"), all);
    assert.match(all, /^kernel: Deno \d+\.\d+\.\d+/m, all);
    assert.match(all, /^shape 3x2$/m, all);
    assert.match(all, /^sum 6$/m, all);
    assert.ok(outs.some((o) => o.data && o.data["image/png"]), "the figure is an image in the notebook");
    assert.ok(!outs.some((o) => o.output_type === "error" || o.name === "stderr"), JSON.stringify(outs.filter((o) => o.output_type === "error" || o.name === "stderr")));
    assert.deepStrictEqual(fs.readdirSync(work).sort(), ["mine.ipynb", "mine.ipynb.out.ipynb"], "nothing was written to the learner's folder");
  });

  it("Interrupt: training stops at the next batch with one line and the kernel keeps its state; with nothing of rnnlab's running, the kernel ends", function () {
    this.timeout(10 * 60 * 1000);
    const cells = [
      { code: SETUP, timeout: 300 },
      { ...RL_FIT, alive: 1 },
      CHECK,
      { ...LOOP, alive: 1 },
      { code: 'console.log("@@WAIT@@");\nawait new Promise((r) => setTimeout(r, 30000));', interrupt_on: "@@WAIT@@", interrupt_after: 1.0, timeout: 20, alive: 3 },
    ];
    const results = runKernel(cells, { kernel: env.DENO_KERNEL_NAME });
    const late = results.filter((c) => c.late && c.late.length);
    if (late.length) console.log(`      (messages that came after their cell's end: ${late.map((c) => c.late.join("+")).join(", ")})`);
    const [first, fit, check, loop, wait] = results;
    assert.strictEqual(first.status, "ok", JSON.stringify(first));

    assert.strictEqual(fit.status, "error", "an interrupted cell ends as failed, so queued cells do not run");
    assert.deepStrictEqual(fit.stderr.trim().split("\n").length, 1, `one line, no stack trace:\n${fit.stderr}`);
    assert.match(fit.stderr, /^Interrupted: fit\(mlp\) stopped at epoch \d+, batch \d+ of 128; the model keeps its weights; \d+ epochs? finished/);
    assert.strictEqual(fit.alive, true, "the kernel is still there");
    assert.ok(fit.cpu < 0.3, `the kernel's CPU use after the cell: ${fit.cpu.toFixed(2)} of a core (should be idle)`);
    const finished = Number(fit.stderr.match(/; (\d+) epochs? finished/)[1]);
    const c = checked(check);
    assert.deepStrictEqual(c, { same: true, moved: true, tensors: c.before, before: c.before, epochs: finished, pending: false });

    assert.strictEqual(loop.status, "error");
    assert.match(loop.stderr.trim(), /^Interrupted: trainOnBatch stopped before this model's step \d+ \(\d+ done\); the model keeps its weights$/);
    assert.strictEqual(loop.alive, true);

    // Nothing of rnnlab's running: Deno's own handling, the kernel ends and every variable with it.
    assert.ok(wait.interrupted, "the Interrupt was sent");
    assert.strictEqual(wait.alive, false, `the kernel should have ended: ${JSON.stringify(wait)}`);
  });
});
