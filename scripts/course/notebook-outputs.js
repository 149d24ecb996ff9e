#!/usr/bin/env node
// The lessons are committed with the outputs of a full-profile run, so that they read before they run (on GitHub, in
// nbviewer, or opened in Jupyter to look first). This script puts an executed run's outputs into notebooks/NN_*.ipynb
// and checks the committed ones.
//
//   npm run notebooks:outputs                 runs every lesson (full profile, `npm run notebooks`), then the step below
//   npm run notebooks:outputs -- --from DIR   takes the executed notebooks in DIR (default build/notebooks) as they are
//   npm run notebooks:outputs -- --check      checks the committed notebooks (the test in test/tooling/outputs.test.js)
//
// What goes in, per lesson: the notebook built from notebooks/src (cells, ids, metadata exactly as
// `npm run notebooks:build` writes them) with each code cell's outputs and execution count from the run, after the
// run's code was checked to be that same source. What is taken out of the outputs:
// - absolute paths (the project's folder becomes ".", the home folder "~", the temporary folder "$TMPDIR");
// - timings that differ from run to run: "in 12.3 s", "1,234 samples/s", "seconds 0.8", and the columns of a table
//   headed "seconds", "train seconds" or "samples/s" become "…". Recorded results (`recorded KEY = value`) stay: they
//   are the numbers notebooks/results.full.json holds, and the check compares them;
// - cell timing metadata, and outputs that need a script to show (application/javascript, HTML with <script>).
// Figures stay PNG (GitHub shows no scripts). Each PNG is re-encoded losslessly, smaller: a palette where the figure
// has at most 256 colours, RGB without the alpha channel where it is opaque, the best PNG filter per row, zlib level 9.
// The check decodes both and compares every pixel before it keeps the smaller file.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { spawnSync } = require("child_process");
const { parseCells, buildNotebook } = require("./build-notebooks.js");

const ROOT = path.resolve(__dirname, "..", "..");
const SRC = path.join(ROOT, "notebooks", "src");
const SNAPSHOT = path.join(ROOT, "notebooks", "results.full.json");

// ---------------------------------------------------------------------------------------------------------------
// PNG: decode (8-bit RGB, RGBA, palette; no interlace, as resvg writes) and a smaller lossless encode.

function readChunks(buf) {
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  const chunks = [];
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    chunks.push({ type: buf.toString("ascii", p + 4, p + 8), data: buf.subarray(p + 8, p + 8 + len) });
    p += 12 + len;
  }
  return chunks;
}

/** { width, height, rgba } of an 8-bit, non-interlaced PNG of colour type 2, 3 or 6; null for any other kind. */
function decodePng(buf) {
  const chunks = readChunks(buf);
  const h = chunks.find((c) => c.type === "IHDR").data;
  const width = h.readUInt32BE(0);
  const height = h.readUInt32BE(4);
  const [depth, ct, , , interlace] = [h[8], h[9], h[10], h[11], h[12]];
  if (depth !== 8 || interlace !== 0 || ![2, 3, 6].includes(ct)) return null;
  const bpp = ct === 6 ? 4 : ct === 2 ? 3 : 1;
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  const stride = width * bpp;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      px[y * stride + x] = (line[x] + predictor(f, px, y, x, stride, bpp)) & 255;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  const plte = ct === 3 ? chunks.find((c) => c.type === "PLTE").data : null;
  const trns = ct === 3 ? chunks.find((c) => c.type === "tRNS")?.data : null;
  for (let i = 0, k = 0; k < width * height; k++, i += bpp) {
    if (ct === 3) {
      const v = px[i];
      rgba[k * 4] = plte[v * 3];
      rgba[k * 4 + 1] = plte[v * 3 + 1];
      rgba[k * 4 + 2] = plte[v * 3 + 2];
      rgba[k * 4 + 3] = trns && v < trns.length ? trns[v] : 255;
    } else {
      rgba[k * 4] = px[i];
      rgba[k * 4 + 1] = px[i + 1];
      rgba[k * 4 + 2] = px[i + 2];
      rgba[k * 4 + 3] = ct === 6 ? px[i + 3] : 255;
    }
  }
  return { width, height, rgba };
}

/** PNG filter f's prediction of byte x of row y from its left (a), upper (b) and upper-left (c) neighbours. */
function predictor(f, px, y, x, stride, bpp) {
  if (f === 0) return 0;
  const a = x >= bpp ? px[y * stride + x - bpp] : 0;
  const b = y > 0 ? px[(y - 1) * stride + x] : 0;
  if (f === 1) return a;
  if (f === 2) return b;
  if (f === 3) return (a + b) >> 1;
  return paeth(a, b, x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** The same pixels as a smaller PNG: palette (<= 256 colours), RGB (opaque) or RGBA; the best filter per row; zlib 9. */
function encodePng({ width, height, rgba }) {
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) { opaque = false; break; }
  const colours = new Map();
  const index = new Uint8Array(width * height);
  let palette = true;
  for (let k = 0; k < width * height && palette; k++) {
    const key = rgba.readUInt32BE(k * 4);
    let v = colours.get(key);
    if (v === undefined) {
      if (colours.size === 256) palette = false;
      else colours.set(key, (v = colours.size));
    }
    index[k] = v;
  }
  const ct = palette ? 3 : opaque ? 2 : 6;
  const bpp = ct === 3 ? 1 : ct === 2 ? 3 : 4;
  const stride = width * bpp;
  const px = Buffer.alloc(height * stride);
  for (let k = 0; k < width * height; k++) {
    if (ct === 3) px[k] = index[k];
    else for (let j = 0; j < bpp; j++) px[k * bpp + j] = rgba[k * 4 + j];
  }
  const raw = Buffer.alloc(height * (stride + 1));
  const line = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    let bestSum = Infinity;
    // A palette's indices are not magnitudes: no filter. Otherwise the filter with the smallest sum of |residuals|.
    for (const f of ct === 3 ? [0] : [0, 1, 2, 3, 4]) {
      let sum = 0;
      for (let x = 0; x < stride; x++) {
        const v = (px[y * stride + x] - predictor(f, px, y, x, stride, bpp)) & 255;
        line[x] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        raw[y * (stride + 1)] = f;
        line.copy(raw, y * (stride + 1) + 1);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = ct;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr)];
  if (ct === 3) {
    const plte = Buffer.alloc(colours.size * 3);
    const alpha = Buffer.alloc(colours.size);
    for (const [key, v] of colours) {
      plte[v * 3] = (key >>> 24) & 255;
      plte[v * 3 + 1] = (key >>> 16) & 255;
      plte[v * 3 + 2] = (key >>> 8) & 255;
      alpha[v] = key & 255;
    }
    parts.push(chunk("PLTE", plte));
    if (!opaque) parts.push(chunk("tRNS", alpha));
  }
  parts.push(chunk("IDAT", zlib.deflateSync(raw, { level: 9, memLevel: 9 })), chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A smaller PNG with exactly the same pixels, or the original when that is not smaller (or not a kind we read). */
function shrinkPng(buf) {
  const img = decodePng(buf);
  if (!img) return buf;
  const out = encodePng(img);
  const back = decodePng(out);
  if (!back || !back.rgba.equals(img.rgba)) throw new Error("PNG re-encoding changed the pixels");
  return out.length < buf.length ? out : buf;
}

// ---------------------------------------------------------------------------------------------------------------
// Text: paths and timings out.

const ELLIPSIS = "…";
const TIMING_HEADER = /^(seconds|train seconds|samples\/s|time \(s\))$/;

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Absolute paths of this machine become ".", "~" and "$TMPDIR". */
function relativePaths(text) {
  let t = text;
  for (const [from, to] of [[ROOT, "."], [os.tmpdir(), "$TMPDIR"], [os.homedir(), "~"]]) {
    if (!from || from === "/") continue;
    t = t.replace(new RegExp(`file://${escapeRe(from)}(?=[/"'\\s<]|$)`, "g"), `file://${to}`);
    t = t.replace(new RegExp(`${escapeRe(from)}(?=[/"'\\s<]|$)`, "g"), to);
  }
  return t;
}

/** Run-to-run timings in running text. */
function maskTimingText(text) {
  return text
    .replace(/\bin (\d+(?:\.\d+)?) s\b/g, `in ${ELLIPSIS} s`)
    .replace(/\b\d[\d,]*(?:\.\d+)? samples\/s\b/g, `${ELLIPSIS} samples/s`)
    .replace(/\bseconds (\d+(?:\.\d+)?)\b/g, `seconds ${ELLIPSIS}`)
    .replace(/, (\d+(?:\.\d+)?) s$/gm, `, ${ELLIPSIS} s`)
    .replace(/(\bbatch \d+\/\d+\b[^<\n]*\s)\d+(?:\.\d+)? s(?=$|<)/gm, `$1${ELLIPSIS} s`)
    .replace(/\b(\d+) min (\d+) s\b/g, `${ELLIPSIS} min ${ELLIPSIS} s`);
}

/** Columns headed by a timing, in the text tables rl.showTable prints (a header, a line of dashes, rows). */
function maskTimingColumnsText(text) {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (!/^-[- ]*-$/.test(lines[i]) || !/ {2}|^-+$/.test(lines[i])) continue;
    const spans = [];
    const re = /-+/g;
    let m;
    while ((m = re.exec(lines[i]))) spans.push([m.index, m.index + m[0].length]);
    const header = lines[i - 1];
    const masked = spans.filter(([a, b]) => TIMING_HEADER.test(header.slice(a, b).trim()));
    if (!masked.length) continue;
    for (let j = i + 1; j < lines.length && lines[j].trim() !== ""; j++) {
      let row = lines[j];
      for (const [a, b] of masked) {
        if (row.length < a) continue;
        row = row.slice(0, a) + ELLIPSIS.padStart(b - a) + row.slice(b);
      }
      lines[j] = row;
    }
  }
  return lines.join("\n");
}

/** The same for HTML tables: cells under a <th> naming a timing. */
function maskTimingColumnsHtml(html) {
  return html.replace(/<table[\s\S]*?<\/table>/g, (table) => {
    const heads = [...table.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1].replace(/<[^>]+>/g, "").trim());
    const cols = heads.map((h, k) => (TIMING_HEADER.test(h) ? k : -1)).filter((k) => k >= 0);
    if (!cols.length) return table;
    return table.replace(/<tr>([\s\S]*?)<\/tr>/g, (tr, inner) => {
      if (/<th/.test(inner)) return tr;
      let k = -1;
      return `<tr>${inner.replace(/(<td[^>]*>)([\s\S]*?)(<\/td>)/g, (cell, open, body, close) => (cols.includes(++k) ? `${open}${ELLIPSIS}${close}` : cell))}</tr>`;
    });
  });
}

/** A recorded result's line stays as it is: it is compared with notebooks/results.full.json. */
function cleanText(text, html = false) {
  const parts = text.split(/(^recorded \d\d\.[\w.]+ = .*$)/m);
  return parts
    .map((p, k) => {
      if (k % 2 === 1) return p;
      let t = relativePaths(p);
      t = html ? maskTimingColumnsHtml(maskTimingText(t)) : maskTimingColumnsText(maskTimingText(t));
      return t;
    })
    .join("");
}

const asText = (v) => [].concat(v).join("");
const asLines = (s) => {
  const lines = s.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
};

function cleanOutput(o) {
  const out = { ...o };
  if (o.output_type === "stream") {
    out.text = asLines(cleanText(asText(o.text)));
    return out;
  }
  if (!o.data) return out;
  const data = {};
  for (const [mime, v] of Object.entries(o.data)) {
    if (mime === "application/javascript") continue;
    if (mime === "text/html" && /<script/i.test(asText(v))) continue;
    if (mime === "image/png") data[mime] = shrinkPng(Buffer.from(asText(v), "base64")).toString("base64");
    else if (mime.startsWith("text/")) data[mime] = asLines(cleanText(asText(v), mime === "text/html"));
    else data[mime] = v;
  }
  out.data = data;
  if (out.metadata && typeof out.metadata === "object") {
    const { transient, ...rest } = out.metadata; // eslint-disable-line no-unused-vars
    out.metadata = rest;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Put a run's outputs in; check what is committed.

function builtNotebook(name) {
  const file = path.join(SRC, `${name}.ts`);
  return buildNotebook(name, parseCells(fs.readFileSync(file, "utf8"), path.relative(ROOT, file)));
}

const sourceOf = (c) => asText(c.source);

/** The committed form of one executed lesson: the built notebook with the run's outputs, cleaned. */
function withOutputs(name, executed) {
  const nb = builtNotebook(name);
  const run = executed.metadata?.rnnlab ?? {};
  if (run.profile !== "full" || run.status !== "ok") {
    throw new Error(`${name}: the run was ${run.profile ? `the ${run.profile} profile` : "not made by npm run notebooks"}${run.status && run.status !== "ok" ? `, ${run.status}` : ""}: only a full-profile run that ended ok goes into the committed notebooks`);
  }
  nb.metadata.rnnlab = { profile: "full" };
  if (executed.cells.length !== nb.cells.length) throw new Error(`${name}: the run has ${executed.cells.length} cells, notebooks/src/${name}.ts builds ${nb.cells.length}: run it again from these sources`);
  nb.cells.forEach((c, i) => {
    const e = executed.cells[i];
    if (e.cell_type !== c.cell_type || sourceOf(e) !== sourceOf(c)) {
      throw new Error(`${name}: cell ${i + 1} of the run differs from notebooks/src/${name}.ts: run it again from these sources`);
    }
    if (c.cell_type !== "code") return;
    c.execution_count = e.execution_count ?? null;
    c.outputs = (e.outputs ?? []).map(cleanOutput);
  });
  return nb;
}

/** What is wrong with a committed notebook (empty when it carries this source's full run, as recorded). */
function checkNotebook(name, nb, results) {
  const problems = [];
  const where = `notebooks/${name}.ipynb`;
  const built = builtNotebook(name);
  if (nb.cells.length !== built.cells.length) return [`${where}: ${nb.cells.length} cells, but notebooks/src/${name}.ts builds ${built.cells.length}: regenerate the outputs (npm run notebooks:outputs)`];
  built.cells.forEach((c, i) => {
    if (nb.cells[i].cell_type !== c.cell_type || sourceOf(nb.cells[i]) !== sourceOf(c)) problems.push(`${where}: cell ${i + 1} differs from notebooks/src/${name}.ts: its outputs belong to other code; regenerate them (npm run notebooks:outputs)`);
  });
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const withOut = code.filter((c) => (c.outputs ?? []).length > 0);
  if (withOut.length < code.length / 2) problems.push(`${where}: only ${withOut.length} of ${code.length} code cells have outputs: commit a full run's outputs (npm run notebooks:outputs)`);
  const text = code.flatMap((c) => (c.outputs ?? []).flatMap((o) => (o.output_type === "stream" ? [asText(o.text)] : Object.entries(o.data ?? {}).filter(([m]) => m.startsWith("text/")).map(([, v]) => asText(v))))).join("\n");
  if (withOut.length && nb.metadata?.rnnlab?.profile !== "full") problems.push(`${where}: the outputs are not from a full-profile run (metadata.rnnlab.profile is ${JSON.stringify(nb.metadata?.rnnlab?.profile)})`);
  for (const c of code) {
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") problems.push(`${where}: an error output (${o.ename}: ${o.evalue})`);
      if (o.output_type === "stream" && o.name === "stderr") problems.push(`${where}: stderr output: ${asText(o.text).slice(0, 120)}`);
    }
  }
  for (const m of text.matchAll(/^recorded (\d\d\.[\w.]+) = (.*)$/gm)) {
    if (!(m[1] in results)) problems.push(`${where}: records ${m[1]}, which notebooks/results.full.json lacks`);
    else if (results[m[1]] !== m[2]) problems.push(`${where}: records ${m[1]} = ${m[2]}, notebooks/results.full.json says ${results[m[1]]}: the outputs and the results are from different runs`);
  }
  for (const bad of [ROOT, os.homedir(), os.tmpdir(), os.hostname()].filter((s) => s && s.length > 1 && s !== "/")) {
    if (text.includes(bad)) problems.push(`${where}: the outputs name ${bad} (a path or host name of the machine that ran them)`);
  }
  const timing = /\bin \d+(?:\.\d+)? s\b|\b\d[\d,]* samples\/s\b|\bseconds \d|\bbatch \d+\/\d+\b[^<\n]*\s\d+(?:\.\d+)? s(?=$|<)/m.exec(text.replace(/^recorded .*$/gm, ""));
  if (timing) problems.push(`${where}: a run-to-run timing in the outputs ("${timing[0]}")`);
  return problems;
}

function lessonNames() {
  return fs.readdirSync(SRC).filter((f) => /^\d\d_.*\.ts$/.test(f)).sort().map((f) => f.replace(/\.ts$/, ""));
}

function checkAll() {
  const results = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8"));
  return lessonNames().flatMap((name) => {
    const file = path.join(ROOT, "notebooks", `${name}.ipynb`);
    if (!fs.existsSync(file)) return [`notebooks/${name}.ipynb is missing`];
    return checkNotebook(name, JSON.parse(fs.readFileSync(file, "utf8")), results);
  });
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes("--check")) {
    const problems = checkAll();
    for (const p of problems) console.error(p);
    console.log(problems.length ? `${problems.length} problem(s)` : "the committed notebooks carry this source's full run, as recorded");
    process.exit(problems.length ? 1 : 0);
  }
  let from = path.join(ROOT, "build", "notebooks");
  const i = args.indexOf("--from");
  if (i >= 0) from = path.resolve(args[i + 1]);
  else {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "jupyter", "run-notebooks.js"), "--out", from], { stdio: "inherit", env: { ...process.env, RNNLAB_PROFILE: "full" } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const results = path.join(ROOT, "build", "results", "full.json");
  const r = spawnSync(process.execPath, [path.join(__dirname, "results.js"), "--update", results], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  let before = 0;
  let after = 0;
  for (const name of lessonNames()) {
    const file = path.join(from, `${name}.ipynb`);
    if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run the notebooks (npm run notebooks) first`);
    const target = path.join(ROOT, "notebooks", `${name}.ipynb`);
    before += fs.existsSync(target) ? fs.statSync(target).size : 0;
    const json = JSON.stringify(withOutputs(name, JSON.parse(fs.readFileSync(file, "utf8"))), null, 1) + "\n";
    fs.writeFileSync(`${target}.tmp`, json);
    fs.renameSync(`${target}.tmp`, target);
    after += json.length;
    console.log(`wrote notebooks/${name}.ipynb (${(json.length / 1024).toFixed(0)} KiB)`);
  }
  console.log(`notebooks: ${(before / 1048576).toFixed(2)} MiB before, ${(after / 1048576).toFixed(2)} MiB now`);
  const problems = checkAll();
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
}

module.exports = { decodePng, encodePng, shrinkPng, cleanText, maskTimingText, maskTimingColumnsText, maskTimingColumnsHtml, relativePaths, withOutputs, checkNotebook, checkAll, builtNotebook };
if (require.main === module) main();
