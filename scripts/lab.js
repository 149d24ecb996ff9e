#!/usr/bin/env node
// Opens Jupyter on notebooks/ with the project's kernel: JupyterLab where installed, else the classic Notebook.
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const env = require("./jupyter-env");

const py = env.findJupyterPython();
if (!py) {
  console.error(env.missingJupyterMessage());
  process.exit(1);
}
const hasLab = spawnSync(py, ["-c", "import jupyterlab"], { stdio: "ignore" }).status === 0;
const app = hasLab ? "jupyterlab" : "notebook";
const args = ["-m", app, "--notebook-dir", path.join(env.ROOT, "notebooks"), ...process.argv.slice(2)];
console.log(`Opening ${hasLab ? "JupyterLab" : "the classic Jupyter Notebook"} on notebooks/ (kernel: ${env.KERNEL_NAME})`);
const r = spawnSync(py, args, { stdio: "inherit", env: env.jupyterEnv() });
process.exit(r.status ?? 1);
