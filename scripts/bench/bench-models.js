// Benchmark of the models the course trains, whole: training samples/s of rnnlab's builders (fast layers) on each of
// their three paths (rnnlab's native kernels, the WebAssembly build of the same kernels, and tf ops, which is what
// runs where neither loads), of the same models on stock tf.layers, and of the same models in PyTorch on the same CPU
// and thread count, timed in alternation (native, wasm, tf ops, PyTorch, native, ...) so that all see the same load
// on a shared machine. The ratios printed are the targets: native/PyTorch, and wasm/tf ops. Beside each rate, the
// cores it used (CPU time / wall time of its process while it trained): PyTorch's OpenBLAS takes every core unless
// told otherwise (torch.set_num_threads does not reach it), so its child gets OPENBLAS_NUM_THREADS as well.
//
//  - lab 07: 3 x [LSTM(128) -> Dropout -> BatchNormalization] -> Dense(32, relu) -> Dropout .2 -> Dense(2, softmax),
//    windows of 60 steps x 8 features, batch 64 (rl.buildSequenceModel, as lesson 07 calls it);
//  - the lecture's MNIST model: LSTM(128) -> LSTM(128) -> Dense(32) -> Dense(10), 28 x 28, batch 32
//    (rl.buildLectureMnistLstm);
//  - lessons 02 and 06's MLP: Flatten -> Dense(128, relu) -> Dense(10), 28 x 28, batch 32, in plain tf.layers as the
//    lessons write it: "rnnlab" is that model after initRuntime (the wasm backend's products with a transposed
//    operand on the fast path, lib/src/fast/matmul.ts), "stock" the same model on the backend's own kernel.
// "stock" runs every model with the wasm backend's own BatchMatMul, the others with rnnlab's (rl.useFastWasmMatMul).
// A path whose kernels do not load here (no addon built) is left out, and says why.
//
//   npm run bench                            # a few hundred samples per model and implementation
//   npm run bench -- --profile               # the same, then the per-layer profile
//   node scripts/bench/bench-models.js --profile   # also: where one training step's time goes, layer by layer
//   node scripts/bench/bench-models.js --reps 5    # more repetitions (medians are printed)
//   node scripts/bench/bench-models.js --no-stock  # leave the (slow) stock tf.layers models out
//   node scripts/bench/bench-models.js --paths native,wasm  # only these of rnnlab's paths (native, wasm, tfops)
//   node scripts/bench/bench-models.js --model lab07  # only the named model(s): lab07, mnist, mlp (comma-separated)
//   node scripts/bench/bench-models.js --threads 2     # rnnlab's native passes and PyTorch on 2 threads (default 1)
//   node scripts/bench/bench-models.js --wasm-threads 1  # the WebAssembly kernels' threads (default: every core, as
//                                                         # the course runs them; tf ops run on one, tfjs's wasm
//                                                         # backend having no threads in Node). A second column
//                                                         # shows them on one thread, where that is not the default.
//   RNNLAB_BENCH_NO_TORCH=1                  # leave PyTorch out
const os = require("os");
const path = require("path");
const readline = require("readline");
const { spawn, spawnSync } = require("child_process");
const rl = require("rnnlab");

const { tf } = rl;
const args = process.argv.slice(2);
const PROFILE = args.includes("--profile");
const NO_STOCK = args.includes("--no-stock");
const REPS = args.includes("--reps") ? Number(args[args.indexOf("--reps") + 1]) : 3;
if (!Number.isInteger(REPS) || REPS < 1) {
  console.error("bench-models: --reps takes a positive integer");
  process.exit(2);
}
const THREADS = args.includes("--threads") ? Number(args[args.indexOf("--threads") + 1]) : 1;
if (!Number.isInteger(THREADS) || THREADS < 1) {
  console.error("bench-models: --threads takes a positive integer");
  process.exit(2);
}
const WASM_THREADS = args.includes("--wasm-threads") ? Number(args[args.indexOf("--wasm-threads") + 1]) : os.cpus().length;
if (!Number.isInteger(WASM_THREADS) || WASM_THREADS < 1) {
  console.error("bench-models: --wasm-threads takes a positive integer");
  process.exit(2);
}
const PATHS = args.includes("--paths") ? String(args[args.indexOf("--paths") + 1]).split(",") : ["native", "wasm", "tfops"];
if (PATHS.some((p) => !["native", "wasm", "tfops"].includes(p))) {
  console.error("bench-models: --paths takes native, wasm, tfops (comma-separated)");
  process.exit(2);
}
const ONLY = args.includes("--model") ? String(args[args.indexOf("--model") + 1]).split(",") : null;

const MODELS = {
  lab07: {
    title: "lab 07: 3 x [LSTM(128), Dropout, BatchNorm], Dense(32), Dense(2); 60 x 8, batch 64",
    batch: 64,
    shape: [60, 8],
    classes: 2,
    build: (impl) => rl.buildSequenceModel({ inputShape: [60, 8], units: [128, 128, 128], dropout: [0.2, 0.1, 0.2], batchNorm: true, dense: 32, impl }),
    batchesPerRep: { native: 10, wasm: 6, wasm1: 4, tfops: 2, stock: 1, torch: 10 },
  },
  mnist: {
    title: "lecture MNIST: LSTM(128), LSTM(128), Dense(32), Dense(10); 28 x 28, batch 32",
    batch: 32,
    shape: [28, 28],
    classes: 10,
    build: (impl) => rl.buildLectureMnistLstm({ impl }),
    batchesPerRep: { native: 30, wasm: 15, wasm1: 10, tfops: 5, stock: 1, torch: 30 },
  },
  mlp: {
    title: "lessons 02/06 MLP: Flatten, Dense(128, relu), Dense(10); 28 x 28, batch 32",
    batch: 32,
    shape: [28, 28],
    classes: 10,
    build: () => {
      const m = tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [28, 28] }), tf.layers.dense({ units: 128, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })],
      });
      m.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy" });
      return m;
    },
    batchesPerRep: { native: 100, wasm: 100, wasm1: 100, tfops: 100, stock: 50, torch: 100 },
  },
};

if (ONLY) {
  const unknown = ONLY.filter((k) => !MODELS[k]);
  if (unknown.length) {
    console.error(`bench-models: --model takes ${Object.keys(MODELS).join(", ")} (comma-separated), got ${unknown.join(", ")}`);
    process.exit(2);
  }
  for (const k of Object.keys(MODELS)) if (!ONLY.includes(k)) delete MODELS[k];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e9;

/** PyTorch in a child process that trains n batches on request, so that its repetitions alternate with ours. */
async function startTorch(threads) {
  if (process.env.RNNLAB_BENCH_NO_TORCH === "1") return { why: "RNNLAB_BENCH_NO_TORCH=1" };
  const py = ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import torch"]).status === 0);
  if (!py) return { why: "no python3 with torch found" };
  // With more than one thread, PyTorch's products get the threads (OpenBLAS) and its own thread pool one: of the
  // settings tried on a 2-core machine this was its fastest; torch.set_num_threads(2) as well made it 1.3-4x slower
  // (its pool and OpenBLAS's threads then fight over the cores).
  const n = String(threads);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: n };
  const child = spawn(py, [path.join(__dirname, "bench_torch_models.py"), JSON.stringify({ threads: 1 })], { stdio: ["pipe", "pipe", "inherit"], env });
  const lines = readline.createInterface({ input: child.stdout });
  const queue = [];
  const waiting = [];
  let exited = null;
  lines.on("line", (l) => (waiting.length ? waiting.shift().res(l) : queue.push(l)));
  // One exit listener for the whole run (one per request piled up past Node's limit of 10).
  child.once("exit", (code) => {
    exited = new Error(`bench_torch_models.py exited with ${code}`);
    for (const w of waiting.splice(0)) w.rej(exited);
  });
  const next = () => new Promise((res, rej) => {
    if (queue.length) return res(queue.shift());
    if (exited) return rej(exited);
    waiting.push({ res, rej });
  });
  const hello = JSON.parse(await next());
  return {
    py,
    version: hello.torch,
    threads: hello.threads,
    blasThreads: threads,
    train: async (model, batches) => {
      child.stdin.write(JSON.stringify({ model, batches }) + "\n");
      return JSON.parse(await next());
    },
    stop: () => child.stdin.end(),
  };
}

/**
 * Where one training step's time goes: each layer's forward pass (its call), its backward pass (from the moment the
 * gradient reaches its output to the moment it leaves its input, marked by identity ops with a custom gradient), and
 * the rest: loss, the first layer's backward pass up to the optimizer, the optimizer's update. Synchronous backends.
 */
async function profileStep(model, x, y, steps = 3) {
  const n = model.layers.length;
  const fwd = new Array(n).fill(0);
  const bwd = new Array(n).fill(0);
  let gotOut = new Array(n).fill(0);
  let gotIn = new Array(n).fill(0);
  const marker = (record) =>
    tf.customGrad((x) => ({ value: tf.clone(x), gradFunc: (dy) => (record(now()), dy) }));
  const originals = model.layers.map((l) => l.call);
  model.layers.forEach((layer, i) => {
    const markIn = marker((t) => (gotIn[i] = t));
    const markOut = marker((t) => (gotOut[i] = t));
    layer.call = function (inputs, kwargs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const t0 = now();
      const out = originals[i].call(this, kwargs && kwargs.training ? markIn(x) : x, kwargs);
      const dt = now() - t0;
      if (kwargs && kwargs.training) fwd[i] += dt;
      return kwargs && kwargs.training ? markOut(out) : out;
    };
  });
  const opt = model.optimizer;
  const apply = opt.applyGradients.bind(opt);
  let tApply = 0;
  let optS = 0;
  opt.applyGradients = (g) => {
    tApply = now();
    const r = apply(g);
    optS += now() - tApply;
    return r;
  };
  await model.trainOnBatch(x, y); // warm-up
  fwd.fill(0);
  optS = 0;
  let total = 0;
  for (let s = 0; s < steps; s++) {
    gotOut = new Array(n).fill(0);
    gotIn = new Array(n).fill(0);
    const t0 = now();
    await model.trainOnBatch(x, y);
    total += now() - t0;
    // A layer's backward pass ends when the gradient leaves its input, or, where nothing below needs that gradient
    // (the first layer, or the layer after a Flatten of the input), when the optimizer starts.
    for (let i = 0; i < n; i++) if (gotOut[i]) bwd[i] += (gotIn[i] || tApply) - gotOut[i];
  }
  model.layers.forEach((l, i) => (l.call = originals[i]));
  opt.applyGradients = apply;
  const ms = (s) => (1000 * s) / steps;
  const rows = model.layers.map((l, i) => [`${l.getClassName()} ${JSON.stringify(l.outputShape.slice(1))}`, ms(fwd[i]), ms(bwd[i])]);
  const layersS = fwd.reduce((a, b) => a + b, 0) + bwd.reduce((a, b) => a + b, 0);
  rows.push(["optimizer (Adam)", ms(optS), 0]);
  rows.push(["the rest (loss, tape, data)", ms(total - layersS - optS), 0]);
  return { rows, stepMs: ms(total) };
}

function printProfile(title, { rows, stepMs }) {
  console.log(`\n## profile, ${title}: one training step ${stepMs.toFixed(1)} ms`);
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${"layer".padEnd(w)} | forward ms | backward ms | share |`);
  console.log(`|${"-".repeat(w + 2)}|-----------:|------------:|------:|`);
  for (const [name, f, b] of rows) {
    console.log(`| ${name.padEnd(w)} | ${f.toFixed(1).padStart(10)} | ${b.toFixed(1).padStart(11)} | ${((100 * (f + b)) / stepMs).toFixed(0).padStart(4)}% |`);
  }
}

(async () => {
  const t0 = now();
  const info = await rl.initRuntime({ verbose: false });
  rl.seedEverything(1);
  let threads = 1;
  if (info.tfBackend === "wasm") threads = require("@tensorflow/tfjs-backend-wasm").getThreadsCount();
  const cpus = os.cpus();
  // Which of rnnlab's paths run here: each build of the kernels that loads, and tf ops.
  const paths = [];
  const skipped = [];
  for (const p of PATHS) {
    if (p === "tfops" || rl.useKernelBuild(p)) paths.push(p);
    else skipped.push(`${p}: ${rl.nativeKernelInfo().why}`);
    if (p === "wasm" && paths.includes("wasm") && WASM_THREADS > 1) paths.push("wasm1");
  }
  rl.useKernelBuild(paths.includes("native") ? "native" : "wasm");
  rl.setNativeThreads(THREADS);
  const nk = rl.nativeKernelInfo();
  console.log(`# whole-model benchmark: training samples/s, Adam 1e-3, sparse cross-entropy; medians of ${REPS} repetitions after a warm-up, timed in alternation`);
  console.log(`# machine: ${cpus[0] ? cpus[0].model.trim() : "unknown cpu"}, ${cpus.length} cores, load average ${os.loadavg()[0].toFixed(1)}; ${info.line}; tfjs threads: ${threads}`);
  console.log(`# rnnlab's paths: ${paths.join(", ")}${nk.build === "native" ? ` (native: ${nk.kernel} products, ${nk.threads} thread(s), --threads)` : ""}${paths.includes("wasm") ? `; wasm: SIMD128, ${WASM_THREADS} thread(s) (--wasm-threads)${paths.includes("wasm1") ? ", wasm1: the same on 1 thread" : ""}` : ""}`);
  for (const why of skipped) console.log(`# left out: ${why}`);
  const torch = await startTorch(THREADS);
  console.log(torch.why ? `# PyTorch: skipped (${torch.why})` : `# PyTorch ${torch.version} (${torch.py}): ${torch.blasThreads} OpenBLAS thread(s), ${torch.threads} intra-op thread(s)`);

  const rows = [];
  const profiles = [];
  for (const [key, m] of Object.entries(MODELS)) {
    const [steps, feats] = m.shape;
    const x = tf.randomNormal([m.batch, steps, feats]);
    const y = tf.tensor1d(Array.from({ length: m.batch }, (_, i) => i % m.classes), "float32");
    const models = { rnnlab: m.build("rnnlab") };
    if (!NO_STOCK) models.stock = m.build("stock");
    const impls = [...paths, ...(NO_STOCK ? [] : ["stock"])];
    const runs = impls.map((impl) => ({
      name: impl,
      batches: m.batchesPerRep[impl],
      run: async (b) => {
        rl.useFastWasmMatMul(impl !== "stock");
        if (impl === "native" || impl.startsWith("wasm")) {
          rl.useKernelBuild(impl === "native" ? "native" : "wasm");
          rl.setNativeThreads(impl === "native" ? THREADS : impl === "wasm" ? WASM_THREADS : 1);
        }
        rl.useNativeKernels(impl !== "tfops");
        const model = impl === "stock" ? models.stock : models.rnnlab;
        const s = now();
        const c = process.cpuUsage();
        for (let i = 0; i < b; i++) await model.trainOnBatch(x, y);
        const cpu = process.cpuUsage(c);
        return { seconds: now() - s, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      },
    }));
    if (!torch.why) runs.push({ name: "torch", batches: m.batchesPerRep.torch, run: (b) => torch.train(key, b) });
    for (const r of runs) await r.run(1); // warm-up
    const rates = Object.fromEntries(runs.map((r) => [r.name, []]));
    const cores = Object.fromEntries(runs.map((r) => [r.name, []]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const r of runs) {
        const { seconds, cpuSeconds } = await r.run(r.batches);
        rates[r.name].push((m.batch * r.batches) / seconds);
        cores[r.name].push(cpuSeconds / seconds);
      }
    }
    const med = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
    const used = Object.fromEntries(Object.entries(cores).map(([k, v]) => [k, median(v)]));
    rows.push([key, med, used]);
    rl.useFastWasmMatMul(true);
    rl.useNativeKernels(true);
    rl.useKernelBuild(paths.includes("native") ? "native" : "wasm");
    if (PROFILE) profiles.push([m.title, await profileStep(models.rnnlab, x, y)]);
    Object.values(models).forEach((mm) => mm.dispose());
    tf.dispose([x, y]);
    process.stderr.write(`  ${key} done (${(now() - t0).toFixed(0)} s)\n`);
  }
  if (!torch.why) torch.stop();
  const f = (v) => (v == null ? "-" : v >= 100 ? Math.round(v).toString() : v.toFixed(1));
  const r = (a, b) => (a == null || b == null ? "-" : `${(a / b).toFixed(2)}x`);
  const c = (v) => (v == null ? "-" : v.toFixed(2));
  console.log(`# samples/s at --threads ${THREADS}; "cores": CPU time / wall time of each while it trained (medians)`);
  const cols = [...paths, ...(NO_STOCK ? [] : ["stock"]), ...(torch.why ? [] : ["torch"])];
  const NAMES = { native: "native kernels", wasm: `wasm kernels (${WASM_THREADS} thr)`, wasm1: "wasm kernels (1 thr)", tfops: "tf ops", stock: "stock tf.layers", torch: "PyTorch" };
  const ratios = [["native", "torch"], ["wasm", "tfops"], ["wasm1", "tfops"], ["native", "tfops"], ["native", "wasm"]].filter(([a, b]) => cols.includes(a) && cols.includes(b));
  console.log(`| model | ${cols.map((k) => NAMES[k]).join(" | ")} | ${ratios.map(([a, b]) => `${a}/${b}`).join(" | ")} | cores: ${cols.join(", ")} |`);
  console.log(`|---|${cols.map(() => "---:").join("|")}|${ratios.map(() => "---:").join("|")}|---:|`);
  for (const [key, med, u] of rows)
    console.log(`| ${MODELS[key].title} | ${cols.map((k) => f(med[k])).join(" | ")} | ${ratios.map(([a, b]) => r(med[a], med[b])).join(" | ")} | ${cols.map((k) => c(u[k])).join(", ")} |`);
  for (const [title, p] of profiles) printProfile(title, p);
  console.log(`# ${(now() - t0).toFixed(0)} s in all`);
})().catch((e) => {
  console.error(`bench-models: ${e.stack || e}`);
  process.exit(1);
});
