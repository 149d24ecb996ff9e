"use strict";
// The Node.js versions: package.json's engines.node is what is supported, an older Node stops `npm install` (the
// preinstall check, scripts/jupyter/check-node.js) and `npm run setup` with one line, and the README names the
// versions CI tests (.ci/run runs the unit tests and lesson 00 under the current LTS too).
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const CHECK = path.join(ROOT, "scripts", "jupyter", "check-node.js");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Runs `node [-r preload] script` with process.version reading `version`; returns status, stdout, stderr. */
function asVersion(version, script) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-node-version-"));
  try {
    const preload = path.join(dir, "version.js");
    fs.writeFileSync(preload, `Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} });\n`);
    return spawnSync(process.execPath, ["-r", preload, script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, RNNLAB_NO_USER_KERNEL: "1" } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("Node.js versions", function () {
  this.timeout(60000);
  const { tooOld, MINIMUM } = require(CHECK);

  it("engines.node names the oldest supported major, and this Node is supported", () => {
    assert.match(pkg.engines.node, /^>=\d+$/);
    assert.strictEqual(MINIMUM, Number(pkg.engines.node.slice(2)));
    assert.ok(MINIMUM >= 20, "Node 18 reached its end of life in April 2025");
    assert.strictEqual(tooOld(process.version), null);
  });

  it("npm install runs the check first", () => {
    assert.strictEqual(pkg.scripts.preinstall, "node scripts/jupyter/check-node.js");
  });

  it("an older Node stops the install and the setup with one line naming the version needed", () => {
    const old = `v${MINIMUM - 2}.20.4`;
    for (const script of [CHECK, path.join(ROOT, "scripts", "jupyter", "setup.js")]) {
      const r = asVersion(old, script);
      assert.strictEqual(r.status, 1, `${path.basename(script)}: ${r.stdout}${r.stderr}`);
      assert.strictEqual(r.stdout, "", path.basename(script));
      const lines = r.stderr.trim().split("\n");
      assert.strictEqual(lines.length, 1, `one line, no stack trace:\n${r.stderr}`);
      assert.match(lines[0], new RegExp(`needs Node\\.js ${MINIMUM} or newer .*this is Node\\.js ${old.replace(/\./g, "\\.")}\\. Install the current LTS`));
    }
    const ok = asVersion(`v${MINIMUM}.0.0`, CHECK);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual(ok.stdout + ok.stderr, "");
  });

  it("the README names the versions CI tests: the oldest supported and the LTS of .ci/run", () => {
    const lts = Number(/^NODE_LTS=(\d+)$/m.exec(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"))[1]);
    assert.ok(lts > MINIMUM);
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.match(readme, new RegExp(`Requirements: Node\\.js ${MINIMUM} or newer with npm; CI tests Node\\.js ${MINIMUM} and ${lts} \\(the current LTS\\)`));
  });
});
