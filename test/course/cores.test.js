"use strict";
// Sharing the cores between rnnlab kernels that train at the same time (lib/src/course/cores.ts): rl.fit leaves a
// file named after its process while it trains, counts the live ones, and runs the native passes on its share of the
// threads; the numbers it trains to must not change.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn, spawnSync } = require("child_process");
const rl = require("rnnlab");
const cores = require("../../lib/dist/course/cores");

const { tf } = rl;

describe("course/cores: training kernels share the cores", function () {
  this.timeout(120000);
  let folder;
  let other; // a live process standing for another kernel that trains
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-cores-test-"));
    cores.useTrainersFolder(folder);
    other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
  });
  after(() => {
    other.kill();
    cores.useTrainersFolder(undefined);
    fs.rmSync(folder, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const f of fs.readdirSync(folder)) fs.rmSync(path.join(folder, f), { force: true });
  });

  it("counts the live training processes, and clears the files of processes gone", () => {
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    fs.writeFileSync(path.join(folder, String(other.pid)), "");
    fs.writeFileSync(path.join(folder, gone), "");
    fs.writeFileSync(path.join(folder, "notes.txt"), "not a process");
    assert.strictEqual(cores.liveTrainers(folder), 1);
    assert.deepStrictEqual(fs.readdirSync(folder).sort(), [String(other.pid), "notes.txt"].sort(), "the gone process's file is removed, others stay");
    assert.strictEqual(cores.liveTrainers(path.join(folder, "missing")), 0);
  });

  it("gives each of n training kernels floor(threads / n) threads, at least one, and no limit to one alone", () => {
    assert.strictEqual(cores.sharedThreads(2, 1), 0);
    assert.strictEqual(cores.sharedThreads(2, 2), 1);
    assert.strictEqual(cores.sharedThreads(16, 3), 5);
    assert.strictEqual(cores.sharedThreads(2, 5), 1);
    assert.strictEqual(cores.sharedThreads(1, 2), 1);
  });

  it("rl.fit runs on its share while another kernel trains, trains to the same weights bit for bit, and gives the cores back", async function () {
    if (rl.nativeKernelInfo().build !== "native") this.skip(); // the addon's threads alone are shared (the WebAssembly kernels take no limit)
    rl.useNativeKernels(true);
    const threadsBefore = rl.nativeKernelInfo().threads;
    rl.setNativeThreads(2); // the work split in two, whatever this machine's cores
    const own = path.join(folder, String(process.pid));
    const x = tf.randomNormal([48, 6, 3], 0, 1, "float32", 5);
    const y = tf.tensor1d(Array.from({ length: 48 }, (_, i) => i % 3), "float32");
    const train = async (withOther, share = "1") => {
      if (withOther) fs.writeFileSync(path.join(folder, String(other.pid)), "");
      const before = process.env.RNNLAB_SHARE_CORES;
      process.env.RNNLAB_SHARE_CORES = share;
      const seen = new Set();
      let ownFileSeen = false;
      try {
        rl.seedEverything(7);
        const model = rl.buildRnnClassifier({ cell: "lstm", units: 16, inputShape: [6, 3], numClasses: 3 });
        await rl.fit(model, x, y, {
          epochs: 2,
          batchSize: 16,
          verbose: false,
          callbacks: {
            onBatchEnd: () => {
              seen.add(rl.nativeKernelInfo().activeThreads);
              ownFileSeen = ownFileSeen || fs.existsSync(own);
            },
          },
        });
        const weights = model.getWeights().map((w) => w.dataSync().slice());
        model.dispose();
        return { seen: [...seen], ownFileSeen, weights };
      } finally {
        if (before === undefined) delete process.env.RNNLAB_SHARE_CORES;
        else process.env.RNNLAB_SHARE_CORES = before;
        fs.rmSync(path.join(folder, String(other.pid)), { force: true });
      }
    };
    try {
      const shared = await train(true);
      assert.deepStrictEqual(shared.seen, [1], "with another kernel training, 2 threads' work runs on 1 at a time");
      assert.ok(shared.ownFileSeen, "this process is marked as training while it trains");
      assert.strictEqual(fs.existsSync(own), false, "and no longer once the fit is done");
      assert.strictEqual(rl.nativeKernelInfo().activeThreads, 2, "the cores are given back after the fit");

      const alone = await train(false);
      assert.deepStrictEqual(alone.seen, [2], "alone, every thread");
      alone.weights.forEach((w, i) => {
        const at = w.findIndex((v, j) => !Object.is(v, shared.weights[i][j]));
        assert.strictEqual(at, -1, `weight ${i} differs at ${at} between the shared and the lone run`);
      });

      const off = await train(true, "0");
      assert.deepStrictEqual(off.seen, [2], "RNNLAB_SHARE_CORES=0: every thread even with another kernel training");
      assert.strictEqual(off.ownFileSeen, false, "RNNLAB_SHARE_CORES=0: not marked as training");
    } finally {
      rl.setNativeThreads(threadsBefore);
      tf.dispose([x, y]);
    }
  });
});
