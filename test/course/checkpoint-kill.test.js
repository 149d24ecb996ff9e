// A kernel killed at any moment, in the middle of a checkpoint's save too, leaves a checkpoint that loads, and whose
// epochsDone matches its weights. Child processes (checkpoint-kill-child.js) train a model of 4.2 MB with
// rl.checkpoint after every epoch and are killed with SIGKILL at random moments, most of them just after the child
// says it began a save; each next child goes on from the checkpoint's epoch. After every kill the test loads the
// checkpoint and compares the checksum of its weights with the one the child recorded for that run and epoch before saving.
// While the children train, the test also loads their checkpoints again and again, as another kernel would.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const rl = require("rnnlab");
const { checksum } = require("./weights-checksum");

const CHILD = path.join(__dirname, "checkpoint-kill-child.js");
const FOLDERS = 3; // children run at once, each with its checkpoint folder
const KILLS = 55;
const CONCURRENT_LOADS = 40; // loads of a checkpoint while its child trains (by one of the workers)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("checkpoints survive SIGKILL at any moment, mid-save included", function () {
  this.timeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-kill-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`${KILLS} kills of a checkpointing child: every checkpoint loads, its epochsDone matches its weights, nothing accumulates`, async () => {
    await rl.initRuntime({ force: "cpu", verbose: false });
    const counts = { kills: 0, duringSave: 0, beforeFirstSave: 0, checked: 0, concurrentLoads: 0, torn: 0, mismatched: 0 };
    const problems = [];
    const saveTimes = [];
    let runs = 0;
    let failed = false;

    /** Loads the checkpoint in `dir` and checks it against the side file; returns a problem, or its epochsDone. */
    async function check(dir, side, what) {
      let model;
      try {
        model = await rl.loadModel(`file://${dir}`);
      } catch (e) {
        counts.torn++;
        return `${what}: the checkpoint does not load: ${e.message.slice(0, 300)}`;
      }
      try {
        const info = rl.checkpointInfo(model);
        const recorded = new Map();
        for (const line of fs.readFileSync(side, "utf8").split("\n")) {
          const m = /^(\S+) (\d+) ([0-9a-f]+)$/.exec(line);
          if (m) recorded.set(`${m[1]} ${m[2]}`, m[3]);
        }
        const want = recorded.get(`${info.name} ${info.epochsDone}`);
        const got = checksum(model);
        if (want !== got) {
          counts.mismatched++;
          return `${what}: the checkpoint says run ${info.name} epoch ${info.epochsDone}, whose weights had checksum ${want}; its weights have ${got}`;
        }
        return info.epochsDone;
      } finally {
        model.dispose();
      }
    }

    async function worker(w) {
      const dir = path.join(tmp, `ck${w}`);
      const side = path.join(tmp, `side${w}.txt`);
      let everSaved = false;
      let epochsDone = 0;
      while (counts.kills < KILLS && !failed) {
        const run = `r${++runs}`;
        const child = spawn(process.execPath, [CHILD, dir, side, run, String(epochsDone)], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        // "close", not "exit": the child's last output is read by then.
        const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
        // Kill after the first or second save began (a random delay into it) or at a random moment after start.
        const mode = Math.random() < 0.85 ? "save" : "any";
        const saveNumber = 1 + Math.floor(Math.random() * 2);
        let killed = false;
        let scheduled = false;
        const killIn = (ms) => {
          if (!scheduled) {
            scheduled = true;
            setTimeout(kill, ms);
          }
        };
        const kill = () => {
          if (!killed) {
            killed = true;
            child.kill("SIGKILL");
          }
        };
        let partial = "";
        let savings = 0;
        child.stdout.on("data", (d) => {
          out += d;
          const lines = (partial + d).split("\n");
          partial = lines.pop();
          for (const line of lines) {
            if (line === "READY" && mode === "any") killIn(Math.random() * 2500);
            if (line.startsWith("SAVING")) {
              if (++savings === saveNumber && mode === "save") {
                const typical = saveTimes.length ? saveTimes.slice().sort((a, b) => a - b)[saveTimes.length >> 1] : 300;
                killIn(Math.random() * typical * 1.1);
              }
            }
            if (line.startsWith("SAVED")) saveTimes.push(Number(line.split(" ")[2]));
          }
        });
        const safety = setTimeout(kill, 30000); // a child that never reaches its save
        child.on("close", () => clearTimeout(safety));
        child.stderr.on("data", (d) => (err += d));
        // Meanwhile, load the checkpoint again and again, as another kernel would.
        let done = false;
        exited.then(() => (done = true));
        while (!done) {
          if (everSaved && w === 0 && counts.concurrentLoads < CONCURRENT_LOADS) {
            counts.concurrentLoads++;
            const p = await check(dir, side, `a load while run ${run} trained`);
            if (typeof p === "string") problems.push(p);
          }
          await sleep(50);
        }
        const { code, signal } = await exited;
        if (signal !== "SIGKILL") {
          failed = true;
          throw new Error(`run ${run} ended by itself (${signal ?? `exit code ${code}`}, last output: ${JSON.stringify(out.slice(-200))}):\n${err.slice(-2000)}`);
        }
        counts.kills++;
        const lines = out.split("\n").filter(Boolean);
        const last = lines[lines.length - 1] ?? "";
        if (last.startsWith("SAVING")) counts.duringSave++;
        if (lines.some((l) => l.startsWith("SAVED"))) everSaved = true;
        if (!fs.existsSync(path.join(dir, "model.json"))) {
          if (everSaved) problems.push(`after run ${run}: model.json is gone`);
          counts.beforeFirstSave++;
          continue;
        }
        counts.checked++;
        const p = await check(dir, side, `after the kill of run ${run} (${last || "before READY"})`);
        if (typeof p === "string") {
          problems.push(p);
          // A torn checkpoint would stop the next run: start the folder afresh, and count on.
          fs.rmSync(dir, { recursive: true, force: true });
          everSaved = false;
          epochsDone = 0;
          continue;
        }
        epochsDone = p;
        // Bounded: model.json, the current and previous weights, and what one killed save can leave (its new
        // weights and one temporary file); the next save removes those.
        const entries = fs.readdirSync(dir);
        if (entries.length > 5) problems.push(`after run ${run}: ${entries.length} files in the checkpoint's folder: ${entries.join(", ")}`);
      }
    }

    const started = Date.now();
    try {
      await Promise.all(Array.from({ length: FOLDERS }, (_, w) => worker(w)));
    } finally {
      failed = true; // the other workers stop after their run
      report();
    }
    assert.deepStrictEqual(problems, [], `${problems.length} problems:\n${problems.slice(0, 10).join("\n")}`);
    assert.ok(counts.kills >= 50, `only ${counts.kills} kills`);
    assert.ok(counts.duringSave >= 10, `only ${counts.duringSave} kills landed during a save`);
    assert.ok(counts.checked >= 40, `only ${counts.checked} checkpoints checked after a kill`);

    function report() {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const typical = saveTimes.slice().sort((a, b) => a - b)[saveTimes.length >> 1];
      console.log(
        `      kills: ${counts.kills}, during a save: ${counts.duringSave}, before the first save: ${counts.beforeFirstSave}; ` +
          `checkpoints checked after a kill: ${counts.checked}, loads while saving: ${counts.concurrentLoads}; ` +
          `torn: ${counts.torn}, mismatched: ${counts.mismatched}; typical save ${typical} ms; ${seconds} s`,
      );
    }
  });
});
