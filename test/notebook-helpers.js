"use strict";
// Shared by the notebook-runner tests: run a runner script, write a notebook from percent-format source.
const fs = require("fs");
const net = require("net");
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

/**
 * What is wrong with an executed lesson, as a list of sentences (empty: nothing). The checks every kernel's run of a
 * lesson must pass: no error output; stderr only in cells tagged for it (`expect-stderr`, `raises-exception`); no
 * empty stdout line; at least one figure, as a PNG inside the notebook; no script outputs.
 */
function lessonProblems(executed, name) {
  const problems = [];
  const outs = executed.cells.filter((c) => c.cell_type === "code").flatMap((c) => c.outputs);
  for (const o of outs) if (o.output_type === "error") problems.push(`${name}: an error output: ${o.ename}: ${o.evalue}`);
  executed.cells.forEach((c, i) => {
    const tags = (c.metadata && c.metadata.tags) || [];
    for (const o of c.outputs || []) {
      const text = [].concat(o.text ?? "").join("");
      if (o.name === "stderr" && !(tags.includes("expect-stderr") || tags.includes("raises-exception"))) {
        problems.push(`${name} cell ${i + 1}: stderr output: ${text.trim().split("\n")[0]}`);
      }
      if (o.name === "stdout" && text.trim() === "") problems.push(`${name} cell ${i + 1}: an empty stdout line`);
    }
  });
  if (!outs.some((o) => o.data && o.data["image/png"])) problems.push(`${name} shows no figure`);
  for (const o of outs) {
    if (o.data && (o.data["application/javascript"] || o.data["text/javascript"])) problems.push(`${name} has a script output`);
  }
  return problems;
}

/** A TCP port free on 127.0.0.1 at the time of asking (for a Jupyter server of a test's own). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = { ROOT, runScript, writeNotebook, lessonProblems, freePort };
