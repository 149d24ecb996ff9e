// What the fast recurrent layers (layers.ts) accept as input, checked where a layer is called, so that a shape or
// dtype the kernels cannot take gets an error naming the layer, the shape and what it needs (as tf.layers' own shape
// errors do) instead of the kernels' bare one. Where tf.layers gives a result, the fast layers give the same:
//  - an empty batch ([0, steps, features]) gives an empty output ([0, units], or [0, steps, units]);
//  - int32 and bool inputs are taken as float32 (tf.layers' matMul does the same);
//  - a sequence of no steps ([batch, 0, features]) is an error (tf.layers fails on it with a TypeError of its own),
//    and so is an input of no features (tf.layers ignores such an input: the output would not depend on it, which is
//    a mistake further up, not a model);
//  - other dtypes (string, complex64) are errors.
import * as tf from "@tensorflow/tfjs";

type Tensor = tf.Tensor;

/** What the checks need to know of the layer. */
export interface RecurrentLayerLike {
  readonly name: string;
  readonly units: number;
  readonly returnSequences: boolean;
  getClassName(): string;
}

const CAST_DTYPES = ["int32", "bool"];

/**
 * The input of a fast recurrent layer, rank 3 already checked, as float32; an Error naming the layer, the shape and
 * what is needed when the kernels cannot take it.
 */
export function checkRecurrentInput(layer: RecurrentLayerLike, x: Tensor): Tensor {
  const where = `rnnlab ${layer.getClassName()} '${layer.name}'`;
  const [, steps, features] = x.shape;
  if (x.dtype !== "float32" && !CAST_DTYPES.includes(x.dtype)) {
    throw new Error(`${where}: input of shape [${x.shape}] has dtype ${x.dtype}; expected float32 (int32 and bool are cast to float32)`);
  }
  if (steps === 0) throw new Error(`${where}: input of shape [${x.shape}] has 0 time steps; expected [batch, steps, features] with steps >= 1`);
  if (features === 0) throw new Error(`${where}: input of shape [${x.shape}] has 0 features; expected [batch, steps, features] with features >= 1`);
  return x.dtype === "float32" ? x : tf.cast(x, "float32");
}

/**
 * The output for an empty batch ([0, steps, features]), as tf.layers gives it: [0, units] or [0, steps, units]. It
 * depends on the input and the weights (through a product with 0), so that gradients reach them: zeros of their shapes.
 */
export function emptyBatchOutput(layer: RecurrentLayerLike, x: Tensor, weights: Tensor[]): Tensor {
  const shape = layer.returnSequences ? [0, x.shape[1] as number, layer.units] : [0, layer.units];
  const none = tf.mul(tf.addN([tf.sum(x), ...weights.map((w) => tf.sum(w))]), 0);
  return tf.add(tf.zeros(shape), none);
}
