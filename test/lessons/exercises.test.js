"use strict";
// Every exercise's check passes on its solution (notebooks/solutions/), fails with the promised diagnosis on each
// typical wrong answer kept beside it, says "not solved yet" for the untouched skeleton, and frees its tensors.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const rl = require("rnnlab");
const { loadSolutions } = require("../exercise-solutions");
const { parseCells } = require("../../scripts/course/build-notebooks.js");

const ROOT = path.resolve(__dirname, "..", "..");
const LESSONS = ["01", "02", "03", "04", "05", "06", "07"];

describe("exercises", function () {
  this.timeout(120000);
  before(async () => {
    await rl.initRuntime({ verbose: false });
  });

  it("each of lessons 01-07 has 2-5 exercises", () => {
    for (const lesson of LESSONS) {
      const n = rl.lessonExercises(lesson).length;
      assert.ok(n >= 2 && n <= 5, `lesson ${lesson} has ${n} exercises`);
    }
  });

  it("06-3's answer is the lab model's own count (rl.buildLectureMnistLstm's countParams) for several sizes", () => {
    const sol = loadSolutions("06").exports;
    for (const units of [128, 16, 3]) {
      const m = rl.buildLectureMnistLstm({ units, compile: false });
      assert.strictEqual(sol.lectureModelParams(units), m.countParams(), `units ${units}`);
      m.dispose();
    }
  });

  it("the five exercises a library function answers in one call refuse that call (not counted as passed)", () => {
    const refused = LESSONS.flatMap((l) => loadSolutions(l).exports.wrongAnswers.filter((w) => w.status === "library-call").map((w) => w.id));
    for (const id of ["03-1", "03-2", "05-1", "07-1", "07-3"]) assert.ok(refused.includes(id), `${id} has no library-call answer to refuse`);
  });

  it("each lesson ends with its exercises: a skeleton cell defining the function, then its check cell", () => {
    for (const lesson of LESSONS) {
      const file = fs.readdirSync(path.join(ROOT, "notebooks", "src")).find((f) => f.startsWith(`${lesson}_`));
      const cells = parseCells(fs.readFileSync(path.join(ROOT, "notebooks", "src", file), "utf8"), file);
      const heading = cells.findIndex((c) => c.kind === "markdown" && /^## 연습 문제/m.test(c.lines.join("\n")));
      assert.ok(heading > 0, `${file}: no "## 연습 문제" heading`);
      const code = cells.slice(heading).filter((c) => c.kind === "code").map((c) => c.lines.join("\n"));
      for (const ex of rl.lessonExercises(lesson)) {
        const check = code.findIndex((s) => s.includes(`await rl.checkExercise("${ex.id}", ${ex.name});`));
        assert.ok(check > 0, `${file}: no check cell for ${ex.id}`);
        assert.match(code[check - 1], new RegExp(`function ${ex.name}\\(`), `${file}: the cell before ${ex.id}'s check defines ${ex.name}`);
        assert.match(code[check - 1], /rl\.notYet\(\)/, `${file}: ${ex.id}'s skeleton is unsolved`);
      }
      assert.strictEqual(cells.slice(heading).filter((c) => c.kind === "code" && c.lines.join("\n").includes("checkExercise")).length, rl.lessonExercises(lesson).length);
    }
  });

  for (const lesson of LESSONS) {
    describe(`lesson ${lesson}`, () => {
      const sol = loadSolutions(lesson);
      for (const ex of rl.lessonExercises(lesson)) {
        it(`${ex.id} passes on its solution (${ex.name})`, async () => {
          const before = rl.tf.memory().numTensors;
          const r = await rl.evaluateExercise(ex.id, sol.exports[ex.name]);
          assert.strictEqual(r.status, "pass", `${ex.id}: ${rl.formatExerciseResult(r)}`);
          assert.strictEqual(rl.tf.memory().numTensors, before, "the check leaks tensors");
        });
        it(`${ex.id} says "not solved yet" for the skeleton, without throwing`, async () => {
          const r = await rl.evaluateExercise(ex.id, () => rl.notYet());
          assert.strictEqual(r.status, "not-solved");
          assert.match(rl.formatExerciseResult(r), /아직 풀지 않았습니다/);
        });
        const wrong = sol.exports.wrongAnswers.filter((w) => w.id === ex.id);
        it(`${ex.id} has typical wrong answers beside its solution`, () => assert.ok(wrong.length >= 2, `${wrong.length}`));
        for (const w of wrong) {
          it(`${ex.id} ${w.status === "library-call" ? "refuses an answer that calls the library" : "diagnoses a wrong answer"} as "${w.code}"${w.message ? ` (${w.message})` : ""}`, async () => {
            const before = rl.tf.memory().numTensors;
            const r = await rl.evaluateExercise(ex.id, w.fn);
            assert.strictEqual(r.status, w.status || "fail", rl.formatExerciseResult(r));
            assert.strictEqual(r.code, w.code, rl.formatExerciseResult(r));
            if (w.message) assert.match(r.message, w.message);
            assert.ok(r.message.length > 15, "a diagnosis, not only 'wrong'");
            assert.strictEqual(rl.tf.memory().numTensors, before, "the check leaks tensors");
          });
        }
      }
    });
  }

  it("the solutions type-check (strict), as tslab will check them when pasted into a notebook", function () {
    this.timeout(300000);
    const { spawnSync } = require("child_process");
    const files = fs.readdirSync(path.join(ROOT, "notebooks", "solutions")).filter((f) => f.endsWith(".ts")).map((f) => path.join("notebooks", "solutions", f));
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--esModuleInterop", "--skipLibCheck", "--target", "es2020", "--module", "commonjs", "--moduleResolution", "node", ...files], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  });

  it("a function that throws gets its error named; one that returns nothing is told so", async () => {
    const r1 = await rl.evaluateExercise("03-1", () => {
      throw new Error("boom");
    });
    assert.strictEqual(r1.code, "error");
    assert.match(r1.message, /rnnStep가 오류를 던졌습니다: boom/);
    const r2 = await rl.evaluateExercise("07-3", () => undefined);
    assert.strictEqual(r2.code, "no-return");
    const r3 = await rl.evaluateExercise("01-1", 42);
    assert.strictEqual(r3.code, "not-a-function");
  });

  it("checkExercise prints one line outside a notebook and never throws for a wrong or unsolved answer", async () => {
    const lines = [];
    const log = console.log;
    console.log = (s) => lines.push(String(s));
    try {
      await rl.checkExercise("01-1", () => rl.notYet());
      await rl.checkExercise("01-1", (w, b, x) => (w[0] * x[0] + w[1] * x[1] > 0 ? 1 : 0));
    } finally {
      console.log = log;
    }
    assert.strictEqual(lines.length, 2);
    assert.match(lines[0], /^… 연습 01-1 .*아직 풀지 않았습니다/);
    assert.match(lines[1], /^✘ 연습 01-1 /);
  });
});
