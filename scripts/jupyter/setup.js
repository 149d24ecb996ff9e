#!/usr/bin/env node
// Runs after `npm install` (after patch-package has applied patches/, tslab's fixes): registers the project's tslab as
// the Jupyter kernel "tslab" and, where Deno is installed, Deno's kernel as "rnnlab-deno" ("TypeScript (rnnlab, Deno)"),
// and says whether Jupyter itself is here. It never fails the install: a missing Jupyter or Deno is reported with the
// command to run.
"use strict";
const tooOld = require("./check-node").tooOld(process.version);
if (tooOld) {
  console.error(`rnnlab setup: ${tooOld}`);
  process.exit(1);
}
const fs = require("fs");
const path = require("path");
const env = require("./jupyter-env");

function main() {
  const tslab = path.join(env.ROOT, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) {
    console.log(`rnnlab setup: ${tslab} is missing; run npm install first.`);
    process.exitCode = 1;
    return;
  }
  const local = env.writeKernelSpec(env.PROJECT_JUPYTER_PATH);
  console.log(`rnnlab setup: kernelspec '${env.KERNEL_NAME}' for this project's tslab written to ${local}`);
  if (process.env.RNNLAB_NO_USER_KERNEL) {
    console.log("rnnlab setup: RNNLAB_NO_USER_KERNEL is set, so the user's Jupyter folder was left alone.");
  } else {
    const user = env.writeKernelSpec(env.userDataDir());
    console.log(`rnnlab setup: and registered for your Jupyter in ${user} (opens as "TypeScript (rnnlab)")`);
  }
  const deno = env.findDeno();
  if (deno) {
    const where = [env.writeDenoKernelSpec(env.PROJECT_JUPYTER_PATH, deno)];
    if (!process.env.RNNLAB_NO_USER_KERNEL) where.push(env.writeDenoKernelSpec(env.userDataDir(), deno));
    console.log(`rnnlab setup: Deno ${deno.version} (${deno.path}): kernelspec '${env.DENO_KERNEL_NAME}' written to ${where.join(" and ")} (opens as "${env.DENO_DISPLAY_NAME}")`);
  } else {
    console.log(`rnnlab setup: Deno not found, so "${env.DENO_DISPLAY_NAME}" is not registered; to add it: ${env.DENO_INSTALL_HINT} && npm run setup`);
  }
  const py = env.findJupyterPython();
  if (py) console.log(`rnnlab setup: Jupyter found (${py}); run the notebooks with: npm run notebooks`);
  else {
    console.log("rnnlab setup: Jupyter not found; `npm run notebooks` and `npm test` run the notebooks with tslab's own executor.");
    const addon = fs.existsSync(require("../../native/build-native").ADDON);
    console.log(`rnnlab setup: for Jupyter's UI (\`npm run lab\`), HTML${addon ? "" : " and a C++ compiler for the native kernels"}: npm run install-system`);
  }
}

main();
