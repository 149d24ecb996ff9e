// rl.record from notebooks that run at once (npm run notebooks --jobs): every value lands in the results file.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");

describe("recorded results (lib/src/show/results.ts)", function () {
  this.timeout(120000);

  it("four processes recording into one file at once lose no value and leave no lock or temporary file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-record-"));
    try {
      const code = (p) => `const rl = require("rnnlab"); for (let i = 0; i < 25; i++) rl.record("0${p}.value_" + i, i, { quiet: true });`;
      const exits = await Promise.all(
        [1, 2, 3, 4].map(
          (p) =>
            new Promise((resolve) => {
              const child = spawn(process.execPath, ["-e", code(p)], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, RNNLAB_RESULTS: dir, RNNLAB_PROFILE: "quick" } });
              let err = "";
              child.stderr.on("data", (d) => (err += d));
              child.on("exit", (c) => resolve([c, err]));
            }),
        ),
      );
      for (const [c, err] of exits) assert.strictEqual(c, 0, err);
      const all = JSON.parse(fs.readFileSync(path.join(dir, "quick.json"), "utf8"));
      assert.strictEqual(Object.keys(all).length, 100, `${Object.keys(all).length} of 100 values in the file`);
      assert.strictEqual(all["03.value_24"], "24");
      assert.deepStrictEqual(fs.readdirSync(dir), ["quick.json"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
