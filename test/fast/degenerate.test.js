// Degenerate shapes and dtypes into the fast recurrent layers, on both builds of rnnlab's kernels (the addon where it
// is built, and WebAssembly): what tf.layers answers, the fast layers answer the same (an empty batch gives an empty
// output, int32 and bool inputs are taken as floats); what the kernels cannot take (no time steps, no features, a
// string input, 0 units) is an error naming the layer, the shape it got and what it needs, never the kernels' bare
// one. Called directly, the kernels of both builds name the wrong dims entry, or what they got instead of floats.
const assert = require("assert");
const rl = require("rnnlab");

const tf = rl.tf;
const CELLS = [
  ["simpleRNN", "RnnlabSimpleRNN"],
  ["lstm", "RnnlabLSTM"],
  ["gru", "RnnlabGRU"],
];

describe("degenerate inputs into the fast recurrent layers, on both kernel builds", function () {
  this.timeout(120000);
  const startBuild = rl.nativeKernelInfo().build;
  before(async () => {
    await rl.initRuntime({ verbose: false });
    rl.seedEverything(11);
  });
  after(() => {
    if (startBuild) rl.useKernelBuild(startBuild);
  });

  for (const build of ["native", "wasm"]) {
    describe(`the ${build} kernels`, () => {
      before(function () {
        if (!rl.useKernelBuild(build)) this.skip(); // the addon is not built here (no C++ compiler)
        assert.strictEqual(rl.nativeKernelInfo().build, build);
        assert.strictEqual(rl.recurrentKernelPath(), build, "the layers run in rnnlab's kernels");
      });

      for (const [cell, className] of CELLS) {
        /** The fast layer and tf.layers's, built for [*, 5, 3] input, with the same weights. */
        const pair = (returnSequences = false) => {
          const fast = rl.fastLayers[cell]({ units: 4, returnSequences });
          const stock = tf.layers[cell]({ units: 4, returnSequences, recurrentActivation: "sigmoid" });
          const probe = tf.zeros([1, 5, 3]);
          tf.dispose([fast.apply(probe), stock.apply(probe), probe]);
          stock.setWeights(fast.getWeights());
          return { fast, stock };
        };

        it(`${cell}: a sequence of 0 steps [2, 0, 3] is an error naming the layer, the shape and steps >= 1 (not the kernels' "bad dims")`, () => {
          const { fast } = pair();
          const x = tf.zeros([2, 0, 3]);
          assert.throws(
            () => fast.apply(x),
            (e) => e.message === `rnnlab ${className} '${fast.name}': input of shape [2,0,3] has 0 time steps; expected [batch, steps, features] with steps >= 1`,
          );
          const noFeatures = tf.zeros([2, 5, 0]);
          const { fast: f2 } = pair();
          assert.throws(() => rl.fastLayers[cell]({ units: 4 }).apply(noFeatures), /input of shape \[2,5,0\] has 0 features; expected \[batch, steps, features\] with features >= 1/);
          tf.dispose([x, noFeatures]);
          f2.dispose();
        });

        for (const returnSequences of [false, true]) {
          it(`${cell}${returnSequences ? " (returnSequences)" : ""}: a batch of 0 gives an empty output of tf.layers's shape, and zero gradients`, () => {
            const { fast, stock } = pair(returnSequences);
            const x = tf.zeros([0, 5, 3]);
            const y = fast.apply(x);
            const want = returnSequences ? [0, 5, 4] : [0, 4];
            assert.deepStrictEqual(y.shape, want);
            assert.strictEqual(y.dtype, "float32");
            const ys = tf.tidy(() => stock.apply(x));
            assert.deepStrictEqual(ys.shape, y.shape, "the same shape as tf.layers's output");
            // A loss over the empty output plus a 0 (tfjs-backend-wasm's sum of an empty tensor is not 0 but whatever its
            // memory held).
            const loss = (xx) => tf.sum(tf.concat([tf.reshape(fast.apply(xx), [-1]), tf.zeros([1])]));
            const { value, grads } = tf.variableGrads(() => loss(x), fast.trainableWeights.map((w) => w.val));
            assert.strictEqual(value.dataSync()[0], 0);
            for (const w of fast.trainableWeights) {
              const g = grads[w.val.name];
              assert.ok(g, `a gradient for ${w.name}`);
              assert.deepStrictEqual(g.shape, w.shape);
              assert.ok(g.dataSync().every((v) => v === 0), `${w.name}'s gradient is zeros`);
            }
            const dx = tf.grad(loss)(x);
            assert.deepStrictEqual(dx.shape, [0, 5, 3]);
            tf.dispose([x, y, ys, value, dx, ...Object.values(grads)]);
          });
        }

        it(`${cell}: int32 and bool inputs give what the same values as float32 give (tf.layers takes them too)`, async () => {
          const { fast, stock } = pair();
          const values = Array.from({ length: 2 * 5 * 3 }, (_, i) => (i * 7) % 5 - 2);
          const xf = tf.tensor3d(values, [2, 5, 3], "float32");
          const xi = tf.tensor3d(values, [2, 5, 3], "int32");
          const xb = tf.tensor3d(values.map((v) => v > 0), [2, 5, 3], "bool");
          const [yf, yi, yb, yStock] = [fast.apply(xf), fast.apply(xi), fast.apply(xb), stock.apply(xi)];
          assert.strictEqual(yi.dtype, "float32");
          assert.deepStrictEqual(Array.from(await yi.data()), Array.from(await yf.data()), "int32 input: the float32 input's output");
          const yb2 = fast.apply(tf.cast(xb, "float32"));
          assert.deepStrictEqual(Array.from(await yb.data()), Array.from(await yb2.data()), "bool input: the float32 input's output");
          const a = await yi.data();
          const b = await yStock.data();
          const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
          assert.ok(diff < 1e-5, `int32 input: differs from tf.layers's output by ${diff}`);
          tf.dispose([xf, xi, xb, yf, yi, yb, yb2, yStock]);
        });

        it(`${cell}: a string input is an error naming the layer, the shape, the dtype and float32; 0 units is refused when the layer is made`, () => {
          const { fast } = pair();
          const xs = tf.tensor(["a", "b", "c"], [1, 1, 3], "string");
          assert.throws(() => fast.apply(xs), (e) => e.message === `rnnlab ${className} '${fast.name}': input of shape [1,1,3] has dtype string; expected float32 (int32 and bool are cast to float32)`);
          xs.dispose();
          assert.throws(() => rl.fastLayers[cell]({ units: 0 }), /units must be a positive integer, got 0/);
          assert.throws(() => tf.layers[cell]({ units: 0 }), /positive integer/, "tf.layers refuses it too");
        });
      }

      it("the kernels called directly name the wrong dims entry, its value and what it must be, or what they got instead of floats", () => {
        const k = rl.kernelModule();
        const prefix = build === "native" ? "rnnlab_native: " : "rnnlab wasm kernels: ";
        const floats = (n) => new Float32Array(n);
        // dims = [cell, rec, act, B, T, I, u, returnSequences]; LSTM: 4 gates
        const cases = [
          [[1, 0, 0, 2, 0, 3, 4, 0], "T (time steps) is 0, expected 1 or more"],
          [[1, 0, 0, 0, 5, 3, 4, 0], "B (batch) is 0, expected 1 or more"],
          [[1, 0, 0, 2, 5, 0, 4, 0], "I (input features) is 0, expected 1 or more"],
          [[1, 0, 0, 2, 5, 3, 0, 0], "u (units) is 0, expected 1 or more"],
          [[7, 0, 0, 2, 5, 3, 4, 0], "cell (0 SimpleRNN, 1 LSTM, 2 GRU) is 7, expected 0, 1 or 2"],
        ];
        for (const [dims, what] of cases) {
          assert.throws(
            () => k.forward(dims, floats(30), floats(48), floats(64), floats(16), null),
            (e) => e instanceof RangeError && e.message === `${prefix}dims [cell, rec, act, B, T, I, u, returnSequences] = [${dims.join(", ")}]: ${what}`,
            `dims ${dims}`,
          );
        }
        const dims = [1, 0, 0, 2, 5, 3, 4, 0];
        assert.throws(() => k.forward(dims, new Int32Array(30), floats(48), floats(64), floats(16), null), (e) => e instanceof TypeError && e.message === `${prefix}x must be a Float32Array of 30 floats, got an Int32Array`);
        assert.throws(() => k.forward(dims, floats(30), [0], floats(64), floats(16), null), (e) => e instanceof TypeError && e.message === `${prefix}kernel must be a Float32Array of 48 floats, got an object`);
        assert.throws(() => k.forward(dims, floats(29), floats(48), floats(64), floats(16), null), (e) => e instanceof TypeError && e.message === `${prefix}x must be a Float32Array of 30 floats, got 29`);
      });
    });
  }
});
