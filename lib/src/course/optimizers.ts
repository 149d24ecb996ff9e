// Keras's `Adam(lr=1e-3, decay=1e-6)`: the lecture's optimizer. Keras 2 (before 2.11) applied `decay` as a per-step
// learning-rate schedule, lr_t = lr / (1 + decay * iterations), where `iterations` counts the updates already done
// (the first update uses lr itself). tf.train.adam has no decay argument; AdamDecay adds it.
import * as tf from "@tensorflow/tfjs";

/** The learning rate Keras's legacy `decay` gives after `iterations` updates: lr / (1 + decay * iterations). */
export function kerasDecayedLearningRate(learningRate: number, decay: number, iterations: number): number {
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
