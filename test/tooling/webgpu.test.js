"use strict";
// The WebGPU code path (Dawn + tfjs-backend-webgpu) on a machine without a GPU: Mesa's lavapipe gives Dawn a
// software adapter (scripts/device/setup-lavapipe.sh, which .ci/run runs). Where it is not set up, these tests say so
// and skip; the guard's unit test runs everywhere.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const rl = require("rnnlab");
const { lessonResult } = require("../../scripts/device/device-check.js");

const ROOT = path.resolve(__dirname, "..", "..");
const ENV_FILE = path.join(ROOT, "build", "lavapipe", "env");

/** Runs a shell command with lavapipe's environment and a backend forced. */
function withLavapipe(cmd, backend = "webgpu", timeout = 600000) {
  const r = spawnSync("bash", ["-c", `. "${ENV_FILE}" && ${cmd}`], {
    cwd: ROOT,
    encoding: "utf8",
    timeout,
    env: { ...process.env, RNNLAB_BACKEND: backend },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("WebGPU", function () {
  this.timeout(600000);

  it("a synchronous GPU read-back fails with a clear error, other errors pass through, reads that work still work", () => {
    const fake = {
      calls: 0,
      readSync(id) {
        this.calls++;
        if (id === "gpu") throw new ReferenceError("OffscreenCanvas is not defined");
        if (id === "broken") throw new TypeError("something else");
        return [1, 2];
      },
    };
    rl.guardSyncReads(fake);
    rl.guardSyncReads(fake); // twice is once
    assert.deepStrictEqual(fake.readSync("cpu"), [1, 2]);
    assert.throws(() => fake.readSync("gpu"), (e) => e.message === rl.SYNC_READ_MESSAGE && /await t\.data\(\)/.test(e.message));
    assert.throws(() => fake.readSync("broken"), TypeError);
    assert.strictEqual(fake.calls, 3);
  });

  describe("on a software adapter (lavapipe)", function () {
    before(function () {
      if (!fs.existsSync(ENV_FILE)) {
        // CI sets this: there the WebGPU path must be tested, not skipped.
        if (process.env.RNNLAB_REQUIRE_WEBGPU_TESTS === "1") throw new Error(`${ENV_FILE} is missing: scripts/device/setup-lavapipe.sh did not run`);
        console.log("      (skipped: no software Vulkan adapter; `bash scripts/device/setup-lavapipe.sh` as root sets one up)");
        this.skip();
      }
    });

    it("the runtime takes WebGPU when forced, and its training steps equal the cpu backend's (test/tooling/backends.test.js)", () => {
      const r = withLavapipe("node node_modules/mocha/bin/mocha.js --no-config --timeout 120000 test/tooling/backends.test.js");
      assert.strictEqual(r.status, 0, r.out);
      assert.match(r.out, /6 passing/);
      const probe = withLavapipe(`node -e 'require("rnnlab").initRuntime({verbose:false}).then(i=>console.log("LINE", i.line))'`);
      assert.match(probe.out, /LINE rnnlab backend: webgpu — @tensorflow\/tfjs-backend-webgpu [\d.]+ on .*llvmpipe/);
    });

    it("without RNNLAB_WEBGPU_SOFTWARE=1 a software adapter is refused, with the reason, and the choice falls back", () => {
      const r = withLavapipe(`RNNLAB_WEBGPU_SOFTWARE= RNNLAB_BACKEND= node -e 'require("rnnlab").chooseBackend().then(r=>console.log("CHOSEN", r.chosen, JSON.stringify(r.attempts)))'`, "");
      assert.match(r.out, /CHOSEN wasm /);
      assert.match(r.out, /Dawn found only a software adapter \(.*llvmpipe/);
    });

    it("where Vulkan finds no usable GPU (bookworm's own lavapipe), the choice is quiet: Dawn's complaints stay in the probe", () => {
      // Without build/lavapipe/env: the system's Mesa 22 lavapipe, which setup-lavapipe.sh installs, and Dawn rejects.
      const r = spawnSync(process.execPath, ["-e", 'require("rnnlab").chooseBackend().then(r=>console.log("WEBGPU", r.attempts.find(a=>a.kind==="webgpu").reason))'], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, RNNLAB_BACKEND: "", RNNLAB_WEBGPU_SOFTWARE: "", VK_DRIVER_FILES: "" },
      });
      assert.match(r.stdout, /^WEBGPU (Dawn found no GPU adapter|Dawn found only a software adapter)/m, r.stdout + r.stderr);
      assert.strictEqual(r.stderr.trim(), "", "nothing on stderr");
    });

    it("dataSync on a GPU tensor names the async alternative instead of failing inside the backend", () => {
      const code = `const rl = require("rnnlab"); const tf = rl.tf;
        rl.initRuntime({ verbose: false }).then(() => {
          const a = tf.randomNormal([64, 64]).matMul(tf.randomNormal([64, 64]));
          try { a.dataSync(); console.log("NO ERROR"); } catch (e) { console.log("ERROR", e.message); }
        });`;
      const r = withLavapipe(`node -e '${code}'`);
      assert.ok(r.out.includes(`ERROR ${rl.SYNC_READ_MESSAGE}`), r.out);
    });

    it("lesson 06 (quick) runs on WebGPU without Jupyter, with the same lecture-LSTM accuracy as on wasm", () => {
      const out = path.join(ROOT, "build", "webgpu-test");
      const results = {};
      for (const backend of ["webgpu", "wasm"]) {
        const dir = path.join(out, backend);
        // wasm on the tf-ops path, as WebGPU runs: the native kernels draw their Dropout masks their own way, so the
        // two backends would train different models; on one path they agree up to float32 rounding.
        const tfOps = backend === "wasm" ? "RNNLAB_NATIVE=0 " : "";
        // Models in the run's own folder: lesson 06 loads back the model it saved, and other suites run it too.
        const r = withLavapipe(`${tfOps}RNNLAB_MODELS="${dir}/models" node scripts/jupyter/run-headless.js --quick --out "${dir}" notebooks/06_rnn_mnist.ipynb`, backend);
        assert.strictEqual(r.status, 0, r.out);
        const lesson = lessonResult(path.join(dir, "06_rnn_mnist.ipynb"));
        assert.match(lesson.backend, new RegExp(`^${backend} — `));
        assert.ok(lesson.accuracy !== null, `no lecture-LSTM accuracy in the ${backend} run`);
        results[backend] = lesson.accuracy;
      }
      assert.ok(results.webgpu > 0.2, `accuracy on webgpu ${results.webgpu}`);
      assert.ok(Math.abs(results.webgpu - results.wasm) <= 0.01, `webgpu ${results.webgpu} vs wasm ${results.wasm}`);
    });
  });
});
