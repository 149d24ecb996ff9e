// Bad input at random: valid candle CSV and MNIST IDX files are mutated by a seeded generator (bytes flipped, rows
// cut, fields swapped, numbers stretched, ...) and fed to the loaders thousands of times. Every run must either load
// data that is all finite and accounts for every row of the file, or throw a plain Error whose message starts with
// the file's name. Anything else (a RangeError or TypeError from deep inside, NaN or Infinity loaded, a row gone
// without a word) fails the test with the seed and the mutations that produced it, so the case can be replayed:
// RNNLAB_PROPERTY_SEED=<seed> RNNLAB_PROPERTY_RUNS=1 npx mocha test/bad-input.property.test.js
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { loadCandles, formatReport, timeRange, datasetPath, loadMnist, CANDLE_TIME_RANGE, mulberry32: rngFrom } = require("rnnlab");

const RUNS = Number(process.env.RNNLAB_PROPERTY_RUNS ?? 3000);
const FIRST_SEED = Number(process.env.RNNLAB_PROPERTY_SEED ?? 1);

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
const int = (rng, n) => Math.floor(rng() * n);

// ---------------------------------------------------------------------------------------------------------
// Mutations of a text file, as lines; each returns a short description of what it did.

const STRETCHED = ["1e309", "-1e309", "1e400", "1e-400", "123456789012345678901234567890", "0", "-0", "NaN", "Infinity", "-Infinity", "", ".", "1e17", "4102444800", "-9999999999", "0x10", "1,5", "1 000"];

const textMutations = {
  flipByte(rng, lines) {
    const i = int(rng, lines.length);
    if (!lines[i].length) return "flipByte: empty line left alone";
    const k = int(rng, lines[i].length);
    const ch = String.fromCharCode(pick(rng, [0x2c, 0x2e, 0x2d, 0x65, 0x30 + int(rng, 10), 0x20, 0x22, 0x23, 0x3b, 0x41 + int(rng, 26), 0x7f, 0x09]));
    lines[i] = lines[i].slice(0, k) + ch + lines[i].slice(k + 1);
    return `flipByte: line ${i + 1} char ${k} -> ${JSON.stringify(ch)}`;
  },
  cutRow(rng, lines) {
    const i = int(rng, lines.length);
    lines.splice(i, 1);
    return `cutRow: line ${i + 1} removed`;
  },
  cutLine(rng, lines) {
    const i = int(rng, lines.length);
    const k = int(rng, lines[i].length + 1);
    lines[i] = lines[i].slice(0, k);
    return `cutLine: line ${i + 1} cut at ${k}`;
  },
  truncateFile(rng, lines) {
    const i = int(rng, lines.length);
    const k = int(rng, lines[i].length + 1);
    lines.splice(i + 1);
    lines[i] = lines[i].slice(0, k);
    return `truncateFile: after line ${i + 1} char ${k}`;
  },
  swapFields(rng, lines) {
    const i = int(rng, lines.length);
    const f = lines[i].split(",");
    const a = int(rng, f.length);
    const b = int(rng, f.length);
    [f[a], f[b]] = [f[b], f[a]];
    lines[i] = f.join(",");
    return `swapFields: line ${i + 1} fields ${a} <-> ${b}`;
  },
  swapRows(rng, lines) {
    const a = int(rng, lines.length);
    const b = int(rng, lines.length);
    [lines[a], lines[b]] = [lines[b], lines[a]];
    return `swapRows: lines ${a + 1} <-> ${b + 1}`;
  },
  duplicateRow(rng, lines) {
    const i = int(rng, lines.length);
    lines.splice(i, 0, lines[i]);
    return `duplicateRow: line ${i + 1}`;
  },
  stretchNumber(rng, lines) {
    const i = int(rng, lines.length);
    const f = lines[i].split(",");
    const k = int(rng, f.length);
    const x = Number(f[k]);
    const to = rng() < 0.5 || !Number.isFinite(x) ? pick(rng, STRETCHED) : String(x * 10 ** (int(rng, 40) - 20));
    f[k] = to;
    lines[i] = f.join(",");
    return `stretchNumber: line ${i + 1} field ${k} -> ${JSON.stringify(to)}`;
  },
  dropField(rng, lines) {
    const i = int(rng, lines.length);
    const f = lines[i].split(",");
    const k = int(rng, f.length);
    f.splice(k, 1);
    lines[i] = f.join(",");
    return `dropField: line ${i + 1} field ${k}`;
  },
  insertLine(rng, lines) {
    const i = int(rng, lines.length + 1);
    const what = pick(rng, ["", "   ", "# a comment", "time,open,high,low,close,volume", ",,,,,", "\u00e9t\u00e9", "1;2;3;4;5;6"]);
    lines.splice(i, 0, what);
    return `insertLine: before line ${i + 1}: ${JSON.stringify(what)}`;
  },
  separator(rng, lines) {
    const i = int(rng, lines.length);
    const sep = pick(rng, [";", "\t", "|"]);
    lines[i] = lines[i].split(",").join(sep);
    return `separator: line ${i + 1} uses ${JSON.stringify(sep)}`;
  },
};

/** Byte-level mutations of the encoded file (invalid UTF-8, a NUL, a byte-order mark). */
const byteMutations = {
  flipRawByte(rng, bytes) {
    const k = int(rng, bytes.length);
    const b = pick(rng, [0x80, 0xe9, 0xff, 0x00, 0xa0, int(rng, 256)]);
    bytes[k] = b;
    return `flipRawByte: offset ${k} -> 0x${b.toString(16)}`;
  },
  prependBom(rng, bytes) {
    return ["prependBom", Buffer.concat([Buffer.from(pick(rng, [[0xef, 0xbb, 0xbf], [0xff, 0xfe]])), bytes])];
  },
};

// ---------------------------------------------------------------------------------------------------------

/** The first `n` lines of a shipped file, as the base of the mutations. */
function head(file, n) {
  return fs.readFileSync(file, "utf8").split(/\r\n|\n/).slice(0, n);
}

/** What loadCandles must have done with a file it loaded: every line after the header is a row, or said to be skipped. */
function checkLoaded(c, bytes) {
  let text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  const r = c.report;
  let i = 0;
  while (i < lines.length && (lines[i].trim() === "" || lines[i].trimStart().startsWith("#"))) i++;
  if (r.layout === "header" || r.layout === "columns option (header row skipped)") i++;
  let rows = 0;
  for (; i < lines.length; i++) if (lines[i].trim() !== "" && !lines[i].trimStart().startsWith("#")) rows++;
  const problems = [];
  if (r.rowsRead !== rows) problems.push(`${rows} data lines in the file, but the report read ${r.rowsRead}`);
  const dups = r.duplicates.identical + r.duplicates.conflicting;
  if (r.rows !== r.rowsRead - dups) problems.push(`rowsRead ${r.rowsRead} - ${dups} duplicates != rows ${r.rows}`);
  if (c.length !== r.rows) problems.push(`length ${c.length} != report.rows ${r.rows}`);
  for (const f of ["time", "open", "high", "low", "close", "volume"]) {
    if (c[f].length !== c.length) problems.push(`${f} has ${c[f].length} values for ${c.length} rows`);
    const bad = c[f].findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) problems.push(`${f}[${bad}] = ${c[f][bad]}`);
  }
  for (let k = 0; k < c.length; k++) {
    if (!(c.open[k] > 0 && c.high[k] > 0 && c.low[k] > 0 && c.close[k] > 0 && c.volume[k] >= 0 && c.high[k] >= c.low[k])) {
      problems.push(`row ${k}: prices ${c.open[k]},${c.high[k]},${c.low[k]},${c.close[k]} volume ${c.volume[k]}`);
      break;
    }
    if (k > 0 && !(c.time[k] > c.time[k - 1])) {
      problems.push(`time not increasing at ${k}: ${c.time[k - 1]}, ${c.time[k]}`);
      break;
    }
    if (c.timeKind === "unix" && !(c.time[k] >= CANDLE_TIME_RANGE.from && c.time[k] < CANDLE_TIME_RANGE.to)) {
      problems.push(`time[${k}] = ${c.time[k]} outside ${CANDLE_TIME_RANGE.text}`);
      break;
    }
  }
  if (typeof formatReport(c) !== "string" || typeof timeRange(c) !== "string") problems.push("formatReport or timeRange gave no text");
  return problems;
}

/** Runs `load` and classifies the outcome: 'loaded', 'refused' (a plain Error naming the file), or a failure text. */
function outcome(load, names, check) {
  let result;
  try {
    result = load();
  } catch (e) {
    if (!(e instanceof Error) || e.constructor !== Error) return { fail: `threw ${e && e.constructor ? e.constructor.name : typeof e}: ${e && e.message}` };
    if (!names.some((n) => e.message.startsWith(n))) return { fail: `error does not start with the file's name: ${e.message}` };
    return { refused: e.message };
  }
  let problems;
  try {
    problems = check(result);
  } catch (e) {
    problems = [`checking the loaded data threw ${e.constructor.name}: ${e.message}`];
  }
  return problems.length ? { fail: `loaded, but: ${problems.join("; ")}` } : { loaded: true };
}

describe("bad input at random (property test): every mutated file loads cleanly or is refused by name", function () {
  this.timeout(Math.max(120000, RUNS * 50));
  let tmp;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-property-"))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const bases = () => ({
    daily: { lines: head(datasetPath("btc-usd-daily.csv"), 40) },
    "5m": { lines: head(datasetPath("crypto-5m", "BTC-USD.csv"), 40) },
    goog: { lines: head(datasetPath("stock-daily-goog.csv"), 40) },
    "5m, columns option": { lines: head(datasetPath("crypto-5m", "ETH-USD.csv"), 40), opts: { columns: ["time", "low", "high", "open", "close", "volume"] } },
    "dates, ms": {
      lines: ["Date,Open,High,Low,Close,Volume,open_time", ...Array.from({ length: 30 }, (_, k) => `2020-01-${String(k + 1).padStart(2, "0")},${10 + k},${12 + k},${9 + k},${11 + k},${k * 100},${Date.UTC(2020, 0, k + 1)}`)],
    },
  });

  it(`candle files: ${RUNS} seeded mutations through loadCandles and formatReport`, () => {
    const all = bases();
    const kinds = Object.keys(all);
    const failures = [];
    const counts = { loaded: 0, refused: 0 };
    const messages = new Set();
    const file = path.join(tmp, "mutated.csv");
    for (let run = 0; run < RUNS; run++) {
      const seed = FIRST_SEED + run;
      const rng = rngFrom(seed);
      const kind = kinds[seed % kinds.length];
      const lines = [...all[kind].lines];
      const done = [];
      const n = 1 + int(rng, 3);
      for (let m = 0; m < n; m++) {
        const name = pick(rng, Object.keys(textMutations));
        if (lines.length) done.push(textMutations[name](rng, lines));
      }
      let bytes = Buffer.from(lines.join(rng() < 0.2 ? "\r\n" : "\n") + (rng() < 0.8 ? "\n" : ""), "utf8");
      if (rng() < 0.1 && bytes.length) {
        const name = pick(rng, Object.keys(byteMutations));
        const r = byteMutations[name](rng, bytes);
        if (Array.isArray(r)) {
          done.push(r[0]);
          bytes = r[1];
        } else done.push(r);
      }
      fs.writeFileSync(file, bytes);
      const o = outcome(() => loadCandles(file, all[kind].opts), [file], (c) => checkLoaded(c, bytes));
      if (o.fail) failures.push(`seed ${seed} (${kind}): ${done.join(" | ")}\n    -> ${o.fail}`);
      else if (o.loaded) counts.loaded++;
      else {
        counts.refused++;
        messages.add(o.refused.slice(file.length).replace(/line \d+/, "line N").replace(/\(.*$/, ""));
      }
    }
    assert.strictEqual(failures.length, 0, `${failures.length} of ${RUNS} runs failed:\n  ${failures.slice(0, 10).join("\n  ")}`);
    if (RUNS >= 1000) {
      // The mutations must exercise both outcomes and many different errors, or the test proves little.
      assert.ok(counts.loaded > RUNS / 20 && counts.refused > RUNS / 4, `loaded ${counts.loaded}, refused ${counts.refused}`);
      assert.ok(messages.size >= 15, `only ${messages.size} kinds of error: ${[...messages].join(" / ")}`);
    }
  });

  // IDX: a folder of the four MNIST files, one of them mutated per run, through loadMnist.
  const IDX_RUNS = Math.ceil(RUNS / 3);
  it(`MNIST IDX files: ${IDX_RUNS} seeded mutations (plain and gzip) through loadMnist`, () => {
    const image = (k) => Uint8Array.from({ length: 784 }, (_, p) => (k * 31 + p * 7) % 256);
    const idxImages = (n) => {
      const h = Buffer.alloc(16);
      h.writeUInt32BE(0x803, 0);
      h.writeUInt32BE(n, 4);
      h.writeUInt32BE(28, 8);
      h.writeUInt32BE(28, 12);
      return Buffer.concat([h, ...Array.from({ length: n }, (_, k) => Buffer.from(image(k)))]);
    };
    const idxLabels = (n) => {
      const h = Buffer.alloc(8);
      h.writeUInt32BE(0x801, 0);
      h.writeUInt32BE(n, 4);
      return Buffer.concat([h, Buffer.from(Array.from({ length: n }, (_, k) => (k * 3) % 10))]);
    };
    const good = { "train-images-idx3-ubyte": idxImages(6), "train-labels-idx1-ubyte": idxLabels(6), "t10k-images-idx3-ubyte": idxImages(3), "t10k-labels-idx1-ubyte": idxLabels(3) };
    const mutations = {
      flipByte: (rng, b) => {
        const k = int(rng, b.length);
        const v = int(rng, 256);
        b[k] = v;
        return [`flipByte offset ${k} -> ${v}`, b];
      },
      flipHeader: (rng, b) => {
        const k = int(rng, Math.min(16, b.length));
        const v = pick(rng, [0, 1, 3, 8, 9, 0x0d, 28, 255, int(rng, 256)]);
        b[k] = v;
        return [`flipHeader offset ${k} -> ${v}`, b];
      },
      cut: (rng, b) => {
        const k = int(rng, b.length);
        return [`cut at ${k}`, b.subarray(0, k)];
      },
      extend: (rng, b) => [`extend by 1..4 bytes`, Buffer.concat([b, Buffer.alloc(1 + int(rng, 4), 9)])],
      badLabel: (rng, b) => {
        if (b.length <= 8 || b.readUInt32BE(0) !== 0x801) return ["badLabel: not a label file", b];
        const k = 8 + int(rng, b.length - 8);
        b[k] = 10 + int(rng, 246);
        return [`badLabel at ${k} -> ${b[k]}`, b];
      },
      count: (rng, b) => {
        if (b.length < 8) return ["count: no count field", b];
        const v = pick(rng, [0, 1, 2, 5, 7, 0xffffffff, int(rng, 100)]);
        b.writeUInt32BE(v, 4);
        return [`count -> ${v}`, b];
      },
    };
    const failures = [];
    const counts = { loaded: 0, refused: 0 };
    for (let run = 0; run < IDX_RUNS; run++) {
      const seed = FIRST_SEED + run;
      const rng = rngFrom(seed);
      const dir = path.join(tmp, `idx-${run % 4}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const target = pick(rng, Object.keys(good));
      const done = [];
      const paths = [];
      for (const [name, bytes] of Object.entries(good)) {
        let b = Buffer.from(bytes);
        if (name === target) {
          const n = 1 + int(rng, 2);
          for (let m = 0; m < n; m++) {
            const [what, nb] = mutations[pick(rng, Object.keys(mutations))](rng, b);
            done.push(`${name}: ${what}`);
            b = Buffer.from(nb);
          }
        }
        const gz = rng() < 0.5;
        let out = gz ? zlib.gzipSync(b) : b;
        if (gz && name === target && rng() < 0.3) {
          // Damage the compressed stream itself.
          out = Buffer.from(out);
          const k = 10 + int(rng, Math.max(1, out.length - 10));
          out[k] ^= 1 + int(rng, 255);
          done.push(`${name}.gz: compressed byte ${k} flipped`);
        }
        const p = path.join(dir, name + (gz ? ".gz" : ""));
        fs.writeFileSync(p, out);
        paths.push(p);
      }
      const o = outcome(
        () => loadMnist({ dir }),
        paths,
        (d) => {
          const problems = [];
          for (const part of ["train", "test"]) {
            const s = d[part];
            if (s.labels.length !== s.n || s.images.length !== s.n * 784) problems.push(`${part}: ${s.n} items, ${s.labels.length} labels, ${s.images.length} pixels`);
            if (s.images.some((v) => !(v >= 0 && v <= 1))) problems.push(`${part}: a pixel outside [0, 1]`);
            if (s.labels.some((l) => !(l >= 0 && l <= 9))) problems.push(`${part}: a label outside 0-9`);
          }
          if (d.train.n !== 6 || d.test.n !== 3) {
            // Counts may change only together with the data (a consistent header change): the sizes must agree.
            if (d.train.n === 0 || d.test.n === 0) problems.push(`an empty part loaded: ${d.train.n} / ${d.test.n}`);
          }
          return problems;
        },
      );
      if (o.fail) failures.push(`seed ${seed}: ${done.join(" | ")}\n    -> ${o.fail}`);
      else if (o.loaded) counts.loaded++;
      else counts.refused++;
    }
    assert.strictEqual(failures.length, 0, `${failures.length} of ${IDX_RUNS} runs failed:\n  ${failures.slice(0, 10).join("\n  ")}`);
    if (IDX_RUNS >= 300) assert.ok(counts.loaded > IDX_RUNS / 20 && counts.refused > IDX_RUNS / 4, `loaded ${counts.loaded}, refused ${counts.refused}`);
  });

  it("the checks catch what they are for: a loader that lets Infinity through or drops a row fails them", () => {
    const bytes = Buffer.from("time,open,high,low,close,volume\n60,1,2,1,1.5,10\n120,1,2,1,1.5,10\n");
    const file = path.join(tmp, "planted.csv");
    fs.writeFileSync(file, bytes);
    const c = loadCandles(file);
    assert.deepStrictEqual(checkLoaded(c, bytes), []);
    const inf = { ...c, high: Float64Array.from([2, Infinity]) };
    assert.match(checkLoaded(inf, bytes).join(), /high\[1\] = Infinity/);
    const dropped = { ...c, length: 1, report: { ...c.report, rowsRead: 1, rows: 1 }, time: c.time.subarray(0, 1) };
    assert.match(checkLoaded(dropped, bytes).join(), /2 data lines in the file, but the report read 1/);
    assert.match(outcome(() => { throw new RangeError("Invalid time value"); }, [file], () => []).fail, /threw RangeError/);
    assert.match(outcome(() => { throw new Error("x.csv: no"); }, [file], () => []).fail, /does not start with the file's name/);
  });
});
