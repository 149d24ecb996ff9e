// The kernel tests again on the WebAssembly build (RNNLAB_KERNELS=wasm), in a child mocha: where the addon is built,
// the tests above ran on it, and the WebAssembly kernels, which machines without a C++ compiler run, would otherwise
// go untested here. Outputs and gradients against tf.layers, NaN and Infinity, threads, Adam, BatchNormalization and
// Dropout, and fit's NaN guard. (Where the addon is not built, the tests above already ran on the WebAssembly build.)
const assert = require("assert");
const path = require("path");
const { spawnSync } = require("child_process");
const rl = require("rnnlab");

const ROOT = path.join(__dirname, "..", "..");
const FILES = [
  "test/fast/native.test.js",
  "test/fast/layers.test.js",
  "test/fast/norm-layers.test.js",
  "test/course/nan-propagation.test.js",
  "test/course/nan-guard.test.js",
  "test/course/optimizers.test.js",
];

describe("the kernel tests on the WebAssembly build (RNNLAB_KERNELS=wasm)", function () {
  this.timeout(600000);
  it(`${FILES.map((f) => path.basename(f)).join(", ")} pass with the WebAssembly kernels`, function () {
    if (rl.nativeKernelInfo().build !== "native") this.skip(); // they ran on the WebAssembly build in this run
    const mocha = require.resolve("mocha/bin/mocha.js", { paths: [ROOT] });
    const r = spawnSync(process.execPath, [mocha, "--no-config", "--timeout", "120000", "--reporter", "dot", ...FILES], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, RNNLAB_KERNELS: "wasm" },
      maxBuffer: 64 << 20,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.strictEqual(r.status, 0, `the kernel tests failed on the WebAssembly build:\n${out.slice(-6000)}`);
    const passing = Number((out.match(/(\d+) passing/) || [])[1]);
    assert.ok(passing >= 80, `only ${passing} tests ran on the WebAssembly build:\n${out.slice(-3000)}`);
  });
});
