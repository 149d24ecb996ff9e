"use strict";
// tslab's rough edges that scripts/jupyter/patch-tslab.js fixes at install (scripts/jupyter/setup.js runs it after `npm install`):
// an object shorthand naming an earlier cell's variable, sends on closed sockets at kernel shutdown, a comm_open
// answered with a warning instead of comm_close, the status shown while cells are queued, the empty line a figure cell printed, and an Interrupt that abandoned a running
// cell instead of asking it to stop (test/tooling/interrupt.test.js: the same through the real kernel, with training).
// Cells run through tslab's own converter and executor, and the shutdown through tslab's own ZmqServer, each in a
// child process (tslab's executor sets globals). Every case also runs on tslab's text as published (the patches
// undone in memory), where it must fail: that shows each test catches what its patch fixes.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { PATCHES, patchText, unpatchText, patchTslab, describe: describePatches, summary } = require("../../scripts/jupyter/patch-tslab");

const ROOT = path.resolve(__dirname, "..", "..");
const TSLAB = path.dirname(require.resolve("tslab/package.json", { paths: [ROOT] }));

// Loads one of tslab's dist modules in the child; with TSLAB_UNPATCHED=1, from its text with the patches undone.
const LOADER = `
const fs = require("fs"), path = require("path"), Module = require("module");
const TSLAB = ${JSON.stringify(TSLAB)};
function loadTslab(name) {
  const file = path.join(TSLAB, "dist", name + ".js");
  if (process.env.TSLAB_UNPATCHED !== "1") return require(file);
  const { unpatchText } = require(${JSON.stringify(path.join(ROOT, "scripts", "jupyter", "patch-tslab.js"))});
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(unpatchText("dist/" + name + ".js", fs.readFileSync(file, "utf8")), file);
  return m.exports;
}
`;

/**
 * Runs a child script (with tslab's patches undone in memory when `unpatched`) and returns the JSON it printed after
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

describe("tslab patches (scripts/jupyter/patch-tslab.js)", function () {
  this.timeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-tslab-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const files = [...new Set(PATCHES.map((p) => p.file))];

  it("are in place in node_modules/tslab (npm install applies them; else run node scripts/jupyter/setup.js)", () => {
    const results = patchTslab({ check: true });
    assert.deepStrictEqual(
      results.map((r) => [r.id, r.status]),
      PATCHES.map((p) => [p.id, "already"]),
      describePatches(results).join("\n"),
    );
  });

  it("apply to tslab 1.0.22's text exactly, and a second run changes nothing", () => {
    const dir = path.join(tmp, "tslab-1.0.22");
    fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
    fs.copyFileSync(path.join(TSLAB, "package.json"), path.join(dir, "package.json"));
    for (const f of files) fs.writeFileSync(path.join(dir, f), unpatchText(f, fs.readFileSync(path.join(TSLAB, f), "utf8")));
    for (const f of files) assert.ok(!fs.readFileSync(path.join(dir, f), "utf8").includes("rnnlab"), `${f} still holds a patch`);

    const first = patchTslab({ tslabDir: dir });
    assert.deepStrictEqual(first.map((r) => r.status), PATCHES.map(() => "applied"));
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(dir, f), "utf8"), fs.readFileSync(path.join(TSLAB, f), "utf8"), f);
    const ids = PATCHES.map((p) => p.id).join(", ");
    assert.ok(summary(first).join("\n").startsWith(`tslab patched (${ids}: ${PATCHES.length} applied now`), summary(first).join("\n"));

    const before = files.map((f) => fs.statSync(path.join(dir, f)).mtimeMs);
    const second = patchTslab({ tslabDir: dir });
    assert.deepStrictEqual(second.map((r) => r.status), PATCHES.map(() => "already"));
    assert.deepStrictEqual(files.map((f) => fs.statSync(path.join(dir, f)).mtimeMs), before, "an idempotent run must not rewrite the files");
    assert.deepStrictEqual(fs.readdirSync(path.join(dir, "dist")).sort(), files.map((f) => path.basename(f)).sort(), "no temporary files left");
  });

  it("leave another tslab's files alone with one warning line per patch, and never throw", () => {
    const dir = path.join(tmp, "tslab-other");
    fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "tslab", version: "9.9.9" }));
    // converter.js: the first piece of the shorthand patch is there, its second piece is not (hunks go together).
    const shorthand = PATCHES.find((p) => p.id === "shorthand");
    const other = `// another version\n${shorthand.hunks[0].find}            }\n        }\n`;
    fs.writeFileSync(path.join(dir, "dist", "converter.js"), other);
    // dist/jupyter.js is missing altogether.
    const results = patchTslab({ tslabDir: dir });
    assert.deepStrictEqual(results.map((r) => r.status), PATCHES.map(() => "skipped"));
    assert.strictEqual(fs.readFileSync(path.join(dir, "dist", "converter.js"), "utf8"), other, "a file that does not match is left as it was");
    const lines = summary(results);
    assert.strictEqual(lines.length, PATCHES.length);
    for (const line of lines) assert.match(line, /^warning: tslab patch '[\w-]+' not applied: [^\n]+$/);
    assert.match(lines[0], /tslab 9\.9\.9's dist\/converter\.js is not the text this patch was written for/);
    assert.ok(lines.some((l) => /cannot read .*jupyter\.js \(ENOENT\)/.test(l)), lines.join("\n"));
    assert.deepStrictEqual(patchTslab({ tslabDir: path.join(tmp, "nothing-here") }).map((r) => r.status), PATCHES.map(() => "skipped"));
  });

  it("a file patched by an earlier version of a patch gets the current one", () => {
    const withEarlier = PATCHES.filter((p) => p.hunks.some((h) => h.earlier));
    assert.ok(withEarlier.length > 0, "some patch keeps an earlier version");
    const dir = path.join(tmp, "tslab-earlier");
    fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
    fs.copyFileSync(path.join(TSLAB, "package.json"), path.join(dir, "package.json"));
    for (const f of files) {
      let text = fs.readFileSync(path.join(TSLAB, f), "utf8");
      for (const p of withEarlier.filter((q) => q.file === f)) for (const h of p.hunks) if (h.earlier) text = text.replace(h.replace, () => h.earlier[0]);
      fs.writeFileSync(path.join(dir, f), text);
    }
    const results = patchTslab({ tslabDir: dir });
    assert.deepStrictEqual(
      results.map((r) => [r.id, r.status]),
      PATCHES.map((p) => [p.id, withEarlier.includes(p) ? "applied" : "already"]),
    );
    for (const f of files) assert.strictEqual(fs.readFileSync(path.join(dir, f), "utf8"), fs.readFileSync(path.join(TSLAB, f), "utf8"), f);
  });

  it("patchText and unpatchText are inverses on tslab's files", () => {
    for (const f of files) {
      const installed = fs.readFileSync(path.join(TSLAB, f), "utf8");
      const original = unpatchText(f, installed);
      assert.notStrictEqual(original, installed);
      assert.strictEqual(patchText(f, original).text, installed);
      assert.strictEqual(patchText(f, installed).text, installed);
    }
  });
});

// A notebook outside the project (its rnnlab found through NODE_PATH, as the kernelspec sets it): how many times
// TypeScript (tslab's own copy) looks for a file or folder on disk while tslab compiles each of a few short cells. TSLAB_NODE_PATH_V1=1
// loads the converter with the first version of the node-path patch (no resolution cache).
const LOOKUPS_CHILD = `${LOADER}
const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [TSLAB] }));
let lookups = 0;
for (const name of ["fileExists", "directoryExists", "readFile", "realpath"]) {
  const f = ts.sys[name];
  if (f) ts.sys[name] = (...a) => (lookups++, f.apply(ts.sys, a));
}
let createConverter;
if (process.env.TSLAB_NODE_PATH_V1 === "1") {
  const { PATCHES } = require(${JSON.stringify(path.join(ROOT, "scripts", "jupyter", "patch-tslab.js"))});
  const h = PATCHES.find((p) => p.id === "node-path").hunks[0];
  const file = path.join(TSLAB, "dist", "converter.js");
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(fs.readFileSync(file, "utf8").replace(h.replace, () => h.earlier[0]), file);
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

describe("tslab: a cell's imports are resolved once, not again for every cell (node-path patch)", function () {
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

  it("after the first cell, a short cell costs about a hundred disk lookups (the first version of the patch: about 63,000)", () => {
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
  const hb = new zmq.Request();
  hb.connect("tcp://127.0.0.1:" + cinfo.hb_port);
  const control = new zmq.Dealer();
  control.connect("tcp://127.0.0.1:" + cinfo.control_port);
  const shell = new zmq.Dealer();
  shell.connect("tcp://127.0.0.1:" + cinfo.shell_port);
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
  const iopub = new zmq.Subscriber();
  iopub.connect("tcp://127.0.0.1:" + cinfo.iopub_port);
  iopub.subscribe();
  const shell = new zmq.Dealer();
  shell.connect("tcp://127.0.0.1:" + cinfo.shell_port);
  const log = [];
  let ready = false;
  (async () => {
    for await (const frames of iopub) {
      const at = frames.findIndex((f) => String(f) === "<IDS|MSG>");
      const header = JSON.parse(String(frames[at + 2])), parent = JSON.parse(String(frames[at + 3])), content = JSON.parse(String(frames[at + 5]));
      const label = labels.get(parent.msg_id);
      if (label === "info") { ready = ready || content.execution_state === "idle"; continue; }
      log.push({ type: header.msg_type, state: content.execution_state, parent: label });
    }
  })().catch(() => {});
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
  const iopub = new zmq.Subscriber();
  iopub.connect("tcp://127.0.0.1:" + cinfo.iopub_port);
  iopub.subscribe();
  const shell = new zmq.Dealer();
  shell.connect("tcp://127.0.0.1:" + cinfo.shell_port);
  const published = [];
  let ready = false;
  (async () => {
    for await (const frames of iopub) {
      const at = frames.findIndex((f) => String(f) === "<IDS|MSG>");
      const header = JSON.parse(String(frames[at + 2])), content = JSON.parse(String(frames[at + 5]));
      if (header.msg_type === "status") { ready = true; continue; }
      published.push({ type: header.msg_type, content });
    }
  })().catch(() => {});
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
  const reply = await shell.receive();
  const at = reply.findIndex((f) => String(f) === "<IDS|MSG>");
  const infoType = JSON.parse(String(reply[at + 2])).msg_type;
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
  const shell = new zmq.Dealer();
  shell.connect("tcp://127.0.0.1:" + cinfo.shell_port);
  await shell.send(signed("kernel_info_request", {}));
  const [reply] = await Promise.all([shell.receive(), init]);
  const at = reply.findIndex((f) => String(f) === "<IDS|MSG>");
  const type = JSON.parse(String(reply[at + 2])).msg_type;
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
