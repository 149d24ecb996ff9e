// The recurrent layers' orthogonal initializer without tfjs's console warning.
//
// tf.initializers.orthogonal prints "Orthogonal initializer is being called on a matrix with more than 2000 (…)
// elements: Slowness may result." for every matrix above 2000 elements, so every recurrent layer of 23 units or
// more (its recurrent kernel is units × 4·units for an LSTM) put a red stderr box in the notebook that a learner can
// do nothing about. This class draws the same matrix with the same ops in the same order (a normal matrix from the
// seed, its QR decomposition, Q's columns signed by R's diagonal, times the gain), so a seed gives exactly
// tf.initializers.orthogonal's values, and it says nothing. It is registered under tfjs's own class name
// "Orthogonal", so tf.layers' default recurrent initializer ('orthogonal') and models loaded from files use it too.
import * as tf from "@tensorflow/tfjs";

type Initializer = ReturnType<typeof tf.initializers.orthogonal>;
type OrthogonalCtor = new (args: { seed?: number; gain?: number }) => Initializer;

// tfjs-layers does not export the class itself; its constructor is reached through an instance.
const TfOrthogonal = tf.initializers.orthogonal({}).constructor as OrthogonalCtor;

export class QuietOrthogonal extends TfOrthogonal {
  constructor(args: { seed?: number; gain?: number } = {}) {
    super(args);
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (shape.length < 2 || (dtype !== "int32" && dtype !== "float32" && dtype !== undefined)) return TfOrthogonal.prototype.apply.call(this, shape, dtype); // tfjs's own errors
    const self = this as unknown as { gain: number; seed?: number };
    return tf.tidy(() => {
      const numRows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const numCols = shape[shape.length - 1];
      const m = Math.min(numCols, numRows);
      const normal = tf.randomNormal([Math.max(numCols, numRows), m], 0, 1, dtype as "float32" | "int32" | undefined, self.seed);
      const [q0, r] = tf.linalg.qr(normal, false);
      const diag = r.flatten().stridedSlice([0], [m * m], [m + 1]);
      let q = tf.mul(q0, diag.sign());
      if (numRows < numCols) q = q.transpose();
      return tf.mul(tf.scalar(self.gain), q.reshape(shape));
    });
  }
}

/** tfjs's orthogonal initializer, same values for the same seed, without the "Slowness may result" warning. */
export function orthogonal(args: { seed?: number; gain?: number } = {}): Initializer {
  return new QuietOrthogonal(args);
}

// tf.layers resolve the name 'orthogonal' (and files' {"className": "Orthogonal"}) through this registry.
tf.serialization.SerializationMap.register(QuietOrthogonal as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
