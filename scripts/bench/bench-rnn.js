// Benchmark: training and inference samples/s of SimpleRNN, LSTM and GRU on MNIST shapes (28 steps x 28 features,
// batch 128, Adam), tf.layers ("stock") against rnnlab's fast layers on the same backend, and PyTorch on the same
// CPU and thread count when python3 has torch. Medians of several repetitions after a warm-up.
//
//   npm run bench:cells           # full run (a few minutes); npm run bench: the course's whole models
//   node scripts/bench/bench-rnn.js --quick        # smoke run: fewer repetitions, 32 units only
//   RNNLAB_BACKEND=cpu node scripts/bench/bench-rnn.js   # another backend
//   node scripts/bench/bench-rnn.js --quick --cells lstm --units 128   # some cells and sizes only
//   node scripts/bench/bench-rnn.js --tiny         # one LSTM(32), one repetition: checks that the bench runs
//   RNNLAB_BENCH_NO_TORCH=1                  # leave PyTorch out
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { tf, initRuntime, seedEverything, buildRnnClassifier, recurrentKernelPath, nativeKernelInfo, setNativeThreads } = require("rnnlab");

const args = process.argv.slice(2);
const TINY = args.includes("--tiny");
const QUICK = TINY || args.includes("--quick");
const listArg = (name) => (args.includes(name) ? String(args[args.indexOf(name) + 1] ?? "").split(",").filter(Boolean) : null);
const BATCH = 128;
const STEPS = 28;
const FEATURES = 28;
const CLASSES = 10;
const CELLS = listArg("--cells") ?? (TINY ? ["lstm"] : ["simpleRnn", "lstm", "gru"]);
const UNITS = (listArg("--units") ?? (QUICK ? ["32"] : ["32", "128"])).map(Number);
const REPS = TINY ? { train: 1, infer: 1 } : QUICK ? { train: 1, infer: 2 } : { train: 5, infer: 7 };
for (const c of CELLS) {
  if (!["simpleRnn", "lstm", "gru"].includes(c)) {
    console.error(`bench-rnn: --cells takes simpleRnn, lstm, gru (comma-separated), not ${JSON.stringify(c)}`);
    process.exit(2);
  }
}
if (!UNITS.every((u) => Number.isInteger(u) && u > 0)) {
  console.error("bench-rnn: --units takes positive integers, comma-separated");
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Samples/s of stock and rnnlab, measured in alternation (stock, rnnlab, stock, ...) so that both see the same load
 * on a shared machine; medians of the repetitions after one warm-up call each. Each repetition runs as many batches
 * as fill about the same time (at least MIN_REP_S), so that a fast implementation is not timed on one short batch.
 */
const MIN_REP_S = TINY ? 0 : QUICK ? 0.1 : 0.3;
async function alternate(fns, reps) {
  const once = [];
  for (const f of fns) {
    await f.run(); // warm-up: kernels, allocations, the optimizer's slots
    const t0 = now();
    await f.run();
    once.push(now() - t0);
  }
  const repS = Math.max(MIN_REP_S, ...once);
  const batches = once.map((s) => Math.max(1, Math.round(repS / s)));
  const rates = fns.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (const [i, f] of fns.entries()) {
      const t0 = now();
      for (let b = 0; b < batches[i]; b++) await f.run();
      rates[i].push((BATCH * batches[i]) / (now() - t0));
    }
  }
  return rates.map(median);
}

async function benchTfjs(cell, units, x, y) {
  const models = ["stock", "rnnlab"].map((impl) =>
    buildRnnClassifier({ cell, units, inputShape: [STEPS, FEATURES], numClasses: CLASSES, impl }),
  );
  const train = await alternate(models.map((m) => ({ run: () => m.trainOnBatch(x, y) })), REPS.train);
  // Reading the predictions back is part of inference; asynchronously, as a GPU backend in Node.js requires.
  const infer = await alternate(
    models.map((m) => ({
      run: async () => {
        const p = m.predict(x);
        await p.data();
        p.dispose();
      },
    })),
    REPS.infer,
  );
  models.forEach((m) => m.dispose());
  return { stock: { train: train[0], infer: infer[0] }, fast: { train: train[1], infer: infer[1] } };
}

function findTorchPython() {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import torch"], { encoding: "utf8" });
    if (r.status === 0) return { py };
    if (r.error == null && py === "/usr/bin/python3") return { why: (r.stderr || "").trim().split("\n").pop() };
  }
  return { why: "no python3 with torch found" };
}

function benchTorch(py, threads) {
  const cfg = {
    threads,
    batch: BATCH,
    steps: STEPS,
    features: FEATURES,
    classes: CLASSES,
    configs: CELLS.flatMap((c) => UNITS.map((u) => [c, u])),
    train_reps: QUICK ? 2 : 5,
    infer_reps: QUICK ? 2 : 7,
    batches_per_rep: QUICK ? 1 : 4,
  };
  // torch.set_num_threads does not reach the OpenBLAS under Debian's PyTorch, which takes every core unless told.
  const n = String(threads);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const r = spawnSync(py, [path.join(__dirname, "bench_torch.py"), JSON.stringify(cfg)], { encoding: "utf8", timeout: 300000, env });
  if (r.status !== 0) return { why: `bench_torch.py failed: ${(r.stderr || String(r.error)).trim().split("\n").pop()}` };
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const fmt = (n) => (n == null ? "-" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const ratio = (a, b) => (a == null || b == null ? "-" : `${(a / b).toFixed(2)}x`);

(async () => {
  const t0 = now();
  const info = await initRuntime({ verbose: false });
  seedEverything(1);
  let threads = 1;
  if (info.tfBackend === "wasm") threads = require("@tensorflow/tfjs-backend-wasm").getThreadsCount();
  const cpus = os.cpus();
  console.log(`# RNN benchmark${QUICK ? " (--quick)" : ""}: MNIST shapes ${STEPS} steps x ${FEATURES} features, batch ${BATCH}, Adam 1e-3, sparse cross-entropy`);
  console.log(`# machine: ${cpus[0] ? cpus[0].model.trim() : "unknown cpu"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}`);
  console.log(`# ${info.line}; tfjs threads: ${threads}`);
  setNativeThreads(threads); // the same thread count as tfjs and PyTorch
  const nk = nativeKernelInfo();
  const kernelPath = recurrentKernelPath();
  const kernelNote = kernelPath !== "tf ops"
    ? `, ${nk.threads} thread(s), ${nk.kernel} products`
    : nk.built
      ? " (rnnlab's kernels switched off: RNNLAB_NATIVE=0)"
      : ` (${nk.why})`;
  console.log(`# rnnlab recurrent kernels: ${kernelPath}${kernelNote}`);
  console.log(`# model: recurrent layer (gates: logistic sigmoid) -> Dense(${CLASSES}, softmax); samples/s, median of repetitions after a warm-up`);

  const torchPy = process.env.RNNLAB_BENCH_NO_TORCH === "1" ? { why: "RNNLAB_BENCH_NO_TORCH=1" } : findTorchPython();
  let torch = null;
  if (torchPy.py) {
    torch = benchTorch(torchPy.py, threads);
    if (torch.why) {
      console.log(`# PyTorch: skipped (${torch.why})`);
      torch = null;
    } else console.log(`# PyTorch ${torch.torch} (${torchPy.py}), ${torch.threads} thread(s) to match tfjs`);
  } else console.log(`# PyTorch: skipped (${torchPy.why})`);

  const x = tf.randomNormal([BATCH, STEPS, FEATURES]);
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), "float32");
  const rows = [];
  for (const cell of CELLS) {
    for (const units of UNITS) {
      const { stock, fast } = await benchTfjs(cell, units, x, y);
      const pt = torch ? torch.results[`${cell}/${units}`] : null;
      rows.push([
        cell, String(units),
        fmt(stock.train), fmt(fast.train), ratio(fast.train, stock.train), fmt(pt && pt.train), ratio(pt && pt.train, fast.train),
        fmt(stock.infer), fmt(fast.infer), ratio(fast.infer, stock.infer), fmt(pt && pt.infer), ratio(pt && pt.infer, fast.infer),
      ]);
      process.stderr.write(`  ${cell}/${units} done (${(now() - t0).toFixed(0)} s)\n`);
    }
  }
  const head = [
    "cell", "units",
    "train stock", "train rnnlab", "rnnlab/stock", "train torch", "torch/rnnlab",
    "infer stock", "infer rnnlab", "rnnlab/stock", "infer torch", "torch/rnnlab",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => "| " + r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
  console.log(`# ${(now() - t0).toFixed(0)} s in all`);
  tf.dispose([x, y]);
})().catch((e) => {
  console.error(`bench-rnn: ${e.stack || e}`);
  process.exit(1);
});
