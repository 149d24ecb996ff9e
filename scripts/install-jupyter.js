#!/usr/bin/env node
// Installs Jupyter from Debian/Ubuntu packages when run as root there; otherwise prints what to run.
"use strict";
const fs = require("fs");
const { spawnSync } = require("child_process");
const env = require("./jupyter-env");

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) {
    console.error(`install-jupyter: '${cmd} ${args.join(" ")}' exited with ${r.status}`);
    process.exit(r.status || 1);
  }
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = fs.existsSync("/usr/bin/apt-get");
if (env.findJupyterPython()) {
  console.log("install-jupyter: Jupyter (nbclient + nbconvert) is already installed.");
} else if (isRoot && hasApt) {
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...env.APT_PACKAGES]);
  console.log("install-jupyter: done.");
} else {
  console.log("install-jupyter: not root on a Debian/Ubuntu system, so nothing was installed. Run one of:");
  if (hasApt) console.log(`  sudo apt-get install ${env.APT_PACKAGES.join(" ")}`);
  console.log(`  ${env.PIP_ALTERNATIVE}`);
  process.exitCode = 1;
}
