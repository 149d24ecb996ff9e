// tslab's own compiler and executor, as the course's kernel runs them for a cell, for the scripts that run
// notebooks without Jupyter (run-headless.js, grade.js). The project's own (patched) tslab is used.
"use strict";
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * An executor for cells run in `dir` (the notebook's folder, as for a kernel Jupyter starts). `what` names the
 * caller in the error a `%browser` cell gets. Returns tslab's executor, its `jupyter` module (whose
 * `lastWriteDisplayData` receives display data) and `close()`.
 */
function tslabExecutor(dir, what) {
  const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [ROOT] }));
  const { createConverter } = require(path.join(tslabDir, "dist", "converter"));
  const { createExecutor } = require(path.join(tslabDir, "dist", "executor"));
  const jupyter = require(path.join(tslabDir, "dist", "jupyter"));
  let node;
  const convs = {
    get node() {
      node = node ?? createConverter({ isJS: false, isBrowser: false });
      return node;
    },
    get browser() {
      throw new Error(`${what}: browser cells (%browser) are not supported`);
    },
    close() {
      if (node) node.close();
    },
  };
  const executor = createExecutor(dir, convs, { log: console.log, error: console.error });
  return {
    executor,
    jupyter,
    close() {
      executor.close();
      convs.close();
    },
  };
}

module.exports = { tslabExecutor };
