// scripts/course/fetch-mnist.sh against mirrors served from this process (the real ones need a network): the next mirror
// after one that fails, a checksum that does not match (the file removed, never left half-written), a file already
// there, and the exit status and messages. MNIST_MD5S supplies the checksums of the test's own files.
const assert = require("assert");
const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { spawn, spawnSync } = require("child_process");

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "course", "fetch-mnist.sh");
const NAMES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
const md5 = (b) => crypto.createHash("md5").update(b).digest("hex");

function run(env, dest) {
  return new Promise((resolve) => {
    const p = spawn("bash", [SCRIPT, dest], { env: { ...process.env, ...env } });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (status) => resolve({ status, out }));
  });
}

describe("scripts/course/fetch-mnist.sh (against local mirrors)", function () {
  this.timeout(60000);
  const body = Object.fromEntries(NAMES.map((n) => [n, Buffer.from(`contents of ${n}\n`.repeat(100))]));
  const sums = NAMES.map((n) => md5(body[n])).join(" ");
  let server;
  let base;
  const requests = [];
  before(function (done) {
    if (spawnSync("bash", ["-c", "command -v curl || command -v wget"]).status !== 0) this.skip();
    server = http.createServer((req, res) => {
      requests.push(req.url);
      const [, mirror, name] = req.url.split("/");
      if (mirror === "good" && body[name]) return res.end(body[name]);
      if (mirror === "corrupt" && body[name]) return res.end(Buffer.concat([body[name], Buffer.from("x")]));
      res.statusCode = 404;
      res.end();
    });
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${server.address().port}`;
      done();
    });
  });
  after(() => server && server.close());

  it("falls back from a failing mirror to the next, checks each file, and skips files already there", async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-mnist-"));
    const r = await run({ MNIST_MIRRORS: `${base}/down/ ${base}/good/`, MNIST_MD5S: sums }, dest);
    assert.strictEqual(r.status, 0, r.out);
    for (const n of NAMES) {
      assert.match(r.out, new RegExp(`${n}: could not download from ${base}/down/; trying the next mirror`));
      assert.match(r.out, new RegExp(`${n}: downloaded from ${base}/good/ \\(${body[n].length} bytes, checksum ok\\)`));
      assert.deepStrictEqual(fs.readFileSync(path.join(dest, n)), body[n]);
    }
    assert.deepStrictEqual(fs.readdirSync(dest).sort(), [...NAMES].sort(), "no .part file left");
    requests.length = 0;
    const again = await run({ MNIST_MIRRORS: `${base}/good/`, MNIST_MD5S: sums }, dest);
    assert.strictEqual(again.status, 0, again.out);
    assert.strictEqual((again.out.match(/already there, checksum ok/g) || []).length, 4);
    assert.deepStrictEqual(requests, [], "nothing downloaded again");
  });

  it("a wrong checksum from every mirror: exit 1, each file named, nothing left behind", async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-mnist-"));
    const r = await run({ MNIST_MIRRORS: `${base}/corrupt/`, MNIST_MD5S: sums }, dest);
    assert.strictEqual(r.status, 1, r.out);
    for (const n of NAMES) {
      assert.match(r.out, new RegExp(`${n}: from ${base}/corrupt/ the checksum is [0-9a-f]{32}, expected ${md5(body[n])}`));
      assert.match(r.out, new RegExp(`${n}: FAILED from every mirror`));
    }
    assert.match(r.out, /fetch-mnist: some files are missing/);
    assert.deepStrictEqual(fs.readdirSync(dest), [], "no partial or unchecked file");
  });

  it("without MNIST_MD5S it checks MNIST's own checksums (so these files are refused); a wrong count of checksums is an error", async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-mnist-"));
    const r = await run({ MNIST_MIRRORS: `${base}/good/`, MNIST_MD5S: "" }, dest);
    assert.strictEqual(r.status, 1, r.out);
    assert.match(r.out, /train-images-idx3-ubyte\.gz: from .* expected f68b3c2dcbeaaa9fbdd348bbdeb94873/);
    const bad = await run({ MNIST_MIRRORS: `${base}/good/`, MNIST_MD5S: "abc def" }, dest);
    assert.strictEqual(bad.status, 1);
    assert.match(bad.out, /MNIST_MD5S holds 2 checksums; expected 4/);
  });
});
