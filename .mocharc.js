"use strict";
// mocha's settings for `npm test`. The test files run in parallel worker processes (--jobs: one per core, at least 2
// and at most 4): the notebook suites spend much of their time waiting on a kernel, a browser or a child process, so
// a second file beside them keeps the other core busy. Each file still runs its own tests in order, in one process.
// The files that took longest in the last run (build/test-durations.json, written by test/summary-reporter.js)
// start first, so that no long file starts last and runs alone at the end; on a first run the files named in
// LONG do. `npm test -- --jobs 1` runs one file at a time; `npx mocha test/x.test.js` runs that file alone.
const fs = require("fs");
const os = require("os");
const path = require("path");

// The files that take longest, longest first (on a 2-core machine), for a run without build/test-durations.json.
// A file whose name matches /deno/ (a second kernel running every lesson) is taken as long too.
const LONG = [
  "test/tooling/browser.test.js",
  "test/tooling/notebooks.test.js",
  "test/tooling/grade.test.js",
  "test/tooling/webgpu.test.js",
  "test/fast/kernels-wasm.test.js",
  "test/tooling/interrupt.test.js",
  "test/tooling/tslab.test.js",
  "test/tooling/device-check.test.js",
  "test/tooling/kernel-anywhere.test.js",
];

// The suites that run the course's lessons or need Jupyter or a browser; `npm run test:unit` runs every other file
// (what CI runs again under a second Node.js version).
const NOTEBOOK_SUITES = [
  "test/tooling/browser.test.js",
  "test/tooling/notebooks.test.js",
  "test/tooling/grade.test.js",
  "test/tooling/webgpu.test.js",
  "test/tooling/device-check.test.js",
  "test/tooling/interrupt.test.js",
  "test/tooling/kernel-anywhere.test.js",
];
const UNIT_ONLY = process.env.npm_lifecycle_event === "test:unit";

function testFiles(dir) {
  return fs
    .readdirSync(path.join(__dirname, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith(".test.js") ? [`${dir}/${e.name}`] : []))
    .sort();
}

function recorded() {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "build", "test-durations.json"), "utf8"));
  } catch {
    return {};
  }
}

/** Every test/**\/*.test.js, the longest first: by the last run's time where recorded, else by LONG. */
function ordered() {
  const times = recorded();
  const guess = (f) => (LONG.includes(f) ? 1e9 - LONG.indexOf(f) : /deno/i.test(f) ? 1e9 + 1 : 0);
  // A file the last run did not time (new, or skipped) goes before the short ones: it may be long.
  const weight = (f) => (f in times ? times[f] : Object.keys(times).length ? Math.max(guess(f), 6e4) : guess(f));
  return testFiles("test")
    .filter((f) => !(UNIT_ONLY && (NOTEBOOK_SUITES.includes(f) || /deno/i.test(f))))
    .sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
}

const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;

// Test files named on the command line (`npx mocha test/x.test.js`) are run alone, not added to the whole suite.
const named = process.argv.slice(2).some((a) => a.endsWith(".test.js"));

module.exports = {
  spec: named ? [] : ordered(),
  parallel: true,
  jobs: Math.max(2, Math.min(4, cores)),
  timeout: 60000,
  reporter: "test/summary-reporter.js",
};
