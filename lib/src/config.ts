// Settings: every RNNLAB_* environment variable the library and the runners (scripts/) obey, read and checked here
// and nowhere else. Each getter reads the environment when it is called, so a value set at run time (a test, a
// notebook cell) counts from the next call. A value that is not one of the valid ones is an error that lists them;
// names are compared without regard to case or surrounding spaces, so RNNLAB_PROFILE=Quick is the quick profile.
//
//   RNNLAB_PROFILE          full (default) | quick: the lessons' sizes (course/profile.ts)
//   RNNLAB_BACKEND          force one TensorFlow.js backend (course/runtime.ts); unset: the best one present
//   RNNLAB_NATIVE           1 (default) | 0: rnnlab's kernels (native or WebAssembly) on or off at start
//   RNNLAB_KERNELS          auto (default) | native | wasm: which build of rnnlab's kernels loads (fast/layers.ts)
//   RNNLAB_WEBGPU_SOFTWARE  0 (default) | 1: let WebGPU run on a software adapter (for tests)
//   RNNLAB_DATASETS         the datasets folder (default: datasets/ in the project)
//   RNNLAB_MODELS           where lessons save models (default: build/models in the project)
//   RNNLAB_RESULTS          where recorded results go (default: build/results in the project)
//   RNNLAB_FIGURES          where figures go outside a notebook (default: build/figures under the current folder)
//   RNNLAB_NATIVE_THREADS   threads of the recurrent passes, native or WebAssembly: a whole number, or all (default: every core)
//   RNNLAB_SHARE_CORES      1 (default) | 0: rl.fit shares the cores with other rnnlab kernels training at the same time
import * as os from "os";
import * as path from "path";
import { BACKEND_ALIASES, BACKENDS, BackendKind } from "./course/vocabulary";

/** The project's root folder (the one holding lib/, datasets/, build/), found from this file (lib/dist/config.js). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The environment the settings are read from: process.env unless one is passed (the runners pass a child's). */
export type Env = Record<string, string | undefined>;

/** A setting whose value is not one of the valid ones. */
export class SettingError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly valid: readonly string[],
    what: string
  ) {
    super(`${variable}='${value}' is not ${what}; expected one of ${valid.join(", ")}`);
    this.name = "SettingError";
  }
}

function raw(name: string, env: Env): string | undefined {
  return env[name];
}

/** A value set to something other than blank, trimmed; undefined when unset or blank. */
function given(name: string, env: Env): string | undefined {
  const v = raw(name, env)?.trim();
  return v ? v : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Choices

export const PROFILES = ["full", "quick"] as const;
export type ProfileName = (typeof PROFILES)[number];

/** Reads a profile name, in any case: 'Quick' is 'quick'; blank or unset is 'full'. */
export function parseProfile(value: string | undefined, variable = "RNNLAB_PROFILE"): ProfileName {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "") return "full";
  if ((PROFILES as readonly string[]).includes(v)) return v as ProfileName;
  throw new SettingError(variable, value ?? "", PROFILES, "a profile");
}

/** RNNLAB_PROFILE: 'full' (default) or 'quick'. */
export function profileSetting(env: Env = process.env): ProfileName {
  return parseProfile(raw("RNNLAB_PROFILE", env));
}

/** Reads a backend name, in any case, or one of its aliases (node, tensorflow, gpu, node-gpu). */
export function parseBackend(value: string, variable = "RNNLAB_BACKEND"): BackendKind {
  const v = value.trim().toLowerCase();
  const kind = (BACKEND_ALIASES[v] ?? v) as BackendKind;
  if (!BACKENDS.includes(kind)) throw new SettingError(variable, value, BACKENDS, "a backend rnnlab knows");
  return kind;
}

/** RNNLAB_BACKEND as it was written (undefined when unset or blank); parseBackend reads it. */
export function backendSetting(env: Env = process.env): string | undefined {
  return given("RNNLAB_BACKEND", env);
}

const ON = ["1", "on", "true", "yes"];
const OFF = ["0", "off", "false", "no"];

/** Reads an on/off switch: 1, on, true, yes or 0, off, false, no, in any case; blank or unset is the default. */
export function parseSwitch(value: string | undefined, variable: string, byDefault: boolean): boolean {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "") return byDefault;
  if (ON.includes(v)) return true;
  if (OFF.includes(v)) return false;
  throw new SettingError(variable, value ?? "", [...ON, ...OFF], "on or off");
}

/** RNNLAB_NATIVE: the native kernels on (default) or off (0) when the library starts. */
export function nativeSetting(env: Env = process.env): boolean {
  return parseSwitch(raw("RNNLAB_NATIVE", env), "RNNLAB_NATIVE", true);
}

export const KERNEL_BUILDS = ["auto", "native", "wasm"] as const;
export type KernelBuildSetting = (typeof KERNEL_BUILDS)[number];

/**
 * RNNLAB_KERNELS: which build of rnnlab's kernels fast/layers.ts loads. auto (default): the Node addon where it is
 * built, else the WebAssembly module; native: the addon only; wasm: the WebAssembly module even where the addon is
 * built (to compare them, and to test the module on a machine that builds the addon).
 */
export function kernelsSetting(env: Env = process.env): KernelBuildSetting {
  const v = (raw("RNNLAB_KERNELS", env) ?? "").trim().toLowerCase();
  if (v === "") return "auto";
  if ((KERNEL_BUILDS as readonly string[]).includes(v)) return v as KernelBuildSetting;
  throw new SettingError("RNNLAB_KERNELS", raw("RNNLAB_KERNELS", env) ?? "", KERNEL_BUILDS, "a build of rnnlab's kernels");
}

/** The cores this process may use (os.availableParallelism where Node has it). */
export function coreCount(): number {
  const o = os as unknown as { availableParallelism?: () => number };
  return Math.max(1, o.availableParallelism ? o.availableParallelism() : os.cpus().length);
}

/**
 * RNNLAB_NATIVE_THREADS: how many threads the recurrent passes use, native or WebAssembly (a batch's rows are split
 * between them); a whole number, or `all` (the default): every core. Results do not depend on it beyond rounding.
 */
export function nativeThreadsSetting(env: Env = process.env): number {
  const value = given("RNNLAB_NATIVE_THREADS", env);
  if (value === undefined || value.toLowerCase() === "all") return coreCount();
  if (/^[0-9]+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new SettingError("RNNLAB_NATIVE_THREADS", raw("RNNLAB_NATIVE_THREADS", env) ?? "", ["a whole number of threads (1, 2, ...)", "all"], "a number of threads");
}

/**
 * RNNLAB_SHARE_CORES: while rl.fit trains, other rnnlab kernels training on the same machine at the same time share
 * the cores with it: the native passes then run on fewer threads at once, their results unchanged (default on;
 * course/cores.ts).
 */
export function shareCoresSetting(env: Env = process.env): boolean {
  return parseSwitch(raw("RNNLAB_SHARE_CORES", env), "RNNLAB_SHARE_CORES", true);
}

/** RNNLAB_WEBGPU_SOFTWARE: allow WebGPU on a software adapter (default off). */
export function webgpuSoftwareSetting(env: Env = process.env): boolean {
  return parseSwitch(raw("RNNLAB_WEBGPU_SOFTWARE", env), "RNNLAB_WEBGPU_SOFTWARE", false);
}

// ---------------------------------------------------------------------------------------------------------------
// Folders

/** RNNLAB_DATASETS, else the project's datasets/ folder (found from this file, not from the current folder). */
export function datasetsDir(env: Env = process.env): string {
  return given("RNNLAB_DATASETS", env) ?? path.join(PROJECT_ROOT, "datasets");
}

/** RNNLAB_MODELS, else build/models in the project. */
export function modelsDir(env: Env = process.env): string {
  return given("RNNLAB_MODELS", env) ?? path.join(PROJECT_ROOT, "build", "models");
}

/** RNNLAB_RESULTS, else build/results in the project. */
export function resultsDir(env: Env = process.env): string {
  return given("RNNLAB_RESULTS", env) ?? path.join(PROJECT_ROOT, "build", "results");
}

/** RNNLAB_FIGURES, else build/figures under the current folder. */
export function figuresDir(env: Env = process.env): string {
  return given("RNNLAB_FIGURES", env) ?? path.join(process.cwd(), "build", "figures");
}

// ---------------------------------------------------------------------------------------------------------------
// All at once

export interface Settings {
  profile: ProfileName;
  backend: BackendKind | undefined;
  native: boolean;
  kernels: KernelBuildSetting;
  nativeThreads: number;
  shareCores: boolean;
  webgpuSoftware: boolean;
  datasetsDir: string;
  modelsDir: string;
  resultsDir: string;
  figuresDir: string;
}

/** Every setting, read and checked now: the first invalid one throws. */
export function readSettings(env: Env = process.env): Settings {
  const backend = backendSetting(env);
  return {
    profile: profileSetting(env),
    backend: backend === undefined ? undefined : parseBackend(backend),
    native: nativeSetting(env),
    kernels: kernelsSetting(env),
    nativeThreads: nativeThreadsSetting(env),
    shareCores: shareCoresSetting(env),
    webgpuSoftware: webgpuSoftwareSetting(env),
    datasetsDir: datasetsDir(env),
    modelsDir: modelsDir(env),
    resultsDir: resultsDir(env),
    figuresDir: figuresDir(env),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The system's environment, where the runtime needs it

/** Keeps libtensorflow's C++ start-up logging quiet (TF_CPP_MIN_LOG_LEVEL=2) unless the user set a level. */
export function quietTensorflowLogs(env: Env = process.env): void {
  if (env.TF_CPP_MIN_LOG_LEVEL === undefined) env.TF_CPP_MIN_LOG_LEVEL = "2";
}

/** The folders of LD_LIBRARY_PATH. */
export function libraryPathDirs(env: Env = process.env): string[] {
  return (env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
}

/** This process's environment with extra variables, for a child process; XDG_RUNTIME_DIR defaults to the temp folder. */
export function childEnv(extra: Env = {}, env: Env = process.env): Env {
  return { ...env, XDG_RUNTIME_DIR: env.XDG_RUNTIME_DIR ?? require("os").tmpdir(), ...extra };
}
