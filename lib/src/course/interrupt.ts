// Stopping on Jupyter's Interrupt. The course's kernel (tslab, patched at install by patches/tslab+1.0.22.patch) does not
// abandon a running cell at once: it sets a stop request and gives the cell a moment to end by itself. Under Deno's
// kernel, rnnlab sets the same request itself while a run is in progress (listenForInterrupt, below). This module
// reads that request between batches: rl.fit, tfjs's model.fit, fitDataset and trainOnBatch stop there, the model
// keeps the weights it has, and the cell ends with one line ("Interrupted: ... stopped at epoch 3, batch 120 of
// 625; ..."). Loops of one's own call `await rl.checkStop(...)` once per step to get the same.
import * as tf from "@tensorflow/tfjs";
import type { FitResult } from "./train";

/** The kernel's stop request: set by Interrupt while a cell runs, cleared when the next cell starts. */
interface InterruptState {
  requested: boolean;
  /** How long the kernel waits for the cell to end by itself before abandoning it (ms). */
  graceMs: number;
}

const KEY = Symbol.for("tslab.interrupt");
const DEFAULT_GRACE_MS = 1000;
/** Longer gaps between two check points are not one step (the loop paused, or ended and another began). */
const MAX_STEP_MS = 15000;
const MAX_GRACE_MS = 3 * MAX_STEP_MS + 500;

function state(): InterruptState {
  const g = globalThis as unknown as Record<symbol, InterruptState | undefined>;
  return (g[KEY] ??= { requested: false, graceMs: DEFAULT_GRACE_MS });
}

/** True once Jupyter's Interrupt (or `requestStop`) asked the running cell to stop. */
export function stopRequested(): boolean {
  return state().requested === true;
}

/**
 * Asks the running code to stop at its next batch, as the kernel's Interrupt does (`false` withdraws the request).
 * For scripts and tests; in a notebook, use the Interrupt button (■).
 */
export function requestStop(on = true): void {
  state().requested = on;
}

/** A run that stopped because it was asked to. The kernel shows it as one line: "Interrupted: <message>". */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor(
    message: string,
    /** Where it stopped: epoch and batch are 1-based; batches is per epoch, when known. */
    readonly at: { epoch?: number; batch?: number; batches?: number; step?: number } = {},
    /** The per-epoch numbers of the epochs that finished before the stop. */
    readonly history: Record<string, number[]> = {},
  ) {
    super(message);
    // A stop is not a bug: a kernel that prints the stack (Deno's) shows this one line, as tslab does.
    this.stack = `${this.name}: ${message}`;
  }
  /** rl.fit's partial result (history of the finished epochs, time, speed), for runs of rl.fit. */
  result?: FitResult;
}

let last: Interrupted | undefined;

/** The last run stopped by an Interrupt in this kernel: where it stopped, the history of its finished epochs. */
export function lastInterrupted(): Interrupted | undefined {
  return last;
}

/** Records a stop and returns it, for `throw`. */
export function recordStop(e: Interrupted): Interrupted {
  last = e;
  signalSeen();
  if (denoStop) {
    // Deno's kernel has no next-cell hook to withdraw the request, as tslab's does: the stop it asked for is done.
    denoStop = false;
    state().requested = false;
  }
  return e;
}

// Deno's kernel. Jupyter's Interrupt is a SIGINT, which ends a Deno kernel (every variable gone). While a run that
// checks for stops is in progress (rl.fit, model.fit, fitDataset, trainOnBatch, rl.checkStop), rnnlab listens for it
// instead: the Interrupt asks the run to stop at its next batch, as under tslab. If the run has not stopped after
// the grace period, if a second Interrupt comes, or once nothing of rnnlab's runs, the listener is gone and the
// Interrupt ends the kernel as Deno does, after one line on stderr saying what that means.
let denoStop = false;
let graceTimer: ReturnType<typeof setTimeout> | undefined;
let denoListener: (() => void) | undefined;

interface DenoSignals {
  pid: number;
  jupyter?: unknown;
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  kill(pid: number, signal: string): void;
}

/** Deno's signal API inside Deno's Jupyter kernel; null elsewhere (tslab, Node.js, a Deno script). */
function denoKernel(): DenoSignals | null {
  const deno = (globalThis as unknown as { Deno?: DenoSignals }).Deno;
  return deno?.jupyter && typeof deno.addSignalListener === "function" ? deno : null;
}

/** The stop was seen by the run: no need to end the kernel. */
function signalSeen(): void {
  if (graceTimer !== undefined) clearTimeout(graceTimer);
  graceTimer = undefined;
}

/** What the learner reads when an Interrupt ends Deno's kernel. */
export const DENO_KERNEL_ENDS =
  "Interrupt: Deno's kernel ends here (nothing running stops at a batch): every variable is gone; run the notebook's cells again from the top";

/** Deno's kernel: from now until the run ends, an Interrupt asks it to stop instead of ending the kernel. */
function listenForInterrupt(): void {
  const deno = denoKernel();
  if (!deno || denoListener) return;
  const endKernel = () => {
    stopListening();
    console.error(DENO_KERNEL_ENDS);
    // A moment for the line to reach the notebook, then the Interrupt again, now with Deno's own handling.
    setTimeout(() => deno.kill(deno.pid, "SIGINT"), 300);
  };
  denoListener = () => {
    const s = state();
    const running = lastCheck > 0 && Date.now() - lastCheck < MAX_STEP_MS;
    if (!running || s.requested) return endKernel();
    s.requested = true;
    denoStop = true;
    graceTimer = setTimeout(() => {
      graceTimer = undefined;
      if (denoStop && state().requested) endKernel();
    }, s.graceMs);
  };
  deno.addSignalListener("SIGINT", denoListener);
}

/** The run ended: an Interrupt ends Deno's kernel again, as Deno does. */
function stopListening(): void {
  const deno = denoKernel();
  if (deno && denoListener) deno.removeSignalListener("SIGINT", denoListener);
  denoListener = undefined;
}

// Pacing: the kernel only sees Interrupt (a signal) when the event loop turns, and tfjs's training loops can run
// for seconds on promises that resolve at once. Each check point yields to the event loop every YIELD_MS, and
// tells the kernel how long a step takes, so the kernel waits for the step in progress to end.
const YIELD_MS = 20;
let lastYield = 0;
let lastCheck = 0;

async function pace(): Promise<void> {
  listenForInterrupt();
  const now = Date.now();
  const s = state();
  if (lastCheck > 0 && now - lastCheck < MAX_STEP_MS) {
    s.graceMs = Math.min(MAX_GRACE_MS, Math.max(DEFAULT_GRACE_MS, 3 * (now - lastCheck) + 500));
  }
  lastCheck = now;
  if (now - lastYield >= YIELD_MS) {
    // Two hops: an immediate queued from the event loop's poll phase runs before the next poll, where a signal is
    // read; the second is queued from the check phase, so the loop polls (and runs the kernel's SIGINT handler)
    // before it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastYield = Date.now();
  }
}

/** The start of a run that checks for stops: its first step is measured from here. */
function started(): void {
  listenForInterrupt();
  lastCheck = Date.now();
}

/** The end of a run that checked for stops: the next run's first step is not measured against this one. */
function done(): void {
  stopListening();
  lastCheck = 0;
  state().graceMs = DEFAULT_GRACE_MS;
}

/**
 * For a training loop of one's own: call once per step (`await rl.checkStop(\`iteration ${i} of ${n}\`)`). It lets
 * the kernel see an Interrupt, and once one came, throws `Interrupted` ("stopped at iteration 120 of 500").
 */
export async function checkStop(where: string | (() => string)): Promise<void> {
  await pace();
  if (stopRequested()) {
    done();
    throw recordStop(new Interrupted(`stopped at ${typeof where === "function" ? where() : where}; what the loop changed so far is kept`));
  }
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

/** Watches a fit or fitDataset: stops it after the batch in which a stop was requested. */
class StopWatch extends tf.Callback {
  epoch = 0;
  stoppedAt?: { epoch: number; batch: number };

  override async onTrainBegin(): Promise<void> {
    started();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    await pace();
    if (stopRequested() && this.model) {
      signalSeen();
      this.stoppedAt = { epoch: this.epoch, batch };
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    done();
  }

  /** Batches per epoch, where fit knows it. */
  batches(): number | undefined {
    const p = this.params as { samples?: number; batchSize?: number; steps?: number | null };
    if (p.steps) return p.steps;
    if (p.samples && p.batchSize) return Math.ceil(p.samples / p.batchSize);
    return undefined;
  }
}

type CallbackArg = tf.CustomCallbackArgs | tf.CustomCallbackArgs[] | tf.Callback | tf.Callback[] | undefined;

/** The caller's callbacks as tfjs would build them, plus the watch (tfjs takes objects only if all are). */
function withWatch(callbacks: CallbackArg, yieldEvery: unknown, watch: StopWatch): tf.Callback[] {
  const list = (callbacks == null ? [] : Array.isArray(callbacks) ? callbacks : [callbacks]) as unknown[];
  const objects = list.map((c) =>
    c && typeof (c as tf.Callback).setParams === "function" && typeof (c as tf.Callback).onBatchEnd === "function"
      ? (c as tf.Callback)
      : (new tf.CustomCallback(c as tf.CustomCallbackArgs, yieldEvery as tf.ModelFitArgs["yieldEvery"]) as unknown as tf.Callback),
  );
  return [...objects, watch];
}

/** Drops the partial epoch that tfjs records when training stops mid-epoch: history keeps finished epochs. */
function finishedEpochs(h: tf.History, partial: boolean): Record<string, number[]> {
  if (partial) {
    h.epoch.pop();
    for (const v of Object.values(h.history)) v.pop();
  }
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(h.history)) out[k] = v.map(Number);
  return out;
}

function fitStopped(what: string, watch: StopWatch, h: tf.History): Interrupted {
  const at = watch.stoppedAt!;
  const batches = watch.batches();
  const partial = batches === undefined || at.batch + 1 < batches;
  const history = finishedEpochs(h, partial);
  const finished = partial ? at.epoch : at.epoch + 1;
  const place = `epoch ${at.epoch + 1}, batch ${at.batch + 1}${batches ? ` of ${batches}` : ""}`;
  return recordStop(
    new Interrupted(
      `${what} stopped at ${place}; the model keeps its weights; ${plural(finished, "epoch")} finished (their history: rl.lastInterrupted().history)`,
      { epoch: at.epoch + 1, batch: at.batch + 1, batches },
      history,
    ),
  );
}

type ModelProto = {
  fit(this: tf.LayersModel, x: unknown, y: unknown, args?: tf.ModelFitArgs): Promise<tf.History>;
  fitDataset(this: tf.LayersModel, dataset: unknown, args: tf.ModelFitDatasetArgs<unknown>): Promise<tf.History>;
  trainOnBatch(this: tf.LayersModel, x: unknown, y: unknown): Promise<number | number[]>;
};

const steps = new WeakMap<object, number>();
const INSTALLED = Symbol.for("rnnlab.stopHooks");

/**
 * Makes tfjs's own training stop on Interrupt: model.fit and fitDataset stop after the batch in progress (the
 * model keeps its weights, the returned History keeps the finished epochs), and trainOnBatch refuses the next
 * step; each then throws `Interrupted`. Installed when rnnlab loads; a second call changes nothing.
 */
export function installStopHooks(): void {
  const proto = tf.LayersModel.prototype as unknown as ModelProto & Record<symbol, boolean>;
  if (proto[INSTALLED]) return;
  const { fit, fitDataset, trainOnBatch } = proto;
  proto.fit = async function (x, y, args = {}) {
    const watch = new StopWatch();
    const h = await fit.call(this, x, y, { ...args, callbacks: withWatch(args.callbacks as CallbackArg, args.yieldEvery, watch) });
    if (watch.stoppedAt) throw fitStopped("model.fit", watch, h);
    return h;
  };
  proto.fitDataset = async function (dataset, args) {
    const watch = new StopWatch();
    const h = await fitDataset.call(this, dataset, { ...args, callbacks: withWatch(args.callbacks as CallbackArg, args.yieldEvery, watch) });
    if (watch.stoppedAt) throw fitStopped("model.fitDataset", watch, h);
    return h;
  };
  proto.trainOnBatch = async function (x, y) {
    await pace();
    const n = steps.get(this) ?? 0;
    if (stopRequested()) {
      done();
      throw recordStop(new Interrupted(`trainOnBatch stopped before this model's step ${n + 1} (${n} done); the model keeps its weights`, { step: n + 1 }));
    }
    steps.set(this, n + 1);
    return trainOnBatch.call(this, x, y);
  };
  proto[INSTALLED] = true;
}

installStopHooks();
