// DataFrames in a notebook: an HTML table as pandas shows one in Jupyter (the index, the column names, each column's
// dtype, scrollable sideways when wide), with aligned plain text in the same MIME bundle for consoles and terminals.
// danfo's own `df.print()` draws a box of fixed-width text that wraps and cuts values in a notebook's output.
import { showHtml } from "./display";

/** What showFrame reads from a danfo DataFrame or Series (and from anything shaped like one). */
export interface FrameLike {
  columns: string[];
  index: (string | number)[];
  dtypes: string[];
  values: unknown[];
  shape: number[];
  head?(rows: number): FrameLike;
}

export interface FrameOptions {
  /** The first rows shown (default 10); the rest are counted below the table. */
  rows?: number;
  /** At most this many decimals for a float column (default 4); a column shows as many as its values need. */
  digits?: number;
}

/** The rows of a frame as shown: its index, column names, dtypes and formatted cells, and its full size. */
interface ShownFrame {
  columns: string[];
  dtypes: string[];
  index: string[];
  cells: string[][];
  /** Per column: align right (numbers) or left (text). */
  numeric: boolean[];
  totalRows: number;
}

function isFrameLike(df: unknown): df is FrameLike {
  const f = df as FrameLike;
  return !!f && Array.isArray(f.columns) && Array.isArray(f.values) && Array.isArray(f.shape);
}

/** The fewest decimals (at most `digits`) that write v as toFixed(digits) does. */
function decimalsOf(v: number, digits: number): number {
  const full = v.toFixed(digits);
  for (let d = 0; d < digits; d++) if (Number(v.toFixed(d)) === Number(full)) return d;
  return digits;
}

/** Very large or very small floats in exponent notation, as pandas does. */
function exponential(v: number): boolean {
  const a = Math.abs(v);
  return Number.isFinite(v) && a !== 0 && (a >= 1e15 || a < 1e-4);
}

function formatColumn(values: unknown[], digits: number): { cells: string[]; numeric: boolean } {
  const numbers = values.filter((v): v is number => typeof v === "number");
  const numeric = values.length > 0 && values.every((v) => typeof v === "number" || v === null || v === undefined);
  const finite = numbers.filter((v) => Number.isFinite(v) && !exponential(v));
  const decimals = finite.every(Number.isInteger) ? 0 : Math.max(0, ...finite.map((v) => decimalsOf(v, digits)));
  const cells = values.map((v) => {
    if (v === null || v === undefined) return numeric ? "NaN" : "";
    if (typeof v !== "number") return String(v);
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (exponential(v)) return v.toExponential(Math.min(digits, 6));
    return v.toFixed(decimals);
  });
  return { cells, numeric };
}

function shownFrame(df: FrameLike, opts: FrameOptions): ShownFrame {
  const rows = Math.max(0, Math.floor(opts.rows ?? 10));
  const digits = opts.digits ?? 4;
  const totalRows = df.shape[0];
  const part = rows < totalRows && typeof df.head === "function" ? df.head(rows) : df;
  // A Series holds one column: its values are a flat list.
  const flat = part.values.length > 0 && !Array.isArray(part.values[0]);
  const table = (flat ? part.values.map((v) => [v]) : (part.values as unknown[][])).slice(0, rows);
  const columns = part.columns.map(String);
  const index = part.index.slice(0, table.length).map(String);
  const formatted = columns.map((_, j) => formatColumn(table.map((r) => r[j]), digits));
  return {
    columns,
    dtypes: columns.map((_, j) => String(part.dtypes[j] ?? "")),
    index,
    cells: table.map((_, i) => formatted.map((c) => c.cells[i])),
    numeric: formatted.map((c) => c.numeric),
    totalRows,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function sizeLine(f: ShownFrame): string {
  const n = (k: number) => k.toLocaleString("en-US");
  return `${n(f.totalRows)} rows × ${n(f.columns.length)} columns`;
}

/** The class of the scrolling box around a frame's table (the browser test tells it from overflowing output). */
export const FRAME_SCROLL_CLASS = "rnnlab-frame";

/**
 * The frame as HTML: a table with the index, column names and dtypes in its header, inside a box that scrolls
 * sideways when the table is wider than the output; below it the frame's size when rows were left out.
 */
export function frameHtml(df: FrameLike, opts: FrameOptions = {}): string {
  if (!isFrameLike(df)) throw new Error("frameHtml: expected a danfo DataFrame or Series");
  const f = shownFrame(df, opts);
  const align = (j: number) => (f.numeric[j] ? "right" : "left");
  const cell = "padding:0.25em 0.6em;white-space:nowrap;border:none";
  const th = (text: string, j: number, extra = "") => `<th style="${cell};text-align:${align(j)}${extra}">${escapeHtml(text)}</th>`;
  const names = `<tr><th style="${cell}"></th>${f.columns.map((c, j) => th(c, j)).join("")}</tr>`;
  const dtypes = `<tr><th style="${cell};text-align:left;font-weight:normal;font-style:italic;color:#777">dtype</th>${f.dtypes
    .map((d, j) => th(d, j, ";font-weight:normal;font-style:italic;color:#777"))
    .join("")}</tr>`;
  const body = f.cells
    .map(
      (row, i) =>
        `<tr><th style="${cell};text-align:right">${escapeHtml(f.index[i])}</th>${row.map((v, j) => `<td style="${cell};text-align:${align(j)}">${escapeHtml(v)}</td>`).join("")}</tr>`,
    )
    .join("");
  const more = f.totalRows > f.cells.length ? `<p style="margin:0.3em 0 0">${sizeLine(f)} (the first ${f.cells.length} shown)</p>` : "";
  return (
    `<div class="${FRAME_SCROLL_CLASS}" style="overflow-x:auto;max-width:100%">` +
    `<table style="border-collapse:collapse;margin:0;font-variant-numeric:tabular-nums">` +
    `<thead style="border-bottom:1px solid #999">${names}${dtypes}</thead><tbody>${body}</tbody></table></div>${more}`
  );
}

/** The frame as aligned plain text: the index, the column names, the dtypes, the rows; its size when rows were left out. */
export function frameText(df: FrameLike, opts: FrameOptions = {}): string {
  if (!isFrameLike(df)) throw new Error("frameText: expected a danfo DataFrame or Series");
  const f = shownFrame(df, opts);
  const lines = [["", ...f.columns], ["dtype", ...f.dtypes], ...f.cells.map((row, i) => [f.index[i], ...row])];
  const width = lines[0].map((_, j) => Math.max(...lines.map((l) => l[j].length)));
  const text = lines.map((l) => l.map((v, j) => (j === 0 || !f.numeric[j - 1] ? v.padEnd(width[j]) : v.padStart(width[j]))).join("  ").trimEnd());
  if (f.totalRows > f.cells.length) text.push(`[${sizeLine(f)}; the first ${f.cells.length} shown]`);
  return text.join("\n");
}

/**
 * Shows a danfo DataFrame (or Series): an HTML table in a notebook (index, dtypes, scrollable when wide) with the
 * plain-text table beside it in the same output, and the plain text alone outside a notebook.
 * `rl.showFrame(df, { rows: 5 })` shows the first 5 rows and says how many there are.
 */
export function showFrame(df: FrameLike, opts: FrameOptions = {}): void {
  showHtml(frameHtml(df, opts), frameText(df, opts));
}
