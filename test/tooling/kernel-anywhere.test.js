"use strict";
// The course kernel in the user's own folder: a notebook outside the project, run with "TypeScript (rnnlab)" as
// `npm install` registers it for the user's Jupyter, imports rnnlab, danfo and tslab, draws a figure, and a module
// that cannot be found gets a message naming it and saying what to do. Through Jupyter (nbclient, the kernelspec
// written to a temporary Jupyter data folder, never the user's own) where Jupyter is here; through tslab's own
// executor (run-headless.js) otherwise.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { ROOT, runScript, writeNotebook } = require("../notebook-helpers");
const { findJupyterPython, jupyterRequired } = require("../../scripts/jupyter/jupyter-env");

const COPIED_CELLS = [
  "// %%",
  'import * as rl from "rnnlab";',
  'import * as dfd from "danfojs-node";',
  'import * as tslab from "tslab";',
  "const tf = rl.tf;",
  "await rl.initRuntime();",
  'console.log("tfjs", tf.version.tfjs);',
  "// %%",
  "const df = new dfd.DataFrame({ x: [1, 2, 3], y: [2, 4, 6] });",
  'console.log("shape", df.shape.join("x"), "tslab", tslab.versions.tslab);',
  'await rl.plotLines({ name: "y", y: [2, 4, 6] }, { title: "anywhere" });',
  "// %%",
  "const t = tf.tensor1d([1, 2, 3]);",
  'console.log("sum", (await t.sum().data())[0]);',
].join("\n");
const MISSING = '// %%\nimport * as nope from "rnnlab-no-such-package";\nconsole.log(nope);\n';

// Plain nbclient, as `jupyter nbconvert --execute` uses it: prints each notebook's outcome as one JSON line.
const DRIVER = `
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    error = None
    try:
        NotebookClient(nb, kernel_name="tslab", timeout=600, resources={"metadata": {"path": sys.argv[1].rsplit("/", 1)[0]}}).execute()
    except CellExecutionError as e:
        error = str(e)
    nbformat.write(nb, path + ".out.ipynb")
    print(json.dumps({"notebook": path, "error": error}), flush=True)
`;

const outputs = (nb) => nb.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs);
const text = (outs) => outs.filter((o) => o.output_type === "stream").map((o) => [].concat(o.text).join("")).join("");

describe("the course kernel in a folder outside the project", function () {
  this.timeout(10 * 60 * 1000);
  const py = findJupyterPython();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-anywhere-"));
  const work = path.join(tmp, "my notebooks"); // an empty folder of the user's, with a space in its name
  fs.mkdirSync(work);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const ok = writeNotebook(work, "mine.ipynb", COPIED_CELLS);
  const missing = writeNotebook(work, "missing.ipynb", MISSING);
  let executed; // { ok: notebook, missing: notebook, error: nbclient's message for missing }

  before(function () {
    if (py) {
      // The user's kernelspec as `npm install` writes it, into a temporary Jupyter data folder; JUPYTER_PATH and HOME
      // point away from everything else, so that only this kernelspec can be found by the name "tslab".
      const data = path.join(tmp, "jupyter-data");
      const env = { ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: "", JUPYTER_CONFIG_DIR: path.join(tmp, "jupyter-config"), HOME: tmp, RNNLAB_NO_USER_KERNEL: "" };
      const setup = spawnSync(process.execPath, [path.join(ROOT, "scripts", "jupyter", "setup.js")], { cwd: ROOT, env, encoding: "utf8" });
      assert.strictEqual(setup.status, 0, setup.stdout + setup.stderr);
      assert.ok(fs.existsSync(path.join(data, "kernels", "tslab", "kernel.json")), setup.stdout);
      const r = spawnSync(py, ["-c", DRIVER, ok, missing], { cwd: work, env: { ...env, RNNLAB_PROFILE: "quick" }, encoding: "utf8" });
      assert.strictEqual(r.status, 0, r.stdout + r.stderr);
      const results = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      executed = {
        via: `Jupyter (${py})`,
        ok: JSON.parse(fs.readFileSync(ok + ".out.ipynb", "utf8")),
        okError: results[0].error,
        missing: JSON.parse(fs.readFileSync(missing + ".out.ipynb", "utf8")),
        error: results[1].error,
      };
    } else {
      if (jupyterRequired()) throw new Error("RNNLAB_REQUIRE_JUPYTER is set, but no Python here can import nbclient");
      const out = path.join(tmp, "out");
      const r = runScript(path.join(ROOT, "scripts", "jupyter", "run-headless.js"), ["--quick", "--keep-going", "--out", out, ok, missing]);
      assert.strictEqual(r.status, 1, r.out); // the missing module fails its notebook
      executed = {
        via: "tslab's own executor",
        ok: JSON.parse(fs.readFileSync(path.join(out, "mine.ipynb"), "utf8")),
        okError: /FAILED .*mine\.ipynb/.test(r.out) ? r.out : null,
        missing: JSON.parse(fs.readFileSync(path.join(out, "missing.ipynb"), "utf8")),
        error: r.out,
      };
    }
  });

  it(`imports rnnlab, danfo and tslab, prints the TensorFlow.js version, draws a figure (${py ? "through Jupyter" : "without Jupyter"})`, () => {
    assert.strictEqual(executed.okError, null, executed.okError);
    const outs = outputs(executed.ok);
    const all = text(outs.flat());
    const tfjs = require(path.join(ROOT, "node_modules", "@tensorflow", "tfjs", "package.json")).version;
    assert.match(all, new RegExp(`^tfjs ${tfjs.replace(/\./g, "\\.")}$`, "m"), all);
    assert.match(all, /^shape 3x2 tslab \d+\.\d+\.\d+$/m, all);
    assert.match(all, /^sum 6$/m, all);
    assert.ok(outs.flat().some((o) => o.data && o.data["image/png"]), "the figure is an image in the notebook");
    assert.ok(!outs.flat().some((o) => o.output_type === "error"), "no error output");
    assert.deepStrictEqual(fs.readdirSync(work).filter((f) => f === "node_modules"), [], "nothing was installed in the user's folder");
  });

  it("a module that cannot be found: the error names it, says where the kernel looked and what to run", () => {
    const cellText = text(outputs(executed.missing)[0]);
    assert.match(cellText, /Cannot find module 'rnnlab-no-such-package'/);
    assert.match(cellText, /The package rnnlab-no-such-package is not installed where this kernel looks: node_modules in this notebook's folder \(.*my notebooks\)/);
    assert.ok(cellText.includes(path.join(ROOT, "node_modules")), cellText);
    assert.match(cellText, /npm install rnnlab-no-such-package/);
    // What nbclient (and `jupyter nbconvert --execute`) raise names the error too, not an empty "<Error>:".
    assert.ok(executed.error, "the notebook failed");
    assert.ok(!/<Error>:\s*$/m.test(executed.error), executed.error);
    assert.match(executed.error, /Cannot find module 'rnnlab-no-such-package'/);
  });
});
