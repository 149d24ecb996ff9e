// Candles: load price bars (time, open, high, low, close, volume) from the course's CSV files, check them, and
// say what was repaired. Real market data has duplicates and gaps; the loader fixes what it safely can, counts it
// in a report the notebook prints, and refuses what it cannot fix with an error naming file, line and column.
import { displayName, readFileNamed } from "./files";

// ---------------------------------------------------------------------------------------------------------

export type CandleField = "open" | "high" | "low" | "close" | "volume";
export const CANDLE_FIELDS: readonly CandleField[] = ["open", "high", "low", "close", "volume"];

/** The headerless layout of the lecture's crypto_data files (pythonprogramming.net) and datasets/crypto-5m/. */
export const CRYPTO_5M_COLUMNS = ["time", "low", "high", "open", "close", "volume"];

export interface GapReport {
  /** Places where one or more bars are missing. */
  count: number;
  /** Bars missing in all. */
  missingBars: number;
  /** The largest gap: bars missing, the time they span (seconds), and the bars either side (unix seconds). */
  largestBars: number;
  largestSeconds: number;
  largestFrom: number | null;
  largestTo: number | null;
}

export interface CandleReport {
  file: string;
  /** How the columns were found: 'header', 'header in a comment line', 'no header: crypto 5m layout', 'columns option'. */
  layout: string;
  columns: string[];
  /** The column the time came from; null when the file has none (rows are then numbered, oldest first). */
  timeColumn: string | null;
  /** Data rows in the file. */
  rowsRead: number;
  /** Rows in the series after repairs. */
  rows: number;
  commentLines: number;
  /** The rows ran newest first and were reversed. */
  reversed: boolean;
  /** Places where the time went backwards in the file (the series was then sorted by time). */
  reordered: number;
  /** Extra rows removed for a repeated time: exact copies, and copies that differ (the last in the file is kept). */
  duplicates: { identical: number; conflicting: number };
  /** The usual step between bars in seconds (the most common one); null without times. */
  interval: number | null;
  gaps: GapReport;
  /** Steps that are not a whole number of intervals (off the bar grid). */
  irregularSteps: number;
  /** Bars with volume 0 (often a price carried over with no trade). */
  zeroVolume: number;
  /** Bars whose open or close lies outside low..high (kept, but worth knowing). */
  outsideRange: number;
  /** First and last time kept (unix seconds, or row numbers for a file without dates). */
  first: number | null;
  last: number | null;
  /** Anything else the reader should know, one line each. */
  notes: string[];
}

/** A time-sorted series of bars, one Float64Array per field, all of the same length. */
export interface Candles {
  file: string;
  /** 'unix': time is unix seconds (UTC); 'index': the file has no dates, time is 0..n-1, oldest first. */
  timeKind: "unix" | "index";
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
  report: CandleReport;
  /** A danfojs-node DataFrame: date (UTC text, when there are dates), time, open, high, low, close, volume. */
  toDataFrame(): any;
}

export interface LoadCandlesOptions {
  /** Names of the columns of a headerless file, in order; a header row in the file is then skipped. */
  columns?: string[];
  /** Row order of a file without a time column (default 'newest-first', as Yahoo exports them). */
  order?: "oldest-first" | "newest-first";
}

// ---------------------------------------------------------------------------------------------------------

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/** Column names the loader understands, mapped to a field; a time column may be numeric (unix s or ms) or a date. */
const ALIASES: Record<string, CandleField> = { open: "open", o: "open", high: "high", h: "high", low: "low", l: "low", close: "close", c: "close", volume: "volume", vol: "volume", v: "volume" };
const TIME_NAMES = ["unix_timestamp", "unix", "time", "timestamp", "date", "datetime", "open_time"];

function isNumber(s: string): boolean {
  return NUMBER.test(s);
}

/** The times a candle may have: 1800-01-01 .. 2100-01-01 UTC (unix seconds), a generous range for long stock
 *  histories and for every cryptocurrency; a time outside it is a broken value (or a wrong unit), not a market. */
export const CANDLE_TIME_RANGE = { from: -5364662400, to: 4102444800, text: "1800-01-01 .. 2100-01-01 UTC" } as const;

/** Spellings of a missing or non-finite value: a row holding them is data, not a row of column names. */
const VALUE_WORD = /^[+-]?(?:nan|inf|infinity|null|none|nil|na|n\/a|#n\/a|-+)$/i;

function isValueLike(f: string): boolean {
  return isNumber(f) || VALUE_WORD.test(f) || !Number.isNaN(parseDate(f));
}

function isKnownName(f: string): boolean {
  const l = f.trim().toLowerCase();
  return ALIASES[l] !== undefined || TIME_NAMES.includes(l);
}

/** ' (the file is likely not UTF-8 ...)' when a text holds U+FFFD, what bytes that are not UTF-8 decode to. */
function encodingHint(s: string): string {
  return s.includes("\uFFFD")
    ? " (the file is likely not UTF-8: it holds bytes that are not UTF-8, shown as '\uFFFD'; it may be Windows-1252 or Latin-1: save it as UTF-8)"
    : "";
}

/** ' (the separator is likely ';' ...)' when a line splits into more fields on ';', a tab or '|' than on ','. */
function separatorHint(line: string): string {
  const commas = splitCsvLine(line).length;
  for (const [sep, name] of [[";", "';'"], ["\t", "a tab"], ["|", "'|'"]]) {
    const k = line.split(sep).length;
    if (k >= 3 && k > commas) return ` (the separator is likely ${name}: this line has ${k} fields separated by ${name}; the loader reads comma-separated values)`;
  }
  return "";
}

/** Seconds since 1970 for 'YYYY-MM-DD[ HH:MM[:SS]][Z|+hh:mm]', UTC when no zone is given; NaN when not a date. */
export function parseDate(s: string): number {
  const m = DATE.exec(s.trim());
  if (!m) return NaN;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone] = m;
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  const back = new Date(0);
  back.setUTCFullYear(+y, +mo - 1, +d);
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +sec > 60) return NaN;
  let t = back.getTime() / 1000 + +h * 3600 + +mi * 60 + +sec + (frac ? +frac : 0);
  if (zone && /^[+-]/.test(zone)) {
    const z = zone.replace(":", "");
    const off = (+z.slice(1, 3) * 60 + +z.slice(3, 5)) * 60;
    t -= z[0] === "+" ? off : -off;
  }
  return t;
}

/**
 * 'YYYY-MM-DD HH:MM' in UTC (seconds are shown only when not zero). Never throws: a value no Date can hold
 * (NaN, Infinity, beyond year 275760) comes back as '<value> (not a time)', so an error message can always show it.
 */
export function formatTime(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  if (typeof unixSeconds !== "number" || Number.isNaN(date.getTime())) return `${unixSeconds} (not a time)`;
  const iso = date.toISOString();
  if (iso.length !== 24) return iso; // years beyond 9999 or before 0: '+010000-01-01T...', shown as they are
  const s = iso.slice(17, 19);
  return iso.slice(0, 10) + " " + iso.slice(11, 16) + (s !== "00" ? ":" + s : "");
}

/** '6h 5m', '3d', '5m': a duration in seconds, for people. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
  if (!Number.isFinite(seconds) || seconds < 0) return `${seconds}s`;
  const parts: string[] = [];
  let left = Math.round(seconds);
  for (const [size, name] of units) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${name}`);
      left %= size;
    }
  }
  return parts.length ? parts.slice(0, 2).join(" ") : "0s";
}

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",").map((f) => f.trim());
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function readText(filePath: string, file: string): string {
  const bytes = readFileNamed(filePath, file);
  if (bytes.length === 0) throw new Error(`${file}: the file is empty`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error(`${file}: not a CSV text file (gzip-compressed data; unpack it first)`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error(`${file}: the text is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`);
  }
  const head = bytes.subarray(0, 65536);
  const nul = head.indexOf(0);
  if (nul >= 0) throw new Error(`${file}: not a CSV text file (binary data: byte 0x00 at offset ${nul})`);
  let control = 0;
  for (const b of head) if (b < 32 && b !== 9 && b !== 10 && b !== 13) control++;
  if (control > head.length / 100) throw new Error(`${file}: not a CSV text file (binary data: ${control} control bytes in the first ${head.length})`);
  let text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.trimStart();
  if (start === "") throw new Error(`${file}: the file is empty (only blank lines)`);
  if (start[0] === "{" || start[0] === "[") throw new Error(`${file} line 1: looks like JSON, not CSV (starts with '${start[0]}')`);
  if (start[0] === "<") throw new Error(`${file} line 1: looks like HTML or XML, not CSV (starts with '<')`);
  return text;
}

interface Layout {
  layout: string;
  columns: string[];
  /** Line (1-based) that named the columns, for 'missing column' errors; 0 when they came from the options. */
  headerLine: number;
  /** Index into lines of the first data line. */
  firstData: number;
}

/**
 * A row of column names: it holds a name (text that is no number, date or NaN-like word), and either a column name
 * the loader knows or no value at all. A data row with one bad value ('NaN', 'abc') is not a header.
 */
function looksLikeHeader(fields: string[]): boolean {
  if (!fields.some((f) => f !== "" && !isValueLike(f))) return false;
  return fields.some(isKnownName) || fields.every((f) => f === "" || !isValueLike(f));
}

/** The fields of the first `max` data lines (not blank, not comments) from line index `from`. */
function sampleRows(lines: string[], from: number, max = 20): string[][] {
  const out: string[][] = [];
  for (let i = from; i < lines.length && out.length < max; i++) {
    const line = lines[i];
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    out.push(splitCsvLine(line));
  }
  return out;
}

function mostCommon(xs: number[]): number {
  const count = new Map<number, number>();
  for (const x of xs) count.set(x, (count.get(x) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function findLayout(file: string, lines: string[], opts: LoadCandlesOptions): Layout {
  let i = 0;
  let lastComment = -1;
  while (i < lines.length && (lines[i].trim() === "" || lines[i].trimStart().startsWith("#"))) {
    if (lines[i].trim() !== "") lastComment = i;
    i++;
  }
  if (i === lines.length) throw new Error(`${file}: has no data rows (only comment or blank lines)`);
  const fields = splitCsvLine(lines[i]);
  if (opts.columns) {
    if (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== "string")) {
      throw new Error(`${file}: the columns option must be an array of column names, got ${JSON.stringify(opts.columns)}`);
    }
    // The first row is skipped only when it holds names; a row of values, even a bad one, is data and checked as such.
    const header = looksLikeHeader(fields);
    return { layout: header ? "columns option (header row skipped)" : "columns option", columns: opts.columns.map((c) => c.trim()), headerLine: 0, firstData: header ? i + 1 : i };
  }
  if (looksLikeHeader(fields)) return { layout: "header", columns: fields, headerLine: i + 1, firstData: i + 1 };
  // No header: the layout follows what most of the first rows look like, so that a bad first row (a NaN, a cut
  // line) is reported as a bad row rather than taken for another layout.
  const sample = sampleRows(lines, i);
  const width = mostCommon(sample.map((f) => f.length));
  if (lastComment >= 0) {
    const names = splitCsvLine(lines[lastComment].trimStart().replace(/^#+/, ""));
    const known = names.filter(isKnownName).length;
    if (names.length === width && known >= 4) {
      return { layout: `header in comment line ${lastComment + 1}`, columns: names, headerLine: lastComment + 1, firstData: i };
    }
  }
  const timeFirst = sample.filter((f) => f.length === width && isNumber(f[0])).length * 2 > sample.length;
  if (width === CRYPTO_5M_COLUMNS.length && timeFirst) {
    return { layout: `crypto 5m layout, no header: ${CRYPTO_5M_COLUMNS.join(",")}`, columns: [...CRYPTO_5M_COLUMNS], headerLine: 0, firstData: i };
  }
  if (width === CRYPTO_5M_COLUMNS.length) {
    throw new Error(`${file} line ${i + 1}: no header row (this line holds values: ${lines[i].trim()}); name the columns with loadCandles(file, { columns: [...] })`);
  }
  throw new Error(`${file} line ${i + 1}: no header row and ${width} columns; name them with loadCandles(file, { columns: [...] })${separatorHint(lines[i])}${encodingHint(lines[i])}`);
}

const fmtInt = (n: number) => (typeof n === "number" ? n.toLocaleString("en-US") : String(n));
const TIME_UNITS = ["seconds", "milliseconds", "microseconds"];
/** A value as an error message quotes it: at most 40 characters. */
const clip = (s: string) => (s.length > 40 ? s.slice(0, 37) + "..." : s);

/**
 * Reads a candle CSV: a file with a header (any column order; the time may be unix seconds, milliseconds or a
 * date), the headerless crypto 5m layout (time,low,high,open,close,volume), or a file without dates (GOOG:
 * `#` comment lines, newest first). Sorts by time, removes duplicated times (identical copies: one kept; differing
 * copies: the last in the file kept, counted as conflicting), measures gaps, and refuses bad input with an Error
 * naming the file, the line and the column: a value that is not a finite number (1e309 overflows to Infinity), a
 * time outside CANDLE_TIME_RANGE, a row of the wrong width; the message names a likely ';' separator or non-UTF-8
 * encoding. Numeric times may be unix seconds, milliseconds or microseconds (by size; one unit per file).
 */
export function loadCandles(filePath: string, opts: LoadCandlesOptions = {}): Candles {
  const parsed = parseCandles(filePath, opts);
  const repaired = repairCandles(parsed, opts);
  const report = candleReport(parsed, repaired);
  const { file, timeKind } = parsed;
  const out = repaired.bars;
  return {
    file,
    timeKind,
    ...out,
    length: repaired.length,
    report,
    toDataFrame() {
      return candlesDataFrame(timeKind, out.time, CANDLE_FIELDS.map((f) => [f, out[f]] as [string, Float64Array]));
    },
  };
}

/** The bars of a candle file as read, in file order: one Float64Array per field and the time, of `length` rows. */
export interface ParsedCandles {
  file: string;
  layout: string;
  columns: string[];
  timeColumn: string | null;
  timeKind: "unix" | "index";
  /** Rows read; the arrays below may be longer, only their first `length` entries are rows. */
  length: number;
  time: Float64Array;
  values: Record<CandleField, Float64Array>;
  /** The file line (1-based) each row came from. */
  line: Int32Array;
  commentLines: number;
  /** What was noticed while reading (units converted, blank and comment lines skipped), one line each. */
  notes: string[];
}

/**
 * Step 1 of loadCandles: reads the file, finds its layout and parses every data row, refusing bad input with an
 * Error naming the file, the line and the column. The rows stay in file order; a file without dates gets no times.
 */
export function parseCandles(filePath: string, opts: LoadCandlesOptions = {}): ParsedCandles {
  const file = displayName(filePath);
  const text = readText(filePath, file);
  const lines = text.split(/\r\n|\n|\r/);
  const layout = findLayout(file, lines, opts);
  const where = layout.headerLine ? `${file} line ${layout.headerLine}` : `${file}`;
  const lower = layout.columns.map((c) => c.toLowerCase());
  const notes: string[] = [];

  // Which column holds each field, and the time.
  const col: Partial<Record<CandleField, number>> = {};
  lower.forEach((name, k) => {
    const f = ALIASES[name];
    if (!f) return;
    if (col[f] !== undefined) throw new Error(`${where}: columns '${layout.columns[col[f]!]}' and '${layout.columns[k]}' both give '${f}'`);
    col[f] = k;
  });
  const missing = CANDLE_FIELDS.filter((f) => col[f] === undefined);
  if (missing.length && layout.layout === "header" && layout.columns.filter(isNumber).length * 2 >= layout.columns.length) {
    throw new Error(`${where}: no header row (this line holds values: ${layout.columns.join(",")}); name the columns with loadCandles(file, { columns: [...] })`);
  }
  if (missing.length) {
    const headerText = layout.headerLine ? lines[layout.headerLine - 1] : layout.columns.join(",");
    throw new Error(
      `${where}: missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} (the columns are: ${layout.columns.join(", ")})` +
        `${separatorHint(headerText)}${encodingHint(headerText)}`,
    );
  }
  // Decided on the first rows, not the first row alone, so that one bad value there gets its own error.
  const sample = sampleRows(lines, layout.firstData);
  const timeCols = TIME_NAMES.map((n) => lower.indexOf(n)).filter((k) => k >= 0);
  // Prefer a numeric time column (unix seconds) and cross-check any date column against it.
  const numericTime = timeCols.find((k) => {
    const numbers = sample.filter((f) => isNumber(f[k] ?? "")).length;
    return numbers > 0 && numbers >= sample.filter((f) => !Number.isNaN(parseDate(f[k] ?? ""))).length;
  });
  const timeCol = numericTime ?? timeCols[0];
  const checkCols = timeCols.filter((k) => k !== timeCol);
  const timeIsNumber = timeCol !== undefined && numericTime !== undefined;

  // Parse every data row.
  const n0 = lines.length - layout.firstData;
  const t = new Float64Array(n0);
  const v: Record<CandleField, Float64Array> = { open: new Float64Array(n0), high: new Float64Array(n0), low: new Float64Array(n0), close: new Float64Array(n0), volume: new Float64Array(n0) };
  const lineNo = new Int32Array(n0);
  let n = 0;
  let commentLines = 0;
  let commentInside = 0;
  let firstCommentInside = 0;
  let blankInside = 0;
  // Unit of a numeric time, from its size: 0 seconds, 1 milliseconds, 2 microseconds; every row must share it.
  let timeUnit = -1;
  let timeUnitLine = 0;
  for (let i = 0; i < layout.firstData; i++) if (lines[i].trimStart().startsWith("#")) commentLines++;
  for (let i = layout.firstData; i < lines.length; i++) {
    const line = lines[i];
    const at = `${file} line ${i + 1}`;
    if (line.trim() === "") {
      if (i < lines.length - 1) blankInside++;
      continue;
    }
    if (line.trimStart().startsWith("#")) {
      commentLines++;
      if (n > 0) {
        commentInside++;
        firstCommentInside = firstCommentInside || i + 1;
      }
      continue;
    }
    const fields = splitCsvLine(line);
    if (fields.length !== layout.columns.length) {
      throw new Error(`${at}: expected ${layout.columns.length} values (${layout.columns.join(",")}), found ${fields.length}${separatorHint(line)}${encodingHint(line)}`);
    }
    for (const f of CANDLE_FIELDS) {
      const k = col[f]!;
      const s = fields[k];
      if (s === "") throw new Error(`${at}: '${layout.columns[k]}' is empty`);
      if (!isNumber(s)) throw new Error(`${at}: '${layout.columns[k]}' is not a number ('${clip(s)}')${encodingHint(s)}`);
      const x = Number(s);
      if (!Number.isFinite(x)) throw new Error(`${at}: '${layout.columns[k]}' is out of range ('${clip(s)}' is beyond the largest 64-bit float, about 1.8e308)`);
      if (f === "volume" ? x < 0 : !(x > 0)) throw new Error(`${at}: '${layout.columns[k]}' must be ${f === "volume" ? "0 or more" : "positive"}, found ${s}`);
      v[f][n] = x;
    }
    if (v.high[n] < v.low[n]) {
      throw new Error(`${at}: '${layout.columns[col.high!]}' (${fields[col.high!]}) is below '${layout.columns[col.low!]}' (${fields[col.low!]})`);
    }
    if (timeCol !== undefined) {
      const s = fields[timeCol];
      let x: number;
      const name = layout.columns[timeCol];
      if (timeIsNumber) {
        if (s === "") throw new Error(`${at}: '${name}' is empty`);
        if (!isNumber(s)) throw new Error(`${at}: '${name}' is not a number ('${clip(s)}')${encodingHint(s)}`);
        x = Number(s);
        if (!Number.isFinite(x)) throw new Error(`${at}: '${name}' is out of range ('${clip(s)}' is beyond the largest 64-bit float, about 1.8e308)`);
        const unit = Math.abs(x) < 1e11 ? 0 : Math.abs(x) < 1e14 ? 1 : Math.abs(x) < 1e17 ? 2 : 3;
        if (unit === 3) {
          throw new Error(`${at}: '${name}' is out of range (${clip(s)} is too large for a unix time in seconds, milliseconds or microseconds between ${CANDLE_TIME_RANGE.text})`);
        }
        if (timeUnit < 0) {
          timeUnit = unit;
          timeUnitLine = i + 1;
        } else if (unit !== timeUnit) {
          throw new Error(`${at}: '${name}' (${s}) looks like unix ${TIME_UNITS[unit]}, but line ${timeUnitLine} gives it in ${TIME_UNITS[timeUnit]}`);
        }
        x /= 1000 ** unit;
      } else {
        if (s === "") throw new Error(`${at}: '${name}' is empty`);
        x = parseDate(s);
        if (Number.isNaN(x)) throw new Error(`${at}: '${name}' is not a date ('${clip(s)}'; expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)${encodingHint(s)}`);
      }
      if (!(x >= CANDLE_TIME_RANGE.from && x < CANDLE_TIME_RANGE.to)) {
        const read = timeIsNumber ? ` (unix ${TIME_UNITS[timeUnit]}) = ${formatTime(x)} UTC` : "";
        throw new Error(`${at}: '${name}' is out of range: ${s}${read} lies outside ${CANDLE_TIME_RANGE.text}, the times a market's history can have`);
      }
      for (const k of checkCols) {
        const c = fields[k];
        const y = isNumber(c) ? Number(c) : parseDate(c);
        if (Number.isNaN(y)) throw new Error(`${at}: '${layout.columns[k]}' is not a date or a number ('${clip(c)}')${encodingHint(c)}`);
        if (Math.abs(y - x) >= 1 && Math.abs(y / 1000 - x) >= 1) {
          throw new Error(`${at}: '${layout.columns[k]}' (${c}) disagrees with '${layout.columns[timeCol]}' (${s} = ${formatTime(x)} UTC)`);
        }
      }
      t[n] = x;
    }
    lineNo[n] = i + 1;
    n++;
  }
  if (n === 0) throw new Error(`${file}: has no data rows (only a header${commentLines ? " and comment lines" : ""})`);
  if (timeUnit > 0) notes.push(`'${layout.columns[timeCol!]}' is in ${TIME_UNITS[timeUnit]}; converted to seconds`);
  if (blankInside) notes.push(`${blankInside} blank line${blankInside > 1 ? "s" : ""} between rows skipped`);
  if (commentInside) notes.push(`${commentInside} comment line${commentInside > 1 ? "s" : ""} between rows skipped (starting with '#', first at line ${firstCommentInside})`);
  return {
    file,
    layout: layout.layout,
    columns: layout.columns,
    timeColumn: timeCol === undefined ? null : layout.columns[timeCol],
    timeKind: timeCol === undefined ? "index" : "unix",
    length: n,
    time: t,
    values: v,
    line: lineNo,
    commentLines,
    notes,
  };
}

/** The series after repairs: oldest first, one row per time, and what was done to get there. */
export interface RepairedCandles {
  bars: Record<"time" | CandleField, Float64Array>;
  length: number;
  reversed: boolean;
  reordered: number;
  duplicates: { identical: number; conflicting: number };
  /** The parse step's notes followed by this step's. */
  notes: string[];
}

/**
 * Step 2 of loadCandles: puts the rows oldest first (reversing a newest-first file, sorting a shuffled one; a file
 * without dates is numbered 0..n-1 after ordering) and keeps one row per time (identical copies: one; differing
 * copies: the last in the file, counted as conflicting). The parsed rows are not changed.
 */
export function repairCandles(parsed: ParsedCandles, opts: LoadCandlesOptions = {}): RepairedCandles {
  const { length: n, values: v, line: lineNo } = parsed;
  const t = parsed.time.slice();
  const hasTime = parsed.timeColumn !== null;
  const notes = [...parsed.notes];

  // Order: oldest first, by time when there is one.
  let order = Array.from({ length: n }, (_, i) => i);
  let reversed = false;
  let reordered = 0;
  if (!hasTime) {
    if ((opts.order ?? "newest-first") === "newest-first") {
      order.reverse();
      reversed = true;
      notes.push("no time column: rows taken as newest first (pass order: 'oldest-first' if not) and reversed; time = row number 0..n-1, oldest first");
    } else notes.push("no time column: rows taken as oldest first; time = row number 0..n-1");
    // Numbered after ordering, so that 0 is the oldest row.
    order.forEach((r, i) => (t[r] = i));
  } else {
    let down = 0;
    for (let i = 1; i < n; i++) if (t[i] < t[i - 1]) down++;
    if (n > 1 && down === n - 1) {
      order.reverse();
      reversed = true;
      notes.push("rows ran newest first; reversed");
    } else if (down > 0) {
      // Stable: rows with equal times keep their file order, so 'the last in the file' stays last.
      order = order.sort((a, b) => t[a] - t[b] || a - b);
      reordered = down;
    }
  }

  // Duplicated times: keep one row per time (for conflicting copies, the one latest in the file).
  const keep: number[] = [];
  let identical = 0;
  let conflicting = 0;
  const conflictExamples: string[] = [];
  for (const r of order) {
    const prev = keep.length ? keep[keep.length - 1] : -1;
    if (prev >= 0 && t[prev] === t[r] && hasTime) {
      const same = CANDLE_FIELDS.every((f) => v[f][prev] === v[f][r]);
      if (same) identical++;
      else {
        conflicting++;
        if (conflictExamples.length < 3) conflictExamples.push(`lines ${Math.min(lineNo[prev], lineNo[r])} and ${Math.max(lineNo[prev], lineNo[r])}`);
      }
      if (lineNo[r] > lineNo[prev]) keep[keep.length - 1] = r;
    } else keep.push(r);
  }
  if (conflicting) notes.push(`conflicting duplicates at ${conflictExamples.join(", ")}${conflicting > 3 ? ", ..." : ""}: kept the row latest in the file`);

  const m = keep.length;
  const out = {
    time: new Float64Array(m),
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    volume: new Float64Array(m),
  };
  keep.forEach((r, i) => {
    out.time[i] = t[r];
    for (const f of CANDLE_FIELDS) out[f][i] = v[f][r];
  });
  return { bars: out, length: m, reversed, reordered, duplicates: { identical, conflicting }, notes };
}

/**
 * Step 3 of loadCandles: what the reader should know about the repaired series — rows read and kept, the usual
 * interval, the gaps (steps longer than it), steps off the bar grid, bars with no volume or with open or close
 * outside low..high — together with what the first two steps did.
 */
export function candleReport(parsed: ParsedCandles, repaired: RepairedCandles): CandleReport {
  const out = repaired.bars;
  const m = repaired.length;
  let zeroVolume = 0;
  let outsideRange = 0;
  for (let i = 0; i < m; i++) {
    if (out.volume[i] === 0) zeroVolume++;
    if (out.open[i] < out.low[i] || out.open[i] > out.high[i] || out.close[i] < out.low[i] || out.close[i] > out.high[i]) outsideRange++;
  }

  // Gaps: steps longer than the usual one.
  const gaps: GapReport = { count: 0, missingBars: 0, largestBars: 0, largestSeconds: 0, largestFrom: null, largestTo: null };
  let interval: number | null = null;
  let irregularSteps = 0;
  if (parsed.timeColumn !== null && m > 1) {
    const freq = new Map<number, number>();
    for (let i = 1; i < m; i++) {
      const d = out.time[i] - out.time[i - 1];
      freq.set(d, (freq.get(d) ?? 0) + 1);
    }
    interval = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    for (let i = 1; i < m; i++) {
      const d = out.time[i] - out.time[i - 1];
      if (d === interval) continue;
      const steps = d / interval;
      if (Math.abs(steps - Math.round(steps)) > 1e-9) irregularSteps++;
      if (d > interval) {
        const missing = Math.max(1, Math.round(steps) - 1);
        gaps.count++;
        gaps.missingBars += missing;
        if (missing > gaps.largestBars) {
          gaps.largestBars = missing;
          gaps.largestSeconds = missing * interval;
          gaps.largestFrom = out.time[i - 1];
          gaps.largestTo = out.time[i];
        }
      }
    }
  }

  return {
    file: parsed.file,
    layout: parsed.layout,
    columns: parsed.columns,
    timeColumn: parsed.timeColumn,
    rowsRead: parsed.length,
    rows: m,
    commentLines: parsed.commentLines,
    reversed: repaired.reversed,
    reordered: repaired.reordered,
    duplicates: repaired.duplicates,
    interval,
    gaps,
    irregularSteps,
    zeroVolume,
    outsideRange,
    first: m ? out.time[0] : null,
    last: m ? out.time[m - 1] : null,
    notes: repaired.notes,
  };
}

function candlesDataFrame(timeKind: "unix" | "index", time: Float64Array, cols: [string, Float64Array][]): any {
  // Loaded on first use: danfo pulls in a second copy of the data-frame machinery that a plain script may not need.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require("danfojs-node");
  const data: Record<string, unknown[]> = {};
  if (timeKind === "unix") data.date = Array.from(time, formatTime);
  data.time = Array.from(time);
  // danfo 1.2 misreads typed arrays in a column object, so plain arrays go in.
  for (const [name, values] of cols) data[name] = Array.from(values);
  return new dfd.DataFrame(data);
}

// ---------------------------------------------------------------------------------------------------------

export interface JoinReport {
  /** Rows in the joined table. */
  rows: number;
  fields: CandleField[];
  /** For each series, its rows and how many the inner join dropped (times missing from another series). */
  series: Record<string, { file: string; rows: number; lost: number }>;
}

export interface JoinedCandles {
  timeKind: "unix" | "index";
  time: Float64Array;
  /** Column names in order: `${series}_${field}`, e.g. BTC_close, BTC_volume, LTC_close, ... */
  names: string[];
  columns: Record<string, Float64Array>;
  length: number;
  report: JoinReport;
  /** A danfojs-node DataFrame: date (when there are dates), time, then the joined columns. */
  toDataFrame(): any;
}

/**
 * Joins several series on time, keeping only the times all of them have (an inner join, as the lecture's lab
 * does with pandas), and reports how many rows each series lost. Columns are named `${key}_${field}`.
 */
export function joinOnTime(series: Record<string, Candles>, fields: CandleField[] = ["close", "volume"]): JoinedCandles {
  const keys = Object.keys(series);
  if (keys.length === 0) throw new Error("joinOnTime: no series given");
  for (const f of fields) if (!CANDLE_FIELDS.includes(f)) throw new Error(`joinOnTime: '${f}' is not a candle field (${CANDLE_FIELDS.join(", ")})`);
  const kinds = new Set(keys.map((k) => series[k].timeKind));
  if (kinds.size > 1) throw new Error(`joinOnTime: ${keys.map((k) => `${k} has ${series[k].timeKind} time`).join(", ")}; cannot join dates with row numbers`);
  const count = new Map<number, number>();
  for (const k of keys) for (const x of series[k].time) count.set(x, (count.get(x) ?? 0) + 1);
  const times = [...count.entries()].filter(([, c]) => c === keys.length).map(([x]) => x).sort((a, b) => a - b);
  const time = Float64Array.from(times);
  const names: string[] = [];
  const columns: Record<string, Float64Array> = {};
  const report: JoinReport = { rows: time.length, fields: [...fields], series: {} };
  for (const k of keys) {
    const s = series[k];
    const pos = new Map<number, number>();
    s.time.forEach((x, i) => pos.set(x, i));
    for (const f of fields) {
      const name = `${k}_${f}`;
      const col = new Float64Array(time.length);
      for (let i = 0; i < time.length; i++) col[i] = s[f][pos.get(time[i])!];
      names.push(name);
      columns[name] = col;
    }
    report.series[k] = { file: s.file, rows: s.length, lost: s.length - time.length };
  }
  const timeKind = [...kinds][0];
  return {
    timeKind,
    time,
    names,
    columns,
    length: time.length,
    report,
    toDataFrame() {
      return candlesDataFrame(timeKind, time, names.map((nm) => [nm, columns[nm]] as [string, Float64Array]));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

function isJoinReport(r: CandleReport | JoinReport): r is JoinReport {
  return (r as JoinReport).series !== undefined;
}

/** The lines a notebook prints after loading: what was read, what was repaired, what is missing. */
export function formatReport(x: Candles | JoinedCandles | CandleReport | JoinReport): string {
  const r = "report" in x ? x.report : x;
  if (isJoinReport(r)) {
    const lines = [`joined on time (inner join) ${Object.keys(r.series).join(", ")}: ${fmtInt(r.rows)} rows, fields ${r.fields.join(", ")}`];
    for (const [k, s] of Object.entries(r.series)) lines.push(`  ${k}: ${fmtInt(s.rows)} rows, ${fmtInt(s.lost)} lost in the join`);
    return lines.join("\n");
  }
  const lines: string[] = [];
  const unix = r.timeColumn !== null;
  lines.push(`${r.file}: ${fmtInt(r.rowsRead)} rows read (${r.layout}${r.commentLines ? `; ${r.commentLines} comment line${r.commentLines > 1 ? "s" : ""}` : ""})`);
  for (const note of r.notes) lines.push(`  ${note}`);
  if (r.reordered) lines.push(`  time went backwards at ${fmtInt(r.reordered)} place${r.reordered > 1 ? "s" : ""}: sorted by time`);
  const dup = r.duplicates.identical + r.duplicates.conflicting;
  lines.push(
    dup
      ? `  ${fmtInt(dup)} duplicated timestamps removed (${fmtInt(r.duplicates.identical)} identical copies, ${fmtInt(r.duplicates.conflicting)} conflicting: kept the last in the file)`
      : unix
        ? "  no duplicated timestamps"
        : "  (no timestamps to check for duplicates)",
  );
  if (unix && r.interval !== null) {
    const g = r.gaps;
    if (g.count === 0) lines.push(`  no gaps at the ${formatDuration(r.interval)} step`);
    else {
      lines.push(
        `  ${fmtInt(g.count)} gap${g.count > 1 ? "s" : ""} (${fmtInt(g.missingBars)} missing ${formatDuration(r.interval)} bars); largest: ${fmtInt(g.largestBars)} bars = ${formatDuration(g.largestSeconds)}` +
          ` between ${formatTime(g.largestFrom!)} and ${formatTime(g.largestTo!)} UTC`,
      );
    }
    if (r.irregularSteps) lines.push(`  ${fmtInt(r.irregularSteps)} steps off the ${formatDuration(r.interval)} grid`);
  }
  if (r.zeroVolume) lines.push(`  ${fmtInt(r.zeroVolume)} bars with zero volume (kept)`);
  if (r.outsideRange) lines.push(`  ${fmtInt(r.outsideRange)} bars with open or close outside low..high (kept)`);
  const span = r.first === null ? "" : unix ? `, ${formatTime(r.first)} .. ${formatTime(r.last!)} UTC` : `, numbered ${r.first} .. ${r.last} oldest first`;
  lines.push(`  kept ${fmtInt(r.rows)} rows${span}${r.interval !== null ? `, one every ${formatDuration(r.interval)}` : ""}`);
  return lines.join("\n");
}

/** The first and last time of a series, for people: '2019-01-04 16:00 .. 2019-03-29 17:00 UTC' or 'rows 0 .. 731'. */
export function timeRange(c: Candles | JoinedCandles): string {
  if (c.length === 0) return "empty";
  const a = c.time[0];
  const b = c.time[c.length - 1];
  return c.timeKind === "unix" ? `${formatTime(a)} .. ${formatTime(b)} UTC` : `rows ${a} .. ${b}`;
}
