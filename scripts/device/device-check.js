#!/usr/bin/env node
// GPU host check: which GPU backend TensorFlow.js gets here; then lesson 06 (quick and full), the backend-agreement
// tests and the recurrent-layer bench on each GPU backend that works, beside the CPU backend (wasm), in one run.
//
//   node scripts/device/device-check.js [--full] [--budget S] [--out DIR]
//     --full       also lesson 06 in the full profile (the lecture's 3 epochs of 60,000 digits), GPU first
//     --budget S   stop starting new steps when fewer seconds are left than a step may take (default 480);
//                  skipped steps are marked in the table, so a time-boxed machine still returns a result
//     --out DIR    the table (device-check.md), the log and the executed lesson 06 notebooks (default
//                  build/device-check)
//   --smoke       lesson 06 quick on the CPU backend only, a tiny bench: proves a bundle works (device-bundle.js)
//   --trace-only  the probes and a tiny bench, nothing written: what device-bundle.js traces
//
// Lesson 06 runs through scripts/jupyter/run-headless.js (tslab's executor, no Jupyter), so a GPU host needs only the
// bundle from scripts/device/device-bundle.js. Each step runs in its own process with RNNLAB_BACKEND forcing the backend,
// so one backend's state cannot leak into another's numbers.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const FULL = args.includes("--full");
const SMOKE = args.includes("--smoke");
const TRACE = args.includes("--trace-only");
const BUDGET_S = Number(opt("--budget", 480));
const OUT = path.resolve(opt("--out", path.join(ROOT, "build", "device-check")));
const GPU_KINDS = ["tfjs-node-gpu", "webgpu"];
const CPU_KIND = "wasm";
const started = Date.now();
const left = () => BUDGET_S - (Date.now() - started) / 1000;

const log = [];
function say(line = "") {
  console.log(line);
  log.push(line);
}

function sh(cmd) {
  const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

// GNU timeout kills the step's whole process group: run-headless starts one process per notebook, and a notebook
// left running after its parent was killed would go on using the GPU during the next steps and skew their timings.
const HAVE_TIMEOUT = spawnSync("timeout", ["--version"], { encoding: "utf8" }).status === 0;

/** Runs `node script ...args` with a backend forced and a time limit; never throws. */
function node(script, scriptArgs, kind, limitS, extraEnv = {}) {
  const t0 = Date.now();
  const limit = Math.max(1, Math.floor(limitS));
  const argv = [process.execPath, path.join(ROOT, script), ...scriptArgs];
  const [cmd, ...rest] = HAVE_TIMEOUT ? ["timeout", "-s", "KILL", String(limit), ...argv] : argv;
  const r = spawnSync(cmd, rest, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    timeout: (limit + 10) * 1000,
    killSignal: "SIGKILL",
    env: { ...process.env, RNNLAB_BACKEND: kind, ...extraEnv },
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const timedOut = r.error?.code === "ETIMEDOUT" || r.signal === "SIGKILL" || (HAVE_TIMEOUT && (r.status === 137 || r.status === 124));
  return { ok: r.status === 0, timedOut, seconds: (Date.now() - t0) / 1000, out };
}

function probe(kind) {
  const code = `require(${JSON.stringify(path.join(ROOT, "lib"))}).chooseBackend({force:${JSON.stringify(kind)}})
    .then(r=>{console.log(JSON.stringify({ok:true, reason:r.attempts[0].reason})); process.exit(0)})
    .catch(e=>{console.log(JSON.stringify({ok:false, reason:e.message})); process.exit(0)})`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 120000 });
  const line = (r.stdout || "").trim().split("\n").pop() || "{}";
  try {
    return JSON.parse(line);
  } catch {
    return { ok: false, reason: (r.stderr || "probe crashed").trim().split("\n").pop() };
  }
}

/** From an executed lesson 06: the lecture LSTM's test accuracy, epochs, training samples/s and seconds. */
function lessonResult(file) {
  let nb;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  const texts = nb.cells
    .filter((c) => c.cell_type === "code")
    .flatMap((c) => c.outputs)
    .map((o) => (o.output_type === "stream" ? o.text.join("") : (o.data?.["text/plain"] ?? "")));
  const all = texts.join("\n");
  const acc = all.match(/^lecture LSTM: ([\d.]+) after (\d+) epochs on (\d+) images/m);
  const speed = all.match(/^lecture LSTM: done, \d+ epoch\(s\) in ([\d.]+) s; (\d+) samples\/s/m);
  const backend = all.match(/^rnnlab backend: (.*)$/m);
  return {
    accuracy: acc ? Number(acc[1]) : null,
    epochs: acc ? Number(acc[2]) : null,
    images: acc ? Number(acc[3]) : null,
    trainSeconds: speed ? Number(speed[1]) : null,
    samplesPerS: speed ? Number(speed[2]) : null,
    backend: backend ? backend[1] : null,
  };
}

function runLesson06(kind, quick, limitS) {
  const dir = path.join(OUT, `${kind}-${quick ? "quick" : "full"}`);
  const r = node("scripts/jupyter/run-headless.js", [...(quick ? ["--quick"] : []), "--out", dir, "notebooks/06_rnn_mnist.ipynb"], kind, limitS);
  const result = lessonResult(path.join(dir, "06_rnn_mnist.ipynb"));
  if (!quick && result) fs.copyFileSync(path.join(dir, "06_rnn_mnist.ipynb"), path.join(OUT, `06_rnn_mnist-${kind}-full.ipynb`));
  return { ...r, result };
}

/** bench-rnn's LSTM rows: training samples/s of stock tf.layers and of rnnlab's layers on this backend, per size. */
function runBench(kind, limitS, tiny) {
  const benchArgs = tiny ? ["--tiny"] : ["--quick", "--cells", "lstm", "--units", "32,128"];
  const r = node("scripts/bench/bench-rnn.js", benchArgs, kind, limitS, { RNNLAB_BENCH_NO_TORCH: "1" });
  const rows = r.out
    .split("\n")
    .filter((l) => /^\|\s*lstm\s*\|/.test(l))
    .map((l) => l.split("|").map((c) => c.trim()))
    .map((c) => `LSTM(${c[2]}) ${c[3]} / ${c[4]}`);
  return { ...r, summary: rows.join("; ") || "?" };
}

/** Whether Dawn's binding and tfjs-backend-webgpu load at all (no GPU needed): tells a bundle gap from a GPU problem. */
function gpuModules() {
  const code = `const path = require("path");
    const dir = path.dirname(require.resolve("webgpu/package.json"));
    const dawn = require(path.join(dir, "dist", process.platform + "-" + process.arch, "dawn.node"));
    require("@tensorflow/tfjs"); require("@tensorflow/tfjs-backend-webgpu");
    console.log("Dawn binding (" + Object.keys(dawn).join(", ") + ") and tfjs-backend-webgpu load");`;
  const r = spawnSync(process.execPath, ["-e", code], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
  const last = (s) => (s || "").trim().split("\n").filter(Boolean).pop() ?? "";
  return { ok: r.status === 0, line: r.status === 0 ? last(r.stdout) : `do not load: ${last(r.stderr) || r.error?.message}` };
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  say(`# rnnlab device check — ${new Date().toISOString()}`);
  say(`host: ${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}`);
  const smi = sh("nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader");
  say(`nvidia-smi: ${smi || "(not found)"}`);
  const vk = sh("ldconfig -p | grep -m1 libvulkan.so.1");
  say(`Vulkan loader: ${vk || "(not found)"}${process.env.VK_DRIVER_FILES ? `; VK_DRIVER_FILES=${process.env.VK_DRIVER_FILES}` : ""}`);
  const probes = {};
  for (const kind of [...GPU_KINDS, CPU_KIND]) {
    probes[kind] = probe(kind);
    say(`backend ${kind}: ${probes[kind].ok ? "OK — " : "unavailable — "}${probes[kind].reason}`);
  }
  const mods = gpuModules();
  say(`GPU modules: ${mods.line}`);
  if (TRACE) {
    const b = runBench(process.env.RNNLAB_BACKEND || CPU_KIND, 300, true);
    process.exit(b.ok ? 0 : 1);
  }
  const gpus = GPU_KINDS.filter((k) => probes[k].ok);
  const kinds = SMOKE ? [CPU_KIND] : [...gpus, CPU_KIND];
  if (!SMOKE && gpus.length === 0) say("No GPU backend could be used here; the table shows the CPU backend only.");

  // Steps in order of importance, so that a budget cut loses the least: lesson 06 quick on each backend, the
  // agreement tests on the GPU, the bench, then lesson 06 full.
  const steps = [];
  for (const kind of kinds) steps.push({ kind, what: "quick", limit: 150, run: (l) => runLesson06(kind, true, l) });
  if (!SMOKE) for (const kind of gpus) steps.push({ kind, what: "agree", limit: 120, run: (l) => node("node_modules/mocha/bin/mocha.js", ["--no-config", "--timeout", "60000", "test/tooling/backends.test.js"], kind, l) });
  for (const kind of kinds) steps.push({ kind, what: "bench", limit: 150, run: (l) => runBench(kind, l, SMOKE) });
  if (FULL && !SMOKE) for (const kind of kinds) steps.push({ kind, what: "full", limit: 420, run: (l) => runLesson06(kind, false, l) });
  // Last, if time is left: every notebook (quick) on each GPU backend, as a student on a GPU host would run them.
  if (!SMOKE) for (const kind of gpus) steps.push({ kind, what: "all", limit: 300, run: (l) => node("scripts/jupyter/run-headless.js", ["--quick", "--keep-going", "--out", path.join(OUT, `${kind}-all`)], kind, l) });

  const done = {};
  for (const s of steps) {
    const key = `${s.kind}/${s.what}`;
    const limit = Math.min(s.limit, left() - 5);
    if (limit < 20) {
      say(`\n== ${key}: skipped, ${left().toFixed(0)} s of the budget left`);
      done[key] = { skipped: true };
      continue;
    }
    say(`\n== ${key} (limit ${limit.toFixed(0)} s)`);
    const r = s.run(limit);
    done[key] = r;
    const tail = r.out.trim().split("\n").slice(-12).join("\n");
    say(tail);
    say(`-> ${r.ok ? "ok" : r.timedOut ? "TIMED OUT" : "FAILED"} in ${r.seconds.toFixed(1)} s`);
  }

  const lessonCell = (r) => {
    if (!r || r.skipped) return "skipped (budget)";
    if (!r.ok) return r.timedOut ? `timed out after ${r.seconds.toFixed(0)} s` : "FAILED (see log)";
    const x = r.result;
    return `${r.seconds.toFixed(0)} s; acc ${x?.accuracy?.toFixed(4) ?? "?"}; ${x?.samplesPerS ?? "?"} samples/s`;
  };
  const table = [
    "",
    "| backend | lesson 06 quick: run time; lecture LSTM test acc; its training samples/s | lesson 06 full: same | agreement tests vs cpu | bench: training samples/s, stock / rnnlab layers | all notebooks, quick |",
    "|---|---|---|---|---|---|",
  ];
  for (const kind of kinds) {
    const q = done[`${kind}/quick`];
    const f = done[`${kind}/full`];
    const a = done[`${kind}/agree`];
    const b = done[`${kind}/bench`];
    const agree = !a ? "—" : a.skipped ? "skipped (budget)" : a.ok ? `${(a.out.match(/(\d+) passing/) ?? [])[1] ?? "all"} passed` : "FAILED (see log)";
    const bench = !b || b.skipped ? "skipped (budget)" : b.ok ? b.summary : "FAILED (see log)";
    const all = done[`${kind}/all`];
    const allCell = !all ? "—" : all.skipped ? "skipped (budget)" : `${all.ok ? "all passed" : all.timedOut ? "timed out" : "FAILED (see log)"} in ${all.seconds.toFixed(0)} s`;
    table.push(`| ${kind} | ${lessonCell(q)} | ${FULL && !SMOKE ? lessonCell(f) : "not run"} | ${agree} | ${bench} | ${allCell} |`);
  }
  for (const line of table) say(line);
  say(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all; executed notebooks under ${OUT}`);
  fs.writeFileSync(path.join(OUT, "device-check.md"), log.join("\n") + "\n");
  const failed = Object.values(done).some((r) => !r.skipped && !r.ok);
  process.exitCode = failed || !done[`${CPU_KIND}/quick`]?.ok || (SMOKE && !mods.ok) ? 1 : 0;
}

// The tests read executed notebooks with the same parser.
if (require.main === module) main();
module.exports = { lessonResult };
