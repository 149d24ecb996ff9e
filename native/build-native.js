#!/usr/bin/env node
// Builds rnnlab's native kernels (native/src: SimpleRNN, LSTM, GRU, BatchNormalization, Dropout, Adam, with their
// own matrix products) into native/build/Release. Runs after `npm install` and as `npm run build:native`. It needs a
// C++ compiler, Node's headers and node-gyp (which comes with npm), and no library. It never fails the install: where
// something is missing it prints one line saying why, and the layers run the WebAssembly build of the same kernels
// (native/wasm/, shipped built), which needs nothing.
//
//   node native/build-native.js            # postinstall: always exits 0
//   node native/build-native.js --strict   # npm run build:native: exits 1 when it could not build
//   RNNLAB_NATIVE_FAKE_FAIL=1 npm ci        # pretend there is no C++ compiler, to check the fallback
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.join(__dirname, "..");
const NATIVE = path.join(ROOT, "native");
const ADDON = path.join(NATIVE, "build", "Release", "rnnlab_native.node");
const LOG = path.join(NATIVE, "build", "build-native.log");
const FALLBACK = "the WebAssembly kernels run instead, more slowly (apt-get install g++ make, then npm run build:native)";

const firstExisting = (paths) => paths.find((p) => fs.existsSync(p));

/**
 * Folder that holds include/node/node_api.h: npm's nodedir, beside the node binary that runs this (the headers of
 * this very Node: a Node unpacked from its release or npm package next to a system one), or /usr (Debian's nodejs).
 */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.dirname(path.dirname(process.execPath)), "/usr"].filter(Boolean);
  return candidates.find((d) => fs.existsSync(path.join(d, "include", "node", "node_api.h")));
}

function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    "/usr/share/nodejs/node-gyp/bin/node-gyp.js",
  ];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js", { paths: [ROOT] }));
  } catch {
    // not a project dependency; npm's own copy is enough
  }
  return firstExisting(candidates.filter(Boolean));
}

/**
 * What the build needs, found on this machine: { ok: true, cxx, nodedir, nodeGyp } or { ok: false, why }.
 * The tests use it to tell "the addon is expected here" from "this machine cannot build it".
 */
function prerequisites() {
  if (process.env.RNNLAB_NATIVE_FAKE_FAIL === "1") return { ok: false, why: "no C++ compiler (simulated by RNNLAB_NATIVE_FAKE_FAIL=1)" };
  const cxx = process.env.CXX || (process.platform === "darwin" ? "c++" : "g++");
  const c = spawnSync(cxx, ["--version"], { encoding: "utf8" });
  if (c.error || c.status !== 0) return { ok: false, why: `no C++ compiler (${cxx})` };
  const nodedir = nodeDir();
  if (!nodedir) return { ok: false, why: "Node's headers (include/node/node_api.h) not found: install them or set npm_config_nodedir" };
  const nodeGyp = nodeGypScript();
  if (!nodeGyp) return { ok: false, why: "node-gyp not found (it ships with npm)" };
  return { ok: true, cxx, nodedir, nodeGyp };
}

/** Builds and loads the addon in a child process; returns { kernel } (packed.h's inner kernel) or { why } it failed. */
function build(p) {
  const args = [p.nodeGyp, "rebuild", `--nodedir=${p.nodedir}`];
  const r = spawnSync(process.execPath, args, { cwd: NATIVE, encoding: "utf8", maxBuffer: 64 << 20 });
  fs.mkdirSync(path.dirname(LOG), { recursive: true });
  fs.writeFileSync(LOG, `$ node ${args.join(" ")}\n${r.stdout || ""}${r.stderr || ""}${r.error ? String(r.error) : ""}\n`);
  const rel = path.relative(ROOT, LOG);
  if (r.error || r.status !== 0) {
    const lines = `${r.stdout || ""}\n${r.stderr || ""}`.split("\n").filter((l) => /error/i.test(l) && !/gyp ERR! (cwd|node|command|System|not ok)/.test(l));
    return { why: `compile failed (${(lines[0] || String(r.error || `exit ${r.status}`)).trim().slice(0, 160)}; log in ${rel})` };
  }
  const load = spawnSync(process.execPath, ["-e", `process.stdout.write(require(${JSON.stringify(ADDON)}).kernel)`], { encoding: "utf8" });
  if (load.status !== 0) return { why: `built but does not load (${(load.stderr || "").trim().split("\n")[0].slice(0, 160)})` };
  return { kernel: load.stdout.trim() };
}

function main() {
  const strict = process.argv.includes("--strict");
  const p = prerequisites();
  const r = p.ok ? build(p) : { why: `not built (${p.why})` };
  if (r.kernel) {
    console.log(`rnnlab native kernels: built ${path.relative(ROOT, ADDON)} (${p.cxx}, ${r.kernel} products); RNNLAB_NATIVE=0 switches them off`);
    return;
  }
  const why = r.why;
  // A failed build must not leave an old addon behind that no longer matches the sources.
  if (p.ok) fs.rmSync(ADDON, { force: true });
  console.log(`rnnlab native kernels: ${why.startsWith("not built") ? why : `not built: ${why}`}; ${FALLBACK}`);
  if (strict) process.exitCode = 1;
}

module.exports = { prerequisites, ADDON };
if (require.main === module) main();
