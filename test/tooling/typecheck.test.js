"use strict";
// The top-level tsconfig.json: one TypeScript project for lib/src and notebooks/src (what an editor opens), so a
// type error in a notebook's source fails `npm test` with its file and line, before the notebook ever runs.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const tsc = (project, extra = []) => {
  const r = spawnSync(process.execPath, [TSC, "-p", project, "--noEmit", "--pretty", "false", ...extra], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
};

describe("type check (tsconfig.json: lib/src and notebooks/src)", function () {
  this.timeout(5 * 60 * 1000);

  it("covers the library and every notebook source, and passes: `tsc -p . --noEmit` reports no error", () => {
    // Incremental: a rerun with unchanged sources reuses the last check's results (errors included) from build/tsc/.
    const r = tsc(".", ["--listFiles", "--incremental", "--tsBuildInfoFile", path.join(ROOT, "build", "tsc", "typecheck.tsbuildinfo")]);
    const errors = r.out.split("\n").filter((l) => /error TS\d+/.test(l));
    assert.strictEqual(r.status, 0, `type errors (file(line,column): error):\n${errors.join("\n") || r.out}`);
    const listed = new Set(r.out.split("\n").map((l) => path.resolve(l.trim())));
    for (const dir of ["lib/src", "notebooks/src"]) {
      for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".ts"))) {
        assert.ok(listed.has(path.join(ROOT, dir, f)), `${dir}/${f} is not in the project`);
      }
    }
  });

  it("a type error in a notebook source is reported with its file and line", () => {
    // A notebook source (cells that use earlier cells' variables, top-level await) with one mistake in its third cell,
    // checked with the top-level tsconfig's options.
    const dir = fs.mkdtempSync(path.join(ROOT, "build", "typecheck-"));
    try {
      const src = [
        "// %%",
        'import * as rl from "rnnlab";',
        "const tf = rl.tf;",
        "await rl.initRuntime();",
        "// %%",
        "const epochs = 3;",
        "// %%",
        "const units: number = `${epochs} units`;",
        "console.log(units, tf.version.tfjs);",
      ].join("\n");
      fs.writeFileSync(path.join(dir, "99_broken.ts"), src + "\n");
      fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), include: ["99_broken.ts"] }));
      const r = tsc(dir);
      assert.strictEqual(r.status, 2, r.out);
      assert.match(r.out, /99_broken\.ts\(8,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
      assert.strictEqual(r.out.trim().split("\n").length, 1, `only that error:\n${r.out}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
