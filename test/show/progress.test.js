"use strict";
// Live progress inside a notebook, with tslab's display writer stood in for by a recorder.
const assert = require("assert");
const rl = require("rnnlab");
const tf = rl.tf;
const jupyter = require("tslab/dist/jupyter");

describe("progress in a notebook", () => {
  let sent;
  before(async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
  });
  beforeEach(() => {
    sent = [];
    jupyter.lastWriteDisplayData = (data, update) => sent.push({ data, update });
  });
  afterEach(() => {
    jupyter.lastWriteDisplayData = null;
  });

  it("updates one output in place: one display, then updates with the same display id", async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    const x = tf.ones([8, 2]);
    const y = tf.ones([8, 1]);
    await rl.fit(m, x, y, { epochs: 3, batchSize: 4, name: "tiny" });
    assert.ok(sent.length >= 2, `${sent.length} outputs`);
    assert.strictEqual(sent[0].update, false);
    assert.ok(sent.slice(1).every((s) => s.update === true));
    const ids = new Set(sent.map((s) => s.data.transient.display_id));
    assert.strictEqual(ids.size, 1);
    const last = sent[sent.length - 1].data.data;
    assert.match(last["text/plain"], /^tiny: done, 3 epoch\(s\)/);
    assert.match(last["text/html"], /<table>.*<th>epoch<\/th>.*<th>loss<\/th>/);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("hundreds of tiny epochs a second do not flood the notebook", async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    const x = tf.ones([4, 2]);
    const y = tf.ones([4, 1]);
    const t0 = Date.now();
    await rl.fit(m, x, y, { epochs: 300, batchSize: 4, name: "many" });
    const seconds = (Date.now() - t0) / 1000;
    // At most about two updates a second, plus the first display, the last epoch and the closing line.
    assert.ok(sent.length <= 2 * seconds + 4, `${sent.length} updates in ${seconds.toFixed(1)} s`);
    const last = sent[sent.length - 1].data.data["text/plain"];
    assert.match(last, /many: done, 300 epoch\(s\)/);
    assert.match(last, /288 earlier epochs not shown/);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("names a checkpoint by its path in the project, not as an absolute file:// URL, and lets a long status wrap", async () => {
    const fs = require("fs");
    const path = require("path");
    const rel = `build/test-progress-${process.pid}`;
    const dir = path.join(path.resolve(__dirname, "..", ".."), rel);
    process.env.RNNLAB_MODELS = dir;
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    const x = tf.ones([4, 2]);
    const y = tf.ones([4, 1]);
    try {
      await rl.fit(m, x, y, { epochs: 2, batchSize: 4, name: "saved", checkpoint: "ck" });
      const last = sent[sent.length - 1].data.data;
      assert.match(last["text/plain"], new RegExp(`^saved: done, 2 epoch\\(s\\) in [0-9.]+ s; [0-9]+ samples/s; checkpoint: ${rel}/ck\n`));
      assert.ok(!/file:|\/work\/|\/home\//.test(last["text/plain"].split("\n")[0]), last["text/plain"]);
      assert.match(last["text/html"], /^<div style="font-family:monospace;white-space:pre-wrap[^"]*">saved: done/);
    } finally {
      delete process.env.RNNLAB_MODELS;
      fs.rmSync(dir, { recursive: true, force: true });
      tf.dispose([x, y]);
      m.optimizer?.dispose();
      m.dispose();
    }
  });

  it("figures go to the notebook as PNG with a text alternative", async () => {
    await rl.plotLines({ name: "a", y: [1, 2] }, { title: "inline" });
    assert.strictEqual(sent.length, 1);
    const bundle = sent[0].data.data;
    assert.ok(Buffer.from(bundle["image/png"], "base64").subarray(1, 4).toString() === "PNG");
    assert.strictEqual(bundle["text/plain"], "[figure: inline]");
  });
});
