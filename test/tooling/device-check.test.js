"use strict";
// scripts/device/device-check.js in its smoke mode (what device-bundle.js --check runs): lesson 06 headless on the CPU
// backend and a tiny bench, read back into the table. Guards the parsers against changes in the notebook's text.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");

describe("device-check (smoke mode)", function () {
  this.timeout(180000);
  it("runs lesson 06 and the bench on wasm and reports accuracy and speed read from their output", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-device-check-"));
    // Models in its own folder: lesson 06 loads back the model it saved, and other suites run it at the same time.
    const env = { ...process.env, RNNLAB_MODELS: path.join(out, "models") };
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "device", "device-check.js"), "--smoke", "--out", out], { cwd: ROOT, encoding: "utf8", env });
    const text = r.stdout + r.stderr;
    assert.strictEqual(r.status, 0, text);
    assert.match(text, /^backend webgpu: (OK|unavailable) — .+$/m);
    assert.match(text, /^GPU modules: Dawn binding \(globals, create\) and tfjs-backend-webgpu load$/m);
    const row = text.split("\n").find((l) => l.startsWith("| wasm |"));
    assert.ok(row, text);
    const m = row.match(/^\| wasm \| (\d+) s; acc (0\.\d{4}); (\d+) samples\/s \| not run \| — \| LSTM\(32\) ([\d,]+(?:\.\d+)?) \/ ([\d,]+(?:\.\d+)?) \| — \|$/);
    assert.ok(m, row);
    const acc = Number(m[2]);
    assert.ok(acc > 0.2 && acc <= 1, `lecture LSTM accuracy ${acc} after one quick epoch`);
    // The table file holds what was printed.
    assert.ok(fs.readFileSync(path.join(out, "device-check.md"), "utf8").includes(row));
    fs.rmSync(out, { recursive: true, force: true });
  });
});
