#!/usr/bin/env node
// Builds notebooks/NN_name.ipynb from notebooks/src/NN_name.ts, a plain TypeScript file whose cells are marked
// `// %%` (code) and `// %% [markdown]` (prose; each line starts with `// `). The .ts source diffs and reviews
// like code; the .ipynb is what people open. `--check` exits 1 when an .ipynb is out of date.
// A code cell's marker may carry tags, as jupytext writes them: `// %% tags=["raises-exception"]` marks a cell that
// fails on purpose (Jupyter's Run All and nbclient go on past it), `// %% tags=["expect-stderr"]` one that writes to
// stderr on purpose; the browser test accepts such output only in cells so marked.
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
        codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
        file_extension: ".ts",
        mimetype: "text/typescript",
        name: "typescript",
        version: "5.0.4",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
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
    if (current === json) continue;
    if (check) {
      console.error(`${rel} is out of date with notebooks/src/${f}: run npm run notebooks:build`);
      stale++;
    } else {
      writeFileAtomic(out, json); // Jupyter may have the notebook open
      console.log(`wrote ${rel}`);
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

module.exports = { parseCells, buildNotebook };
if (require.main === module) main();
