// Patterns: small generated tasks for Karpathy's five input/output patterns of a recurrent network, and the
// one-hot character helpers of the "hihello" and long-sentence labs. Every generator is seeded and returns tensors
// ready for fit.
import * as tf from "@tensorflow/tfjs";
import { seededRng } from "../course/random";

/** The distinct characters of a text in order of first appearance ("hihello" -> h, i, e, l, o, as the lab). */
export function charVocabulary(text: string): string[] {
  return [...new Set([...text])];
}

/** Index of each character of `text` in `vocab`; an unknown character is an error naming it and its position. */
export function encodeChars(text: string, vocab: string[]): number[] {
  return [...text].map((c, i) => {
    const k = vocab.indexOf(c);
    if (k < 0) throw new Error(`encodeChars: '${c}' at position ${i} of "${text}" is not in the vocabulary [${vocab.join(", ")}]`);
    return k;
  });
}

/** The characters at the given indices (argmax of each step's prediction, for example). */
export function decodeChars(indices: ArrayLike<number>, vocab: string[]): string {
  return Array.from(indices, (k, i) => {
    if (!Number.isInteger(k) || k < 0 || k >= vocab.length) {
      throw new Error(`decodeChars: index ${k} at position ${i} is outside the vocabulary of ${vocab.length}`);
    }
    return vocab[k];
  }).join("");
}

/** One row per character with a 1 in its vocabulary column: [text.length][vocab.length]. */
export function oneHotChars(text: string, vocab: string[]): number[][] {
  return encodeChars(text, vocab).map((k) => vocab.map((_, j) => (j === k ? 1 : 0)));
}

export interface NextCharExample {
  vocab: string[];
  /** The text without its last character ("hihell"). */
  input: string;
  /** The text without its first character ("ihello"): at each step, the character that comes next. */
  target: string;
  /** One-hot input, [1, steps, vocab]. */
  x: tf.Tensor3D;
  /** Target indices, [1, steps, 1] (sparse labels for every step). */
  y: tf.Tensor3D;
}

/** The "hihello" lab as tensors: learn to predict every next character of one text. */
export function nextCharExample(text: string, vocab: string[] = charVocabulary(text)): NextCharExample {
  if ([...text].length < 2) throw new Error(`nextCharExample: "${text}" needs at least two characters`);
  const chars = [...text];
  const input = chars.slice(0, -1).join("");
  const target = chars.slice(1).join("");
  const x = tf.tensor3d([oneHotChars(input, vocab)]);
  const y = tf.tensor3d([encodeChars(target, vocab).map((k) => [k])]);
  return { vocab, input, target, x, y };
}

export interface NextCharWindows {
  vocab: string[];
  seqLength: number;
  /** x of each window as text: text[i, i + seqLength), for i = 0 .. text.length - seqLength - 1. */
  inputs: string[];
  /** y of each window as text: the same window moved on by one character, text[i + 1, i + seqLength + 1). */
  targets: string[];
  /** One-hot inputs, [windows, seqLength, vocab]. */
  x: tf.Tensor3D;
  /** Target indices, [windows, seqLength, 1] (sparse labels for every step). */
  y: tf.Tensor3D;
}

/**
 * The long-sentence lab as tensors: every window of `seqLength` characters of a text (x) with the window one
 * character further on (y), so a synced many-to-many model learns the next character at every step.
 * A text of n characters gives n - seqLength windows (the lab's `range(0, len(sentence) - seq_length)`).
 */
export function nextCharWindows(text: string, seqLength: number, vocab: string[] = charVocabulary(text)): NextCharWindows {
  const chars = [...text];
  if (!Number.isInteger(seqLength) || seqLength <= 0) {
    throw new Error(`nextCharWindows: seqLength must be a positive integer, got ${seqLength}`);
  }
  if (seqLength >= chars.length) {
    throw new Error(
      `nextCharWindows: seqLength ${seqLength} must be below the text's length ${chars.length} ` +
        `(a window needs seqLength characters for x and one more for y)`,
    );
  }
  const inputs: string[] = [];
  const targets: string[] = [];
  for (let i = 0; i + seqLength < chars.length; i++) {
    inputs.push(chars.slice(i, i + seqLength).join(""));
    targets.push(chars.slice(i + 1, i + seqLength + 1).join(""));
  }
  const x = tf.tensor3d(inputs.map((s) => oneHotChars(s, vocab)));
  const y = tf.tensor3d(targets.map((s) => encodeChars(s, vocab).map((k) => [k])));
  return { vocab, seqLength, inputs, targets, x, y };
}

/**
 * The lab's read-out of overlapping windows as one text: every character predicted for the first window, then
 * the last predicted character of each following window. `predicted` holds one row of vocabulary indices per
 * window (argmax of each step); with nextCharWindows' windows the result lines up with text.slice(1).
 */
export function joinWindowPredictions(predicted: ArrayLike<number>[], vocab: string[]): string {
  if (predicted.length === 0) throw new Error("joinWindowPredictions: no windows (need at least 1)");
  const steps = predicted[0].length;
  predicted.forEach((row, i) => {
    if (row.length !== steps || steps === 0) {
      throw new Error(`joinWindowPredictions: window ${i} has ${row.length} steps, expected ${steps} (same as window 0, at least 1)`);
    }
  });
  return decodeChars(predicted[0], vocab) + predicted.slice(1).map((row) => decodeChars([row[steps - 1]], vocab)).join("");
}

/**
 * The lowest mean cross-entropy (natural log, as the loss) that any model reading each window from its start can
 * reach on these windows: at each step it has seen only the window's characters so far, and where the same
 * characters are followed by different ones (the first step of a window sees a single character) the best it can
 * do is their frequencies. 0 when every context has one continuation.
 */
export function nextCharLossFloor(windows: { inputs: string[]; targets: string[] }): number {
  const { inputs, targets } = windows;
  if (inputs.length === 0 || inputs.length !== targets.length) {
    throw new Error(`nextCharLossFloor: ${inputs.length} input windows but ${targets.length} targets (need the same, at least 1)`);
  }
  const counts = new Map<string, Map<string, number>>();
  const pairs: [string, string][] = [];
  inputs.forEach((input, i) => {
    const x = [...input];
    const y = [...targets[i]];
    if (x.length !== y.length) throw new Error(`nextCharLossFloor: window ${i} has ${x.length} input characters but ${y.length} targets`);
    x.forEach((_, t) => {
      const context = x.slice(0, t + 1).join("");
      const next = counts.get(context) ?? new Map<string, number>();
      next.set(y[t], (next.get(y[t]) ?? 0) + 1);
      counts.set(context, next);
      pairs.push([context, y[t]]);
    });
  });
  let sum = 0;
  for (const [context, y] of pairs) {
    const next = counts.get(context)!;
    let total = 0;
    next.forEach((n) => (total += n));
    sum -= Math.log(next.get(y)! / total);
  }
  return sum / pairs.length;
}

/** How many characters of `predicted` equal `expected` at the same position, and where they differ. */
export function charMatches(predicted: string, expected: string): { right: number; total: number; wrongAt: number[] } {
  const p = [...predicted];
  const e = [...expected];
  if (p.length !== e.length) {
    throw new Error(`charMatches: ${p.length} predicted characters but ${e.length} expected (need the same length)`);
  }
  const wrongAt = e.flatMap((c, i) => (p[i] === c ? [] : [i]));
  return { right: e.length - wrongAt.length, total: e.length, wrongAt };
}

export interface TaskOptions {
  /** Number of examples. */
  n: number;
  /** Seed of the task's own generator (does not disturb seedEverything's stream). */
  seed?: number;
}

export interface SequenceTaskOptions extends TaskOptions {
  steps: number;
}

function checkSizes(where: string, opts: { n: number; steps?: number }): void {
  if (!Number.isInteger(opts.n) || opts.n <= 0) throw new Error(`${where}: n must be a positive integer, got ${opts.n}`);
  if (opts.steps !== undefined && (!Number.isInteger(opts.steps) || opts.steps <= 0)) {
    throw new Error(`${where}: steps must be a positive integer, got ${opts.steps}`);
  }
}

export interface Task {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** One-to-one: x uniform in [-1, 1] -> x², as x [n, 1] and y [n, 1]. */
export function squareTask(opts: TaskOptions): Task & { x: tf.Tensor2D; y: tf.Tensor2D } {
  checkSizes("squareTask", opts);
  const r = seededRng(opts.seed ?? 1);
  const xs = Array.from({ length: opts.n }, () => 2 * r() - 1);
  return { x: tf.tensor2d(xs, [opts.n, 1]), y: tf.tensor2d(xs.map((v) => v * v), [opts.n, 1]) };
}

/**
 * One-to-many: one number, the angular frequency w (radians per step, uniform in [minFreq, maxFreq]), -> the wave
 * sin(w t) for t = 1..steps. x [n, 1], y [n, steps, 1].
 */
export function waveTask(opts: SequenceTaskOptions & { minFreq?: number; maxFreq?: number }): Task & { x: tf.Tensor2D; y: tf.Tensor3D } {
  checkSizes("waveTask", opts);
  const { n, steps, minFreq = 0.2, maxFreq = 1.0 } = opts;
  if (!(minFreq < maxFreq)) throw new Error(`waveTask: minFreq ${minFreq} must be below maxFreq ${maxFreq}`);
  const r = seededRng(opts.seed ?? 2);
  const w = Array.from({ length: n }, () => minFreq + (maxFreq - minFreq) * r());
  const y = w.map((f) => Array.from({ length: steps }, (_, t) => [Math.sin(f * (t + 1))]));
  return { x: tf.tensor2d(w, [n, 1]), y: tf.tensor3d(y) };
}

/** Many-to-one: steps numbers uniform in [-1, 1] -> 1 if their sum is positive, else 0. x [n, steps, 1], y [n]. */
export function sumSignTask(opts: SequenceTaskOptions): Task & { x: tf.Tensor3D; y: tf.Tensor1D } {
  checkSizes("sumSignTask", opts);
  const r = seededRng(opts.seed ?? 3);
  const seqs = Array.from({ length: opts.n }, () => Array.from({ length: opts.steps }, () => 2 * r() - 1));
  const labels = seqs.map((s) => (s.reduce((a, b) => a + b, 0) > 0 ? 1 : 0));
  return { x: tf.tensor3d(seqs.map((s) => s.map((v) => [v]))), y: tf.tensor1d(labels, "float32") };
}

/**
 * Many-to-many of a different length: a sequence of `steps` symbols (0..symbols-1, one-hot) -> the same symbols
 * reversed, then an end-of-sequence symbol (index `symbols`), as a translation model ends its sentence.
 * x [n, steps, symbols], y [n, steps + 1, 1]; `tokens` and `targets` hold the same as plain numbers.
 */
export function reverseTask(
  opts: SequenceTaskOptions & { symbols?: number },
): Task & { x: tf.Tensor3D; y: tf.Tensor3D; tokens: number[][]; targets: number[][]; symbols: number } {
  checkSizes("reverseTask", opts);
  const { n, steps, symbols = 4 } = opts;
  if (!Number.isInteger(symbols) || symbols < 2) throw new Error(`reverseTask: symbols must be an integer >= 2, got ${symbols}`);
  const r = seededRng(opts.seed ?? 4);
  const tokens = Array.from({ length: n }, () => Array.from({ length: steps }, () => Math.floor(r() * symbols)));
  const targets = tokens.map((s) => [...s].reverse().concat([symbols]));
  const x = tf.tensor3d(tokens.map((s) => s.map((k) => Array.from({ length: symbols }, (_, j) => (j === k ? 1 : 0)))));
  const y = tf.tensor3d(targets.map((s) => s.map((k) => [k])));
  return { x, y, tokens, targets, symbols };
}

/**
 * Synced many-to-many: a sequence of bits -> at every step, the parity (XOR) of the bits so far.
 * x [n, steps, 1], y [n, steps, 1] (sparse labels 0/1 for every step).
 */
export function runningParityTask(opts: SequenceTaskOptions): Task & { x: tf.Tensor3D; y: tf.Tensor3D } {
  checkSizes("runningParityTask", opts);
  const r = seededRng(opts.seed ?? 5);
  const bits = Array.from({ length: opts.n }, () => Array.from({ length: opts.steps }, () => (r() < 0.5 ? 0 : 1)));
  const parity = bits.map((s) => {
    let p = 0;
    return s.map((b) => (p ^= b));
  });
  return { x: tf.tensor3d(bits.map((s) => s.map((b) => [b]))), y: tf.tensor3d(parity.map((s) => s.map((p) => [p]))) };
}

/**
 * Synced many-to-many: digits 0..levels-1 -> at every step, the largest digit so far (a class 0..levels-1).
 * x [n, steps, 1] scaled to [0, 1], y [n, steps, 1].
 */
export function runningMaxTask(opts: SequenceTaskOptions & { levels?: number }): Task & { x: tf.Tensor3D; y: tf.Tensor3D } {
  checkSizes("runningMaxTask", opts);
  const { levels = 5 } = opts;
  if (!Number.isInteger(levels) || levels < 2) throw new Error(`runningMaxTask: levels must be an integer >= 2, got ${levels}`);
  const r = seededRng(opts.seed ?? 6);
  const digits = Array.from({ length: opts.n }, () => Array.from({ length: opts.steps }, () => Math.floor(r() * levels)));
  const maxima = digits.map((s) => {
    let m = 0;
    return s.map((d) => (m = Math.max(m, d)));
  });
  return {
    x: tf.tensor3d(digits.map((s) => s.map((d) => [d / (levels - 1)]))),
    y: tf.tensor3d(maxima.map((s) => s.map((m) => [m]))),
  };
}

function shapeText(shape: (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? "batch" : d)).join(", ")}]`;
}

/** One line: the data's shapes and the model's, e.g. "x [800, 1] -> y [800, 12, 1]; model [batch, 1] -> [batch, 12, 1]". */
export function ioShapes(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): string {
  const mIn = model.inputs[0].shape;
  const mOut = model.outputs[0].shape;
  return `x ${shapeText(x.shape)} -> y ${shapeText(y.shape)};  model ${shapeText(mIn)} -> ${shapeText(mOut)}`;
}

/**
 * snake_case of a class name as Keras and tfjs both write it (Keras's layer names, tfjs's generated ones):
 * SimpleRNN -> simple_rnn, BatchNormalization -> batch_normalization, RnnlabLSTM -> rnnlab_lstm.
 */
function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** tfjs's generated layer name for a class ("lstm_LSTM3", "rnnlab_lstm_RnnlabLSTM7"), as opposed to one given by the user. */
function isGeneratedName(name: string, className: string): boolean {
  return new RegExp(`^${snakeCase(className)}_${className}\\d+$`).test(name);
}

/**
 * One row per layer, as Keras's `model.summary()` names them: the layer (generated names become lstm_1, lstm_2,
 * dense_1, ... per type within the model; a name you gave is kept), its type (rnnlab's fast layers under the Keras
 * class they stand for: LSTM, not RnnlabLSTM), its output shape (batch as "batch") and its number of parameters.
 */
export function layerTable(model: tf.LayersModel): { layer: string; type: string; "output shape": string; params: number }[] {
  const seen = new Map<string, number>();
  return model.layers.map((l) => {
    const out = l.outputShape;
    const shapes = (Array.isArray(out[0]) ? out : [out]) as (number | null)[][];
    const type = l.getClassName().replace(/^Rnnlab/, "");
    let layer = l.name;
    if (isGeneratedName(l.name, l.getClassName())) {
      // Numbered as Keras numbers them: per type, counting only the layers it named itself.
      const k = (seen.get(type) ?? 0) + 1;
      seen.set(type, k);
      layer = `${snakeCase(type)}_${k}`;
    }
    return { layer, type, "output shape": shapes.map(shapeText).join(", "), params: l.countParams() };
  });
}

/**
 * Accuracy of predicted token sequences: per token, and per whole sequence (every token right), as for a
 * translation that counts only when the whole sentence is right.
 */
export function sequenceAccuracy(yTrue: number[][], yPred: number[][]): { token: number; sequence: number } {
  if (yTrue.length !== yPred.length || yTrue.length === 0) {
    throw new Error(`sequenceAccuracy: ${yTrue.length} true sequences but ${yPred.length} predicted (need the same, at least 1)`);
  }
  let tokens = 0;
  let right = 0;
  let whole = 0;
  yTrue.forEach((t, i) => {
    const p = yPred[i];
    if (p.length !== t.length) throw new Error(`sequenceAccuracy: sequence ${i} has ${t.length} true tokens but ${p.length} predicted`);
    let all = true;
    t.forEach((k, j) => {
      tokens++;
      if (p[j] === k) right++;
      else all = false;
    });
    if (all) whole++;
  });
  return { token: right / tokens, sequence: whole / yTrue.length };
}
