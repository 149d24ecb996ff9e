// Synthetic long-dependency tasks: data where the answer hangs on inputs far back in time, so that a cell which
// forgets (a SimpleRNN) and one that remembers (an LSTM, a GRU) can be told apart in numbers.
import { tf } from "../course/runtime";
import { seededRng } from "../course/random";

/** One adding-problem data set: x [n, T, 2] (value, marker) pairs, y [n, 1] the sum of the two marked values. */
export interface AddingProblemData {
  x: tf.Tensor3D;
  y: tf.Tensor2D;
  /** For each sequence, the two marked time steps [early, late]. */
  markedSteps: [number, number][];
}

export interface AddingProblemOptions {
  /** Seed of the data's own generator (default 1): same seed, same data, whatever else used the random stream. */
  seed?: number;
  /**
   * Where the two markers may fall: the first in the first `firstWithin` steps, the second in the last `firstWithin`
   * steps (default: T/2 each, Hochreiter & Schmidhuber's setting). A small window forces a long distance in time.
   */
  firstWithin?: number;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997): each step carries a value uniform in [0, 1) and a marker;
 * exactly two steps are marked (marker 1, others 0), one in the first part of the sequence and one in the last,
 * and the target is the sum of their two values. Predicting the mean (1.0) scores a mean squared error of about
 * 1/6 ≈ 0.167; beating it needs remembering a value across the sequence.
 */
export function addingProblem(n: number, T: number, opts: AddingProblemOptions = {}): AddingProblemData {
  if (!Number.isInteger(n) || n < 1) throw new Error(`addingProblem: n (number of sequences) must be a positive integer, got ${n}`);
  if (!Number.isInteger(T) || T < 2) throw new Error(`addingProblem: T (sequence length) must be an integer >= 2, got ${T}`);
  const within = opts.firstWithin ?? Math.floor(T / 2);
  if (!Number.isInteger(within) || within < 1 || 2 * within > T) {
    throw new Error(`addingProblem: firstWithin must be an integer in 1..${Math.floor(T / 2)} for T=${T}, got ${within}`);
  }
  const random = seededRng(opts.seed ?? 1);
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const markedSteps: [number, number][] = [];
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < T; t++) x[(s * T + t) * 2] = random();
    const early = Math.floor(random() * within);
    const late = T - within + Math.floor(random() * within);
    x[(s * T + early) * 2 + 1] = 1;
    x[(s * T + late) * 2 + 1] = 1;
    y[s] = x[(s * T + early) * 2] + x[(s * T + late) * 2];
    markedSteps.push([early, late]);
  }
  return { x: tf.tensor3d(x, [n, T, 2]), y: tf.tensor2d(y, [n, 1]), markedSteps };
}

/** The mean squared error of always predicting the targets' mean: the score of a model that learned nothing. */
export async function meanPredictorMse(y: tf.Tensor): Promise<number> {
  const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(y, tf.mean(y)))));
  const value = (await mse.data())[0];
  mse.dispose();
  return value;
}
