#!/usr/bin/env node
// `npm run notebooks [-- --quick] [-- notebooks/03_x.ipynb ...]`: executes every notebooks/NN_*.ipynb in order
// with the project's tslab kernel, through Jupyter's own executor (nbclient, in run_notebooks.py) when a Python
// with nbclient and nbconvert is here, and otherwise through tslab's own executor without Jupyter
// (run-headless.js): same options, same table, executed notebooks in the same folder, but no HTML. It says in one
// line which one runs and why. RNNLAB_REQUIRE_JUPYTER=1 makes a missing Jupyter an error instead (CI sets it).
// `--kernel deno` runs them with Deno's kernel ("TypeScript (rnnlab, Deno)") instead, always through Jupyter.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const env = require("./jupyter-env");

function usage() {
  console.log(`usage: npm run notebooks [-- [--quick] [--out DIR] [--timeout S] [--keep-going] [--jobs N] [NOTEBOOK ...]]
  --quick       smaller data and fewer epochs (sets RNNLAB_PROFILE=quick)
  --out DIR     where executed notebooks and HTML go (default build/notebooks[-quick])
  --timeout S   per-cell limit in seconds (default 3600)
  --keep-going  run the remaining notebooks after a failure
  --jobs N      notebooks run at once, each with its own kernel (default: 2 where there are 2 cores or more, else 1)
  --kernel K    tslab (default) or deno: Deno's Jupyter kernel, "TypeScript (rnnlab, Deno)" (needs Jupyter and Deno)
Jupyter's executor (nbclient) runs when Jupyter is installed, tslab's own executor otherwise;
RNNLAB_REQUIRE_JUPYTER=1 makes a missing Jupyter an error.`);
}

function main() {
  const args = process.argv.slice(2);
  const pass = [];
  const notebooks = [];
  const config = require(path.join(env.ROOT, "lib", "dist", "config.js"));
  let quick = config.profileSetting() === "quick";
  let out;
  let kernel = "tslab";
  // Two at a time by default: a lesson spends much of its time on one core (type-checking cells, data, figures),
  // so a second lesson beside it keeps the other core busy; the native kernels' threads share the cores.
  let jobs = Math.min(2, config.coreCount());
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return usage();
    if (a === "--quick") quick = true;
    else if (a === "--out") out = args[++i];
    else if (a === "--timeout") pass.push("--timeout", args[++i]);
    else if (a === "--keep-going") pass.push("--keep-going");
    else if (a === "--jobs") jobs = Number(args[++i]);
    else if (a === "--kernel") kernel = String(args[++i]).toLowerCase();
    else if (a.startsWith("-")) {
      console.error(`run-notebooks: unknown option ${a}`);
      usage();
      process.exit(2);
    } else notebooks.push(a);
  }
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error("run-notebooks: --jobs takes a whole number of notebooks to run at once, 1 or more");
    process.exit(2);
  }
  if (kernel !== "tslab" && kernel !== "deno") {
    console.error(`run-notebooks: --kernel takes tslab or deno, not ${kernel}`);
    process.exit(2);
  }
  pass.push("--jobs", String(jobs));
  if (notebooks.length === 0) {
    const dir = path.join(env.ROOT, "notebooks");
    for (const f of fs.readdirSync(dir).sort()) if (/^\d\d_.*\.ipynb$/.test(f)) notebooks.push(path.join("notebooks", f));
  }
  if (notebooks.length === 0) {
    console.error("run-notebooks: no notebooks/NN_*.ipynb found");
    process.exit(1);
  }
  for (const nb of notebooks) {
    if (!fs.existsSync(nb)) {
      console.error(`run-notebooks: ${nb} does not exist`);
      process.exit(1);
    }
  }
  out = out ?? path.join(env.ROOT, "build", (kernel === "deno" ? "notebooks-deno" : "notebooks") + (quick ? "-quick" : ""));
  const py = env.findJupyterPython();
  if (kernel === "deno") return runDeno(py, quick, out, pass, notebooks);
  if (!py) {
    if (env.jupyterRequired()) {
      console.error(env.missingJupyterMessage());
      console.error("RNNLAB_REQUIRE_JUPYTER is set, so tslab's own executor was not used instead.");
      process.exit(1);
    }
    console.log(`executor: tslab's own, without Jupyter (no Python here can import nbclient and nbconvert), so no HTML is written; for the Jupyter executor and HTML: npm run install-system`);
    const args = ["--out", out, ...(quick ? ["--quick"] : []), ...pass, ...notebooks];
    const r = spawnSync(process.execPath, [path.join(__dirname, "run-headless.js"), ...args], { stdio: "inherit" });
    process.exit(r.status ?? 1);
  }
  if (!fs.existsSync(path.join(env.PROJECT_JUPYTER_PATH, "kernels", env.KERNEL_NAME, "kernel.json"))) {
    env.writeKernelSpec(env.PROJECT_JUPYTER_PATH);
  }
  console.log(`executor: Jupyter's nbclient, found in ${py}, with HTML from nbconvert`);
  console.log(`profile: ${quick ? "quick" : "full"}; kernel: ${env.KERNEL_NAME} (this project's tslab); python: ${py}`);
  const r = spawnSync(py, [path.join(__dirname, "run_notebooks.py"), "--out", out, ...pass, ...notebooks], {
    stdio: "inherit",
    env: env.jupyterEnv({ RNNLAB_PROFILE: quick ? "quick" : "full", RNNLAB_FIGURES: path.join(out, "figures") }),
  });
  process.exit(r.status ?? 1);
}

/** The notebooks through Jupyter with Deno's kernel: the same runner, table and files as with tslab. */
function runDeno(py, quick, out, pass, notebooks) {
  if (!py) {
    console.error(env.missingJupyterMessage());
    console.error("Deno's kernel runs through Jupyter only (tslab's own executor runs tslab).");
    process.exit(1);
  }
  const deno = env.findDeno();
  if (!deno) {
    console.error(`Deno was not found (RNNLAB_DENO, deno on PATH, or the npm package deno in this project). Add it with: ${env.DENO_INSTALL_HINT}`);
    process.exit(1);
  }
  env.writeDenoKernelSpec(env.PROJECT_JUPYTER_PATH, deno);
  console.log(`executor: Jupyter's nbclient, found in ${py}, with HTML from nbconvert`);
  console.log(`profile: ${quick ? "quick" : "full"}; kernel: ${env.DENO_KERNEL_NAME} (Deno ${deno.version}, ${deno.path}); python: ${py}`);
  const r = spawnSync(py, [path.join(__dirname, "run_notebooks.py"), "--out", out, "--kernel", env.DENO_KERNEL_NAME, ...pass, ...notebooks], {
    stdio: "inherit",
    env: env.jupyterEnv({ RNNLAB_PROFILE: quick ? "quick" : "full", RNNLAB_FIGURES: path.join(out, "figures") }),
  });
  process.exit(r.status ?? 1);
}

main();
