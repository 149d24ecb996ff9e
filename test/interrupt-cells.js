"use strict";
// The cells that the Interrupt tests run through a real kernel (test/kernel_interrupt.py: jupyter_client's
// KernelManager.interrupt_kernel, the Notebook's Interrupt button), under tslab (test/tooling/interrupt.test.js) and
// under Deno's kernel (test/tooling/deno.test.js), and the driver that runs them.
const assert = require("assert");
const path = require("path");
const { spawnSync } = require("child_process");
const { findJupyterPython, jupyterEnv } = require("../scripts/jupyter/jupyter-env");

const ROOT = path.resolve(__dirname, "..");
const PYTHON = findJupyterPython();

/**
 * Runs cells in a fresh kernel through Jupyter's client; returns what each cell did (status, stdout, stderr,
 * displays, and for a cell with interrupt_on: whether the Interrupt was sent, the kernel's CPU use after it, and
 * whether the kernel was still alive). kernel: a kernelspec name; jupyterPath: a folder searched first for it.
 */
function runKernel(cells, { kernel = "tslab", jupyterPath } = {}) {
  const env = jupyterEnv();
  if (jupyterPath) env.JUPYTER_PATH = `${jupyterPath}${path.delimiter}${env.JUPYTER_PATH}`;
  const r = spawnSync(PYTHON, [path.join(__dirname, "kernel_interrupt.py")], {
    cwd: ROOT,
    env,
    input: JSON.stringify({ kernel, cwd: path.join(ROOT, "notebooks"), cells }),
    encoding: "utf8",
    timeout: 600000,
  });
  const at = (r.stdout ?? "").lastIndexOf("@@RESULT@@");
  assert.ok(at >= 0, `the kernel driver failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(at + "@@RESULT@@".length));
}

// A small model, trained one epoch (so the optimizer's own tensors exist), and check(): whether the weights stay
// still after the cell, moved since the set-up, the tensors are back to their count, and how many epochs ran.
const SETUP = `
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime({ verbose: false });
rl.seedEverything(1);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 128, inputShape: [32], activation: "relu" }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: "adam", loss: "meanSquaredError" });
const x = tf.randomNormal([2048, 32]);
const y = tf.randomNormal([2048, 1]);
const xb = x.slice(0, 64);
const yb = y.slice(0, 64);
await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }); // the optimizer's own tensors exist from here on
const kernel0 = Array.from(await model.getWeights()[0].data());
const tensorsBefore = tf.memory().numTensors;
async function check() {
  const w1 = Array.from(await model.getWeights()[0].data());
  await new Promise((r) => setTimeout(r, 1000));
  const w2 = Array.from(await model.getWeights()[0].data());
  const li = rl.lastInterrupted();
  return { same: w1.every((v, i) => v === w2[i]), moved: w1.some((v, i) => v !== kernel0[i]), tensors: tf.memory().numTensors, before: tensorsBefore, epochs: li?.history.loss?.length ?? 0, pending: rl.stopRequested() };
}
console.log("ready");
`;
const CHECK = { code: 'console.log("@@CHECK@@" + JSON.stringify(await check()));' };
// rl.fit: the Interrupt comes during the second epoch (an epoch is 128 batches of 16).
const RL_FIT = {
  code: `await rl.fit(model, x, y, { name: "mlp", epochs: 100000, batchSize: 16, callbacks: { onEpochBegin: async (e) => { if (e === 1) console.log("@@TRAINING@@"); } } });`,
  interrupt_on: "@@TRAINING@@",
  interrupt_after: 0.3,
  cpu: true,
};
// A trainOnBatch loop, as the long-sentence lab writes its training.
const LOOP = {
  code: 'console.log("@@TRAINING@@");\nfor (let i = 0; i < 1e7; i++) await model.trainOnBatch(xb, yb);',
  interrupt_on: "@@TRAINING@@",
  interrupt_after: 1.0,
  cpu: true,
};

/** What CHECK printed in a cell's result. */
function checked(result) {
  const line = result.stdout.split("\n").find((l) => l.startsWith("@@CHECK@@"));
  assert.ok(line, `the check cell printed nothing: ${JSON.stringify(result)}`);
  return JSON.parse(line.slice("@@CHECK@@".length));
}

module.exports = { PYTHON, runKernel, SETUP, CHECK, RL_FIT, LOOP, checked };
