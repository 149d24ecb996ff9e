"use strict";
// Loads notebooks/solutions/NN_*.ts (TypeScript, transpiled here without type checks; the grader's test type-checks
// the solutions by pasting them into a notebook) and cuts a solution function's source out for pasting.
const fs = require("fs");
const path = require("path");
const Module = require("module");
const ts = require("typescript");

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "notebooks", "solutions");

function loadSolutions(lesson) {
  const file = fs.readdirSync(DIR).find((f) => f.startsWith(`${lesson}_`) && f.endsWith(".ts"));
  if (!file) throw new Error(`no solutions for lesson ${lesson} in ${DIR}`);
  const full = path.join(DIR, file);
  const source = fs.readFileSync(full, "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
  const m = new Module(full, module);
  m.filename = full;
  m.paths = Module._nodeModulePaths(path.dirname(full));
  m._compile(js, full);
  return { file: full, source, exports: m.exports };
}

/** The text of `export function name(...) {...}` (up to the first line that is exactly "}"), without "export ". */
function solutionSource(source, name) {
  const lines = source.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`export function ${name}(`));
  if (start < 0) throw new Error(`no "export function ${name}(" in the solutions`);
  const end = lines.findIndex((l, i) => i > start && l === "}");
  return lines.slice(start, end + 1).join("\n").replace(/^export /, "");
}

module.exports = { loadSolutions, solutionSource, SOLUTIONS_DIR: DIR };
