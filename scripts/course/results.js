#!/usr/bin/env node
// Numbers in prose come from cells. Notebook cells record results with rl.record("NN.name", value) into
// build/results/<profile>.json; notebooks/results.full.json is the committed copy from the last executed full run.
// The READMEs and docs/ quote a result as <!--r:KEY-->value<!--/r--> (the markers are invisible when rendered).
//
//   node scripts/course/results.js --update   after `npm run notebooks` (full): copies build/results/full.json into
//                                      notebooks/results.full.json and rewrites every marked value in the READMEs and docs/
//   node scripts/course/results.js            checks: every marker matches the committed results, and no measured-looking
//                                      number stands unmarked in prose (the same check as test/tooling/numbers.test.js)
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
// Written whole or not at all (a temporary file renamed into place): lib/src/atomic.ts.
const { writeFileAtomic } = require(path.join(ROOT, "lib", "dist", "atomic.js"));
const SNAPSHOT = path.join(ROOT, "notebooks", "results.full.json");
const MARKER = /<!--r:([0-9]{2}\.[A-Za-z0-9_.]+)-->([^<]*)<!--\/r-->/g;

/**
 * Numbers quoted from a named source rather than printed by a cell: the value, and where it comes from.
 * A number here may stand unmarked in prose.
 */
const QUOTED = {
  "0.9628": "the lecture's MNIST lab, test accuracy after epoch 1",
  "0.9720": "the lecture's MNIST lab, test accuracy after epoch 2",
  "0.9826": "the lecture's MNIST lab, test accuracy after epoch 3",
  "0.6074": "the lecture's crypto lab, test accuracy",
};

/** Files whose prose is checked: the READMEs, docs/*.md and every notebook source (its markdown cells). */
function proseFiles() {
  const nb = path.join(ROOT, "notebooks", "src");
  return [
    path.join(ROOT, "README.md"),
    path.join(ROOT, "datasets", "README.md"),
    ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => path.join(ROOT, "docs", f)),
    ...fs.readdirSync(nb).filter((f) => /^\d\d_.*\.ts$/.test(f)).sort().map((f) => path.join(nb, f)),
  ].filter((f) => fs.existsSync(f));
}

/**
 * The prose lines of a file, with their line numbers: a notebook source's markdown cells (lines after
 * `// %% [markdown]` up to the next `// %%`, without the leading `// `) and a Markdown file's lines, both outside
 * code blocks and tables (code is code, and tables print a command's output, named next to them).
 */
function proseLines(file, text) {
  const lines = text.split("\n");
  const out = [];
  if (file.endsWith(".ts")) {
    let inMd = false;
    let inCode = false;
    lines.forEach((l, i) => {
      if (l.startsWith("// %%")) {
        inMd = l.startsWith("// %% [markdown]");
        inCode = false;
        return;
      }
      if (!inMd || !l.startsWith("//")) return;
      const text = l.replace(/^\/\/ ?/, "");
      if (/^\s*```/.test(text)) inCode = !inCode;
      else if (!inCode && !/^\s*\|/.test(text)) out.push({ line: i + 1, text });
    });
  } else {
    let inCode = false;
    lines.forEach((l, i) => {
      if (/^\s*```/.test(l)) {
        inCode = !inCode;
        return;
      }
      if (!inCode && !/^\s*\|/.test(l)) out.push({ line: i + 1, text: l });
    });
  }
  return out;
}

// Measured-looking numbers: 3+ decimals (an accuracy, a loss), a percentage with decimals, a Korean "N배" ratio.
const MEASURED = /(?<![\w.])(\d+\.\d{3,}|\d+\.\d+\s?%|\d+(?:\.\d+)?\s?배)(?![\w])/g;

/**
 * Problems in one text: markers whose key is not recorded or whose value differs from `results`, and
 * measured-looking numbers outside markers that are not quoted from a named source. Returns strings, one per problem.
 */
function checkText(file, text, results) {
  const problems = [];
  const rel = path.relative(ROOT, file);
  for (const { line, text: l } of proseLines(file, text)) {
    for (const m of l.matchAll(MARKER)) {
      const [, key, value] = m;
      if (!(key in results)) problems.push(`${rel}:${line}: marker ${key} is not a recorded result (no rl.record("${key}", ...) in notebooks/results.full.json)`);
      else if (value !== results[key]) problems.push(`${rel}:${line}: ${key} says ${value}, the executed notebook recorded ${results[key]}`);
    }
    const bare = l.replace(MARKER, " ").replace(/`[^`]*`/g, " ").replace(/\$[^$]*\$/g, " ");
    for (const m of bare.matchAll(MEASURED)) {
      const num = m[1].replace(/\s/g, "");
      if (num in QUOTED) continue;
      if (/^0\.0*1$/.test(num)) continue; // 0.001, 0.0001: a power of ten is a setting (a learning rate), not a result
      if (/^2배$/.test(num) && /표준오차|standard error/.test(l)) continue; // a definition (2 standard errors), not a result
      problems.push(`${rel}:${line}: ${num} is neither printed by a cell (mark it <!--r:KEY-->${num}<!--/r--> after rl.record) nor quoted from a named source (QUOTED in scripts/course/results.js)`);
    }
  }
  return problems;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Keys recorded by some notebook source: rl.record("KEY", ...). */
function recordedKeys() {
  const nb = path.join(ROOT, "notebooks", "src");
  const keys = new Set();
  for (const f of fs.readdirSync(nb)) {
    for (const m of fs.readFileSync(path.join(nb, f), "utf8").matchAll(/rl\.record\(\s*"([^"]+)"/g)) keys.add(m[1]);
  }
  return keys;
}

/** Every problem in the course: markers against the snapshot, unmarked numbers, and snapshot keys no notebook records. */
function checkAll(results = readJson(SNAPSHOT)) {
  const problems = [];
  for (const f of proseFiles()) problems.push(...checkText(f, fs.readFileSync(f, "utf8"), results));
  const keys = recordedKeys();
  for (const k of Object.keys(results)) {
    if (!keys.has(k)) problems.push(`notebooks/results.full.json: ${k} is recorded by no notebook (rl.record("${k}", ...)); stale?`);
  }
  return problems;
}

function update(from) {
  const results = readJson(from);
  writeFileAtomic(SNAPSHOT, JSON.stringify(results, null, 2) + "\n");
  for (const f of proseFiles().filter((f) => f.endsWith(".md"))) {
    const text = fs.readFileSync(f, "utf8");
    const next = text.replace(MARKER, (all, key) => (key in results ? `<!--r:${key}-->${results[key]}<!--/r-->` : all));
    if (next !== text) {
      writeFileAtomic(f, next);
      console.log(`results: updated ${path.relative(ROOT, f)}`);
    }
  }
  console.log(`results: ${Object.keys(results).length} values from ${path.relative(ROOT, from)} -> ${path.relative(ROOT, SNAPSHOT)}`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes("--update")) {
    const i = args.indexOf("--from");
    update(i >= 0 ? path.resolve(args[i + 1]) : path.join(ROOT, "build", "results", "full.json"));
  }
  const problems = checkAll();
  for (const p of problems) console.log(p);
  console.log(problems.length ? `results: ${problems.length} problem(s)` : "results: every marked number matches the executed full run; no unmarked measured number in prose");
  process.exit(problems.length ? 1 : 0);
}

module.exports = { checkText, checkAll, proseLines, recordedKeys, QUOTED, SNAPSHOT, MARKER };
