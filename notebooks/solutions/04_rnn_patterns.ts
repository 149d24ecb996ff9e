// Solutions to lesson 04's exercises, and typical wrong answers, each with the diagnosis its check must give.
import * as rl from "rnnlab";
const tf = rl.tf;

export function stackOutputShapes(batch: number, steps: number, features: number, layers: { units: number; returnSequences: boolean }[]): number[][] {
  return layers.map((l) => (l.returnSequences ? [batch, steps, l.units] : [batch, l.units]));
}

export function buildStack(units: number[], steps: number, features: number, manyToMany: boolean): rl.tf.Sequential {
  const model = tf.sequential();
  units.forEach((u, k) => {
    const last = k === units.length - 1;
    model.add(tf.layers.simpleRNN({ units: u, returnSequences: last ? manyToMany : true, ...(k === 0 ? { inputShape: [steps, features] } : {}) }));
  });
  return model;
}

type L = { units: number; returnSequences: boolean };

export const wrongAnswers = [
  { id: "04-1", code: "no-batch", fn: (b: number, steps: number, f: number, layers: L[]) => layers.map((l) => (l.returnSequences ? [steps, l.units] : [l.units])) },
  { id: "04-1", code: "ignores-return-sequences", fn: (b: number, steps: number, f: number, layers: L[]) => layers.map((l) => [b, steps, l.units]) },
  { id: "04-1", code: "never-sequences", fn: (b: number, steps: number, f: number, layers: L[]) => layers.map((l) => [b, l.units]) },
  { id: "04-1", code: "features-not-units", fn: (b: number, steps: number, f: number, layers: L[]) => layers.map((l) => (l.returnSequences ? [b, steps, f] : [b, f])) },
  {
    id: "04-2", code: "middle-not-sequences",
    fn: (units: number[], steps: number, features: number, manyToMany: boolean) => {
      const model = tf.sequential();
      units.forEach((u, k) => model.add(tf.layers.simpleRNN({ units: u, returnSequences: manyToMany, ...(k === 0 ? { inputShape: [steps, features] } : {}) })));
      return model;
    },
  },
  {
    id: "04-2", code: "many-to-many-instead",
    fn: (units: number[], steps: number, features: number, _manyToMany: boolean) => {
      const model = tf.sequential();
      units.forEach((u, k) => model.add(tf.layers.simpleRNN({ units: u, returnSequences: true, ...(k === 0 ? { inputShape: [steps, features] } : {}) })));
      return model;
    },
  },
  {
    id: "04-2", code: "layer-count",
    fn: (units: number[], steps: number, features: number, manyToMany: boolean) => {
      const model = tf.sequential();
      model.add(tf.layers.simpleRNN({ units: units[units.length - 1], returnSequences: manyToMany, inputShape: [steps, features] }));
      return model;
    },
  },
];
