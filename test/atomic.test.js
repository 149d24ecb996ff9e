// writeFileAtomic (lib/src/atomic.ts): a file is replaced whole, a failed write leaves the old one, and temporary
// files left by killed writers are removed by the next write into the folder, those of running writers kept.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { writeFileAtomic, removeStaleTemps, isTempName, tempNameFor } = require("../lib/dist/atomic.js");

describe("writeFileAtomic", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-atomic-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("replaces the file whole, keeps nothing else in the folder, takes strings and bytes", () => {
    const file = path.join(tmp, "a.json");
    writeFileAtomic(file, "one");
    writeFileAtomic(file, Buffer.from("two, longer"));
    assert.strictEqual(fs.readFileSync(file, "utf8"), "two, longer");
    assert.deepStrictEqual(fs.readdirSync(tmp), ["a.json"]);
    assert.ok(isTempName(path.basename(tempNameFor(file))));
    assert.ok(!isTempName("a.json"));
  });

  it("a write that fails leaves the old file and no temporary file", () => {
    const dir = path.join(tmp, "fails");
    fs.mkdirSync(dir);
    const file = path.join(dir, "b.txt");
    writeFileAtomic(file, "old");
    fs.mkdirSync(path.join(dir, "c"));
    // A folder where the file should go: the rename fails.
    assert.throws(() => writeFileAtomic(path.join(dir, "c"), "x"), /EISDIR|EPERM|ENOTEMPTY|EEXIST/);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["b.txt", "c"]);
    assert.strictEqual(fs.readFileSync(file, "utf8"), "old");
  });

  it("removes the temporary files of writers that are gone, keeps those of running ones (and any non-temporary file)", () => {
    const dir = path.join(tmp, "stale");
    fs.mkdirSync(dir);
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    const dead = `.x.json.${deadPid}-abc.tmp`;
    const running = `.x.json.${process.ppid}-def.tmp`;
    for (const name of [dead, running, "keep.tmp", ".hidden"]) fs.writeFileSync(path.join(dir, name), "");
    writeFileAtomic(path.join(dir, "x.json"), "{}");
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), [running, ".hidden", "keep.tmp", "x.json"].sort());
    // Older than an hour: removed even if the process id runs (ids are reused).
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(path.join(dir, running), old, old);
    removeStaleTemps(dir);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), [".hidden", "keep.tmp", "x.json"]);
  });
});
