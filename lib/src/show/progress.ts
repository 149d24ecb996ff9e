// Training feedback: one output updated in place in a notebook (epoch, batch, loss, accuracy, time), and one
// plain line per epoch outside a notebook — never thousands of lines of a terminal bar.
import { liveOutput, LiveOutput, htmlTable, inNotebook } from "./display";

export interface ProgressOptions {
  name?: string;
  epochs: number;
  batchesPerEpoch: number;
  /** Minimum milliseconds between in-place updates inside an epoch. */
  intervalMs?: number;
}

function fmt(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

function bar(fraction: number, width = 24): string {
  const n = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return "[" + "=".repeat(n) + (n < width ? ">" : "") + " ".repeat(Math.max(0, width - n - 1)) + "]";
}

const MAX_ROWS = 12;

/** Live training progress. Call epochStart / batchEnd / epochEnd from a training loop or tf callbacks. */
export class TrainingProgress {
  private readonly out: LiveOutput;
  private readonly rows: Record<string, unknown>[] = [];
  private readonly name: string;
  private readonly started = Date.now();
  private epochStarted = Date.now();
  private lastUpdate = 0;
  private epoch = 0;
  private readonly notebook: boolean;

  constructor(private readonly opts: ProgressOptions) {
    this.name = opts.name ?? "model";
    this.notebook = inNotebook();
    this.out = liveOutput();
  }

  epochStart(epoch: number): void {
    this.epoch = epoch;
    this.epochStarted = Date.now();
  }

  batchEnd(batch: number, logs: Record<string, number> = {}): void {
    if (!this.notebook) return; // outside a notebook only whole epochs are reported
    const now = Date.now();
    if (now - this.lastUpdate < (this.opts.intervalMs ?? 500)) return;
    this.lastUpdate = now;
    const frac = (batch + 1) / this.opts.batchesPerEpoch;
    const metrics = Object.entries(logs)
      .filter(([k]) => k !== "batch" && k !== "size")
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join("  ");
    const line = `${this.name}: epoch ${this.epoch + 1}/${this.opts.epochs} ${bar(frac)} batch ${batch + 1}/${this.opts.batchesPerEpoch}  ${metrics}  ${((now - this.epochStarted) / 1000).toFixed(1)} s`;
    this.render(line);
  }

  epochEnd(epoch: number, logs: Record<string, number> = {}): void {
    const seconds = (Date.now() - this.epochStarted) / 1000;
    const row: Record<string, unknown> = { epoch: epoch + 1 };
    for (const [k, v] of Object.entries(logs)) row[k] = v;
    row.seconds = Number(seconds.toFixed(1));
    this.rows.push(row);
    const metrics = Object.entries(logs)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join("  ");
    const line = `${this.name}: epoch ${epoch + 1}/${this.opts.epochs}  ${metrics}  ${seconds.toFixed(1)} s`;
    if (!this.notebook) this.out.update(line);
    // Tiny models run hundreds of epochs a second: the display is redrawn at most every interval, and at the end.
    else if (Date.now() - this.lastUpdate >= (this.opts.intervalMs ?? 500) || epoch + 1 >= this.opts.epochs) {
      this.lastUpdate = Date.now();
      this.render(line);
    }
  }

  finish(extra = ""): void {
    const total = (Date.now() - this.started) / 1000;
    const line = `${this.name}: done, ${this.rows.length} epoch(s) in ${total.toFixed(1)} s${extra ? "; " + extra : ""}`;
    if (this.notebook) this.render(line);
    else this.out.update(line);
  }

  /** The run ended early (an Interrupt): the same display, with where it stopped. */
  stopped(where: string): void {
    const total = (Date.now() - this.started) / 1000;
    const line = `${this.name}: ${where}; ${this.rows.length} epoch(s) finished in ${total.toFixed(1)} s`;
    if (this.notebook) this.render(line);
    else this.out.update(line);
  }

  private render(status: string): void {
    // A long run keeps the live table short: the last epochs are what one watches.
    const shown = this.rows.slice(-MAX_ROWS);
    const hidden = this.rows.length - shown.length;
    const note = hidden > 0 ? `(${hidden} earlier epoch${hidden > 1 ? "s" : ""} not shown)` : "";
    const text = [status, ...(note ? [note] : []), ...shown.map((r) => Object.entries(r).map(([k, v]) => `${k} ${k === "seconds" ? Number(v).toFixed(1) : typeof v === "number" ? fmt(v) : v}`).join("  "))].join("\n");
    // pre-wrap: a status longer than the output's width wraps at a space instead of running past the page's edge.
    const html = `<div style="font-family:monospace;white-space:pre-wrap;overflow-wrap:anywhere">${status.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</div>${note ? `<div>${note}</div>` : ""}${shown.length ? htmlTable(shown) : ""}`;
    this.out.update(text, html);
  }
}
