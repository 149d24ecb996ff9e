// The from-scratch cells (lib/src/course/scratch.ts) against tf.layers, finite differences and hand-worked numbers.
const assert = require("assert");
const rl = require("rnnlab");
const { tf } = rl;

const KINDS = ["simpleRnn", "lstm", "gru"];
const G = { simpleRnn: 1, lstm: 4, gru: 3 };
const LAYER = { simpleRnn: "simpleRNN", lstm: "lstm", gru: "gru" };
const FORWARD = { simpleRnn: rl.simpleRnnForward, lstm: rl.lstmForward, gru: rl.gruForward };
const FROM = { simpleRnn: rl.simpleRnnParamsFromLayer, lstm: rl.lstmParamsFromLayer, gru: rl.gruParamsFromLayer };
const TO = { simpleRnn: rl.simpleRnnParamsToLayer, lstm: rl.lstmParamsToLayer, gru: rl.gruParamsToLayer };

/** Random weights with a non-zero bias, so every block of the layout is exercised. */
function randomParams(kind, features, units, seed, scale = 0.5) {
  return {
    kernel: tf.randomNormal([features, G[kind] * units], 0, scale, "float32", seed),
    recurrentKernel: tf.randomNormal([units, G[kind] * units], 0, scale, "float32", seed + 1),
    bias: tf.randomNormal([G[kind] * units], 0, scale, "float32", seed + 2),
  };
}

/** A built tf.layers layer; the throwaway call builds its weights. */
function builtLayer(kind, features, units, args = {}) {
  const layer = tf.layers[LAYER[kind]]({ units, ...args });
  tf.dispose(layer.apply(tf.zeros([1, 1, features])));
  return layer;
}

function maxAbsDiff(a, b) {
  assert.deepStrictEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** tf.tidy for async bodies: every tensor made inside is disposed at the end (tf.tidy cannot await). */
async function scoped(fn) {
  tf.engine().startScope();
  try {
    return await fn();
  } finally {
    tf.engine().endScope();
  }
}

describe("scratch: recurrent cells from tf ops", function () {
  before(async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
  });

  describe("equal to tf.layers (all time steps, batch 3)", () => {
    const B = 3, T = 5, F = 4, U = 6;
    for (const kind of KINDS) {
      const acts = kind === "simpleRnn" ? [undefined] : ["sigmoid", undefined];
      for (const act of acts) {
        for (const returnSequences of [true, false]) {
          const label = `${kind}${act ? ` recurrentActivation '${act}'` : kind === "simpleRnn" ? "" : " tfjs default (hardSigmoid)"}, returnSequences ${returnSequences}`;
          it(`params -> layer: ${label}`, () => {
            const args = { returnSequences, ...(act ? { recurrentActivation: act } : {}) };
            const layer = builtLayer(kind, F, U, args);
            const params = randomParams(kind, F, U, 11);
            TO[kind](params, layer);
            const x = tf.randomNormal([B, T, F], 0, 1, "float32", 5);
            const expected = layer.apply(x);
            const ours = FORWARD[kind](params, x, { returnSequences, recurrentActivation: act ?? "hardSigmoid" });
            assert.deepStrictEqual(ours.output.shape, returnSequences ? [B, T, U] : [B, U]);
            assert.ok(maxAbsDiff(ours.output, expected) < 1e-5, `max |diff| ${maxAbsDiff(ours.output, expected)}`);
            if (kind !== "simpleRnn") {
              // The gate activation matters: the other one gives different numbers, so the match above is not luck.
              const other = FORWARD[kind](params, x, { returnSequences, recurrentActivation: act ? "hardSigmoid" : "sigmoid" });
              assert.ok(maxAbsDiff(other.output, expected) > 1e-3);
              tf.dispose(other);
            }
            tf.dispose([params, x, expected, ours]);
            layer.dispose();
          });
        }
      }
      it(`layer -> params: ${kind} with the layer's own random weights and bias`, () => {
        const layer = builtLayer(kind, F, U, {
          returnSequences: true,
          biasInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 3 }),
          kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: 5 }),
        });
        const params = FROM[kind](layer);
        const x = tf.randomNormal([B, T, F], 0, 1, "float32", 6);
        const expected = layer.apply(x);
        const ours = FORWARD[kind](params, x, { returnSequences: true, recurrentActivation: "hardSigmoid" });
        assert.ok(maxAbsDiff(ours.output, expected) < 1e-5);
        // hiddenStates holds every h_t, and the last one is the non-sequence output.
        assert.ok(maxAbsDiff(ours.hiddenStates, expected) < 1e-5);
        const last = tf.tidy(() => expected.slice([0, T - 1, 0], [B, 1, U]).reshape([B, U]));
        assert.ok(maxAbsDiff(ours.lastState, last) < 1e-5);
        tf.dispose([params, x, expected, ours, last]);
        layer.dispose();
      });
    }

    it("initialState is used as tf.layers uses it (SimpleRNN, GRU: h0; LSTM: h0 and c0)", () => {
      for (const kind of KINDS) {
        const layer = builtLayer(kind, F, U, { returnSequences: true, recurrentActivation: "sigmoid" });
        const params = randomParams(kind, F, U, 21);
        TO[kind](params, layer);
        const x = tf.randomNormal([B, T, F], 0, 1, "float32", 22);
        const h0 = tf.randomNormal([B, U], 0, 1, "float32", 23);
        const c0 = tf.randomNormal([B, U], 0, 1, "float32", 24);
        const states = kind === "lstm" ? [h0, c0] : [h0];
        const expected = layer.apply(x, { initialState: states });
        const initialState = kind === "lstm" ? { h: h0, c: c0 } : h0;
        const ours = FORWARD[kind](params, x, { returnSequences: true, initialState });
        assert.ok(maxAbsDiff(ours.output, expected) < 1e-5, kind);
        const fromZero = FORWARD[kind](params, x, { returnSequences: true });
        assert.ok(maxAbsDiff(fromZero.output, expected) > 1e-3, `${kind}: initial state made no difference`);
        tf.dispose([params, x, h0, c0, expected, ours, fromZero]);
        layer.dispose();
      }
    });
  });

  describe("weights both ways", () => {
    it("params -> layer -> params gives the same numbers, and fromLayer copies", () => {
      for (const kind of KINDS) {
        const layer = builtLayer(kind, 3, 4);
        const params = randomParams(kind, 3, 4, 31);
        TO[kind](params, layer);
        const back = FROM[kind](layer);
        for (const name of ["kernel", "recurrentKernel", "bias"]) {
          assert.deepStrictEqual(back[name].arraySync(), params[name].arraySync(), `${kind} ${name}`);
        }
        // Disposing our copies leaves the layer intact; later writes to the layer leave our copies intact.
        tf.dispose(back);
        assert.strictEqual(layer.getWeights()[0].isDisposed, false);
        const kernelBefore = params.kernel.arraySync();
        const other = randomParams(kind, 3, 4, 99);
        TO[kind](other, layer);
        const again = FROM[kind](layer);
        assert.notDeepStrictEqual(again.kernel.arraySync(), kernelBefore);
        tf.dispose(params);
        assert.deepStrictEqual(again.kernel.arraySync(), other.kernel.arraySync());
        tf.dispose([other, again]);
        layer.dispose();
      }
    });

    it("splitGates cuts the blocks in tf.layers' order (LSTM i,f,k,o; GRU z,r,h)", () => {
      const p = randomParams("lstm", 2, 3, 41);
      const gates = rl.splitGates("lstm", p);
      assert.deepStrictEqual(Object.keys(gates), ["i", "f", "k", "o"]);
      assert.deepStrictEqual(gates.f.b.arraySync(), p.bias.arraySync().slice(3, 6));
      assert.deepStrictEqual(gates.o.W.arraySync(), p.kernel.arraySync().map((r) => r.slice(9, 12)));
      assert.deepStrictEqual(gates.k.U.arraySync(), p.recurrentKernel.arraySync().map((r) => r.slice(6, 9)));
      assert.deepStrictEqual(Object.keys(rl.splitGates("gru", randomParams("gru", 2, 3, 1))).length, 3);
      tf.dispose([p, gates]);
    });

    it("init*Params: shapes, zero bias, same seed -> same weights, other seed -> other weights", () => {
      const a = rl.initLstmParams(3, 5, 7);
      const b = rl.initLstmParams(3, 5, 7);
      const c = rl.initLstmParams(3, 5, 8);
      assert.deepStrictEqual([a.kernel.shape, a.recurrentKernel.shape, a.bias.shape], [[3, 20], [5, 20], [20]]);
      assert.deepStrictEqual(a.kernel.arraySync(), b.kernel.arraySync());
      assert.deepStrictEqual(a.recurrentKernel.arraySync(), b.recurrentKernel.arraySync());
      assert.notDeepStrictEqual(a.kernel.arraySync(), c.kernel.arraySync());
      assert.ok(a.bias.arraySync().every((v) => v === 0));
      const g = rl.initGruParams(2, 4);
      const s = rl.initSimpleRnnParams(2, 4);
      assert.deepStrictEqual([g.kernel.shape, s.recurrentKernel.shape], [[2, 12], [4, 4]]);
      tf.dispose([a, b, c, g, s]);
    });
  });

  describe("gradients match central finite differences", () => {
    // float32: eps 1e-2 keeps rounding error (~1e-5) and truncation error (~eps^2) both well under the tolerance.
    const B = 2, T = 4, F = 2, U = 3, eps = 1e-2;
    for (const kind of KINDS) {
      it(`${kind}: d loss / d kernel, recurrentKernel, bias`, () => {
        tf.tidy(() => {
          const p = randomParams(kind, F, U, 51);
          const x = tf.randomNormal([B, T, F], 0, 1, "float32", 52);
          const R = tf.randomNormal([B, T, U], 0, 1, "float32", 53);
          const loss = (kernel, recurrentKernel, bias) =>
            tf.sum(tf.mul(R, FORWARD[kind]({ kernel, recurrentKernel, bias }, x, { returnSequences: true }).output));
          const grads = tf.grads(loss)([p.kernel, p.recurrentKernel, p.bias]);
          const names = ["kernel", "recurrentKernel", "bias"];
          let worst = 0;
          names.forEach((name, w) => {
            const flat = Array.from(p[name].dataSync());
            const analytic = grads[w].dataSync();
            for (let j = 0; j < flat.length; j++) {
              const at = (delta) =>
                tf.tidy(() => {
                  const moved = flat.slice();
                  moved[j] += delta;
                  const args = names.map((n) => (n === name ? tf.tensor(moved, p[name].shape) : p[n]));
                  return loss(...args).dataSync()[0];
                });
              const numeric = (at(eps) - at(-eps)) / (2 * eps);
              const err = Math.abs(numeric - analytic[j]);
              worst = Math.max(worst, err / (2e-3 + 1e-2 * Math.abs(analytic[j])));
              assert.ok(err <= 2e-3 + 1e-2 * Math.abs(analytic[j]), `${kind} ${name}[${j}]: tf.grad ${analytic[j]} vs finite difference ${numeric}`);
            }
          });
          assert.ok(worst > 0, "no entries were compared");
        });
      });
    }
  });

  describe("shape checks name the function, the shapes and what was expected", () => {
    it("x with the wrong number of features", () => {
      const p = rl.initLstmParams(4, 2);
      const x = tf.zeros([2, 5, 3]);
      assert.throws(() => rl.lstmForward(p, x), { message: "lstmForward: x has shape [2,5,3] but the kernel expects 4 features" });
      assert.throws(() => rl.gruForward(rl.initGruParams(4, 2), x), /^Error: gruForward: x has shape \[2,5,3\] but the kernel expects 4 features$/);
      tf.dispose([p, x]);
    });
    it("x of the wrong rank, states of the wrong shape, params of another cell", () => {
      const p = rl.initSimpleRnnParams(3, 4);
      const x2 = tf.zeros([5, 3]);
      const x = tf.zeros([2, 5, 3]);
      const badH = tf.zeros([3, 5]);
      assert.throws(() => rl.simpleRnnForward(p, x2), { message: "simpleRnnForward: x has shape [5,3] but expected [batch,time,features] (rank 3)" });
      assert.throws(() => rl.simpleRnnForward(p, x, { initialState: badH }), {
        message: "simpleRnnForward: initialState has shape [3,5] but expected [2,4] (batch, units)",
      });
      assert.throws(() => rl.lstmForward(p, x), { message: "lstmForward: recurrentKernel has shape [4,4] but LSTM needs [units, 4*units]" });
      const lp = rl.initLstmParams(3, 4);
      assert.throws(() => rl.lstmForward(lp, x, { initialState: tf.zeros([2, 4]) }), /lstmForward: initialState for an LSTM is \{h, c\}/);
      assert.throws(() => rl.lstmStep(lp, tf.zeros([2, 2]), { h: tf.zeros([2, 4]), c: tf.zeros([2, 4]) }), {
        message: "lstmStep: x_t has shape [2,2] but expected [batch,3] (the kernel expects 3 features)",
      });
      tf.dispose([p, x2, x, badH, lp]);
    });
    it("layers of another kind, unbuilt layers, weights of the wrong size", () => {
      const gru = builtLayer("gru", 3, 4);
      assert.throws(() => rl.lstmParamsFromLayer(gru), /lstmParamsFromLayer: layer '.*' is GRU, expected LSTM/);
      const unbuilt = tf.layers.lstm({ units: 4 });
      assert.throws(() => rl.lstmParamsFromLayer(unbuilt), /has no weights yet; build it first/);
      const p = rl.initGruParams(5, 4);
      assert.throws(() => rl.gruParamsToLayer(p, gru), /gruParamsToLayer: kernel has shape \[5,12\] but layer '.*' holds \[3,12\]/);
      tf.dispose(p);
      gru.dispose();
    });
  });

  describe("memory: every call frees what it does not return", () => {
    it("forward loops, steps, splitGates, gradient norms", async () => {
      const p = { simpleRnn: rl.initSimpleRnnParams(3, 4), lstm: rl.initLstmParams(3, 4), gru: rl.initGruParams(3, 4) };
      const x = tf.randomNormal([2, 6, 3], 0, 1, "float32", 61);
      const x1 = tf.randomNormal([1, 6, 3], 0, 1, "float32", 62);
      const h = tf.zeros([2, 4]);
      const start = tf.memory().numTensors;
      for (const kind of KINDS) {
        for (const returnSequences of [true, false]) {
          const out = FORWARD[kind](p[kind], x, { returnSequences });
          assert.strictEqual(tf.memory().numTensors - start, Object.keys(out).length, `${kind} keeps only what it returns`);
          tf.dispose(out);
          assert.strictEqual(tf.memory().numTensors, start, kind);
        }
        for (const wrt of ["input", "state"]) await rl.gradientNormsOverTime(kind, p[kind], x1, { wrt });
        assert.strictEqual(tf.memory().numTensors, start, `${kind} gradientNormsOverTime`);
      }
      const s = rl.lstmStep(p.lstm, x.slice([0, 0, 0], [2, 1, 3]).reshape([2, 3]), { h, c: h });
      assert.strictEqual(tf.memory().numTensors, start + 4); // the slice, its reshape, h and c
      const sketch = rl.lstmBookSketchForward(p.lstm, x);
      tf.dispose([s, sketch, rl.splitGates("lstm", p.lstm)]);
      assert.strictEqual(tf.memory().numTensors, start + 2);
      tf.dispose([p, x, x1, h]);
    });
  });

  describe("the book's pseudocode and the book's LSTM sketch", () => {
    it("simpleRnnPseudocode (plain numbers, W = kernel^T) gives the same h_t as simpleRnnForward", () => {
      const p = randomParams("simpleRnn", 3, 4, 71);
      const x = tf.randomNormal([1, 5, 3], 0, 1, "float32", 72);
      const transpose = (M) => M[0].map((_, j) => M.map((row) => row[j]));
      const plain = rl.simpleRnnPseudocode(x.arraySync()[0], transpose(p.kernel.arraySync()), transpose(p.recurrentKernel.arraySync()), p.bias.arraySync());
      const out = rl.simpleRnnForward(p, x);
      const ours = out.hiddenStates.arraySync()[0];
      assert.strictEqual(plain.length, 5);
      plain.forEach((row, t) => row.forEach((v, i) => assert.ok(Math.abs(v - ours[t][i]) < 1e-5, `t=${t} unit ${i}`)));
      assert.throws(() => rl.simpleRnnPseudocode([[1, 2]], transpose(p.kernel.arraySync()), transpose(p.recurrentKernel.arraySync()), p.bias.arraySync()), /inputs\[0\] has 2 features/);
      tf.dispose([p, x, out]);
    });

    it("the sketch's carry is the real LSTM's carry; its output is activation(z_o + C_t Vo), not o * tanh(c_t+1)", () => {
      tf.tidy(() => {
        const p = randomParams("lstm", 3, 4, 81);
        const xt = tf.randomNormal([2, 3], 0, 1, "float32", 82);
        const state = { h: tf.randomNormal([2, 4], 0, 1, "float32", 83), c: tf.randomNormal([2, 4], 0, 1, "float32", 84) };
        const Vo = tf.randomNormal([4, 4], 0, 1, "float32", 85);
        const real = rl.lstmStep(p, xt, state);
        const sketch = rl.lstmBookSketchStep(p, xt, state, { Vo });
        assert.ok(maxAbsDiff(sketch.c, real.c) < 1e-6);
        const g = rl.splitGates("lstm", p);
        const zo = xt.matMul(g.o.W).add(state.h.matMul(g.o.U)).add(g.o.b);
        assert.ok(maxAbsDiff(sketch.h, tf.tanh(zo.add(state.c.matMul(Vo)))) < 1e-6);
        assert.ok(maxAbsDiff(sketch.h, real.h) > 1e-2);
        const seq = rl.lstmBookSketchForward(p, xt.reshape([2, 1, 3]), { initialState: state, Vo, returnSequences: true });
        assert.ok(maxAbsDiff(seq.lastState, sketch.h) < 1e-6);
      });
    });
  });

  describe("vanishing gradients, shown with numbers", () => {
    it("linear SimpleRNN: |dh_T/dx_t| equals |kernel recurrentKernel^(T-1-t)| worked out by hand", () =>
      scoped(async () => {
        const T = 6;
        const p = randomParams("simpleRnn", 3, 4, 91);
        const x = tf.randomNormal([1, T, 3], 0, 1, "float32", 92);
        const norms = await rl.gradientNormsOverTime("simpleRnn", p, x, { activation: "linear" });
        const lossNorms = await rl.gradientNormsOverTime("simpleRnn", p, x, { activation: "linear", loss: (hT) => tf.sum(hT) });
        let M = p.kernel; // kernel R^(T-1-t), built from t = T-1 backwards
        for (let t = T - 1; t >= 0; t--) {
          const expected = tf.norm(M).dataSync()[0];
          const expectedLoss = tf.norm(tf.sum(M, 1)).dataSync()[0];
          assert.ok(Math.abs(norms[t] - expected) <= 1e-4 * expected, `t=${t}: ${norms[t]} vs ${expected}`);
          assert.ok(Math.abs(lossNorms[t] - expectedLoss) <= 1e-4 * expectedLoss, `loss t=${t}`);
          M = M.matMul(p.recurrentKernel);
        }
      }));

    it("tanh SimpleRNN: |dh_T/dh_T| = sqrt(units), |dh_T/dh_T-1| = |recurrentKernel diag(1 - h_T^2)|", () =>
      scoped(async () => {
        const p = randomParams("simpleRnn", 3, 4, 93);
        const x = tf.randomNormal([1, 5, 3], 0, 1, "float32", 94);
        const norms = await rl.gradientNormsOverTime("simpleRnn", p, x, { wrt: "state" });
        assert.strictEqual(norms.length, 5);
        assert.ok(Math.abs(norms[4] - 2) < 1e-6);
        const hT = rl.simpleRnnForward(p, x).lastState;
        const expected = tf.norm(p.recurrentKernel.mul(tf.sub(1, tf.square(hT)))).dataSync()[0];
        assert.ok(Math.abs(norms[3] - expected) < 1e-5 * expected, `${norms[3]} vs ${expected}`);
      }));

    it("over 20 steps a SimpleRNN forgets x_0 a million-fold; an LSTM with an open forget gate keeps far more", () =>
      scoped(async () => {
        const T = 20;
        const x = tf.randomNormal([1, T, 3], 0, 1, "float32", 95);
        const rnn = rl.initSimpleRnnParams(3, 8, 1);
        rnn.recurrentKernel = rnn.recurrentKernel.mul(0.5);
        const lstm = rl.initLstmParams(3, 8, 1);
        lstm.bias = tf.concat([tf.zeros([8]), tf.fill([8], 3), tf.zeros([16])]); // forget gate ~ sigmoid(3) = 0.95
        const r = await rl.gradientNormsOverTime("simpleRnn", rnn, x);
        const l = await rl.gradientNormsOverTime("lstm", lstm, x);
        assert.ok(r[0] / r[T - 1] < 1e-5, `SimpleRNN ratio ${r[0] / r[T - 1]}`);
        assert.ok(l[0] / l[T - 1] > 100 * (r[0] / r[T - 1]), `LSTM ratio ${l[0] / l[T - 1]}`);
        await assert.rejects(rl.gradientNormsOverTime("lstm", lstm, tf.zeros([2, T, 3])), /give one sequence, shape \[1,time,features\]/);
      }));
  });

  describe("multi-layer (stacked) RNN", () => {
    it("simpleRNN(returnSequences) -> simpleRNN -> dense: shapes [null,T,u1], [null,u2], [null,k], and scratch gives the same output", () => {
      const T = 7, F = 3, u1 = 5, u2 = 4, k = 2;
      const model = tf.sequential();
      model.add(tf.layers.simpleRNN({ units: u1, returnSequences: true, inputShape: [T, F] }));
      model.add(tf.layers.simpleRNN({ units: u2 }));
      model.add(tf.layers.dense({ units: k }));
      assert.deepStrictEqual(model.layers.map((l) => l.outputShape), [[null, T, u1], [null, u2], [null, k]]);
      tf.tidy(() => {
        const x = tf.randomNormal([3, T, F], 0, 1, "float32", 101);
        const p1 = rl.simpleRnnParamsFromLayer(model.layers[0]);
        const p2 = rl.simpleRnnParamsFromLayer(model.layers[1]);
        const [Wd, bd] = model.layers[2].getWeights();
        const h1 = rl.simpleRnnForward(p1, x, { returnSequences: true }).output;
        const h2 = rl.simpleRnnForward(p2, h1).output;
        assert.ok(maxAbsDiff(h2.matMul(Wd).add(bd), model.predict(x)) < 1e-5);
      });
      model.dispose();
    });
  });
});
