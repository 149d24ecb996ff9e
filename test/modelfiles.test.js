// Model files: model.save('file://...') and tf.loadLayersModel('file://...') on the wasm/cpu backends (plain tfjs in
// Node.js has no file handler; tfjs-node's would be used where it is the backend). Round trips of rnnlab's fast
// layers with the optimizer, the tfjs-node file layout, and clear errors for what cannot be loaded.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");

const tf = rl.tf;

describe("model files (file:// save and load without tfjs-node)", function () {
  this.timeout(60000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-models-"));
  let x;
  let y;
  before(async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
    rl.seedEverything(3);
    x = tf.randomNormal([12, 5, 3]);
    y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], "float32");
  });
  after(() => tf.dispose([x, y]));

  for (const cell of ["simpleRnn", "lstm", "gru"]) {
    it(`${cell}: the loaded model predicts exactly what the saved one did, and resumes training with its optimizer`, async () => {
      rl.seedEverything(4);
      const m = rl.buildRnnClassifier({ cell, units: 6, layers: 2, inputShape: [5, 3], numClasses: 3, learningRate: 0.01 });
      await m.fit(x, y, { epochs: 2, batchSize: 12, verbose: 0 });
      const dir = path.join(tmp, cell);
      await m.save(`file://${dir}`, { includeOptimizer: true });
      const loaded = await tf.loadLayersModel(`file://${dir}`); // the directory, or its model.json
      assert.deepStrictEqual(loaded.layers.map((l) => l.getClassName()), m.layers.map((l) => l.getClassName()));
      const [a, b] = [m, loaded].map((model) => tf.tidy(() => model.predict(x)));
      assert.deepStrictEqual(Array.from(await b.data()), Array.from(await a.data()));
      // Adam's moment estimates came back too: one more identical step keeps the two models identical.
      assert.strictEqual(loaded.optimizer.getClassName(), "Adam");
      assert.strictEqual((await loaded.optimizer.getWeights()).length, (await m.optimizer.getWeights()).length);
      await m.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0, shuffle: false });
      const [a2, b2] = [m, loaded].map((model) => tf.tidy(() => model.predict(x)));
      const da = await a2.data();
      const db = await b2.data();
      const diff = Math.max(...Array.from(da, (v, i) => Math.abs(v - db[i])));
      assert.ok(diff < 1e-6, `after one more step the models differ by ${diff}`);
      tf.dispose([a, b, a2, b2]);
      for (const model of [m, loaded]) {
        model.optimizer.dispose();
        model.dispose();
      }
    });
  }

  it("writes tfjs-node's layout: model.json (format, topology, manifest naming ./weights.bin) and weights.bin of the right size", async () => {
    const m = rl.buildRnnRegressor({ units: 4, inputShape: [7, 5] });
    const dir = path.join(tmp, "layout");
    await m.save(`file://${dir}`);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["model.json", "weights.bin"]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    assert.strictEqual(json.format, "layers-model");
    assert.strictEqual(json.modelTopology.config.layers[0].class_name, "RnnlabLSTM");
    assert.deepStrictEqual(json.weightsManifest[0].paths, ["./weights.bin"]);
    assert.strictEqual(fs.statSync(path.join(dir, "weights.bin")).size, 4 * m.countParams());
    assert.strictEqual(tf.io.getSaveHandlers(`file://${dir}`).length, 1, "exactly one file:// handler on this backend");
    m.optimizer.dispose();
    m.dispose();
  });

  it("saveModel / loadModel by name: same predictions, and no tensor left behind by the save (tfjs's model.save leaves one)", async () => {
    process.env.RNNLAB_MODELS = tmp;
    try {
      const m = rl.buildRnnClassifier({ cell: "lstm", units: 4, inputShape: [5, 3], numClasses: 3 });
      await m.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0 });
      const before = tf.memory().numTensors;
      const url = await rl.saveModel(m, "by-name");
      assert.strictEqual(tf.memory().numTensors, before, "saveModel leaves no tensor");
      assert.strictEqual(url, `file://${path.join(tmp, "by-name")}`);
      assert.ok(fs.existsSync(path.join(tmp, "by-name", "model.json")));
      const loaded = await rl.loadModel("by-name");
      const [a, b] = [m, loaded].map((model) => tf.tidy(() => model.predict(x)));
      assert.deepStrictEqual(Array.from(await b.data()), Array.from(await a.data()));
      tf.dispose([a, b]);
      for (const model of [m, loaded]) {
        model.optimizer.dispose();
        model.dispose();
      }
    } finally {
      delete process.env.RNNLAB_MODELS;
    }
  });

  it("savedModelUrl puts models in build/models of the project (RNNLAB_MODELS overrides) and refuses odd names", () => {
    assert.strictEqual(rl.savedModelUrl("06_lecture_lstm"), `file://${path.resolve(__dirname, "..", "build", "models", "06_lecture_lstm")}`);
    process.env.RNNLAB_MODELS = tmp;
    try {
      assert.strictEqual(rl.savedModelUrl("a.b-c"), `file://${path.join(tmp, "a.b-c")}`);
    } finally {
      delete process.env.RNNLAB_MODELS;
    }
    assert.throws(() => rl.savedModelUrl("../up"), /'\.\.\/up' is not a plain folder name/);
  });

  it("fails clearly: no model there, a truncated weights file, broken JSON, a file where a folder should be", async () => {
    const missing = path.join(tmp, "nothing-here");
    await assert.rejects(tf.loadLayersModel(`file://${missing}`), new RegExp(`'${missing}' does not exist; expected the model.json written by model.save`));

    const m = rl.buildRnnRegressor({ units: 3, inputShape: [4, 2] }); // 4 * (2 + 3 + 1) * 3 + 3 + 1 = 76 float32s = 304 bytes
    assert.strictEqual(m.countParams(), 76);
    const dir = path.join(tmp, "truncated");
    await m.save(`file://${dir}`);
    const weights = path.join(dir, "weights.bin");
    fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 20));
    await assert.rejects(tf.loadLayersModel(`file://${dir}/model.json`), /weights file\(s\) \.\/weights\.bin hold 20 bytes; the manifest's 5 weights need 304 \(truncated, or from another model\?\)/);
    fs.unlinkSync(weights);
    await assert.rejects(tf.loadLayersModel(`file://${dir}`), /its weights file '.*weights\.bin' does not exist/);

    const broken = path.join(tmp, "broken");
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, "model.json"), "{ not json");
    await assert.rejects(tf.loadLayersModel(`file://${broken}`), /model\.json: not valid JSON/);

    const aFile = path.join(tmp, "a-file");
    fs.writeFileSync(aFile, "x");
    await assert.rejects(m.save(`file://${aFile}`), /is a file; model\.save needs a directory/);
    m.optimizer.dispose();
    m.dispose();
  });
});
