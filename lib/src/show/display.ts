// Display: show rich output in a notebook (tslab's kernel or Deno's: show/kernel.ts decides which and how), and
// fall back to plain text (and files) in a script.
import { insideTslab, kernelWriter } from "./kernel";

type Bytes = Uint8Array;

/** A Jupyter MIME bundle: several representations of one output; the front end picks the richest it can show. */
export type MimeBundle = Record<string, string>;

/**
 * zeromq 6 refuses a second send on a socket while the first is still in flight ("Socket is busy writing", EBUSY),
 * and tslab sends without waiting: a display update racing tslab's own status message killed the kernel during
 * long training cells. Queueing each socket's sends (same order, one at a time) removes the race. Applied once,
 * to the zeromq module that tslab itself uses; returns false where zeromq is not installed.
 */
export function serializeZmqSends(): boolean {
  let zmq: { Publisher?: { prototype: object } };
  try {
    zmq = require("zeromq");
  } catch {
    return false;
  }
  let proto = zmq.Publisher?.prototype as Record<string, unknown> | null;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, "send")) proto = Object.getPrototypeOf(proto);
  if (!proto) return false;
  const original = proto.send as ((this: object, msg: unknown) => Promise<void>) & { rnnlabQueued?: boolean };
  if (original.rnnlabQueued) return true;
  const queue = new WeakMap<object, Promise<void>>();
  const queued = function (this: object, msg: unknown): Promise<void> {
    const previous = queue.get(this) ?? Promise.resolve();
    const sent = previous.then(() => original.call(this, msg));
    queue.set(
      this,
      sent.catch(() => undefined),
    );
    return sent;
  };
  (queued as typeof original).rnnlabQueued = true;
  // zeromq defines send read-only but configurable: redefine it rather than assign it.
  Object.defineProperty(proto, "send", { value: queued, writable: false, enumerable: false, configurable: true });
  return true;
}

// Inside a tslab kernel (its jupyter module is loaded before any cell runs), make its sends safe at once.
if (insideTslab()) serializeZmqSends();

/** True inside a running notebook kernel (tslab or Deno), where rich output (images, updating displays) works. */
export function inNotebook(): boolean {
  return kernelWriter() !== null;
}

let displayCounter = 0;

/** Sends a bundle to the notebook (returns true), or does nothing outside one (returns false). */
export function publish(bundle: MimeBundle, displayId?: string, update = false): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
  return true;
}

/** A place in the notebook that can be overwritten: live progress uses it. */
export interface LiveOutput {
  update(text: string, html?: string): void;
}

/** One output updated in place in a notebook; outside, each update is a plain line on stdout. */
export function liveOutput(): LiveOutput {
  if (inNotebook()) {
    const id = `rnnlab-${process.pid}-${++displayCounter}`;
    let shown = false;
    return {
      update(text: string, html?: string) {
        const bundle: MimeBundle = { "text/plain": text };
        if (html) bundle["text/html"] = html;
        publish(bundle, id, shown);
        shown = true;
      },
    };
  }
  return {
    update(text: string) {
      console.log(text);
    },
  };
}

/** Shows a PNG image inline in a notebook (with alt text for consoles); outside one, prints the text. */
export function showPng(png: Bytes, altText: string): void {
  const b64 = Buffer.from(png).toString("base64");
  if (!publish({ "image/png": b64, "text/plain": altText })) console.log(altText);
}

/** Shows HTML in a notebook, or the plain-text form outside. */
export function showHtml(html: string, text: string): void {
  if (!publish({ "text/html": html, "text/plain": text })) console.log(text);
}

/** Shows Markdown in a notebook, or the same text outside. */
export function showMarkdown(md: string): void {
  if (!publish({ "text/markdown": md, "text/plain": md })) console.log(md);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function formatCell(v: unknown, digits: number): string {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    return v.toFixed(digits);
  }
  return String(v ?? "");
}

/** Renders rows as an aligned plain-text table (used outside notebooks and in tests). */
export function textTable(rows: Record<string, unknown>[], digits = 4): string {
  if (rows.length === 0) return "(no rows)";
  const cols = Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c], digits)));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(width[i])).join("  ");
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Renders rows as an HTML table. */
export function htmlTable(rows: Record<string, unknown>[], digits = 4): string {
  if (rows.length === 0) return "<p>(no rows)</p>";
  const cols = Object.keys(rows[0]);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td style="text-align:right">${escapeHtml(formatCell(r[c], digits))}</td>`).join("")}</tr>`)
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Shows a table of rows (objects with the same keys): HTML in a notebook, aligned text elsewhere. */
export function showTable(rows: Record<string, unknown>[], opts: { digits?: number; title?: string } = {}): void {
  const digits = opts.digits ?? 4;
  const title = opts.title ? `${opts.title}\n` : "";
  const htmlTitle = opts.title ? `<p><b>${escapeHtml(opts.title)}</b></p>` : "";
  showHtml(htmlTitle + htmlTable(rows, digits), title + textTable(rows, digits));
}
