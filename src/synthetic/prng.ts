/** Small deterministic PRNG (mulberry32) and a standardized Gaussian table for fast noise. */

/** A seeded uniform generator on [0, 1). */
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

/** Mix several integers into one 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0 || 1;
}

/** One standard normal deviate (Box-Muller) from a uniform generator. */
export function gaussian(rand: () => number): number {
  let u = rand();
  while (u <= 1e-300) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Size of the Gaussian table (a power of two; indices are taken from 16 random bits). */
export const GAUSS_TABLE_SIZE = 65536;

/**
 * A table of standard normal deviates, shifted and scaled so its mean is exactly 0 and its standard
 * deviation exactly 1; pixel noise picks entries with a fast integer generator.
 */
export function gaussianTable(seed: number): Float32Array {
  const rand = mulberry32(seed);
  const t = new Float64Array(GAUSS_TABLE_SIZE);
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += t[i] = gaussian(rand);
  const mean = sum / t.length;
  let ss = 0;
  for (let i = 0; i < t.length; i++) ss += (t[i] - mean) ** 2;
  const sd = Math.sqrt(ss / t.length);
  const out = new Float32Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = (t[i] - mean) / sd;
  return out;
}
