"use strict";
// `npm run install-system -- --dry-run`: what is missing, and the one command that installs it (apt as root or
// through sudo) or, off Debian, what to run; then the native kernels are built. Missing parts are simulated:
// RNNLAB_PYTHON=/bin/false (no Python with Jupyter) and RNNLAB_NATIVE_FAKE_FAIL=1 (no C++ compiler).
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "jupyter", "install-jupyter.js");

describe("install-system (the optional system parts)", function () {
  this.timeout(60000);

  it("--dry-run names what is missing and the command that installs it, then the native build", () => {
    const r = spawnSync(process.execPath, [SCRIPT, "--dry-run"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, RNNLAB_PYTHON: "/bin/false", RNNLAB_NATIVE_FAKE_FAIL: "1" },
    });
    const out = r.stdout + r.stderr;
    assert.match(out, /^install-system: missing: Jupyter \(Notebook UI, nbclient, nbconvert\)$/m, out);
    assert.match(out, /^install-system: missing: the native kernels' build tools \(no C\+\+ compiler/m, out);
    const root = process.getuid && process.getuid() === 0;
    const sudo = spawnSync("sh", ["-c", "command -v sudo"]).status === 0;
    if (fs.existsSync("/usr/bin/apt-get") && (root || sudo)) {
      assert.match(out, new RegExp(`^\\$ ${root ? "" : "sudo "}apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-notebook g\\+\\+ make`, "m"), out);
      assert.match(out, /^\$ node native\/build-native\.js --strict$/m, "the native kernels are built without a second command");
      assert.strictEqual(r.status, 0, out);
    } else {
      assert.match(out, /nothing was installed/);
      assert.match(out, /python3 -m pip install --user jupyterlab nbclient nbconvert/);
      assert.match(out, /then: npm run build:native/);
      assert.strictEqual(r.status, 1, out);
    }
  });
});
