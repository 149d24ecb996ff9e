#!/usr/bin/env node
// `npm run grade -- DIR`: grades a class's notebooks. Every student notebook (*.ipynb) in DIR runs headless, each in
// its own child process (tslab's compiler and executor, as `npm run notebooks:headless`), with a time limit, and the
// results of its exercise checks (rl.checkExercise publishes them as display data) become one row of a table:
// DIR/grades/grades.csv and DIR/grades/grades.html (or --out), also printed here.
//
// By default only what the exercises need runs: the notebook's first code cell (imports, runtime) and everything from
// its "## 연습 문제" heading on, so that grading does not retrain the lesson's models. --whole runs every cell.
// A check cell that a student edited is replaced by the lesson's own; one that was deleted is put back at the end
// (and both are reported), so a student cannot grade themself by editing the check.
//
// Containment: each notebook runs in a fresh temporary folder (a copy of the notebook, node_modules linked
// read-only from the project), with a minimal environment (PATH, HOME = that folder, the rnnlab settings), a memory
// cap and a wall-clock limit after which the process is killed. As root it also runs without network (`unshare -n`:
// a network namespace with no interfaces) and as the unprivileged user nobody (`setpriv`); otherwise it runs as the
// grading user, and the grader says so.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { tslabExecutor } = require("../jupyter/tslab-executor");

const ROOT = path.resolve(__dirname, "..", "..");
// Written whole or not at all (a temporary file renamed into place): lib/src/atomic.ts.
const { writeFileAtomic } = require(path.join(ROOT, "lib", "dist", "atomic.js"));
const EXERCISE_MIME = "application/vnd.rnnlab.exercise+json";
const CHECK_RE = /rl\.checkExercise\(\s*"(\d\d-\d+)"/;
const HEADING_RE = /^#+\s*연습 문제/m;

function usage() {
  console.log(`usage: npm run grade -- DIR [--out DIR] [--timeout S] [--whole] [--lesson NN]
  DIR          folder of student notebooks (*.ipynb), one per student
  --out DIR    where grades.csv and grades.html go (default DIR/grades)
  --timeout S  wall-clock limit per notebook in seconds (default 120)
  --whole      run every cell, not only the setup cell and the exercises
  --lesson NN  the lesson, when a file name does not start with it (e.g. 05)`);
}

const sourceOf = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? ""));

// ---------------------------------------------------------------------------------------------------------------
// Child: runs one notebook, every cell even after a failure, writing each cell's outcome as it goes.

async function runChild(nbPath, progressPath) {
  const nb = JSON.parse(fs.readFileSync(nbPath, "utf8"));
  const dir = path.dirname(path.resolve(nbPath));
  process.chdir(dir);
  const tslab = tslabExecutor(dir, "grading");
  const { executor, jupyter } = tslab;
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i];
    if (cell.cell_type !== "code") continue;
    let stderr = "";
    const results = [];
    process.stdout.write = (chunk, enc, cb) => {
      if (typeof enc === "function") enc();
      else if (typeof cb === "function") cb();
      return true;
    };
    process.stderr.write = (chunk, enc, cb) => {
      stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      if (typeof enc === "function") enc();
      else if (typeof cb === "function") cb();
      return true;
    };
    jupyter.lastWriteDisplayData = (msg) => {
      if (msg.data && typeof msg.data[EXERCISE_MIME] === "string") {
        try {
          results.push(JSON.parse(msg.data[EXERCISE_MIME]));
        } catch {
          /* not ours */
        }
      }
    };
    let ok;
    try {
      ok = await executor.execute(sourceOf(cell));
    } catch (e) {
      stderr += String(e && e.stack ? e.stack : e);
      ok = false;
    } finally {
      process.stdout.write = realOut;
      process.stderr.write = realErr;
      jupyter.lastWriteDisplayData = null;
    }
    const error = ok === true ? "" : errorLine(stderr);
    fs.appendFileSync(progressPath, JSON.stringify({ cell: i, ok: ok === true, error, results }) + "\n");
  }
  fs.appendFileSync(progressPath, JSON.stringify({ done: true }) + "\n");
  tslab.close();
  process.exit(0);
}

/** The line of stderr that names the error (a thrown Error or a TypeScript diagnostic). */
function errorLine(text) {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const thrown = lines.filter((l) => /^[A-Za-z]*(Error|Exception)\b.*:/.test(l) || /^\d+:\d+ - /.test(l));
  return (thrown[0] ?? lines[0] ?? "(no error text)").slice(0, 200);
}

// ---------------------------------------------------------------------------------------------------------------
// Parent.

/** The lesson's own notebook and the check cell source of each of its exercises, in order. */
function lessonChecks(lesson) {
  const file = fs.readdirSync(path.join(ROOT, "notebooks")).find((f) => f.startsWith(`${lesson}_`) && f.endsWith(".ipynb"));
  if (!file) return null;
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", file), "utf8"));
  const checks = [];
  for (const c of nb.cells) {
    const m = c.cell_type === "code" && CHECK_RE.exec(sourceOf(c));
    if (m) checks.push({ id: m[1], source: sourceOf(c) });
  }
  return { file, checks };
}

function lessonOf(file, nb, forced) {
  if (forced) return forced;
  const m = /(?:^|[^0-9])(0[1-9])_/.exec(path.basename(file)) ?? /^(0[1-9])[^0-9]/.exec(path.basename(file));
  if (m) return m[1];
  for (const c of nb.cells ?? []) {
    const id = CHECK_RE.exec(sourceOf(c));
    if (id) return id[1].slice(0, 2);
  }
  return null;
}

/** The notebook the grader runs for a student, and what it had to change (notes). */
function gradingNotebook(nb, checks, whole) {
  const notes = [];
  let cells = nb.cells.filter((c) => c.cell_type === "code" || c.cell_type === "markdown");
  if (!whole) {
    const heading = cells.findIndex((c) => c.cell_type === "markdown" && HEADING_RE.test(sourceOf(c)));
    const firstCode = cells.findIndex((c) => c.cell_type === "code");
    if (heading < 0) notes.push("no '연습 문제' heading: ran every cell");
    else cells = [cells[firstCode], ...cells.slice(heading)].filter(Boolean);
  }
  cells = cells.filter((c) => c.cell_type === "code").map((c) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: sourceOf(c) }));
  const present = new Set();
  for (const c of cells) {
    const m = CHECK_RE.exec(c.source);
    if (!m) continue;
    const ref = checks.find((k) => k.id === m[1]);
    if (!ref || present.has(m[1])) {
      c.source = "// (a check cell the lesson does not have, or a second one: not run when grading)";
      continue;
    }
    present.add(m[1]);
    if (c.source.trim() !== ref.source.trim()) {
      notes.push(`${m[1]}: check cell edited, the lesson's check ran instead`);
      c.source = ref.source;
    }
  }
  for (const ref of checks) {
    if (present.has(ref.id)) continue;
    notes.push(`${ref.id}: check cell deleted, the lesson's check was added at the end`);
    cells.push({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: ref.source });
  }
  return { nb: { cells, metadata: nb.metadata ?? {}, nbformat: 4, nbformat_minor: 5 }, notes };
}

function containment() {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const works = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
  const asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  if (isRoot && works("unshare", ["-n", "true"])) {
    // nobody must be able to read the project (a checkout under /root is not): else keep root's user, say so.
    if (works("setpriv", [...asNobody, "cat", path.join(ROOT, "node_modules", "tslab", "package.json")])) {
      return { prefix: ["unshare", "-n", "setpriv", ...asNobody, "--"], uid: 65534, gid: 65534, text: "no network (unshare -n), as user nobody (setpriv)" };
    }
    return { prefix: ["unshare", "-n", "--"], text: "no network (unshare -n), but AS ROOT: user nobody cannot read this project's folder (make it world-readable to drop root)" };
  }
  if (!isRoot && works("unshare", ["-r", "-n", "true"])) {
    return { prefix: ["unshare", "-r", "-n", "--"], text: "no network (unshare -rn, a user namespace), as the grading user" };
  }
  return { prefix: [], text: "WITH network and as the grading user: run as root (unshare, setpriv) or in a container to contain it" };
}

function runStudent(file, opts, lessonInfo, contain) {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  const { nb: graded, notes } = gradingNotebook(nb, lessonInfo.checks, opts.whole);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-grade-"));
  try {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tmp, "node_modules"), "dir");
    const nbFile = path.join(tmp, "student.ipynb");
    const progress = path.join(tmp, "progress.jsonl");
    fs.writeFileSync(nbFile, JSON.stringify(graded));
    fs.writeFileSync(progress, "");
    if (contain.uid !== undefined) for (const f of [tmp, nbFile, progress]) fs.chownSync(f, contain.uid, contain.gid);
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      TMPDIR: tmp,
      LANG: "C.UTF-8",
      RNNLAB_PROFILE: "quick",
      RNNLAB_MODELS: path.join(tmp, "models"),
      RNNLAB_FIGURES: path.join(tmp, "figures"),
      ...(process.env.RNNLAB_BACKEND ? { RNNLAB_BACKEND: process.env.RNNLAB_BACKEND } : {}),
      ...(process.env.RNNLAB_NATIVE ? { RNNLAB_NATIVE: process.env.RNNLAB_NATIVE } : {}),
    };
    const argv = [...contain.prefix, process.execPath, "--max-old-space-size=2048", __filename, "--child", nbFile, progress];
    const t0 = Date.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: tmp, env, timeout: opts.timeout * 1000, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20 });
    const seconds = (Date.now() - t0) / 1000;
    const lines = fs.readFileSync(progress, "utf8").split("\n").filter(Boolean).map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return null;
      }
    }).filter(Boolean);
    const done = lines.some((l) => l.done);
    const cellsRun = lines.filter((l) => "cell" in l);
    let run = "ok";
    if (!done) {
      const timedOut = r.error?.code === "ETIMEDOUT" || (r.signal === "SIGKILL" && seconds >= opts.timeout - 1);
      run = timedOut ? `timeout: killed after ${opts.timeout} s` : `died (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})${r.stderr ? `: ${errorLine(String(r.stderr))}` : ""}`;
    }
    const failed = cellsRun.filter((l) => !l.ok);
    if (failed.length && run === "ok") run = `${failed.length} cell(s) failed`;
    // Each exercise: the result its check published, else why there is none.
    const exercises = {};
    for (const ref of lessonInfo.checks) {
      const cellIndex = graded.cells.findIndex((c) => c.source === ref.source);
      const line = cellsRun.find((l) => l.cell === cellIndex);
      const result = cellsRun.flatMap((l) => l.results).filter((x) => x && x.id === ref.id).pop();
      if (result && ["pass", "fail", "not-solved", "library-call"].includes(result.status)) exercises[ref.id] = { status: result.status, code: String(result.code ?? ""), message: String(result.message ?? "") };
      else if (line && !line.ok) exercises[ref.id] = { status: "not-run", code: "cell-error", message: `check cell failed: ${line.error}` };
      else if (!line) exercises[ref.id] = { status: "not-run", code: done ? "not-run" : "timeout", message: done ? "the check did not run" : `not reached: ${run}` };
      else exercises[ref.id] = { status: "not-run", code: "no-result", message: "the check cell published no result" };
    }
    const firstError = failed.find((l) => !lessonInfo.checks.some((ref) => graded.cells[l.cell]?.source === ref.source));
    if (firstError) notes.push(`cell error: ${firstError.error}`);
    return { run, seconds, exercises, notes };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// "library call": the answer calls the library function the exercise asks for; shown, and not counted as passed.
const SHORT = { pass: "pass", fail: "FAIL", "not-solved": "not solved", "not-run": "not run", "library-call": "library call" };

function csvField(v) {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const escapeHtml = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function writeTables(rows, ids, outDir, contain) {
  fs.mkdirSync(outDir, { recursive: true });
  const header = ["student", "lesson", "run", "score", ...ids.flatMap((id) => [id, `${id} diagnosis`]), "notes"];
  const csv = [header, ...rows.map((r) => [r.student, r.lesson, r.run, r.score, ...ids.flatMap((id) => {
    const e = r.exercises[id];
    return e ? [SHORT[e.status], e.status === "pass" ? "" : `${e.code}: ${e.message}`] : ["", ""];
  }), r.notes.join("; ")])];
  writeFileAtomic(path.join(outDir, "grades.csv"), csv.map((row) => row.map(csvField).join(",")).join("\n") + "\n");
  const colour = { pass: "#d4f4d4", fail: "#f8d0d0", "not-solved": "#eeeeee", "not-run": "#f8e4b0", "library-call": "#f0e0f8" };
  const html = `<!doctype html><meta charset="utf-8"><title>grades</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 6px;vertical-align:top;font-size:13px}small{color:#444}</style>
<h1>Exercise grades</h1><p>${rows.length} notebook(s); each ran ${escapeHtml(contain.text)}.</p>
<table><tr>${["student", "lesson", "run", "score", ...ids].map((h) => `<th>${escapeHtml(h)}</th>`).join("")}<th>notes</th></tr>
${rows.map((r) => `<tr><td>${escapeHtml(r.student)}</td><td>${escapeHtml(r.lesson)}</td><td>${escapeHtml(r.run)}</td><td>${escapeHtml(r.score)}</td>${ids.map((id) => {
    const e = r.exercises[id];
    if (!e) return "<td></td>";
    return `<td style="background:${colour[e.status]}"><b>${SHORT[e.status]}</b>${e.status === "pass" ? "" : `<br><small>${escapeHtml(`${e.code}: ${e.message}`)}</small>`}</td>`;
  }).join("")}<td><small>${escapeHtml(r.notes.join("; "))}</small></td></tr>`).join("\n")}
</table>\n`;
  writeFileAtomic(path.join(outDir, "grades.html"), html);
}

function printTable(rows, ids) {
  const cell = (e) => (!e ? "" : e.status === "pass" ? "pass" : e.status === "fail" ? `FAIL ${e.code}` : SHORT[e.status]);
  const cols = ["student", "run", "score", ...ids];
  const data = rows.map((r) => [r.student, r.run, r.score, ...ids.map((id) => cell(r.exercises[id]))]);
  const widths = cols.map((c, k) => Math.min(40, Math.max(c.length, ...data.map((d) => d[k].length))));
  const line = (vals) => vals.map((v, k) => (v.length > widths[k] ? v.slice(0, widths[k] - 1) + "…" : v.padEnd(widths[k]))).join("  ");
  console.log(line(cols));
  for (const d of data) console.log(line(d));
  for (const r of rows) {
    const lines = ids.filter((id) => r.exercises[id] && r.exercises[id].status !== "pass" && r.exercises[id].status !== "not-solved").map((id) => `  ${id}: ${r.exercises[id].code}: ${r.exercises[id].message}`);
    if (lines.length || r.notes.length) console.log(`\n${r.student}:\n${[...lines, ...r.notes.map((n) => `  note: ${n}`)].join("\n")}`);
  }
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    runChild(args[1], args[2]).catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  let dir;
  let out;
  let timeout = 120;
  let whole = false;
  let lesson;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return usage();
    if (a === "--out") out = args[++i];
    else if (a === "--timeout") timeout = Number(args[++i]);
    else if (a === "--whole") whole = true;
    else if (a === "--lesson") lesson = args[++i];
    else if (a.startsWith("-")) {
      console.error(`grade: unknown option ${a}`);
      usage();
      process.exit(2);
    } else if (!dir) dir = a;
    else {
      console.error(`grade: one folder only (got ${dir} and ${a})`);
      process.exit(2);
    }
  }
  if (!dir) {
    usage();
    process.exit(2);
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    console.error(`grade: ${dir} is not a folder`);
    process.exit(2);
  }
  if (!(timeout > 0)) {
    console.error("grade: --timeout takes a number of seconds above 0");
    process.exit(2);
  }
  if (lesson !== undefined && !/^0[1-9]$/.test(lesson)) {
    console.error(`grade: --lesson takes a two-digit lesson number such as 05, got ${lesson}`);
    process.exit(2);
  }
  out = path.resolve(out ?? path.join(dir, "grades"));
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
  if (files.length === 0) {
    console.error(`grade: no notebooks (*.ipynb) in ${dir}`);
    process.exit(1);
  }
  const contain = containment();
  console.log(`grading ${files.length} notebook(s) in ${dir}; each in its own process, at most ${timeout} s, ${contain.text}`);
  const rows = [];
  const ids = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const row = { student: f, lesson: "", run: "", score: "", exercises: {}, notes: [] };
    rows.push(row);
    let nb;
    try {
      nb = JSON.parse(fs.readFileSync(file, "utf8"));
      if (!Array.isArray(nb.cells)) throw new Error("no cells array");
    } catch (e) {
      row.run = `unreadable notebook: ${String(e.message).slice(0, 120)}`;
      console.log(`  ${f}: ${row.run}`);
      continue;
    }
    const l = lessonOf(f, nb, lesson);
    const info = l && lessonChecks(l);
    if (!info || info.checks.length === 0) {
      row.run = l ? `lesson ${l} has no exercises` : "lesson unknown: name the file NN_... or pass --lesson NN";
      console.log(`  ${f}: ${row.run}`);
      continue;
    }
    row.lesson = l;
    for (const c of info.checks) if (!ids.includes(c.id)) ids.push(c.id);
    process.stdout.write(`  ${f} (lesson ${l}) ... `);
    const r = runStudent(file, { timeout, whole }, info, contain);
    Object.assign(row, { run: r.run, exercises: r.exercises, notes: r.notes });
    const passed = Object.values(r.exercises).filter((e) => e.status === "pass").length;
    row.score = `${passed}/${info.checks.length}`;
    console.log(`${r.run}, ${row.score} passed, ${r.seconds.toFixed(1)} s`);
  }
  ids.sort();
  console.log("");
  printTable(rows, ids);
  writeTables(rows, ids, out, contain);
  console.log(`\ngrades: ${path.join(out, "grades.csv")} and ${path.join(out, "grades.html")}`);
}

main();
