"use strict";
// mocha's spec reporter, plus one closing line in the plain form CI reads: "N passed, N failed[, N skipped]".
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = this.stats;
      console.log(`${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ""}`);
    });
  }
}

module.exports = SummaryReporter;
