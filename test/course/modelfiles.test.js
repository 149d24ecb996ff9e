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

  it("writes tfjs-node's layout: model.json (format, topology, a manifest naming its weights file) and that file, of the right size", async () => {
    const m = rl.buildRnnRegressor({ units: 4, inputShape: [7, 5] });
    const dir = path.join(tmp, "layout");
    await m.save(`file://${dir}`);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    assert.strictEqual(json.format, "layers-model");
    assert.strictEqual(json.modelTopology.config.layers[0].class_name, "RnnlabLSTM");
    const [weights] = json.weightsManifest[0].paths;
    assert.match(weights, /^\.\/weights-[0-9a-z]+-\d+-\d+\.bin$/);
    assert.deepStrictEqual(json.weightsManifest[0].paths, [weights]);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["model.json", weights.slice(2)]);
    assert.strictEqual(fs.statSync(path.join(dir, weights)).size, 4 * m.countParams());
    assert.strictEqual(tf.io.getSaveHandlers(`file://${dir}`).length, 1, "exactly one file:// handler on this backend");
    m.optimizer.dispose();
    m.dispose();
  });

  it("saves again into a folder: the previous save's weights stay until the next one, leftovers of killed saves go, earlier versions' folders load", async () => {
    const m = rl.buildRnnRegressor({ units: 3, inputShape: [4, 2] });
    const dir = path.join(tmp, "generations");
    const named = () => JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")).weightsManifest[0].paths[0].slice(2);
    await rl.saveModel(m, `file://${dir}`);
    const first = named();
    // What a save killed mid-way leaves: a temporary file and weights no model.json names, of a process that is gone.
    const dead = 2 ** 22 + 12345; // above Linux's largest process id
    fs.writeFileSync(path.join(dir, `.model.json.${dead}-abc.tmp`), "{ half");
    fs.writeFileSync(path.join(dir, `weights-zz-${dead}-1.bin`), "half");
    // A live process's save under way: its weights are not yet named by model.json, and must stay.
    const live = `weights-zz-${process.ppid}-7.bin`;
    fs.writeFileSync(path.join(dir, live), "being written");
    await rl.saveModel(m, `file://${dir}`);
    const second = named();
    assert.notStrictEqual(second, first);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), [first, second, live, "model.json"].sort());
    await rl.saveModel(m, `file://${dir}`);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), [second, named(), live, "model.json"].sort());
    fs.rmSync(path.join(dir, live));

    // The layout of earlier versions (model.json naming ./weights.bin, written in place) loads, and the next saves
    // keep weights.bin as the previous one, then remove it.
    const old = path.join(tmp, "earlier-layout");
    fs.mkdirSync(old);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    json.weightsManifest[0].paths = ["./weights.bin"];
    fs.writeFileSync(path.join(old, "model.json"), JSON.stringify(json));
    fs.copyFileSync(path.join(dir, named()), path.join(old, "weights.bin"));
    const loaded = await rl.loadModel(`file://${old}`);
    const probe = tf.ones([1, 4, 2]);
    const [a, b] = [m, loaded].map((model) => tf.tidy(() => model.predict(probe)));
    assert.deepStrictEqual(Array.from(await b.data()), Array.from(await a.data()));
    await rl.saveModel(loaded, `file://${old}`);
    const newName = JSON.parse(fs.readFileSync(path.join(old, "model.json"), "utf8")).weightsManifest[0].paths[0].slice(2);
    assert.deepStrictEqual(fs.readdirSync(old).sort(), ["model.json", newName, "weights.bin"].sort());
    await rl.saveModel(loaded, `file://${old}`);
    assert.ok(!fs.readdirSync(old).includes("weights.bin"), "weights.bin of the earlier layout is removed after two saves");
    tf.dispose([probe, a, b]);
    for (const model of [m, loaded]) model.dispose();
  });

  it("a load that saves overtake (the weights it read of removed before it reads them) reads model.json again", async () => {
    rl.seedEverything(5);
    const [m1, m2] = [0, 1].map(() => rl.buildRnnRegressor({ units: 3, inputShape: [4, 2] }));
    const dir = path.join(tmp, "overtaken");
    const other = path.join(tmp, "overtaken-next");
    await rl.saveModel(m1, `file://${dir}`);
    await rl.saveModel(m2, `file://${other}`);
    const named = (d) => JSON.parse(fs.readFileSync(path.join(d, "model.json"), "utf8")).weightsManifest[0].paths[0].slice(2);
    // When the load first reads the weights, saves have run meanwhile: m2's pair is in place, m1's weights are gone.
    const [first, next] = [named(dir), named(other)];
    const read = fs.readFileSync;
    let overtaken = 0;
    fs.readFileSync = function (file, ...rest) {
      if (!overtaken && String(file) === path.join(dir, first)) {
        overtaken++;
        fs.copyFileSync(path.join(other, next), path.join(dir, next));
        fs.copyFileSync(path.join(other, "model.json"), path.join(dir, ".next.json"));
        fs.renameSync(path.join(dir, ".next.json"), path.join(dir, "model.json"));
        fs.rmSync(String(file));
      }
      return read.call(this, file, ...rest);
    };
    let loaded;
    try {
      loaded = await rl.loadModel(`file://${dir}`);
    } finally {
      fs.readFileSync = read;
    }
    assert.strictEqual(overtaken, 1, "the load read the weights through fs.readFileSync");
    const probe = tf.ones([1, 4, 2]);
    const [a, b] = [m2, loaded].map((model) => tf.tidy(() => model.predict(probe)));
    assert.deepStrictEqual(Array.from(await b.data()), Array.from(await a.data()), "the load got the new pair");
    // A model.json naming a missing file that stays missing: an error naming the file, no endless retry.
    const stale = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    stale.weightsManifest[0].paths = ["./weights-gone-1-1.bin"];
    fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(stale));
    await assert.rejects(rl.loadModel(`file://${dir}`), /its weights file '.*weights-gone-1-1\.bin' does not exist/);
    tf.dispose([probe, a, b]);
    for (const model of [m1, m2, loaded]) model.dispose();
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
    assert.strictEqual(rl.savedModelUrl("06_lecture_lstm"), `file://${path.resolve(__dirname, "..", "..", "build", "models", "06_lecture_lstm")}`);
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
    const name = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")).weightsManifest[0].paths[0];
    const weights = path.join(dir, name);
    fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 20));
    await assert.rejects(tf.loadLayersModel(`file://${dir}/model.json`), (e) => e.message.endsWith(`: weights file(s) ${name} hold 20 bytes; the manifest's 5 weights need 304 (truncated, or from another model?)`));
    fs.unlinkSync(weights);
    await assert.rejects(tf.loadLayersModel(`file://${dir}`), (e) => e.message === `${path.join(dir, "model.json")}: its weights file '${weights}' does not exist`);

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

  describe("a damaged model.json or weights.bin: an error naming the file and the weight, never a silently wrong model", () => {
    let dir;
    let json;
    let m;
    before(async () => {
      m = rl.buildRnnRegressor({ units: 3, inputShape: [4, 2] }); // 5 weights, 76 float32s, 304 bytes
      dir = path.join(tmp, "damaged");
      await m.save(`file://${dir}`);
      json = fs.readFileSync(path.join(dir, "model.json"), "utf8");
    });
    after(() => m.dispose());
    /**
     * A copy of the saved model in its own folder, in the layout of earlier versions (model.json naming
     * ./weights.bin), model.json changed by `edit`, weights.bin by `bin`.
     */
    const variant = (name, edit = (j) => j, bin = (b) => b) => {
      const d = path.join(tmp, `damaged-${name}`);
      fs.mkdirSync(d, { recursive: true });
      const j = JSON.parse(json);
      const saved = j.weightsManifest[0].paths[0];
      j.weightsManifest[0].paths = ["./weights.bin"];
      fs.writeFileSync(path.join(d, "model.json"), JSON.stringify(edit(j)));
      fs.writeFileSync(path.join(d, "weights.bin"), bin(fs.readFileSync(path.join(dir, saved))));
      return d;
    };
    const firstWeight = (j) => j.weightsManifest[0].weights[0];

    it("a weights.bin longer than the manifest says, a missing manifest (tfjs would load random weights)", async () => {
      const long = variant("long", undefined, (b) => Buffer.concat([b, Buffer.alloc(8)]));
      await assert.rejects(tf.loadLayersModel(`file://${long}`), /weights file\(s\) \.\/weights\.bin hold 312 bytes; the manifest's 5 weights need 304/);
      const none = variant("no-manifest", (j) => ({ ...j, weightsManifest: undefined }));
      await assert.rejects(tf.loadLayersModel(`file://${none}`), (e) => e.message === `${path.join(none, "model.json")}: no valid 'weightsManifest' (expected [{ "paths": ["./weights.bin"], "weights": [...] }]), so the weights cannot be found`);
    });

    it("a wrong dtype or an impossible shape in the manifest", async () => {
      const f64 = variant("float64", (j) => (firstWeight(j).dtype = "float64", j));
      await assert.rejects(rl.loadModel(`file://${f64}`), (e) => e.message === `${path.join(f64, "model.json")}: weight '${firstWeight(JSON.parse(json)).name}' has dtype "float64", expected one of float32, int32, bool, complex64`);
      const neg = variant("negative", (j) => (firstWeight(j).shape = [-2, 12], j));
      await assert.rejects(tf.loadLayersModel(`file://${neg}`), /weight '.*' has shape \[-2,12\], expected a list of whole sizes >= 0/);
      // Same byte count, shape the topology disagrees with: tfjs's own error, with the model named by loadModel.
      const swapped = variant("swapped", (j) => (firstWeight(j).shape = [...firstWeight(j).shape].reverse(), j));
      await assert.rejects(rl.loadModel(`file://${swapped}`), (e) => e.message.startsWith(`file://${swapped}: cannot load the model (`) && /[Ss]hape/.test(e.message));
    });

    it("NaN or Infinity in the weights (a diverged model): refused, naming the weight", async () => {
      const nan = variant("nan", undefined, (b) => {
        const c = Buffer.from(b);
        c.writeFloatLE(NaN, 4 * 5);
        c.writeFloatLE(Infinity, 4 * 7);
        return c;
      });
      await assert.rejects(tf.loadLayersModel(`file://${nan}`), (e) => e.message === `${path.join(nan, "model.json")}: weight '${firstWeight(JSON.parse(json)).name}' in ./weights.bin holds 2 NaN or Infinity values of ${firstWeight(JSON.parse(json)).shape.reduce((a, b) => a * b)} (first at index 5, NaN); the model was saved after its training diverged, or the file is corrupt`);
    });

    it("loadModel's model owns its optimizer: dispose() leaves 0 tensors", async () => {
      const trained = rl.buildRnnClassifier({ cell: "gru", units: 3, inputShape: [5, 3], numClasses: 3 });
      await trained.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0 });
      const d = path.join(tmp, "owned");
      await rl.saveModel(trained, `file://${d}`);
      trained.dispose();
      const before = tf.memory().numTensors;
      const loaded = await rl.loadModel(`file://${d}`);
      await loaded.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0 });
      loaded.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
    });
  });
});
