// The adding problem generator (lib/src/data/tasks.ts): shapes, markers, targets, seeding and argument errors.
const assert = require("assert");
const rl = require("rnnlab");
const { tf } = rl;

describe("tasks: addingProblem", () => {
  it("marks exactly two steps, one in each half, and the target is the sum of their values", () => {
    const { x, y, markedSteps } = rl.addingProblem(50, 20, { seed: 3 });
    assert.deepStrictEqual(x.shape, [50, 20, 2]);
    assert.deepStrictEqual(y.shape, [50, 1]);
    const xs = x.arraySync();
    const ys = y.arraySync();
    xs.forEach((seq, s) => {
      const marked = seq.map((p, t) => (p[1] === 1 ? t : -1)).filter((t) => t >= 0);
      assert.deepStrictEqual(marked, markedSteps[s], `sequence ${s}`);
      assert.strictEqual(marked.length, 2);
      assert.ok(marked[0] < 10 && marked[1] >= 10, `sequence ${s}: markers at ${marked}`);
      assert.ok(seq.every((p) => p[1] === 0 || p[1] === 1));
      assert.ok(seq.every((p) => p[0] >= 0 && p[0] < 1));
      assert.ok(Math.abs(ys[s][0] - (seq[marked[0]][0] + seq[marked[1]][0])) < 1e-6);
    });
    tf.dispose([x, y]);
  });

  it("firstWithin keeps the markers at the ends, so they lie far apart", () => {
    const { x, y, markedSteps } = rl.addingProblem(200, 30, { seed: 4, firstWithin: 3 });
    for (const [early, late] of markedSteps) {
      assert.ok(early >= 0 && early < 3, `early marker at ${early}`);
      assert.ok(late >= 27 && late < 30, `late marker at ${late}`);
    }
    tf.dispose([x, y]);
  });

  it("is seeded: the same seed gives the same data, another seed other data", () => {
    const a = rl.addingProblem(10, 8, { seed: 5 });
    const b = rl.addingProblem(10, 8, { seed: 5 });
    const c = rl.addingProblem(10, 8, { seed: 6 });
    assert.deepStrictEqual(a.x.arraySync(), b.x.arraySync());
    assert.notDeepStrictEqual(a.x.arraySync(), c.x.arraySync());
    tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y]);
  });

  it("the mean predictor scores about 1/6, the variance of a sum of two uniforms", async () => {
    const { x, y } = rl.addingProblem(4000, 10, { seed: 7 });
    const mse = await rl.meanPredictorMse(y);
    assert.ok(Math.abs(mse - 1 / 6) < 0.01, `mean-predictor MSE ${mse}`);
    tf.dispose([x, y]);
  });

  it("rejects bad sizes with a message naming the argument", () => {
    assert.throws(() => rl.addingProblem(0, 10), /n \(number of sequences\)/);
    assert.throws(() => rl.addingProblem(5, 1), /T \(sequence length\)/);
    assert.throws(() => rl.addingProblem(5, 10, { firstWithin: 6 }), /firstWithin/);
  });
});
