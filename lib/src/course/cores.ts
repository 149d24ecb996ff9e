// Sharing the cores between rnnlab kernels that train at the same time on one machine: two notebooks training at
// once, or `npm run notebooks` running two lessons at a time.
//
// The native recurrent passes split each batch for every core (RNNLAB_NATIVE_THREADS). Two kernels doing so on the
// same cores take turns on them, and both train slower than with one thread each. So while rl.fit trains, its
// process leaves a file named after its process id in a folder that every kernel of the same user sees, and about once
// a second counts the live ones: with n kernels training, the passes run on max(1, floor(threads / n)) threads at
// once. How the work is split stays what RNNLAB_NATIVE_THREADS makes it, so no number changes (native/src/rnn.cc).
// RNNLAB_SHARE_CORES=0 turns this off.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { shareCoresSetting } from "../config";
import { limitNativeThreads, nativeKernelInfo, recurrentKernelPath } from "../fast/layers";

let folderOverride: string | undefined;

/** The folder where training kernels leave their files (tests may point it elsewhere). */
export function trainersFolder(): string {
  if (folderOverride) return folderOverride;
  const uid = typeof process.getuid === "function" ? String(process.getuid()) : os.userInfo().username;
  return path.join(os.tmpdir(), `rnnlab-training-${uid}`);
}

/** Tests: use this folder instead of the one in the system's temporary folder (undefined: back to it). */
export function useTrainersFolder(folder: string | undefined): void {
  folderOverride = folder;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** How many processes are training now (this one included when it is), removing the files of processes gone. */
export function liveTrainers(folder = trainersFolder()): number {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    if (alive(Number(name))) n++;
    else fs.rmSync(path.join(folder, name), { force: true });
  }
  return n;
}

/** Threads at once for one of n training kernels, out of `threads`: 0 (no limit) when it trains alone. */
export function sharedThreads(threads: number, trainers: number): number {
  return trainers > 1 ? Math.max(1, Math.floor(threads / trainers)) : 0;
}

let holders = 0;
let ownFile: string | undefined;
let lastCheck = 0;

function removeOwnFile(): void {
  if (ownFile) fs.rmSync(ownFile, { force: true });
  ownFile = undefined;
}

/**
 * Checks who else trains (at most once a second unless forced) and limits this kernel's native threads to its share;
 * rl.fit calls it after every batch, so between checks it only reads the clock.
 */
export function updateShare(force = false): void {
  if (!ownFile) return;
  const now = Date.now();
  if (!force && now - lastCheck < 1000) return;
  lastCheck = now;
  limitNativeThreads(sharedThreads(nativeKernelInfo().threads ?? 1, liveTrainers(path.dirname(ownFile))));
}

/**
 * Marks this process as training until the returned function is called, and takes its share of the cores now;
 * rl.fit calls updateShare() as it trains. Does nothing when RNNLAB_SHARE_CORES=0 or the native passes are not in use.
 */
export function shareCores(): () => void {
  if (!shareCoresSetting() || recurrentKernelPath() !== "native") return () => undefined;
  if (holders++ === 0) {
    const folder = trainersFolder();
    try {
      fs.mkdirSync(folder, { recursive: true });
      ownFile = path.join(folder, String(process.pid));
      fs.writeFileSync(ownFile, "");
    } catch {
      ownFile = undefined; // an unwritable temporary folder: train on every thread, as without sharing
    }
    updateShare(true);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      removeOwnFile();
      limitNativeThreads(0);
    }
  };
}

process.on("exit", removeOwnFile);
