"use strict";
// tslab's rough edges that patches/tslab+1.0.22.patch fixes (patch-package applies it at npm install; patches/README.md
// lists the fixes): an object shorthand naming an earlier cell's variable, sends on closed sockets at kernel shutdown,
// a comm_open answered with a warning instead of comm_close, the status shown while cells are queued, the empty line a figure cell printed, and an Interrupt that abandoned a
// running cell instead of asking it to stop (test/tooling/interrupt.test.js: the same through the real kernel, with
// training). Cells run through tslab's own converter and executor, and the shutdown through tslab's own ZmqServer,
// each in a child process (tslab's executor sets globals). Every case also runs on tslab's text as published (the
// patch undone in memory by patch-package's own code, test/tslab-published.js), where it must fail: that shows each
// test catches what the patch fixes.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { TSLAB, PATCH_FILE, PATCH_PACKAGE, patchedFiles, applyPatchToTexts, installedTexts, publishedText } = require("../tslab-published");

const ROOT = path.resolve(__dirname, "..", "..");

// Loads one of tslab's dist modules in the child; with TSLAB_UNPATCHED=1, from its text as published (the patch undone).
const LOADER = `
const fs = require("fs"), path = require("path"), Module = require("module");
const TSLAB = ${JSON.stringify(TSLAB)};
function loadTslab(name) {
  const file = path.join(TSLAB, "dist", name + ".js");
  if (process.env.TSLAB_UNPATCHED !== "1") return require(file);
  const { publishedText } = require(${JSON.stringify(path.join(ROOT, "test", "tslab-published.js"))});
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(publishedText("dist/" + name + ".js"), file);
  return m.exports;
}
`;

/**
 * Runs a child script (with tslab's patch undone in memory when `unpatched`) and returns the JSON it printed after
 * @@RESULT@@; fails naming `what` with the child's output when it exits otherwise.
 */
function runChild(what, code, args = [], { unpatched = false, timeout, cwd = ROOT, env = {} } = {}) {
  const r = spawnSync(process.execPath, ["-e", code, ...args], {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, TSLAB_UNPATCHED: unpatched ? "1" : "0", ...env },
  });
  const at = (r.stdout ?? "").lastIndexOf("@@RESULT@@");
  assert.ok(r.status === 0 && at >= 0, `the ${what} child failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(at + "@@RESULT@@".length));
}

// Runs each scenario (a list of cells) in a fresh tslab converter + executor, as run-headless.js drives them.
// Per cell: ok, the values it logged (console.log, and the last expression's value, which tslab logs) and its errors.
const CELLS_CHILD = `${LOADER}
const util = require("util");
const { createConverter } = loadTslab("converter");
const { createExecutor } = loadTslab("executor");
(async () => {
  const scenarios = JSON.parse(process.argv[1]);
  const out = [];
  for (const cells of scenarios) {
    let node;
    const convs = {
      get node() { return (node = node || createConverter({ isJS: false, isBrowser: false })); },
      get browser() { throw new Error("no browser cells here"); },
      close() { if (node) node.close(); },
    };
    let logs, errors;
    // A cell's own console.log lands in the same list as the last expression's value, which tslab logs.
    console.log = (...a) => {
      logs.push(a.length === 1 ? a[0] : a);
    };
    const executor = createExecutor(process.cwd(), convs, {
      log: (...a) => logs.push(a.length === 1 ? a[0] : a),
      error: (...a) => errors.push(util.format(...a)),
    });
    const results = [];
    for (const src of cells) {
      logs = [];
      errors = [];
      const ok = await executor.execute(src);
      results.push({ ok, logs, error: errors.join("\\n") });
    }
    executor.close();
    convs.close();
    out.push(results);
  }
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runCells(scenarios, { unpatched = false } = {}) {
  return runChild("cell runner", CELLS_CHILD, [JSON.stringify(scenarios)], { unpatched });
}

/** The value the cell's last expression produced (tslab logs it), or the failure. */
function lastValue(result) {
  assert.ok(result.ok, `the cell failed: ${result.error}`);
  return result.logs[result.logs.length - 1];
}

/**
 * A project in `dir` as npm leaves it before postinstall: package.json, patches/ with the course's patch, and
 * node_modules/tslab with `version` and `texts` ({ "dist/converter.js": text, ... }).
 */
function writeProject(dir, version, texts) {
  fs.mkdirSync(path.join(dir, "patches"), { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "tslab-patch-check", version: "1.0.0", private: true }));
  fs.copyFileSync(PATCH_FILE, path.join(dir, "patches", path.basename(PATCH_FILE)));
  const tslab = path.join(dir, "node_modules", "tslab");
  fs.mkdirSync(path.join(tslab, "dist"), { recursive: true });
  fs.writeFileSync(path.join(tslab, "package.json"), JSON.stringify({ name: "tslab", version }));
  for (const [f, text] of Object.entries(texts)) fs.writeFileSync(path.join(tslab, f), text);
  return tslab;
}

/** Runs the installed patch-package as postinstall does (`patch-package`, no arguments) in `dir`. */
function runPatchPackage(dir, { ci = false } = {}) {
  const env = { ...process.env };
  // patch-package fails the install on CI only (ci-info reads these) or under NODE_ENV=test.
  for (const k of ["CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "RUN_ID", "GITHUB_ACTIONS", "NODE_ENV"]) delete env[k];
  if (ci) env.CI = "true";
  const r = spawnSync(process.execPath, [path.join(PATCH_PACKAGE, "index.js")], { cwd: dir, encoding: "utf8", env });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("tslab's patch (patches/tslab+1.0.22.patch, applied by patch-package at npm install)", function () {
  this.timeout(120000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-tslab-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const files = patchedFiles();
  const published = () => Object.fromEntries(files.map((f) => [f, publishedText(f)]));

  it("is applied in node_modules/tslab: npm install and npm ci run patch-package, a pinned dependency, first", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.match(pkg.scripts.postinstall, /^patch-package && /, "postinstall applies the patch before anything loads tslab");
    assert.match(pkg.dependencies["patch-package"] ?? "", /^\d+\.\d+\.\d+$/, "patch-package is a dependency (npm ci --omit=dev runs postinstall too), pinned");
    assert.strictEqual(pkg.dependencies.tslab, "1.0.22", "the patch file is named for the tslab that package.json installs");
    assert.deepStrictEqual(files, ["dist/converter.js", "dist/executor.js", "dist/jupyter.js"]);
    // As published, then with the patch applied again: node_modules/tslab's texts exactly.
    const original = published();
    const installed = installedTexts();
    for (const f of files) assert.notStrictEqual(original[f], installed[f], `${f} holds no patch`);
    assert.deepStrictEqual(applyPatchToTexts(original), installed);
  });

  it("patch-package applies it to tslab 1.0.22 as published, and a second run (a second npm install) changes nothing", () => {
    const dir = path.join(tmp, "fresh");
    const tslab = writeProject(dir, "1.0.22", published());
    const first = runPatchPackage(dir);
    assert.strictEqual(first.status, 0, first.out);
    assert.match(first.out, /^tslab@1\.0\.22 ✔$/m, first.out);
    const installed = installedTexts();
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(tslab, f), "utf8"), installed[f], f);

    const before = files.map((f) => fs.statSync(path.join(tslab, f)).mtimeMs);
    const second = runPatchPackage(dir);
    assert.strictEqual(second.status, 0, second.out);
    assert.match(second.out, /^tslab@1\.0\.22 ✔$/m, second.out);
    assert.doesNotMatch(second.out, /error|warning/i, second.out);
    assert.deepStrictEqual(files.map((f) => fs.statSync(path.join(tslab, f)).mtimeMs), before, "an applied patch is not written again");
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(tslab, f), "utf8"), installed[f], f);
  });

  it("another tslab version: nothing is changed, the message names both versions, and the install fails only on CI", () => {
    const dir = path.join(tmp, "other");
    // converter.js differs where the node-path fix goes; executor.js and jupyter.js are 1.0.22's and would take
    // their hunks, but the patch goes in whole or not at all.
    const texts = published();
    const anchor = "    host.afterProgramCreate = function (b) {\n";
    assert.strictEqual(texts["dist/converter.js"].split(anchor).length, 2);
    texts["dist/converter.js"] = texts["dist/converter.js"].replace(anchor, "    host.afterProgramCreate = (b) => {\n");
    const tslab = writeProject(dir, "9.9.9", texts);
    const local = runPatchPackage(dir);
    assert.strictEqual(local.status, 0, `a developer's npm install goes on: ${local.out}`);
    assert.match(local.out, /Failed to apply patch for package tslab/, local.out);
    assert.match(local.out, /Patch was made for version: 1\.0\.22/, local.out);
    assert.match(local.out, /Installed version: 9\.9\.9/, local.out);
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(tslab, f), "utf8"), texts[f], `${f} is left as it was`);
    const ci = runPatchPackage(dir, { ci: true });
    assert.strictEqual(ci.status, 1, `on CI the install fails: ${ci.out}`);
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(tslab, f), "utf8"), texts[f], f);
  });

  it("tslab 1.0.22 changed otherwise (an earlier version of the patch): nothing is changed, and the message says to reinstall", () => {
    const dir = path.join(tmp, "earlier");
    // node_modules/tslab as the first version of the node-path fix left it (no resolution cache).
    const texts = installedTexts();
    texts["dist/converter.js"] = withoutResolutionCache(texts["dist/converter.js"]);
    const tslab = writeProject(dir, "1.0.22", texts);
    const r = runPatchPackage(dir);
    assert.strictEqual(r.status, 0, r.out);
    assert.match(r.out, /Failed to apply patch for package tslab/, r.out);
    assert.match(r.out, /Try removing node_modules and trying again/, r.out);
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(tslab, f), "utf8"), texts[f], f);
  });
});

/**
 * converter.js as the first version of the node-path fix had it: the same NODE_PATH lookups, without the shared
 * resolution cache (each cell looked up every import of every declaration file on disk again).
 */
function withoutResolutionCache(text) {
  const cached = "rnnlabResolutionCache, redirectedReference";
  if (text.split(cached).length !== 3) throw new Error("converter.js does not hold the node-path fix with its resolution cache");
  return text.split(cached).join("undefined, redirectedReference");
}

// A notebook outside the project (its rnnlab found through NODE_PATH, as the kernelspec sets it): how many times
// TypeScript (tslab's own copy) looks for a file or folder on disk while tslab compiles each of a few short cells. TSLAB_NODE_PATH_V1=1
// loads the converter with the first version of the node-path fix (no resolution cache).
const LOOKUPS_CHILD = `${LOADER}
${withoutResolutionCache}
const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [TSLAB] }));
let lookups = 0;
for (const name of ["fileExists", "directoryExists", "readFile", "realpath"]) {
  const f = ts.sys[name];
  if (f) ts.sys[name] = (...a) => (lookups++, f.apply(ts.sys, a));
}
let createConverter;
if (process.env.TSLAB_NODE_PATH_V1 === "1") {
  const file = path.join(TSLAB, "dist", "converter.js");
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(withoutResolutionCache(fs.readFileSync(file, "utf8")), file);
  createConverter = m.exports.createConverter;
} else createConverter = loadTslab("converter").createConverter;
const conv = createConverter({ isJS: false, isBrowser: false });
let decl = "";
const perCell = [];
for (const src of ['import * as rl from "rnnlab";', "const a = rl.tf.tensor1d([1, 2]);", "const b = 1;", "const c = b + 1;"]) {
  lookups = 0;
  const r = conv.convert(decl, src);
  if (r.diagnostics.length) { console.error(JSON.stringify(r.diagnostics)); process.exit(2); }
  decl = r.declOutput || decl;
  perCell.push(lookups);
}
conv.close();
process.stdout.write("\\n@@RESULT@@" + JSON.stringify(perCell));
process.exit(0);
`;

describe("tslab: a cell's imports are resolved once, not again for every cell (node-path fix)", function () {
  this.timeout(300000);

  const lookups = (v1) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-lookups-"));
    try {
      return runChild("converter", LOOKUPS_CHILD, [], {
        cwd: dir,
        env: { NODE_PATH: path.join(ROOT, "node_modules"), TSLAB_NODE_PATH_V1: v1 ? "1" : "0" },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("after the first cell, a short cell costs about a hundred disk lookups (the fix's first version: about 63,000)", () => {
    const now = lookups(false);
    const v1 = lookups(true);
    const [, , b, c] = now;
    assert.ok(b < 500 && c < 500, `disk lookups per cell with the patch: ${now.join(", ")}`);
    assert.ok(v1[2] > 10 * Math.max(b, 1) && v1[3] > 10 * Math.max(c, 1), `first version ${v1.join(", ")} vs now ${now.join(", ")}`);
  });
});

describe("tslab: object shorthand across cells", function () {
  this.timeout(600000);

  // Each scenario: cells, then what the last cell's value must be; tslab as published gets it wrong unless
  // publishedRight is set.
  const SCENARIOS = [
    { name: "`{ epochs }` names an earlier cell's const", cells: ["const epochs = 3;", "({ epochs })"], value: { epochs: 3 } },
    { name: "console.log({ epochs }) in a later cell", cells: ["const epochs = 3;", "console.log({ epochs });"], value: { epochs: 3 } },
    {
      name: "a function call's options: f(x, { epochs })",
      cells: ["const epochs = 5;", "function fit(x: number, o: { epochs: number }) { return x * o.epochs; }", "fit(2, { epochs })"],
      value: 10,
    },
    { name: "an earlier `let` reassigned in a later cell: let n = 1; … n = 2; … ({ n }) gives 2", cells: ["let n = 1;", "n = 2;", "({ n })"], value: { n: 2 } },
    {
      name: "nested: inside arrays, objects and closures of a later cell",
      cells: ["let n = 1;", "n = 2;", "const o = { deep: [{ n }], f: () => ({ n }), g() { return { n }; } };", "[o.deep[0].n, o.f().n, o.g().n]"],
      value: [2, 2, 2],
    },
    {
      name: "a parameter or local of the same name wins over the earlier cell's variable",
      cells: ["const epochs = 3;", "const viaParam = ((epochs: number) => ({ epochs }))(99);", "{ const epochs = 7; console.log(viaParam, { epochs }); }"],
      value: [{ epochs: 99 }, { epochs: 7 }],
      publishedRight: true, // a guard that the patch does not reach past a closer declaration
    },
    {
      name: "destructuring assignment to earlier variables: ({ n } = …) and ({ n = d } = …)",
      cells: ["let n = 1;", "let k = 0;", "({ n, k = 4 } = { n: 7 });", "[n, k]"],
      value: [7, 4],
    },
    {
      name: "destructuring an earlier cell's object with renames: const { n: m, k: { j: jj } } = obj",
      cells: ["const obj = { n: 10, k: { j: 5 } };", "const { n: m, k: { j: jj } } = obj;", "function g({ n: a }: typeof obj) { return a; }", "[m, jj, g(obj)]"],
      value: [10, 5, 10],
    },
    {
      name: "an earlier cell's import and enum in a shorthand",
      cells: ['import * as path from "path";', "enum Mode { Fast = 1 }", "const s = { path, Mode };", "[s.path.sep, s.Mode.Fast]"],
      value: ["/", 1],
    },
  ];

  let patched;
  let unpatched;
  before(() => {
    patched = runCells(SCENARIOS.map((s) => s.cells));
    unpatched = runCells(SCENARIOS.map((s) => s.cells), { unpatched: true });
  });

  SCENARIOS.forEach((s, i) => {
    it(s.name, () => {
      const results = patched[i];
      results.forEach((r, j) => assert.ok(r.ok, `cell ${j + 1} ${JSON.stringify(s.cells[j])} failed: ${r.error}`));
      assert.deepStrictEqual(lastValue(results[results.length - 1]), s.value);
      // The same cells on tslab as published: one of them fails, or the value is wrong.
      const before = unpatched[i];
      if (s.publishedRight) return assert.deepStrictEqual(lastValue(before[before.length - 1]), s.value);
      const failed = before.find((r) => !r.ok);
      if (!failed) assert.notDeepStrictEqual(lastValue(before[before.length - 1]), s.value, "tslab as published already got this right");
    });
  });

  it("tslab as published: `{ epochs }` throws ReferenceError, `const { n: m } = obj` a SyntaxError", () => {
    const [shorthand] = unpatched[0].slice(1);
    assert.strictEqual(shorthand.ok, false);
    assert.match(shorthand.error, /ReferenceError: epochs is not defined/);
    const renamed = unpatched[7][1];
    assert.strictEqual(renamed.ok, false);
    assert.match(renamed.error, /SyntaxError: Identifier 'exports' has already been declared/);
  });

  it("ordinary cells still work: values, reassignment, functions, classes, async, type errors", () => {
    const [results] = runCells([
      [
        "const a: number = 6 * 7;",
        "let b = a + 1;",
        "b += 1; b",
        "function twice(x: number) { return 2 * x; }",
        "class P { constructor(public v: number) {} get w() { return this.v * 10; } }",
        "const p = new P(twice(b));",
        "({ v: p.v, w: p.w, sum: a + b, obj: { a: a, b: b } })",
        "await new Promise((r) => setTimeout(r, 10)); a",
        'const s: number = "not a number";',
      ],
    ]);
    assert.strictEqual(lastValue(results[2]), 44);
    assert.deepStrictEqual(lastValue(results[6]), { v: 88, w: 880, sum: 86, obj: { a: 42, b: 44 } });
    assert.strictEqual(lastValue(results[7]), 42);
    assert.strictEqual(results[8].ok, false);
    assert.match(results[8].error, /Type 'string' is not assignable to type 'number'/);
  });
});

// The start of every child below that runs tslab's ZmqServer on real zeromq sockets: a connection file on random
// ports, and signed(msgType, content[, msgId]) for the Jupyter messages a client sends.
const KERNEL_CHILD = `${LOADER}
const crypto = require("crypto"), os = require("os");
const zmq = require(require.resolve("zeromq", { paths: [TSLAB] }));
const { ZmqServer } = loadTslab("jupyter");
const key = "test-key";
const base = 20000 + Math.floor(Math.random() * 30000);
const cinfo = { transport: "tcp", ip: "127.0.0.1", key, signature_scheme: "hmac-sha256", shell_port: base, iopub_port: base + 1, control_port: base + 2, stdin_port: base + 3, hb_port: base + 4 };
const cfg = path.join(os.tmpdir(), "rnnlab-conn-" + process.pid + ".json");
fs.writeFileSync(cfg, JSON.stringify(cinfo));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function signed(msgType, content, msgId = crypto.randomUUID()) {
  const parts = [{ msg_id: msgId, msg_type: msgType, session: "s", username: "u", date: new Date().toISOString(), version: "5.3" }, {}, {}, content].map((p) => JSON.stringify(p));
  const h = crypto.createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return ["<IDS|MSG>", h.digest("hex"), ...parts];
}
/** A client socket of zeromq's Type, connected to the kernel's port. */
function client(Type, port) {
  const s = new Type();
  s.connect("tcp://127.0.0.1:" + port);
  return s;
}
/** A Jupyter message's header, parent header and content, out of its frames. */
function parse(frames) {
  const at = frames.findIndex((f) => String(f) === "<IDS|MSG>");
  const [header, parent, , content] = frames.slice(at + 2, at + 6).map((f) => JSON.parse(String(f)));
  return { header, parent, content };
}
/** Subscribes to iopub and hands every message to onMessage({ header, parent, content }); returns the socket. */
function listen(onMessage) {
  const iopub = client(zmq.Subscriber, cinfo.iopub_port);
  iopub.subscribe();
  (async () => {
    for await (const frames of iopub) onMessage(parse(frames));
  })().catch(() => {});
  return iopub;
}
`;

// tslab's ZmqServer with a stub handler, on real zeromq sockets; a client sends a heartbeat ping and a
// shutdown_request that arrive together, optionally while a cell is still running. Prints every unhandled
// rejection and uncaught exception as JSON.
const SHUTDOWN_CHILD = `${KERNEL_CHILD}
const rawSend = zmq.Dealer.prototype.send;
const errors = [];
process.on("unhandledRejection", (e) => errors.push({ message: String(e && e.message), code: e && e.code, stack: String(e && e.stack) }));
process.on("uncaughtException", (e) => errors.push({ message: String(e && e.message), code: e && e.code, stack: String(e && e.stack) }));
const mode = process.argv[1];
let finishCell;
const handler = {
  close() {},
  handleShutdown() { return { restart: false }; },
  async handleExecute(content, writeStream) {
    await new Promise((r) => (finishCell = r));
    writeStream("stdout", "late output\\n");
    return { status: "ok", execution_count: 1, user_expressions: {}, payload: [] };
  },
};
(async () => {
  const server = new ZmqServer(handler, cfg);
  await server.init();
  const hb = client(zmq.Request, cinfo.hb_port);
  const control = client(zmq.Dealer, cinfo.control_port);
  const shell = client(zmq.Dealer, cinfo.shell_port);
  await hb.send("ping");
  const pong = String(await hb.receive());
  await sleep(100);
  if (mode === "running-cell") {
    await rawSend.call(shell, signed("execute_request", { code: "1", silent: false }));
    await sleep(200);
  }
  // The shutdown request and a ping arrive while the kernel's event loop is busy, so one turn sees both.
  rawSend.call(control, signed("shutdown_request", { restart: false }));
  rawSend.call(hb, "ping");
  const t0 = Date.now();
  while (Date.now() - t0 < 200) {}
  await sleep(200);
  if (finishCell) finishCell();
  await sleep(300);
  const closed = ["iopub", "shell", "control", "stdin", "hb"].filter((s) => server[s].closed);
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify({ pong, closed, cellRan: !!finishCell, errors }));
  hb.close(); control.close(); shell.close(); fs.rmSync(cfg, { force: true });
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runShutdown(mode, opts) {
  return runChild("shutdown", SHUTDOWN_CHILD, [mode], { timeout: 60000, ...opts });
}

describe("tslab: kernel shutdown sends nothing on closed sockets ('Socket is closed (EBADF)')", function () {
  this.timeout(120000);
  const ALL = ["iopub", "shell", "control", "stdin", "hb"];

  it("a heartbeat ping that arrives with the shutdown request gets no reply on the closed socket", () => {
    const before = runShutdown("idle", { unpatched: true });
    assert.strictEqual(before.pong, "ping");
    assert.deepStrictEqual(before.closed, ALL, "the shutdown request must have closed the sockets");
    assert.ok(
      before.errors.some((e) => e.code === "EBADF" && /Socket is closed/.test(e.message) && /jupyter\.js:\d+/.test(e.stack)),
      `tslab as published should reject the heartbeat reply with EBADF here: ${JSON.stringify(before.errors)}`,
    );
    const after = runShutdown("idle");
    assert.deepStrictEqual(after.closed, ALL);
    assert.deepStrictEqual(after.errors, []);
  });

  it("a cell still running at shutdown: its late output and reply are dropped, not rejected", () => {
    const before = runShutdown("running-cell", { unpatched: true });
    assert.ok(before.cellRan, "the execute_request must have reached the handler");
    const ebadf = before.errors.filter((e) => e.code === "EBADF");
    assert.ok(ebadf.length >= 2, `tslab as published should reject the late sends with EBADF: ${JSON.stringify(before.errors)}`);
    const after = runShutdown("running-cell");
    assert.ok(after.cellRan);
    assert.deepStrictEqual(after.closed, ALL);
    assert.deepStrictEqual(after.errors, []);
  });
});

// tslab's ZmqServer with a handler that queues cells as tslab's own does (its TaskQueue), on real zeromq sockets.
// A client sends three execute requests at once (Run All) and, while the first runs, a completion request; it
// records every message on iopub in order, as a front end receives them.
const STATUS_CHILD = `${KERNEL_CHILD}
const { TaskQueue } = require(path.join(TSLAB, "dist", "util"));
const queue = new TaskQueue();
let count = 0;
const handler = {
  close() {},
  handleKernel() { return { status: "ok", protocol_version: "5.3" }; },
  handleComplete() { return { status: "ok", matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }; },
  async handleExecute(content, writeStream) {
    const n = await queue.add(async () => {
      writeStream("stdout", "output of " + content.code + "\\n");
      await sleep(150);
      return ++count;
    });
    return { status: "ok", execution_count: n, user_expressions: {}, payload: [] };
  },
};
const labels = new Map();
function labelled(msgType, content, label) {
  const id = crypto.randomUUID();
  labels.set(id, label);
  return signed(msgType, content, id);
}
(async () => {
  const server = new ZmqServer(handler, cfg);
  await server.init();
  const log = [];
  let ready = false;
  const iopub = listen(({ header, parent, content }) => {
    const label = labels.get(parent.msg_id);
    if (label === "info") ready = ready || content.execution_state === "idle";
    else log.push({ type: header.msg_type, state: content.execution_state, parent: label });
  });
  const shell = client(zmq.Dealer, cinfo.shell_port);
  // A subscriber misses what is published before its subscription is live: wait until a request's idle arrives.
  for (let i = 0; i < 50 && !ready; i++) {
    await shell.send(labelled("kernel_info_request", {}, "info"));
    await sleep(100);
  }
  if (!ready) throw new Error("iopub never delivered a status");
  for (const cell of ["A", "B", "C"]) await shell.send(labelled("execute_request", { code: cell, silent: false }, cell));
  await sleep(50);
  await shell.send(labelled("complete_request", { code: "Mat", cursor_pos: 3 }, "complete"));
  for (let i = 0; i < 100 && !log.some((m) => m.parent === "C" && m.state === "idle"); i++) await sleep(50);
  await sleep(200);
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify(log));
  iopub.close(); shell.close(); server.close(); fs.rmSync(cfg, { force: true });
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runStatus(opts) {
  return runChild("status", STATUS_CHILD, [], { timeout: 60000, ...opts });
}

/**
 * Replays iopub as a front end does (its indicator shows the last status received) and lists every moment the
 * indicator said idle while a request still had work to do: an idle status that is not followed at once by busy
 * while some request has not had its own idle yet.
 */
function idleWhileQueued(log) {
  const done = new Set();
  const all = new Set(log.filter((m) => m.type === "status").map((m) => m.parent));
  const found = [];
  log.forEach((m, i) => {
    if (m.type !== "status" || m.state !== "idle") return;
    done.add(m.parent);
    const waiting = [...all].filter((p) => !done.has(p));
    const next = log[i + 1];
    if (waiting.length && !(next && next.type === "status" && next.state === "busy")) {
      found.push(`idle after ${m.parent} while ${waiting.join(", ")} waited; next: ${next ? `${next.type} ${next.state ?? ""} (${next.parent})` : "nothing"}`);
    }
  });
  return found;
}

// tslab's ZmqServer with a stub handler, on real zeromq sockets: a client opens a comm (as the classic Notebook's
// widgets extension does at every kernel start), sends a message on it and asks for the comms. Records the kernel's
// warnings, what iopub carried for the comm, and the type of the comm_info reply.
const COMM_CHILD = `${KERNEL_CHILD}
const warnings = [];
console.warn = (...a) => warnings.push(a.join(" "));
const handler = { close() {}, handleKernel() { return { status: "ok", protocol_version: "5.3" }; } };
(async () => {
  const server = new ZmqServer(handler, cfg);
  await server.init();
  const published = [];
  let ready = false;
  const iopub = listen(({ header, content }) => {
    if (header.msg_type === "status") ready = true;
    else published.push({ type: header.msg_type, content });
  });
  const shell = client(zmq.Dealer, cinfo.shell_port);
  // A subscriber misses what is published before its subscription is live: wait until a status arrives.
  for (let i = 0; i < 50 && !ready; i++) {
    await shell.send(signed("kernel_info_request", {}));
    await shell.receive();
    await sleep(100);
  }
  if (!ready) throw new Error("iopub never delivered a status");
  await shell.send(signed("comm_open", { comm_id: "c1", target_name: "jupyter.widget.version", data: {} }));
  await sleep(300);
  await shell.send(signed("comm_msg", { comm_id: "c1", data: {} }));
  await shell.send(signed("comm_info_request", {}));
  const infoType = parse(await shell.receive()).header.msg_type;
  await sleep(300);
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify({ warnings, published, infoType }));
  iopub.close(); shell.close(); server.close(); fs.rmSync(cfg, { force: true });
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

describe("tslab: a comm_open is refused with comm_close ('unknown msg_type: comm_open' at every kernel start)", function () {
  this.timeout(60000);

  it("closes the comm on iopub, as the messaging spec asks, and prints nothing", () => {
    const before = runChild("comm", COMM_CHILD, [], { timeout: 60000, unpatched: true });
    assert.ok(before.warnings.includes("unknown msg_type: comm_open"), `tslab as published should warn: ${JSON.stringify(before)}`);
    assert.strictEqual(before.infoType, "complete_reply", JSON.stringify(before));
    const after = runChild("comm", COMM_CHILD, [], { timeout: 60000 });
    assert.deepStrictEqual(after.warnings, []);
    assert.deepStrictEqual(after.published, [{ type: "comm_close", content: { comm_id: "c1", data: {} } }]);
    assert.strictEqual(after.infoType, "comm_info_reply");
  });
});

// tslab's ZmqServer on real zeromq sockets, with iopub's bind slowed down (as on a busy machine): a client sends
// kernel_info_request as soon as it connects to the shell socket. Records whether anything was sent on iopub
// before its bind had finished (zeromq 6 rejects such a send with EBUSY, "Socket is blocked by a bind or unbind
// operation", and nobody handles the rejection).
const BIND_CHILD = `${KERNEL_CHILD}
const events = [];
const bind = zmq.Publisher.prototype.bind, send = zmq.Publisher.prototype.send;
let binding = false;
// zeromq's Socket methods are read-only, so a plain assignment would be ignored: define them on Publisher.
Object.defineProperty(zmq.Publisher.prototype, "bind", {
  value: async function (addr) {
    binding = true;
    await bind.call(this, addr);
    await sleep(400);
    binding = false;
    events.push("iopub bound");
  },
});
Object.defineProperty(zmq.Publisher.prototype, "send", {
  value: function (msg) {
    events.push(binding ? "iopub send during bind" : "iopub send");
    return send.call(this, msg);
  },
});
const handler = { close() {}, handleKernel() { return { status: "ok", protocol_version: "5.3" }; } };
(async () => {
  const server = new ZmqServer(handler, cfg);
  const init = server.init();
  const shell = client(zmq.Dealer, cinfo.shell_port);
  await shell.send(signed("kernel_info_request", {}));
  const [reply] = await Promise.all([shell.receive(), init]);
  const type = parse(reply).header.msg_type;
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify({ type, events }));
  shell.close(); server.close(); fs.rmSync(cfg, { force: true });
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runBind(opts) {
  return runChild("bind", BIND_CHILD, [], { timeout: 60000, ...opts });
}

describe("tslab: no status is sent on iopub before it is bound ('Socket is blocked by a bind or unbind operation')", function () {
  this.timeout(60000);

  it("a request that arrives while iopub is still binding is handled after the bind", () => {
    const before = runBind({ unpatched: true });
    assert.strictEqual(before.type, "kernel_info_reply");
    assert.ok(
      before.events.includes("iopub send during bind"),
      `tslab as published should send the busy status while iopub binds: ${JSON.stringify(before.events)}`,
    );
    const after = runBind();
    assert.strictEqual(after.type, "kernel_info_reply");
    assert.strictEqual(after.events[0], "iopub bound", JSON.stringify(after.events));
    assert.ok(!after.events.includes("iopub send during bind"), JSON.stringify(after.events));
    assert.ok(after.events.filter((e) => e === "iopub send").length >= 2, `busy and idle were published: ${JSON.stringify(after.events)}`);
  });
});

describe("tslab: the kernel indicator stays busy while cells are queued (Run All)", function () {
  this.timeout(120000);

  it("every idle while requests wait is followed at once by busy for the oldest; outputs arrive while busy", () => {
    const before = runStatus({ unpatched: true });
    const wrong = idleWhileQueued(before);
    assert.ok(wrong.length > 0, `tslab as published should show idle while cells are queued: ${JSON.stringify(before)}`);

    const log = runStatus();
    assert.deepStrictEqual(idleWhileQueued(log), []);
    let shown = null;
    const done = new Set();
    for (const [i, m] of log.entries()) {
      if (m.type === "status") {
        shown = m.state;
        if (m.state === "idle") done.add(m.parent);
        // The busy that follows an idle names the oldest request still in progress.
        if (m.state === "busy" && log[i - 1] && log[i - 1].state === "idle") {
          assert.strictEqual(m.parent, ["A", "B", "C"].find((c) => !done.has(c)), JSON.stringify(log));
        }
      } else assert.strictEqual(shown, "busy", `${m.type} of ${m.parent} arrived while the indicator showed ${shown}: ${JSON.stringify(log)}`);
    }
    assert.strictEqual(shown, "idle", "idle once everything is done");
    // Each request still gets exactly one idle of its own, after its outputs (clients wait for it).
    for (const p of ["A", "B", "C", "complete"]) {
      const idles = log.map((m, i) => [m, i]).filter(([m]) => m.parent === p && m.state === "idle");
      assert.strictEqual(idles.length, 1, `${p}: ${JSON.stringify(log)}`);
      const lastOut = log.map((m, i) => [m, i]).filter(([m]) => m.parent === p && m.type !== "status").pop();
      if (lastOut) assert.ok(lastOut[1] < idles[0][1], `${p}'s output after its idle`);
    }
    assert.deepStrictEqual(log.filter((m) => m.type === "stream").map((m) => m.parent), ["A", "B", "C"]);
  });
});

describe("tslab: a cell's last value that prints as nothing adds no empty line", function () {
  this.timeout(600000);

  it("a figure-like value (inspect gives '') logs nothing; other values, empty strings included, still print", () => {
    const cells = [
      'const shown = { [Symbol.for("nodejs.util.inspect.custom")]() { return ""; } };',
      "shown",
      "({ n: 1 })",
      '""',
      "7",
    ];
    const [after] = runCells([cells]);
    const [before] = runCells([cells], { unpatched: true });
    assert.deepStrictEqual(after[1].logs, []);
    assert.strictEqual(before[1].logs.length, 1, "tslab as published logs the empty-looking value (an empty line)");
    assert.deepStrictEqual(after[2].logs, [{ n: 1 }]);
    assert.deepStrictEqual(after[3].logs, [""]);
    assert.deepStrictEqual(after[4].logs, [7]);
  });
});

// tslab's executor (as installed, or as published) runs cells in a child; the parent's script interrupts them the
// way the kernel's SIGINT handler does (executor.interrupt()). Each cell's result: ok, its error text, and the
// value of globalThis.steps shortly after it ended (does its loop still run?).
const INTERRUPT_CHILD = `${LOADER}
const util = require("util");
const { createConverter } = require(path.join(TSLAB, "dist", "converter"));
const { createExecutor } = loadTslab("executor");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const cells = JSON.parse(process.argv[1]);
  let node;
  const convs = { get node() { return (node = node || createConverter({ isJS: false, isBrowser: false })); }, close() { if (node) node.close(); } };
  let errors, logs;
  const executor = createExecutor(process.cwd(), convs, { log: (...a) => logs.push(util.format(...a)), error: (...a) => errors.push(util.format(...a)) });
  const out = [];
  for (const cell of cells) {
    errors = [];
    logs = [];
    const t0 = Date.now();
    const timer = cell.interruptAfter != null ? setTimeout(() => executor.interrupt(), cell.interruptAfter) : null;
    const ok = await executor.execute(cell.code);
    clearTimeout(timer);
    const seconds = (Date.now() - t0) / 1000;
    const stepsAtEnd = globalThis.steps;
    await sleep(300);
    out.push({ ok, error: errors.join("\\n"), logs, seconds, stepsAtEnd, stepsLater: globalThis.steps });
  }
  executor.close();
  process.stdout.write("\\n@@RESULT@@" + JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runInterrupted(cells, { unpatched = false } = {}) {
  return runChild("interrupt", INTERRUPT_CHILD, [JSON.stringify(cells)], { unpatched, timeout: 120000 });
}

describe("tslab: Interrupt asks a running cell to stop (no abandoned loop, no stack trace)", function () {
  this.timeout(120000);
  // A loop that reads the stop request between its steps, as rnnlab's training does, then ends the cell.
  const COOPERATIVE = {
    code: `(globalThis as any).steps = 0;
const request = (globalThis as any)[Symbol.for("tslab.interrupt")];
while (!request?.requested) { (globalThis as any).steps++; await new Promise((r) => setImmediate(r)); }
throw Object.assign(new Error("stopped at step " + (globalThis as any).steps), { name: "Interrupted" });`,
    interruptAfter: 300,
  };
  const STUCK = { code: "await new Promise((r) => setTimeout(r, 60000));", interruptAfter: 300 };
  const AFTER = { code: `"requested: " + String((globalThis as any)[Symbol.for("tslab.interrupt")]?.requested)` };
  let patched;
  let unpatched;
  before(() => {
    patched = runInterrupted([COOPERATIVE, AFTER, STUCK, AFTER]);
    unpatched = runInterrupted([COOPERATIVE, STUCK], { unpatched: true });
  });

  it("a loop that reads the request stops, and the cell ends with its one line", () => {
    const [cell] = patched;
    assert.strictEqual(cell.ok, false);
    assert.match(cell.error, /^Interrupted: stopped at step \d+$/);
    assert.strictEqual(cell.stepsLater, cell.stepsAtEnd, "the loop has ended");
    // As published: the cell is abandoned with a stack trace and its loop goes on.
    const [before] = unpatched;
    assert.strictEqual(before.ok, false);
    assert.match(before.error, /^Error: Interrupted asynchronously\n\s+at /);
    assert.ok(before.stepsLater > before.stepsAtEnd, "as published, the loop keeps running after the cell ended");
  });

  it("the next cell starts with no stop request", () => {
    assert.ok(patched[1].ok);
    assert.deepStrictEqual(patched[1].logs, ["requested: false"]);
    assert.deepStrictEqual(patched[3].logs, ["requested: false"]);
  });

  it("a cell that does not stop is abandoned after the grace period, with one line", () => {
    const cell = patched[2];
    assert.strictEqual(cell.ok, false);
    assert.match(cell.error, /^Interrupted: the cell did not stop within 1 s; it was left running in the background/);
    assert.ok(!cell.error.includes("\n"), cell.error);
    assert.ok(cell.seconds >= 1.2, `abandoned only after the grace period (${cell.seconds} s)`);
    assert.match(unpatched[1].error, /^Error: Interrupted asynchronously\n\s+at /);
  });
});
