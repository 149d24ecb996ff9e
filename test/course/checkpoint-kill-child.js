// The child process of checkpoint-kill.test.js: trains a model of several megabytes with rl.checkpoint after every
// epoch until it is killed. Before each save it appends "RUN EPOCH CHECKSUM" to the side file (the checksum of the
// weights the save is about to write) and prints "SAVING EPOCH"; after the save it prints "SAVED EPOCH MILLISECONDS". stdout is
// a pipe, written synchronously, so the last line the parent reads after the kill says whether it landed in a save.
// A run starts from fresh weights at epoch FIRST_EPOCH (the checkpoint's epochsDone, which the parent has just read),
// so that the epochs of the checkpoint go on; loading the checkpoint is the parent's part.
//
//   node checkpoint-kill-child.js DIR SIDE_FILE RUN_ID FIRST_EPOCH
"use strict";
const fs = require("fs");
const rl = require("rnnlab");
const { checksum } = require("./weights-checksum");

const tf = rl.tf;
const [dir, side, run, first] = process.argv.slice(2);

(async () => {
  await rl.initRuntime({ force: "cpu", verbose: false });
  const initialEpoch = Number(first);
  // 1024*1024 + 1024 + 1024*4 + 4 = 1,053,700 weights, 4.2 MB a save. The big layer is frozen, so that an epoch is
  // quick; the last one trains, so that every epoch's weights (and checksum) differ.
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1024, inputShape: [1024], activation: "tanh", trainable: false }), tf.layers.dense({ units: 4 })] });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: "meanSquaredError" });
  const x = tf.randomNormal([8, 1024]);
  const y = tf.randomNormal([8, 4]);
  let savingAt = 0;
  const before = new tf.CustomCallback({
    onEpochEnd: async (epoch) => {
      fs.appendFileSync(side, `${run} ${epoch + 1} ${checksum(model)}\n`);
      savingAt = Date.now();
      process.stdout.write(`SAVING ${epoch + 1}\n`);
    },
  });
  const after = new tf.CustomCallback({ onEpochEnd: async (epoch) => process.stdout.write(`SAVED ${epoch + 1} ${Date.now() - savingAt}\n`) });
  process.stdout.write("READY\n");
  await model.fit(x, y, { epochs: initialEpoch + 100000, initialEpoch, batchSize: 8, verbose: 0, callbacks: [before, rl.checkpoint(model, `file://${dir}`, { name: run }), after] });
})();
