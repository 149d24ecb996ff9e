"use strict";
// Settings (lib/src/config.ts): every RNNLAB_* variable is read there and nowhere else in the library, checked
// (an unknown value is an error that lists the valid ones), and read the same way by the runners in scripts/.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const rl = require("rnnlab");
const config = require("rnnlab/dist/config");
const { ROOT, runScript, writeNotebook } = require("./notebook-helpers");

describe("settings (lib/src/config.ts)", function () {
  this.timeout(180000);

  it("is the only library module that reads process.env", () => {
    const src = path.join(ROOT, "lib", "src");
    const readers = fs
      .readdirSync(src, { recursive: true })
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => /process\.env\b/.test(fs.readFileSync(path.join(src, f), "utf8")))
      .map((f) => f.split(path.sep).join("/"))
      .sort();
    assert.deepStrictEqual(readers, ["config.ts"]);
  });

  it("reads a profile in any case: Quick is quick, blank or unset is full", () => {
    for (const [value, want] of [["quick", "quick"], ["Quick", "quick"], [" QUICK ", "quick"], ["Full", "full"], ["", "full"], [undefined, "full"]]) {
      assert.strictEqual(config.parseProfile(value), want, JSON.stringify(value));
      assert.strictEqual(config.profileSetting(value === undefined ? {} : { RNNLAB_PROFILE: value }), want, JSON.stringify(value));
    }
    const saved = process.env.RNNLAB_PROFILE;
    try {
      process.env.RNNLAB_PROFILE = "Quick";
      assert.strictEqual(rl.profile(), "quick", "read at each call: a value set at run time counts");
      assert.strictEqual(rl.byProfile({ full: 10, quick: 1 }), 1);
    } finally {
      if (saved === undefined) delete process.env.RNNLAB_PROFILE;
      else process.env.RNNLAB_PROFILE = saved;
    }
  });

  it("refuses an unknown value with an error that lists the valid ones", () => {
    const cases = [
      [{ RNNLAB_PROFILE: "fast" }, /^RNNLAB_PROFILE='fast' is not a profile; expected one of full, quick$/],
      [{ RNNLAB_BACKEND: "tpu" }, /^RNNLAB_BACKEND='tpu' is not a backend rnnlab knows; expected one of tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu$/],
      [{ RNNLAB_NATIVE: "maybe" }, /^RNNLAB_NATIVE='maybe' is not on or off; expected one of 1, on, true, yes, 0, off, false, no$/],
      [{ RNNLAB_WEBGPU_SOFTWARE: "2" }, /^RNNLAB_WEBGPU_SOFTWARE='2' is not on or off; expected one of 1, on/],
      [{ RNNLAB_SHARE_CORES: "sometimes" }, /^RNNLAB_SHARE_CORES='sometimes' is not on or off; expected one of 1, on/],
      [{ RNNLAB_NATIVE_THREADS: "0" }, /^RNNLAB_NATIVE_THREADS='0' is not a number of threads; expected one of a whole number of threads \(1, 2, \.\.\.\), all$/],
      [{ RNNLAB_NATIVE_THREADS: "two" }, /^RNNLAB_NATIVE_THREADS='two' is not a number of threads/],
      [{ RNNLAB_NATIVE_THREADS: "1.5" }, /^RNNLAB_NATIVE_THREADS='1.5' is not a number of threads/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => config.readSettings(env), (e) => e instanceof config.SettingError && message.test(e.message), JSON.stringify(env));
    }
    assert.ok(rl.SettingError === config.SettingError && rl.readSettings === config.readSettings, "the same settings through the package");
  });

  it("RNNLAB_NATIVE_THREADS: a whole number, or all; every core by default", () => {
    const cores = config.coreCount();
    assert.ok(cores >= 1);
    for (const [value, want] of [[undefined, cores], ["", cores], ["all", cores], [" ALL ", cores], ["1", 1], ["3", 3], [" 2 ", 2]]) {
      assert.strictEqual(config.nativeThreadsSetting(value === undefined ? {} : { RNNLAB_NATIVE_THREADS: value }), want, JSON.stringify(value));
    }
  });

  it("reads every setting at once, with defaults inside the project", () => {
    const s = config.readSettings({ RNNLAB_BACKEND: "Node", RNNLAB_NATIVE: "off", RNNLAB_MODELS: "/tmp/m" });
    assert.strictEqual(s.profile, "full");
    assert.strictEqual(s.backend, "tfjs-node", "aliases and case, as initRuntime takes them");
    assert.strictEqual(s.native, false);
    assert.strictEqual(s.webgpuSoftware, false);
    assert.strictEqual(s.shareCores, true, "training kernels share the cores unless RNNLAB_SHARE_CORES=0");
    assert.strictEqual(config.readSettings({ RNNLAB_SHARE_CORES: "0" }).shareCores, false);
    assert.strictEqual(s.modelsDir, "/tmp/m");
    assert.strictEqual(s.datasetsDir, path.join(ROOT, "datasets"));
    assert.strictEqual(s.resultsDir, path.join(ROOT, "build", "results"));
  });

  describe("the runners read RNNLAB_PROFILE through it", () => {
    fs.mkdirSync(path.join(ROOT, "build"), { recursive: true });
    const tmp = fs.mkdtempSync(path.join(ROOT, "build", "config-test-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const nb = writeNotebook(tmp, "01_profile.ipynb", ['// %%', 'import * as rl from "rnnlab";', 'console.log("kernel profile", process.env.RNNLAB_PROFILE, rl.profile());'].join("\n"));

    it("RNNLAB_PROFILE=Quick runs a notebook headless in the quick profile", () => {
      const out = path.join(tmp, "out");
      const r = runScript(path.join(ROOT, "scripts", "jupyter", "run-headless.js"), ["--out", out, nb], { RNNLAB_PROFILE: "Quick" });
      assert.strictEqual(r.status, 0, r.out);
      assert.match(r.out, /^profile: quick;/m);
      const executed = JSON.parse(fs.readFileSync(path.join(out, "01_profile.ipynb"), "utf8"));
      const printed = executed.cells.filter((c) => c.cell_type === "code").flatMap((c) => c.outputs).map((o) => (o.text ?? []).join("")).join("");
      assert.strictEqual(printed, "kernel profile quick quick\n");
    });

    it("RNNLAB_PROFILE=Quick runs a notebook in the quick profile through npm run notebooks too", () => {
      const out = path.join(tmp, "out-jupyter");
      const r = runScript(path.join(ROOT, "scripts", "jupyter", "run-notebooks.js"), ["--out", out, nb], { RNNLAB_PROFILE: "Quick" });
      assert.strictEqual(r.status, 0, r.out);
      const executed = JSON.parse(fs.readFileSync(path.join(out, "01_profile.ipynb"), "utf8"));
      const printed = executed.cells.filter((c) => c.cell_type === "code").flatMap((c) => c.outputs).map((o) => [].concat(o.text ?? []).join("")).join("");
      assert.strictEqual(printed, "kernel profile quick quick\n");
    });

    it("an unknown profile stops the runner with the valid ones named, before any notebook runs", () => {
      const r = runScript(path.join(ROOT, "scripts", "jupyter", "run-headless.js"), ["--out", path.join(tmp, "bad"), nb], { RNNLAB_PROFILE: "fast" });
      assert.notStrictEqual(r.status, 0, r.out);
      assert.match(r.out, /RNNLAB_PROFILE='fast' is not a profile; expected one of full, quick/);
      assert.ok(!fs.existsSync(path.join(tmp, "bad")), "nothing ran");
    });
  });
});
