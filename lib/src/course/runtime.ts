// Runtime: choose the best TensorFlow.js backend that is present here, and say which in one line.
import * as tf from "@tensorflow/tfjs";
import { backendSetting, childEnv, libraryPathDirs, parseBackend, quietTensorflowLogs, webgpuSoftwareSetting } from "../config";
import { BACKEND_ORDER, BackendKind, TF_BACKEND_NAME } from "./vocabulary";
import { useFastWasmMatMul } from "../fast/matmul";
import { useFastWasmGather } from "../fast/gather";
import { kernelPathLine } from "../fast/layers";

export { tf };

export { BACKEND_ORDER, BACKENDS } from "./vocabulary";
export type { BackendKind } from "./vocabulary";

const TF_NAME = TF_BACKEND_NAME;

export interface BackendAttempt {
  kind: BackendKind;
  ok: boolean;
  /** One line: why it was skipped, or what was loaded. */
  reason: string;
}

export interface RuntimeInfo {
  backend: BackendKind;
  tfBackend: string;
  versions: Record<string, string>;
  attempts: BackendAttempt[];
  /** The one line shown to the user. */
  line: string;
}

/** How to load one backend; throws with a short reason when it is not usable here. */
export type BackendLoader = (kind: BackendKind) => Promise<string | void>;

export interface ChooseOptions {
  /** Force one backend (also RNNLAB_BACKEND). A forced backend that fails is an error, not a fallback. */
  force?: string;
  /** Which kinds to try; defaults to BACKEND_ORDER. */
  order?: BackendKind[];
  /** Injected for tests; defaults to loading the real packages. */
  load?: BackendLoader;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split("\n").find((l) => l.trim() !== "") ?? "failed";
  return line.length > 160 ? line.slice(0, 157) + "..." : line;
}

function moduleMissing(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "MODULE_NOT_FOUND" && String(err.message).includes(`'${pkg}'`);
}

function pkgVersion(pkg: string): string | undefined {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return undefined;
  }
}

async function loadNative(pkg: string): Promise<string> {
  // libtensorflow's C++ start-up logging is noise in a notebook.
  quietTensorflowLogs();
  try {
    require(pkg);
  } catch (e) {
    if (moduleMissing(e, pkg)) throw new Error(`${pkg} is not installed`);
    if (/native addon module/.test(String((e as Error)?.message))) {
      throw new Error(`${pkg} is installed without its native addon (its install step could not download libtensorflow)`);
    }
    throw new Error(`${pkg} is installed but did not load (${firstLine(e)})`);
  }
  if (!(await tf.setBackend("tensorflow"))) throw new Error(`${pkg} loaded but its backend did not initialise`);
  if (pkg.endsWith("-gpu")) {
    const gpus = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (gpus === false) throw new Error(`${pkg} found no CUDA GPU`);
  }
  return `${pkg} ${pkgVersion(pkg) ?? "?"}`;
}

/** Where Dawn's Node binding is: the `webgpu` package's index is ESM-only, so its CommonJS native module is loaded directly. */
function dawnFile(): string {
  let dir: string;
  try {
    dir = require("path").dirname(require.resolve("webgpu/package.json"));
  } catch {
    throw new Error("the 'webgpu' package (Dawn for Node) is not installed");
  }
  const arch = process.platform === "darwin" ? "universal" : process.arch;
  const file = require("path").join(dir, "dist", `${process.platform}-${arch}`, "dawn.node");
  if (!require("fs").existsSync(file)) throw new Error(`webgpu has no prebuilt Dawn for ${process.platform}-${arch}`);
  return file;
}

function loadDawn(file: string): { create: (opts: string[]) => unknown; globals: Record<string, unknown> } {
  try {
    return require(file);
  } catch (e) {
    throw new Error(`Dawn did not load (${firstLine(e)})`);
  }
}

/**
 * The GPU adapter's name, asked for in a child process: Dawn and the Vulkan drivers write their complaints (no
 * adapter, a missing feature, no display) straight to the process's stderr, which in a notebook would land in the
 * first cell on every machine that has Vulkan but no usable GPU; and a driver that crashes takes only the child
 * down. Throws the reason when there is no adapter.
 */
function probeAdapter(file: string): string {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const code = `const d = require(${JSON.stringify(file)}); Object.assign(globalThis, d.globals);
    const say = (k, v) => { process.stdout.write(k + " " + JSON.stringify(v) + "\\n"); process.exit(0); };
    d.create([]).requestAdapter({ powerPreference: "high-performance" }).then(
      (a) => { const i = (a && a.info) || {}; say("RNNLAB_ADAPTER", a ? [i.vendor, i.architecture, i.device || i.description].filter(Boolean).join(" ") || "a GPU adapter" : null); },
      (e) => say("RNNLAB_ADAPTER_ERROR", String((e && e.message) || e)));`;
  const r = spawnSync(process.execPath, ["-e", code], {
    encoding: "utf8",
    timeout: 60000,
    env: childEnv(),
  });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("RNNLAB_ADAPTER"));
  const stderr = (r.stderr ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  if (!line) {
    const how = r.error ? r.error.message : r.signal ? `was killed (${r.signal})` : `exited with code ${r.status}`;
    throw new Error(`Dawn's adapter probe ${how}${stderr.length ? `: ${stderr[stderr.length - 1]}` : ""}`);
  }
  const [key, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
  const value = JSON.parse(json) as string | null;
  if (key === "RNNLAB_ADAPTER_ERROR") throw new Error(`Dawn could not ask for an adapter (${value})`);
  if (value === null) {
    // Dawn names why it passed over an adapter ("Vulkan ... required"): the most useful line to show.
    const hint = stderr.find((l) => /required|not supported|unsupported/i.test(l) && !/^-|^at /.test(l));
    throw new Error(`Dawn found no GPU adapter${hint ? ` (${hint.replace(/^Warning:\s*/, "")})` : ""}`);
  }
  return value;
}

/** On Linux Dawn reaches an NVIDIA/AMD GPU through Vulkan; without the loader it would only print a warning. */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== "linux") return true;
  const fs = require("fs") as typeof import("fs");
  const dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib"];
  dirs.push(...libraryPathDirs());
  return dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
}

/** A backend's synchronous read, as tfjs-backend-webgpu defines it. */
export interface SyncReader {
  readSync(dataId: object): unknown;
}

export const SYNC_READ_MESSAGE =
  "dataSync()/arraySync() cannot read a tensor back from the GPU in Node.js: WebGPU has no synchronous read-back " +
  "here. Use `await t.data()` or `await t.array()` (rnnlab's own helpers already do).";

/**
 * tfjs-backend-webgpu reads synchronously through a browser's OffscreenCanvas, which Node.js lacks: without this a
 * dataSync() fails deep inside the backend with "OffscreenCanvas is not defined". Reads of values that are already
 * on the CPU still work; only a GPU read-back gets the clear error.
 */
export function guardSyncReads(backend: SyncReader): void {
  const original = backend.readSync;
  if ((original as { rnnlabGuarded?: boolean }).rnnlabGuarded) return;
  const guarded = function (this: SyncReader, dataId: object): unknown {
    try {
      return original.call(this, dataId);
    } catch (e) {
      if (e instanceof ReferenceError && /OffscreenCanvas/.test(e.message)) throw new Error(SYNC_READ_MESSAGE);
      throw e;
    }
  };
  (guarded as { rnnlabGuarded?: boolean }).rnnlabGuarded = true;
  backend.readSync = guarded;
}

async function loadWebgpu(): Promise<string> {
  const file = dawnFile();
  if (!vulkanLoaderPresent()) throw new Error("no Vulkan loader (libvulkan.so.1), so Dawn cannot reach a GPU");
  const name = probeAdapter(file);
  // A software adapter (Mesa's lavapipe, SwiftShader) runs WebGPU on the CPU, far slower than wasm: never chosen,
  // except with RNNLAB_WEBGPU_SOFTWARE=1, which lets a machine without a GPU test the WebGPU code path.
  if (/swiftshader|llvmpipe|lavapipe|software/i.test(name) && !webgpuSoftwareSetting()) {
    throw new Error(`Dawn found only a software adapter (${name}); RNNLAB_WEBGPU_SOFTWARE=1 allows it, for tests`);
  }
  const dawn = loadDawn(file);
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, dawn.globals);
  // tfjs-backend-webgpu asks navigator.gpu for its own adapter and device.
  const gpu = dawn.create([]);
  if (!g.navigator) g.navigator = {};
  (g.navigator as Record<string, unknown>).gpu = gpu;
  try {
    require("@tensorflow/tfjs-backend-webgpu");
  } catch (e) {
    if (moduleMissing(e, "@tensorflow/tfjs-backend-webgpu")) throw new Error("@tensorflow/tfjs-backend-webgpu is not installed");
    throw new Error(`@tensorflow/tfjs-backend-webgpu did not load (${firstLine(e)})`);
  }
  if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend did not initialise");
  guardSyncReads(tf.backend() as unknown as SyncReader);
  return `@tensorflow/tfjs-backend-webgpu ${pkgVersion("@tensorflow/tfjs-backend-webgpu") ?? "?"} on ${name || "a GPU adapter"} (Dawn ${pkgVersion("webgpu") ?? "?"})`;
}

async function loadWasm(): Promise<string> {
  try {
    require("@tensorflow/tfjs-backend-wasm");
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-backend-wasm did not load (${firstLine(e)})`);
  }
  useFastWasmMatMul(); // products with a transposed operand (every Dense layer's backward pass) on the fast path
  useFastWasmGather(); // model.fit's batches taken out of the data slice by slice, not element by element
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise");
  return `@tensorflow/tfjs-backend-wasm ${pkgVersion("@tensorflow/tfjs-backend-wasm") ?? "?"}`;
}

/** Loads the real package behind a backend kind. */
export const defaultLoader: BackendLoader = async (kind) => {
  switch (kind) {
    case "tfjs-node-gpu":
      return loadNative("@tensorflow/tfjs-node-gpu");
    case "tfjs-node":
      return loadNative("@tensorflow/tfjs-node");
    case "webgpu":
      return loadWebgpu();
    case "wasm":
      return loadWasm();
    case "cpu":
      if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not initialise");
      return "@tensorflow/tfjs-backend-cpu (plain JavaScript)";
  }
};

function parseForced(force: string): BackendKind {
  return parseBackend(force);
}

/**
 * Tries each backend in order and keeps the first that works. Every skipped backend gets a one-line reason.
 * Pure in its inputs (the loader is injected), so the choice logic is tested without the packages.
 */
export async function chooseBackend(opts: ChooseOptions = {}): Promise<{ chosen: BackendKind; attempts: BackendAttempt[] }> {
  const load = opts.load ?? defaultLoader;
  const force = opts.force ?? backendSetting();
  const attempts: BackendAttempt[] = [];
  if (force) {
    const kind = parseForced(force);
    try {
      const what = await load(kind);
      attempts.push({ kind, ok: true, reason: `${what || kind} (forced by RNNLAB_BACKEND)` });
      return { chosen: kind, attempts };
    } catch (e) {
      throw new Error(`backend '${kind}' was asked for (RNNLAB_BACKEND) but cannot be used: ${firstLine(e)}`);
    }
  }
  for (const kind of opts.order ?? BACKEND_ORDER) {
    try {
      const what = await load(kind);
      attempts.push({ kind, ok: true, reason: what || kind });
      return { chosen: kind, attempts };
    } catch (e) {
      attempts.push({ kind, ok: false, reason: firstLine(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend could be used: ${attempts.map((a) => `${a.kind}: ${a.reason}`).join("; ")}`);
}

let current: RuntimeInfo | undefined;

export interface InitOptions extends ChooseOptions {
  /** Print the chosen backend line (default true). */
  verbose?: boolean;
}

/**
 * Picks and activates the backend; call once at the top of a notebook. Prints one line saying what was chosen,
 * and one line for each backend that was skipped, with its reason. Calling it again returns the same choice.
 */
export async function initRuntime(opts: InitOptions = {}): Promise<RuntimeInfo> {
  const wanted = opts.force ?? backendSetting();
  if (current && (!wanted || parseForced(wanted) === current.backend) && !opts.load) {
    // Re-running a notebook's first cell says again what it runs on, without trying the backends again.
    if (tf.getBackend() !== current.tfBackend) await tf.setBackend(current.tfBackend);
    if (opts.verbose ?? true) console.log(current.line);
    return current;
  }
  // TensorFlow.js's "install tfjs-node" banner says nothing the line below doesn't.
  tf.env().set("PROD", true);
  const { chosen, attempts } = await chooseBackend(opts);
  await tf.ready();
  const versions: Record<string, string> = {
    node: process.versions.node,
    tfjs: tf.version.tfjs,
  };
  const chosenAttempt = attempts[attempts.length - 1];
  const skipped = attempts.filter((a) => !a.ok);
  const line = `rnnlab backend: ${chosen} — ${chosenAttempt.reason}; tfjs ${tf.version.tfjs}, node ${process.versions.node}; ${kernelPathLine(TF_NAME[chosen])}`;
  current = { backend: chosen, tfBackend: TF_NAME[chosen], versions, attempts, line };
  if (opts.verbose ?? true) {
    console.log(line);
    for (const s of skipped) console.log(`  skipped ${s.kind}: ${s.reason}`);
  }
  return current;
}

/** What initRuntime chose, or undefined before it ran. */
export function runtimeInfo(): RuntimeInfo | undefined {
  return current;
}
