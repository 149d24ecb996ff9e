"use strict";
// The checksum the kill test compares: the child records it for each epoch's weights before saving, the test
// computes it again for the weights a checkpoint loads.

/** FNV-1a over the bits of every weight, in order. */
function checksum(model) {
  let h = 0x811c9dc5;
  for (const w of model.getWeights()) {
    const bits = new Uint32Array(Float32Array.from(w.dataSync()).buffer);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 16777619) >>> 0;
  }
  return h.toString(16);
}

module.exports = { checksum };
