// Every number in the course's prose is printed by a cell or quoted from a named source (scripts/course/results.js):
// markers <!--r:KEY-->value<!--/r--> in the READMEs and docs/ must equal notebooks/results.full.json (the executed full run's
// rl.record values), and a measured-looking number may not stand unmarked.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { checkText, checkAll, recordedKeys, SNAPSHOT } = require("../../scripts/course/results.js");

describe("numbers in prose (scripts/course/results.js)", function () {
  it("every marked number matches the executed full run, and no measured number stands unmarked", () => {
    const problems = checkAll();
    assert.deepStrictEqual(problems, [], problems.join("\n"));
  });

  it("the committed results hold what the notebooks record", () => {
    const results = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8"));
    const keys = recordedKeys();
    assert.ok(keys.has("06.lecture_lstm.test_acc"), "lesson 06 records its lecture LSTM's test accuracy");
    for (const k of keys) assert.ok(k in results, `${k} is recorded by a notebook but missing from notebooks/results.full.json: run the notebooks (full) and node scripts/course/results.js --update`);
  });

  it("fails on a wrong marked value, an unknown key, and an unmarked accuracy, ratio or percentage", () => {
    const file = path.join(os.tmpdir(), "rnnlab-numbers.md");
    const results = { "06.lecture_lstm.test_acc": "0.9812" };
    const text = [
      "its lecture LSTM reached <!--r:06.lecture_lstm.test_acc-->0.9645<!--/r--> test accuracy.",
      "it ran <!--r:06.no_such-->3<!--/r--> epochs.",
      "its lecture LSTM reached 0.9665 test accuracy, the test period is 53.1% up and there is 7.5배 less data.",
      "the lecture reported 0.9826; <!--r:06.lecture_lstm.test_acc-->0.9812<!--/r--> here; `code 0.1234` is code.",
      "| 0.7150 | a table row of a command's output |",
      "Adam with a learning rate of 0.001 is a setting, not a result.",
    ].join("\n");
    const problems = checkText(file, text, results);
    assert.strictEqual(problems.length, 5, problems.join("\n"));
    assert.match(problems[0], /:1: 06.lecture_lstm.test_acc says 0.9645, the executed notebook recorded 0.9812/);
    assert.match(problems[1], /:2: marker 06.no_such is not a recorded result/);
    assert.match(problems[2], /:3: 0.9665 is neither printed/);
    assert.match(problems[3], /:3: 53.1% is neither/);
    assert.match(problems[4], /:3: 7.5배 is neither/);
  });

  it("reads a notebook source's markdown cells only, not its code", () => {
    const file = path.join(os.tmpdir(), "99_x.ts");
    const text = ["// %% [markdown]", "// accuracy 0.9123 in prose", "", "// %%", "const a = 0.9123; // 0.9123 in a comment"].join("\n");
    const problems = checkText(file, text, {});
    assert.strictEqual(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /:2: 0.9123/);
  });
});
