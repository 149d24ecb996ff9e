"use strict";
// The course as people see it: Jupyter started the way `npm run lab` starts it (scripts/jupyter/lab.js, quick profile, a
// free loopback port, a token), every notebook opened in the classic Notebook web UI in headless Chromium and run
// with Cell > Run All. Checks per notebook: no error and no stderr except in cells marked for it (cell tags
// "raises-exception", "expect-stderr"), no empty stdout line, figures are loaded images, the kernel indicator
// shows busy whenever output arrives and turns idle only when the last cell has ended, and live progress stays one
// output updated in place; opening a notebook leaves it unmodified (no "(unsaved changes)" before anything runs); no
// output is wider than the output area at 1280 px (a DataFrame's table scrolls inside its own box, which is allowed).
// Screenshots go to build/browser/. The notebooks run from a copy in build/browser/, so
// nothing is saved into notebooks/.
//
// Skips with one line where Chromium, puppeteer-core or Jupyter is missing, unless RNNLAB_REQUIRE_BROWSER_TESTS=1
// (CI), where that fails. RNNLAB_CHROMIUM=/path/to/chrome picks the browser.
const assert = require("assert");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const env = require("../../scripts/jupyter/jupyter-env");
const { parseCells, buildNotebook } = require("../../scripts/course/build-notebooks");
const { FRAME_SCROLL_CLASS } = require("rnnlab/dist/show/frame");
const { freePort } = require("../notebook-helpers");

const ROOT = env.ROOT;
const OUT = path.join(ROOT, "build", "browser");
const REQUIRED = process.env.RNNLAB_REQUIRE_BROWSER_TESTS === "1";
const INSTALL = "install Chromium and a CJK font (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk), or set RNNLAB_CHROMIUM=/path/to/chrome";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--lang=ko-KR",
];

function findBrowser() {
  if (process.env.RNNLAB_CHROMIUM) return fs.existsSync(process.env.RNNLAB_CHROMIUM) ? process.env.RNNLAB_CHROMIUM : null;
  const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
  return candidates.find((p) => p && fs.existsSync(p)) ?? null;
}

/** What is missing for the browser test, or null. */
function missing() {
  if (!findBrowser()) return `no Chromium found; ${INSTALL}`;
  try {
    require.resolve("puppeteer-core");
  } catch {
    return "puppeteer-core is not installed (npm install)";
  }
  if (!env.findJupyterPython()) return "Jupyter is not installed (npm run install-jupyter)";
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "cell 7 (code cell 4, first line 'const x = 1;')", as the nbclient runner names cells. */
function cellName(cell) {
  const first = cell.source.trim().split("\n")[0] ?? "";
  return `cell ${cell.index + 1} (code cell ${cell.codeNo}, first line '${first.slice(0, 70)}')`;
}

function outputText(o) {
  return [].concat(o.text ?? "").join("");
}

/**
 * Everything a learner should not have to see, from one Run All: a list of "cell …: what" lines (empty when fine).
 * `run` = { cells: [{ index, codeNo, source, tags, msgId, reply, outputs, domOutputs, pngOutputs, images }], log }
 * where log is every kernel message in the order the page handled it, each with the indicator's state (`shown`)
 * at that moment.
 */
function problemsOf(run) {
  const problems = [];
  const code = run.cells.filter((c) => c.msgId);
  let aborted = 0;
  for (const c of code) {
    const tags = c.tags ?? [];
    const failsOnPurpose = tags.includes("raises-exception");
    const stderrOnPurpose = failsOnPurpose || tags.includes("expect-stderr");
    const stderr = c.outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map(outputText).join("");
    // tslab reports a failure on stderr: the thrown error's line (as the nbclient runner picks it), else the first.
    const firstLine = (s) => {
      const lines = s.split("\n").map((l) => l.trim()).filter(Boolean);
      return (lines.find((l) => /^[A-Za-z]*(Error|Exception)\b.*:/.test(l)) ?? lines[0] ?? "").slice(0, 200);
    };
    if (c.reply === "abort" || c.reply === "aborted") {
      aborted++;
      continue;
    }
    if (c.reply === undefined) problems.push(`${cellName(c)}: no reply from the kernel`);
    else if (c.reply !== "ok" && !failsOnPurpose) problems.push(`${cellName(c)}: failed (${c.reply}): ${firstLine(stderr) || "(no error text)"}`);
    else if (c.reply === "ok" && failsOnPurpose) problems.push(`${cellName(c)}: marked raises-exception but ran without an error`);
    for (const o of c.outputs) {
      if (o.output_type === "error" && !failsOnPurpose) problems.push(`${cellName(c)}: error output ${o.ename}: ${o.evalue}`);
    }
    if (stderr && !stderrOnPurpose && c.reply === "ok") problems.push(`${cellName(c)}: stderr output: ${firstLine(stderr)}`);
    for (const o of c.outputs) {
      if (o.output_type === "stream" && o.name === "stdout" && outputText(o).trim() === "") problems.push(`${cellName(c)}: an empty stdout line (stray output)`);
      // A cell ending in model.dispose() prints the counts it returns.
      if (o.output_type === "stream" && /refCountAfterDispose/.test(outputText(o))) problems.push(`${cellName(c)}: a dispose() result printed (stray value)`);
    }
    const loaded = c.images.filter((im) => im.complete && im.naturalWidth > 0).length;
    if (loaded < c.pngOutputs) problems.push(`${cellName(c)}: ${c.pngOutputs} figure(s) sent, ${loaded} shown as loaded images`);
    for (const w of c.wide ?? []) problems.push(`${cellName(c)}: an output ${w.content} px wide in an output area of ${w.width} px: '${w.text}'`);
    if (c.domOutputs !== c.outputs.length) problems.push(`${cellName(c)}: ${c.outputs.length} outputs but ${c.domOutputs} output areas on the page`);
    // Live progress: one display per display_id, updated in place; the page shows its last state exactly once.
    const mine = run.log.filter((m) => m.parent === c.msgId && m.displayId);
    for (const id of new Set(mine.map((m) => m.displayId))) {
      const created = mine.filter((m) => m.displayId === id && m.type === "display_data");
      const updates = mine.filter((m) => m.displayId === id && m.type === "update_display_data");
      if (created.length !== 1) problems.push(`${cellName(c)}: live output ${id} was created ${created.length} times`);
      if (!updates.length) continue;
      const last = updates[updates.length - 1].text;
      const shown = c.outputs.filter((o) => o.data && o.data["text/plain"] === last).length;
      if (shown !== 1) problems.push(`${cellName(c)}: live progress's last state appears in ${shown} outputs, not 1`);
    }
  }
  if (aborted) problems.push(`${aborted} code cell(s) did not run because an earlier cell failed`);
  problems.push(...indicatorProblems(run.log, code));
  return problems;
}

/**
 * The kernel indicator is busy until the last cell ends: every output arrives while the page shows "Kernel Busy",
 * and an idle status before the last cell's own idle is followed at once by busy (each request has its own idle).
 */
function indicatorProblems(log, code) {
  const problems = [];
  if (!code.length) return problems;
  const byMsg = new Map(code.map((c) => [c.msgId, c]));
  const lastId = code[code.length - 1].msgId;
  const iopub = log.filter((m) => m.ch === "iopub");
  const end = iopub.findIndex((m) => m.type === "status" && m.state === "idle" && m.parent === lastId);
  if (end < 0) return ["the last cell's idle status never arrived"];
  iopub.slice(0, end + 1).forEach((m, i) => {
    const cell = byMsg.get(m.parent);
    const where = cell ? cellName(cell) : "a request outside the cells";
    if (m.type !== "status" && m.shown !== "busy") problems.push(`${where}: its ${m.type} arrived while the indicator showed '${m.shown}'`);
    if (m.type === "status" && m.state === "idle" && i < end) {
      const next = iopub[i + 1];
      if (!(next.type === "status" && next.state === "busy")) problems.push(`${where}: 'Kernel Idle' after it while later cells were still queued (next: ${next.type})`);
    }
  });
  if (iopub[end].shownAfter !== "idle") problems.push(`the indicator shows '${iopub[end].shownAfter}' after the last cell ended`);
  return problems.slice(0, 5);
}

// Runs in the page before Run All: records every kernel message with the indicator's state when it arrived.
function installRecorder() {
  const k = window.Jupyter.notebook.kernel;
  const shown = () => {
    const cls = (document.querySelector("#kernel_indicator_icon") || {}).className || "";
    return /kernel_busy_icon/.test(cls) ? "busy" : /kernel_idle_icon/.test(cls) ? "idle" : cls;
  };
  const log = (window.__rnnlabLog = []);
  const iopub = k._handle_iopub_message;
  k._handle_iopub_message = function (msg) {
    const c = msg.content || {};
    const entry = {
      ch: "iopub",
      type: msg.header.msg_type,
      state: c.execution_state,
      parent: (msg.parent_header || {}).msg_id,
      displayId: (c.transient || {}).display_id,
      text: c.data ? c.data["text/plain"] : undefined,
      shown: shown(),
    };
    log.push(entry);
    const r = iopub.apply(this, arguments);
    entry.shownAfter = shown();
    return r;
  };
  const shell = k._handle_shell_reply;
  k._handle_shell_reply = function (msg) {
    log.push({ ch: "shell", type: msg.header.msg_type, status: (msg.content || {}).status, parent: (msg.parent_header || {}).msg_id, shown: shown() });
    return shell.apply(this, arguments);
  };
}

// Runs in the page after the run: what each cell shows. An output is too wide when an element in it has content
// wider than its box (scrollWidth > clientWidth): a line running past the edge or a scroll bar under it; a
// DataFrame's own scrolling box (`scrollClass`) and what is in it are left out.
async function collectCells(scrollClass) {
  const nb = window.Jupyter.notebook;
  const replies = new Map(window.__rnnlabLog.filter((m) => m.ch === "shell" && m.type === "execute_reply").map((m) => [m.parent, m.status]));
  let codeNo = 0;
  const cells = [];
  for (const [index, c] of nb.get_cells().entries()) {
    if (c.cell_type !== "code") continue;
    codeNo++;
    const imgs = c.element.find(".output_area img").toArray();
    await Promise.all(imgs.map((im) => (im.decode ? im.decode().catch(() => undefined) : undefined)));
    const outputs = JSON.parse(JSON.stringify(c.output_area.outputs));
    cells.push({
      index,
      codeNo,
      source: c.get_text(),
      tags: (c.metadata && c.metadata.tags) || [],
      msgId: c.last_msg_id,
      reply: replies.get(c.last_msg_id),
      outputs,
      domOutputs: c.element.find(".output_area").length,
      pngOutputs: outputs.filter((o) => o.data && o.data["image/png"]).length,
      images: imgs.map((im) => ({ complete: im.complete, naturalWidth: im.naturalWidth, naturalHeight: im.naturalHeight })),
      wide: c.element
        .find(".output_area .output_subarea")
        .toArray()
        .map((sub) => [sub, ...sub.querySelectorAll("*")].find((el) => !el.closest("." + scrollClass) && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1))
        .filter(Boolean)
        .map((el) => ({ width: el.clientWidth, content: el.scrollWidth, text: el.textContent.trim().split("\n")[0].slice(0, 120) })),
    });
  }
  return cells;
}

// The checks themselves, on recorded runs made up to show each failure (no browser needed).
describe("the browser test's checks", () => {
  it("the indicator check fails when output arrives under 'Kernel Idle' (tslab's published behaviour)", () => {
    const cells = [
      { index: 0, codeNo: 1, source: "a", msgId: "a" },
      { index: 1, codeNo: 2, source: "b", msgId: "b" },
    ];
    const st = (parent, state, shown) => ({ ch: "iopub", type: "status", state, parent, shown, shownAfter: state });
    const out = (parent, shown) => ({ ch: "iopub", type: "stream", parent, shown });
    const published = [st("a", "busy", "idle"), st("b", "busy", "busy"), out("a", "busy"), st("a", "idle", "busy"), out("b", "idle"), st("b", "idle", "idle")];
    assert.deepStrictEqual(indicatorProblems(published, cells), [
      "cell 1 (code cell 1, first line 'a'): 'Kernel Idle' after it while later cells were still queued (next: stream)",
      "cell 2 (code cell 2, first line 'b'): its stream arrived while the indicator showed 'idle'",
    ]);
    const patched = [st("a", "busy", "idle"), st("b", "busy", "busy"), out("a", "busy"), st("a", "idle", "busy"), st("b", "busy", "idle"), out("b", "busy"), st("b", "idle", "busy")];
    assert.deepStrictEqual(indicatorProblems(patched, cells), []);
  });

  it("the live-progress and figure checks fail on a progress shown twice and on an image that did not load", () => {
    const base = { index: 0, codeNo: 1, source: "await rl.fit(...)", msgId: "m", reply: "ok", domOutputs: 2, pngOutputs: 1 };
    const progress = (text) => ({ output_type: "display_data", data: { "text/plain": text } });
    const idle = { ch: "iopub", type: "status", state: "idle", parent: "m", shownAfter: "idle" };
    const log = [
      { ch: "iopub", type: "display_data", parent: "m", displayId: "p", text: "epoch 1/2", shown: "busy" },
      { ch: "iopub", type: "display_data", parent: "m", displayId: "p", text: "epoch 2/2", shown: "busy" },
      { ch: "iopub", type: "update_display_data", parent: "m", displayId: "p", text: "epoch 2/2", shown: "busy" },
      idle,
    ];
    const twice = { ...base, outputs: [progress("epoch 2/2"), progress("epoch 2/2")], images: [{ complete: true, naturalWidth: 0 }] };
    assert.deepStrictEqual(problemsOf({ cells: [twice], log: [idle] }), ["cell 1 (code cell 1, first line 'await rl.fit(...)'): 1 figure(s) sent, 0 shown as loaded images"]);
    const problems = problemsOf({ cells: [{ ...twice, images: [{ complete: true, naturalWidth: 640 }] }], log });
    assert.deepStrictEqual(problems, [
      "cell 1 (code cell 1, first line 'await rl.fit(...)'): live output p was created 2 times",
      "cell 1 (code cell 1, first line 'await rl.fit(...)'): live progress's last state appears in 2 outputs, not 1",
    ]);
  });

});

describe("the notebooks in Jupyter's web UI (headless Chromium, Cell > Run All)", function () {
  this.timeout(30 * 60 * 1000);
  let browser;
  let lab;
  let labOut = "";
  let base;
  let token;
  const nbDir = path.join(OUT, "notebooks");
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-chromium-"));

  before(async function () {
    const why = missing();
    if (why) {
      if (REQUIRED) throw new Error(`the browser test is required here (RNNLAB_REQUIRE_BROWSER_TESTS=1) but ${why}`);
      console.log(`    browser test skipped: ${why}`);
      this.skip();
    }
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(nbDir, { recursive: true });
    for (const f of fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^\d\d_.*\.ipynb$/.test(f))) {
      fs.copyFileSync(path.join(ROOT, "notebooks", f), path.join(nbDir, f));
    }
    // The checks' own fixture: an unmarked stderr line, an empty stdout line, stderr and a failure on purpose
    // (tagged), an output wider than the page and a wide table in a DataFrame's scrolling box (allowed). The failing
    // cell is last: tslab cancels the cells queued behind a failed one, whatever its tags.
    const fixture = buildNotebook(
      "markers",
      parseCells(
        [
          "// %%",
          'console.log(`profile: ${process.env.RNNLAB_PROFILE}`);',
          "// %%",
          'console.error("an unmarked warning");',
          "// %%",
          "console.log();",
          '// %% tags=["expect-stderr"]',
          'console.error("a marked warning");',
          "// %%",
          "6 * 7",
          "// %%",
          'import * as tslab from "tslab";',
          'tslab.display.html(`<div style="white-space:pre">too wide: ${"x".repeat(300)}</div>`);',
          "// %%",
          `tslab.display.html(\`<div class="${FRAME_SCROLL_CLASS}" style="overflow-x:auto;max-width:100%"><table><tr><td style="white-space:nowrap">\${"y".repeat(300)}</td></tr></table></div>\`);`,
          '// %% tags=["raises-exception"]',
          'throw new Error("shown on purpose");',
        ].join("\n"),
        "markers",
      ),
    );
    fs.writeFileSync(path.join(OUT, "markers.ipynb"), JSON.stringify(fixture));
    // A notebook whose language_info is not the kernel's (as the lessons carried before): opening it marks it changed.
    const stale = buildNotebook("stale", parseCells("// %%\n1 + 1", "stale"));
    stale.metadata.language_info.version = "5.0.4";
    fs.writeFileSync(path.join(OUT, "stale-language.ipynb"), JSON.stringify(stale));

    const port = await freePort();
    token = crypto.randomBytes(16).toString("hex");
    base = `http://127.0.0.1:${port}`;
    lab = spawn(process.execPath, [path.join(ROOT, "scripts", "jupyter", "lab.js"), "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--notebook-dir=${OUT}`], {
      cwd: ROOT,
      // Models in this run's own folder: another suite may run the same lesson at the same time (npm test runs
      // test files in parallel), and lesson 06 loads back the model it saved.
      env: { ...process.env, RNNLAB_PROFILE: "quick", JUPYTER_TOKEN: token, RNNLAB_JUPYTER_APP: "notebook", RNNLAB_MODELS: path.join(OUT, "models") },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    lab.stdout.on("data", (d) => (labOut += d));
    lab.stderr.on("data", (d) => (labOut += d));
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`${base}/api/status?token=${token}`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (lab.exitCode !== null || i > 240) throw new Error(`npm run lab did not start:\n${labOut}`);
      await sleep(500);
    }
    assert.match(labOut, new RegExp(`Jupyter's address: http://127\\.0\\.0\\.1:${port}/tree\\?token=${token}`), "lab.js names its address");
    const puppeteer = require("puppeteer-core");
    browser = await puppeteer.launch({ executablePath: findBrowser(), headless: true, args: CHROMIUM_ARGS, userDataDir: userData });
  });

  /** Shuts down every kernel the server runs (Jupyter starts kernels in their own session: a signal to the
   * server's process group does not reach them). */
  async function shutdownKernels() {
    try {
      const kernels = await (await fetch(`${base}/api/kernels?token=${token}`)).json();
      for (const k of kernels) await fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" });
    } catch {
      /* the server is gone */
    }
  }

  after(async () => {
    if (browser) await browser.close().catch(() => undefined);
    if (lab && lab.exitCode === null) {
      await shutdownKernels();
      try {
        process.kill(lab.pid, "SIGTERM"); // lab.js passes it on; Jupyter stops its kernels and exits
      } catch {
        /* gone */
      }
      for (let i = 0; i < 120 && lab.exitCode === null; i++) await sleep(250);
      if (lab.exitCode === null) process.kill(-lab.pid, "SIGKILL");
    }
    // A process that inherited the server's output (a kernel that outlived it) must not keep this one waiting.
    if (lab) for (const s of [lab.stdout, lab.stderr]) s.destroy();
    fs.rmSync(userData, { recursive: true, force: true });
  });

  /**
   * Whether the notebook counts as changed once its kernel is ready, before anything runs: the Notebook compares the
   * kernel's language_info with the notebook's when the kernel starts and marks the notebook dirty on a difference,
   * which the title bar shows as "(unsaved changes)". Read after a moment, as a learner would see it.
   */
  async function openedState(page) {
    await sleep(1500);
    return page.evaluate(() => ({ dirty: Jupyter.notebook.dirty, status: (document.querySelector("#save_widget .autosave_status") || {}).textContent || "" }));
  }

  /** Opens a notebook in a 1280 px wide page and waits until its kernel is ready and idle. */
  async function openNotebook(page, rel) {
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${base}/notebooks/${rel}?token=${token}`, { waitUntil: "load", timeout: 120000 });
    await page.waitForFunction(
      () => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon"),
      { timeout: 180000, polling: 200 },
    );
  }

  /** Problems with the notebook as opened, before Run All (empty when unmodified). */
  function openedProblems(rel, opened) {
    const problems = [];
    if (opened.dirty) problems.push(`${rel}: marked changed as soon as it opened, before anything ran (Jupyter.notebook.dirty)`);
    if (/unsaved changes/.test(opened.status)) problems.push(`${rel}: the title bar says '${opened.status.trim()}' as soon as it opened`);
    return problems;
  }

  /** Opens a notebook, runs Cell > Run All, waits for the last cell, returns what the page showed. */
  async function runInBrowser(rel, shots) {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e.message || e)));
    try {
      await openNotebook(page, rel);
      const kernelName = await page.evaluate(() => document.querySelector(".kernel_indicator_name").textContent.trim());
      const opened = await openedState(page);
      await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));
      await page.evaluate(installRecorder);
      // Cell > Run All, as a learner clicks it.
      await page.click("#celllink");
      await page.waitForSelector("#run_all_cells > a", { visible: true });
      await page.click("#run_all_cells > a");
      const started = Date.now();
      await page.waitForFunction(
        () => {
          const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
          const last = code[code.length - 1].last_msg_id;
          return !!last && window.__rnnlabLog.some((m) => m.ch === "iopub" && m.type === "status" && m.state === "idle" && m.parent === last);
        },
        { timeout: 20 * 60 * 1000, polling: 500 },
      );
      const seconds = (Date.now() - started) / 1000;
      await sleep(300); // output sent after a cell's idle (tslab forwards late stdout) would land now
      const cells = await page.evaluate(collectCells, FRAME_SCROLL_CLASS);
      const log = await page.evaluate(() => window.__rnnlabLog);
      const run = { cells, log, kernelName, seconds, pageErrors, opened };
      // Evidence: the first figure and the end of the notebook; a failing cell too.
      const shoot = async (cellIndex, name) => {
        await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: "start" }), cellIndex);
        await sleep(200);
        const file = path.join(OUT, `${path.basename(rel, ".ipynb")}-${name}.png`);
        await page.screenshot({ path: file });
        shots.push(file);
      };
      const withFigure = cells.find((c) => c.pngOutputs > 0);
      if (withFigure) await shoot(withFigure.index, "figure");
      await shoot(cells[cells.length - 1].index, "end");
      run.shoot = shoot;
      await page.evaluate(() => Jupyter.notebook.save_notebook());
      await sleep(500);
      return { run, page };
    } catch (e) {
      await page.screenshot({ path: path.join(OUT, `${path.basename(rel, ".ipynb")}-failure.png`) }).catch(() => undefined);
      await page.close().catch(() => undefined);
      await shutdownKernels();
      throw new Error(`${rel}: ${e.message}\n${labOut.split("\n").slice(-20).join("\n")}`);
    }
  }

  it("the checks themselves: an unmarked stderr line and an empty stdout line are named, marked cells pass; the quick profile reaches the kernel", async () => {
    const shots = [];
    const { run, page } = await runInBrowser("markers.ipynb", shots);
    await page.close();
    await shutdownKernels();
    assert.strictEqual(run.kernelName, "TypeScript (rnnlab)");
    assert.strictEqual(outputText(run.cells[0].outputs[0]), "profile: quick\n");
    assert.strictEqual(run.cells[7].reply, "error");
    assert.match(run.cells[7].outputs.map(outputText).join(""), /shown on purpose/);
    const problems = problemsOf(run);
    assert.deepStrictEqual(problems.slice(0, 2), [
      "cell 2 (code cell 2, first line 'console.error(\"an unmarked warning\");'): stderr output: an unmarked warning",
      "cell 3 (code cell 3, first line 'console.log();'): an empty stdout line (stray output)",
    ]);
    // The line wider than the page is named; the wide table in its own scrolling box is not.
    assert.strictEqual(problems.length, 3, problems.join("\n"));
    assert.match(problems[2], /^cell 6 \(code cell 6, first line 'import \* as tslab from "tslab";'\): an output (\d+) px wide in an output area of (\d+) px: 'too wide: xxx/);
    const [, content, width] = /(\d+) px wide in an output area of (\d+) px/.exec(problems[2]).map(Number);
    assert.ok(content > width, problems[2]);
    // Opened unmodified: the fixture carries the kernel's language_info, as the lessons do.
    assert.deepStrictEqual(openedProblems("markers.ipynb", run.opened), []);
    // Without its tag, the failing cell is named too.
    const untagged = { ...run, cells: run.cells.map((c) => (c.index === 7 ? { ...c, tags: [] } : c)) };
    assert.match(problemsOf(untagged).join("\n"), /cell 8 \(code cell 8, first line 'throw new Error\("shown on purpose"\);'\): failed \(error\): .*shown on purpose/);
  });

  it("the opening check: a notebook whose language_info differs from the kernel's is named as changed on opening", async () => {
    const page = await browser.newPage();
    try {
      await openNotebook(page, "stale-language.ipynb");
      const problems = openedProblems("stale-language.ipynb", await openedState(page));
      assert.ok(problems.some((p) => /marked changed as soon as it opened/.test(p)), problems.join("\n"));
      assert.ok(problems.some((p) => /the title bar says '\(unsaved changes\)'/.test(p)), problems.join("\n"));
    } finally {
      await page.close();
      await shutdownKernels();
    }
  });

  const notebooks = fs
    .readdirSync(path.join(ROOT, "notebooks"))
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
    .sort();
  for (const f of notebooks) {
    it(`${f}: Run All in the web UI, quick profile`, async () => {
      const shots = [];
      const { run, page } = await runInBrowser(path.join("notebooks", f), shots);
      try {
        assert.strictEqual(run.kernelName, "TypeScript (rnnlab)");
        const problems = [...problemsOf(run), ...openedProblems(f, run.opened)];
        if (run.pageErrors.length) problems.push(`the page threw: ${run.pageErrors.slice(0, 3).join(" | ")}`);
        const live = run.log.filter((m) => m.type === "update_display_data");
        console.log(`      ${f}: Run All took ${run.seconds.toFixed(1)} s, ${run.cells.length} code cells, ${run.cells.reduce((n, c) => n + c.pngOutputs, 0)} figures, ${new Set(live.map((m) => m.displayId)).size} live outputs (${live.length} updates); screenshots: ${shots.map((s) => path.relative(ROOT, s)).join(", ")}`);
        if (problems.length) {
          const first = run.cells.find((c) => problems[0].startsWith(cellName(c)));
          if (first) await run.shoot(first.index, `cell${first.index + 1}`);
        }
        assert.deepStrictEqual(problems, [], `${f}:\n${problems.join("\n")}`);
      } finally {
        await page.close();
        await shutdownKernels(); // one kernel at a time: each holds its notebook's data
      }
    });
  }

  it("npm run lab's log, after every page and kernel above: no debugger warning, no 'unknown msg_type: comm_open'", () => {
    // The classic Notebook's widgets extension opens a comm at every kernel start; the first page's request for the
    // kernelspecs made the server's debugpy warn about frozen modules.
    const noise = labOut.split("\n").filter((l) => /Debugger warning|frozen modules|unknown msg_type/.test(l));
    assert.deepStrictEqual(noise, [], labOut.split("\n").slice(-30).join("\n"));
  });
});

module.exports = { problemsOf, indicatorProblems };
