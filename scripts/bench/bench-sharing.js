#!/usr/bin/env node
// Two rnnlab kernels training at the same time on one machine, as `npm run notebooks` runs two lessons at a time:
// lab 07's model and lesson 06's LSTM, each in a process of its own, started together, first without core sharing
// (RNNLAB_SHARE_CORES=0: each splits every native pass for all the cores) and then with it (lib/src/course/cores.ts),
// in alternation. Prints each one's training samples/s and the threads its passes ran on at once.
//
//   node scripts/bench/bench-sharing.js               # 20 s per run, 2 repetitions (medians)
//   node scripts/bench/bench-sharing.js --seconds 40 --reps 3
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { spawn } = require("child_process");

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);

const MODELS = {
  lab07: { title: "lab 07 model, batch 64", batch: 64, shape: [60, 8], classes: 2 },
  lstm06: { title: "lesson 06 LSTM(128), batch 32", batch: 32, shape: [28, 28], classes: 10 },
};

if (args[0] === "--child") child(args[1], args[2]);
else main();

/** One kernel: warm up, say so, wait for "go", train for the given seconds, print what it did. */
async function child(key, folder) {
  const rl = require("rnnlab");
  const cores = require("../../lib/dist/course/cores");
  const { tf } = rl;
  cores.useTrainersFolder(folder);
  await rl.initRuntime({ verbose: false });
  rl.seedEverything(1);
  const m = MODELS[key];
  const model =
    key === "lab07"
      ? rl.buildSequenceModel({ inputShape: m.shape, units: [128, 128, 128], dropout: [0.2, 0.1, 0.2], batchNorm: true, dense: 32 })
      : rl.buildRnnClassifier({ cell: "lstm", units: 128, inputShape: m.shape, numClasses: m.classes });
  const x = tf.randomNormal([m.batch, ...m.shape]);
  const y = tf.tensor1d(Array.from({ length: m.batch }, (_, i) => i % m.classes), "float32");
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  process.stdout.write("ready\n");
  const seconds = Number(await new Promise((res) => readline.createInterface({ input: process.stdin }).once("line", res)));
  const release = cores.shareCores();
  const threads = new Set();
  const t0 = Date.now();
  let steps = 0;
  while (Date.now() - t0 < seconds * 1000) {
    await model.trainOnBatch(x, y);
    cores.updateShare();
    threads.add(rl.nativeKernelInfo().activeThreads);
    steps++;
  }
  const wall = (Date.now() - t0) / 1000;
  release();
  process.stdout.write(JSON.stringify({ samples: steps * m.batch, wall, threads: [...threads] }) + "\n");
  process.exit(0);
}

function start(key, share, folder) {
  const env = { ...process.env, RNNLAB_SHARE_CORES: share ? "1" : "0" };
  const p = spawn(process.execPath, [__filename, "--child", key, folder], { stdio: ["pipe", "pipe", "inherit"], env });
  const lines = readline.createInterface({ input: p.stdout });
  const queue = [];
  const waiting = [];
  lines.on("line", (l) => (waiting.length ? waiting.shift()(l) : queue.push(l)));
  p.once("exit", (code) => code && console.error(`bench-sharing: the ${key} process exited with ${code}`));
  const next = () => new Promise((res) => (queue.length ? res(queue.shift()) : waiting.push(res)));
  return { p, next };
}

async function pair(share, seconds) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-bench-sharing-"));
  try {
    const kids = Object.keys(MODELS).map((key) => ({ key, ...start(key, share, folder) }));
    for (const k of kids) await k.next(); // both warmed up
    for (const k of kids) k.p.stdin.write(`${seconds}\n`);
    const out = {};
    for (const k of kids) out[k.key] = JSON.parse(await k.next());
    return out;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

async function main() {
  const seconds = opt("--seconds", 20);
  const reps = opt("--reps", 2);
  const cpus = os.cpus();
  console.log(`# two kernels training at once, ${seconds} s per run, medians of ${reps}; machine: ${cpus[0] ? cpus[0].model.trim() : "unknown cpu"}, ${cpus.length} cores`);
  const runs = { off: [], on: [] };
  for (let r = 0; r < reps; r++) {
    for (const mode of ["off", "on"]) {
      runs[mode].push(await pair(mode === "on", seconds));
      process.stderr.write(`  sharing ${mode}, repetition ${r + 1} done\n`);
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  console.log("| core sharing | " + Object.values(MODELS).map((m) => `${m.title}: samples/s (threads at once)`).join(" | ") + " |");
  console.log("|---|" + Object.keys(MODELS).map(() => "---:").join("|") + "|");
  const rate = {};
  for (const mode of ["off", "on"]) {
    const cells = Object.keys(MODELS).map((key) => {
      rate[mode + key] = median(runs[mode].map((o) => o[key].samples / o[key].wall));
      const threads = [...new Set(runs[mode].flatMap((o) => o[key].threads))].join("/");
      return `${Math.round(rate[mode + key])} (${threads})`;
    });
    console.log(`| ${mode === "on" ? "on (default)" : "off (RNNLAB_SHARE_CORES=0)"} | ${cells.join(" | ")} |`);
  }
  console.log("| on / off | " + Object.keys(MODELS).map((key) => `${(rate["on" + key] / rate["off" + key]).toFixed(2)}x`).join(" | ") + " |");
}
