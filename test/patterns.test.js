// Pattern tasks and character helpers (lib/src/patterns.ts): the values each generator promises, and the shapes
// the lesson's models rely on.
const assert = require("assert");
const rl = require("rnnlab");
const { tf } = rl;

describe("patterns (lib/src/patterns.ts)", function () {
  this.timeout(30000);
  before(async () => {
    await rl.initRuntime({ force: "wasm", verbose: false });
  });

  it("hihello: vocabulary in order of first appearance, one-hot rows, next-character targets", () => {
    const vocab = rl.charVocabulary("hihello");
    assert.deepStrictEqual(vocab, ["h", "i", "e", "l", "o"]);
    assert.deepStrictEqual(rl.encodeChars("hello", vocab), [0, 2, 3, 3, 4]);
    assert.strictEqual(rl.decodeChars([1, 0, 2, 3, 3, 4], vocab), "ihello");
    assert.deepStrictEqual(rl.oneHotChars("ih", vocab), [[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]);
    const ex = rl.nextCharExample("hihello");
    assert.strictEqual(ex.input, "hihell");
    assert.strictEqual(ex.target, "ihello");
    assert.deepStrictEqual(ex.x.shape, [1, 6, 5]);
    assert.deepStrictEqual(ex.y.shape, [1, 6, 1]);
    assert.deepStrictEqual(Array.from(ex.y.dataSync()), [1, 0, 2, 3, 3, 4]);
    assert.deepStrictEqual(Array.from(ex.x.argMax(-1).dataSync()), [0, 1, 0, 2, 3, 3]);
    tf.dispose([ex.x, ex.y]);
  });

  it("character helpers name the character or index that does not fit", () => {
    assert.throws(() => rl.encodeChars("hex", ["h", "e"]), /'x' at position 2/);
    assert.throws(() => rl.decodeChars([0, 5], ["h", "e"]), /index 5 at position 1/);
  });

  it("task generators: shapes and the labels they promise", () => {
    const sq = rl.squareTask({ n: 50 });
    const [x, y] = [sq.x.dataSync(), sq.y.dataSync()];
    x.forEach((v, i) => assert.ok(Math.abs(y[i] - v * v) < 1e-6 && v >= -1 && v <= 1));

    const sum = rl.sumSignTask({ n: 40, steps: 7 });
    assert.deepStrictEqual(sum.x.shape, [40, 7, 1]);
    const seqs = sum.x.arraySync();
    const labels = Array.from(sum.y.dataSync());
    seqs.forEach((s, i) => assert.strictEqual(labels[i], s.reduce((a, [v]) => a + v, 0) > 0 ? 1 : 0));
    assert.ok(labels.includes(0) && labels.includes(1));

    const par = rl.runningParityTask({ n: 30, steps: 9 });
    par.x.arraySync().forEach((s, i) => {
      let p = 0;
      s.forEach(([b], t) => {
        p ^= b;
        assert.strictEqual(par.y.arraySync()[i][t][0], p);
      });
    });

    const mx = rl.runningMaxTask({ n: 10, steps: 6, levels: 5 });
    const digits = mx.x.arraySync().map((s) => s.map(([v]) => Math.round(v * 4)));
    digits.forEach((s, i) => s.forEach((_, t) => assert.strictEqual(mx.y.arraySync()[i][t][0], Math.max(...s.slice(0, t + 1)))));

    const wave = rl.waveTask({ n: 5, steps: 4 });
    assert.deepStrictEqual(wave.y.shape, [5, 4, 1]);
    const w = wave.x.dataSync()[2];
    assert.ok(Math.abs(wave.y.arraySync()[2][3][0] - Math.sin(4 * w)) < 1e-6);

    tf.dispose([sq.x, sq.y, sum.x, sum.y, par.x, par.y, mx.x, mx.y, wave.x, wave.y]);
  });

  it("reverseTask: reversed one-hot symbols followed by the end symbol, same seed same data", () => {
    const a = rl.reverseTask({ n: 20, steps: 5, symbols: 4, seed: 9 });
    const b = rl.reverseTask({ n: 20, steps: 5, symbols: 4, seed: 9 });
    assert.deepStrictEqual(a.tokens, b.tokens);
    assert.deepStrictEqual(a.x.shape, [20, 5, 4]);
    assert.deepStrictEqual(a.y.shape, [20, 6, 1]);
    const xs = a.x.argMax(-1).arraySync();
    const ys = a.y.arraySync().map((s) => s.map(([k]) => k));
    xs.forEach((s, i) => {
      assert.deepStrictEqual(s, a.tokens[i]);
      assert.deepStrictEqual(ys[i], [...s].reverse().concat([4]));
    });
    tf.dispose([a.x, a.y, b.x, b.y]);
  });

  it("generators reject sizes that make no sense", () => {
    assert.throws(() => rl.sumSignTask({ n: 0, steps: 3 }), /n must be a positive integer/);
    assert.throws(() => rl.runningParityTask({ n: 3, steps: 2.5 }), /steps must be a positive integer/);
    assert.throws(() => rl.waveTask({ n: 3, steps: 2, minFreq: 1, maxFreq: 0.5 }), /minFreq/);
  });

  it("sequenceAccuracy counts tokens and whole sequences", () => {
    const r = rl.sequenceAccuracy([[1, 2, 3], [1, 1, 1]], [[1, 2, 3], [1, 0, 1]]);
    assert.strictEqual(r.token, 5 / 6);
    assert.strictEqual(r.sequence, 0.5);
    assert.throws(() => rl.sequenceAccuracy([[1, 2]], [[1]]), /sequence 0 has 2 true tokens but 1 predicted/);
  });

  it("layerTable and ioShapes of a stacked encoder-decoder", () => {
    const m = tf.sequential({
      layers: [
        rl.recurrentLayer("lstm", { units: 8, returnSequences: true, inputShape: [5, 4] }),
        rl.recurrentLayer("lstm", { units: 6 }),
        tf.layers.repeatVector({ n: 3 }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
      ],
    });
    const rows = rl.layerTable(m);
    assert.deepStrictEqual(rows.map((r) => r["output shape"]), ["[batch, 5, 8]", "[batch, 6]", "[batch, 3, 6]", "[batch, 3, 2]"]);
    assert.deepStrictEqual(rows.map((r) => r.params), [4 * 8 * (4 + 8 + 1), 4 * 6 * (8 + 6 + 1), 0, 6 * 2 + 2]);
    const x = tf.zeros([7, 5, 4]);
    const y = tf.zeros([7, 3, 1]);
    assert.strictEqual(rl.ioShapes(m, x, y), "x [7, 5, 4] -> y [7, 3, 1];  model [batch, 5, 4] -> [batch, 3, 2]");
    tf.dispose([x, y]);
    m.dispose();
  });
});
