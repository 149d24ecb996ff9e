// Report: turning training runs and predictions into the tables and picks a lesson shows — per-epoch numbers of
// several runs side by side, and the misclassified samples with "true→predicted" captions.

/** Per-epoch numbers of one run: a tf History's `history` or rnnlab's `fit(...).history`. */
export type RunHistory = Record<string, number[]>;

export interface EpochTableOptions {
  /** The per-epoch key to tabulate (default 'val_acc'). */
  metric?: string;
  /** Extra columns given per epoch (e.g. a reference run's published numbers); shorter lists leave cells empty. */
  extra?: Record<string, ArrayLike<number>>;
}

/**
 * One row per epoch, one column per run: `{ epoch: 1, LSTM: 0.91, GRU: 0.93, ... }`. Runs with fewer epochs, and
 * extra columns shorter than the longest run, leave their cells empty (''). A run without the metric is an error
 * naming the keys it has.
 */
export function epochTable(runs: Record<string, RunHistory>, opts: EpochTableOptions = {}): Record<string, number | string>[] {
  const metric = opts.metric ?? "val_acc";
  const cols: Record<string, ArrayLike<number>> = {};
  for (const [name, h] of Object.entries(runs)) {
    const series = h[metric];
    if (!series) throw new Error(`epochTable: run '${name}' has no '${metric}' (it has ${Object.keys(h).join(", ") || "nothing"})`);
    cols[name] = series;
  }
  for (const [name, series] of Object.entries(opts.extra ?? {})) {
    if (name in cols || name === "epoch") throw new Error(`epochTable: extra column '${name}' clashes with a run of the same name`);
    cols[name] = series;
  }
  const epochs = Math.max(0, ...Object.values(cols).map((s) => s.length));
  const rows: Record<string, number | string>[] = [];
  for (let e = 0; e < epochs; e++) {
    const row: Record<string, number | string> = { epoch: e + 1 };
    for (const [name, s] of Object.entries(cols)) row[name] = e < s.length ? s[e] : "";
    rows.push(row);
  }
  return rows;
}

export interface Misclassified {
  /** Indices into the split of the samples shown (at most `max`), in the split's order. */
  indices: number[];
  /** Their pixels, one after another (indices.length * pixelsPerImage values), for plotImageGrid. */
  images: Float32Array;
  /** "true→predicted" per sample, e.g. "7→1". */
  captions: string[];
  /** All true: every caption is a mistake, drawn highlighted. */
  highlight: boolean[];
  /** How many of all samples were wrong (not only the ones picked). */
  total: number;
}

/**
 * The samples a model got wrong: the first `max` (default 20) in the split's order, with "true→predicted" captions.
 * `images` holds n images of `pixelsPerImage` values (default 28*28), `labels` and `predicted` n classes each.
 */
export function pickMisclassified(
  images: Float32Array,
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  opts: { max?: number; pixelsPerImage?: number } = {},
): Misclassified {
  const max = opts.max ?? 20;
  const px = opts.pixelsPerImage ?? 784;
  if (labels.length !== predicted.length) {
    throw new Error(`pickMisclassified: ${labels.length} labels but ${predicted.length} predictions`);
  }
  if (images.length !== labels.length * px) {
    throw new Error(`pickMisclassified: ${images.length} pixel values are not ${labels.length} images of ${px} pixels`);
  }
  const indices: number[] = [];
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== predicted[i]) {
      total++;
      if (indices.length < max) indices.push(i);
    }
  }
  const out = new Float32Array(indices.length * px);
  indices.forEach((i, k) => out.set(images.subarray(i * px, (i + 1) * px), k * px));
  return {
    indices,
    images: out,
    captions: indices.map((i) => `${labels[i]}→${predicted[i]}`),
    highlight: indices.map(() => true),
    total,
  };
}
