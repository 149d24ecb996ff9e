#!/usr/bin/env node
// Builds notebooks/NN_name.ipynb from notebooks/src/NN_name.ts, a plain TypeScript file whose cells are marked
// `// %%` (code) and `// %% [markdown]` (prose; each line starts with `// `). The .ts source diffs and reviews
// like code; the .ipynb is what people open. `--check` exits 1 when an .ipynb is out of date.
// A code cell's marker may carry tags, as jupytext writes them: `// %% tags=["raises-exception"]` marks a cell that
// fails on purpose (Jupyter's Run All and nbclient go on past it), `// %% tags=["expect-stderr"]` one that writes to
// stderr on purpose; the browser test accepts such output only in cells so marked.
// The committed notebooks carry a full run's outputs (scripts/course/notebook-outputs.js): a notebook whose cells
// equal its source's build is up to date, outputs and all; one whose source changed is written anew without outputs
// (regenerate them with npm run notebooks:outputs).
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const ROOT = path.resolve(__dirname, "..", "..");
// Written whole or not at all (a temporary file renamed into place): lib/src/atomic.ts.
const { writeFileAtomic } = require(path.join(ROOT, "lib", "dist", "atomic.js"));
const SRC = path.join(ROOT, "notebooks", "src");
const OUT = path.join(ROOT, "notebooks");

/** Splits a percent-format source into cells. */
function parseCells(text, file) {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const cells = [];
  let cur = null;
  lines.forEach((line, i) => {
    const m = /^\/\/ %%(?:\s*\[(\w+)\])?(?:\s+tags=(\[.*\]))?\s*$/.exec(line);
    if (m) {
      const kind = m[1] || "code";
      if (kind !== "code" && kind !== "markdown") throw new Error(`${file} line ${i + 1}: unknown cell kind [${kind}]`);
      let tags;
      if (m[2]) {
        try {
          tags = JSON.parse(m[2]);
        } catch {
          tags = null;
        }
        if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) throw new Error(`${file} line ${i + 1}: tags must be a JSON list of strings, as in tags=["raises-exception"]`);
      }
      cur = { kind, lines: [], line: i + 1, tags };
      cells.push(cur);
      return;
    }
    if (!cur) {
      if (line.trim() !== "") throw new Error(`${file} line ${i + 1}: text before the first '// %%' cell marker`);
      return;
    }
    if (cur.kind === "markdown") {
      if (line.trim() === "") cur.lines.push("");
      else if (line.startsWith("// ")) cur.lines.push(line.slice(3));
      else if (line === "//") cur.lines.push("");
      else throw new Error(`${file} line ${i + 1}: a markdown cell's lines must start with '// '`);
    } else cur.lines.push(line);
  });
  return cells
    .map((c) => {
      while (c.lines.length && c.lines[c.lines.length - 1].trim() === "") c.lines.pop();
      while (c.lines.length && c.lines[0].trim() === "") c.lines.shift();
      return c;
    })
    .filter((c) => c.lines.length > 0);
}

function toSource(lines) {
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l));
}

/**
 * The language_info that the kernel (tslab 1.0.22) sends in its kernel_info_reply, key for key. The classic Notebook
 * replaces a notebook's language_info with the kernel's when the kernel starts and marks the notebook changed when
 * the two differ, so a lesson carrying anything else says "(unsaved changes)" as soon as it opens. tslab reports
 * TypeScript "3.7.2" whatever TypeScript it runs (a constant in its dist/jupyter.js); test/tooling/notebooks.test.js
 * compares this with the reply of the installed tslab.
 */
const LANGUAGE_INFO = {
  name: "typescript",
  version: "3.7.2",
  mimetype: "text/typescript",
  file_extension: ".ts",
  codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
};

function buildNotebook(name, cells) {
  return {
    cells: cells.map((c, i) => {
      const id = crypto.createHash("sha1").update(`${name}:${i}`).digest("hex").slice(0, 12);
      return c.kind === "markdown"
        ? { cell_type: "markdown", id, metadata: c.tags ? { tags: c.tags } : {}, source: toSource(c.lines) }
        : { cell_type: "code", execution_count: null, id, metadata: c.tags ? { tags: c.tags } : {}, outputs: [], source: toSource(c.lines) };
    }),
    metadata: {
      kernelspec: { display_name: "TypeScript (rnnlab)", language: "typescript", name: "tslab" },
      language_info: {
        codemirror_mode: { ...LANGUAGE_INFO.codemirror_mode },
        file_extension: LANGUAGE_INFO.file_extension,
        mimetype: LANGUAGE_INFO.mimetype,
        name: LANGUAGE_INFO.name,
        version: LANGUAGE_INFO.version,
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** A notebook file's JSON as build writes it: outputs and execution counts cleared. */
function withoutOutputs(text) {
  let nb;
  try {
    nb = JSON.parse(text);
  } catch {
    return null;
  }
  for (const c of nb.cells ?? []) {
    if (c.cell_type !== "code") continue;
    c.outputs = [];
    c.execution_count = null;
  }
  if (nb.metadata) delete nb.metadata.rnnlab; // which run the outputs came from
  return JSON.stringify(nb, null, 1) + "\n";
}

function render(srcFile) {
  const name = path.basename(srcFile, ".ts");
  const cells = parseCells(fs.readFileSync(srcFile, "utf8"), path.relative(ROOT, srcFile));
  return { out: path.join(OUT, `${name}.ipynb`), json: JSON.stringify(buildNotebook(name, cells), null, 1) + "\n" };
}

function main() {
  const check = process.argv.includes("--check");
  const sources = fs.readdirSync(SRC).filter((f) => /^\d\d_.*\.ts$/.test(f)).sort();
  let stale = 0;
  for (const f of sources) {
    const { out, json } = render(path.join(SRC, f));
    const rel = path.relative(ROOT, out);
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : null;
    if (current === json || (current !== null && withoutOutputs(current) === json)) continue;
    if (check) {
      console.error(`${rel} is out of date with notebooks/src/${f}: run npm run notebooks:build`);
      stale++;
    } else {
      writeFileAtomic(out, json); // Jupyter may have the notebook open
      const dropped = current !== null && /"outputs": \[\n/.test(current);
      console.log(`wrote ${rel}${dropped ? " (its outputs were from other code and are gone: npm run notebooks:outputs puts a full run's back)" : ""}`);
    }
  }
  if (check) {
    const built = new Set(sources.map((f) => f.replace(/\.ts$/, ".ipynb")));
    for (const f of fs.readdirSync(OUT)) {
      if (/^\d\d_.*\.ipynb$/.test(f) && !built.has(f)) {
        console.error(`notebooks/${f} has no source in notebooks/src/`);
        stale++;
      }
    }
  }
  process.exit(stale ? 1 : 0);
}

module.exports = { parseCells, buildNotebook, withoutOutputs, LANGUAGE_INFO };
if (require.main === module) main();
