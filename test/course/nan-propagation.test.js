// NaN and ±Infinity flow through rnnlab's SimpleRNN, LSTM and GRU (native kernels and tf ops) exactly as through
// tf.layers: wherever they sit (one step of one sample's input, the kernel, the recurrent kernel, the bias), the
// output and every gradient have NaN, +Infinity and -Infinity in the same places as tf.layers's, and the same finite
// numbers elsewhere. A diverged model must look diverged. (The fast layers start from a zero state and take no
// initial state, so there is no initial state to poison.)
const assert = require("assert");
const rl = require("rnnlab");
const { nonFiniteMismatches } = require("../nonfinite");
const { KINDS } = require("../twin-layers");

const { tf } = rl;
const UNITS = 4;
const GATES = { simpleRnn: 1, lstm: 4, gru: 3 };

/** One element in each gate's block of a weight (kernel, recurrent kernel, bias), so that every gate is poisoned once. */
function gatePositions(kind) {
  return (name, shape) => {
    const cols = shape[shape.length - 1];
    const row = shape.length === 2 ? Math.min(1, shape[0] - 1) : 0;
    return Array.from({ length: GATES[kind] }, (_, g) => row * cols + g * UNITS + 1);
  };
}

describe("NaN and Infinity propagate through the fast recurrent layers as through tf.layers", function () {
  this.timeout(120000);
  before(async () => {
    await rl.initRuntime({ force: process.env.RNNLAB_BACKEND || "wasm", verbose: false });
  });
  afterEach(() => rl.useNativeKernels(process.env.RNNLAB_NATIVE !== "0"));

  const paths = [
    ["native", true],
    ["tf ops", false],
  ];
  for (const kind of Object.keys(KINDS)) {
    for (const [pathName, native] of paths) {
      for (const returnSequences of [true, false]) {
        it(`${kind}, ${pathName} path, returnSequences=${returnSequences}: NaN, +Inf, -Inf in the input, kernel, recurrent kernel, bias`, function () {
          if (native && !rl.nativeKernelInfo().built) this.skip(); // native.test.js says why it is not built
          rl.useNativeKernels(native);
          assert.strictEqual(rl.recurrentKernelPath(), native ? rl.nativeKernelInfo().build : "tf ops");
          const before = tf.memory().numTensors;
          const lines = nonFiniteMismatches({
            makeFast: (a) => new KINDS[kind].fast(a),
            makeStock: KINDS[kind].stock,
            layerArgs: { units: UNITS, returnSequences, recurrentActivation: "sigmoid", biasInitializer: "glorotUniform" },
            inputShape: [5, 3],
            positions: gatePositions(kind),
            inputPosition: 2 * 3 + 1, // step 2, feature 1 of sample 1
          });
          assert.deepStrictEqual(lines, [], `${kind} (${pathName}) differs from tf.layers in ${lines.length} place(s):\n  ${lines.join("\n  ")}`);
          assert.strictEqual(tf.memory().numTensors, before, "tensors leaked");
        });
      }
    }
  }

  // tfjs's own hardSigmoid (clipByValue) and relu kernels on wasm turn NaN into 0 or 1 in the forward pass, so there
  // tf.layers hides NaN itself. rnnlab's native kernels keep it (NaN stays NaN through every clamp and derivative):
  // they must hide nothing that tf.layers shows. The tf-ops path uses those same tfjs kernels; with hardSigmoid gates
  // it hides nothing either (for a relu SimpleRNN it inherits tfjs's relu, so it is not held to this).
  for (const [kind, extra] of [
    ["lstm", { recurrentActivation: "hardSigmoid" }],
    ["gru", { recurrentActivation: "hardSigmoid" }],
    ["simpleRnn", { activation: "relu" }],
  ]) {
    for (const [pathName, native] of paths) {
      if (!native && extra.activation === "relu") continue;
      it(`${kind} with ${JSON.stringify(extra)}, ${pathName} path: hides no NaN or Infinity that tf.layers shows`, function () {
        if (native && !rl.nativeKernelInfo().built) this.skip();
        rl.useNativeKernels(native);
        const lines = nonFiniteMismatches({
          makeFast: (a) => new KINDS[kind].fast(a),
          makeStock: KINDS[kind].stock,
          layerArgs: { units: UNITS, returnSequences: true, recurrentActivation: "sigmoid", biasInitializer: "glorotUniform", ...extra },
          inputShape: [5, 3],
          positions: gatePositions(kind),
          inputPosition: 7,
          atLeast: true,
        });
        assert.deepStrictEqual(lines, [], `${kind} (${pathName}) hides what tf.layers shows in ${lines.length} place(s):\n  ${lines.join("\n  ")}`);
      });
    }
  }

  it("the comparison takes any layer: tf.layers's BatchNormalization (training) against itself shows no difference", () => {
    // What later fused layers (BatchNormalization, Dropout) plug into: their factory against tf.layers's.
    const bn = (a) => tf.layers.batchNormalization(a);
    const lines = nonFiniteMismatches({ makeFast: bn, makeStock: bn, inputShape: [5, 3], training: true });
    assert.deepStrictEqual(lines, []);
  });

  it("the comparison itself sees a layer that hides NaN (a clamp after tf.layers's LSTM)", () => {
    // A layer that replaces NaN by 0 stands for a kernel that hides it: the helper must report it.
    class HideNaN extends tf.layers.Layer {
      static className = "HideNaNForTest";
      constructor(args) {
        super(args);
        this.inner = tf.layers.lstm(args);
      }
      build(s) {
        this.inner.build(s);
        this.built = true;
      }
      get trainableWeights() {
        return this.inner.trainableWeights;
      }
      get weights() {
        return this.inner.weights;
      }
      computeOutputShape(s) {
        return this.inner.computeOutputShape(s);
      }
      call(x, kw) {
        return tf.tidy(() => {
          const y = this.inner.call(x, kw);
          return tf.where(tf.isNaN(y), tf.zerosLike(y), y);
        });
      }
    }
    const lines = nonFiniteMismatches({
      makeFast: (a) => new HideNaN(a),
      makeStock: KINDS.lstm.stock,
      layerArgs: { units: UNITS, returnSequences: true, recurrentActivation: "sigmoid" },
      inputShape: [5, 3],
      values: [NaN],
    });
    assert.ok(lines.some((l) => /^input\[1\]\[\d+\]=NaN: output: \d+ of \d+ elements differ/.test(l)), `not reported:\n${lines.join("\n")}`);
  });
});
