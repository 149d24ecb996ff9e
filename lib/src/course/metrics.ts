import { noteLibraryCall } from "./calls";
// Metrics: the numbers a lesson reports, computed on plain arrays so any cell can check them by hand.

type Labels = ArrayLike<number>;

function sameLength(a: Labels, b: Labels, what: string, noun = "labels"): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} true ${noun} but ${b.length} predictions`);
  if (a.length === 0) throw new Error(`${what}: no samples`);
}

/** Fraction of predictions equal to the true label. */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  sameLength(yTrue, yPred, "accuracy");
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

/** Confusion matrix: rows are true classes, columns predicted classes. */
export function confusionMatrix(yTrue: Labels, yPred: Labels, numClasses?: number): number[][] {
  sameLength(yTrue, yPred, "confusionMatrix");
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < yTrue.length; i++) k = Math.max(k, yTrue[i] + 1, yPred[i] + 1);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k && Number.isInteger(t) && Number.isInteger(p))) {
      throw new Error(`confusionMatrix: sample ${i} has label ${t} / prediction ${p}, expected integers in 0..${k - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

/** How many samples of each class, and their share. */
export function classBalance(labels: Labels, numClasses?: number): { counts: number[]; shares: number[] } {
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i] + 1);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return { counts, shares: counts.map((c) => c / Math.max(labels.length, 1)) };
}

/** The majority-class baseline: the class most frequent in `train`, and the accuracy of always predicting it on `test`. */
export function majorityBaseline(train: Labels, test: Labels): { cls: number; accuracy: number } {
  noteLibraryCall("majorityBaseline");
  const { counts } = classBalance(train);
  const cls = counts.indexOf(Math.max(...counts));
  let hit = 0;
  for (let i = 0; i < test.length; i++) if (test[i] === cls) hit++;
  return { cls, accuracy: hit / Math.max(test.length, 1) };
}

/** Precision, recall and F1 of one class. */
export function precisionRecall(yTrue: Labels, yPred: Labels, cls: number): { precision: number; recall: number; f1: number } {
  sameLength(yTrue, yPred, "precisionRecall");
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yPred[i] === cls && yTrue[i] === cls) tp++;
    else if (yPred[i] === cls) fp++;
    else if (yTrue[i] === cls) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

function sameLengthValues(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  sameLength(a, b, what, "values");
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new Error(`${what}: sample ${i} is not finite (true ${a[i]}, predicted ${b[i]})`);
  }
}

/** Root mean squared error, in the units of the values: sqrt(mean((yTrue - yPred)^2)). */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLengthValues(yTrue, yPred, "rmse");
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(s / yTrue.length);
}

/** Mean absolute error, in the units of the values. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLengthValues(yTrue, yPred, "mae");
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}
