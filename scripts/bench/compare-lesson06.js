// Lesson 06's lecture model trained twice from the same initial weights, the same shuffles and the same dropout
// masks: once with rnnlab's layers, once with the stock tf.layers. Prints the wall time of each, the speed-up,
// and both test accuracies, so "faster, and the same accuracy" is a measurement, not a claim. rnnlab's Dropout draws
// its masks from its own generator, so here both models use tf.layers' Dropout: the masks stay the same and the
// comparison is of the recurrent layers.
//
//   node scripts/bench/compare-lesson06.js [--train N] [--epochs E]     (default 4000 digits, 1 epoch)
//
// Needs the built library (npx tsc -p lib), not Jupyter.
const rl = require("../../lib");

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** The lecture model (rl.buildLectureMnistLstm's layers) with this implementation's LSTMs and tf.layers' Dropout. */
function sameMasks(impl) {
  const model = rl.tf.sequential();
  model.add(rl.recurrentLayer("lstm", { units: 128, returnSequences: true, inputShape: [28, 28] }, impl));
  model.add(rl.tf.layers.dropout({ rate: 0.2 }));
  model.add(rl.recurrentLayer("lstm", { units: 128 }, impl));
  model.add(rl.tf.layers.dropout({ rate: 0.1 }));
  model.add(rl.tf.layers.dense({ units: 32, activation: "relu" }));
  model.add(rl.tf.layers.dropout({ rate: 0.2 }));
  model.add(rl.tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: rl.tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

(async () => {
  const train = arg("--train", 4000);
  const epochs = arg("--epochs", 1);
  const info = await rl.initRuntime({ verbose: false });
  console.log(`# ${info.line}`);
  console.log(`# rnnlab recurrent kernels: ${rl.recurrentKernelPath()}`);
  const data = rl.loadMnist({ trainSize: train, testSize: 2000, seed: 42 });
  const t = data.toTensors();
  const x = t.train.images; // [n, 28, 28]: rows as time steps
  const xt = t.test.images;
  console.log(`# lecture LSTM(128) x2, ${data.description}; ${train} training digits, ${epochs} epoch(s), batch 32, Adam 1e-3`);

  rl.seedEverything(42);
  const proto = rl.buildLectureMnistLstm({ impl: "stock", compile: false });
  const init = proto.getWeights().map((w) => w.clone());
  proto.dispose();

  const rows = [];
  for (const impl of ["rnnlab", "stock"]) {
    const model = sameMasks(impl);
    model.setWeights(init);
    rl.seedEverything(7); // the same shuffles and dropout masks for both
    const r = await rl.fit(model, x, t.train.labels, { name: `${impl}`, epochs, batchSize: 32, verbose: false });
    const acc = rl.accuracy(await t.test.labels.data(), await rl.predictClasses(model, xt));
    rows.push({ impl, seconds: r.seconds, samplesPerSecond: r.samplesPerSecond, loss: r.history.loss[r.epochs - 1], testAccuracy: acc });
    model.optimizer.dispose();
    model.dispose();
  }
  console.log("| layers | seconds | samples/s | final train loss | test accuracy |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.impl} | ${r.seconds.toFixed(1)} | ${Math.round(r.samplesPerSecond)} | ${r.loss.toFixed(4)} | ${r.testAccuracy.toFixed(4)} |`);
  }
  const [fast, stock] = rows;
  console.log(`speed-up ${(stock.seconds / fast.seconds).toFixed(1)}x; test accuracy ${fast.testAccuracy.toFixed(4)} vs ${stock.testAccuracy.toFixed(4)} (difference ${(fast.testAccuracy - stock.testAccuracy).toFixed(4)})`);
  init.forEach((w) => w.dispose());
  t.dispose();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
