// Pattern tasks and character helpers (lib/src/data/patterns.ts): the values each generator promises, and the shapes
// the lesson's models rely on.
const assert = require("assert");
const rl = require("rnnlab");
const { tf } = rl;

describe("patterns (lib/src/data/patterns.ts)", function () {
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

  // reads a tensor made by f, then frees it (and the intermediates f made)
  const readArray = async (f) => {
    const t = tf.tidy(f);
    const values = await t.array();
    t.dispose();
    return values;
  };
  const LONG_SENTENCE =
    "if you want to build a ship, don't drum up people together to collect wood and don't assign them tasks and work, " +
    "but rather teach them to long for the endless immensity of the sea.";

  it("nextCharWindows: the long-sentence lab's 170 windows of 10 characters, x one-hot, y one character further on", async () => {
    const w = rl.nextCharWindows(LONG_SENTENCE, 10);
    assert.strictEqual(w.vocab.join(""), "if youwantbldshp,'rmegck.");
    assert.deepStrictEqual(w.x.shape, [170, 10, 25]);
    assert.deepStrictEqual(w.y.shape, [170, 10, 1]);
    assert.strictEqual(w.inputs.length, 170);
    assert.deepStrictEqual([w.inputs[0], w.targets[0]], ["if you wan", "f you want"]);
    assert.deepStrictEqual([w.inputs[169], w.targets[169]], ["of the sea", "f the sea."]);
    const xIdx = await readArray(() => w.x.argMax(-1));
    const yIdx = (await w.y.array()).map((win) => win.map(([k]) => k));
    assert.strictEqual(rl.decodeChars(xIdx[0], w.vocab), "if you wan");
    assert.strictEqual(rl.decodeChars(yIdx[169], w.vocab), "f the sea.");
    assert.deepStrictEqual(yIdx[0], rl.encodeChars("f you want", w.vocab));
    // exactly one 1 per step
    const rowSums = (await readArray(() => w.x.sum(-1))).flat();
    assert.strictEqual(rowSums.length, 1700);
    assert.ok(rowSums.every((v) => v === 1));
    tf.dispose([w.x, w.y]);
  });

  it("nextCharWindows on a short text: every window and its target, in a given vocabulary", async () => {
    const w = rl.nextCharWindows("hello!", 3, ["!", "e", "h", "l", "o"]);
    assert.deepStrictEqual(w.inputs, ["hel", "ell", "llo"]);
    assert.deepStrictEqual(w.targets, ["ell", "llo", "lo!"]);
    assert.deepStrictEqual(await w.y.array(), [[[1], [3], [3]], [[3], [3], [4]], [[3], [4], [0]]]);
    assert.deepStrictEqual(await readArray(() => w.x.argMax(-1)), [[2, 1, 3], [1, 3, 3], [3, 3, 4]]);
    tf.dispose([w.x, w.y]);
  });

  it("nextCharWindows says what it expected when the window does not fit", () => {
    assert.throws(() => rl.nextCharWindows("hello!", 6), /seqLength 6 must be below the text's length 6/);
    assert.throws(() => rl.nextCharWindows("hi", 5), /seqLength 5 must be below the text's length 2/);
    assert.throws(() => rl.nextCharWindows("hello", 0), /seqLength must be a positive integer, got 0/);
    assert.throws(() => rl.nextCharWindows("hello", 2.5), /seqLength must be a positive integer, got 2.5/);
    assert.throws(() => rl.nextCharWindows("hex", 2, ["h", "e"]), /'x' at position 1/);
  });

  it("joinWindowPredictions: the first window whole, then the last character of each next one", async () => {
    const vocab = ["a", "b", "c", "d"];
    assert.strictEqual(rl.joinWindowPredictions([[0, 1, 2], [3, 3, 1], [2, 2, 0]], vocab), "abcba");
    assert.strictEqual(rl.joinWindowPredictions([[3, 2]], vocab), "dc");
    // perfect predictions of the lab's windows give back the sentence without its first character
    const w = rl.nextCharWindows(LONG_SENTENCE, 10);
    const yIdx = (await w.y.array()).map((win) => win.map(([k]) => k));
    assert.strictEqual(rl.joinWindowPredictions(yIdx, w.vocab), LONG_SENTENCE.slice(1));
    tf.dispose([w.x, w.y]);
    assert.throws(() => rl.joinWindowPredictions([], vocab), /no windows/);
    assert.throws(() => rl.joinWindowPredictions([[0, 1], [1]], vocab), /window 1 has 1 steps, expected 2/);
    assert.throws(() => rl.joinWindowPredictions([[0, 7]], vocab), /index 7 at position 1/);
  });

  it("nextCharLossFloor: the entropy left when the same characters so far are followed by different ones", () => {
    // "aabab", windows of 1: after "a" comes a, b, b; after "b" comes a -> (ln 3 + 2 ln 1.5 + 0) / 4
    const w = rl.nextCharWindows("aabab", 1);
    tf.dispose([w.x, w.y]);
    assert.ok(Math.abs(rl.nextCharLossFloor(w) - (Math.log(3) + 2 * Math.log(1.5)) / 4) < 1e-12);
    // every context has one continuation: nothing is left
    assert.strictEqual(rl.nextCharLossFloor({ inputs: ["ab", "bc"], targets: ["bc", "cd"] }), 0);
    // the lab's sentence: 0.2285 nats, from early steps that have seen too few characters to tell
    const lab = rl.nextCharWindows(LONG_SENTENCE, 10);
    tf.dispose([lab.x, lab.y]);
    assert.strictEqual(rl.nextCharLossFloor(lab).toFixed(4), "0.2285");
    assert.throws(() => rl.nextCharLossFloor({ inputs: ["ab"], targets: [] }), /1 input windows but 0 targets/);
    assert.throws(() => rl.nextCharLossFloor({ inputs: ["ab"], targets: ["b"] }), /window 0 has 2 input characters but 1 targets/);
  });

  it("charMatches counts equal characters and lists where they differ", () => {
    assert.deepStrictEqual(rl.charMatches("t you", "f you"), { right: 4, total: 5, wrongAt: [0] });
    assert.deepStrictEqual(rl.charMatches("abc", "abc"), { right: 3, total: 3, wrongAt: [] });
    assert.deepStrictEqual(rl.charMatches("xbz", "abc"), { right: 1, total: 3, wrongAt: [0, 2] });
    assert.throws(() => rl.charMatches("ab", "abc"), /2 predicted characters but 3 expected/);
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
    // Keras's summary names: per type within the model, rnnlab's fast layers under their Keras class.
    assert.deepStrictEqual(rows.map((r) => r.layer), ["lstm_1", "lstm_2", "repeat_vector_1", "time_distributed_1"]);
    assert.deepStrictEqual(rows.map((r) => r.type), ["LSTM", "LSTM", "RepeatVector", "TimeDistributed"]);
    assert.deepStrictEqual(rows.map((r) => r["output shape"]), ["[batch, 5, 8]", "[batch, 6]", "[batch, 3, 6]", "[batch, 3, 2]"]);
    assert.deepStrictEqual(rows.map((r) => r.params), [4 * 8 * (4 + 8 + 1), 4 * 6 * (8 + 6 + 1), 0, 6 * 2 + 2]);
    const x = tf.zeros([7, 5, 4]);
    const y = tf.zeros([7, 3, 1]);
    assert.strictEqual(rl.ioShapes(m, x, y), "x [7, 5, 4] -> y [7, 3, 1];  model [batch, 5, 4] -> [batch, 3, 2]");
    tf.dispose([x, y]);
    m.dispose();
  });

  it("layerTable keeps a name the user gave, and names stock SimpleRNN, GRU, BatchNormalization as Keras does", () => {
    const m = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: 3, returnSequences: true, inputShape: [4, 2], name: "encoder" }),
        rl.recurrentLayer("gru", { units: 3, returnSequences: true }),
        tf.layers.batchNormalization(),
        rl.recurrentLayer("simpleRnn", { units: 2 }),
      ],
    });
    const rows = rl.layerTable(m);
    assert.deepStrictEqual(rows.map((r) => `${r.layer} | ${r.type}`), ["encoder | SimpleRNN", "gru_1 | GRU", "batch_normalization_1 | BatchNormalization", "simple_rnn_1 | SimpleRNN"]);
    m.dispose();
  });
});
