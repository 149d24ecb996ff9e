"use strict";
// mocha's spec reporter, plus, at the end: the ten slowest tests and hooks (as `pytest --durations` lists them, so a
// slow test is seen when it is added), the time each test file took (build/test-durations.json, which .mocharc.js
// reads to start the longest files first next time), and one closing line in the plain form CI reads:
// "N passed, N failed[, N skipped]".
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_HOOK_END } = Mocha.Runner.constants;
const ROOT = path.resolve(__dirname, "..");
const DURATIONS = path.join(ROOT, "build", "test-durations.json");
const SLOWEST = 10;

/** "12.3 s" or "1 min 02.3 s". */
function seconds(ms) {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${(s % 60).toFixed(1).padStart(4, "0")} s`;
}

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = Date.now();
    const timed = []; // { title, file, ms }
    const title = (r) => (typeof r.fullTitle === "function" ? r.fullTitle() : r.title);
    const add = (r) => {
      if (typeof r.duration === "number") timed.push({ title: title(r), file: r.file ? path.relative(ROOT, r.file) : "", ms: r.duration });
    };
    runner.on(EVENT_TEST_PASS, add);
    runner.on(EVENT_TEST_FAIL, add);
    // Hooks count too: a `before` that runs every notebook holds the time its tests then only read.
    runner.on(EVENT_HOOK_END, add);
    runner.once(EVENT_RUN_END, () => {
      const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
      if (slowest.length) {
        console.log(`slowest ${slowest.length} tests and hooks (of ${timed.length}), ${seconds(Date.now() - started)} in all:`);
        for (const t of slowest) console.log(`  ${seconds(t.ms).padStart(12)}  ${t.file ? `${t.file}: ` : ""}${t.title}`);
      }
      const perFile = {};
      for (const t of timed) if (t.file) perFile[t.file] = Math.round((perFile[t.file] ?? 0) + t.ms);
      try {
        // Merged into the earlier record: a run of a few files updates those files only.
        let known = {};
        try {
          known = JSON.parse(fs.readFileSync(DURATIONS, "utf8"));
        } catch {
          /* the first run */
        }
        fs.mkdirSync(path.dirname(DURATIONS), { recursive: true });
        fs.writeFileSync(DURATIONS, JSON.stringify({ ...known, ...perFile }, null, 1) + "\n");
      } catch {
        /* a read-only checkout: the order falls back to .mocharc.js's list */
      }
      const s = this.stats;
      console.log(`${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ""}`);
    });
  }
}

module.exports = SummaryReporter;
