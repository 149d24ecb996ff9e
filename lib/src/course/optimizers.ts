// Keras's `Adam(lr=1e-3, decay=1e-6)`: the lecture's optimizer. Keras 2 (before 2.11) applied `decay` as a per-step
// learning-rate schedule, lr_t = lr / (1 + decay * iterations), where `iterations` counts the updates already done
// (the first update uses lr itself). tf.train.adam has no decay argument; AdamDecay adds it.
import * as tf from "@tensorflow/tfjs";
import { noteLibraryCall } from "./calls";

/** The learning rate Keras's legacy `decay` gives after `iterations` updates: lr / (1 + decay * iterations). */
export function kerasDecayedLearningRate(learningRate: number, decay: number, iterations: number): number {
  noteLibraryCall("kerasDecayedLearningRate");
  return learningRate / (1 + decay * iterations);
}

/**
 * Adam with Keras's legacy per-step decay. Before each update it sets the learning rate to
 * kerasDecayedLearningRate(initialLearningRate, decay, iterations); with decay 0 it is tf.train.adam.
 * Serialisable (saveModel / loadModel keep the schedule and how far it got: Adam's iteration count is saved).
 */
export class AdamDecay extends tf.AdamOptimizer {
  static get className(): string {
    return "RnnlabAdamDecay";
  }
  readonly initialLearningRate: number;
  readonly decay: number;

  constructor(learningRate = 1e-3, decay = 0, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new Error(`AdamDecay: learningRate must be a number > 0, got ${learningRate}`);
    if (!(decay >= 0) || !Number.isFinite(decay)) throw new Error(`AdamDecay: decay must be a number >= 0, got ${decay}`);
    super(learningRate, beta1, beta2, epsilon as number);
    this.initialLearningRate = learningRate;
    this.decay = decay;
  }

  /** The learning rate the next update will use. */
  currentLearningRate(): number {
    return kerasDecayedLearningRate(this.initialLearningRate, this.decay, this.iterations);
  }

  applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    this.learningRate = this.currentLearningRate();
    super.applyGradients(variableGradients);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), learningRate: this.initialLearningRate, decay: this.decay };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const C = cls as any;
    return new C(config.learningRate, config.decay ?? 0, config.beta1, config.beta2, config.epsilon);
  }
}

tf.serialization.registerClass(AdamDecay);

/** `adamDecay(1e-3, 1e-6)` is Keras's `Adam(lr=1e-3, decay=1e-6)`. */
export function adamDecay(learningRate = 1e-3, decay = 0): AdamDecay {
  return new AdamDecay(learningRate, decay);
}

/** What withClipNorm adds to an optimizer: the clip, and the gradients' norm before clipping at each update. */
export interface ClipNormInfo {
  readonly clipnorm: number;
  /**
   * Global norm sqrt(Σ‖g‖²) of all gradients of each update so far, before clipping (NaN once they hold NaN). Read
   * without blocking (a GPU backend has no synchronous read-back), so the last entries may still be NaN while they
   * are read: `await readGradientNorms()` gives the list complete.
   */
  readonly gradientNorms: number[];
  readGradientNorms(): Promise<number[]>;
}

/**
 * Keras's `clipnorm` argument for any tfjs optimizer (tf.train.sgd, adam, ...): before each update, every gradient
 * whose norm exceeds `clipnorm` is scaled down to that norm, g * clipnorm / max(‖g‖, clipnorm), each tensor on its
 * own as Keras's `clipnorm` does (not one global norm). The direction of each gradient stays; only a step that
 * would be too long is shortened. Records the gradients' global norm before clipping in `gradientNorms`.
 * With `clipnorm: Infinity` nothing is clipped and only the norms are recorded. Returns the same optimizer.
 */
export function withClipNorm<O extends tf.Optimizer>(optimizer: O, clipnorm: number): O & ClipNormInfo {
  if (!(clipnorm > 0)) throw new Error(`withClipNorm: clipnorm must be a number > 0 (or Infinity), got ${clipnorm}`);
  const o = optimizer as O & { clipnorm: number; gradientNorms: number[]; readGradientNorms: () => Promise<number[]> };
  if (Object.prototype.hasOwnProperty.call(o, "gradientNorms")) throw new Error("withClipNorm: this optimizer already clips; make a new optimizer for another clipnorm");
  o.clipnorm = clipnorm;
  o.gradientNorms = [];
  const reads: Promise<void>[] = [];
  o.readGradientNorms = async () => {
    await Promise.all(reads);
    return o.gradientNorms;
  };
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (variableGradients) => {
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const { total, clipped } = tf.tidy(() => {
      const norms = named.map((g) => tf.norm(g.tensor));
      const sum = tf.sqrt(tf.addN(norms.map((n) => tf.square(n))));
      return {
        total: tf.keep(sum),
        clipped: named.map((g, k) => {
          // scale = clipnorm / max(‖g‖, clipnorm): 1 for a short gradient, < 1 for a long one (NaN stays NaN).
          const scale = Number.isFinite(clipnorm) ? tf.div(clipnorm, tf.maximum(norms[k], clipnorm)) : tf.scalar(1);
          return { name: g.name, tensor: tf.keep(tf.mul(g.tensor, scale)) };
        }),
      };
    });
    const at = o.gradientNorms.push(NaN) - 1;
    reads.push(
      total.data().then((v) => {
        o.gradientNorms[at] = v[0];
        total.dispose();
      }),
    );
    try {
      apply(clipped);
    } finally {
      tf.dispose(clipped.map((g) => g.tensor));
    }
  };
  return o;
}
