#!/usr/bin/env node
// `npm run notebooks:headless [-- --quick] [-- notebooks/06_x.ipynb ...]`: runs notebooks without Jupyter.
//
// Each notebook runs in its own Node process through tslab's own compiler and executor (the code a tslab kernel
// runs for a cell), cell by cell, with stdout, stderr and rich displays recorded into an executed .ipynb as a
// kernel would send them. No Python, no zeromq: for machines where Jupyter is missing (a GPU host reached only
// through a shell, CI images), and for quick checks. `npm run notebooks` (Jupyter's nbclient) stays the reference.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");
const { tslabExecutor } = require("./tslab-executor");

const ROOT = path.resolve(__dirname, "..", "..");
// Written whole or not at all (a temporary file renamed into place): lib/src/atomic.ts.
const { writeFileAtomic } = require(path.join(ROOT, "lib", "dist", "atomic.js"));

function usage() {
  console.log(`usage: node scripts/jupyter/run-headless.js [--quick] [--out DIR] [--timeout S] [--keep-going] [--echo] [--jobs N] [NOTEBOOK ...]
  --quick       smaller data and fewer epochs (sets RNNLAB_PROFILE=quick)
  --out DIR     where executed notebooks go (default build/headless[-quick])
  --timeout S   per-cell limit in seconds for asynchronous cells (default 3600)
  --keep-going  run the remaining notebooks after a failure
  --echo        also print each cell's output here as it runs
  --jobs N      run N notebooks at once, each in its own process (default 1)`);
}

/** One line naming a cell: its index, its number among code cells and its first line. */
function describeCell(cells, index) {
  const codeNo = cells.slice(0, index + 1).filter((c) => c.cell_type === "code").length;
  const first = sourceOf(cells[index]).trim().split("\n")[0] ?? "";
  return `cell ${index + 1} (code cell ${codeNo}, first line ${pyRepr(first.slice(0, 70))})`;
}

/** A string quoted as Python's repr() quotes it, so that both runners name a cell in the same words. */
function pyRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

function sourceOf(cell) {
  return Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
}

/** The first line of recorded stderr that looks like the error (a thrown Error or a TypeScript diagnostic). */
function errorLine(outputs) {
  const lines = outputs
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .flatMap((o) => o.text.join("").split("\n"))
    .map((l) => l.trim())
    .filter(Boolean);
  const thrown = lines.filter((l) => /^[A-Za-z]*(Error|Exception)\b.*:/.test(l) || /^\d+:\d+ - /.test(l));
  return (thrown[0] ?? lines[0] ?? "(no error text)").slice(0, 300);
}

// ---------------------------------------------------------------------------------------------------------------
// Child: runs one notebook in this process.

async function runChild(nbPath, outDir, timeoutS, echo) {
  const nb = JSON.parse(fs.readFileSync(nbPath, "utf8"));
  const nbDir = path.dirname(path.resolve(nbPath));
  process.chdir(nbDir); // as a kernel started by Jupyter for this notebook

  // The project's own tslab, as its kernelspec runs.
  const tslab = tslabExecutor(nbDir, "run-headless (without Jupyter)");
  const { executor, jupyter } = tslab;
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);

  let outputs = [];
  let displays = new Map();
  const stream = (name) => (chunk, encoding, cb) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const last = outputs[outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) last.text.push(text);
    else outputs.push({ output_type: "stream", name, text: [text] });
    if (echo) realErr(text);
    if (typeof encoding === "function") encoding();
    else if (typeof cb === "function") cb();
    return true;
  };
  // The kernel's display writer: a display_id that is shown again replaces its earlier output in place.
  const writeDisplayData = (msg, update) => {
    const id = msg.transient?.display_id;
    const output = { output_type: "display_data", data: msg.data, metadata: msg.metadata ?? {} };
    if (id && displays.has(id)) {
      Object.assign(displays.get(id), output);
      return;
    }
    if (update) return; // an update of a display that was never shown: Jupyter ignores it too
    outputs.push(output);
    if (id) displays.set(id, output);
    if (echo && msg.data["text/plain"]) realErr(`${msg.data["text/plain"]}\n`);
  };

  const results = [];
  let failed = null;
  let count = 0;
  const started = Date.now();
  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i];
    if (cell.cell_type !== "code") continue;
    outputs = [];
    displays = new Map();
    process.stdout.write = stream("stdout");
    process.stderr.write = stream("stderr");
    jupyter.lastWriteDisplayData = writeDisplayData;
    const t0 = Date.now();
    let ok;
    let timer;
    try {
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => {
          executor.interrupt();
          resolve("timeout");
        }, timeoutS * 1000);
      });
      ok = await Promise.race([executor.execute(sourceOf(cell)), timeout]);
    } catch (e) {
      console.error(e);
      ok = false;
    } finally {
      clearTimeout(timer);
      process.stdout.write = realOut;
      process.stderr.write = realErr;
    }
    cell.outputs = outputs;
    cell.execution_count = ++count;
    const seconds = (Date.now() - t0) / 1000;
    results.push({ cell: i + 1, seconds });
    if (ok !== true) {
      failed = ok === "timeout" ? `${describeCell(nb.cells, i)} ran past ${timeoutS} s` : `${describeCell(nb.cells, i)}: ${errorLine(outputs)}`;
      break;
    }
  }
  // Output that arrives after a cell ends (timers, late displays) goes to the terminal, not the notebook.
  jupyter.lastWriteDisplayData = null;
  const seconds = (Date.now() - started) / 1000;
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.basename(nbPath, ".ipynb");
  nb.metadata = { ...nb.metadata, rnnlab_headless: { executed: new Date().toISOString(), seconds, node: process.version } };
  writeFileAtomic(path.join(outDir, `${base}.ipynb`), JSON.stringify(nb, null, 1) + "\n");
  const cells = nb.cells.filter((c) => c.cell_type === "code").length;
  const result = { notebook: nbPath, seconds, cells, status: failed ? (/ran past/.test(failed) ? "TIMEOUT" : "FAILED") : "ok", detail: failed ?? "", cellSeconds: results };
  writeFileAtomic(path.join(outDir, `${base}.result.json`), JSON.stringify(result) + "\n");
  tslab.close();
  // Open handles (a backend's thread pool, timers) must not keep a finished notebook alive.
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Parent: one child process per notebook, then the table.

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    const [, nb, out, timeout, echo] = args;
    runChild(nb, out, Number(timeout), echo === "1").catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  const notebooks = [];
  let quick = require(path.join(ROOT, "lib", "dist", "config.js")).profileSetting() === "quick";
  let out;
  let timeout = 3600;
  let keepGoing = false;
  let echo = false;
  let jobs = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return usage();
    if (a === "--quick") quick = true;
    else if (a === "--out") out = args[++i];
    else if (a === "--timeout") timeout = Number(args[++i]);
    else if (a === "--keep-going") keepGoing = true;
    else if (a === "--echo") echo = true;
    else if (a === "--jobs") jobs = Number(args[++i]);
    else if (a.startsWith("-")) {
      console.error(`run-headless: unknown option ${a}`);
      usage();
      process.exit(2);
    } else notebooks.push(a);
  }
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error("run-headless: --jobs takes a whole number of notebooks to run at once, 1 or more");
    process.exit(2);
  }
  if (!(timeout > 0)) {
    console.error("run-headless: --timeout takes a number of seconds above 0");
    process.exit(2);
  }
  if (notebooks.length === 0) {
    const dir = path.join(ROOT, "notebooks");
    for (const f of fs.readdirSync(dir).sort()) if (/^\d\d_.*\.ipynb$/.test(f)) notebooks.push(path.join("notebooks", f));
  }
  for (const nb of notebooks) {
    if (!fs.existsSync(nb)) {
      console.error(`run-headless: ${nb} does not exist`);
      process.exit(1);
    }
  }
  out = path.resolve(out ?? path.join(ROOT, "build", quick ? "headless-quick" : "headless"));
  console.log(`profile: ${quick ? "quick" : "full"}; tslab's executor in Node ${process.version}, without Jupyter`);
  const results = [];
  const started = Date.now();
  const runOne = (nb) =>
    new Promise((resolve) => {
      console.log(`running ${nb} ...`);
      const base = path.basename(nb, ".ipynb");
      const resultFile = path.join(out, `${base}.result.json`);
      fs.rmSync(resultFile, { force: true });
      const t0 = Date.now();
      const child = spawn(process.execPath, [__filename, "--child", nb, out, String(timeout), echo ? "1" : "0"], {
        stdio: "inherit",
        // NODE_PATH as in the kernelspec (scripts/jupyter/jupyter-env.js): a notebook in any folder finds the course's packages.
        env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), RNNLAB_PROFILE: quick ? "quick" : "full", RNNLAB_FIGURES: path.join(out, "figures") },
      });
      child.on("exit", (code, signal) => {
        let result;
        try {
          result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
        } catch {
          const why = signal ? `killed by ${signal}` : `exit code ${code}`;
          result = { notebook: nb, seconds: (Date.now() - t0) / 1000, cells: 0, status: "FAILED", detail: `the process died (${why}) before the notebook was written` };
        }
        const detail = `${result.status} in ${result.seconds.toFixed(1)} s${result.detail ? `: ${result.detail}` : ""}`;
        console.log(jobs > 1 ? `  ${nb}: ${detail}` : `  ${detail}`);
        resolve(result);
      });
    });
  // With --jobs N, N notebooks at a time, the last-numbered first (the later lessons train longest).
  const queue = jobs > 1 ? [...notebooks].reverse() : [...notebooks];
  if (jobs > 1) console.log(`${Math.min(jobs, notebooks.length)} notebooks at a time (--jobs), the last-numbered first`);
  let stop = false;
  const worker = async () => {
    while (queue.length && !stop) {
      const result = await runOne(queue.shift());
      results.push(result);
      if (result.status !== "ok" && !keepGoing) stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, notebooks.length)) }, worker));
  const order = new Map(notebooks.map((nb, i) => [nb, i]));
  results.sort((a, b) => order.get(a.notebook) - order.get(b.notebook));
  const width = Math.max(8, ...results.map((r) => r.notebook.length));
  console.log(`\n${"notebook".padEnd(width)}  ${"seconds".padStart(8)}  ${"cells".padStart(5)}  status`);
  for (const r of results) console.log(`${r.notebook.padEnd(width)}  ${r.seconds.toFixed(1).padStart(8)}  ${String(r.cells).padStart(5)}  ${r.status}`);
  const total = (Date.now() - started) / 1000;
  const cellsRun = results.reduce((n, r) => n + r.cells, 0);
  console.log(`${"total".padEnd(width)}  ${total.toFixed(1).padStart(8)}  ${String(cellsRun).padStart(5)}  ${Math.floor(total / 60)} min ${(total % 60).toFixed(0)} s, kernel starts included`);
  console.log(`\nexecuted notebooks: ${out}`);
  const failed = results.filter((r) => r.status !== "ok");
  for (const r of failed) console.error(`\nFAILED ${r.notebook}: ${r.detail}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
