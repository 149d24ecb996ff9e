// Benchmark of lesson 06 (RNN on MNIST rows): training samples/s of the notebook's four models — SimpleRNN, LSTM,
// GRU and the lecture's LSTM(128) -> LSTM(128) -> Dense(32) -> Dense(10) — with rnnlab's fast layers
// (impl 'rnnlab', the builders' default) and the stock tf.layers (impl 'stock') side by side, on MNIST shapes
// (28 steps x 28 features, batch 32 as in the lab, Adam 1e-3). Medians of a few timed runs after a warm-up.
//
//   node scripts/bench/bench-lesson06.js            # a few minutes on 2 cores
//   node scripts/bench/bench-lesson06.js --quick    # smoke run: fewer and shorter repetitions
//   RNNLAB_BACKEND=cpu node scripts/bench/bench-lesson06.js
//
// Needs the built library (npx tsc -p lib), not Jupyter.
const os = require("os");
const rl = require("../../lib");
const { tf } = rl;

const QUICK = process.argv.includes("--quick");
const BATCH = 32;
const STEPS = 28;
const FEATURES = 28;
const REPS = QUICK ? 2 : 5;
// Batches per timed run: enough that one run of the slowest model takes around a second or more.
const BATCHES = QUICK ? 2 : 6;

// The same configurations as notebooks/src/06_rnn_mnist.ts (full profile).
const MODELS = [
  { name: "SimpleRNN(128)", build: (impl) => rl.buildRnnClassifier({ cell: "simpleRnn", units: 128, impl }) },
  { name: "LSTM(128)", build: (impl) => rl.buildRnnClassifier({ cell: "lstm", units: 128, impl }) },
  { name: "GRU(128)", build: (impl) => rl.buildRnnClassifier({ cell: "gru", units: 128, impl }) },
  { name: "lecture LSTM x2", build: (impl) => rl.buildLectureMnistLstm({ impl }) },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e9;

async function trainRate(build, impl, x, y) {
  const model = build(impl);
  try {
    await model.trainOnBatch(x, y); // warm-up: kernels, optimizer slots
    const rates = [];
    for (let r = 0; r < REPS; r++) {
      const t0 = now();
      for (let b = 0; b < BATCHES; b++) await model.trainOnBatch(x, y);
      rates.push((BATCH * BATCHES) / (now() - t0));
    }
    return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
  } finally {
    model.dispose();
  }
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));

(async () => {
  const t0 = now();
  const info = await rl.initRuntime({ verbose: false });
  rl.seedEverything(6);
  let threads = 1;
  if (info.tfBackend === "wasm") threads = require("@tensorflow/tfjs-backend-wasm").getThreadsCount();
  const cpus = os.cpus();
  console.log(`# lesson 06 benchmark${QUICK ? " (--quick)" : ""}: training samples/s on MNIST shapes, ${STEPS} steps x ${FEATURES} features, batch ${BATCH}, Adam 1e-3, sparse cross-entropy`);
  console.log(`# machine: ${cpus[0] ? cpus[0].model.trim() : "unknown cpu"}, ${cpus.length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, ${os.platform()} ${os.arch()}, Node.js ${process.version}`);
  const nk = rl.nativeKernelInfo();
  console.log(`# backend: ${info.line}; tfjs threads: ${threads}; rnnlab's recurrent kernels: ${rl.recurrentKernelPath()}${nk.built && nk.enabled ? `, ${nk.threads} thread(s) (RNNLAB_NATIVE_THREADS)` : ""}`);
  console.log(`# median of ${REPS} timed runs of ${BATCHES} batches after one warm-up batch; (min-max) in brackets`);

  // Random inputs are as costly as real digits: the time depends on shapes only.
  const x = tf.randomUniform([BATCH, STEPS, FEATURES]);
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), "float32");
  const rows = [];
  for (const m of MODELS) {
    const stock = await trainRate(m.build, "stock", x, y);
    const fast = await trainRate(m.build, "rnnlab", x, y);
    rows.push([
      m.name,
      `${fmt(stock.median)} (${fmt(stock.min)}-${fmt(stock.max)})`,
      `${fmt(fast.median)} (${fmt(fast.min)}-${fmt(fast.max)})`,
      `${(fast.median / stock.median).toFixed(2)}x`,
      `${((8000 / fast.median) | 0)} s`,
    ]);
    process.stderr.write(`  ${m.name} done (${(now() - t0).toFixed(0)} s)\n`);
  }
  const head = ["model", "stock tf.layers", "rnnlab layers", "rnnlab/stock", "epoch of 8,000 (rnnlab)"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
  console.log(`# ${(now() - t0).toFixed(0)} s in all`);
  tf.dispose([x, y]);
})().catch((e) => {
  console.error(`bench-lesson06: ${e.stack || e}`);
  process.exit(1);
});
