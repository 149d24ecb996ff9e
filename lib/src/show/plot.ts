// Plots: a small vocabulary of figures, drawn by vega-lite 5 / vega 5 in Node and rasterised to PNG by resvg,
// so an executed notebook carries its figures as images: they show in JupyterLab without trusting the
// notebook, in the HTML export, in VS Code and on GitHub. Outside a notebook a figure is saved to a file.
import * as fs from "fs";
import * as path from "path";
import { inNotebook, showPng } from "./display";
import { figuresDir as settingsFiguresDir } from "../config";
import { writeFileAtomic } from "../atomic";

// vega and vega-lite ship CommonJS builds at version 5 (6 is ESM-only, which tslab cannot import).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const vega = require("vega");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const vegaLite = require("vega-lite");

/** A vega-lite specification (kept loose on purpose: it is vega-lite's own JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** A drawn figure: its SVG and PNG, and the file it was saved to outside a notebook. */
export class Figure {
  /** Where the PNG was written when not in a notebook. */
  file?: string;
  constructor(
    readonly title: string,
    readonly svg: string,
    readonly png: Uint8Array,
  ) {}

  /** tslab prints a cell's last value: the figure is already shown, so it prints as nothing, not as its SVG. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "";
  }

  /**
   * Deno's kernel shows a cell's last value through this: an empty text, as the figure is already shown (Deno
   * always sends a result for a value; an empty bundle is one that nbconvert warns it cannot represent).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": "" };
  }
}

export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Show the figure (default true). */
  show?: boolean;
}

const FONT = "DejaVu Sans";
let figureCount = 0;

/** The folder figures go to outside a notebook: RNNLAB_FIGURES, else build/figures under the current folder. */
export function figuresDir(): string {
  return settingsFiguresDir();
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "figure"
  );
}

/** Rasterises an SVG string to PNG at twice its size, so text stays sharp. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Resvg } = require("@resvg/resvg-js");
  const r = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return r.render().asPng();
}

/** Renders any vega-lite spec to SVG (no browser, no network: all data must be inline). */
export async function renderVegaLite(spec: VegaLiteSpec): Promise<string> {
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    background: "white",
    ...spec,
    config: { font: FONT, ...(spec.config as object | undefined) },
  };
  let compiled;
  try {
    compiled = vegaLite.compile(full).spec;
  } catch (e) {
    throw new Error(`plot: vega-lite rejected the figure specification: ${(e as Error).message}`);
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Shows (or saves) a finished SVG as a PNG figure. */
export function showSvg(svg: string, title: string, show = true): Figure {
  const png = svgToPng(svg);
  const fig = new Figure(title, svg, png);
  if (!show) return fig;
  if (inNotebook()) {
    showPng(png, `[figure: ${title}]`);
  } else {
    const dir = figuresDir();
    fs.mkdirSync(dir, { recursive: true });
    fig.file = path.join(dir, `${String(++figureCount).padStart(2, "0")}-${slug(title)}.png`);
    writeFileAtomic(fig.file, png); // a figure viewer may be reading the previous run's
    console.log(`[figure: ${title}] saved to ${fig.file}`);
  }
  return fig;
}

/** Renders a vega-lite spec and shows it: the escape hatch for figures the vocabulary below lacks. */
export async function plotSpec(spec: VegaLiteSpec, opts: FigureOptions = {}): Promise<Figure> {
  const title = opts.title ?? (typeof spec.title === "string" ? spec.title : "figure");
  const sized = { width: opts.width ?? 420, height: opts.height ?? 260, ...spec };
  if (opts.title && !spec.title) (sized as VegaLiteSpec).title = opts.title;
  return showSvg(await renderVegaLite(sized), title, opts.show ?? true);
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`plot: ${what}[${i}] is ${values[i]}; a figure needs finite numbers`);
    }
  }
}

/** Line series: a name and its y values (x = 0, 1, 2, ... unless x is given). */
export interface LineSeries {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
}

export interface LineOptions extends FigureOptions {
  xLabel?: string;
  yLabel?: string;
  /** Draw points on the line too. */
  points?: boolean;
  logY?: boolean;
  /** x values are unix seconds: draw them as dates. */
  xTime?: boolean;
}

/** Line plot of one or more named series. */
export async function plotLines(series: LineSeries[] | LineSeries, opts: LineOptions = {}): Promise<Figure> {
  const list = Array.isArray(series) ? series : [series];
  const values: Record<string, unknown>[] = [];
  for (const s of list) {
    checkFinite(s.y, `series '${s.name}' y`);
    if (s.x && s.x.length !== s.y.length) {
      throw new Error(`plot: series '${s.name}' has ${s.x.length} x values but ${s.y.length} y values`);
    }
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i] : i;
      values.push({ series: s.name, x: opts.xTime ? x * 1000 : x, y: s.y[i] });
    }
  }
  return plotSpec(
    {
      data: { values },
      mark: { type: "line", point: opts.points ?? false, clip: true },
      encoding: {
        x: { field: "x", type: opts.xTime ? "temporal" : "quantitative", title: opts.xLabel ?? "x" },
        y: {
          field: "y",
          type: "quantitative",
          title: opts.yLabel ?? "y",
          scale: opts.logY ? { type: "log" } : { zero: false },
        },
        color: { field: "series", type: "nominal", title: null, legend: list.length > 1 ? {} : null },
      },
    },
    opts,
  );
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** A class or group name: points are coloured by it. */
  group?: string | number;
}

/** Scatter plot, coloured by group. */
export async function plotScatter(points: ScatterPoint[], opts: LineOptions = {}): Promise<Figure> {
  checkFinite(points.map((p) => p.x), "x");
  checkFinite(points.map((p) => p.y), "y");
  const groups = new Set(points.map((p) => String(p.group ?? "")));
  return plotSpec(
    {
      data: { values: points.map((p) => ({ ...p, group: String(p.group ?? "") })) },
      mark: { type: "point", filled: true, size: 60 },
      encoding: {
        x: { field: "x", type: "quantitative", title: opts.xLabel ?? "x", scale: { zero: false } },
        y: { field: "y", type: "quantitative", title: opts.yLabel ?? "y", scale: { zero: false } },
        color: { field: "group", type: "nominal", title: null, legend: groups.size > 1 ? {} : null }, // no legend for one group
      },
    },
    opts,
  );
}

export interface HeatmapOptions extends FigureOptions {
  xLabels?: string[];
  yLabels?: string[];
  xTitle?: string;
  yTitle?: string;
  /** Write each cell's value on it (good for confusion matrices). */
  annotate?: boolean;
  scheme?: string;
  digits?: number;
}

/** Heatmap of a matrix (rows top to bottom). */
export async function plotHeatmap(matrix: number[][], opts: HeatmapOptions = {}): Promise<Figure> {
  const values: Record<string, unknown>[] = [];
  matrix.forEach((row, i) => {
    checkFinite(row, `row ${i}`);
    row.forEach((v, j) => {
      values.push({
        row: opts.yLabels?.[i] ?? String(i),
        col: opts.xLabels?.[j] ?? String(j),
        v,
        label: Number.isInteger(v) ? String(v) : v.toFixed(opts.digits ?? 2),
      });
    });
  });
  const rowOrder = matrix.map((_, i) => opts.yLabels?.[i] ?? String(i));
  const colOrder = (matrix[0] ?? []).map((_, j) => opts.xLabels?.[j] ?? String(j));
  const maxV = Math.max(...values.map((d) => Math.abs(d.v as number)));
  const cell = Math.max(12, Math.min(40, Math.floor(400 / Math.max(colOrder.length, 1))));
  const layers: VegaLiteSpec[] = [
    {
      mark: "rect",
      encoding: { color: { field: "v", type: "quantitative", title: null, scale: { scheme: opts.scheme ?? "blues" } } },
    },
  ];
  if (opts.annotate) {
    layers.push({
      mark: { type: "text", fontSize: 11 },
      encoding: {
        text: { field: "label" },
        color: { condition: { test: `abs(datum.v) > ${maxV / 2}`, value: "white" }, value: "black" },
      },
    });
  }
  return plotSpec(
    {
      data: { values },
      width: opts.width ?? cell * colOrder.length,
      height: opts.height ?? cell * rowOrder.length,
      encoding: {
        x: { field: "col", type: "ordinal", sort: colOrder, title: opts.xTitle ?? null },
        y: { field: "row", type: "ordinal", sort: rowOrder, title: opts.yTitle ?? null },
      },
      layer: layers,
    },
    opts,
  );
}

/** Confusion matrix as an annotated heatmap: rows are true classes, columns predicted ones. */
export async function plotConfusionMatrix(matrix: number[][], labels?: string[], opts: FigureOptions = {}): Promise<Figure> {
  const names = labels ?? matrix.map((_, i) => String(i));
  return plotHeatmap(matrix, {
    title: "Confusion matrix",
    ...opts,
    xLabels: names,
    yLabels: names,
    xTitle: "predicted",
    yTitle: "true",
    annotate: true,
  });
}

/** Per-epoch numbers from a training run (a tf History's `history`, or rnnlab's fit result). */
export type EpochLogs = Record<string, number[]>;

/**
 * Training curves: one panel per metric (loss, acc, ...), train and validation lines, several runs overlaid.
 * `runs` is one run's logs or a record of named runs.
 */
export async function plotTrainingCurves(
  runs: EpochLogs | Record<string, EpochLogs>,
  opts: FigureOptions & { metrics?: string[] } = {},
): Promise<Figure> {
  const isSingle = Object.values(runs).every((v) => Array.isArray(v));
  const named: Record<string, EpochLogs> = isSingle ? { run: runs as EpochLogs } : (runs as Record<string, EpochLogs>);
  const values: Record<string, unknown>[] = [];
  const metricSet = new Set<string>();
  for (const [run, logs] of Object.entries(named)) {
    for (const [key, arr] of Object.entries(logs)) {
      const isVal = key.startsWith("val_");
      const metric = isVal ? key.slice(4) : key;
      if (opts.metrics && !opts.metrics.includes(metric)) continue;
      metricSet.add(metric);
      arr.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new Error(`plot: ${run} ${key} at epoch ${i + 1} is ${v}`);
        values.push({ run, metric, split: isVal ? "validation" : "train", epoch: i + 1, v });
      });
    }
  }
  const metrics = [...metricSet];
  const maxEpoch = Math.max(1, ...values.map((d) => d.epoch as number));
  const multi = Object.keys(named).length > 1;
  return plotSpec(
    {
      data: { values },
      facet: { column: { field: "metric", type: "nominal", title: null, sort: metrics } },
      spec: {
        width: opts.width ?? 260,
        height: opts.height ?? 200,
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "epoch",
            type: "quantitative",
            // Whole epochs only: vega would otherwise tick 1.5 and print it as "2".
            axis: maxEpoch <= 12 ? { values: Array.from({ length: maxEpoch }, (_, i) => i + 1), format: "d" } : { format: "d" },
          },
          y: { field: "v", type: "quantitative", title: null, scale: { zero: false } },
          // Legends draw line samples (not dots), so solid "train" and dashed "validation" can be told apart.
          color: multi
            ? { field: "run", type: "nominal", title: null, legend: { symbolType: "stroke", symbolStrokeWidth: 3 } }
            : { field: "split", type: "nominal", title: null, legend: { symbolType: "stroke", symbolStrokeWidth: 3 } },
          strokeDash: multi
            ? { field: "split", type: "nominal", title: null, sort: ["train", "validation"], legend: { symbolType: "stroke", symbolSize: 400, encode: { symbols: { update: { stroke: { value: "#555" }, strokeWidth: { value: 2 } } } } } }
            : { value: [1, 0] },
        },
      },
      resolve: { scale: { y: "independent" } },
    },
    { title: "Training curves", ...opts, width: undefined, height: undefined },
  );
}

/** Encodes one grey image (values 0..1, row-major) as a PNG data URI, for image grids. */
function greyPngDataUri(pixels: ArrayLike<number>, h: number, w: number): string {
  const zlib = require("zlib") as typeof import("zlib");
  const raw = Buffer.alloc((w + 1) * h);
  for (let r = 0; r < h; r++) {
    raw[r * (w + 1)] = 0; // filter: none
    for (let c = 0; c < w; c++) {
      const v = Math.max(0, Math.min(1, pixels[r * w + c]));
      raw[r * (w + 1) + 1 + c] = Math.round(255 - v * 255); // ink is dark on white
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString("base64")}`;
}

let crcTable: Uint32Array | undefined;
function crc32(buf: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return c ^ 0xffffffff;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface ImageGridOptions extends FigureOptions {
  /** One caption per image, drawn under it. */
  captions?: string[];
  /** Captions drawn in red (e.g. wrong predictions). */
  highlight?: boolean[];
  cols?: number;
  /** Pixel size of each image cell. */
  cellSize?: number;
}

/**
 * A grid of grey images (e.g. MNIST digits). `images` is [n][h*w] or [n][h][w] with values in 0..1,
 * or a flat Float32Array of n*h*w values with `shape: [h, w]`.
 */
export async function plotImageGrid(
  images: ArrayLike<number>[] | number[][][] | Float32Array,
  opts: ImageGridOptions & { shape?: [number, number] } = {},
): Promise<Figure> {
  let list: { px: ArrayLike<number>; h: number; w: number }[];
  if (images instanceof Float32Array) {
    if (!opts.shape) throw new Error("plotImageGrid: a flat Float32Array needs opts.shape = [height, width]");
    const [h, w] = opts.shape;
    const n = images.length / (h * w);
    if (!Number.isInteger(n)) throw new Error(`plotImageGrid: ${images.length} values do not make whole ${h}x${w} images`);
    list = Array.from({ length: n }, (_, i) => ({ px: images.subarray(i * h * w, (i + 1) * h * w), h, w }));
  } else {
    list = (images as unknown[]).map((img, i) => {
      if (Array.isArray(img) && Array.isArray(img[0])) {
        const rows = img as number[][];
        return { px: rows.flat(), h: rows.length, w: rows[0].length };
      }
      const flat = img as ArrayLike<number>;
      const [h, w] = opts.shape ?? [Math.sqrt(flat.length), Math.sqrt(flat.length)];
      if (!Number.isInteger(h) || h * w !== flat.length) {
        throw new Error(`plotImageGrid: image ${i} has ${flat.length} values; give opts.shape = [height, width]`);
      }
      return { px: flat, h, w };
    });
  }
  const cols = opts.cols ?? Math.min(10, list.length);
  const size = opts.cellSize ?? 56;
  const capH = opts.captions ? 16 : 0;
  const titleH = opts.title ? 24 : 0;
  const rows = Math.ceil(list.length / cols);
  const W = cols * (size + 6) + 6;
  const H = titleH + rows * (size + capH + 6) + 6;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (opts.title) {
    parts.push(`<text x="${W / 2}" y="17" font-family="${FONT}" font-size="13" font-weight="bold" text-anchor="middle">${escapeXml(opts.title)}</text>`);
  }
  list.forEach((img, i) => {
    const x = 6 + (i % cols) * (size + 6);
    const y = titleH + 6 + Math.floor(i / cols) * (size + capH + 6);
    parts.push(
      `<image x="${x}" y="${y}" width="${size}" height="${size}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${greyPngDataUri(img.px, img.h, img.w)}"/>`,
    );
    parts.push(`<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="none" stroke="#ccc"/>`);
    const cap = opts.captions?.[i];
    if (cap !== undefined) {
      const color = opts.highlight?.[i] ? "#c00" : "#333";
      parts.push(
        `<text x="${x + size / 2}" y="${y + size + 12}" font-family="${FONT}" font-size="11" fill="${color}" text-anchor="middle">${escapeXml(cap)}</text>`,
      );
    }
  });
  parts.push("</svg>");
  return showSvg(parts.join(""), opts.title ?? "images", opts.show ?? true);
}

/**
 * Opens the same line series in an interactive plotly window (nodeplotlib), for plain Node scripts outside
 * Jupyter. It starts a local web server and a browser, so it is never called from a notebook.
 */
export function plotInteractive(series: LineSeries[], title = "rnnlab"): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { plot } = require("nodeplotlib");
  plot(
    series.map((s) => ({ x: s.x ? Array.from(s.x) : Array.from({ length: s.y.length }, (_, i) => i), y: Array.from(s.y), name: s.name, type: "scatter" })),
    { title },
  );
}
