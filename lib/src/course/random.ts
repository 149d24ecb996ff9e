// Reproducibility: one call seeds everything a lesson uses, so a re-run prints the same numbers.
//
// TensorFlow.js initialisers and tf.util.shuffle (used by model.fit) draw from Math.random when no seed is
// given, so seeding replaces Math.random with a seeded generator; rnnlab's own splits use rng() below.

/** mulberry32: small, fast, good enough for shuffles and initial weights. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nativeRandom = Math.random;
let generator: () => number = nativeRandom;
let currentSeed: number | undefined;

/** Seeds weights, shuffles and data splits. Call it at the top of a notebook. */
export function seedEverything(seed = 42): void {
  if (!Number.isInteger(seed)) throw new Error(`seedEverything(${seed}): the seed must be an integer`);
  currentSeed = seed;
  generator = mulberry32(seed);
  Math.random = generator;
}

/** The seed set by seedEverything, if any. */
export function currentSeedValue(): number | undefined {
  return currentSeed;
}

/** A uniform number in [0, 1) from the seeded stream (or Math.random before seeding). */
export function rng(): number {
  return generator();
}

/** A new independent generator derived from a seed, for code that must not disturb the main stream. */
export function seededRng(seed: number): () => number {
  return mulberry32(seed);
}

/** Fisher-Yates shuffle of 0..n-1 with the given generator. */
export function permutation(n: number, random: () => number = rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}
