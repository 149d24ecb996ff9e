// Model files: `model.save("file://dir")` and `tf.loadLayersModel("file://dir/model.json")` on every backend.
// tfjs-node brings a file:// handler; plain @tensorflow/tfjs in Node.js (the wasm and cpu backends, WebGPU) has
// none and fails with "Cannot find any save handlers". rnnlab registers one that writes tfjs-node's format
// (model.json + a weights file), so a model trained for minutes is not lost with the kernel, and the files load in
// tfjs-node and in a browser too. Where tfjs-node is the backend, its own handler is left to `model.save`
// (it writes in place); rl.saveModel, rl.checkpoint and rl.loadModel use rnnlab's on every backend.
//
// A save is atomic, so that a model loaded while a checkpoint is written (another kernel, a test), or a kernel killed
// in the middle of a save, never meets a torn model. One rename is the only atomic step POSIX offers, and a save is
// two files, so the pair is tied to one name:
//
//   DIR/model.json              the current save: topology, metadata (a checkpoint's epochsDone) and the manifest,
//                               which names the weights file of the same save
//   DIR/weights-GEN.bin         that save's weights, under a name no other save uses, never rewritten
//   DIR/weights-PREV.bin        the previous save's weights, kept until the next save
//
// A save writes weights-GEN.bin (a temporary name, fsync, rename: a weights file under its final name is whole),
// then model.json the same way; the rename of model.json is the moment the new save replaces the old. Before it a
// reader finds the old model.json and the old weights, untouched; after it, the new pair. A process killed at any
// point leaves a loadable model: the old pair, or the new one, plus at worst a temporary file or a weights file that
// no model.json names, which the next save removes (as it removes weights older than the previous save's). A reader
// that read model.json just before a save finds the weights it names, kept as the previous save's; one slower than
// a whole save (its weights removed meanwhile) reads model.json again (loadHandler). tfjs-node and browsers read the
// same files: the manifest's path is an ordinary relative path. Folders written by earlier versions (model.json +
// weights.bin written in place) load as before; a save into such a folder keeps weights.bin as the previous save's.
import * as fs from "fs";
import * as path from "path";
import { processRuns, removeStaleTemps, syncDir, writeFileAtomic } from "../atomic";
import { tf } from "./runtime";
import { ownOptimizer } from "./models";
import { modelsDir } from "../config";
import { TF_BACKEND_NAME } from "./vocabulary";

const SCHEME = "file://";
/** The weights file of earlier versions, written in place. */
const LEGACY_WEIGHTS_FILE = "weights.bin";
/** weights-TIME-PID-N.bin: one save's weights (TIME in base 36, the writer's process id, its count of saves). */
const WEIGHTS_FILE = /^weights-[0-9a-z]+-(\d+)-\d+\.bin$/;
/** An unreferenced weights file older than this is removed even if its writer's process id runs (ids are reused). */
const STALE_MS = 60 * 60 * 1000;
let saves = 0;

type Artifacts = tf.io.ModelArtifacts;

/** 'file://a/b' -> 'a/b' (relative to the working directory, like tfjs-node). */
function localPath(url: string): string {
  return url.slice(SCHEME.length);
}

/** The backend of tfjs-node (and tfjs-node-gpu) brings its own file:// handlers; use ours everywhere else. */
function ours(url: unknown): url is string {
  return typeof url === "string" && url.startsWith(SCHEME) && tf.getBackend() !== TF_BACKEND_NAME["tfjs-node"];
}

function bytesOf(spec: tf.io.WeightsManifestEntry): number | undefined {
  if (spec.quantization) return undefined; // sizes then depend on the quantization; leave the check to tfjs
  const per: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
  const size = spec.shape.reduce((a, b) => a * b, 1);
  return per[spec.dtype] === undefined ? undefined : size * per[spec.dtype];
}

const DTYPES = ["float32", "int32", "bool", "complex64"];

/** A manifest entry that tfjs can decode: a name, a shape of whole sizes, a known dtype; else an error naming both. */
function checkSpec(file: string, spec: tf.io.WeightsManifestEntry): void {
  const name = spec && typeof spec.name === "string" ? spec.name : undefined;
  if (name === undefined) throw new Error(`${file}: a weight in 'weightsManifest' has no name (${JSON.stringify(spec)?.slice(0, 80)})`);
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${file}: weight '${name}' has shape ${JSON.stringify(spec.shape)}, expected a list of whole sizes >= 0`);
  }
  if (!spec.quantization && !DTYPES.includes(spec.dtype)) {
    throw new Error(`${file}: weight '${name}' has dtype ${JSON.stringify(spec.dtype)}, expected one of ${DTYPES.join(", ")}`);
  }
}

/** Refuses float32 weights holding NaN or Infinity: a model saved after its training diverged, or a corrupt file. */
function checkFinite(file: string, weightsFiles: string, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  let offset = 0;
  for (const spec of specs) {
    const bytes = bytesOf(spec);
    if (bytes === undefined) return; // a quantized or unknown layout: offsets beyond it are not known
    if (spec.dtype === "float32") {
      const values = new Float32Array(data.slice(offset, offset + bytes));
      let bad = 0;
      let first = -1;
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          bad++;
          if (first < 0) first = i;
        }
      }
      if (bad) {
        throw new Error(
          `${file}: weight '${spec.name}' in ${weightsFiles} holds ${bad} NaN or Infinity value${bad > 1 ? "s" : ""} of ${values.length} (first at index ${first}, ${values[first]}); ` +
            "the model was saved after its training diverged, or the file is corrupt",
        );
      }
    }
    offset += bytes;
  }
}

/** The file names (relative to the folder) that DIR/model.json's manifest names; [] where it is missing or unreadable. */
function namedWeights(dir: string): string[] {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    const groups = Array.isArray(json?.weightsManifest) ? json.weightsManifest : [];
    return groups.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? g.paths : [])).filter((p: unknown): p is string => typeof p === "string").map((p: string) => path.normalize(p));
  } catch {
    return [];
  }
}

/**
 * Removes the weights files in `dir` that no save needs any more: all but `keep` (the new save's and the previous
 * one's), except those another running process is saving now (it has not renamed its model.json yet) unless they are
 * older than an hour. Also removes weights.bin of earlier versions when neither save names it.
 */
function removeOldWeights(dir: string, keep: string[]): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (keep.includes(name)) continue;
    const m = WEIGHTS_FILE.exec(name);
    if (!m && name !== LEGACY_WEIGHTS_FILE) continue;
    const file = path.join(dir, name);
    const pid = m ? Number(m[1]) : process.pid;
    if (pid !== process.pid && processRuns(pid)) {
      try {
        if (now - fs.statSync(file).mtimeMs <= STALE_MS) continue;
      } catch {
        continue;
      }
    }
    fs.rmSync(file, { force: true });
  }
}

function saveHandler(url: string): tf.io.IOHandler {
  const dir = localPath(url);
  return {
    // Synchronous from the first write to the last, so that two saves of this process never interleave.
    async save(artifacts: Artifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error(`${url}: binary model topologies are not supported; save a tf.LayersModel`);
      if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new Error(`${url}: '${dir}' is a file; model.save needs a directory to write model.json and its weights into`);
      fs.mkdirSync(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const weightsName = `weights-${Date.now().toString(36)}-${process.pid}-${++saves}.bin`;
      const modelJson: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      // The design is at the top of this file: the weights under a new name, then model.json renamed over the old.
      removeStaleTemps(dir);
      const weightsFile = path.join(dir, weightsName);
      let committed = false;
      try {
        writeFileAtomic(weightsFile, Buffer.from(weightData), { keepTemps: true });
        const previous = namedWeights(dir);
        writeFileAtomic(path.join(dir, "model.json"), JSON.stringify(modelJson), { keepTemps: true });
        committed = true;
        removeOldWeights(dir, [weightsName, ...previous]);
      } finally {
        if (!committed) fs.rmSync(weightsFile, { force: true });
      }
      syncDir(dir);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** A weights file that model.json names is gone: removed by a save that ran while this load read model.json. */
class WeightsGone extends Error {}

/** How often a load reads model.json again when a save removed the weights it named meanwhile (each try is a whole save behind). */
const LOAD_TRIES = 5;

function loadHandler(url: string): tf.io.IOHandler {
  let file = localPath(url);
  return {
    async load(): Promise<Artifacts> {
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "model.json");
      for (let tries = 1; ; tries++) {
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${url}: '${file}' does not exist; expected the model.json written by model.save('file://DIR')`);
          throw new Error(`${file}: cannot be read (${(e as Error).message})`);
        }
        try {
          return await loadFrom(file, text);
        } catch (e) {
          if (!(e instanceof WeightsGone)) throw e;
          let now: string | undefined;
          try {
            now = fs.readFileSync(file, "utf8");
          } catch {
            now = undefined;
          }
          // The same model.json still names a missing file: the folder is damaged, not being saved into.
          if (now === undefined || now === text || tries >= LOAD_TRIES) throw new Error(e.message);
        }
      }
    },
  };
}

/** The model in model.json `file` whose text is `text`, with its weights; WeightsGone when a weights file is missing. */
async function loadFrom(file: string, text: string): Promise<Artifacts> {
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); expected the model.json written by model.save('file://DIR')`);
  }
  if (!modelJson || typeof modelJson !== "object" || !modelJson.modelTopology) {
    throw new Error(`${file}: no 'modelTopology'; expected the model.json written by model.save('file://DIR')`);
  }
  // Without a manifest tfjs would build the model with fresh random weights and say nothing.
  const groups = modelJson.weightsManifest as unknown;
  if (!Array.isArray(groups) || groups.some((g) => !g || !Array.isArray(g.paths) || !Array.isArray(g.weights) || g.paths.some((p: unknown) => typeof p !== "string"))) {
    throw new Error(`${file}: no valid 'weightsManifest' (expected [{ "paths": ["./${LEGACY_WEIGHTS_FILE}"], "weights": [...] }]), so the weights cannot be found`);
  }
  for (const g of groups as tf.io.WeightsManifestConfig) for (const spec of g.weights) checkSpec(file, spec);
  const dir = path.dirname(file);
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      let expected: number | undefined = 0;
      for (const spec of group.weights) {
        const b = bytesOf(spec);
        expected = expected === undefined || b === undefined ? undefined : expected + b;
      }
      let read = 0;
      for (const p of group.paths) {
        const weightsFile = path.join(dir, p);
        let buf: Buffer;
        try {
          buf = fs.readFileSync(weightsFile);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new WeightsGone(`${file}: its weights file '${weightsFile}' does not exist`);
          throw e;
        }
        read += buf.length;
        buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
      }
      if (expected !== undefined && read !== expected) {
        throw new Error(`${file}: weights file(s) ${group.paths.join(", ")} hold ${read} bytes; the manifest's ${group.weights.length} weights need ${expected} (truncated, or from another model?)`);
      }
      specs.push(...group.weights);
    }
    const data = tf.io.concatenateArrayBuffers(buffers);
    checkFinite(file, manifest.flatMap((g) => g.paths).join(", "), specs, data);
    return [specs, data];
  });
}

/** The folder lessons save trained models into: RNNLAB_MODELS, else build/models in the project. */
export function savedModelsDir(): string {
  return modelsDir();
}

/**
 * A file:// URL for a model named `name` in savedModelsDir(), whatever the notebook's working directory:
 * `await model.save(rl.savedModelUrl("06_lecture_lstm"))`, later `await tf.loadLayersModel(rl.savedModelUrl("06_lecture_lstm"))`.
 */
export function savedModelUrl(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`savedModelUrl: '${name}' is not a plain folder name (letters, digits, '.', '_', '-')`);
  return SCHEME + path.join(savedModelsDir(), name);
}

function urlFor(where: string): string {
  return where.includes("://") ? where : savedModelUrl(where);
}

/**
 * Saves a model with its optimizer's state (so training can resume) to `where`: a name in savedModelsDir() or any
 * URL tfjs understands. Same files as `model.save(url, { includeOptimizer: true })`, minus the scalar tensor tfjs
 * 4.22 leaves behind on every such save (Adam's iteration count, never disposed). Returns the URL.
 */
export async function saveModel(model: tf.LayersModel, where: string, opts: { includeOptimizer?: boolean } = {}): Promise<string> {
  const url = urlFor(where);
  const engine = tf.engine();
  engine.startScope();
  try {
    // rnnlab's own handler for file:// on every backend (tfjs-node's writes in place): the save is atomic.
    await model.save(url.startsWith(SCHEME) ? saveHandler(url) : url, { includeOptimizer: opts.includeOptimizer ?? true });
  } finally {
    engine.endScope(); // disposes what the save created and did not keep; the model's weights are variables, untouched
  }
  return url;
}

/**
 * Loads a model saved by saveModel (a name in savedModelsDir()) or by model.save (its URL). The model owns the
 * optimizer it was saved with, so `model.dispose()` frees both (tf.loadLayersModel's model leaves its optimizer).
 */
export async function loadModel(where: string): Promise<tf.LayersModel> {
  const url = urlFor(where);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(url.startsWith(SCHEME) ? loadHandler(url) : url);
  } catch (e) {
    // tfjs's own errors (a weight's shape that the topology disagrees with, a broken layer config) do not say which
    // model they are about.
    const message = e instanceof Error ? e.message : String(e);
    const dir = localPath(url);
    throw new Error(message.includes(dir) ? message : `${url}: cannot load the model (${message})`);
  }
  return ownOptimizer(model);
}

let registered = false;

/** Registers the file:// save and load handlers (done once, when rnnlab is imported). */
export function registerFileHandlers(): void {
  if (registered) return;
  registered = true;
  // A router answers null for URLs it does not handle (tfjs's own routers do the same; its type says otherwise).
  const none = null as unknown as tf.io.IOHandler;
  tf.io.registerSaveRouter((url) => (ours(url) ? saveHandler(url) : none));
  tf.io.registerLoadRouter((url) => (ours(url) ? loadHandler(url) : none));
}

registerFileHandlers();
