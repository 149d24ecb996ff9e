// Gathering rows on the wasm backend. tf.LayersModel.fit takes each batch out of the training data with tf.gather
// (rows picked by the shuffled indices), and tfjs-backend-wasm 4.22's GatherV2 goes element by element through a
// general loop: about 1 ms for 32 MNIST images, a fifth of an MLP's training step in lesson 06. Here GatherV2 on wasm
// copies each picked slice whole (TypedArray.set on the heap), with the same results, checks and error message.
import * as tf from "@tensorflow/tfjs";
import { KernelFunc, replaceWasmKernel, TensorInfo } from "./wasm-kernel";

type Numbers = Float32Array | Int32Array | Uint8Array;
interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Numbers;
}

/**
 * Registers, in place of the wasm backend's GatherV2, one that copies whole slices (on = true, what initRuntime does
 * when it loads the wasm backend), or puts the backend's own back (false; for comparisons and tests). Returns whether
 * ours is registered now.
 */
export function useFastWasmGather(on = true): boolean {
  return replaceWasmKernel("GatherV2", on, (theirs) => gatherSlices(theirs));
}

function gatherSlices(theirs: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs;
    if (!["float32", "int32", "bool"].includes(x.dtype)) return theirs({ inputs, backend, attrs });
    const wasm = backend as WasmBackend;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const batchDims = (attrs.batchDims as number) ?? 0;
    const picks = wasm.readSync(indices.dataId);
    const axisDim = x.shape[axis];
    for (let i = 0; i < picks.length; i++) {
      const index = picks[i];
      tf.util.assert(index <= axisDim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
    }
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.TensorInfo as tf.Tensor, indices as tf.TensorInfo as tf.Tensor, axis, batchDims);
    const { batchSize, outerSize, dimSize, sliceSize, outputShape } = info;
    const perBatch = picks.length / batchSize;
    const out = wasm.makeOutput(outputShape, x.dtype);
    if (tf.util.sizeFromShape(outputShape) === 0) return out;
    // Views after the last allocation: the heap cannot grow (and move) under them.
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    let at = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const base = (b * outerSize + o) * dimSize;
        for (let i = 0; i < perBatch; i++) {
          const from = (base + picks[b * perBatch + i]) * sliceSize;
          dst.set(src.subarray(from, from + sliceSize), at);
          at += sliceSize;
        }
      }
    }
    return out;
  };
}
