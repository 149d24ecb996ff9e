"use strict";
// rl.showFrame: a danfo DataFrame as an HTML table (index, dtypes, escaped values, a box that scrolls sideways) with
// plain text beside it in the same output, and the plain text alone outside a notebook.
const assert = require("assert");
const dfd = require("danfojs-node");
const rl = require("rnnlab");
const jupyter = require("tslab/dist/jupyter");

function sample() {
  return new dfd.DataFrame(
    {
      date: ["2011-09-13 00:00", "2011-09-14 00:00", "<b>&co</b>", "2011-09-16 00:00"],
      close: [5.97, 5.53, 5.13, 4.85],
      volume: [1234567, 2, 30, 400],
    },
    { index: ["a", "b", "c", "d"] },
  );
}

describe("showFrame: DataFrames as tables", () => {
  let sent;
  beforeEach(() => {
    sent = [];
    jupyter.lastWriteDisplayData = (data, update) => sent.push({ data, update });
  });
  afterEach(() => {
    jupyter.lastWriteDisplayData = null;
  });

  it("sends one output with HTML and plain text: the index, the column names, the dtypes, the values", () => {
    rl.showFrame(sample());
    assert.strictEqual(sent.length, 1);
    const bundle = sent[0].data.data;
    assert.deepStrictEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
    const html = bundle["text/html"];
    for (const v of ["<th", ">a</th>", ">d</th>", ">date</th>", ">close</th>", ">volume</th>", ">float32</th>", ">int32</th>", ">string</th>", ">5.97</td>", ">1234567</td>"]) {
      assert.ok(html.includes(v), `HTML lacks ${v}:\n${html}`);
    }
    const text = bundle["text/plain"];
    const lines = text.split("\n");
    assert.match(lines[0], /^\s+date\s+close\s+volume$/);
    assert.match(lines[1], /^dtype\s+string\s+float32\s+int32$/);
    assert.match(lines[2], /^a\s+2011-09-13 00:00\s+5\.97\s+1234567$/);
    assert.strictEqual(lines.length, 6);
    // Columns align: every row is as wide as the header.
    assert.ok(lines.slice(2).every((l) => l.length === lines[0].length), text);
  });

  it("escapes values and names in the HTML", () => {
    const html = rl.frameHtml(sample());
    assert.ok(html.includes("&lt;b&gt;&amp;co&lt;/b&gt;"), html);
    assert.ok(!html.includes("<b>&co"), html);
  });

  it("puts the table in a box that scrolls sideways, so a wide frame does not widen the output", () => {
    const wide = new dfd.DataFrame([Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`column_${i}`, i * 1.5]))]);
    const html = rl.frameHtml(wide);
    assert.match(html, /^<div class="rnnlab-frame" style="overflow-x:auto;max-width:100%"><table[^>]*>.*<\/table><\/div>$/s);
    assert.ok(html.includes(">column_29</th>"));
  });

  it("shows the first rows asked for and says how many there are", () => {
    const df = new dfd.DataFrame({ x: Array.from({ length: 1200 }, (_, i) => i / 4) });
    const text = rl.frameText(df, { rows: 3 });
    assert.deepStrictEqual(text.split("\n").slice(2), ["0         0.00", "1         0.25", "2         0.50", "[1,200 rows × 1 columns; the first 3 shown]"]);
    assert.match(rl.frameHtml(df, { rows: 3 }), /<p[^>]*>1,200 rows × 1 columns \(the first 3 shown\)<\/p>$/);
    assert.strictEqual((rl.frameHtml(df, { rows: 3 }).match(/<tr>/g) ?? []).length, 2 + 3);
  });

  it("formats a column's floats with the decimals its values need (at most `digits`), NaN and huge values as pandas does", () => {
    const df = new dfd.DataFrame({ a: [1.5, 2.25, NaN], b: [1 / 3, 2, 3], c: [1e20, 1, 2] });
    const rows = rl.frameText(df).split("\n").slice(2);
    assert.deepStrictEqual(rows.map((r) => r.trim().split(/\s+/)), [
      ["0", "1.50", "0.3333", "1.0000e+20"],
      ["1", "2.25", "2.0000", "1"],
      ["2", "NaN", "3.0000", "2"],
    ]);
    assert.match(rl.frameText(df, { digits: 2 }), /0\.33/);
  });

  it("shows a Series as one column", () => {
    const s = new dfd.Series([1, 2, 3], { index: ["x", "y", "z"], columns: ["n"] });
    const lines = rl.frameText(s).split("\n");
    assert.strictEqual(lines.length, 5);
    assert.match(lines[2], /^x\s+1$/);
  });

  it("prints the plain text alone outside a notebook", () => {
    jupyter.lastWriteDisplayData = null;
    const logged = [];
    const log = console.log;
    console.log = (...a) => logged.push(a.join(" "));
    try {
      rl.showFrame(sample(), { rows: 2 });
    } finally {
      console.log = log;
    }
    assert.strictEqual(sent.length, 0);
    assert.strictEqual(logged.length, 1);
    assert.strictEqual(logged[0], rl.frameText(sample(), { rows: 2 }));
    assert.match(logged[0], /\[4 rows × 3 columns; the first 2 shown\]$/);
  });
});
