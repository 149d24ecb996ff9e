// Solutions to lesson 07's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";

export function upDownLabelsByHand(close: number[], horizon: number): number[] {
  const labels: number[] = [];
  for (let t = 0; t + horizon < close.length; t++) labels.push(close[t + horizon] > close[t] ? 1 : 0);
  return labels;
}

export function makeWindowsByHand(values: number[], window: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k + window < values.length; k++) {
    x.push(values.slice(k, k + window));
    y.push(values[k + window] > values[k + window - 1] ? 1 : 0);
  }
  return { x, y };
}

export function majorityBaselineAccuracy(trainLabels: number[], testLabels: number[]): number {
  const ups = trainLabels.filter((v) => v === 1).length;
  const majority = ups * 2 > trainLabels.length ? 1 : 0; // a tie: 0, the lower class
  return testLabels.filter((v) => v === majority).length / testLabels.length;
}

export const wrongAnswers = [
  { id: "07-1", code: "ties-count-as-up", fn: (close: number[], h: number) => close.slice(0, close.length - h).map((c, t) => (close[t + h] >= c ? 1 : 0)) },
  { id: "07-1", code: "horizon-ignored", fn: (close: number[], h: number) => close.slice(0, close.length - h).map((c, t) => (close[t + 1] > c ? 1 : 0)) },
  { id: "07-1", code: "reversed", fn: (close: number[], h: number) => close.slice(0, close.length - h).map((c, t) => (close[t + h] < c ? 1 : 0)) },
  { id: "07-1", code: "shape", message: /길이는 close\.length − horizon/, fn: (close: number[], h: number) => close.map((c, t) => (close[t + h] > c ? 1 : 0)) },
  {
    id: "07-2", code: "look-ahead",
    fn: (values: number[], window: number) => {
      const x: number[][] = [];
      const y: number[] = [];
      for (let k = 0; k + window < values.length; k++) {
        x.push(values.slice(k + 1, k + window + 1));
        y.push(values[k + window] > values[k + window - 1] ? 1 : 0);
      }
      return { x, y };
    },
  },
  {
    id: "07-2", code: "label-from-window-start",
    fn: (values: number[], window: number) => {
      const x: number[][] = [];
      const y: number[] = [];
      for (let k = 0; k + window < values.length; k++) {
        x.push(values.slice(k, k + window));
        y.push(values[k + window] > values[k] ? 1 : 0);
      }
      return { x, y };
    },
  },
  {
    id: "07-2", code: "one-window-short",
    fn: (values: number[], window: number) => {
      const x: number[][] = [];
      const y: number[] = [];
      for (let k = 0; k + window < values.length - 1; k++) {
        x.push(values.slice(k, k + window));
        y.push(values[k + window] > values[k + window - 1] ? 1 : 0);
      }
      return { x, y };
    },
  },
  { id: "07-3", code: "majority-from-test", fn: (train: number[], test: number[]) => { const m = test.filter((v) => v === 1).length * 2 > test.length ? 1 : 0; return test.filter((v) => v === m).length / test.length; } },
  { id: "07-3", code: "returns-class", fn: (train: number[], _test: number[]) => (train.filter((v) => v === 1).length * 2 > train.length ? 1 : 0) },
  { id: "07-3", code: "always-up", fn: (_train: number[], test: number[]) => test.filter((v) => v === 1).length / test.length },
  { id: "07-3", code: "accuracy-on-train", fn: (train: number[], _test: number[]) => { const m = train.filter((v) => v === 1).length * 2 > train.length ? 1 : 0; return train.filter((v) => v === m).length / train.length; } },
  { id: "07-3", code: "tie-as-up", fn: (train: number[], test: number[]) => { const m = train.filter((v) => v === 1).length * 2 >= train.length ? 1 : 0; return test.filter((v) => v === m).length / test.length; } },
  // One call to the library function the lesson has just shown: refused, not counted as passed.
  { id: "07-1", code: "library-call", status: "library-call", message: /rl\.upDownLabels/, fn: (close: number[], h: number) => Array.from(rl.upDownLabels(close, h)) },
  { id: "07-3", code: "library-call", status: "library-call", message: /rl\.majorityBaseline/, fn: (train: number[], test: number[]) => rl.majorityBaseline(train, test).accuracy },
  { id: "07-3", code: "library-call", status: "library-call", message: /rl\.majorityPredictions/, fn: (train: number[], test: number[]) => rl.accuracy(test, rl.majorityPredictions(train, test.length).predictions) },
];
