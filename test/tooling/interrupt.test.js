"use strict";
// Jupyter's Interrupt during training: the run stops at the next batch, the model keeps what it learned, and the
// kernel is left quiet and ready. The kernel cases run the course's kernel through Jupyter's own client
// (test/kernel_interrupt.py: jupyter_client's KernelManager.interrupt_kernel, the Notebook's Interrupt button), once
// with tslab as installed and once with tslab's text as published (the patch undone), where training goes on.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const rl = require("rnnlab");
const { kernelSpec } = require("../../scripts/jupyter/jupyter-env");
const { PYTHON, runKernel, SETUP, CHECK, RL_FIT, LOOP, checked } = require("../interrupt-cells");

const ROOT = path.resolve(__dirname, "..", "..");
const tf = rl.tf;

describe("stopping on Interrupt, in the library (rl.requestStop stands in for the kernel)", function () {
  this.timeout(120000);
  let model;
  let x;
  let y;

  before(async () => {
    await rl.initRuntime({ verbose: false });
    rl.seedEverything(3);
    model = tf.sequential({ layers: [tf.layers.dense({ units: 16, inputShape: [8], activation: "relu" }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: "adam", loss: "meanSquaredError" });
    x = tf.randomNormal([256, 8]);
    y = tf.randomNormal([256, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }); // the optimizer's own tensors exist from here on
  });
  afterEach(() => rl.requestStop(false));
  after(() => {
    tf.dispose([x, y]);
    model.dispose();
  });

  /** Requests a stop at epoch `epoch` (0-based), batch `batch`, from inside the run (no timing involved). */
  const stopAt = (epoch, batch) => {
    let e = -1;
    return {
      onEpochBegin: async (i) => {
        e = i;
      },
      onBatchEnd: async (b) => {
        if (e === epoch && b === batch) rl.requestStop();
      },
    };
  };

  it("rl.fit stops after the batch in progress; history and checkpoint keep the finished epochs only", async () => {
    const tensors = tf.memory().numTensors;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-stop-"));
    const prev = process.env.RNNLAB_MODELS;
    process.env.RNNLAB_MODELS = dir;
    try {
      let err;
      await rl.fit(model, x, y, { name: "stopme", epochs: 50, batchSize: 32, verbose: false, checkpoint: "stopme", callbacks: stopAt(2, 4) }).catch((e) => (err = e));
      assert.ok(err instanceof rl.Interrupted, `expected Interrupted, got ${err}`);
      assert.match(err.message, /^fit\(stopme\) stopped at epoch 3, batch 5 of 8; the model keeps its weights; 2 epochs finished/);
      assert.match(err.message, /checkpoint .* holds epoch 2$/);
      assert.strictEqual(rl.lastInterrupted(), err);
      assert.strictEqual(err.history.loss.length, 2);
      assert.strictEqual(err.result.epochs, 2);
      assert.deepStrictEqual(err.at, { epoch: 3, batch: 5, batches: 8 });
      assert.strictEqual(tf.memory().numTensors, tensors, "no tensors left behind");
      const saved = await rl.loadModel("stopme");
      assert.strictEqual(rl.checkpointInfo(saved).epochsDone, 2, "the partial epoch 3 was not saved");
      saved.optimizer?.dispose();
      saved.dispose();
    } finally {
      if (prev === undefined) delete process.env.RNNLAB_MODELS;
      else process.env.RNNLAB_MODELS = prev;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stock model.fit and fitDataset stop too; the returned History would hold the finished epochs", async () => {
    const tensors = tf.memory().numTensors;
    let err;
    await model.fit(x, y, { epochs: 50, batchSize: 32, verbose: 0, callbacks: [stopAt(1, 2)] }).catch((e) => (err = e));
    assert.ok(err instanceof rl.Interrupted, `expected Interrupted, got ${err}`);
    assert.match(err.message, /^model\.fit stopped at epoch 2, batch 3 of 8; the model keeps its weights; 1 epoch finished/);
    assert.strictEqual(err.history.loss.length, 1);
    assert.strictEqual(tf.memory().numTensors, tensors);

    rl.requestStop(false);
    const rows = [tf.unstack(x), tf.unstack(y)];
    const ds = tf.data.zip({ xs: tf.data.array(rows[0]), ys: tf.data.array(rows[1]) }).batch(32);
    err = undefined;
    await model.fitDataset(ds, { epochs: 50, verbose: 0, callbacks: stopAt(1, 0) }).catch((e) => (err = e));
    tf.dispose(rows);
    assert.ok(err instanceof rl.Interrupted, `expected Interrupted, got ${err}`);
    assert.match(err.message, /^model\.fitDataset stopped at epoch 2, batch 1 of 8; .* 1 epoch finished/);
  });

  it("the weights are those of the stop: the batch in progress is the last one", async () => {
    let atStop;
    let err;
    const cb = {
      onBatchEnd: async (b) => {
        if (b === 3) {
          atStop = await model.getWeights()[0].data();
          rl.requestStop();
        }
      },
    };
    await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0, callbacks: cb }).catch((e) => (err = e));
    assert.ok(err instanceof rl.Interrupted);
    assert.deepStrictEqual(Array.from(await model.getWeights()[0].data()), Array.from(atStop));
  });

  it("asks the kernel to wait longer when batches are slow (three batches), and no longer once the run ends", async () => {
    const request = globalThis[Symbol.for("tslab.interrupt")];
    const seen = [];
    const slow = {
      onBatchEnd: async () => {
        const t = Date.now();
        while (Date.now() - t < 400); // a batch of 400 ms at least
        seen.push(request.graceMs);
      },
    };
    await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0, callbacks: slow });
    assert.ok(Math.max(...seen) >= 3 * 400 + 500, `grace periods seen: ${seen}`);
    assert.strictEqual(request.graceMs, 1000);
  });

  it("trainOnBatch refuses the next step; rl.checkStop ends a loop of one's own; no request, no stop", async () => {
    let i = 0;
    let err;
    try {
      for (; i < 100; i++) {
        if (i === 7) rl.requestStop();
        await model.trainOnBatch(x, y);
      }
    } catch (e) {
      err = e;
    }
    assert.strictEqual(i, 7);
    assert.ok(err instanceof rl.Interrupted);
    assert.match(err.message, /^trainOnBatch stopped before this model's step \d+ \(\d+ done\); the model keeps its weights$/);

    await assert.rejects(rl.checkStop(() => "iteration 7 of 100"), (e) => e instanceof rl.Interrupted && /^stopped at iteration 7 of 100;/.test(e.message));
    rl.requestStop(false);
    await rl.checkStop("iteration 8 of 100"); // no request: nothing happens
    const h = await model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0, callbacks: { onEpochEnd: async () => undefined } });
    assert.strictEqual(h.history.loss.length, 2, "fit with the user's callbacks runs as before");
  });
});

// ---- through the real kernel and Jupyter's Interrupt ----

const STOCK_FIT = {
  code: 'console.log("@@TRAINING@@");\nawait model.fit(x, y, { epochs: 100000, batchSize: 16, verbose: 0 });',
  interrupt_on: "@@TRAINING@@",
  interrupt_after: 1.5,
  cpu: true,
};
function assertStopped(cell, pattern) {
  assert.ok(cell.interrupted, "the Interrupt was sent");
  assert.strictEqual(cell.status, "error", "an interrupted cell ends as failed, so queued cells do not run");
  const lines = cell.stderr.trim().split("\n");
  assert.strictEqual(lines.length, 1, `one line, no stack trace:\n${cell.stderr}`);
  assert.match(lines[0], pattern);
  assert.ok(cell.cpu < 0.3, `the kernel's CPU use after the cell: ${cell.cpu.toFixed(2)} of a core (should be idle)`);
  assert.ok(cell.idle_after_interrupt !== null, "the kernel reported idle");
}

describe("Interrupt through the real kernel (jupyter_client's interrupt_kernel)", function () {
  this.timeout(900000);
  let results;
  let unpatched;
  const times = [];

  before(function () {
    if (!PYTHON) this.skip(); // no Jupyter here; the library cases above still run
    results = runKernel([{ code: SETUP, timeout: 300 }, RL_FIT, CHECK, STOCK_FIT, CHECK, LOOP, CHECK, { code: "6 * 7" }]);
  });
  after(() => {
    if (times.length) console.log(`      (seconds from Interrupt to the cell's end, measured under load: ${times.map((t) => t.toFixed(2)).join(", ")})`);
  });

  it("the set-up cell runs", () => {
    assert.strictEqual(results[0].status, "ok", JSON.stringify(results[0]));
  });

  it("rl.fit: stops at the next batch with one line; the kernel is quiet; weights kept; tensors back", () => {
    const cell = results[1];
    // The Interrupt is sent during the second epoch; on a fast machine the stop may fall in a later one, so the
    // epoch is read from the message and everything else is checked against it.
    assertStopped(cell, /^Interrupted: fit\(mlp\) stopped at epoch \d+, batch \d+ of 128; the model keeps its weights; \d+ epochs? finished/);
    const [, epoch, finished] = cell.stderr.match(/stopped at epoch (\d+), batch \d+ of 128; the model keeps its weights; (\d+) epoch/).map(Number);
    assert.ok(epoch >= 2, `the Interrupt came after the first epoch, yet it stopped at epoch ${epoch}`);
    assert.strictEqual(finished, epoch - 1, "the epochs finished are the ones before the stop");
    times.push(cell.reply_after_interrupt);
    const shown = new RegExp(`mlp: stopped at epoch ${epoch}, batch \\d+ of 128 \\(Interrupt\\); ${finished} epoch\\(s\\) finished`);
    assert.ok(cell.displays.some((d) => shown.test(d)), "the progress display says where it stopped");
    const c = checked(results[2]);
    assert.deepStrictEqual(c, { same: true, moved: true, tensors: c.before, before: c.before, epochs: finished, pending: false });
  });

  it("stock model.fit (no callbacks): stops too, same guarantees", () => {
    const cell = results[3];
    assertStopped(cell, /^Interrupted: model\.fit stopped at epoch \d+, batch \d+ of 128; the model keeps its weights/);
    times.push(cell.reply_after_interrupt);
    const c = checked(results[4]);
    assert.strictEqual(c.same, true, "the weights do not change after the stop");
    assert.strictEqual(c.tensors, c.before, "no tensors left behind");
  });

  it("a trainOnBatch loop (the long-sentence lab's kind): stops too", () => {
    const cell = results[5];
    assertStopped(cell, /^Interrupted: trainOnBatch stopped before this model's step \d+/);
    times.push(cell.reply_after_interrupt);
    const c = checked(results[6]);
    assert.strictEqual(c.same, true);
    assert.strictEqual(c.tensors, c.before);
  });

  it("the next cell runs", () => {
    assert.strictEqual(results[7].status, "ok");
    assert.match(results[7].stdout, /^42\n?$/);
  });

  it("tslab as published: the cell ends with 'Interrupted asynchronously' and a stack while training goes on", () => {
    // A kernelspec that runs the same tslab with executor.js as published, the patch undone in memory (its fixes to
    // tslab's other files stay).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-kernel-"));
    try {
      const preload = path.join(dir, "unpatched-executor.js");
      fs.writeFileSync(
        preload,
        `const path = require("path"), Module = require("module");
const file = require.resolve("tslab/dist/executor.js", { paths: [${JSON.stringify(ROOT)}] });
const { publishedText } = require(${JSON.stringify(path.join(ROOT, "test", "tslab-published.js"))});
const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(publishedText("dist/executor.js"), file);
m.loaded = true;
require.cache[file] = m;
`,
      );
      const spec = kernelSpec();
      spec.argv.splice(1, 0, "-r", preload);
      fs.mkdirSync(path.join(dir, "kernels", "tslab-published"), { recursive: true });
      fs.writeFileSync(path.join(dir, "kernels", "tslab-published", "kernel.json"), JSON.stringify(spec));
      unpatched = runKernel([{ code: SETUP, timeout: 300 }, RL_FIT, CHECK], { kernel: "tslab-published", jupyterPath: dir });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.strictEqual(unpatched[0].status, "ok", JSON.stringify(unpatched[0]));
    assert.match(unpatched[1].stderr, /Error: Interrupted asynchronously\n\s+at /);
    const c = checked(unpatched[2]);
    assert.ok(c.same === false || unpatched[1].cpu > 0.5, `training should still be running: ${JSON.stringify(c)}, cpu ${unpatched[1].cpu}`);
  });
});
