"use strict";
// lib/src/lessons/basics.ts: activations, logic gates, the perceptron's line inside the plotted square, the boundary figure.
const assert = require("assert");
const rl = require("rnnlab");
const { tf } = rl;

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

describe("basics (lessons 01-02)", function () {
  this.timeout(30000);

  it("activation functions give their textbook values", () => {
    close(rl.sigmoid(0), 0.5);
    close(rl.sigmoid(2), 1 / (1 + Math.exp(-2)));
    close(rl.sigmoid(-2) + rl.sigmoid(2), 1);
    assert.deepStrictEqual([-1, 0, 0.3].map(rl.step), [0, 1, 1]);
    assert.deepStrictEqual([-2, 0, 3].map(rl.relu), [0, 0, 3]);
    assert.deepStrictEqual(Object.keys(rl.ACTIVATIONS), ["step", "sigmoid", "tanh", "ReLU"]);
  });

  it("logic gates hold the truth tables of AND, OR and XOR", () => {
    assert.deepStrictEqual(rl.logicGate("AND").x, [[0, 0], [0, 1], [1, 0], [1, 1]]);
    assert.deepStrictEqual(rl.logicGate("AND").y, [0, 0, 0, 1]);
    assert.deepStrictEqual(rl.logicGate("OR").y, [0, 1, 1, 1]);
    assert.deepStrictEqual(rl.logicGate("XOR").y, [0, 1, 1, 0]);
    assert.throws(() => rl.logicGate("NAND"), /'NAND' is not one of AND, OR, XOR/);
  });

  it("boundarySegment finds where w.x + b = 0 crosses the square, and both ends lie on the line", () => {
    // x1 + x2 - 1.5 = 0 crosses [-0.5, 1.5]^2 at (0, 1.5) and (1.5, 0).
    const seg = rl.boundarySegment([1, 1], -1.5, [-0.5, 1.5]).sort((p, q) => p[0] - q[0]);
    close(seg[0][0], 0);
    close(seg[0][1], 1.5);
    close(seg[1][0], 1.5);
    close(seg[1][1], 0);
    // A steep line: 3*x1 - x2 - 1 = 0, ends on the top and bottom sides.
    const steep = rl.boundarySegment([3, -1], -1, [-0.5, 1.5]);
    assert.strictEqual(steep.length, 2);
    for (const [a, c] of steep) close(3 * a - c - 1, 0, 1e-9);
    assert.deepStrictEqual(steep.map(([, c]) => c).sort((p, q) => p - q), [-0.5, 1.5]);
    // Vertical line x1 = 0.5 (w2 = 0).
    const vert = rl.boundarySegment([2, 0], -1, [0, 1]);
    assert.deepStrictEqual(vert.map(([a]) => a), [0.5, 0.5]);
  });

  it("boundarySegment returns null for a line that misses the square or for w = 0", () => {
    assert.strictEqual(rl.boundarySegment([1, 1], -10, [-0.5, 1.5]), null);
    assert.strictEqual(rl.boundarySegment([0, 0], 1, [-0.5, 1.5]), null);
  });

  it("boundarySegment keeps the two far ends of a line through a corner", () => {
    // x1 - x2 = 0 passes through the corners (0,0) and (1,1) of [0,1]^2.
    const seg = rl.boundarySegment([1, -1], 0, [0, 1]).sort((p, q) => p[0] - q[0]);
    assert.deepStrictEqual(seg, [[0, 0], [1, 1]]);
  });

  it("gridPoints covers the square with cell centres, x1 fastest", () => {
    const g = rl.gridPoints([0, 1], 2);
    assert.deepStrictEqual(g, [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]);
  });

  it("modelPredictor returns the model's P(y=1) per point and leaves no tensors", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], activation: "sigmoid" })] });
    model.setWeights([tf.tensor2d([[2], [-1]]), tf.tensor1d([0.5])]);
    const predict = rl.modelPredictor(model);
    const before = tf.memory().numTensors;
    const p = await predict([[0, 0], [1, 1], [1, 3]]);
    assert.strictEqual(tf.memory().numTensors, before);
    close(p[0], rl.sigmoid(0.5), 1e-6);
    close(p[1], rl.sigmoid(1.5), 1e-6);
    close(p[2], rl.sigmoid(-0.5), 1e-6);
    model.dispose();
  });

  it("plotDecisionBoundary draws background, lines and points, and rejects a predictor of the wrong length", async () => {
    const pts = [{ x1: 0, x2: 0, label: 0 }, { x1: 1, x2: 1, label: 1 }];
    const fig = await rl.plotDecisionBoundary({
      points: pts,
      predict: (P) => P.map(([a, b]) => rl.sigmoid(a + b - 1)),
      lines: [{ name: "epoch 1", w: [1, 1], b: -1 }, { name: "epoch 2", w: [1, 2], b: -1 }],
      steps: 8,
      show: false,
    });
    assert.match(fig.svg, /epoch 1/);
    assert.match(fig.svg, /epoch 2/);
    assert.match(fig.svg, /P\(y=1\)/);
    assert.deepStrictEqual(Array.from(Buffer.from(fig.png).subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    await assert.rejects(
      rl.plotDecisionBoundary({ points: pts, predict: () => [0.5], steps: 4, show: false }),
      /predict returned 1 values for 16 points/,
    );
  });
});
