"use strict";
// Shared by the notebook-runner tests: run a runner script, write a notebook from percent-format source.
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { parseCells, buildNotebook } = require("../scripts/course/build-notebooks.js");

const ROOT = path.resolve(__dirname, "..");

/** Runs `node <runner> ...args` in the project root; returns the exit status and stdout + stderr. */
function runScript(runner, args, env = {}) {
  const r = spawnSync(process.execPath, [runner, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Writes dir/name as a notebook built from percent-format source (`// %%` cells); returns its path. */
function writeNotebook(dir, name, source) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(buildNotebook(name, parseCells(source, name)), null, 1));
  return file;
}

module.exports = { ROOT, runScript, writeNotebook };
