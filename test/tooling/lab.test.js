"use strict";
// `npm run lab` (scripts/jupyter/lab.js): once the server answers, its last line is the address with the token, and
// a page asking for the kernelspecs (every page does) prints no "Debugger warning" about frozen modules. Skips where
// Jupyter is not installed, unless RNNLAB_REQUIRE_JUPYTER=1. (The kernel's "unknown msg_type: comm_open": tslab.test.js,
// and the browser test reads this script's whole log after real pages.)
const assert = require("assert");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const env = require("../../scripts/jupyter/jupyter-env");
const { freePort } = require("../notebook-helpers");

const LAB = path.join(env.ROOT, "scripts", "jupyter", "lab.js");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What a learner cannot act on, among lab.js's output lines. */
function noise(out) {
  return out.split("\n").filter((l) => /Debugger warning|frozen modules|PYDEVD_DISABLE_FILE_VALIDATION|unknown msg_type/.test(l));
}

describe("npm run lab", function () {
  this.timeout(180000);
  let lab;
  let out = "";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-lab-"));

  before(function () {
    if (!env.findJupyterPython()) {
      if (env.jupyterRequired()) throw new Error("Jupyter is required here (RNNLAB_REQUIRE_JUPYTER=1) but not installed");
      console.log("    npm run lab test skipped: Jupyter is not installed (npm run install-system)");
      this.skip();
    }
  });

  after(async () => {
    if (lab && lab.exitCode === null) {
      process.kill(lab.pid, "SIGTERM"); // lab.js passes it on to Jupyter
      for (let i = 0; i < 60 && lab.exitCode === null; i++) await sleep(250);
      if (lab.exitCode === null) process.kill(-lab.pid, "SIGKILL");
    }
    if (lab) for (const s of [lab.stdout, lab.stderr]) s.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("ends its start-up with the address and token, and a page's first request prints no debugger warning", async () => {
    const port = await freePort();
    const token = crypto.randomBytes(16).toString("hex");
    const base = `http://127.0.0.1:${port}`;
    lab = spawn(process.execPath, [LAB, "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--notebook-dir=${dir}`], {
      cwd: env.ROOT,
      env: { ...process.env, JUPYTER_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    lab.stdout.on("data", (d) => (out += d));
    lab.stderr.on("data", (d) => (out += d));
    const address = new RegExp(`^Jupyter's address: http://127\\.0\\.0\\.1:${port}/(lab|tree)\\?token=${token}$`);
    const lines = () => out.split("\n").filter((l) => l.trim() !== "");
    // Jupyter's start-up lines come after the first address line; the second is printed once the server answers.
    for (let i = 0; lines().filter((l) => address.test(l)).length < 2; i++) {
      if (lab.exitCode !== null || i > 240) throw new Error(`lab.js did not print its address a second time:\n${out}`);
      await sleep(500);
    }
    const r = await fetch(`${base}/api/status?token=${token}`);
    assert.ok(r.ok, "the server answers when the address is printed again");
    const all = lines();
    assert.match(all[all.length - 1], address, `the last line is the address:\n${out}`);
    assert.ok(all.findIndex((l) => address.test(l)) < all.length - 1 - 1, `Jupyter's own start-up lines come between the two:\n${out}`);
    // Every page asks for the kernelspecs first; reading the Python kernel's imports debugpy in the server.
    const specs = await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json();
    assert.ok(specs.kernelspecs[env.KERNEL_NAME], `the course's kernel is listed: ${Object.keys(specs.kernelspecs)}`);
    await sleep(1000);
    assert.deepStrictEqual(noise(out), [], out);
  });
});
