#!/usr/bin/env node
// GPU host check: which GPU backend TensorFlow.js gets here, and lesson 06 and the recurrent-layer bench on it
// next to the CPU backend, in one run.
//
//   node scripts/device-check.js            # quick: lesson 06 in the quick profile + bench --quick
//   node scripts/device-check.js --full     # also lesson 06 in the full profile
//
// Each backend runs in its own process (RNNLAB_BACKEND forces it), so one backend's state cannot leak into
// another's numbers. Prints a Markdown table for the README.
"use strict";
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const FULL = process.argv.includes("--full");
const GPU_KINDS = ["tfjs-node-gpu", "webgpu"];

function sh(cmd) {
  const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

function probe(kind) {
  const code = `require(${JSON.stringify(path.join(ROOT, "lib"))}).chooseBackend({force:${JSON.stringify(kind)}})
    .then(r=>{console.log(JSON.stringify({ok:true, reason:r.attempts[0].reason})); process.exit(0)})
    .catch(e=>{console.log(JSON.stringify({ok:false, reason:e.message})); process.exit(0)})`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  const line = r.stdout.trim().split("\n").pop() || "{}";
  try {
    return JSON.parse(line);
  } catch {
    return { ok: false, reason: (r.stderr || "probe crashed").trim().split("\n").pop() };
  }
}

function runLesson06(kind, quick) {
  const out = path.join(ROOT, "build", "device-check", `${kind}-${quick ? "quick" : "full"}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-notebooks.js"), ...(quick ? ["--quick"] : []), "--out", out, "notebooks/06_rnn_mnist.ipynb"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, RNNLAB_BACKEND: kind },
  });
  const seconds = (Date.now() - t0) / 1000;
  const executed = path.join(out, "06_rnn_mnist.ipynb");
  return { ok: r.status === 0, seconds, executed, tail: (r.stdout + r.stderr).trim().split("\n").slice(-3).join(" | ") };
}

function runBench(kind) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "bench-rnn.js"), "--quick"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, RNNLAB_BACKEND: kind },
  });
  // The LSTM row's "train rnnlab" column: training samples/s of the course's layers on this backend.
  const lstm = (r.stdout || "").split("\n").find((l) => /^\|\s*lstm\s*\|/.test(l)) || "";
  const cells = lstm.split("|").map((c) => c.trim());
  return { ok: r.status === 0, lstmTrain: cells[4] ? `${cells[4]} (units ${cells[2]})` : "?", out: r.stdout };
}

function main() {
  console.log(`# rnnlab device check — ${new Date().toISOString()}`);
  console.log(`host: ${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}`);
  const smi = sh("nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader");
  console.log(`nvidia-smi: ${smi || "(not found)"}`);
  const probes = {};
  for (const kind of [...GPU_KINDS, "wasm"]) {
    probes[kind] = probe(kind);
    console.log(`backend ${kind}: ${probes[kind].ok ? "OK — " : "unavailable — "}${probes[kind].reason}`);
  }
  const kinds = [...GPU_KINDS.filter((k) => probes[k].ok), "wasm"];
  if (kinds.length === 1) console.log("No GPU backend could be used here; the table shows the CPU backend only.");
  const rows = [];
  for (const kind of kinds) {
    console.log(`\n== ${kind}: lesson 06 (quick)${FULL ? ", lesson 06 (full)" : ""}, bench --quick`);
    const q = runLesson06(kind, true);
    const f = FULL ? runLesson06(kind, false) : null;
    const b = runBench(kind);
    console.log(b.out);
    rows.push({ kind, q, f, b });
  }
  console.log("\n| backend | lesson 06 quick (s) | lesson 06 full (s) | LSTM training samples/s (bench --quick) |");
  console.log("|---|---:|---:|---:|");
  for (const { kind, q, f, b } of rows) {
    const qs = q.ok ? q.seconds.toFixed(0) : `FAILED (${q.tail})`;
    const fs_ = f ? (f.ok ? f.seconds.toFixed(0) : `FAILED (${f.tail})`) : "not run";
    console.log(`| ${kind} | ${qs} | ${fs_} | ${b.ok ? b.lstmTrain : "bench failed"} |`);
  }
  console.log(`\nexecuted notebooks (accuracy tables inside): ${path.join(ROOT, "build", "device-check")}`);
  process.exitCode = rows.every((r) => r.q.ok && (!r.f || r.f.ok) && r.b.ok) ? 0 : 1;
}

main();
