"use strict";
// `npm run grade -- DIR` on a class of sample submissions of lesson 01, made from the lesson's own notebook: solved,
// half solved (a wrong answer, and its check cell edited to pass), broken (a compile error, a throwing cell, a deleted
// check cell), hanging, untouched, and a file that is not a notebook. The table must say what happened to each.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { loadSolutions, solutionSource } = require("../exercise-solutions");

const ROOT = path.resolve(__dirname, "..", "..");
const LESSON = path.join(ROOT, "notebooks", "01_perceptron.ipynb");
const src = (c) => [].concat(c.source).join("");
const OTHER_LESSONS = ["02", "03", "04", "05", "06", "07"];

function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else field += ch;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

describe("npm run grade", function () {
  this.timeout(20 * 60 * 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-class-"));
  // The hanging notebook is graded in a run of its own, beside the class's, with a shorter limit: it keeps a core
  // busy until it is killed, and the class's run need not wait for it.
  const hangDir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-hang-"));
  const HANG_LIMIT = 60;
  const sol = loadSolutions("01");
  const lesson = JSON.parse(fs.readFileSync(LESSON, "utf8"));

  /** A copy of lesson 01 with cells changed: edit(sourceOfCell) returns the new source, or null to delete it. */
  function submission(name, edit, into = dir) {
    const nb = JSON.parse(JSON.stringify(lesson));
    nb.cells = nb.cells.flatMap((c) => {
      const s = edit(src(c), c);
      if (s === null) return [];
      if (Array.isArray(s)) return s.map((x) => ({ ...c, source: x }));
      return [{ ...c, source: s }];
    });
    fs.writeFileSync(path.join(into, name), JSON.stringify(nb));
  }
  /** `npm run grade -- folder --timeout S`, without waiting: resolves to its output and the CSV's rows. */
  function grade(folder, timeout) {
    return new Promise((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "grade", "--", folder, "--timeout", String(timeout)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d) => (text += d));
      child.stderr.on("data", (d) => (text += d));
      child.on("error", reject);
      child.on("close", (status) => {
        try {
          assert.strictEqual(status, 0, text);
          resolve({ out: text, csv: parseCsv(fs.readFileSync(path.join(folder, "grades", "grades.csv"), "utf8")) });
        } catch (e) {
          reject(e);
        }
      });
    });
  }
  const solve = (name) => (s) => (s.includes(`function ${name}(`) && s.includes("rl.notYet()") ? solutionSource(sol.source, name) : undefined);
  const keep = (s) => s;
  const wrongUpdate = [
    "function perceptronUpdate(w: number[], b: number, x: number[], y: number, lr: number): { w: number[]; b: number } {",
    "  const error = perceptronOutput(w, b, x) - y;",
    "  return { w: w.map((wi, i) => wi + lr * error * x[i]), b: b + lr * error };",
    "}",
  ].join("\n");
  const standaloneUpdate = [
    "function perceptronUpdate(w: number[], b: number, x: number[], y: number, lr: number): { w: number[]; b: number } {",
    "  const error = y - (w.reduce((s, wi, i) => s + wi * x[i], b) >= 0 ? 1 : 0);",
    "  return { w: w.map((wi, i) => wi + lr * error * x[i]), b: b + lr * error };",
    "}",
  ].join("\n");
  let out;
  let csv;
  let hangCsv;

  before(async () => {
    submission("01_solved.ipynb", (s) => solve("perceptronOutput")(s) ?? solve("perceptronUpdate")(s) ?? keep(s));
    submission("01_half.ipynb", (s) => {
      if (s.includes("function perceptronUpdate(")) return wrongUpdate;
      if (s.includes('checkExercise("01-2"')) return 'await rl.checkExercise("01-2", (w: number[], b: number) => ({ w, b }));';
      return solve("perceptronOutput")(s) ?? keep(s);
    });
    submission("01_broken.ipynb", (s) => {
      if (s.includes("function perceptronOutput(")) return 'function perceptronOutput(w: number[], b: number, x: number[]): number {\n  return "one";\n}';
      if (s.includes("function perceptronUpdate(")) return [standaloneUpdate, 'throw new Error("student bug");'];
      if (s.includes('checkExercise("01-2"')) return null;
      return s;
    });
    submission("01_hanging.ipynb", (s) => {
      if (s.includes("function perceptronUpdate(")) return "while (true) {}";
      return solve("perceptronOutput")(s) ?? keep(s);
    }, hangDir);
    submission("01_untouched.ipynb", keep);
    fs.writeFileSync(path.join(dir, "01_garbage.ipynb"), "{ this is not json");
    // Every other lesson, solved: its exercise cells compile and its solutions pass under tslab too.
    for (const lessonNo of OTHER_LESSONS) {
      const file = fs.readdirSync(path.join(ROOT, "notebooks")).find((f) => f.startsWith(`${lessonNo}_`) && f.endsWith(".ipynb"));
      const other = loadSolutions(lessonNo);
      const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", file), "utf8"));
      for (const c of nb.cells) {
        const m = /^function (\w+)\(/m.exec(src(c));
        if (m && src(c).includes("rl.notYet()") && other.exports[m[1]]) c.source = solutionSource(other.source, m[1]);
      }
      fs.writeFileSync(path.join(dir, `solved_${file}`), JSON.stringify(nb));
    }
    // Lesson 07 solved, but 07-1 and 07-3 answered with one call to the library function the lesson shows.
    {
      const file = fs.readdirSync(path.join(ROOT, "notebooks")).find((f) => f.startsWith("07_") && f.endsWith(".ipynb"));
      const other = loadSolutions("07");
      const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", file), "utf8"));
      for (const c of nb.cells) {
        const m = /^function (\w+)\(/m.exec(src(c));
        if (!m || !src(c).includes("rl.notYet()")) continue;
        if (m[1] === "upDownLabelsByHand") c.source = "function upDownLabelsByHand(close: number[], horizon: number): number[] {\n  return Array.from(rl.upDownLabels(close, horizon));\n}";
        else if (m[1] === "majorityBaselineAccuracy") c.source = "function majorityBaselineAccuracy(trainLabels: number[], testLabels: number[]): number {\n  return rl.majorityBaseline(trainLabels, testLabels).accuracy;\n}";
        else if (other.exports[m[1]]) c.source = solutionSource(other.source, m[1]);
      }
      fs.writeFileSync(path.join(dir, "07_library.ipynb"), JSON.stringify(nb));
    }
    const [cls, hang] = await Promise.all([grade(dir, 120), grade(hangDir, HANG_LIMIT)]);
    ({ out, csv } = cls);
    hangCsv = hang.csv;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(hangDir, { recursive: true, force: true });
  });

  const row = (name) => csv.find((r) => r.student === name) ?? hangCsv.find((r) => r.student === name);

  it("writes one row per notebook, as CSV and HTML, and prints the table", () => {
    assert.deepStrictEqual(csv.map((r) => r.student).slice(0, 6), ["01_broken.ipynb", "01_garbage.ipynb", "01_half.ipynb", "01_solved.ipynb", "01_untouched.ipynb", "07_library.ipynb"]);
    assert.strictEqual(csv.length, 6 + OTHER_LESSONS.length);
    assert.deepStrictEqual(hangCsv.map((r) => r.student), ["01_hanging.ipynb"]);
    const html = fs.readFileSync(path.join(dir, "grades", "grades.html"), "utf8");
    for (const r of csv) assert.ok(html.includes(r.student), r.student);
    assert.match(out, /student\s+run\s+score\s+01-1\s+01-2/);
    assert.match(out, /01_solved\.ipynb\s+ok\s+2\/2\s+pass\s+pass/);
  });

  it("a solved notebook passes every exercise", () => {
    assert.deepStrictEqual([row("01_solved.ipynb").run, row("01_solved.ipynb").score, row("01_solved.ipynb")["01-1"], row("01_solved.ipynb")["01-2"]], ["ok", "2/2", "pass", "pass"]);
  });

  it("a half-solved notebook gets the diagnosis, and an edited check cell is replaced by the lesson's", () => {
    const r = row("01_half.ipynb");
    assert.strictEqual(r.score, "1/2");
    assert.strictEqual(r["01-1"], "pass");
    assert.strictEqual(r["01-2"], "FAIL");
    assert.match(r["01-2 diagnosis"], /^error-sign: 오차의 부호가 반대입니다/);
    assert.match(r.notes, /01-2: check cell edited/);
  });

  it("a broken notebook is reported cell by cell, and a deleted check cell is put back", () => {
    const r = row("01_broken.ipynb");
    assert.strictEqual(r.run, "3 cell(s) failed");
    assert.strictEqual(r["01-1"], "not run");
    assert.match(r["01-1 diagnosis"], /check cell failed: .*perceptronOutput/);
    assert.strictEqual(r["01-2"], "pass");
    assert.match(r.notes, /01-2: check cell deleted/);
    assert.match(r.notes, /cell error: .*Type 'string' is not assignable to type 'number'|cell error: Error: student bug/);
  });

  it("a hanging notebook is killed at the time limit; what ran before still counts", () => {
    const r = row("01_hanging.ipynb");
    assert.match(r.run, new RegExp(`^timeout: killed after ${HANG_LIMIT} s`));
    assert.strictEqual(r["01-1"], "pass");
    assert.strictEqual(r["01-2"], "not run");
    assert.match(r["01-2 diagnosis"], /not reached/);
  });

  it("the solved notebooks of lessons 02-07 pass every exercise (solutions and exercise cells compile under tslab)", () => {
    for (const r of csv.filter((x) => x.student.startsWith("solved_"))) {
      const [passed, total] = r.score.split("/").map(Number);
      assert.ok(total >= 2 && passed === total, `${r.student}: ${r.run}, ${r.score}, ${r.notes}`);
      assert.strictEqual(r.run, "ok", r.student);
    }
  });

  it("answers that only call the library function the lesson shows are shown as 'library call' and not counted", () => {
    const r = row("07_library.ipynb");
    assert.strictEqual(r.run, "ok");
    assert.strictEqual(r.score, "1/3");
    assert.strictEqual(r["07-1"], "library call");
    assert.match(r["07-1 diagnosis"], /^library-call: rl\.upDownLabels/);
    assert.strictEqual(r["07-2"], "pass");
    assert.strictEqual(r["07-3"], "library call");
    assert.match(r["07-3 diagnosis"], /rl\.majorityBaseline/);
    assert.match(out, /07_library\.ipynb\s+ok\s+1\/3/);
  });

  it("an untouched notebook says 'not solved', and a file that is not a notebook is reported", () => {
    assert.deepStrictEqual([row("01_untouched.ipynb").score, row("01_untouched.ipynb")["01-1"], row("01_untouched.ipynb")["01-2"]], ["0/2", "not solved", "not solved"]);
    assert.match(row("01_garbage.ipynb").run, /^unreadable notebook/);
  });
});
